import Testing
@testable import SQLSyntax

/// 10,000 random strings (seeded): the lexer and classifier never trap, and every token lies
/// inside the input with strictly increasing, non-overlapping offsets.
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

    @Test func lexerAndClassifier() {
        var g = SplitMix64(state: 0x5EED_5A1)
        var kinds = Set<String>()
        for _ in 0..<10_000 {
            let sql = Self.randomSQL(&g)
            let n = sql.utf8.count
            let tokens = Lexer(sql).tokens()
            var end = 0
            for t in tokens {
                #expect(t.offset >= end && t.length > 0 && t.offset + t.length <= n, "\(sql.debugDescription)")
                end = t.offset + t.length
            }
            #expect(Lexer(sql).tokens(limit: 3) == Array(tokens.prefix(3)))
            let kind = Classifier.classify(sql)
            kinds.insert(String(describing: kind).prefix { $0 != "(" }.description)
            if tokens.isEmpty { #expect(kind == .empty) }
            if let q = LocalQuery.match(sql) {
                #expect(!q.columns.isEmpty)
                #expect(tokens.first?.isWord("SELECT") == true)
            }
        }
        // The fragments reach many classifier branches (not just `.other`).
        #expect(kinds.isSuperset(of: ["select", "use", "other", "empty"]), "\(kinds)")
    }

    @Test func randomBytes() {
        var g = SplitMix64(state: 0xB17E5)
        var total = 0
        for _ in 0..<10_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            let tokens = Lexer(bytes: bytes).tokens()
            total += tokens.count
            #expect(tokens.allSatisfy { $0.offset >= 0 && $0.length > 0 && $0.offset + $0.length <= bytes.count })
            _ = Classifier.classify(tokens: tokens, source: bytes)
            _ = Classifier.classify(tokens: tokens, source: [])
        }
        #expect(total > 10_000)
    }
}
