import Foundation
import MySQLControl
import SleetConfig
import Testing
import TestSupport

/// Sharded sessions end to end: Sleet in-process with the SPEC.md sharded tables in front of the
/// two-shard fleet, real clients (libmysqlclient through `MySQLControl`, and the `mariadb` CLI), and
/// every answer checked against direct reads of both shards' primaries.
///
/// The tables are shared with other suites: see ``SessionSharding`` for how this one stays out of their way
/// (its own key range, rows purged before and after each test, only its own scratch tables dropped).
@Suite(.enabled(if: Fleet.shouldRun), .serialized)
struct ShardingSessionTests {

    // MARK: Placement

    @Test func rowsLandWhereExplainRouteSays() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let ids = Array(SessionSharding.idLow..<(SessionSharding.idLow + 200))
            let routes = try SessionSharding.userShards(ops, ids)

            // Single-row inserts for the first 20 ids, multi-row inserts of 30 rows for the rest.
            for id in ids.prefix(20) {
                let r = try c.execute("INSERT INTO users (id, name) VALUES (\(id), 'single-\(id)')")
                #expect(r.affectedRows == 1)
            }
            var spanning = 0
            for chunkStart in stride(from: 20, to: ids.count, by: 30) {
                let chunk = Array(ids[chunkStart..<min(chunkStart + 30, ids.count)])
                let sql = "INSERT INTO users (id, name) VALUES " + chunk.map { "(\($0), 'multi-\($0)')" }.joined(separator: ", ")
                // The route of the multi-row insert: one row per shard, each with only its own rows.
                let plan = try SessionSharding.route(ops, sql)
                let shardsOfChunk = Set(chunk.map { routes[$0]! })
                #expect(Set(plan.compactMap { $0[0] }) == shardsOfChunk, "\(plan)")
                for row in plan {
                    guard let shard = row[0], let text = row[3] else { Issue.record("\(row)"); continue }
                    #expect(row[1] == "primary")
                    #expect(row[2] == SessionSharding.primaryAddress(shard))
                    for id in chunk { #expect(text.contains("(\(id), ") == (routes[id] == shard), "\(id) in the \(shard) part: \(text)") }
                }
                if shardsOfChunk.count > 1 { spanning += 1 }
                let r = try c.execute(sql)
                #expect(r.affectedRows == UInt64(chunk.count), "affected rows of a \(chunk.count)-row insert")
            }
            #expect(spanning > 0, "some multi-row inserts span both shards")

            // Every row exists exactly on the shard EXPLAIN ROUTE names, and nowhere else.
            let found = try SessionSharding.direct("SELECT id FROM users WHERE id BETWEEN \(SessionSharding.idRange)")
                .mapValues { Set($0.compactMap { $0[0].flatMap { Int($0) } }) }
            for id in ids {
                let shard = routes[id]!
                #expect(found[shard]?.contains(id) == true, "\(id) should be on \(shard)")
                let other = shard == "s0" ? "s1" : "s0"
                #expect(found[other]?.contains(id) == false, "\(id) must not be on \(other)")
            }
            #expect((found["s0"]?.count ?? 0) + (found["s1"]?.count ?? 0) == ids.count)
            #expect((found["s0"]?.count ?? 0) > 20 && (found["s1"]?.count ?? 0) > 20, "both shards get a fair share: \(found.mapValues(\.count))")

            // The reason names the keyspace id, and it lies in the named shard's key range.
            for id in ids.prefix(10) {
                let row = try SessionSharding.route(ops, "SELECT * FROM users WHERE id = \(id)")[0]
                let reason = row[4] ?? ""
                #expect(reason.contains("users.id = \(id)"), "\(reason)")
                guard let r = reason.range(of: "keyspace id 0x") else { Issue.record("no keyspace id in \(reason)"); continue }
                let hex = reason[r.upperBound...].prefix { $0.isHexDigit }
                let ksid = UInt64(hex, radix: 16)
                #expect(ksid != nil, "\(reason)")
                if let ksid { #expect((ksid < 0x8000_0000_0000_0000 ? "s0" : "s1") == row[0], "\(reason)") }
                // The same statement's INSERT goes to the same shard's primary.
                let ins = try SessionSharding.route(ops, "INSERT INTO users (id, name) VALUES (\(id), 'x')")
                #expect(ins.count == 1 && ins[0][0] == row[0] && ins[0][1] == "primary" && ins[0][2] == SessionSharding.primaryAddress(row[0] ?? ""), "\(ins)")
            }

            // The mariadb CLI sees the same routes (a real client, tab-separated).
            for id in ids.suffix(3) {
                let out = try sleet.cli(["-N", "-B", "-e", "EXPLAIN ROUTE SELECT * FROM users WHERE id = \(id)", "app"],
                                        user: SleetInstance.opsUser, password: SleetInstance.opsPassword)
                #expect(out.status == 0, "\(out.stderr)")
                #expect(out.stdout.split(separator: "\t").first.map(String.init) == routes[id], "\(out.stdout)")
            }

            // list vindex: eu -> s0, us -> s1; range vindex: ts < 1700000000 -> s0, from 1700000000 -> s1.
            let regionsInsert = try c.execute("INSERT INTO regions (code, id, name) VALUES ('eu', 900001, 'europe'), ('us', 900002, 'america')")
            #expect(regionsInsert.affectedRows == 2)
            #expect(try SessionSharding.shard(ops, "SELECT * FROM regions WHERE code = 'eu'") == "s0")
            #expect(try SessionSharding.shard(ops, "SELECT * FROM regions WHERE code = 'us'") == "s1")
            #expect(try SessionSharding.direct("SELECT code FROM regions WHERE id BETWEEN \(SessionSharding.idRange) ORDER BY code")
                    == ["s0": [["eu"]], "s1": [["us"]]])
            let eventsInsert = try c.execute("INSERT INTO events (ts, id, name) VALUES (1600000000, 900001, 'a'), (1699999999, 900002, 'b'), (1700000000, 900003, 'c'), (1800000000, 900004, 'd')")
            #expect(eventsInsert.affectedRows == 4)
            for (ts, shard) in [(1_600_000_000, "s0"), (1_699_999_999, "s0"), (1_700_000_000, "s1"), (1_800_000_000, "s1")] {
                #expect(try SessionSharding.shard(ops, "SELECT * FROM events WHERE ts = \(ts)") == shard, "ts \(ts)")
            }
            #expect(try SessionSharding.direct("SELECT id FROM events WHERE id BETWEEN \(SessionSharding.idRange) ORDER BY id")
                    == ["s0": [["900001"], ["900002"]], "s1": [["900003"], ["900004"]]])
            // Through Sleet, a keyed read finds each row on its shard, a scatter read finds them all.
            #expect(try c.query("SELECT name FROM regions WHERE code = 'us' AND id = 900002")[0].rows == [["america"]])
            #expect(try c.query("SELECT id FROM events WHERE id BETWEEN \(SessionSharding.idRange) ORDER BY id")[0].rows
                    == [["900001"], ["900002"], ["900003"], ["900004"]])
        }
    }

    // MARK: Reads across shards

    @Test func readsMergeToWhatTheShardsHold() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let ids = Array(SessionSharding.idLow..<(SessionSharding.idLow + 120))
            try c.execute("INSERT INTO users (id, name) VALUES " + ids.map { "(\($0), 'name-\($0 % 7)')" }.joined(separator: ", "))
            var orderValues: [String] = []
            for id in ids {
                for k in 0...(id % 3) { orderValues.append("(\(id), \(SessionCents.text((id * 37 + k * 911) % 10_000 + 5)))") }
            }
            try c.execute("INSERT INTO orders (user_id, amount) VALUES " + orderValues.joined(separator: ", "))

            // The truth: both shards' rows, read directly.
            let users = try SessionSharding.direct("SELECT id, name FROM users WHERE id BETWEEN \(SessionSharding.idRange)")
            let allUsers = (users["s0"]! + users["s1"]!).map { (id: Int($0[0]!)!, name: $0[1]!) }
            #expect(!users["s0"]!.isEmpty && !users["s1"]!.isEmpty)
            #expect(allUsers.count == ids.count)
            let orders = try SessionSharding.direct("SELECT user_id, amount FROM orders WHERE user_id BETWEEN \(SessionSharding.idRange)")
            let allOrders = (orders["s0"]! + orders["s1"]!).map { (user: Int($0[0]!)!, cents: SessionCents.parse($0[1])!) }
            #expect(allOrders.count == orderValues.count)

            let s0 = try SessionSharding.ids(on: "s0", count: 2, using: ops)
            let s1 = try SessionSharding.ids(on: "s1", count: 2, using: ops)

            // Point selects on each shard.
            for id in s0 + s1 {
                let name = allUsers.first { $0.id == id }!.name
                #expect(try c.query("SELECT id, name FROM users WHERE id = \(id)")[0].rows == [[String(id), name]])
            }
            // IN across shards: rows from both, each shard asked only for its own keys.
            let inList = [s0[0], s1[0], s0[1], s1[1]]
            let inSQL = "SELECT id, name FROM users WHERE id IN (\(inList.map(String.init).joined(separator: ", ")))"
            let inRows = try c.query(inSQL)[0].rows.sorted { $0[0]! < $1[0]! }
            #expect(inRows == inList.sorted().map { id in [String(id), allUsers.first { $0.id == id }!.name] })
            let inRoute = try SessionSharding.route(ops, inSQL)
            #expect(inRoute.map { $0[0] } == ["s0", "s1"], "\(inRoute)")
            #expect(inRoute.first { $0[0] == "s0" }?[3]?.contains(String(s1[0])) == false, "\(inRoute)")
            #expect(try c.query(inSQL + " ORDER BY id DESC")[0].rows.map { $0[0]! } == inList.sorted(by: >).map(String.init))

            // Scatter: rows concatenated; ORDER BY merge-sorted; LIMIT m, n after the merge.
            let scattered = try c.query("SELECT id, name FROM users WHERE id BETWEEN \(SessionSharding.idRange)")[0].rows
            #expect(Set(scattered.map { $0[0]! }) == Set(ids.map(String.init)))
            #expect(scattered.count == ids.count)
            let byIDDesc = allUsers.sorted { $0.id > $1.id }
            #expect(try c.query("SELECT id, name FROM users WHERE id BETWEEN \(SessionSharding.idRange) ORDER BY id DESC LIMIT 10, 15")[0].rows
                    == byIDDesc[10..<25].map { [String($0.id), $0.name] })
            #expect(try c.query("SELECT id FROM users WHERE id BETWEEN \(SessionSharding.idRange) ORDER BY id LIMIT 7")[0].rows
                    == allUsers.map(\.id).sorted().prefix(7).map { [String($0)] })
            let byNameID = allUsers.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
            #expect(try c.query("SELECT name, id FROM users WHERE id BETWEEN \(SessionSharding.idRange) ORDER BY name, id LIMIT 5, 20")[0].rows
                    == byNameID[5..<25].map { [$0.name, String($0.id)] })
            // Decimals sort by value, not text ("95.00" < "105.00").
            let byAmount = allOrders.sorted { ($0.cents, $0.user) > ($1.cents, $1.user) }
            #expect(try c.query("SELECT amount, user_id FROM orders WHERE user_id BETWEEN \(SessionSharding.idRange) ORDER BY amount DESC, user_id DESC LIMIT 9")[0].rows
                    == byAmount.prefix(9).map { [SessionCents.text($0.cents), String($0.user)] })
            // SELECT * with ORDER BY.
            #expect(try c.query("SELECT * FROM users WHERE id BETWEEN \(SessionSharding.idRange) ORDER BY id DESC LIMIT 3")[0].rows
                    == byIDDesc.prefix(3).map { [String($0.id), $0.name] })

            // COUNT / SUM / MIN / MAX without GROUP BY, combined across shards.
            let cents = allOrders.map(\.cents)
            #expect(try c.query("SELECT COUNT(*), SUM(amount), MIN(amount), MAX(amount) FROM orders WHERE user_id BETWEEN \(SessionSharding.idRange)")[0].rows
                    == [[String(cents.count), SessionCents.text(cents.reduce(0, +)), SessionCents.text(cents.min()!), SessionCents.text(cents.max()!)]])
            #expect(try c.query("SELECT COUNT(*) AS n, MIN(id), MAX(id), MIN(name), MAX(name) FROM users WHERE id BETWEEN \(SessionSharding.idRange)")[0].rows
                    == [[String(allUsers.count), String(ids.min()!), String(ids.max()!), "name-0", "name-6"]])
            #expect(try c.query("SELECT COUNT(*), SUM(amount), MAX(amount) FROM orders WHERE user_id BETWEEN 999990 AND 999999")[0].rows
                    == [["0", nil, nil]], "no rows anywhere")

            // GROUP BY whose groups live on one shard each (orders of a user), and whose groups span both (names).
            var perUser: [Int: (count: Int, cents: Int)] = [:]
            for o in allOrders { perUser[o.user, default: (0, 0)].count += 1; perUser[o.user, default: (0, 0)].cents += o.cents }
            #expect(try c.query("SELECT user_id, COUNT(*), SUM(amount) FROM orders WHERE user_id BETWEEN \(SessionSharding.idRange) GROUP BY user_id ORDER BY user_id")[0].rows
                    == perUser.keys.sorted().map { [String($0), String(perUser[$0]!.count), SessionCents.text(perUser[$0]!.cents)] })
            var perName: [String: (count: Int, min: Int, max: Int)] = [:]
            for u in allUsers {
                let p = perName[u.name] ?? (0, Int.max, Int.min)
                perName[u.name] = (p.count + 1, min(p.min, u.id), max(p.max, u.id))
            }
            let namesOnBoth = Set(users["s0"]!.map { $0[1]! }).intersection(users["s1"]!.map { $0[1]! })
            #expect(!namesOnBoth.isEmpty, "some name groups span both shards")
            let expectedGroups = perName.keys.sorted().map { [$0, String(perName[$0]!.count), String(perName[$0]!.min), String(perName[$0]!.max)] }
            #expect(try c.query("SELECT name, COUNT(*), MIN(id), MAX(id) FROM users WHERE id BETWEEN \(SessionSharding.idRange) GROUP BY name ORDER BY name")[0].rows
                    == expectedGroups)
            let unordered = try c.query("SELECT name, COUNT(*), MIN(id), MAX(id) FROM users WHERE id BETWEEN \(SessionSharding.idRange) GROUP BY name")[0].rows
            #expect(unordered.sorted { $0[0]! < $1[0]! } == expectedGroups)
            #expect(try c.query("SELECT name, COUNT(*) FROM users WHERE id BETWEEN \(SessionSharding.idRange) GROUP BY name ORDER BY name DESC LIMIT 1, 2")[0].rows
                    == perName.keys.sorted(by: >)[1...2].map { [$0, String(perName[$0]!.count)] })
        }
    }

    // MARK: Writes across shards

    @Test func updateAndDeleteWithoutKeySumAffectedRows() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ids = Array(SessionSharding.idLow..<(SessionSharding.idLow + 100))
            try c.execute("INSERT INTO users (id, name) VALUES " + ids.map { "(\($0), 'before')" }.joined(separator: ", "))
            let range = "id BETWEEN \(SessionSharding.idLow) AND \(SessionSharding.idLow + 49)"
            let perShard = try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE \(range)").mapValues { Int($0[0][0]!)! }
            #expect(perShard["s0"]! > 0 && perShard["s1"]! > 0, "the range spans both shards: \(perShard)")

            var r = try c.execute("UPDATE users SET name = 'renamed' WHERE \(range)")
            #expect(r.affectedRows == UInt64(perShard["s0"]! + perShard["s1"]!))
            #expect(r.affectedRows == 50)
            let renamed = try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE name = 'renamed' AND id BETWEEN \(SessionSharding.idRange)")
            #expect(renamed == ["s0": [[String(perShard["s0"]!)]], "s1": [[String(perShard["s1"]!)]]])
            #expect(try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE name = 'before' AND id BETWEEN \(SessionSharding.idRange)")
                .values.map { Int($0[0][0]!)! }.reduce(0, +) == 50)

            // Rows already changed are not counted again (affected, not matched, as MySQL reports them).
            r = try c.execute("UPDATE users SET name = 'renamed' WHERE \(range)")
            #expect(r.affectedRows == 0)

            // An UPDATE with the key goes to one shard.
            r = try c.execute("UPDATE users SET name = 'one' WHERE id = \(ids[60])")
            #expect(r.affectedRows == 1)

            r = try c.execute("DELETE FROM users WHERE name = 'renamed' AND id BETWEEN \(SessionSharding.idRange)")
            #expect(r.affectedRows == 50)
            #expect(try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE \(range)") == ["s0": [["0"]], "s1": [["0"]]])

            // DELETE with an IN list across shards: each shard deletes its own keys, the counts add up.
            let rest = Array(ids[50...])
            let restShards = try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE id BETWEEN \(SessionSharding.idRange)").mapValues { Int($0[0][0]!)! }
            #expect(restShards["s0"]! > 0 && restShards["s1"]! > 0)
            r = try c.execute("DELETE FROM users WHERE id IN (\(rest.map(String.init).joined(separator: ", ")))")
            #expect(r.affectedRows == UInt64(rest.count))
            #expect(try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE id BETWEEN \(SessionSharding.idRange)") == ["s0": [["0"]], "s1": [["0"]]])
        }
    }

    // MARK: Refusals

    @Test func refusalsAre1235AndTheSessionStaysUsable() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let s0 = try SessionSharding.ids(on: "s0", count: 1, using: ops)[0]
            let s1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            try c.execute("INSERT INTO users (id, name) VALUES (\(s0), 'zero'), (\(s1), 'one')")
            try c.execute("INSERT INTO orders (user_id, amount) VALUES (\(s0), 10.00), (\(s0), 20.00), (\(s1), 60.00)")

            // AVG across shards cannot be merged exactly from per-shard AVGs.
            SessionSharding.expectRefusal("AVG across shards") { _ = try c.query("SELECT AVG(amount) FROM orders WHERE user_id BETWEEN \(SessionSharding.idRange)") }
            #expect(try c.query("SELECT COUNT(*), SUM(amount) FROM orders WHERE user_id BETWEEN \(SessionSharding.idRange)")[0].rows == [["3", "90.00"]])
            // ...but on one shard it is the shard's own answer.
            #expect(try c.query("SELECT AVG(amount) FROM orders WHERE user_id = \(s0)")[0].rows == [["15.000000"]])

            // An UPDATE that changes the sharding key (the row would have to move).
            SessionSharding.expectRefusal("UPDATE of the key") { try c.execute("UPDATE users SET id = \(SessionSharding.idHigh) WHERE id = \(s0)") }
            SessionSharding.expectRefusal("UPDATE of the key, no WHERE key") { try c.execute("UPDATE users SET name = 'x', id = id + 1 WHERE name = 'zero' AND id BETWEEN \(SessionSharding.idRange)") }
            SessionSharding.expectRefusal("UPDATE of orders' key") { try c.execute("UPDATE orders SET user_id = \(s1) WHERE user_id = \(s0)") }
            #expect(try SessionSharding.direct("SELECT id, name FROM users WHERE id BETWEEN \(SessionSharding.idRange)")
                    == ["s0": [[String(s0), "zero"]], "s1": [[String(s1), "one"]]], "nothing changed")

            // An INSERT without the key column.
            SessionSharding.expectRefusal("INSERT without the key") { try c.execute("INSERT INTO users (name) VALUES ('nokey')") }
            SessionSharding.expectRefusal("INSERT into orders without the key") { try c.execute("INSERT INTO orders (amount) VALUES (1.00)") }
            #expect(try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE name = 'nokey'") == ["s0": [["0"]], "s1": [["0"]]])

            // The session is fine after every refusal.
            #expect(c.ping())
            #expect(try c.query("SELECT name FROM users WHERE id = \(s1)")[0].rows == [["one"]])
            #expect(try c.execute("UPDATE users SET name = 'uno' WHERE id = \(s1)").affectedRows == 1)
            #expect(try SessionSharding.direct("SELECT name FROM users WHERE id = \(s1)")["s1"] == [["uno"]])

            // EXPLAIN ROUTE of a refused statement: one row, NULL shard, the refusal as the reason.
            let refused = try SessionSharding.route(ops, "SELECT AVG(amount) FROM orders")
            #expect(refused.count == 1)
            #expect(refused.first?[0] == nil)
            #expect(refused.first?[4]?.hasPrefix("Sleet does not support") == true, "\(refused)")

            // The same refusals through the mariadb CLI.
            let avg = try sleet.cli(["-e", "SELECT AVG(id) FROM users WHERE id BETWEEN \(SessionSharding.idRange)", "app"])
            #expect(avg.status == 1)
            #expect(SessionSharding.cliError(avg.stderr)?.hasPrefix("ERROR 1235 (42000) at line 1: Sleet does not support") == true, "\(avg.stderr)")
            let script = try sleet.cli(["-N", "-B", "--force", "app"], stdin: """
                INSERT INTO users (name) VALUES ('cli');
                SELECT name FROM users WHERE id = \(s0);
                """)
            #expect(SessionSharding.cliError(script.stderr)?.hasPrefix("ERROR 1235 (42000) at line 1: Sleet does not support") == true, "\(script.stderr)")
            #expect(script.stdout == "zero\n", "the CLI session goes on after the refusal")
        }
    }

    // MARK: Reference tables

    @Test func referenceTableWritesReachEveryShard() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let insert = "INSERT INTO countries (code, name) VALUES ('QX', 'Qexland'), ('QY', 'Qyland')"
            #expect(try SessionSharding.route(ops, insert).map { $0[0] } == ["s0", "s1"])
            #expect(try SessionSharding.route(ops, "SELECT name FROM countries WHERE code = 'QX'").count == 1)

            #expect(try c.execute(insert).affectedRows == 2)
            let codes = "code IN ('QX', 'QY', 'QZ')"
            let both: [[String?]] = [["QX", "Qexland"], ["QY", "Qyland"]]
            #expect(try SessionSharding.direct("SELECT code, name FROM countries WHERE \(codes) ORDER BY code") == ["s0": both, "s1": both])
            #expect(try c.query("SELECT code, name FROM countries WHERE \(codes) ORDER BY code")[0].rows == both)

            #expect(try c.execute("UPDATE countries SET name = 'Qexia' WHERE code = 'QX'").affectedRows == 1)
            #expect(try SessionSharding.direct("SELECT name FROM countries WHERE code = 'QX'") == ["s0": [["Qexia"]], "s1": [["Qexia"]]])

            // A reference table joins a sharded table on whichever shard the key picks.
            let s1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            try c.execute("INSERT INTO users (id, name) VALUES (\(s1), 'QY')")
            #expect(try c.query("SELECT u.id, c.name FROM users u JOIN countries c ON c.code = u.name WHERE u.id = \(s1)")[0].rows
                    == [[String(s1), "Qyland"]])

            #expect(try c.execute("DELETE FROM countries WHERE code = 'QY'").affectedRows == 1)
            #expect(try SessionSharding.direct("SELECT code FROM countries WHERE \(codes)") == ["s0": [["QX"]], "s1": [["QX"]]])
        }
    }

    // MARK: DDL

    @Test func ddlOnShardedTablesRunsOnEveryShardAndElsewhereOnlyOnTheDefault() async throws {
        let sharded = SessionSharding.scratch("ddl")
        let local = SessionSharding.scratch("local")
        defer {
            for (_, port) in SessionSharding.primaries {
                if let d = try? Fleet.direct(port: port, database: "app") {
                    _ = try? d.execute("DROP TABLE IF EXISTS \(sharded), \(local)")
                    d.close()
                }
            }
        }
        try await SessionSharding.withSleet({ $0.tables.sharded[sharded] = ShardedTable(key: "id") }) { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            // The tables SessionSharding created through Sleet are on both primaries (checked there); and:
            #expect(try SessionSharding.tableExists("users") == ["s0": true, "s1": true])
            #expect(try SessionSharding.tableExists("countries") == ["s0": true, "s1": true])

            try c.execute("CREATE TABLE \(sharded) (id BIGINT NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB")
            #expect(try SessionSharding.tableExists(sharded) == ["s0": true, "s1": true])
            try c.execute("CREATE INDEX ix_v ON \(sharded) (v)")
            try c.execute("ALTER TABLE \(sharded) ADD COLUMN note VARCHAR(10)")
            #expect(try SessionSharding.direct("SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = '\(sharded)' AND INDEX_NAME = 'ix_v'")
                    == ["s0": [["1"]], "s1": [["1"]]])
            #expect(try SessionSharding.direct("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = '\(sharded)' AND COLUMN_NAME = 'note'")
                    == ["s0": [["1"]], "s1": [["1"]]])
            // The new table is sharded by id like users.
            let s0 = try SessionSharding.ids(on: "s0", count: 1, using: ops)[0]
            let s1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            #expect(try c.execute("INSERT INTO \(sharded) (id, v) VALUES (\(s0), 1), (\(s1), 2)").affectedRows == 2)
            #expect(try SessionSharding.direct("SELECT id FROM \(sharded)") == ["s0": [[String(s0)]], "s1": [[String(s1)]]])
            #expect(try c.query("SELECT SUM(v) FROM \(sharded)")[0].rows == [["3"]])

            // A table not listed lives whole on the default shard.
            try c.execute("CREATE TABLE \(local) (id INT PRIMARY KEY) ENGINE=InnoDB")
            #expect(try SessionSharding.tableExists(local) == ["s0": true, "s1": false])
            try c.execute("INSERT INTO \(local) VALUES (1), (2)")
            #expect(try c.query("SELECT COUNT(*) FROM \(local)")[0].rows == [["2"]])
            try c.execute("DROP TABLE \(local)")
            #expect(try SessionSharding.tableExists(local) == ["s0": false, "s1": false])

            try c.execute("DROP TABLE \(sharded)")
            #expect(try SessionSharding.tableExists(sharded) == ["s0": false, "s1": false])
        }
    }

    // MARK: Session state

    @Test func sessionStateFollowsTheSessionToEveryShard() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k0 = try SessionSharding.ids(on: "s0", count: 1, using: ops)[0]
            let k1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            try c.execute("INSERT INTO users (id, name) VALUES (\(k0), 'k0'), (\(k1), 'k1')")
            func on(_ key: Int, _ columns: String) throws -> [[String?]] {
                try c.query("SELECT \(columns), id FROM users WHERE id = \(key)")[0].rows
            }

            // Both shards' connections are open; the SET runs on s0 (the last one used).
            #expect(try on(k1, "name") == [["k1", String(k1)]])
            #expect(try on(k0, "name") == [["k0", String(k0)]])
            try c.execute("SET @v = 42")
            #expect(try on(k1, "@v") == [["42", String(k1)]], "the SET reached s1")
            #expect(try on(k0, "@v") == [["42", String(k0)]])
            try c.execute("SET @v = 43, @w = 'w'")
            #expect(try on(k0, "@v, @w") == [["43", "w", String(k0)]])
            #expect(try on(k1, "@v, @w") == [["43", "w", String(k1)]])

            // sql_mode: not the server default, the same on both shards.
            let defaultMode = try Fleet.direct(port: Fleet.s1Primary).query("SELECT @@session.sql_mode")[0].rows[0][0]
            let mode = "ANSI_QUOTES,NO_ENGINE_SUBSTITUTION"
            #expect(defaultMode != mode)
            try c.execute("SET SESSION sql_mode = '\(mode)'")
            #expect(try on(k0, "@@session.sql_mode") == [[mode, String(k0)]])
            #expect(try on(k1, "@@session.sql_mode") == [[mode, String(k1)]])

            // SET NAMES.
            try c.execute("SET NAMES latin1")
            #expect(try on(k1, "@@character_set_client, @@character_set_results, @@collation_connection") == [["latin1", "latin1", "latin1_swedish_ci", String(k1)]])
            #expect(try on(k0, "@@character_set_client, @@character_set_results, @@collation_connection") == [["latin1", "latin1", "latin1_swedish_ci", String(k0)]])
            try c.execute("SET NAMES utf8mb4")
            #expect(try on(k1, "@@character_set_client") == [["utf8mb4", String(k1)]])
            #expect(try on(k0, "@@character_set_client") == [["utf8mb4", String(k0)]])

            // A session whose first statement is a SET: a shard connection opened later gets it too.
            let fresh = try sleet.connect(database: "app")
            try fresh.execute("SET @first = 'early'")
            #expect(try fresh.query("SELECT @first, id FROM users WHERE id = \(k1)")[0].rows == [["early", String(k1)]])
            #expect(try fresh.query("SELECT @first, id FROM users WHERE id = \(k0)")[0].rows == [["early", String(k0)]])
        }
    }

    @Test func useOfAnotherDatabaseGoesToTheDefaultShard() async throws {
        let t = SessionSharding.scratch("use")
        defer { SessionSharding.dropTestTable(t) }
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k0 = try SessionSharding.ids(on: "s0", count: 1, using: ops)[0]
            let k1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            try c.execute("INSERT INTO users (id, name) VALUES (\(k0), 'k0'), (\(k1), 'k1')")
            try SessionSharding.createTestDatabase(c)

            // Both shards' connections are open, the last statement ran on s0.
            #expect(try c.query("SELECT name FROM users WHERE id = \(k1)")[0].rows == [["k1"]])
            #expect(try c.query("SELECT name FROM users WHERE id = \(k0)")[0].rows == [["k0"]])
            try c.execute("USE test")
            #expect(try c.query("SELECT DATABASE()")[0].rows == [["test"]])
            // An unlisted table, unqualified: test.<t> on s0.
            try c.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, v VARCHAR(10))")
            try c.execute("INSERT INTO \(t) VALUES (1, 'in test')")
            #expect(try c.query("SELECT v FROM \(t)")[0].rows == [["in test"]])
            #expect(try Fleet.direct(database: "test").query("SELECT v FROM \(t)")[0].rows == [["in test"]], "on s0's test database")
            #expect(try SessionSharding.tableExists(t, schema: "test") == ["s0": true, "s1": false])
            // Unqualified `users` now means test.users (on s0); app.users is still sharded.
            let missing = Functional.mysqlError { _ = try c.query("SELECT id FROM users WHERE id = \(k1)") }
            #expect(missing?.errno == 1146 && missing?.message == "Table 'test.users' doesn't exist", "\(String(describing: missing))")
            #expect(try c.query("SELECT name FROM app.users WHERE id = \(k1)")[0].rows == [["k1"]])
            #expect(try c.query("SELECT name FROM app.users WHERE id = \(k0)")[0].rows == [["k0"]])
            #expect(try c.query("SELECT v FROM \(t)")[0].rows == [["in test"]])

            try c.execute("USE app")
            #expect(try c.query("SELECT DATABASE()")[0].rows == [["app"]])
            #expect(try c.query("SELECT name FROM users WHERE id = \(k1)")[0].rows == [["k1"]])
            #expect(try c.query("SELECT name FROM users WHERE id = \(k0)")[0].rows == [["k0"]])
            let gone = Functional.mysqlError { _ = try c.query("SELECT v FROM \(t)") }
            #expect(gone?.errno == 1146, "\(String(describing: gone))")
            try c.execute("DROP TABLE test.\(t)")
            #expect(try SessionSharding.tableExists(t, schema: "test") == ["s0": false, "s1": false])

            // The mariadb CLI: `USE` in a script, then an unlisted table of that database.
            let cli = try sleet.cli(["-N", "-B"], stdin: """
                USE test;
                CREATE TABLE \(t) (id INT PRIMARY KEY);
                INSERT INTO \(t) VALUES (7);
                SELECT DATABASE(), id FROM \(t);
                USE app;
                SELECT name FROM users WHERE id = \(k0);
                DROP TABLE test.\(t);
                """)
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(cli.stdout == "test\t7\nk0\n")
        }
    }

    @Test()
    func useOfAnotherDatabaseAfterAStatementOnAnotherShard() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            try c.execute("INSERT INTO users (id, name) VALUES (\(k1), 'k1')")
            try SessionSharding.createTestDatabase(c)
            // The last statement ran on s1; `test` lives whole on s0 (SPEC.md: other databases go to default_shard).
            #expect(try c.query("SELECT name FROM users WHERE id = \(k1)")[0].rows == [["k1"]])
            let use = Functional.mysqlError { try c.execute("USE test") }
            #expect(use == nil, "USE test: \(String(describing: use))")
            #expect(try c.query("SELECT DATABASE()")[0].rows == [["test"]])
            try c.execute("USE app")
        }
    }

    @Test()
    func databaseIsTheSessionsAfterAStatementOnAnotherShard() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k0 = try SessionSharding.ids(on: "s0", count: 1, using: ops)[0]
            let k1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            try c.execute("INSERT INTO users (id, name) VALUES (\(k0), 'k0'), (\(k1), 'k1')")
            try SessionSharding.createTestDatabase(c)
            #expect(try c.query("SELECT name FROM users WHERE id = \(k0)")[0].rows == [["k0"]])
            try c.execute("USE test")
            #expect(try c.query("SELECT DATABASE()")[0].rows == [["test"]])
            #expect(try c.query("SELECT name FROM app.users WHERE id = \(k1)")[0].rows == [["k1"]])
            #expect(try c.query("SELECT DATABASE()")[0].rows == [["test"]], "the session is still in test")
            #expect(try c.query("SELECT DATABASE(), @@character_set_client")[0].rows == [["test", "utf8mb4"]])
            try c.execute("USE app")
            #expect(try c.query("SELECT DATABASE()")[0].rows == [["app"]])
        }
    }

    @Test()
    func repeatedSessionSetsAreEachReplayed() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k0 = try SessionSharding.ids(on: "s0", count: 1, using: ops)[0]
            let k1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            try c.execute("INSERT INTO users (id, name) VALUES (\(k0), 'k0'), (\(k1), 'k1')")
            _ = try c.query("SELECT id FROM users WHERE id = \(k0)")
            // The same text twice is two statements, not one.
            try c.execute("SET @c = 0")
            try c.execute("SET @c = @c + 1")
            try c.execute("SET @c = @c + 1")
            #expect(try c.query("SELECT @c, id FROM users WHERE id = \(k0)")[0].rows == [["2", String(k0)]])
            #expect(try c.query("SELECT @c, id FROM users WHERE id = \(k1)")[0].rows == [["2", String(k1)]])
        }
    }

    @Test func manySessionSetsAreAllReplayed() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            try c.execute("INSERT INTO users (id, name) VALUES (\(k1), 'k1')")
            // 300 distinct SETs before the session first reaches s1: every one still applies there.
            try c.execute("SET @first = 'kept'")
            for n in 0..<300 { try c.execute("SET @x\(n) = \(n)") }
            #expect(try c.query("SELECT @first, @x0, @x299, id FROM users WHERE id = \(k1)")[0].rows == [["kept", "0", "299", String(k1)]])
        }
    }

    // MARK: Transactions

    @Test func transactionsStayOnOneShardWhenCrossShardIsRejected() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k0 = try SessionSharding.ids(on: "s0", count: 3, using: ops)
            let k1 = try SessionSharding.ids(on: "s1", count: 2, using: ops)
            func present(_ id: Int) throws -> [String: Bool] {
                try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE id = \(id)").mapValues { $0 == [["1"]] }
            }

            try c.execute("BEGIN")
            try c.execute("INSERT INTO users (id, name) VALUES (\(k0[0]), 'rolled back')")
            #expect(try c.serverStatus() & Functional.statusInTransaction != 0)
            #expect(try c.query("SELECT name FROM users WHERE id = \(k0[0])")[0].rows == [["rolled back"]], "the transaction sees its row")
            #expect(try present(k0[0]) == ["s0": false, "s1": false], "nobody else does")
            try c.execute("ROLLBACK")
            #expect(try c.serverStatus() & Functional.statusInTransaction == 0)
            #expect(try present(k0[0]) == ["s0": false, "s1": false])

            try c.execute("BEGIN")
            try c.execute("INSERT INTO users (id, name) VALUES (\(k0[1]), 'committed')")
            SessionSharding.expectRefusal("a second shard in the transaction") {
                try c.execute("INSERT INTO users (id, name) VALUES (\(k1[0]), 'other shard')")
            }
            #expect(try c.query("SELECT @@in_transaction")[0].rows == [["1"]], "still in the transaction")
            #expect(try c.query("SELECT name FROM users WHERE id = \(k0[1])")[0].rows == [["committed"]])
            try c.execute("COMMIT")
            #expect(try present(k0[1]) == ["s0": true, "s1": false])
            #expect(try present(k1[0]) == ["s0": false, "s1": false])
            #expect(try c.serverStatus() & Functional.statusInTransaction == 0)

            // autocommit=0: the first write opens a transaction; a write on another shard is refused.
            try c.execute("SET autocommit = 0")
            try c.execute("INSERT INTO users (id, name) VALUES (\(k0[2]), 'autocommit off')")
            SessionSharding.expectRefusal("autocommit=0 and a second shard") {
                try c.execute("INSERT INTO users (id, name) VALUES (\(k1[1]), 'other shard')")
            }
            #expect(try present(k0[2]) == ["s0": false, "s1": false], "not committed yet")
            try c.execute("COMMIT")
            #expect(try present(k0[2]) == ["s0": true, "s1": false])
            #expect(try present(k1[1]) == ["s0": false, "s1": false])
            try c.execute("SET autocommit = 1")
            // Back to autocommit: statements on both shards are fine again.
            try c.execute("INSERT INTO users (id, name) VALUES (\(k1[1]), 'autocommit on')")
            #expect(try present(k1[1]) == ["s0": false, "s1": true])
        }
    }

    @Test()
    func rejectModeAlsoRefusesTransactionsThatSpanShardsFromTheirFirstStatement() async throws {
        try await SessionSharding.withSleet { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k0 = try SessionSharding.ids(on: "s0", count: 2, using: ops)
            let k1 = try SessionSharding.ids(on: "s1", count: 2, using: ops)
            let count = "SELECT COUNT(*) FROM users WHERE id BETWEEN \(SessionSharding.idRange)"

            // A multi-row INSERT whose rows go to both shards, inside a transaction.
            try c.execute("BEGIN")
            SessionSharding.expectRefusal("a two-shard INSERT in a transaction") {
                try c.execute("INSERT INTO users (id, name) VALUES (\(k0[0]), 'a'), (\(k1[0]), 'b')")
            }
            try c.execute("COMMIT")
            #expect(try SessionSharding.direct(count) == ["s0": [["0"]], "s1": [["0"]]])

            // A scatter read first, then a write on each shard: they must not both commit.
            try c.execute("BEGIN")
            var refused = 0
            for sql in [count, "INSERT INTO users (id, name) VALUES (\(k0[1]), 'c')", "INSERT INTO users (id, name) VALUES (\(k1[1]), 'd')"] {
                if let e = Functional.mysqlError({ _ = try c.query(sql) }) {
                    #expect(e.errno == 1235 && e.message.hasPrefix("Sleet does not support"), "\(sql): \(e)")
                    refused += 1
                }
            }
            try c.execute("COMMIT")
            #expect(refused >= 1, "one of the statements is refused")
            let after = try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE id IN (\(k0[1]), \(k1[1]))")
            #expect(!(after["s0"] == [["1"]] && after["s1"] == [["1"]]), "writes on both shards committed by one transaction: \(after)")
        }
    }

    @Test func bestEffortTransactionsSpanShards() async throws {
        try await SessionSharding.withSleet({ $0.routing.crossShardTransactions = .bestEffort }) { sleet in
            let c = try sleet.connect(database: "app")
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k0 = try SessionSharding.ids(on: "s0", count: 2, using: ops)
            let k1 = try SessionSharding.ids(on: "s1", count: 2, using: ops)
            let count = "SELECT COUNT(*) FROM users WHERE id BETWEEN \(SessionSharding.idRange)"

            try c.execute("BEGIN")
            try c.execute("INSERT INTO users (id, name) VALUES (\(k0[0]), 'a')")
            try c.execute("INSERT INTO users (id, name) VALUES (\(k1[0]), 'b')")
            #expect(try c.query(count)[0].rows == [["2"]], "the transaction sees both rows")
            #expect(try SessionSharding.direct(count) == ["s0": [["0"]], "s1": [["0"]]], "nobody else does yet")
            try c.execute("COMMIT")
            #expect(try SessionSharding.direct(count) == ["s0": [["1"]], "s1": [["1"]]])
            #expect(try c.serverStatus() & Functional.statusInTransaction == 0)

            try c.execute("START TRANSACTION")
            try c.execute("INSERT INTO users (id, name) VALUES (\(k1[1]), 'c')")
            try c.execute("INSERT INTO users (id, name) VALUES (\(k0[1]), 'd')")
            try c.execute("UPDATE users SET name = 'changed' WHERE id BETWEEN \(SessionSharding.idRange)")
            try c.execute("ROLLBACK")
            #expect(try SessionSharding.direct("SELECT id, name FROM users WHERE id BETWEEN \(SessionSharding.idRange)")
                    == ["s0": [[String(k0[0]), "a"]], "s1": [[String(k1[0]), "b"]]])
            #expect(try c.query(count)[0].rows == [["2"]])
        }
    }

    // MARK: Admin commands

    @Test func adminCommandsNeedTheAdminPrivilege() async throws {
        try await SessionSharding.withSleet { sleet in
            let app = try sleet.connect(database: "app")
            for sql in ["EXPLAIN ROUTE SELECT * FROM users WHERE id = 1", "SHOW PROXY SHARDS"] {
                let e = Functional.mysqlError { _ = try app.query(sql) }
                #expect(e?.errno == 1227 && e?.sqlState == "42000", "\(sql): \(String(describing: e))")
                #expect(e?.message.hasPrefix("Access denied; you need the admin privilege") == true, "\(String(describing: e))")
            }
            #expect(try app.query("SELECT 1")[0].rows == [["1"]])
            let cli = try sleet.cli(["-e", "SHOW PROXY SHARDS"])
            #expect(cli.status == 1)
            #expect(SessionSharding.cliError(cli.stderr)?.hasPrefix("ERROR 1227 (42000) at line 1: Access denied; you need the admin privilege") == true, "\(cli.stderr)")

            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let shards = try ops.query("SHOW PROXY SHARDS")[0]
            #expect(shards.columns == ["shard", "key_range", "primary", "replicas", "status"])
            #expect(shards.rows.map { Array($0.prefix(4)) } == [
                ["s0", "-80", SessionSharding.primaryAddress("s0"), SessionSharding.replicaAddress("s0")],
                ["s1", "80-", SessionSharding.primaryAddress("s1"), SessionSharding.replicaAddress("s1")],
            ])
            #expect(shards.rows.allSatisfy { ($0.last??.isEmpty ?? true) == false }, "a status for every shard: \(shards.rows)")
            let opsCLI = try sleet.cli(["-N", "-B", "-e", "SHOW PROXY SHARDS"], user: SleetInstance.opsUser, password: SleetInstance.opsPassword)
            #expect(opsCLI.status == 0, "\(opsCLI.stderr)")
            #expect(opsCLI.stdout.split(separator: "\n").map { $0.split(separator: "\t").first.map(String.init) } == ["s0", "s1"], "\(opsCLI.stdout)")

            // EXPLAIN ROUTE: a row per shard touched.
            let k1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            let point = try ops.query("EXPLAIN ROUTE SELECT * FROM users WHERE id = \(k1)")[0]
            #expect(point.columns == ["shard", "role", "backend", "statement", "reason"])
            #expect(point.rows.count == 1)
            if let row = point.rows.first {
                #expect(row[0] == "s1")
                #expect(row[1] == "primary" || row[1] == "replica", "\(row)")
                #expect(row[2] == (row[1] == "primary" ? SessionSharding.primaryAddress("s1") : SessionSharding.replicaAddress("s1")), "\(row)")
                #expect(row[3] == "SELECT * FROM users WHERE id = \(k1)")
                #expect(row[4]?.hasPrefix("users.id = \(k1) -> keyspace id 0x") == true && row[4]?.hasSuffix("-> s1 (80-)") == true, "\(row)")
            }
            let write = try ops.query("EXPLAIN ROUTE DELETE FROM users WHERE name = 'x'")[0].rows
            #expect(write.map { Array($0.prefix(4)) } == [
                ["s0", "primary", SessionSharding.primaryAddress("s0"), "DELETE FROM users WHERE name = 'x'"],
                ["s1", "primary", SessionSharding.primaryAddress("s1"), "DELETE FROM users WHERE name = 'x'"],
            ])
            let unsharded = try ops.query("EXPLAIN ROUTE SELECT * FROM some_local_table")[0].rows
            #expect(unsharded.map { $0[0] } == ["s0"])
            // EXPLAIN ROUTE does not run the statement.
            _ = try ops.query("EXPLAIN ROUTE INSERT INTO users (id, name) VALUES (\(k1), 'never')")
            #expect(try SessionSharding.direct("SELECT COUNT(*) FROM users WHERE id = \(k1)") == ["s0": [["0"]], "s1": [["0"]]])
        }
    }

    // MARK: sleet explain

    @Test func sleetExplainPrintsTheSameShardsAsExplainRoute() async throws {
        let path = NSTemporaryDirectory() + "sleet-sharding-\(UUID().uuidString).yaml"
        try SessionSharding.yaml().write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await SessionSharding.withSleet { sleet in
            let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword, database: "app")
            let k0 = try SessionSharding.ids(on: "s0", count: 1, using: ops)[0]
            let k1 = try SessionSharding.ids(on: "s1", count: 1, using: ops)[0]
            let statements = [
                "SELECT * FROM users WHERE id = \(k0)",
                "SELECT * FROM users WHERE id = \(k1)",
                "SELECT * FROM orders WHERE user_id IN (\(k0), \(k1))",
                "INSERT INTO users (id, name) VALUES (\(k1), 'a'), (\(k0), 'b')",
                "SELECT * FROM regions WHERE code = 'us'",
                "SELECT * FROM events WHERE ts = 1650000000",
                "INSERT INTO countries (code, name) VALUES ('QZ', 'z')",
                "SELECT COUNT(*) FROM users",
                "SELECT * FROM not_listed",
                "SELECT AVG(id) FROM users",
            ]
            for sql in statements {
                let viaSleet = try ops.query("EXPLAIN ROUTE \(sql)")[0].rows
                let r = try SleetCommandTests.run(["explain", "--config", path, sql])
                #expect(r.status == 0, "\(sql): \(r.stderr)")
                let table = SessionSharding.parseTable(r.stdout)
                #expect(table.header == ["shard", "role", "backend", "statement", "reason"], "\(r.stdout)")
                #expect(table.rows.map { $0.first } == viaSleet.map { $0[0] ?? "NULL" }, "\(sql)\n\(r.stdout)")
                #expect(table.rows.map { $0.count > 2 ? $0[2] : "" } == viaSleet.map { $0[2] ?? "NULL" }, "\(sql)\n\(r.stdout)")
            }
        }
    }
}
