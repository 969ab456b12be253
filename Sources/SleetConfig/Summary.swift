extension SleetConfig {
    /// Human summary for `sleet check`: listeners, shards with ranges/primary/replicas, tables,
    /// routing, and the plugin chain in order.
    public func summary() -> String {
        var lines: [String] = []
        lines.append("config: \(path)")
        var listeners = "listen: \(listen)"
        if let adminListen { listeners += " (admin: \(adminListen))" }
        lines.append(listeners + ", max_connections \(maxConnections), event_loops \(eventLoops.map(String.init) ?? "half the cores")")
        lines.append("database: \(database), server_version \(serverVersion), max_allowed_packet \(maxAllowedPacket) bytes, "
                     + "handshake_timeout \(handshakeTimeoutMs) ms, shutdown_timeout \(shutdownTimeoutMs) ms")
        lines.append("backend: user \(backend.user)\(backend.password.isEmpty ? " (no password)" : ""), pool_size \(backend.poolSize), "
                     + "connect_timeout \(backend.connectTimeoutMs) ms, health check every \(backend.healthCheck.intervalMs) ms, "
                     + "max replica lag \(backend.healthCheck.maxReplicaLagS) s")

        lines.append("shards (\(shards.count)):")
        let nameWidth = shards.map(\.name.count).max() ?? 0
        let rangeWidth = shards.map(\.keyRange.text.count).max() ?? 0
        for shard in shards.sorted(by: { $0.keyRange.start < $1.keyRange.start }) {
            let replicas = shard.replicas.isEmpty ? "none" : shard.replicas.map(\.description).joined(separator: ", ")
            lines.append("  \(pad(shard.name, nameWidth))  \(pad(shard.keyRange.text, rangeWidth))  \(shard.keyRange.hexDescription)  "
                         + "primary \(shard.primary)  replicas \(replicas)")
        }

        lines.append("tables: default_shard \(tables.defaultShard ?? shards.first?.name ?? "-")")
        if tables.sharded.isEmpty {
            lines.append("  sharded: none")
        } else {
            lines.append("  sharded:")
            for (name, table) in tables.sharded.sorted(by: { $0.key < $1.key }) {
                let vindex: String
                switch table.vindex {
                case .hash:
                    vindex = "hash"
                case .list(let map):
                    vindex = "list {" + map.sorted(by: { $0.key < $1.key }).map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
                case .range(let entries):
                    vindex = "range {" + entries.map { "\($0.shard): \($0.lower.map(String.init) ?? "")..\($0.upper.map(String.init) ?? "")" }
                        .joined(separator: ", ") + "}"
                }
                lines.append("    \(name) by \(table.key) (\(vindex))")
            }
        }
        lines.append("  reference: \(tables.reference.isEmpty ? "none" : tables.reference.joined(separator: ", "))")

        let ryw: String
        switch routing.readYourWrites {
        case .gtid: ryw = "gtid"
        case .off: ryw = "off"
        case .milliseconds(let ms): ryw = "\(ms) ms"
        }
        lines.append("routing: reads \(routing.reads.rawValue), read_your_writes \(ryw), "
                     + "cross_shard_transactions \(routing.crossShardTransactions.rawValue), scatter \(routing.scatter.rawValue)")

        var enabled: [String] = []
        var disabled: [String] = []
        for name in plugins.order {
            if name == "auth_file", let auth = plugins.authFile {
                guard auth.enabled else { disabled.append(name); continue }
                let admins = auth.users.filter(\.admin).count
                enabled.append("auth_file (\(auth.users.count) user\(auth.users.count == 1 ? "" : "s"), \(admins) admin\(admins == 1 ? "" : "s"))")
            } else if plugins.otherEnabled[name] ?? false {
                enabled.append(name)
            } else {
                disabled.append(name)
            }
        }
        lines.append("plugins (chain order): \(enabled.isEmpty ? "none" : enabled.joined(separator: " -> "))"
                     + (disabled.isEmpty ? "" : "; disabled: \(disabled.joined(separator: ", "))"))
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
