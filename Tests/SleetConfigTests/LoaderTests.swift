import Testing
@testable import SleetConfig

@Suite("Loading valid configs")
struct ValidConfigTests {
    /// The SPEC's example, with real hashes (app-pw, ops-pw, reporting-pw).
    static let specExample = #"""
    listen: 127.0.0.1:3307          # client-facing MySQL listener
    admin_listen: 127.0.0.1:3308    # optional second listener that accepts admin users only
    max_connections: 4096
    database: app                   # the sharded database (same name on every shard); other databases live whole on default_shard

    backend:                        # how Sleet logs in to every MySQL server of the fleet
      user: sleet
      password: ${SLEET_BACKEND_PASSWORD}   # ${VAR} is replaced from the environment
      connect_timeout_ms: 2000
      pool_size: 64                 # connections per backend server
      health_check: { interval_ms: 1000, max_replica_lag_s: 5 }

    shards:                         # each shard owns a range of the 64-bit keyspace id
      - name: s0
        key_range: "-80"            # Vitess-style hex prefix bounds: -80 = [0x00.., 0x80..)
        primary: 127.0.0.1:23306
        replicas: [127.0.0.1:23307]
      - name: s1
        key_range: "80-"
        primary: 127.0.0.1:23316
        replicas: [127.0.0.1:23317]

    tables:
      default_shard: s0             # tables not listed below live whole on this shard
      sharded:
        users:   { key: id }                        # vindex: hash (the default)
        orders:  { key: user_id }
        regions: { key: code, vindex: list, map: { eu: s0, us: s1 } }
        events:  { key: ts, vindex: range, ranges: { s0: "..1700000000", s1: "1700000000.." } }
      reference: [countries]        # a copy on every shard: writes go to all, reads to any one

    routing:
      reads: replica                # replica | primary
      read_your_writes: gtid        # gtid | off | <milliseconds>: see Read/write split
      cross_shard_transactions: reject   # reject | best_effort
      scatter: allow                # allow | reject (statements with no usable sharding key)

    plugins:                        # the order here is the order of the chain
      auth_file:
        enabled: true
        users:
          - { user: app, password_hash: "*72B37E3F4D899EDC98A9363172669E192CE424D5" }
          - { user: ops, password_hash: "*F3C489465A30B8742F8E917693A33DD8936A1A7A", admin: true }
          - { user: reporting, password_hash: "*75AA065536B25082892295C63811074F1E9D15AA", read_only: true, tables: [orders, users] }
      query_filter:
        enabled: true
        mode: block                 # block | log_only
        rules: [delete_without_where, update_without_where, drop, truncate, into_outfile, load_file, sleep, multi_statement, scatter]
        deny: [ { regex: "(?i)\\bbenchmark\\s*\\(", message: "BENCHMARK() is not allowed" } ]
      query_log:
        enabled: true
        path: logs/queries.jsonl    # a file, or "stderr"
        slow_ms: 0                  # log only statements slower than this (0 = all)
        redact_literals: true       # log the digest (literals replaced by ?) instead of the raw text
    """#

    @Test func specExampleParsesIntoTheExpectedValues() throws {
        let config = try SleetConfig.parse(yaml: Self.specExample, path: "spec.yaml",
                                           environment: ["SLEET_BACKEND_PASSWORD": "s3cret"])
        let expected = SleetConfig(
            path: "spec.yaml",
            listen: HostPort(host: "127.0.0.1", port: 3307),
            adminListen: HostPort(host: "127.0.0.1", port: 3308),
            maxConnections: 4096, database: "app", maxAllowedPacket: 67_108_864,
            handshakeTimeoutMs: 10_000, shutdownTimeoutMs: 10_000, serverVersion: "10.11.19-Sleet-0.1",
            backend: BackendSettings(user: "sleet", password: "s3cret", connectTimeoutMs: 2000, poolSize: 64,
                                     healthCheck: HealthCheck(intervalMs: 1000, maxReplicaLagS: 5)),
            shards: [
                Shard(name: "s0", keyRange: KeyRange(start: 0, end: 0x8000_0000_0000_0000, text: "-80"),
                      primary: HostPort(host: "127.0.0.1", port: 23306), replicas: [HostPort(host: "127.0.0.1", port: 23307)]),
                Shard(name: "s1", keyRange: KeyRange(start: 0x8000_0000_0000_0000, end: nil, text: "80-"),
                      primary: HostPort(host: "127.0.0.1", port: 23316), replicas: [HostPort(host: "127.0.0.1", port: 23317)]),
            ],
            tables: Tables(defaultShard: "s0", sharded: [
                "users": ShardedTable(key: "id"),
                "orders": ShardedTable(key: "user_id"),
                "regions": ShardedTable(key: "code", vindex: .list(["eu": "s0", "us": "s1"])),
                "events": ShardedTable(key: "ts", vindex: .range([
                    .init(shard: "s0", lower: nil, upper: 1_700_000_000),
                    .init(shard: "s1", lower: 1_700_000_000, upper: nil),
                ])),
            ], reference: ["countries"]),
            routing: Routing(reads: .replica, readYourWrites: .gtid, crossShardTransactions: .reject, scatter: .allow),
            plugins: Plugins(
                order: ["auth_file", "query_filter", "query_log"],
                authFile: AuthFileSettings(enabled: true, users: [
                    .init(user: "app", passwordHash: "*72B37E3F4D899EDC98A9363172669E192CE424D5"),
                    .init(user: "ops", passwordHash: "*F3C489465A30B8742F8E917693A33DD8936A1A7A", admin: true),
                    .init(user: "reporting", passwordHash: "*75AA065536B25082892295C63811074F1E9D15AA",
                          readOnly: true, tables: ["orders", "users"]),
                ]),
                otherEnabled: ["query_filter": true, "query_log": true]))
        #expect(config == expected)
    }

    @Test func minimalConfigGetsEveryDefault() throws {
        let yaml = """
        listen: 127.0.0.1:3307
        backend:
          user: sleet
        shards:
          - name: s0
            key_range: "-"
            primary: 127.0.0.1:23306
        \(authSection)
        """
        let config = try SleetConfig.parse(yaml: yaml, path: "min.yaml", environment: [:])
        #expect(config == SleetConfig(
            path: "min.yaml", listen: HostPort(host: "127.0.0.1", port: 3307),
            backend: BackendSettings(user: "sleet"),
            shards: [Shard(name: "s0", keyRange: .all, primary: HostPort(host: "127.0.0.1", port: 23306))],
            tables: Tables(defaultShard: "s0"),
            plugins: Plugins(order: ["auth_file"], authFile: AuthFileSettings(users: [
                .init(user: "app", passwordHash: "*72B37E3F4D899EDC98A9363172669E192CE424D5"),
            ]))))
        #expect(config.adminListen == nil)
        #expect(config.maxConnections == 4096)
        #expect(config.database == "app")
        #expect(config.maxAllowedPacket == 64 << 20)
        #expect(config.handshakeTimeoutMs == 10_000)
        #expect(config.shutdownTimeoutMs == 10_000)
        #expect(config.serverVersion == "10.11.19-Sleet-0.1")
        #expect(config.eventLoops == nil)
        #expect(config.resolvedEventLoops(cores: 2) == 1 && config.resolvedEventLoops(cores: 1) == 1 && config.resolvedEventLoops(cores: 16) == 8)
        #expect(config.backend == BackendSettings(user: "sleet", password: "", connectTimeoutMs: 2000, poolSize: 64,
                                                  healthCheck: HealthCheck(intervalMs: 1000, maxReplicaLagS: 5)))
        #expect(config.routing == Routing(reads: .replica, readYourWrites: .gtid, crossShardTransactions: .reject, scatter: .allow))
        #expect(config.tables.sharded.isEmpty && config.tables.reference.isEmpty)
    }

    @Test func eventLoopsIsAPositiveInteger() throws {
        let base = "listen: 127.0.0.1:3307\nbackend: { user: sleet }\nshards: [ { primary: 127.0.0.1:23306 } ]\n\(authSection)\n"
        let config = try SleetConfig.parse(yaml: base + "event_loops: 3\n", path: "t.yaml", environment: [:])
        #expect(config.eventLoops == 3 && config.resolvedEventLoops(cores: 2) == 3)
        let errors = loadErrors(base + "event_loops: 0\n")
        #expect(errors.count == 1 && errors[0].contains("event_loops"), "\(errors)")
    }

    @Test func singleShardNeedsOnlyAPrimary() throws {
        let yaml = "listen: 127.0.0.1:3307\nbackend: { user: sleet }\nshards: [{ primary: db1:3306 }]\n" + authSection
        let config = try SleetConfig.parse(yaml: yaml, path: "t.yaml", environment: [:])
        #expect(config.shards == [Shard(name: "s0", keyRange: .all, primary: HostPort(host: "db1", port: 3306))])
        #expect(config.tables.defaultShard == "s0")
    }

    @Test func otherValueForms() throws {
        let yaml = """
        listen: "[::1]:3307"
        admin_listen: 0.0.0.0:3308
        max_allowed_packet: 16m
        handshake_timeout_ms: "2500"
        shutdown_timeout_ms: 0
        server_version: 8.0.36-sleet
        database: shop
        backend: { user: sleet, password: "${PW}-$${literal}" }
        shards:
          - { name: a, key_range: "-4", primary: "[fe80::1%eth0]:3306" }
          - { name: b, key_range: "4-C0", primary: db-b.internal:3306, replicas: [] }
          - { name: c, key_range: "c0-", primary: 10.0.0.3:3306, replicas: ~ }
        tables:
          default_shard: b
          sharded: { Users: { key: ID }, nums: { key: n, vindex: range, ranges: { c: "100..", a: "..0", b: "0..100" } } }
          reference: [Countries, currencies]
        routing: { reads: primary, read_your_writes: 250, cross_shard_transactions: best_effort, scatter: reject }
        plugins:
          query_log: { enabled: false, anything: [1, 2] }
          authorization:
          auth_file:
            users:
              - { user: app, password_hash: "*72b37e3f4d899edc98a9363172669e192ce424d5", tables: [Orders] }
          query_filter: { enabled: off }
        """
        let config = try SleetConfig.parse(yaml: yaml, path: "t.yaml", environment: ["PW": "pw"])
        #expect(config.listen == HostPort(host: "::1", port: 3307))
        #expect(config.listen.description == "[::1]:3307")
        #expect(config.adminListen == HostPort(host: "0.0.0.0", port: 3308))
        #expect(config.maxAllowedPacket == 16 << 20)
        #expect(config.handshakeTimeoutMs == 2500)
        #expect(config.shutdownTimeoutMs == 0)
        #expect(config.serverVersion == "8.0.36-sleet")
        #expect(config.database == "shop")
        #expect(config.backend.password == "pw-${literal}")
        #expect(config.shards.map(\.keyRange) == [
            KeyRange(start: 0, end: 0x4000_0000_0000_0000, text: "-4"),
            KeyRange(start: 0x4000_0000_0000_0000, end: 0xC000_0000_0000_0000, text: "4-C0"),
            KeyRange(start: 0xC000_0000_0000_0000, end: nil, text: "c0-"),
        ])
        #expect(config.shards[0].primary == HostPort(host: "fe80::1%eth0", port: 3306))
        #expect(config.shards[1].replicas.isEmpty && config.shards[2].replicas.isEmpty)
        #expect(config.tables.defaultShard == "b")
        #expect(config.tables.sharded["users"] == ShardedTable(key: "id"))
        #expect(config.tables.sharded["nums"] == ShardedTable(key: "n", vindex: .range([
            .init(shard: "a", lower: nil, upper: 0), .init(shard: "b", lower: 0, upper: 100), .init(shard: "c", lower: 100, upper: nil),
        ])))
        #expect(config.tables.reference == ["countries", "currencies"])
        #expect(config.routing == Routing(reads: .primary, readYourWrites: .milliseconds(250),
                                          crossShardTransactions: .bestEffort, scatter: .reject))
        #expect(config.plugins.order == ["query_log", "authorization", "auth_file", "query_filter"])
        #expect(config.plugins.otherEnabled == ["query_log": false, "authorization": true, "query_filter": false])
        #expect(config.plugins.authFile?.users == [
            .init(user: "app", passwordHash: "*72B37E3F4D899EDC98A9363172669E192CE424D5", tables: ["orders"]),
        ])
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let yaml = """
        listen: 127.0.0.1:3307
        backend: { user: sleet }
        x-replica-defaults: &pool [10.0.0.9:3306]
        shards:
          - &first { name: s0, key_range: "-80", primary: 10.0.0.1:3306, replicas: *pool }
          - <<: *first
            name: s1
            key_range: "80-"
            primary: 10.0.0.2:3306
            replicas: [10.0.0.8:3306]
        \(authSection)
        """
        // x-... keys are not allowed at the top level: anchors must live under a known key.
        #expect(loadErrors(yaml).first?.hasPrefix("3:1: unknown key 'x-replica-defaults' in top level") == true)

        let fixed = yaml.replacingOccurrences(of: "x-replica-defaults: &pool [10.0.0.9:3306]\n", with: "")
            .replacingOccurrences(of: "replicas: *pool", with: "replicas: &pool [10.0.0.9:3306]")
        let config = try SleetConfig.parse(yaml: fixed, path: "t.yaml", environment: [:])
        #expect(config.shards.map(\.name) == ["s0", "s1"])
        #expect(config.shards[1].keyRange.text == "80-")
        #expect(config.shards[1].replicas == [HostPort(host: "10.0.0.8", port: 3306)])

        // Inheriting s0's replicas makes two shards share a server: refused, at the anchor's position.
        let merged = fixed.replacingOccurrences(of: "    replicas: [10.0.0.8:3306]\n", with: "")
        #expect(loadErrors(merged) == ["4:83: address 10.0.0.9:3306 is already used by shard s0 (replica)"])

        let users = """
        listen: h:1
        backend: { user: u }
        shards: [{ primary: h:2 }]
        plugins:
          auth_file:
            users:
              - &reader { user: r1, password_hash: "*72B37E3F4D899EDC98A9363172669E192CE424D5", read_only: true, tables: [Orders] }
              - { <<: *reader, user: r2 }
              - { <<: [*reader], user: w, read_only: false }
        """
        let config2 = try SleetConfig.parse(yaml: users, path: "t.yaml", environment: [:])
        #expect(config2.plugins.authFile?.users.map { "\($0.user) \($0.readOnly) \($0.tables ?? [])" }
                == ["r1 true [\"orders\"]", "r2 true [\"orders\"]", "w false [\"orders\"]"])
    }

    @Test(arguments: [
        ("gtid", Routing.ReadYourWrites.gtid), ("off", .off), ("0", .milliseconds(0)), ("1500", .milliseconds(1500)),
    ])
    func readYourWrites(_ text: String, _ expected: Routing.ReadYourWrites) throws {
        let yaml = "listen: h:1\nbackend: { user: u }\nshards: [{ primary: h:2 }]\nrouting: { read_your_writes: \(text) }\n" + authSection
        #expect(try SleetConfig.parse(yaml: yaml, path: "t.yaml", environment: [:]).routing.readYourWrites == expected)
    }

    @Test(arguments: [("1024", 1024), ("64M", 64 << 20), ("512k", 512 << 10), ("1G", 1 << 30), ("4_194_304", 4 << 20)])
    func maxAllowedPacket(_ text: String, _ bytes: Int) throws {
        let yaml = "listen: h:1\nbackend: { user: u }\nshards: [{ primary: h:2 }]\nmax_allowed_packet: \(text)\n" + authSection
        #expect(try SleetConfig.parse(yaml: yaml, path: "t.yaml", environment: [:]).maxAllowedPacket == bytes)
    }

    @Test func summaryListsEverything() throws {
        let config = try SleetConfig.parse(yaml: Self.specExample, path: "spec.yaml",
                                           environment: ["SLEET_BACKEND_PASSWORD": "s3cret"])
        let summary = config.summary()
        #expect(!summary.contains("s3cret"))
        for needle in ["listen: 127.0.0.1:3307 (admin: 127.0.0.1:3308)",
                       "s0  -80  [0x0000000000000000, 0x8000000000000000)  primary 127.0.0.1:23306  replicas 127.0.0.1:23307",
                       "s1  80-  [0x8000000000000000, end)  primary 127.0.0.1:23316  replicas 127.0.0.1:23317",
                       "tables: default_shard s0",
                       "events by ts (range {s0: ..1700000000, s1: 1700000000..})",
                       "regions by code (list {eu: s0, us: s1})",
                       "users by id (hash)",
                       "reference: countries",
                       "routing: reads replica, read_your_writes gtid, cross_shard_transactions reject, scatter allow",
                       "plugins (chain order): auth_file (3 users, 1 admin) -> query_filter -> query_log"] {
            #expect(summary.contains(needle), "missing \(needle) in\n\(summary)")
        }
    }
}
