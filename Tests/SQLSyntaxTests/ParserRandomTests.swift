import Testing
@testable import SQLSyntax

/// The parser never traps, never hangs and never overflows the stack: random bytes, random token
/// soup (seeded, so failures reproduce), and pathological nesting.
@Suite("Parser: random and pathological input")
struct ParserRandomTests {
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let soup: [String] = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "XOR", "NOT", "IN", "BETWEEN", "IS", "NULL", "TRUE", "LIKE", "ESCAPE",
        "UNION", "ALL", "DISTINCT", "INTERSECT", "EXCEPT", "JOIN", "LEFT", "RIGHT", "NATURAL", "CROSS", "STRAIGHT_JOIN",
        "ON", "USING", "GROUP", "BY", "ORDER", "DESC", "LIMIT", "OFFSET", "HAVING", "WITH", "RECURSIVE", "ROLLUP",
        "AS", "CASE", "WHEN", "THEN", "ELSE", "END", "EXISTS", "ANY", "INTERVAL", "DAY", "CAST", "CONVERT", "CHAR",
        "GROUP_CONCAT", "SEPARATOR", "COUNT", "SUM", "OVER", "PARTITION", "WINDOW", "FOR", "UPDATE", "SHARE", "LOCK",
        "MODE", "INTO", "OUTFILE", "DUAL", "INSERT", "REPLACE", "IGNORE", "VALUES", "VALUE", "ROW", "SET", "DUPLICATE",
        "KEY", "DEFAULT", "DELETE", "QUICK", "RETURNING", "CREATE", "TABLE", "TEMPORARY", "IF", "LIKE", "ALTER",
        "RENAME", "TO", "DROP", "TRUNCATE", "INDEX", "DATABASE", "VIEW", "EXPLAIN", "DESCRIBE", "FORMAT", "BEGIN",
        "WORK", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "START", "TRANSACTION", "READ", "ONLY", "XA", "SHOW",
        "CALL", "LOAD", "DATA", "TABLES", "UNLOCK", "KILL", "QUERY", "USE", "STATEMENT", "GLOBAL", "DIV", "MOD",
        "COLLATE", "BINARY", "MATCH", "AGAINST", "MEMBER", "OF", "SOUNDS", "DATE", "USE", "FORCE",
        "t", "u", "id", "a", "b", "`x y`", "`a``b`", "db", "_utf8mb4", "_utf8mb4'x'", "N'x'", "X'2A'", "0x2A", "b'1'",
        "(", "(", "(", ")", ")", ")", ",", ",", ";", ".", "*", "=", "<=>", "<>", "!=", "<", ">=", "+", "-", "~", "!",
        "||", "&&", ":=", "->", "->>", "|", "^", "%", "/", "?", "?", "@v", "@@global.x", "{", "}", "{d",
        "'", "\"", "`", "'x'", "'it''s'", "'a\\'b'", "\"q\"", "''", "1", "42", "-1", "1.5", ".5", "1e3", "007",
        "18446744073709551616", "/*", "*/", "/*!", "/*!50000", "/*M!100100", "/*+", "--", "-- ", "#", "\n", "\\",
    ]

    static func tokenSoup(_ g: inout SplitMix64) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 0...30, using: &g) {
            s += soup[Int.random(in: 0..<soup.count, using: &g)]
            if Int.random(in: 0..<5, using: &g) != 0 { s += " " }
        }
        return s
    }

    static func randomBytes(_ g: inout SplitMix64) -> [UInt8] {
        let n = Int.random(in: 0...48, using: &g)
        return (0..<n).map { _ in
            // Mostly printable ASCII (to reach the parser), sometimes anything.
            Int.random(in: 0..<4, using: &g) == 0 ? UInt8.random(in: 0...255, using: &g) : UInt8.random(in: 0x20...0x7E, using: &g)
        }
    }

    /// Parses and checks what can be checked of any result: ranges inside the text.
    static func parseAndCheck(bytes: [UInt8]) -> [Result<Statement, ParseError>] {
        let lexer = Lexer(bytes: bytes)
        let results = Parser.parseAll(tokens: lexer.tokens(), source: bytes)
        for r in results {
            switch r {
            case .success(let st): RangeCheck(bytes: bytes, strict: false).statement(st, sourceLocation: #_sourceLocation)
            case .failure(let e): #expect(e.offset >= 0 && e.offset <= bytes.count)
            }
        }
        return results
    }

    @Test func randomBytesNeverTrap() {
        var g = SplitMix64(state: 0x5EED_0001)
        var parsed = 0
        for _ in 0..<20_000 {
            let results = Self.parseAndCheck(bytes: Self.randomBytes(&g))
            #expect(!results.isEmpty)
            parsed += results.count { if case .success = $0 { true } else { false } }
        }
        #expect(parsed > 0)
    }

    @Test func tokenSoupNeverTraps() {
        var g = SplitMix64(state: 0x5EED_0002)
        var kinds = Set<String>()
        for _ in 0..<20_000 {
            let sql = Self.tokenSoup(&g)
            for r in Self.parseAndCheck(bytes: Array(sql.utf8)) {
                if case .success(let st) = r { kinds.insert(String(Render.statement(st).prefix(while: { $0 != " " }))) }
            }
        }
        // The soup reaches many statement kinds, not only errors.
        #expect(kinds.count >= 8, "\(kinds.sorted())")
    }

    /// SQL-shaped texts with random mutations (a token dropped, doubled or swapped): near misses.
    @Test func mutatedStatementsNeverTrap() {
        let seeds = [
            "SELECT a, COUNT(*) FROM t AS x JOIN u ON x.id = u.id WHERE x.id IN (1, 2) AND NOT b BETWEEN 1 AND 2 GROUP BY a HAVING COUNT(*) > 1 ORDER BY a DESC LIMIT 5, 10 FOR UPDATE",
            "WITH c AS (SELECT 1) (SELECT a FROM t UNION ALL SELECT b FROM (SELECT b FROM u) d) ORDER BY 1 LIMIT 3",
            "INSERT INTO t (a, b) VALUES (1, 'x'), (?, DEFAULT) AS n ON DUPLICATE KEY UPDATE b = VALUES(b)",
            "UPDATE a JOIN b ON a.id = b.id SET a.x = CASE WHEN b.y THEN 1 ELSE 2 END WHERE b.id = ? ORDER BY a.id LIMIT 1",
            "DELETE a FROM a JOIN b USING (id) WHERE a.k = CAST((SELECT MAX(k) FROM c) AS CHAR) AND d > NOW() - INTERVAL 1 DAY",
            "CREATE TABLE t (a INT, KEY (a)) SELECT * FROM u; ALTER TABLE t RENAME TO v; SET STATEMENT x = 1 FOR SELECT 1",
        ]
        var g = SplitMix64(state: 0x5EED_0003)
        for seed in seeds {
            let tokens = Lexer(seed).tokens()
            let bytes = Array(seed.utf8)
            for _ in 0..<500 {
                var ts = tokens.map { String(decoding: bytes[$0.offset..<($0.offset + $0.length)], as: UTF8.self) }
                for _ in 0..<Int.random(in: 1...3, using: &g) where !ts.isEmpty {
                    let k = Int.random(in: 0..<ts.count, using: &g)
                    switch Int.random(in: 0..<3, using: &g) {
                    case 0: ts.remove(at: k)
                    case 1: ts.insert(ts[k], at: k)
                    default: ts.swapAt(k, Int.random(in: 0..<ts.count, using: &g))
                    }
                }
                _ = Self.parseAndCheck(bytes: Array(ts.joined(separator: " ").utf8))
            }
        }
    }

    struct Pathological: Sendable, CustomTestStringConvertible {
        var name: String
        var sql: String
        /// nil: either outcome is fine, as long as it returns.
        var mustFail: Bool?
        var testDescription: String { name }
    }

    static func nested(_ n: Int, _ open: String, _ middle: String, _ close: String) -> String {
        String(repeating: open, count: n) + middle + String(repeating: close, count: n)
    }

    static let pathological: [Pathological] = [
        Pathological(name: "10,000 (", sql: String(repeating: "(", count: 10_000), mustFail: true),
        Pathological(name: "10,000 ( after SELECT", sql: "SELECT " + String(repeating: "(", count: 10_000), mustFail: true),
        Pathological(name: "balanced parentheses", sql: "SELECT " + nested(10_000, "(", "1", ")"), mustFail: true),
        Pathological(name: "parenthesized SELECTs", sql: nested(10_000, "(", "SELECT 1", ")"), mustFail: true),
        Pathological(name: "scalar subqueries", sql: "SELECT " + nested(5_000, "(SELECT ", "1", ")"), mustFail: true),
        Pathological(name: "IN subqueries", sql: "SELECT * FROM t WHERE id IN " + nested(3_000, "(SELECT id FROM t WHERE id IN ", "(1)", ")"), mustFail: true),
        Pathological(name: "derived tables", sql: "SELECT * FROM " + nested(3_000, "(SELECT * FROM ", "t", ") d"), mustFail: true),
        Pathological(name: "parenthesized table references", sql: "SELECT * FROM " + nested(10_000, "(", "t", ")"), mustFail: true),
        Pathological(name: "CTEs in CTEs", sql: nested(3_000, "WITH a AS (", "SELECT 1", ") SELECT 1"), mustFail: true),
        Pathological(name: "NOT NOT NOT", sql: "SELECT * FROM t WHERE " + String(repeating: "NOT ", count: 10_000) + "a = 1", mustFail: true),
        Pathological(name: "- - -", sql: "SELECT " + String(repeating: "- ", count: 10_000) + "1", mustFail: true),
        Pathological(name: "~~~", sql: "SELECT " + String(repeating: "~", count: 10_000) + "1", mustFail: true),
        Pathological(name: "!!!", sql: "SELECT " + String(repeating: "!", count: 10_000) + "1", mustFail: true),
        Pathological(name: "BINARY BINARY", sql: "SELECT " + String(repeating: "BINARY ", count: 10_000) + "'x'", mustFail: true),
        Pathological(name: "INTERVAL INTERVAL", sql: "SELECT " + String(repeating: "INTERVAL ", count: 10_000) + "1 DAY", mustFail: true),
        Pathological(name: "CASE in CASE", sql: "SELECT " + nested(5_000, "CASE WHEN ", "1", " THEN 1 END"), mustFail: true),
        Pathological(name: "EXISTS in EXISTS", sql: "SELECT " + nested(5_000, "EXISTS (SELECT ", "1", ")"), mustFail: true),
        Pathological(name: "EXPLAIN FORMAT=JSON", sql: String(repeating: "EXPLAIN FORMAT=JSON ", count: 10_000) + "SELECT 1", mustFail: nil),
        Pathological(name: "SET STATEMENT ... FOR", sql: String(repeating: "SET STATEMENT a = 1 FOR ", count: 10_000) + "SELECT 1", mustFail: true),
        Pathological(name: "IN lists in IN lists", sql: "SELECT * FROM t WHERE a IN " + nested(10_000, "(a IN ", "(1)", ")"), mustFail: true),
        Pathological(name: "unbalanced function calls", sql: "SELECT " + String(repeating: "f(", count: 10_000), mustFail: true),
        Pathological(name: "function calls", sql: "SELECT " + nested(10_000, "f(", "1", ")"), mustFail: nil),
        Pathological(name: "function calls with a bad argument", sql: "SELECT " + nested(10_000, "f(", "a b", ")"), mustFail: nil),
        // Recovery paths (skipping a function's arguments, retrying a parenthesized SELECT as an
        // expression) must not retry the same text exponentially.
        Pathological(name: "CAST of subqueries", sql: "SELECT " + nested(300, "CAST((SELECT ", "1", ") AS CHAR)"), mustFail: nil),
        Pathological(name: "CAST of subqueries, bad at the bottom", sql: "SELECT " + nested(300, "CAST((SELECT ", "1 FROM", ") AS CHAR)"), mustFail: true),
        Pathological(name: "function of subqueries, bad at the bottom", sql: "SELECT " + nested(300, "f(a b, (SELECT ", "1 FROM", "))"), mustFail: true),
        Pathological(name: "function of subqueries", sql: "SELECT " + nested(300, "f(a b, (SELECT ", "1", "))"), mustFail: nil),
        Pathological(name: "((SELECT) + 1)", sql: "SELECT " + nested(300, "((SELECT ", "1", ") + 1)"), mustFail: nil),
        Pathological(name: "GROUP_CONCAT of subqueries", sql: "SELECT " + nested(300, "GROUP_CONCAT((SELECT ", "1 FROM", "))"), mustFail: true),
        // Moderate nesting, as real queries have it, parses (in debug builds too, whose frames are larger).
        Pathological(name: "15 levels of parentheses", sql: "SELECT * FROM t WHERE " + nested(15, "(", "a = 1", " AND b = 2)"), mustFail: false),
        Pathological(name: "6 nested subqueries", sql: "SELECT " + nested(6, "(SELECT ", "1", ")"), mustFail: false),
        Pathological(name: "6 nested IN subqueries", sql: "SELECT * FROM t WHERE id IN " + nested(6, "(SELECT id FROM t WHERE id IN ", "(1)", ")"), mustFail: false),
        Pathological(name: "6 nested derived tables", sql: "SELECT * FROM " + nested(6, "(SELECT * FROM ", "t", ") d"), mustFail: false),
        Pathological(name: "10 nested parenthesized SELECTs", sql: nested(10, "(", "SELECT 1", ")"), mustFail: false),
        // Long but flat: fine.
        Pathological(name: "long AND chain", sql: "SELECT * FROM t WHERE " + String(repeating: "a = 1 AND ", count: 10_000) + "b = 2", mustFail: false),
        Pathological(name: "long UNION chain", sql: "SELECT 1" + String(repeating: " UNION SELECT 1", count: 5_000), mustFail: false),
        Pathological(name: "long IN list", sql: "SELECT * FROM t WHERE id IN (" + (0..<20_000).map(String.init).joined(separator: ",") + ")", mustFail: false),
        Pathological(name: "many VALUES rows", sql: "INSERT INTO t VALUES " + Array(repeating: "(1, 'x', ?)", count: 10_000).joined(separator: ","), mustFail: false),
        Pathological(name: "many statements", sql: String(repeating: "SELECT 1;", count: 10_000), mustFail: false),
        Pathological(name: "many placeholders", sql: "SELECT * FROM t WHERE id IN (" + Array(repeating: "?", count: 20_000).joined(separator: ",") + ")", mustFail: false),
        Pathological(name: "ODBC braces", sql: "SELECT " + String(repeating: "{", count: 10_000), mustFail: true),
    ]

    @Test(arguments: pathological) func pathologicalInputReturns(_ p: Pathological) {
        let clock = ContinuousClock()
        let start = clock.now
        let results = Parser.parseAll(p.sql)
        let elapsed = clock.now - start
        #expect(!results.isEmpty)
        if let mustFail = p.mustFail {
            let failed = results.contains { if case .failure = $0 { true } else { false } }
            #expect(failed == mustFail)
        }
        // Generous (debug build, busy machine); an exponential retry would take forever.
        #expect(elapsed < .seconds(10), "\(p.name) took \(elapsed)")
    }

    @Test func placeholdersInALongListAreNumberedInOrder() throws {
        let sql = "SELECT * FROM t WHERE id IN (" + Array(repeating: "?", count: 5_000).joined(separator: ",") + ")"
        guard case .success(.select(let s)) = Parser.parse(sql), case .inList(_, let items, _, _, _)? = s.whereClause else {
            Issue.record("did not parse"); return
        }
        #expect(items == (0..<5_000).map { Expr.placeholder($0) })
    }
}
