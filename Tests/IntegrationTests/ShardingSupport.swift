import Foundation
import MySQLControl
import MySQLWire
import SleetConfig
import Testing
import TestSupport

/// The sharded setup of ``ShardingSessionTests``: the fleet's two shards with the SPEC.md tables
/// (users {key id}, orders {key user_id}, regions list vindex, events range vindex, reference
/// countries, all in database `app`), created THROUGH Sleet so the DDL broadcast is exercised.
///
/// Other suites use the same table names at the same time. This one never drops them and only
/// touches its own rows: user ids / user_id / region and event ids in ``idLow``...``idHigh``,
/// countries ``countryCodes``. Rows are purged directly on both primaries before and after each test.
enum SessionSharding {
    static let idLow = 900_000
    static let idHigh = 999_999
    /// `BETWEEN` bounds covering every row this suite writes.
    static let idRange = "\(idLow) AND \(idHigh)"
    static let countryCodes = ["QX", "QY", "QZ"]
    static let eventsSplit: Int64 = 1_700_000_000

    static let primaries: [(shard: String, port: Int)] = [("s0", Fleet.s0Primary), ("s1", Fleet.s1Primary)]
    static func primaryAddress(_ shard: String) -> String {
        "\(Fleet.host):\(shard == "s0" ? Fleet.s0Primary : Fleet.s1Primary)"
    }
    static func replicaAddress(_ shard: String) -> String {
        "\(Fleet.host):\(shard == "s0" ? Fleet.s0Replica : Fleet.s1Replica)"
    }

    /// The sharded tables of SPEC.md on top of ``SleetInstance/testConfig()``.
    static func configure(_ c: inout SleetConfig) {
        c.database = "app"
        c.tables = Tables(defaultShard: "s0", sharded: [
            "users": ShardedTable(key: "id"),
            "orders": ShardedTable(key: "user_id"),
            "regions": ShardedTable(key: "code", vindex: .list(["eu": "s0", "us": "s1"])),
            "events": ShardedTable(key: "ts", vindex: .range([
                .init(shard: "s0", lower: nil, upper: eventsSplit),
                .init(shard: "s1", lower: eventsSplit, upper: nil),
            ])),
        ], reference: ["countries"])
    }

    /// The same config as YAML, for the `sleet` binary (`listen` is never opened by `sleet explain`).
    static func yaml() -> String {
        """
        listen: 127.0.0.1:39999
        database: app
        backend: { user: \(Fleet.user), password: "\(Fleet.password)" }
        shards:
          - { name: s0, key_range: "-80", primary: \(Fleet.host):\(Fleet.s0Primary), replicas: [\(Fleet.host):\(Fleet.s0Replica)] }
          - { name: s1, key_range: "80-", primary: \(Fleet.host):\(Fleet.s1Primary), replicas: [\(Fleet.host):\(Fleet.s1Replica)] }
        tables:
          default_shard: s0
          sharded:
            users:   { key: id }
            orders:  { key: user_id }
            regions: { key: code, vindex: list, map: { eu: s0, us: s1 } }
            events:  { key: ts, vindex: range, ranges: { s0: "..\(eventsSplit)", s1: "\(eventsSplit).." } }
          reference: [countries]
        plugins:
          auth_file:
            users: [ { user: \(SleetInstance.appUser), password_hash: "\(AuthScramble.nativePasswordHash(password: SleetInstance.appPassword))" } ]
        """
    }

    /// Starts Sleet with the sharded config (then `more`), creates the tables through it, purges this
    /// suite's rows, runs `body` on a dedicated thread, purges again, and stops Sleet.
    static func withSleet<T: Sendable>(_ more: (inout SleetConfig) -> Void = { _ in },
                                       _ body: @escaping @Sendable (SleetInstance) throws -> T) async throws -> T {
        try Fleet.require()
        return try await SleetInstance.with({ configure(&$0); more(&$0) }) { sleet in
            try await Functional.blocking {
                try createTables(through: sleet)
                purge()
                defer { purge() }
                return try body(sleet)
            }
        }
    }

    static let tableDDL: [(table: String, sql: String, columns: [String])] = [
        ("users", "CREATE TABLE IF NOT EXISTS users (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(50)) ENGINE=InnoDB", ["id", "name"]),
        ("orders", "CREATE TABLE IF NOT EXISTS orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id BIGINT, amount DECIMAL(10,2)) ENGINE=InnoDB",
         ["id", "user_id", "amount"]),
        ("regions", "CREATE TABLE IF NOT EXISTS regions (code VARCHAR(8) NOT NULL, id BIGINT NOT NULL, name VARCHAR(50), PRIMARY KEY (code, id)) ENGINE=InnoDB",
         ["code", "id", "name"]),
        ("events", "CREATE TABLE IF NOT EXISTS events (ts BIGINT NOT NULL, id BIGINT NOT NULL, name VARCHAR(50), PRIMARY KEY (ts, id)) ENGINE=InnoDB",
         ["ts", "id", "name"]),
        ("countries", "CREATE TABLE IF NOT EXISTS countries (code CHAR(2) NOT NULL PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB", ["code", "name"]),
    ]

    /// `CREATE TABLE IF NOT EXISTS` of every table through Sleet, then a check (directly) that each
    /// exists on both primaries with the columns this suite uses.
    static func createTables(through sleet: SleetInstance) throws {
        let c = try sleet.connect(database: "app")
        defer { c.close() }
        for t in tableDDL { try c.execute(t.sql) }
        for (shard, port) in primaries {
            let d = try Fleet.direct(port: port, database: "app")
            defer { d.close() }
            for t in tableDDL {
                let cols = try d.query("SELECT LOWER(COLUMN_NAME) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = '\(t.table)'")[0]
                    .rows.compactMap { $0[0] }
                guard Set(t.columns).isSubset(of: Set(cols)) else {
                    throw FunctionalError("app.\(t.table) on \(shard) has columns \(cols), this suite needs \(t.columns) (created by another suite with another schema?)")
                }
            }
        }
    }

    /// Deletes this suite's rows directly on both primaries.
    static func purge() {
        for (_, port) in primaries {
            guard let d = try? Fleet.direct(port: port, database: "app") else { continue }
            _ = try? d.execute("DELETE FROM users WHERE id BETWEEN \(idRange)")
            _ = try? d.execute("DELETE FROM orders WHERE user_id BETWEEN \(idRange)")
            _ = try? d.execute("DELETE FROM regions WHERE id BETWEEN \(idRange)")
            _ = try? d.execute("DELETE FROM events WHERE id BETWEEN \(idRange)")
            _ = try? d.execute("DELETE FROM countries WHERE code IN (\(countryCodes.map { "'\($0)'" }.joined(separator: ", ")))")
            d.close()
        }
    }

    /// A unique scratch table name.
    static func scratch(_ what: String) -> String {
        "it_sess_\(what)_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    /// `CREATE DATABASE IF NOT EXISTS test` through Sleet (a database other than `app`: on s0 only).
    /// Never dropped: other suites and tools may use it.
    static func createTestDatabase(_ c: MySQLConnection) throws {
        try c.execute("CREATE DATABASE IF NOT EXISTS test")
        #expect(try direct("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'test'", database: nil)["s0"] == [["1"]])
    }

    /// Drops a scratch table of database `test` on every primary (directly).
    static func dropTestTable(_ t: String) {
        for (_, port) in primaries {
            guard let d = try? Fleet.direct(port: port) else { continue }
            _ = try? d.execute("DROP TABLE IF EXISTS test.\(t)")
            d.close()
        }
    }

    /// The `ERROR ...` line of the mariadb CLI's standard error (which also echoes the failed statement).
    static func cliError(_ stderr: String) -> String? {
        stderr.split(separator: "\n").first { $0.hasPrefix("ERROR ") }.map(String.init)
    }

    // MARK: Direct reads

    /// Rows of `sql` run directly on each primary, by shard name.
    static func direct(_ sql: String, database: String? = "app") throws -> [String: [[String?]]] {
        var out: [String: [[String?]]] = [:]
        for (shard, port) in primaries {
            let d = try Fleet.direct(port: port, database: database)
            defer { d.close() }
            out[shard] = try d.query(sql)[0].rows
        }
        return out
    }

    /// Whether `schema.table` exists on each primary, by shard name.
    static func tableExists(_ table: String, schema: String = "app") throws -> [String: Bool] {
        try direct("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '\(schema)' AND TABLE_NAME = '\(table)'", database: nil)
            .mapValues { $0 == [["1"]] }
    }

    // MARK: Routes

    /// `EXPLAIN ROUTE <sql>` rows (as an admin connection).
    static func route(_ ops: MySQLConnection, _ sql: String) throws -> [[String?]] {
        let r = try ops.query("EXPLAIN ROUTE \(sql)")[0]
        #expect(r.columns == ["shard", "role", "backend", "statement", "reason"])
        return r.rows
    }

    /// The single shard `EXPLAIN ROUTE` names for `sql` (records an issue if not exactly one).
    static func shard(_ ops: MySQLConnection, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let rows = try route(ops, sql)
        #expect(rows.count == 1, "\(sql): \(rows)", sourceLocation: sourceLocation)
        guard let s = rows.first?[0] else {
            Issue.record("\(sql): no shard in \(rows)", sourceLocation: sourceLocation)
            return "?"
        }
        return s
    }

    /// The shard of each user id, by `EXPLAIN ROUTE SELECT * FROM users WHERE id = N`.
    static func userShards(_ ops: MySQLConnection, _ ids: [Int]) throws -> [Int: String] {
        var out: [Int: String] = [:]
        for id in ids { out[id] = try shard(ops, "SELECT * FROM users WHERE id = \(id)") }
        return out
    }

    /// Some user ids of this suite's range on `shard` (found with EXPLAIN ROUTE).
    static func ids(on shard: String, count: Int, from start: Int = idLow, using ops: MySQLConnection) throws -> [Int] {
        var out: [Int] = []
        var id = start
        while out.count < count, id <= idHigh {
            if try self.shard(ops, "SELECT * FROM users WHERE id = \(id)") == shard { out.append(id) }
            id += 1
        }
        return out
    }

    // MARK: Errors

    /// Expects `body` to fail with Sleet's 1235 refusal (SQLSTATE 42000, `Sleet does not support ...`).
    static func expectRefusal(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        let e = Functional.mysqlError(body)
        #expect(e?.errno == 1235, "\(what): \(String(describing: e))", sourceLocation: sourceLocation)
        #expect(e?.sqlState == "42000", "\(what): \(String(describing: e))", sourceLocation: sourceLocation)
        #expect(e?.message.hasPrefix("Sleet does not support") == true, "\(what): \(String(describing: e))", sourceLocation: sourceLocation)
    }

    /// The `sleet` binary's output table (`a | b | c` after a header and a `---` line), cells trimmed.
    static func parseTable(_ text: String) -> (header: [String], rows: [[String]]) {
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count >= 2 else { return ([], []) }
        func cells(_ l: String) -> [String] {
            l.components(separatedBy: " | ").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return (cells(lines[0]), lines.dropFirst(2).map(cells))
    }
}

/// SessionCents <-> DECIMAL(10,2) text, to compute expected sums exactly.
enum SessionCents {
    static func parse(_ s: String?) -> Int? {
        guard let s else { return nil }
        let negative = s.hasPrefix("-")
        let body = negative ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard let whole = Int(parts[0]) else { return nil }
        var frac = parts.count > 1 ? String(parts[1]) : "0"
        while frac.count < 2 { frac += "0" }
        guard let f = Int(frac.prefix(2)) else { return nil }
        return (negative ? -1 : 1) * (whole * 100 + f)
    }

    static func text(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let a = abs(cents)
        return "\(sign)\(a / 100).\(a % 100 < 10 ? "0" : "")\(a % 100)"
    }
}
