import SQLSyntax
import SleetConfig

/// Where a statement goes: a value computed by a pure function, printed by EXPLAIN ROUTE.
public struct RoutePlan: Sendable, Equatable {
    public enum Role: String, Sendable { case primary, replica }
    public struct Target: Sendable, Equatable {
        public var shard: String
        public var role: Role
        public var address: HostPort
        public var reason: String
    }
    public var targets: [Target]
}

/// Routing for the foundation: one shard's primary (the default shard). The sharding issue
/// replaces the body with vindex lookups; the signature stays: statement + session + config in,
/// plan out, no I/O.
public enum Router {
    public static func plan(_ statement: StatementKind, inTransaction: Bool, config: SleetConfig) -> RoutePlan {
        let shard = defaultShard(config)
        return RoutePlan(targets: [.init(shard: shard.name, role: .primary, address: shard.primary,
                                         reason: "no sharding yet -> default shard \(shard.name)")])
    }

    public static func defaultShard(_ config: SleetConfig) -> Shard {
        if let name = config.tables.defaultShard, let s = config.shards.first(where: { $0.name == name }) { return s }
        return config.shards[0]
    }
}
