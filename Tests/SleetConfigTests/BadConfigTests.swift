import Testing
@testable import SleetConfig

/// A config that must not load, and exactly the errors it must give ("LINE:COLUMN: message").
struct BadConfig: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var errors: [String]
    var environment: [String: String] = [:]
    var testDescription: String { name }
}

/// The shards/backend lines shared by most rows (lines 2-5 when listen is line 1).
private let base = """
backend: { user: sleet }
shards:
  - { name: s0, key_range: "-80", primary: 127.0.0.1:23306 }
  - { name: s1, key_range: "80-", primary: 127.0.0.1:23316 }
"""

private func config(_ lines: String) -> String { "listen: 127.0.0.1:3307\n" + base + "\n" + lines + "\n" + authSection }

private let topKeys = "listen, admin_listen, max_connections, database, max_allowed_packet, handshake_timeout_ms, shutdown_timeout_ms, server_version, event_loops, backend, shards, tables, routing, plugins"

let badConfigs: [BadConfig] = [
    // Syntax and shape
    BadConfig(name: "YAML syntax error", yaml: "listen: [127.0.0.1:3307\nbackend: {}\n",
              errors: ["2:8: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 1:9)"]),
    BadConfig(name: "two documents", yaml: "listen: h:1\n---\nlisten: h:2\n",
              errors: ["2:1: invalid YAML: the config must be a single document, but another one starts here"]),
    BadConfig(name: "unquoted ${VAR} in a flow mapping", yaml: "listen: h:1\nbackend: { user: u, password: ${PW} }\n",
              errors: ["2:32: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at 2:10)"]),
    BadConfig(name: "tab indentation", yaml: "backend:\n\tuser: sleet\n",
              errors: ["2:1: invalid YAML: found character that cannot start any token (while scanning for the next token at 2:1); tabs are not allowed for indentation"]),
    BadConfig(name: "empty file", yaml: "# nothing\n",
              errors: ["1:1: the config file is empty: at least 'listen', 'backend' and 'shards' are required"]),
    BadConfig(name: "top level is a list", yaml: "- listen\n",
              errors: ["1:1: expected a mapping of settings at the top level, got a sequence"]),
    BadConfig(name: "duplicate key", yaml: "listen: 127.0.0.1:3307\n" + base + "\nlisten: 127.0.0.1:3309\n" + authSection,
              errors: ["6:1: duplicate key 'listen' in top level (first at line 1)"]),

    // Unknown keys
    BadConfig(name: "unknown top-level key with suggestion", yaml: "listn: 127.0.0.1:3307\n" + base + "\n" + authSection,
              errors: ["1:1: unknown key 'listn' in top level; expected one of: \(topKeys); did you mean 'listen'?",
                       "1:1: missing required key 'listen'"]),
    BadConfig(name: "unknown key without suggestion", yaml: config("colour: blue"),
              errors: ["6:1: unknown key 'colour' in top level; expected one of: \(topKeys)"]),
    BadConfig(name: "unknown nested key", yaml: config("backend_x: 1").replacingOccurrences(of: "{ user: sleet }", with: "{ user: sleet, pool_sise: 8 }")
                .replacingOccurrences(of: "backend_x: 1", with: ""),
              errors: ["2:25: unknown key 'pool_sise' in backend; expected one of: user, password, connect_timeout_ms, pool_size, health_check; did you mean 'pool_size'?"]),

    // Types and numbers
    BadConfig(name: "not an integer", yaml: config("max_connections: lots"),
              errors: ["6:18: expected an integer for 'max_connections', got 'lots'"]),
    BadConfig(name: "zero connections", yaml: config("max_connections: 0"),
              errors: ["6:18: 'max_connections' must be at least 1, got 0"]),
    BadConfig(name: "negative timeout", yaml: config("shutdown_timeout_ms: -1\nhandshake_timeout_ms: 0"),
              errors: ["6:22: 'shutdown_timeout_ms' must not be negative, got -1",
                       "7:23: 'handshake_timeout_ms' must be at least 1, got 0"]),
    BadConfig(name: "nested numbers", yaml: config("").replacingOccurrences(
                of: "{ user: sleet }", with: "{ user: sleet, pool_size: 0, health_check: { interval_ms: soon, max_replica_lag_s: -2 } }"),
              errors: ["2:36: 'pool_size' must be at least 1, got 0",
                       "2:68: expected an integer for 'interval_ms', got 'soon'",
                       "2:93: 'max_replica_lag_s' must not be negative, got -2"]),
    BadConfig(name: "bad max_allowed_packet", yaml: config("max_allowed_packet: big\n") + "\n",
              errors: ["6:21: expected a size in bytes for 'max_allowed_packet' (e.g. 67108864 or 64M), got 'big'"]),
    BadConfig(name: "max_allowed_packet out of range", yaml: config("max_allowed_packet: 2G"),
              errors: ["6:21: 'max_allowed_packet' must be between 1K and 1G, got 2G"]),
    BadConfig(name: "mapping where a string goes", yaml: config("database: { name: app }\nserver_version: Sleet"),
              errors: ["6:11: expected a string for 'database', got a mapping",
                       "7:17: 'server_version' must start with a version number such as 10.11.19 or 8.0.36 (clients parse it), got 'Sleet'"]),
    BadConfig(name: "scalar where a mapping goes", yaml: "listen: 127.0.0.1:3307\nbackend: sleet\nshards: [{ primary: h:1 }]\n" + authSection,
              errors: ["2:10: expected a mapping for 'backend', got 'sleet'"]),

    // Missing values
    BadConfig(name: "missing required keys", yaml: "max_connections: 10\n" + authSection,
              errors: ["1:1: missing required key 'listen'", "1:1: missing required key 'backend'", "1:1: missing required key 'shards'"]),
    BadConfig(name: "missing nested key", yaml: config("").replacingOccurrences(of: "{ user: sleet }", with: "{ password: x }"),
              errors: ["2:10: missing required key 'user' in backend"]),
    BadConfig(name: "empty value", yaml: "listen:\n" + base + "\n" + authSection,
              errors: ["1:1: missing value for 'listen'"]),

    // Addresses
    BadConfig(name: "address without port", yaml: "listen: 127.0.0.1\n" + base + "\n" + authSection,
              errors: ["1:9: invalid address '127.0.0.1' for 'listen': expected host:port, e.g. 127.0.0.1:3306"]),
    BadConfig(name: "port out of range", yaml: "listen: 127.0.0.1:70000\n" + base + "\n" + authSection,
              errors: ["1:9: invalid address '127.0.0.1:70000' for 'listen': the port must be a number from 1 to 65535"]),
    BadConfig(name: "bare IPv6 and port zero", yaml: config("admin_listen: \"::1:3308\"").replacingOccurrences(of: "127.0.0.1:23316", with: "db:0"),
              errors: ["5:44: invalid address 'db:0' for 'primary': the port must be a number from 1 to 65535",
                       "6:15: invalid address '::1:3308' for 'admin_listen': write IPv6 addresses in brackets, e.g. [::1]:3306"]),
    BadConfig(name: "bad replica, same address twice, admin_listen = listen",
              yaml: config("admin_listen: 127.0.0.1:3307").replacingOccurrences(of: "primary: 127.0.0.1:23316", with: "primary: 127.0.0.1:23306, replicas: [\":3306\"]"),
              errors: ["5:44: address 127.0.0.1:23306 is already used by shard s0 (primary)",
                       "5:72: invalid address ':3306' for 'replicas': the host is empty (use 0.0.0.0 for every interface)",
                       "6:15: 'admin_listen' must differ from 'listen' (127.0.0.1:3307)"]),

    // Shards and key ranges
    BadConfig(name: "duplicate shard names", yaml: config("").replacingOccurrences(of: "name: s1", with: "name: s0"),
              errors: ["5:13: duplicate shard name 's0' (first at line 4)"]),
    BadConfig(name: "key range gap", yaml: config("").replacingOccurrences(of: "\"80-\"", with: "\"90-\""),
              errors: ["5:28: key ranges leave a gap from 0x8000000000000000 to 0x9000000000000000"]),
    BadConfig(name: "key range overlap", yaml: config("").replacingOccurrences(of: "\"-80\"", with: "\"-90\""),
              errors: ["4:28: key_range '-90' of shard s0 overlaps '80-' of shard s1"]),
    BadConfig(name: "key range does not reach the end", yaml: config("").replacingOccurrences(of: "\"80-\"", with: "\"80-f0\""),
              errors: ["5:28: key ranges leave a gap from 0xf000000000000000 to the end of the keyspace"]),
    BadConfig(name: "malformed key ranges", yaml: config("").replacingOccurrences(of: "\"80-\"", with: "\"8g-\"").replacingOccurrences(of: "\"-80\"", with: "\"80\""),
              errors: ["4:28: invalid key_range '80': expected Vitess-style hex bounds like '-80', '80-', '40-80', or '-' for the whole keyspace",
                       "5:28: invalid key_range '8g-': '8g' is not a hex prefix of 1 to 16 digits"]),
    BadConfig(name: "several shards need names and ranges", yaml: "listen: h:1\nbackend: { user: u }\nshards:\n  - primary: h:2\n  - { name: s1, primary: h:3 }\n" + authSection,
              errors: ["4:5: missing required key 'name' in shards[0] (every shard needs a name when there are several)",
                       "4:5: missing required key 'key_range' in shards[0] (every shard needs one when there are several)",
                       "5:5: missing required key 'key_range' in shards[1] (every shard needs one when there are several)"]),
    BadConfig(name: "no shards", yaml: "listen: h:1\nbackend: { user: u }\nshards: []\n" + authSection,
              errors: ["3:9: 'shards' must list at least one shard"]),

    // Tables
    BadConfig(name: "duplicate sharded tables (case-insensitive)", yaml: config("tables:\n  sharded:\n    users: { key: id }\n    Users: { key: id }"),
              errors: ["9:5: duplicate sharded table 'users' (first at line 8)"]),
    BadConfig(name: "unknown default_shard", yaml: config("tables: { default_shard: shard0 }"),
              errors: ["6:26: default_shard 'shard0' is not a shard; expected one of: s0, s1"]),
    BadConfig(name: "vindex problems", yaml: config("""
              tables:
                sharded:
                  a: { vindex: hash }
                  b: { key: x, vindex: lookup }
                  c: { key: x, vindex: list, map: { eu: s0, us: s9 } }
                  d: { key: x, vindex: range, ranges: { s0: "..100", s2: "100.." } }
                  e: { key: x, map: { eu: s0 } }
                  f: { key: x, vindex: range, ranges: { s0: "..200", s1: "100..", } }
                  g: { key: x, vindex: range, ranges: { s0: "1..x" } }
                  h: { key: x, vindex: list }
              """),
              errors: ["8:8: missing required key 'key' in tables.sharded.a",
                       "9:26: expected hash, list or range for 'vindex', got 'lookup'",
                       "10:51: list vindex of table 'c' maps 'us' to unknown shard 's9'; expected one of: s0, s1",
                       "11:56: range vindex of table 'd' names unknown shard 's2'; expected one of: s0, s1",
                       "12:18: 'map' is only used with vindex: list (table 'e' has vindex: hash)",
                       "13:47: range '..200' of shard s0 overlaps '100..' of shard s1",
                       "14:47: invalid range '1..x' for shard s0: expected LOWER..UPPER with integer bounds, either of which may be empty (e.g. \"..1700000000\", \"1700000000..\")",
                       "15:8: missing required key 'map' in tables.sharded.h (vindex: list maps each value to a shard)"]),
    BadConfig(name: "reference tables", yaml: config("tables:\n  sharded: { users: { key: id } }\n  reference: [countries, Countries, users]"),
              errors: ["8:26: duplicate reference table 'countries' (first at line 8)",
                       "8:37: table 'users' is listed both as sharded and as reference"]),

    // Routing
    BadConfig(name: "routing enums", yaml: config("routing:\n  reads: replicas\n  read_your_writes: on\n  cross_shard_transactions: allow\n  scatter: -1"),
              errors: ["7:10: expected replica or primary for 'reads', got 'replicas'; did you mean 'replica'?",
                       "8:21: expected gtid, off or a number of milliseconds for 'read_your_writes', got 'on'",
                       "9:29: expected reject or best_effort for 'cross_shard_transactions', got 'allow'",
                       "10:12: expected allow or reject for 'scatter', got '-1'"]),
    BadConfig(name: "negative read_your_writes", yaml: config("routing: { read_your_writes: -5, raeds: primary }"),
              errors: ["6:30: 'read_your_writes' must not be negative, got -5",
                       "6:34: unknown key 'raeds' in routing; expected one of: reads, read_your_writes, cross_shard_transactions, scatter; did you mean 'reads'?"]),

    // Plugins and users
    BadConfig(name: "unknown plugin", yaml: config("").replacingOccurrences(of: "plugins:\n", with: "plugins:\n  query_filtr: { enabled: true }\n  query_log: yes\n"),
              errors: ["8:3: unknown plugin 'query_filtr'; expected one of: auth_file, authorization, query_filter, query_log; did you mean 'query_filter'?",
                       "9:14: expected a mapping for 'query_log', got 'yes'"]),
    BadConfig(name: "no plugins at all", yaml: "listen: h:1\nbackend: { user: u }\nshards: [{ primary: h:2 }]\n",
              errors: ["1:1: no authentication plugin enabled: add plugins.auth_file with at least one user (Sleet refuses to let everyone in)"]),
    BadConfig(name: "auth_file disabled", yaml: "listen: h:1\nbackend: { user: u }\nshards: [{ primary: h:2 }]\nplugins:\n  query_log: {}\n  auth_file: { enabled: false, users: [] }\n",
              errors: ["6:25: no authentication plugin enabled: add plugins.auth_file with at least one user (Sleet refuses to let everyone in)"]),
    BadConfig(name: "auth_file without users", yaml: "listen: h:1\nbackend: { user: u }\nshards: [{ primary: h:2 }]\nplugins:\n  auth_file:\n    users: []\n",
              errors: ["6:12: no authentication plugin enabled: add plugins.auth_file with at least one user (Sleet refuses to let everyone in)"]),
    BadConfig(name: "auth_file users", yaml: """
              listen: h:1
              backend: { user: u }
              shards: [{ primary: h:2 }]
              plugins:
                auth_file:
                  users:
                    - { user: app, password_hash: "*72B37E3F4D899EDC98A9363172669E192CE424D5" }
                    - { user: app, password_hash: "*72B37E3F4D899EDC98A9363172669E192CE424D5" }
                    - { user: bob, password_hash: "app-pw" }
                    - { password_hash: "*72B37E3F4D899EDC98A9363172669E192CE424D5", admin: maybe }
                    - { user: eve, passwd: x }
              """,
              errors: ["8:17: duplicate user 'app' (first at line 7)",
                       "9:37: password_hash for user 'bob' must be '*' followed by 40 hex digits (run: sleet hash-password)",
                       "10:9: missing required key 'user' in plugins.auth_file.users[3]",
                       "10:78: expected true or false for 'admin', got 'maybe'",
                       "11:9: missing required key 'password_hash' in plugins.auth_file.users[4] (run: sleet hash-password)",
                       "11:22: unknown key 'passwd' in plugins.auth_file.users[4]; expected one of: user, password_hash, admin, read_only, tables"]),

    // Environment
    BadConfig(name: "unset environment variable", yaml: config("").replacingOccurrences(of: "{ user: sleet }", with: "{ user: sleet, password: \"${SLEET_BACKEND_PASSWORD}\" }"),
              errors: ["2:35: environment variable SLEET_BACKEND_PASSWORD is not set"]),
    BadConfig(name: "environment problems do not cascade", yaml: "listen: ${HOST}:3307\n" + base.replacingOccurrences(of: "127.0.0.1:23306", with: "\"${DB}:${PORT}\"") + "\n" + authSection,
              errors: ["1:9: environment variable HOST is not set", "4:44: environment variable PORT is not set"],
              environment: ["DB": "db1"]),
    BadConfig(name: "environment value is typed after substitution", yaml: config("max_connections: ${MAX}"),
              errors: ["6:18: expected an integer for 'max_connections', got 'many'"], environment: ["MAX": "many"]),
]

@Suite("Rejecting bad configs")
struct BadConfigTests {
    @Test(arguments: badConfigs)
    func reportsExactly(_ bad: BadConfig) {
        #expect(loadErrors(bad.yaml, environment: bad.environment) == bad.errors)
    }

    @Test func errorsPrintAsFileLineColumn() throws {
        let error = try #require(throws: ConfigErrors.self) {
            try SleetConfig.parse(yaml: "listen: x\nmax_connections: 0\n", path: "conf/sleet.yaml", environment: [:])
        }
        let lines = error.description.split(separator: "\n").map(String.init)
        #expect(lines.first == "conf/sleet.yaml:1:1: missing required key 'backend'")
        #expect(lines.contains("conf/sleet.yaml:1:9: invalid address 'x' for 'listen': expected host:port, e.g. 127.0.0.1:3306"))
        #expect(lines.contains("conf/sleet.yaml:2:18: 'max_connections' must be at least 1, got 0"))
        #expect(error.errors.first == ConfigError(file: "conf/sleet.yaml", line: 1, column: 1, message: "missing required key 'backend'"))
    }

    @Test func missingFile() {
        let error = #expect(throws: ConfigErrors.self) {
            try SleetConfig.load(path: "/nonexistent/sleet.yaml", environment: [:])
        }
        #expect(error?.description == "/nonexistent/sleet.yaml: cannot read the config file: no such file")
    }
}
