import Foundation
import MySQLControl
import ShardRouting
import SleetConfig
import Testing
import TestSupport

extension ShardingSuites {
    /// Where rows land: 10,000 random 63-bit keys of both signs inserted through Sleet (multi-row
    /// INSERTs that Sleet splits per shard), then read back from both primaries directly. Every key
    /// must be on exactly one shard, the one the planner (in-process, and `EXPLAIN ROUTE` through
    /// Sleet for a sample) names for it, and the hash must spread the keys evenly.
    @Suite(.enabled(if: Fleet.shouldRun), .serialized)
    struct ShardingPlacementTests {
        static let keyCount = 10_000
        static let batch = 100
        static let sample = 300

        /// Distinct keys from a fixed seed, starting with the edges of the 64-bit range.
        static func keys() -> [Int64] {
            var rng = ShardingRNG(seed: 0x91AC_E0E7)
            var keys: [Int64] = [Int64.min, Int64.max, 0, 1, -1, Int64.min + 1, Int64.max - 1]
            var seen = Set(keys)
            while keys.count < keyCount {
                let k = Int64(bitPattern: rng.next())
                if seen.insert(k).inserted { keys.append(k) }
            }
            return keys
        }

        static func row(_ k: Int64) -> (name: String, score: Int) {
            (name: "n" + String(UInt64(bitPattern: k) % 1_000_000_007, radix: 36), score: Int(UInt64(bitPattern: k) % 1000) - 500)
        }

        @Test func everyKeyLivesOnExactlyTheShardTheRouterNames() async throws {
            try Fleet.require()
            let started = ContinuousClock.now
            let keys = Self.keys()
            var config = SleetInstance.testConfig()
            Sharding.configure(&config)
            let router = Router(config: config)
            try await SleetInstance.with(Sharding.configure) { sleet in
                try await Sharding.blocking {
                    Sharding.dropTables()
                    defer { Sharding.dropTables() }
                    let c = try sleet.connect(database: Fleet.database)
                    try c.execute("CREATE TABLE dusers (id BIGINT PRIMARY KEY, name VARCHAR(40), score INT)")
                    // DDL on a sharded table runs on every shard's primary.
                    for port in [Fleet.s0Primary, Fleet.s1Primary] {
                        let d = try Fleet.direct(port: port, database: Fleet.database)
                        #expect(try d.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'app' AND table_name = 'dusers'")[0].rows == [["1"]],
                                "dusers on \(port)")
                        d.close()
                    }

                    // Multi-row INSERTs of 100 rows: each is split between the shards.
                    let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: Fleet.database)
                    for start in stride(from: 0, to: keys.count, by: Self.batch) {
                        let rows = keys[start..<min(start + Self.batch, keys.count)].map { k in
                            let r = Self.row(k)
                            return "(\(k), '\(r.name)', \(r.score))"
                        }
                        let sql = "INSERT INTO dusers (id, name, score) VALUES " + rows.joined(separator: ", ")
                        if start == 0 {
                            // The route of the first one: two shards, each getting only its own rows.
                            let route = try ops.query("EXPLAIN ROUTE " + sql)[0]
                            #expect(route.columns == ["shard", "role", "backend", "statement", "reason"])
                            #expect(route.rows.map { $0[0] } == ["s0", "s1"])
                            let sent = route.rows.map { ($0[3] ?? "").components(separatedBy: "), (").count }
                            #expect(sent.reduce(0, +) == rows.count, "rows sent per shard: \(sent)")
                        }
                        let r = try c.execute(sql)
                        #expect(r.affectedRows == UInt64(rows.count), "INSERT of rows \(start)..<\(start + rows.count)")
                    }

                    // Read both primaries directly.
                    var holders: [Int64: [String]] = [:]
                    var rowsOf: [Int64: (String?, String?)] = [:]
                    var perShard: [String: Int] = [:]
                    for (shard, port) in [("s0", Fleet.s0Primary), ("s1", Fleet.s1Primary)] {
                        let d = try Fleet.direct(port: port, database: Fleet.database)
                        try d.forEachRow("SELECT id, name, score FROM dusers") { row in
                            guard let text = row[0], let id = Int64(String(decoding: text, as: UTF8.self)) else {
                                Issue.record("unreadable id on \(shard)")
                                return
                            }
                            holders[id, default: []].append(shard)
                            rowsOf[id] = (row[1].map { String(decoding: $0, as: UTF8.self) }, row[2].map { String(decoding: $0, as: UTF8.self) })
                            perShard[shard, default: 0] += 1
                        }
                        d.close()
                    }
                    let keySet = Set(keys)
                    let stray = holders.keys.filter { !keySet.contains($0) }
                    #expect(stray.isEmpty, "rows with keys never inserted: \(stray.prefix(10))")
                    let missing = keys.filter { holders[$0] == nil }
                    #expect(missing.isEmpty, "\(missing.count) keys on no shard, e.g. \(missing.prefix(10))")
                    let doubled = keys.filter { (holders[$0]?.count ?? 0) > 1 }
                    #expect(doubled.isEmpty, "\(doubled.count) keys on both shards, e.g. \(doubled.prefix(10))")
                    let wrongRow = keys.filter { k in
                        let r = Self.row(k)
                        return rowsOf[k].map { $0.0 != r.name || $0.1 != String(r.score) } ?? false
                    }
                    #expect(wrongRow.isEmpty, "rows whose values are not the ones inserted: \(wrongRow.prefix(10))")

                    // Every key against the planner, in-process: the shard it names holds the row. A lookup
                    // the planner deliberately scatters (a literal whose matches depend on the column type,
                    // like 0) must at least reach the holder, and such keys must be rare.
                    var misplaced: [String] = []
                    var scattered: [Int64] = []
                    func check(_ k: Int64, _ shards: [String], _ source: String) {
                        if shards.count == 1 {
                            if holders[k] != shards { misplaced.append("\(k): \(source) says \(shards[0]), row is on \(holders[k] ?? [])") }
                        } else if !shards.contains(holders[k]?.first ?? "-") {
                            misplaced.append("\(k): \(source) routes the lookup to \(shards), row is on \(holders[k] ?? [])")
                        } else if source == "planner" {
                            scattered.append(k)
                        }
                    }
                    for k in keys {
                        let plan = try router.plan(sql: "SELECT * FROM dusers WHERE id = \(k)", database: Fleet.database)
                        check(k, plan.targets.map(\.shard), "planner")
                    }
                    #expect(misplaced.isEmpty, "\(misplaced.count) keys not where the planner looks:\n\(misplaced.prefix(20).joined(separator: "\n"))")
                    #expect(scattered.count <= keys.count / 100, "\(scattered.count) point lookups scattered, e.g. \(scattered.prefix(10))")
                    misplaced = []

                    // A sample through Sleet as the admin: EXPLAIN ROUTE names the holder, and the lookup finds the row.
                    var rng = ShardingRNG(seed: 0x5A3_91E)
                    var sampleKeys = Array(keys.prefix(7))
                    while sampleKeys.count < Self.sample { sampleKeys.append(keys[Int(rng.next() % UInt64(keys.count))]) }
                    var explainMismatches: [String] = []
                    for k in sampleKeys {
                        let route = try ops.query("EXPLAIN ROUTE SELECT * FROM dusers WHERE id = \(k)")[0]
                        check(k, route.rows.map { $0[0] ?? "NULL" }, "EXPLAIN ROUTE (\(route.rows.first?[4] ?? ""))")
                        let r = Self.row(k)
                        let found = try c.query("SELECT id, name, score FROM dusers WHERE id = \(k)")[0].rows
                        if found != [[String(k), r.name, String(r.score)]] {
                            explainMismatches.append("\(k): the lookup through Sleet returned \(found)")
                        }
                    }
                    explainMismatches += misplaced
                    #expect(explainMismatches.isEmpty, "\(explainMismatches.prefix(20).joined(separator: "\n"))")
                    // The scattered count adds up.
                    #expect(try c.query("SELECT COUNT(*) FROM dusers")[0].rows == [[String(keys.count)]])

                    // The hash spreads keys evenly: each shard has 40%...60% of them.
                    let total = perShard.values.reduce(0, +)
                    for shard in ["s0", "s1"] {
                        let share = Double(perShard[shard] ?? 0) / Double(max(total, 1))
                        #expect(share >= 0.4 && share <= 0.6, "\(shard) holds \(perShard[shard] ?? 0) of \(total) rows")
                    }
                    print("placement: \(perShard["s0"] ?? 0) rows on s0, \(perShard["s1"] ?? 0) on s1; "
                          + "\(keys.count) keys checked against the planner (\(scattered.count) lookups scattered: \(scattered.prefix(5))), "
                          + "\(sampleKeys.count) with EXPLAIN ROUTE")
                }
            }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(60), "the placement suite took \(elapsed)")
        }
    }
}
