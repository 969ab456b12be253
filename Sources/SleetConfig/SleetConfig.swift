/// The validated configuration: an immutable value, swapped whole on reload.
///
/// Field names follow the YAML keys of ../shared/SPEC.md ("Config file"); defaults are
/// the ones documented in Config/sleet.yaml.
public struct SleetConfig: Sendable, Equatable {
    /// The file this config was read from (for error messages and reloads).
    public var path: String
    /// Client-facing MySQL listener. YAML `listen`, required.
    public var listen: HostPort
    /// Optional listener for admin users only. YAML `admin_listen`.
    public var adminListen: HostPort?
    /// YAML `max_connections`, default 4096.
    public var maxConnections: Int
    /// The sharded database name. YAML `database`, default "app".
    public var database: String
    /// Largest packet a client may send, in bytes. YAML `max_allowed_packet`, default 67108864 (64 MiB).
    public var maxAllowedPacket: Int
    /// A client that has not finished the handshake after this long is dropped. YAML `handshake_timeout_ms`, default 10000.
    public var handshakeTimeoutMs: Int
    /// Graceful shutdown: how long running statements may take after SIGTERM. YAML `shutdown_timeout_ms`, default 10000.
    public var shutdownTimeoutMs: Int
    /// The server version string sent to clients. YAML `server_version`, default "10.11.19-Sleet-0.1".
    public var serverVersion: String
    /// Event-loop threads serving clients (each client and its backend connections share one).
    /// YAML `event_loops`, default nil = half the cores, at least 1 (see README "Performance").
    public var eventLoops: Int?
    public var backend: BackendSettings
    public var shards: [Shard]
    public var tables: Tables
    public var routing: Routing
    public var plugins: Plugins

    public init(path: String, listen: HostPort, adminListen: HostPort? = nil, maxConnections: Int = 4096,
                database: String = "app", maxAllowedPacket: Int = 64 << 20, handshakeTimeoutMs: Int = 10_000,
                shutdownTimeoutMs: Int = 10_000, serverVersion: String = "10.11.19-Sleet-0.1",
                backend: BackendSettings, shards: [Shard], tables: Tables = Tables(),
                routing: Routing = Routing(), plugins: Plugins = Plugins(), eventLoops: Int? = nil) {
        self.eventLoops = eventLoops
        self.path = path; self.listen = listen; self.adminListen = adminListen
        self.maxConnections = maxConnections; self.database = database
        self.maxAllowedPacket = maxAllowedPacket; self.handshakeTimeoutMs = handshakeTimeoutMs
        self.shutdownTimeoutMs = shutdownTimeoutMs; self.serverVersion = serverVersion
        self.backend = backend; self.shards = shards; self.tables = tables; self.routing = routing
        self.plugins = plugins
    }
}

/// `host:port`. IPv6 hosts are written `[::1]:3306` in YAML.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) { self.host = host; self.port = port }
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension SleetConfig {
    /// The event-loop count to use: `event_loops`, or half the cores (at least 1). On a machine shared
    /// with MariaDB and clients, fewer loops mean fewer cross-thread wake-ups per statement.
    public func resolvedEventLoops(cores: Int) -> Int { eventLoops ?? max(1, cores / 2) }
}

public struct BackendSettings: Sendable, Equatable {
    /// YAML `backend.user`, required.
    public var user: String
    /// YAML `backend.password`, default "" (after ${ENV} substitution).
    public var password: String
    /// YAML `backend.connect_timeout_ms`, default 2000.
    public var connectTimeoutMs: Int
    /// YAML `backend.pool_size`, default 64.
    public var poolSize: Int
    /// YAML `backend.health_check`.
    public var healthCheck: HealthCheck
    public init(user: String, password: String = "", connectTimeoutMs: Int = 2000, poolSize: Int = 64,
                healthCheck: HealthCheck = HealthCheck()) {
        self.user = user; self.password = password; self.connectTimeoutMs = connectTimeoutMs
        self.poolSize = poolSize; self.healthCheck = healthCheck
    }
}

public struct HealthCheck: Sendable, Equatable {
    /// YAML `interval_ms`, default 1000.
    public var intervalMs: Int
    /// YAML `max_replica_lag_s`, default 5.
    public var maxReplicaLagS: Int
    public init(intervalMs: Int = 1000, maxReplicaLagS: Int = 5) {
        self.intervalMs = intervalMs; self.maxReplicaLagS = maxReplicaLagS
    }
}

/// A half-open interval of the 64-bit keyspace id, written Vitess-style as hex prefixes:
/// `-80` is [0x0000000000000000, 0x8000000000000000), `80-` is [0x80.., end), `40-80` ...
public struct KeyRange: Sendable, Hashable, CustomStringConvertible {
    /// Inclusive lower bound.
    public var start: UInt64
    /// Exclusive upper bound; nil means the end of the keyspace (2^64).
    public var end: UInt64?
    /// The text as written in the config, e.g. "-80".
    public var text: String
    public init(start: UInt64, end: UInt64?, text: String) { self.start = start; self.end = end; self.text = text }
    public func contains(_ id: UInt64) -> Bool { id >= start && (end.map { id < $0 } ?? true) }
    public var description: String { text }
}

public struct Shard: Sendable, Equatable {
    public var name: String
    public var keyRange: KeyRange
    public var primary: HostPort
    public var replicas: [HostPort]
    public init(name: String, keyRange: KeyRange, primary: HostPort, replicas: [HostPort] = []) {
        self.name = name; self.keyRange = keyRange; self.primary = primary; self.replicas = replicas
    }
}

public struct Tables: Sendable, Equatable {
    /// YAML `tables.default_shard`; default: the first shard's name.
    public var defaultShard: String?
    /// YAML `tables.sharded`, keyed by table name (lower-cased).
    public var sharded: [String: ShardedTable]
    /// YAML `tables.reference` (lower-cased names).
    public var reference: [String]
    public init(defaultShard: String? = nil, sharded: [String: ShardedTable] = [:], reference: [String] = []) {
        self.defaultShard = defaultShard; self.sharded = sharded; self.reference = reference
    }
}

public struct ShardedTable: Sendable, Equatable {
    public enum Vindex: Sendable, Equatable {
        case hash
        /// value -> shard name
        case list([String: String])
        /// shard name -> range text as written ("..1700000000", "1700000000.."), lower bound inclusive, upper exclusive
        case range([RangeEntry])
    }
    public struct RangeEntry: Sendable, Equatable {
        public var shard: String
        /// nil = unbounded
        public var lower: Int64?
        public var upper: Int64?
        public init(shard: String, lower: Int64?, upper: Int64?) { self.shard = shard; self.lower = lower; self.upper = upper }
    }
    public var key: String
    public var vindex: Vindex
    public init(key: String, vindex: Vindex = .hash) { self.key = key; self.vindex = vindex }
}

public struct Routing: Sendable, Equatable {
    public enum Reads: String, Sendable, Equatable { case replica, primary }
    public enum ReadYourWrites: Sendable, Equatable { case gtid, off, milliseconds(Int) }
    public enum CrossShardTransactions: String, Sendable, Equatable { case reject, bestEffort = "best_effort" }
    public enum Scatter: String, Sendable, Equatable { case allow, reject }
    public var reads: Reads
    public var readYourWrites: ReadYourWrites
    public var crossShardTransactions: CrossShardTransactions
    public var scatter: Scatter
    public init(reads: Reads = .replica, readYourWrites: ReadYourWrites = .gtid,
                crossShardTransactions: CrossShardTransactions = .reject, scatter: Scatter = .allow) {
        self.reads = reads; self.readYourWrites = readYourWrites
        self.crossShardTransactions = crossShardTransactions; self.scatter = scatter
    }
}

public struct Plugins: Sendable, Equatable {
    /// Plugin names in the order they appear under `plugins:` (the chain order), enabled or not.
    public var order: [String]
    public var authFile: AuthFileSettings?
    /// Settings of plugins this version does not model yet, kept so the config still loads
    /// (query_filter, query_log, authorization): name -> enabled.
    public var otherEnabled: [String: Bool]
    public init(order: [String] = [], authFile: AuthFileSettings? = nil, otherEnabled: [String: Bool] = [:]) {
        self.order = order; self.authFile = authFile; self.otherEnabled = otherEnabled
    }
}

public struct AuthFileSettings: Sendable, Equatable {
    public var enabled: Bool
    public var users: [User]
    public init(enabled: Bool = true, users: [User] = []) { self.enabled = enabled; self.users = users }

    public struct User: Sendable, Equatable {
        public var user: String
        /// `*` + 40 upper-case hex digits: SHA1(SHA1(password)), as MySQL stores it.
        public var passwordHash: String
        public var admin: Bool
        public var readOnly: Bool
        /// Allowlist of tables; nil = all.
        public var tables: [String]?
        public init(user: String, passwordHash: String, admin: Bool = false, readOnly: Bool = false, tables: [String]? = nil) {
            self.user = user; self.passwordHash = passwordHash; self.admin = admin; self.readOnly = readOnly; self.tables = tables
        }
    }
}
