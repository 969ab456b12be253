import Foundation

extension SleetConfig {
    /// Reads and validates a YAML file. Throws `ConfigErrors` with every problem found (not just
    /// the first), each as `FILE:LINE:COLUMN: message`.
    public static func load(path: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SleetConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "\(error.localizedDescription)" : "no such file"
            throw ConfigErrors([ConfigError(file: path, line: 0, column: 0, message: "cannot read the config file: \(reason)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigErrors([ConfigError(file: path, line: 0, column: 0, message: "the config file is not valid UTF-8")])
        }
        return try parse(yaml: text, path: path, environment: environment)
    }

    /// Validates YAML text; `path` is used in error messages and stored in `SleetConfig.path`.
    public static func parse(yaml: String, path: String, environment: [String: String]) throws -> SleetConfig {
        let loader = ConfigLoader(file: path, environment: environment)
        if let config = loader.load(yaml), loader.problems.isEmpty { return config }
        throw ConfigErrors(loader.sortedErrors())
    }
}

/// Turns the YAML tree into a `SleetConfig`, collecting every problem with its position.
final class ConfigLoader {
    let file: String
    let environment: [String: String]
    private(set) var problems: [(Position, String)] = []

    init(file: String, environment: [String: String]) { self.file = file; self.environment = environment }

    func error(_ position: Position, _ message: String) { problems.append((position, message)) }

    func sortedErrors() -> [ConfigError] {
        problems.enumerated()
            .sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
            .map { ConfigError(file: file, line: $0.element.0.line, column: $0.element.0.column, message: $0.element.1) }
    }

    static let topLevelKeys = ["listen", "admin_listen", "max_connections", "database", "max_allowed_packet",
                               "handshake_timeout_ms", "shutdown_timeout_ms", "server_version", "event_loops", "backend", "shards",
                               "tables", "routing", "plugins"]
    static let knownPlugins = ["auth_file", "authorization", "query_filter", "query_log"]

    // MARK: - Top level

    func load(_ yaml: String) -> SleetConfig? {
        var reader = YAMLReader(environment: environment)
        let root: YNode
        switch reader.read(yaml) {
        case .syntaxError(let position, let message):
            error(position, message)
            return nil
        case .document(nil):
            error(.start, "the config file is empty: at least 'listen', 'backend' and 'shards' are required")
            return nil
        case .document(let node?):
            root = node
        }
        for (position, message) in reader.errors { error(position, message) }

        guard case .mapping = root.kind else {
            error(root.position, "expected a mapping of settings at the top level, got \(root.got)")
            return nil
        }
        guard let top = fields(root, name: "top level", context: "top level", allowed: Self.topLevelKeys) else { return nil }

        let listen = required(top, "listen").flatMap(hostPort)
        let adminListenField = optional(top, "admin_listen")
        let adminListen = adminListenField.flatMap(hostPort)
        if let listen, let adminListen, let adminListenField, listen == adminListen {
            error(adminListenField.value.position, "'admin_listen' must differ from 'listen' (\(listen))")
        }
        let maxConnections = optional(top, "max_connections").flatMap { int($0, min: 1) } ?? 4096
        let database = optional(top, "database").flatMap(nonEmptyString) ?? "app"
        let maxAllowedPacket = optional(top, "max_allowed_packet").flatMap(size) ?? 64 << 20
        let handshakeTimeoutMs = optional(top, "handshake_timeout_ms").flatMap { int($0, min: 1) } ?? 10_000
        let shutdownTimeoutMs = optional(top, "shutdown_timeout_ms").flatMap { int($0, min: 0) } ?? 10_000
        let serverVersion = optional(top, "server_version").flatMap(serverVersion) ?? "10.11.19-Sleet-0.1"
        let eventLoops = optional(top, "event_loops").flatMap { int($0, min: 1) }
        let backend = required(top, "backend").flatMap(backendSettings)
        let shards = required(top, "shards").map(shardList) ?? ShardList()
        let tables = optional(top, "tables").flatMap { tablesSection($0, shards: shards.declaredNames) } ?? Tables()
        let routing = optional(top, "routing").flatMap(routingSection) ?? Routing()
        let plugins = pluginsSection(optional(top, "plugins"), topPosition: root.position)

        guard problems.isEmpty, let listen, let backend else { return nil }
        var finalTables = tables
        if finalTables.defaultShard == nil { finalTables.defaultShard = shards.shards.first?.name }
        return SleetConfig(path: file, listen: listen, adminListen: adminListen, maxConnections: maxConnections,
                           database: database, maxAllowedPacket: maxAllowedPacket,
                           handshakeTimeoutMs: handshakeTimeoutMs, shutdownTimeoutMs: shutdownTimeoutMs,
                           serverVersion: serverVersion, backend: backend, shards: shards.shards,
                           tables: finalTables, routing: routing, plugins: plugins, eventLoops: eventLoops)
    }

    // MARK: - backend

    func backendSettings(_ field: Field) -> BackendSettings? {
        guard let f = fields(field.value, name: field.name, context: "backend",
                             allowed: ["user", "password", "connect_timeout_ms", "pool_size", "health_check"]) else { return nil }
        let user = required(f, "user").flatMap(nonEmptyString)
        let password = optional(f, "password").flatMap(string) ?? ""
        let connectTimeoutMs = optional(f, "connect_timeout_ms").flatMap { int($0, min: 1) } ?? 2000
        let poolSize = optional(f, "pool_size").flatMap { int($0, min: 1) } ?? 64
        var healthCheck = HealthCheck()
        if let hc = optional(f, "health_check"),
           let h = fields(hc.value, name: hc.name, context: "backend.health_check", allowed: ["interval_ms", "max_replica_lag_s"]) {
            healthCheck.intervalMs = optional(h, "interval_ms").flatMap { int($0, min: 1) } ?? healthCheck.intervalMs
            healthCheck.maxReplicaLagS = optional(h, "max_replica_lag_s").flatMap { int($0, min: 0) } ?? healthCheck.maxReplicaLagS
        }
        guard let user else { return nil }
        return BackendSettings(user: user, password: password, connectTimeoutMs: connectTimeoutMs,
                               poolSize: poolSize, healthCheck: healthCheck)
    }

    // MARK: - shards

    struct ShardList {
        /// Fully valid shards, in file order.
        var shards: [Shard] = []
        /// Every shard name that was written correctly (even if the shard has other problems),
        /// for checking references to shards; nil when `shards` itself is unusable.
        var declaredNames: [String]? = nil
    }

    func shardList(_ field: Field) -> ShardList {
        guard case .sequence(let items) = field.value.kind else {
            if !field.value.failed {
                error(field.value.position, "expected a sequence of shards for 'shards', got \(field.value.got)")
            }
            return ShardList()
        }
        guard !items.isEmpty else {
            error(field.value.position, "'shards' must list at least one shard")
            return ShardList()
        }
        let single = items.count == 1
        var result = ShardList(shards: [], declaredNames: [])
        var namesSeen: [String: Position] = [:]
        var addressesSeen: [HostPort: (shard: String, role: String)] = [:]
        var ranges: [(name: String, range: KeyRange, position: Position)] = []
        var rangesComplete = true

        for (index, item) in items.enumerated() {
            let context = "shards[\(index)]"
            guard let f = fields(item, name: context, context: context,
                                 allowed: ["name", "key_range", "primary", "replicas"]) else {
                rangesComplete = false
                continue
            }
            // name: required unless this is the only shard (then "s0").
            var name: String?
            // What to call this shard in messages, even if its name is invalid or a duplicate.
            var label = context
            if single, f.byName["name"] == nil {
                name = "s0"
                label = "s0"
            } else if let nameField = required(f, "name", hint: single ? nil : "every shard needs a name when there are several"),
                      let text = nonEmptyString(nameField) {
                label = text
                if !text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
                    error(nameField.value.position, "shard name '\(text)' may contain only letters, digits, '_' and '-'")
                } else if let first = namesSeen[text] {
                    error(nameField.value.position, "duplicate shard name '\(text)' (first at line \(first.line))")
                } else {
                    namesSeen[text] = nameField.value.position
                    result.declaredNames?.append(text)
                    name = text
                }
            }
            // key_range: required unless this is the only shard (then "-").
            var keyRange: KeyRange?
            if single, f.byName["key_range"] == nil {
                keyRange = .all
            } else if let rangeField = required(f, "key_range", hint: single ? nil : "every shard needs one when there are several"),
                      let text = string(rangeField) {
                switch KeyRange.parse(text) {
                case .success(let range):
                    keyRange = range
                    ranges.append((label, range, rangeField.value.position))
                case .failure(let problem):
                    error(rangeField.value.position, problem.message)
                }
            }
            if keyRange == nil { rangesComplete = false }

            let primaryField = required(f, "primary")
            let primary = primaryField.flatMap(hostPort)
            var replicas: [HostPort] = []
            var replicaPositions: [Position] = []
            if let replicasField = optional(f, "replicas"), let list = sequence(replicasField) {
                for node in list {
                    if let address = hostPort(Field(key: replicasField.key, value: node, name: "replicas")) {
                        replicas.append(address); replicaPositions.append(node.position)
                    }
                }
            }
            // The same server must not appear twice: two shards writing one database corrupt data.
            var roles: [(HostPort, String, Position)] = zip(replicas, replicaPositions).map { ($0, "replica", $1) }
            if let primary, let primaryField { roles.insert((primary, "primary", primaryField.value.position), at: 0) }
            for (address, role, position) in roles {
                if let previous = addressesSeen[address] {
                    error(position, "address \(address) is already used by shard \(previous.shard) (\(previous.role))")
                } else {
                    addressesSeen[address] = (label, role)
                }
            }
            if let name, let keyRange, let primary {
                result.shards.append(Shard(name: name, keyRange: keyRange, primary: primary, replicas: replicas))
            }
        }
        if rangesComplete {
            for (position, message) in KeyRange.coverageProblems(ranges) { error(position, message) }
        }
        return result
    }

    // MARK: - tables

    func tablesSection(_ field: Field, shards: [String]?) -> Tables? {
        guard let f = fields(field.value, name: field.name, context: "tables",
                             allowed: ["default_shard", "sharded", "reference"]) else { return nil }
        var tables = Tables()
        if let d = optional(f, "default_shard"), let name = nonEmptyString(d) {
            if let shards, !shards.contains(name) {
                error(d.value.position, "default_shard '\(name)' is not a shard; expected one of: \(shards.joined(separator: ", "))"
                      + didYouMean(name, shards))
            }
            tables.defaultShard = name
        }
        var shardedPositions: [String: Position] = [:]
        if let s = optional(f, "sharded"), let pairs = pairs(s, context: "tables.sharded") {
            for pair in pairs {
                let table = pair.name.lowercased()
                guard !table.isEmpty else {
                    error(pair.key.position, "a sharded table needs a name")
                    continue
                }
                if let first = shardedPositions[table] {
                    error(pair.key.position, "duplicate sharded table '\(table)' (first at line \(first.line))")
                    continue
                }
                shardedPositions[table] = pair.key.position
                if let t = shardedTable(pair, table: table, shards: shards) { tables.sharded[table] = t }
            }
        }
        if let r = optional(f, "reference"), let list = sequence(r) {
            var seen: [String: Position] = [:]
            for node in list {
                guard let name = nonEmptyString(Field(key: r.key, value: node, name: "reference")) else { continue }
                let table = name.lowercased()
                if let first = seen[table] {
                    error(node.position, "duplicate reference table '\(table)' (first at line \(first.line))")
                } else if shardedPositions[table] != nil {
                    error(node.position, "table '\(table)' is listed both as sharded and as reference")
                } else {
                    seen[table] = node.position
                    tables.reference.append(table)
                }
            }
        }
        return tables
    }

    func shardedTable(_ field: Field, table: String, shards: [String]?) -> ShardedTable? {
        let context = "tables.sharded.\(table)"
        guard let f = fields(field.value, name: table, context: context, allowed: ["key", "vindex", "map", "ranges"]) else {
            return nil
        }
        let key = required(f, "key").flatMap(nonEmptyString)?.lowercased()
        // nil when `vindex` is present but invalid (already reported).
        let kind: String?
        if let v = optional(f, "vindex") { kind = choice(v, ["hash", "list", "range"]) } else { kind = "hash" }
        for (option, wanted) in [("map", "list"), ("ranges", "range")] {
            if let extra = f.byName[option], let kind, kind != wanted {
                error(extra.key.position, "'\(option)' is only used with vindex: \(wanted) (table '\(table)' has vindex: \(kind))")
            }
        }
        var vindex = ShardedTable.Vindex.hash
        switch kind {
        case "list":
            guard let m = required(f, "map", hint: "vindex: list maps each value to a shard"),
                  let pairs = pairs(m, context: "\(context).map") else { return nil }
            if pairs.isEmpty { error(m.value.position, "'map' must map at least one value to a shard"); return nil }
            var map: [String: String] = [:]
            for pair in pairs {
                guard let shard = nonEmptyString(pair) else { continue }
                if let shards, !shards.contains(shard) {
                    error(pair.value.position, "list vindex of table '\(table)' maps '\(pair.name)' to unknown shard '\(shard)'; expected one of: \(shards.joined(separator: ", "))"
                          + didYouMean(shard, shards))
                }
                map[pair.name] = shard
            }
            vindex = .list(map)
        case "range":
            guard let r = required(f, "ranges", hint: "vindex: range maps each shard to a range of values"),
                  let pairs = pairs(r, context: "\(context).ranges") else { return nil }
            if pairs.isEmpty { error(r.value.position, "'ranges' must give at least one shard a range"); return nil }
            var entries: [(entry: ShardedTable.RangeEntry, text: String, position: Position)] = []
            for pair in pairs {
                let shard = pair.name
                if let shards, !shards.contains(shard) {
                    error(pair.key.position, "range vindex of table '\(table)' names unknown shard '\(shard)'; expected one of: \(shards.joined(separator: ", "))"
                          + didYouMean(shard, shards))
                }
                guard let text = string(pair) else { continue }
                switch Self.parseValueRange(text) {
                case .success(let (lower, upper)):
                    entries.append((.init(shard: shard, lower: lower, upper: upper), text, pair.value.position))
                case .failure(let problem):
                    error(pair.value.position, "invalid range '\(text)' for shard \(shard): \(problem.message)")
                }
            }
            entries.sort { ($0.entry.lower ?? .min, $0.entry.lower == nil ? 0 : 1) < ($1.entry.lower ?? .min, $1.entry.lower == nil ? 0 : 1) }
            for (a, b) in zip(entries, entries.dropFirst()) {
                // Sorted by lower bound: a and b overlap when a reaches past b's start.
                if let aUpper = a.entry.upper, let bLower = b.entry.lower, aUpper <= bLower { continue }
                error(a.position, "range '\(a.text)' of shard \(a.entry.shard) overlaps '\(b.text)' of shard \(b.entry.shard)")
            }
            vindex = .range(entries.map(\.entry))
        case "hash":
            break
        default:
            return nil
        }
        guard let key else { return nil }
        return ShardedTable(key: key, vindex: vindex)
    }

    struct RangeParseError: Error { var message: String }

    /// `LOWER..UPPER`, either side may be empty (unbounded); lower inclusive, upper exclusive.
    static func parseValueRange(_ text: String) -> Result<(Int64?, Int64?), RangeParseError> {
        let parts = text.components(separatedBy: "..")
        let format = "expected LOWER..UPPER with integer bounds, either of which may be empty (e.g. \"..1700000000\", \"1700000000..\")"
        guard parts.count == 2 else { return .failure(.init(message: format)) }
        var bounds: [Int64?] = []
        for part in parts {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { bounds.append(nil); continue }
            guard let value = Int64(trimmed) else { return .failure(.init(message: format)) }
            bounds.append(value)
        }
        if let lower = bounds[0], let upper = bounds[1], lower >= upper {
            return .failure(.init(message: "the lower bound must be below the upper bound (the upper bound is exclusive)"))
        }
        return .success((bounds[0], bounds[1]))
    }

    // MARK: - routing

    func routingSection(_ field: Field) -> Routing? {
        guard let f = fields(field.value, name: field.name, context: "routing",
                             allowed: ["reads", "read_your_writes", "cross_shard_transactions", "scatter"]) else { return nil }
        var routing = Routing()
        if let x = optional(f, "reads"), let v = choice(x, ["replica", "primary"]).flatMap(Routing.Reads.init) { routing.reads = v }
        if let x = optional(f, "read_your_writes"), let text = x.value.text {
            if text == "gtid" { routing.readYourWrites = .gtid }
            else if text == "off" { routing.readYourWrites = .off }
            else if let ms = Self.parseInt(text) {
                if ms < 0 { error(x.value.position, "'read_your_writes' must not be negative, got \(text)") }
                routing.readYourWrites = .milliseconds(ms)
            } else {
                error(x.value.position, "expected gtid, off or a number of milliseconds for 'read_your_writes', got '\(text)'"
                      + didYouMean(text, ["gtid", "off"]))
            }
        } else if let x = optional(f, "read_your_writes"), !x.value.failed {
            error(x.value.position, "expected gtid, off or a number of milliseconds for 'read_your_writes', got \(x.value.got)")
        }
        if let x = optional(f, "cross_shard_transactions"),
           let v = choice(x, ["reject", "best_effort"]).flatMap(Routing.CrossShardTransactions.init) {
            routing.crossShardTransactions = v
        }
        if let x = optional(f, "scatter"), let v = choice(x, ["allow", "reject"]).flatMap(Routing.Scatter.init) { routing.scatter = v }
        return routing
    }

    // MARK: - plugins

    func pluginsSection(_ field: Field?, topPosition: Position) -> Plugins {
        let noAuth = "no authentication plugin enabled: add plugins.auth_file with at least one user (Sleet refuses to let everyone in)"
        guard let field else {
            error(topPosition, noAuth)
            return Plugins()
        }
        guard let pairs = pairs(field, context: "plugins") else { return Plugins() }
        var plugins = Plugins()
        var authProblem: Position? = field.key.position
        for pair in pairs {
            let name = pair.name
            guard Self.knownPlugins.contains(name) else {
                error(pair.key.position, "unknown plugin '\(name)'; expected one of: \(Self.knownPlugins.joined(separator: ", "))"
                      + didYouMean(name, Self.knownPlugins))
                continue
            }
            plugins.order.append(name)
            if name == "auth_file" {
                let (settings, problem) = authFile(pair)
                plugins.authFile = settings
                authProblem = problem
            } else {
                plugins.otherEnabled[name] = pluginEnabled(pair)
            }
        }
        if let authProblem { error(authProblem, noAuth) }
        return plugins
    }

    /// A plugin this version does not model yet: only `enabled` is read (default true).
    func pluginEnabled(_ field: Field) -> Bool {
        if field.value.isNull { return true }
        guard case .mapping(let pairs) = field.value.kind else {
            if !field.value.failed { error(field.value.position, "expected a mapping for '\(field.name)', got \(field.value.got)") }
            return false
        }
        guard let pair = pairs.last(where: { $0.key.text == "enabled" }), !pair.value.isNull else { return true }
        return bool(Field(key: pair.key, value: pair.value, name: "enabled")) ?? true
    }

    /// Returns the settings and, if authentication would end up disabled, where to report it.
    func authFile(_ field: Field) -> (AuthFileSettings?, Position?) {
        if field.value.isNull { return (AuthFileSettings(enabled: true, users: []), field.key.position) }
        guard let f = fields(field.value, name: field.name, context: "plugins.auth_file", allowed: ["enabled", "users"]) else {
            return (nil, nil)
        }
        var settings = AuthFileSettings()
        if let e = optional(f, "enabled") {
            guard let enabled = bool(e) else { return (nil, nil) }
            settings.enabled = enabled
            if !enabled { return (settings, e.value.position) }
        }
        guard let usersField = optional(f, "users") else { return (settings, field.key.position) }
        guard let list = sequence(usersField) else { return (nil, nil) }
        if list.isEmpty { return (settings, usersField.value.position) }
        var seen: [String: Position] = [:]
        for (index, node) in list.enumerated() {
            let context = "plugins.auth_file.users[\(index)]"
            guard let u = fields(node, name: "users[\(index)]", context: context,
                                 allowed: ["user", "password_hash", "admin", "read_only", "tables"]) else { continue }
            let userField = required(u, "user")
            let user = userField.flatMap(nonEmptyString)
            if let user, let userField {
                if let first = seen[user] {
                    error(userField.value.position, "duplicate user '\(user)' (first at line \(first.line))")
                } else {
                    seen[user] = userField.value.position
                }
            }
            var hash: String?
            if let h = required(u, "password_hash", hint: "run: sleet hash-password"), let text = string(h) {
                if PasswordHash.isValidHash(text) {
                    hash = text.uppercased()
                } else {
                    let who = user.map { "user '\($0)'" } ?? "users[\(index)]"
                    error(h.value.position, "password_hash for \(who) must be '*' followed by 40 hex digits (run: sleet hash-password)")
                }
            }
            let admin = optional(u, "admin").flatMap(bool) ?? false
            let readOnly = optional(u, "read_only").flatMap(bool) ?? false
            var tables: [String]?
            if let t = optional(u, "tables"), let items = sequence(t) {
                tables = items.compactMap { nonEmptyString(Field(key: t.key, value: $0, name: "tables"))?.lowercased() }
            }
            if let user, let hash {
                settings.users.append(.init(user: user, passwordHash: hash, admin: admin, readOnly: readOnly, tables: tables))
            }
        }
        return (settings, nil)
    }

    // MARK: - Mappings

    /// A key and its value; `name` is the key's text (or a label such as `replicas` for list items).
    struct Field {
        var key: YNode
        var value: YNode
        var name: String
    }

    /// The keys of one mapping, checked against the allowed ones.
    struct Fields {
        var position: Position
        var context: String
        var byName: [String: Field]
    }

    /// Checks that `node` is a mapping with only `allowed` keys and no duplicates.
    func fields(_ node: YNode, name: String, context: String, allowed: [String]) -> Fields? {
        guard case .mapping = node.kind else {
            if !node.failed {
                let label = context == "top level" ? "the top level" : "'\(name)'"
                error(node.position, "expected a mapping for \(label), got \(node.got)")
            }
            return nil
        }
        var result = Fields(position: node.position, context: context, byName: [:])
        for pair in pairs(Field(key: node, value: node, name: name), context: context) ?? [] {
            guard allowed.contains(pair.name) else {
                error(pair.key.position, "unknown key '\(pair.name)' in \(context); expected one of: \(allowed.joined(separator: ", "))"
                      + didYouMean(pair.name, allowed))
                continue
            }
            result.byName[pair.name] = pair
        }
        return result
    }

    /// The pairs of a mapping whose keys are free-form (table names, plugin names, ...):
    /// scalar keys, no duplicates. A null value gives an empty list.
    func pairs(_ field: Field, context: String) -> [Field]? {
        if field.value.isNull { return [] }
        guard case .mapping(let pairs) = field.value.kind else {
            if !field.value.failed { error(field.value.position, "expected a mapping for '\(field.name)', got \(field.value.got)") }
            return nil
        }
        var seen: [String: Position] = [:]
        var result: [Field] = []
        for (key, value) in pairs {
            guard case .scalar(let text, _, let failed) = key.kind else {
                error(key.position, "expected a plain key in \(context), got \(key.got)")
                continue
            }
            if failed { continue }
            if let first = seen[text] {
                error(key.position, "duplicate key '\(text)' in \(context) (first at line \(first.line))")
                continue
            }
            seen[text] = key.position
            result.append(Field(key: key, value: value, name: text))
        }
        return result
    }

    /// The field, or nil if absent or null.
    func optional(_ fields: Fields, _ name: String) -> Field? {
        guard let field = fields.byName[name], !field.value.isNull else { return nil }
        return field
    }

    /// The field; reports it missing (at the mapping) or empty (at the key).
    func required(_ fields: Fields, _ name: String, hint: String? = nil) -> Field? {
        let context = fields.context == "top level" ? "" : " in \(fields.context)"
        let suffix = hint.map { " (\($0))" } ?? ""
        guard let field = fields.byName[name] else {
            error(fields.position, "missing required key '\(name)'\(context)\(suffix)")
            return nil
        }
        if field.value.isNull {
            error(field.key.position, "missing value for '\(name)'\(context)\(suffix)")
            return nil
        }
        return field
    }

    // MARK: - Scalars

    func scalarText(_ field: Field, expected: String) -> String? {
        if let text = field.value.text { return text }
        if !field.value.failed { error(field.value.position, "expected \(expected) for '\(field.name)', got \(field.value.got)") }
        return nil
    }

    func string(_ field: Field) -> String? { scalarText(field, expected: "a string") }

    func nonEmptyString(_ field: Field) -> String? {
        guard let text = string(field) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            error(field.value.position, "'\(field.name)' must not be empty")
            return nil
        }
        return text
    }

    func sequence(_ field: Field) -> [YNode]? {
        if field.value.isNull { return [] }
        guard case .sequence(let items) = field.value.kind else {
            if !field.value.failed { error(field.value.position, "expected a sequence for '\(field.name)', got \(field.value.got)") }
            return nil
        }
        return items
    }

    static func parseInt(_ text: String) -> Int? {
        var t = Substring(text)
        var negative = false
        if let sign = t.first, sign == "-" || sign == "+" { negative = sign == "-"; t = t.dropFirst() }
        guard let first = t.first, first.isASCII, first.isNumber, t.last != "_",
              t.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }) else { return nil }
        guard let magnitude = Int(t.filter { $0 != "_" }) else { return nil }
        return negative ? -magnitude : magnitude
    }

    func int(_ field: Field, min: Int) -> Int? {
        guard let text = scalarText(field, expected: "an integer") else { return nil }
        guard let value = Self.parseInt(text) else {
            error(field.value.position, "expected an integer for '\(field.name)', got '\(text)'")
            return nil
        }
        guard value >= min else {
            let rule = min == 0 ? "must not be negative" : "must be at least \(min)"
            error(field.value.position, "'\(field.name)' \(rule), got \(value)")
            return nil
        }
        return value
    }

    /// Bytes, or a number with a K, M or G suffix (powers of 1024). MySQL's limits: 1K to 1G.
    func size(_ field: Field) -> Int? {
        guard let text = scalarText(field, expected: "a size in bytes") else { return nil }
        var number = Substring(text)
        var multiplier = 1
        if let last = number.last, let m = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30][last.lowercased()] {
            multiplier = m
            number = number.dropLast()
        }
        guard let n = Self.parseInt(String(number)) else {
            error(field.value.position, "expected a size in bytes for '\(field.name)' (e.g. 67108864 or 64M), got '\(text)'")
            return nil
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: multiplier)
        guard !overflow, (1024...(1 << 30)).contains(bytes) else {
            error(field.value.position, "'\(field.name)' must be between 1K and 1G, got \(text)")
            return nil
        }
        return bytes
    }

    func bool(_ field: Field) -> Bool? {
        guard let text = scalarText(field, expected: "true or false") else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(field.value.position, "expected true or false for '\(field.name)', got '\(text)'")
            return nil
        }
    }

    /// One of `values`, or an error listing them.
    func choice(_ field: Field, _ values: [String]) -> String? {
        let list = Self.orList(values)
        guard let text = scalarText(field, expected: list) else { return nil }
        guard values.contains(text) else {
            error(field.value.position, "expected \(list) for '\(field.name)', got '\(text)'" + didYouMean(text, values))
            return nil
        }
        return text
    }

    func serverVersion(_ field: Field) -> String? {
        guard let text = nonEmptyString(field) else { return nil }
        let parts = text.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, let major = parts.first, !major.isEmpty, major.allSatisfy(\.isNumber),
              parts[1].first?.isNumber == true else {
            error(field.value.position, "'server_version' must start with a version number such as 10.11.19 or 8.0.36 (clients parse it), got '\(text)'")
            return nil
        }
        return text
    }

    func hostPort(_ field: Field) -> HostPort? {
        guard let text = scalarText(field, expected: "host:port") else { return nil }
        switch Self.parseHostPort(text) {
        case .success(let address): return address
        case .failure(let problem):
            error(field.value.position, "invalid address '\(text)' for '\(field.name)': \(problem.message)")
            return nil
        }
    }

    struct AddressError: Error { var message: String }

    /// `host:port`, `[v6]:port`; port 1-65535.
    static func parseHostPort(_ text: String) -> Result<HostPort, AddressError> {
        let host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(.init(message: "missing ']' after the IPv6 address"))
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else { return .failure(.init(message: "expected host:port, e.g. [::1]:3306")) }
            port = rest.dropFirst()
            guard !host.isEmpty, host.contains(":"),
                  host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" || ($0.isASCII && $0.isLetter) || $0.isNumber }) else {
                return .failure(.init(message: "'\(host)' is not an IPv6 address"))
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(.init(message: "expected host:port, e.g. 127.0.0.1:3306"))
            }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            if host.contains(":") {
                return .failure(.init(message: "write IPv6 addresses in brackets, e.g. [::1]:3306"))
            }
            if host.isEmpty {
                return .failure(.init(message: "the host is empty (use 0.0.0.0 for every interface)"))
            }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }) else {
                return .failure(.init(message: "'\(host)' is not a valid host name"))
            }
        }
        guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port), (1...65535).contains(number) else {
            return .failure(.init(message: "the port must be a number from 1 to 65535"))
        }
        return .success(HostPort(host: String(host), port: number))
    }

    // MARK: - Wording

    static func orList(_ values: [String]) -> String {
        guard values.count > 1, let last = values.last else { return values.joined() }
        return values.dropLast().joined(separator: ", ") + " or " + last
    }

    /// `; did you mean 'x'?` when a candidate is a small edit away.
    func didYouMean(_ word: String, _ candidates: [String]) -> String {
        Self.closest(word, candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    static func closest(_ word: String, _ candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 > 0 || word != best.0 else { return nil }
        // Small relative to the candidate: 'listn' -> 'listen', but not 's2' -> 's0'.
        let limit = Swift.max(1, Swift.min(3, best.0.count / 3))
        return best.1 <= limit && best.1 * 2 < best.0.count ? best.0 : nil
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
