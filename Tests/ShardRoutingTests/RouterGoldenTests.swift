import Foundation
import Testing
import SQLSyntax
import SleetConfig
@testable import ShardRouting

/// The fleet every router test plans against: two shards, the SPEC's tables, and a reference table.
enum RouterFixture {
    static let s0 = HostPort(host: "127.0.0.1", port: 23306)
    static let s1 = HostPort(host: "127.0.0.1", port: 23316)

    static func config(scatter: Routing.Scatter = .allow,
                       crossShardTransactions: Routing.CrossShardTransactions = .reject) -> SleetConfig {
        SleetConfig(
            path: "router-fixture.yaml",
            listen: HostPort(host: "127.0.0.1", port: 3307),
            database: "app",
            backend: BackendSettings(user: "sleet"),
            shards: [
                Shard(name: "s0", keyRange: KeyRange(parsing: "-80")!, primary: s0),
                Shard(name: "s1", keyRange: KeyRange(parsing: "80-")!, primary: s1),
            ],
            tables: Tables(
                defaultShard: "s0",
                sharded: [
                    "users": ShardedTable(key: "id"),
                    "orders": ShardedTable(key: "user_id"),
                    "regions": ShardedTable(key: "code", vindex: .list(["eu": "s0", "us": "s1", "apac": "s1"])),
                    "events": ShardedTable(key: "ts", vindex: .range([
                        .init(shard: "s0", lower: nil, upper: 1_700_000_000),
                        .init(shard: "s1", lower: 1_700_000_000, upper: nil),
                    ])),
                ],
                reference: ["countries"]),
            routing: Routing(crossShardTransactions: crossShardTransactions, scatter: scatter))
    }

    static let router = Router(config: config())

    /// One EXPLAIN ROUTE row as a golden line: cells joined by ` | `, NULL for nil.
    static func line(_ row: [String?]) -> String {
        row.map { $0 ?? "NULL" }.joined(separator: " | ")
    }
}

/// Golden files in the style of Vitess's planbuilder testdata: `Golden/*.txt` hold blocks of
///
///     @db=test            (optional: the session database; default `app`, `@db=NULL` for none)
///     > SQL               (one line)
///     EXPLAIN ROUTE rows, one per line, cells joined by ` | `, NULL for nil
///     (blank line)
///
/// Lines starting with `#` between blocks are comments. `SLEET_GOLDEN_UPDATE=1 swift test --filter
/// RouterGoldenTests` rewrites the files from the planner's current output: review the diff.
@Suite struct RouterGoldenTests {
    struct Block {
        var comments: [String]
        var database: String?
        var sql: String
        var expected: [String]
        var line: Int
    }

    struct GoldenFile {
        var blocks: [Block]
        var trailingComments: [String]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static let files = [
        "single.txt", "in_lists.txt", "insert.txt", "scatter_merge.txt", "update_delete.txt", "reference.txt",
        "ddl.txt", "joins.txt", "subqueries.txt", "vindex_list.txt", "vindex_range.txt", "unsharded_default.txt",
        "session_and_misc.txt", "hints_multistatement.txt", "adversarial.txt",
    ]

    static func parse(_ text: String, name: String) throws -> GoldenFile {
        var blocks: [Block] = []
        var comments: [String] = []
        var database: String? = "app"
        var current: Block?
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (n, raw) in lines.enumerated() {
            let lineNo = n + 1
            if var b = current {
                if raw.isEmpty {
                    blocks.append(b)
                    current = nil
                    database = "app"
                } else {
                    b.expected.append(raw)
                    current = b
                }
                continue
            }
            if raw.isEmpty { continue }
            if raw.hasPrefix("#") { comments.append(raw); continue }
            if raw.hasPrefix("@db=") {
                let v = String(raw.dropFirst(4))
                database = v == "NULL" ? nil : v
                continue
            }
            if raw.hasPrefix("> ") {
                current = Block(comments: comments, database: database, sql: String(raw.dropFirst(2)), expected: [], line: lineNo)
                comments = []
                continue
            }
            throw GoldenError(message: "\(name):\(lineNo): expected `> SQL`, `@db=`, `#` or a blank line, got \(raw)")
        }
        if let b = current { blocks.append(b) }
        return GoldenFile(blocks: blocks, trailingComments: comments)
    }

    struct GoldenError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func render(_ file: GoldenFile, actual: [[String]]) -> String {
        var out = ""
        for (b, rows) in zip(file.blocks, actual) {
            for c in b.comments { out += c + "\n" }
            if b.database != "app" { out += "@db=\(b.database ?? "NULL")\n" }
            out += "> \(b.sql)\n"
            for r in rows { out += r + "\n" }
            out += "\n"
        }
        for c in file.trailingComments { out += c + "\n" }
        return out
    }

    static func compute(_ b: Block) -> [String] {
        RouterFixture.router.explainRows(sql: b.sql, database: b.database).map(RouterFixture.line)
    }

    @Test(arguments: files)
    func golden(_ name: String) throws {
        let url = Self.directory.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let file = try Self.parse(text, name: name)
        #expect(!file.blocks.isEmpty, "\(name) has no statements")
        let actual = file.blocks.map(Self.compute)
        if ProcessInfo.processInfo.environment["SLEET_GOLDEN_UPDATE"] == "1" {
            try Self.render(file, actual: actual).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        for (b, rows) in zip(file.blocks, actual) {
            #expect(rows == b.expected, """
                \(name):\(b.line): \(b.sql)
                expected:
                \(b.expected.joined(separator: "\n"))
                actual:
                \(rows.joined(separator: "\n"))
                """)
            // Every SQL line is one statement (no embedded newlines) and every block has rows.
            #expect(!rows.isEmpty)
        }
    }

    @Test func goldenFilesAreListedAndLargeEnough() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".txt") }
        #expect(Set(present) == Set(Self.files), "every Golden/*.txt is run, and every listed file exists")
        var total = 0
        var sqls: [String: String] = [:]
        for name in Self.files {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
            let file = try Self.parse(text, name: name)
            total += file.blocks.count
            for b in file.blocks {
                let key = "\(b.database ?? "NULL")\u{0}\(b.sql)"
                #expect(sqls[key] == nil, "\(b.sql) is in both \(sqls[key] ?? "") and \(name)")
                sqls[key] = name
            }
        }
        #expect(total >= 150, "only \(total) golden statements")
    }

    /// The golden rows are the same as the plan they print (no drift between `plan` and `explainRows`).
    @Test func explainRowsMatchPlans() throws {
        for name in Self.files {
            let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
            for b in try Self.parse(text, name: name).blocks {
                let rows = RouterFixture.router.explainRows(sql: b.sql, database: b.database)
                do {
                    let plan = try RouterFixture.router.plan(sql: b.sql, database: b.database)
                    #expect(rows.count == plan.targets.count, "\(b.sql)")
                    #expect(rows.map { $0[0] } == plan.targets.map(\.shard), "\(b.sql)")
                    #expect(Set(plan.targets.map(\.shard)).count == plan.targets.count, "a shard twice: \(b.sql)")
                    if plan.targets.count > 1 { #expect(plan.combine != .forward, "\(b.sql)") }
                } catch {
                    #expect(rows.count == 1 && rows[0][0] == nil && rows[0][4] == error.description, "\(b.sql)")
                    #expect(error.description.hasPrefix("Sleet does not support "))
                }
            }
        }
    }
}
