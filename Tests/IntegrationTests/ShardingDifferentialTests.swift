import Foundation
import MySQLControl
import MySQLWire
import SleetConfig
import Testing
import TestSupport

extension ShardingSuites {
    /// Differential test of routing and merging: one deterministic data set loaded into an unsharded
    /// database on one server (`sleet_diff` on s0, directly) and into the sharded fleet through Sleet
    /// (`app`: dusers/dorders sharded, dcountries a reference table). Every SELECT of the corpus runs on
    /// both; Sleet must give the single server's answer exactly, or refuse with error 1235. Never a
    /// different answer.
    @Suite(.enabled(if: Fleet.shouldRun), .serialized)
    struct ShardingDifferentialTests {
        static let directDatabase = "sleet_diff"
        static let minimumAnswered = 150

        @Test func sleetAnswersEveryCorpusSelectLikeOneServerOrRefuses() async throws {
            try Fleet.require()
            let data = ShardingDataSet.generate()
            let corpus = ShardingCorpus.statements(for: data)
            let bugs = ShardingCorpus.knownBugs(for: data)
            #expect(corpus.count >= 200, "the corpus has \(corpus.count) statements")
            try await SleetInstance.with(Sharding.configure) { sleet in
                try await Sharding.blocking {
                    // SLEET_KEEP_SHARDING_TABLES=1 keeps the data (both sides) for a look afterwards.
                    defer {
                        if ProcessInfo.processInfo.environment["SLEET_KEEP_SHARDING_TABLES"] != "1" {
                            Sharding.dropTables()
                            if let admin = try? Fleet.direct() { _ = try? admin.execute("DROP DATABASE IF EXISTS \(Self.directDatabase)"); admin.close() }
                        }
                    }
                    let (direct, through) = try Self.load(data, sleet: sleet)
                    defer { direct.close(); through.close() }

                    var answered: [String: Int] = [:]
                    var refused: [String: Int] = [:]
                    var reasons: [String: Int] = [:]
                    var refusedStatements: [String] = []
                    var mismatches = 0
                    for entry in corpus {
                        switch try Self.run(entry, direct: direct, through: through, sleet: sleet) {
                        case .same:
                            answered[entry.category, default: 0] += 1
                        case .refused(let why):
                            refused[entry.category, default: 0] += 1
                            reasons[Self.shortReason(why), default: 0] += 1
                            refusedStatements.append("\(entry)\n      -> \(why)")
                        case .differs(let report):
                            mismatches += 1
                            Issue.record("Sleet answered differently from one server (category \(entry.category)):\n\(report)")
                        }
                    }

                    // Known bugs: each must still mismatch (or be refused); one that now matches goes back to the corpus.
                    var bugOutcomes: [String] = []
                    for entry in bugs {
                        switch try Self.run(entry, direct: direct, through: through, sleet: sleet) {
                        case .same:
                            Issue.record("known bug now answered correctly; move it back to ShardingCorpus.statements: \(entry)")
                        case .refused(let why):
                            bugOutcomes.append("refused (\(Self.shortReason(why))): \(entry)")
                        case .differs:
                            bugOutcomes.append("still differs: \(entry)")
                        }
                    }

                    // Statements that have crashed Sleet: against a subprocess.
                    var process = try ShardedSleetProcess.start()
                    defer { process.stop() }
                    for sql in ShardingCorpus.processKillers {
                        let entry = CorpusEntry(category: "process-killer", sql: sql, compare: .ordered)
                        let c = try process.connect(database: Fleet.database)
                        defer { c.close() }
                        do {
                            switch try Self.run(entry, direct: direct, through: c, sleet: sleet) {
                            case .same: answered[entry.category, default: 0] += 1
                            case .refused(let why):
                                refused[entry.category, default: 0] += 1
                                refusedStatements.append("\(entry)\n      -> \(why)")
                            case .differs(let report):
                                mismatches += 1
                                Issue.record("Sleet answered differently from one server (category \(entry.category)):\n\(report)")
                            }
                        } catch {
                            Issue.record("the sleet process failed on \(sql): \(error)")
                        }
                        if !process.waitForExit(seconds: 0.2) { continue }
                        Issue.record("this statement kills sleet (exit status \(process.process.terminationStatus)): \(sql)")
                        process = try ShardedSleetProcess.start()
                    }

                    let answeredTotal = answered.values.reduce(0, +)
                    let refusedTotal = refused.values.reduce(0, +)
                    var summary = "sharding differential: \(answeredTotal + refusedTotal + mismatches) statements, \(answeredTotal) answered exactly, "
                        + "\(refusedTotal) refused (1235), \(mismatches) different; \(bugs.count) known bugs\n"
                    for category in Set(answered.keys).union(refused.keys).sorted() {
                        summary += "  \(category): \(answered[category] ?? 0) answered, \(refused[category] ?? 0) refused\n"
                    }
                    summary += "  refusals:\n"
                    for (why, n) in reasons.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                        summary += "    \(n) x \(why)\n"
                    }
                    summary += "  refused statements:\n"
                    for line in refusedStatements { summary += "    \(line)\n" }
                    for line in bugOutcomes { summary += "  known bug \(line)\n" }
                    print(summary, terminator: "")
                    #expect(answeredTotal >= Self.minimumAnswered, "only \(answeredTotal) statements answered (the rest refused)")
                }
            }
        }

        // MARK: Loading

        /// Loads `data` into `sleet_diff` on s0 (directly) and into the fleet through Sleet; returns a
        /// direct connection to `sleet_diff` and a connection through Sleet to `app`.
        static func load(_ data: ShardingDataSet, sleet: SleetInstance) throws -> (MySQLConnection, MySQLConnection) {
            let inserts = data.insertStatements()

            let admin = try Fleet.direct()
            try admin.execute("DROP DATABASE IF EXISTS \(directDatabase)")
            try admin.execute("CREATE DATABASE \(directDatabase) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
            admin.close()
            let direct = try Fleet.direct(database: directDatabase)
            for sql in ShardingDataSet.createStatements + inserts { try direct.execute(sql) }

            Sharding.dropTables()
            let through = try sleet.connect(database: Fleet.database)
            for sql in ShardingDataSet.createStatements { try through.execute(sql) }
            for sql in inserts { try through.execute(sql) }

            // The load landed as it should: reference rows on every shard, sharded rows split with none lost.
            var counts: [String: [Int]] = [:]
            for port in [Fleet.s0Primary, Fleet.s1Primary] {
                let d = try Fleet.direct(port: port, database: Fleet.database)
                for t in Sharding.tables {
                    counts[t, default: []].append(Int(try d.query("SELECT COUNT(*) FROM \(t)")[0].rows[0][0] ?? "") ?? -1)
                }
                d.close()
            }
            #expect(counts["dcountries"] == [data.countries.count, data.countries.count])
            for (t, n) in [("dusers", data.users.count), ("dorders", data.orders.count)] {
                let c = counts[t] ?? []
                #expect(c.reduce(0, +) == n && c.allSatisfy { $0 > 0 }, "\(t) rows per shard: \(c), \(n) inserted")
            }
            return (direct, through)
        }

        // MARK: Comparing

        enum Outcome {
            case same
            case refused(String)
            case differs(String)
        }

        /// Runs one statement on both sides and compares the answers as the entry says. An entry with
        /// session setup gets a fresh pair of connections.
        static func run(_ entry: CorpusEntry, direct: MySQLConnection, through: MySQLConnection, sleet: SleetInstance) throws -> Outcome {
            guard entry.setup.isEmpty else {
                let d = try Fleet.direct(database: directDatabase)
                let t = try sleet.connect(database: Fleet.database)
                defer { d.close(); t.close() }
                for sql in entry.setup {
                    try d.execute(sql)
                    try t.execute(sql)
                }
                var plain = entry
                plain.setup = []
                switch try run(plain, direct: d, through: t, sleet: sleet) {
                case .differs(let report): return .differs("session: \(entry.setup.joined(separator: "; "))\n  " + report)
                case let other: return other
                }
            }
            let expected: ResultSet
            do {
                expected = try single(direct.query(entry.sql))
            } catch {
                // The corpus must be valid SQL for one server.
                Issue.record("corpus statement fails on one server: \(entry.sql)\n  \(error)")
                return .same
            }
            let got: ResultSet
            do {
                got = try single(through.query(entry.sql))
            } catch let e as MySQLClientError where e.errno == 1235 {
                guard e.sqlState == "42000", e.message.hasPrefix("Sleet does not support") else {
                    return .differs("SQL: \(entry.sql)\n  error 1235 of an unexpected form: \(e)")
                }
                return .refused(e.message)
            } catch {
                return .differs("SQL: \(entry.sql)\n  expected: \(render(expected))\n  got error: \(error)")
            }
            if got.columns != expected.columns {
                return .differs("SQL: \(entry.sql)\n  expected columns \(expected.columns)\n  got columns \(got.columns)")
            }
            let want = expected.rows.map { key($0, entry.folded) }
            let have = got.rows.map { key($0, entry.folded) }
            var problem: String?
            switch entry.compare {
            case .ordered:
                if want != have { problem = listDifference(want, have) }
            case .unordered:
                if want.sorted() != have.sorted() { problem = multisetDifference(want, have) }
            case .orderedBy(let columns, let among):
                let wantKeys = expected.rows.map { row in key(columns.map { row[$0] }, Set(columns.indices.filter { entry.folded.contains(columns[$0]) })) }
                let haveKeys = got.rows.map { row in key(columns.map { row[$0] }, Set(columns.indices.filter { entry.folded.contains(columns[$0]) })) }
                if wantKeys != haveKeys {
                    problem = "the ORDER BY columns \(columns) differ: " + listDifference(wantKeys, haveKeys)
                } else if let among {
                    problem = try membership(have, count: want.count, among: among, direct: direct, folded: entry.folded)
                } else if want.sorted() != have.sorted() {
                    problem = multisetDifference(want, have)
                }
            case .sample(let among):
                problem = try membership(have, count: want.count, among: among, direct: direct, folded: entry.folded)
            }
            guard let problem else { return .same }
            return .differs("SQL: \(entry.sql)\n  \(problem)\n  expected (\(expected.rows.count) rows): \(render(expected))\n  got (\(got.rows.count) rows): \(render(got))")
        }

        static func single(_ results: [ResultSet]) throws -> ResultSet {
            guard results.count == 1, let r = results.first, r.isResultSet else {
                throw DifferentialError("expected one result set, got \(results.count) results")
            }
            return r
        }

        /// `have` has `count` rows, each one of the rows `among` returns on the single server (as a multiset).
        static func membership(_ have: [String], count: Int, among: String, direct: MySQLConnection, folded: Set<Int>) throws -> String? {
            if have.count != count { return "expected \(count) rows, got \(have.count)" }
            var pool: [String: Int] = [:]
            for row in try single(direct.query(among)).rows { pool[key(row, folded), default: 0] += 1 }
            for row in have {
                guard let n = pool[row], n > 0 else { return "row \(display(row)) is not one of the rows of \(among) (or is there fewer times)" }
                pool[row] = n - 1
            }
            return nil
        }

        /// A row as one comparable string; NULL is distinct from every string.
        static func key(_ row: [String?], _ folded: Set<Int>) -> String {
            row.enumerated().map { i, v in
                guard let v else { return "\u{0}NULL" }
                return folded.contains(i) ? fold(v) : v
            }.joined(separator: "\u{1F}")
        }

        /// utf8mb4_general_ci equality, closely enough for the corpus's names: case and accents
        /// folded, trailing spaces ignored (PAD SPACE).
        static func fold(_ s: String) -> String {
            var f = s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            while f.hasSuffix(" ") { f.removeLast() }
            return f
        }

        static func display(_ key: String) -> String {
            "(" + key.split(separator: "\u{1F}", omittingEmptySubsequences: false)
                .map { $0 == "\u{0}NULL" ? "NULL" : "'\($0)'" }.joined(separator: ", ") + ")"
        }

        static func listDifference(_ want: [String], _ have: [String]) -> String {
            if let i = zip(want, have).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                return "first difference at row \(i + 1): expected \(display(want[i])), got \(display(have[i]))"
            }
            return "expected \(want.count) rows, got \(have.count)"
        }

        static func multisetDifference(_ want: [String], _ have: [String]) -> String {
            var counts: [String: Int] = [:]
            for w in want { counts[w, default: 0] += 1 }
            for h in have { counts[h, default: 0] -= 1 }
            let missing = counts.filter { $0.value > 0 }.keys.sorted().prefix(10).map(display)
            let extra = counts.filter { $0.value < 0 }.keys.sorted().prefix(10).map(display)
            return "as multisets: \(want.count) rows expected, \(have.count) got; missing \(missing), unexpected \(extra)"
        }

        /// At most 12 rows, for reports.
        static func render(_ r: ResultSet) -> String {
            let rows = r.rows.prefix(12).map { "(" + $0.map { $0.map { "'\($0)'" } ?? "NULL" }.joined(separator: ", ") + ")" }
            return "\(r.columns) " + rows.joined(separator: " ") + (r.rows.count > 12 ? " ..." : "")
        }

        /// The refusal's reason without the statement-specific values, for the summary.
        static func shortReason(_ message: String) -> String {
            var s = message.hasPrefix("Sleet does not support ") ? String(message.dropFirst("Sleet does not support ".count)) : message
            if let paren = s.firstIndex(of: "(") { s = String(s[..<paren]) }
            return s.trimmingCharacters(in: .whitespaces)
        }
    }
}

/// The built `sleet` binary as a subprocess with the sharding suites' config (both shards' primaries).
final class ShardedSleetProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let configPath: String

    /// Starts the binary on a random port; a port someone else holds makes it exit, so try a few.
    static func start() throws -> ShardedSleetProcess {
        var lastError: Error?
        for _ in 0..<4 {
            do { return try startOnce() } catch { lastError = error }
        }
        throw lastError!
    }

    static func startOnce() throws -> ShardedSleetProcess {
        let port = 40000 + Int.random(in: 0..<5000)
        let path = NSTemporaryDirectory() + "sleet-sharding-\(UUID().uuidString).yaml"
        let hash = AuthScramble.nativePasswordHash(password: SleetInstance.appPassword)
        let yaml = """
            listen: 127.0.0.1:\(port)
            database: \(Fleet.database)
            backend: { user: \(Fleet.user), password: "\(Fleet.password)" }
            shards:
              - { name: s0, key_range: "-80", primary: \(Fleet.host):\(Fleet.s0Primary) }
              - { name: s1, key_range: "80-", primary: \(Fleet.host):\(Fleet.s1Primary) }
            tables:
              default_shard: s0
              sharded: { dusers: { key: id }, dorders: { key: user_id } }
              reference: [dcountries]
            plugins:
              auth_file:
                users: [ { user: \(SleetInstance.appUser), password_hash: "\(hash)" } ]
            """
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = try SleetProcess.binary()
        p.arguments = ["serve", "--config", path, "--log-level", "critical"]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let sp = ShardedSleetProcess(process: p, port: port, configPath: path)
        for _ in 0..<400 {
            if let c = try? sp.connect() {
                c.close()
                return sp
            }
            if !p.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        sp.stop()
        throw DifferentialError("sleet did not start listening on \(port)")
    }

    init(process: Process, port: Int, configPath: String) { self.process = process; self.port = port; self.configPath = configPath }

    func connect(database: String? = nil) throws -> MySQLConnection {
        try MySQLConnection(host: "127.0.0.1", port: port, user: SleetInstance.appUser, password: SleetInstance.appPassword,
                            database: database, connectTimeoutSeconds: 2, readTimeoutSeconds: 10)
    }

    /// Whether the process has exited within `seconds`.
    func waitForExit(seconds: Double) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return !process.isRunning
    }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: configPath)
    }
}

struct DifferentialError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
