import Testing
@testable import SQLSyntax

/// Seeded random input (failures reproduce): the lexer, classifier, SleetHints and Digest never trap
/// or hang, and every token lies inside the input with strictly increasing, non-overlapping ranges.
@Suite("Random SQL never traps")
struct RandomSQLTests {
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

    /// Fragments that steer random text into the lexer's tricky paths.
    static let fragments = [
        "SELECT", "select", "USE", "KILL", "QUERY", "@@version", "VERSION()", "CONNECTION_ID()", "AS", ",", ";",
        "'", "\"", "`", "\\", "--", "-- ", "#", "/*", "*/", "/*!", "/*!50700", "/*+", "0x", "0b", "X'", "b'", "_utf8mb4'",
        "1e", "1.5E-", ".", "?", "@", "@@", ":=", "<=>", "!=", "->", "\n", " ", "\t", "é", "✓", "\u{0}", "(", ")", "FROM",
    ]

    /// The vocabulary of "token soup": keywords, quotes, backticks, comment openers and closers,
    /// parentheses, operators, numbers and literals, joined with or without spaces.
    static let vocabulary = [
        "SELECT", "select", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "INSERT", "INTO", "VALUES",
        "UPDATE", "SET", "DELETE", "JOIN", "ON", "AS", "ORDER", "BY", "LIMIT", "CASE", "WHEN", "THEN", "ELSE", "END",
        "COUNT", "t", "t1", "a", "b", "db", "Name", "`x`", "`a``b`", "`", "``", "'", "''", "'x'", "'it''s'", "'a\\'b'",
        "\"", "\"y\"", "\\", "_utf8mb4'", "_binary", "N'", "N'n'", "X'", "x'1F'", "b'", "b'01'", "0x", "0x1F", "0b101",
        "/*", "*/", "/*!", "/*!50700", "/*M!", "/*M!100100", "/*+", "/* sleet:primary */", "/* sleet:", "sleet:",
        "--", "-- ", "#", "\n", "(", ")", "((", "))", ",", ";", ".", "*", "+", "-", "/", "%", "=", "<", ">", "<=>",
        "<=", ">=", "<>", "!=", ":=", "||", "&&", "<<", ">>", "->", "->>", "!", "~", "^", "|", "&", "?", "@", "@@",
        "@v", "@@session.sql_mode", "@'q'", "0", "1", "42", "1.5", ".5", "1e3", "1.5E-3", "1.", "1abc", "-1", "é", "✓",
        "IN (1, 2)", "(?, ?)", "VALUES (1, 'a'), (2, 'b')", "(-1,", "'x')", ", 3)",
    ]

    static func randomSQL(_ g: inout SplitMix64) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 0...24, using: &g) {
            switch Int.random(in: 0..<3, using: &g) {
            case 0: s += fragments[Int.random(in: 0..<fragments.count, using: &g)]
            case 1: s += String(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &g)))
            default: s += String(decoding: (0..<Int.random(in: 1...4, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }, as: UTF8.self)
            }
        }
        return s
    }

    static func tokenSoup(_ g: inout SplitMix64) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 0...40, using: &g) {
            s += vocabulary[Int.random(in: 0..<vocabulary.count, using: &g)]
            if Bool.random(using: &g) { s += " " }
        }
        return s
    }

    static func randomBytes(_ g: inout SplitMix64, maxLength: Int) -> [UInt8] {
        (0..<Int.random(in: 0...maxLength, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// The first thing wrong with the lexer's tokens of `bytes`, or nil.
    static func tokenProblem(_ bytes: [UInt8]) -> String? {
        let tokens = Lexer(bytes: bytes).tokens()
        var end = 0
        for t in tokens {
            guard t.offset >= end, t.length > 0, t.offset + t.length <= bytes.count else {
                return "token \(t) overlaps or leaves the input"
            }
            end = t.offset + t.length
        }
        for limit in [0, 1, 3] where Lexer(bytes: bytes).tokens(limit: limit) != Array(tokens.prefix(limit)) {
            return "tokens(limit: \(limit)) is not a prefix of tokens()"
        }
        return nil
    }

    /// Runs every SQLSyntax entry point over `bytes`; returns the first problem found.
    static func check(_ bytes: [UInt8]) -> String? {
        if let problem = tokenProblem(bytes) { return problem }
        let tokens = Lexer(bytes: bytes).tokens(limit: 8)
        _ = Classifier.classify(tokens: tokens, source: bytes)
        _ = Classifier.classify(tokens: tokens, source: [])
        for hint in SleetHints.scan(bytes) where hint.isEmpty {
            return "empty hint"
        }
        let digest = Digest.of(bytes)
        if digest.utf8.first == 0x20 { return "digest \(digest.debugDescription) starts with a space" }
        if tokens.isEmpty != digest.isEmpty, !tokens.allSatisfy({ $0.text == ";" }) {
            return "digest \(digest.debugDescription) of \(tokens.count) tokens"
        }
        return nil
    }

    @Test(.timeLimit(.minutes(1))) func randomByteStrings() {
        var g = SplitMix64(state: 0xB17E5)
        var failure: String?
        var total = 0
        for _ in 0..<20_000 {
            let bytes = Self.randomBytes(&g, maxLength: 200)
            total += bytes.count
            if failure == nil, let problem = Self.check(bytes) { failure = "\(bytes): \(problem)" }
        }
        #expect(failure == nil, "\(failure ?? "")")
        #expect(total > 1_000_000)
    }

    @Test(.timeLimit(.minutes(1))) func tokenSoupStrings() {
        var g = SplitMix64(state: 0x50_0B)
        var failure: String?
        var withHints = 0
        var digestsWithLists = 0
        for _ in 0..<20_000 {
            let sql = Self.tokenSoup(&g)
            let bytes = Array(sql.utf8)
            if failure == nil, let problem = Self.check(bytes) { failure = "\(sql.debugDescription): \(problem)" }
            if !SleetHints.scan(bytes).isEmpty { withHints += 1 }
            if Digest.of(sql).contains("(...)") { digestsWithLists += 1 }
        }
        #expect(failure == nil, "\(failure ?? "")")
        // The soup reaches the interesting paths.
        #expect(withHints > 100)
        #expect(digestsWithLists > 10)
    }

    @Test func lexerAndClassifier() {
        var g = SplitMix64(state: 0x5EED_5A1)
        var kinds = Set<String>()
        var failure: String?
        for _ in 0..<10_000 {
            let sql = Self.randomSQL(&g)
            let tokens = Lexer(sql).tokens()
            if failure == nil, let problem = Self.tokenProblem(Array(sql.utf8)) { failure = "\(sql.debugDescription): \(problem)" }
            let kind = Classifier.classify(sql)
            kinds.insert(String(describing: kind).prefix { $0 != "(" }.description)
            if tokens.isEmpty, kind != .empty { failure = failure ?? "\(sql.debugDescription): no tokens but \(kind)" }
            if let q = LocalQuery.match(sql), q.columns.isEmpty || tokens.first?.isWord("SELECT") != true {
                failure = failure ?? "\(sql.debugDescription): bad local query \(q)"
            }
        }
        #expect(failure == nil, "\(failure ?? "")")
        // The fragments reach many classifier branches (not just `.other`).
        #expect(kinds.isSuperset(of: ["select", "use", "other", "empty"]), "\(kinds)")
    }
}
