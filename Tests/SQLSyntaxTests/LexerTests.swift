import Testing
@testable import SQLSyntax

/// Tokens as compact strings: `w:` word (upper-cased), `q:` quoted identifier, `s:` string,
/// `n:` number, `h:` hex/bit literal, `p:` placeholder, `v:` variable, `y:` symbol.
func lex(_ sql: String) -> [String] {
    Lexer(sql).tokens().map { t in
        let k: String
        switch t.kind {
        case .word: k = "w"
        case .quotedIdentifier: k = "q"
        case .string: k = "s"
        case .number: k = "n"
        case .hexOrBit: k = "h"
        case .placeholder: k = "p"
        case .variable: k = "v"
        case .symbol: k = "y"
        }
        return k + ":" + t.text
    }
}

struct LexCase: Sendable, CustomTestStringConvertible {
    var sql: String
    var tokens: [String]
    init(_ sql: String, _ tokens: [String]) { self.sql = sql; self.tokens = tokens }
    var testDescription: String { sql.debugDescription }
}

@Suite("Lexer")
struct LexerTests {
    static let comments: [LexCase] = [
        LexCase("SELECT 1 -- comment\n, 2", ["w:SELECT", "n:1", "y:,", "n:2"]),
        LexCase("SELECT 1 --\tcomment\n+2", ["w:SELECT", "n:1", "y:+", "n:2"]),
        LexCase("SELECT 1 --", ["w:SELECT", "n:1"]),
        LexCase("SELECT 1 --x", ["w:SELECT", "n:1", "y:-", "y:-", "w:X"]),  // `--x` is not a comment
        LexCase("SELECT 1--1", ["w:SELECT", "n:1", "y:-", "y:-", "n:1"]),
        LexCase("SELECT 1 # note\n+ 2", ["w:SELECT", "n:1", "y:+", "n:2"]),
        LexCase("SELECT 1 #", ["w:SELECT", "n:1"]),
        LexCase("SELECT /* a */ 1 /* multi\nline */ , 2", ["w:SELECT", "n:1", "y:,", "n:2"]),
        LexCase("SELECT/**/1", ["w:SELECT", "n:1"]),
        LexCase("SELECT /*! STRAIGHT_JOIN */ a FROM t", ["w:SELECT", "w:STRAIGHT_JOIN", "w:A", "w:FROM", "w:T"]),
        LexCase("/*!50700 SELECT 1 */", ["w:SELECT", "n:1"]),
        LexCase("CREATE TABLE t (a INT) /*!50100 ENGINE=InnoDB */;",
                ["w:CREATE", "w:TABLE", "w:T", "y:(", "w:A", "w:INT", "y:)", "w:ENGINE", "y:=", "w:INNODB", "y:;"]),
        LexCase("SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1", ["w:SELECT", "n:1"]),
        LexCase("/* sleet:shard=s1 */ SELECT 1", ["w:SELECT", "n:1"]),
    ]

    static let strings: [LexCase] = [
        LexCase("SELECT 'it''s', 'a\\'b', \"say \\\"hi\\\"\", \"a\"\"b\"",
                ["w:SELECT", "s:it's", "y:,", "s:a'b", "y:,", "s:say \"hi\"", "y:,", "s:a\"b"]),
        LexCase("SELECT 'tab\\tnl\\nnul\\0z\\Zbs\\\\q\\x'", ["w:SELECT", "s:tab\tnl\nnul\0z\u{1A}bs\\qx"]),
        LexCase("SELECT 'a\\%b\\_c'", ["w:SELECT", "s:a\\%b\\_c"]),  // MySQL keeps \% and \_ (for LIKE)
        LexCase("SELECT ''", ["w:SELECT", "s:"]),
        LexCase("SELECT _utf8mb4'héllo' AS x", ["w:SELECT", "s:héllo", "w:AS", "w:X"]),
        LexCase("SELECT _latin1\"x\"", ["w:SELECT", "s:x"]),
        LexCase("SELECT `my``table`.`col` FROM `db`", ["w:SELECT", "q:my`table", "y:.", "q:col", "w:FROM", "q:db"]),
        LexCase("SELECT `a\\b`", ["w:SELECT", "q:a\\b"]),  // no escapes in backticks
        LexCase("select `select` from `from`", ["w:SELECT", "q:select", "w:FROM", "q:from"]),
        // Strings that contain SQL stay one token.
        LexCase("SELECT '; DROP TABLE x; --' FROM t", ["w:SELECT", "s:; DROP TABLE x; --", "w:FROM", "w:T"]),
        LexCase("SELECT \"/* not a comment */\", '#nor this', '-- nor this'",
                ["w:SELECT", "s:/* not a comment */", "y:,", "s:#nor this", "y:,", "s:-- nor this"]),
        LexCase("INSERT INTO t VALUES ('x'', 1); DELETE FROM t; --')",
                ["w:INSERT", "w:INTO", "w:T", "w:VALUES", "y:(", "s:x', 1); DELETE FROM t; --", "y:)"]),
    ]

    static let literals: [LexCase] = [
        LexCase("SELECT 0x1F, X'1F', x'ab', b'01', 0b01", ["w:SELECT", "h:0x1F", "y:,", "h:X'1F'", "y:,", "h:x'ab'", "y:,", "h:b'01'", "y:,", "h:0b01"]),
        LexCase("SELECT 0x1G", ["w:SELECT", "w:0X1G"]),  // not hex: an identifier starting with a digit
        LexCase("SELECT 1e3, .5, 1.5E-3, 42, 3., 2e+2", ["w:SELECT", "n:1e3", "y:,", "n:.5", "y:,", "n:1.5E-3", "y:,", "n:42", "y:,", "n:3.", "y:,", "n:2e+2"]),
        LexCase("SELECT 1abc, t1.c2", ["w:SELECT", "w:1ABC", "y:,", "w:T1", "y:.", "w:C2"]),
        LexCase("SELECT * FROM t WHERE id = ? AND x IN (?, ?)",
                ["w:SELECT", "y:*", "w:FROM", "w:T", "w:WHERE", "w:ID", "y:=", "p:?", "w:AND", "w:X", "w:IN", "y:(", "p:?", "y:,", "p:?", "y:)"]),
        LexCase("SELECT @var, @@global.x, @@session.sql_mode, @`quoted var`, @$a",
                ["w:SELECT", "v:@var", "y:,", "v:@@global.x", "y:,", "v:@@session.sql_mode", "y:,", "v:@`quoted var`", "y:,", "v:@$a"]),
        LexCase("a <=> b AND @x := 1 OR c != d", ["w:A", "y:<=>", "w:B", "w:AND", "v:@x", "y::=", "n:1", "w:OR", "w:C", "y:!=", "w:D"]),
        LexCase("a<=b>=c<>d||e&&f<<g>>h->'$.k'", ["w:A", "y:<=", "w:B", "y:>=", "w:C", "y:<>", "w:D", "y:||", "w:E", "y:&&", "w:F", "y:<<", "w:G", "y:>>", "w:H", "y:->", "s:$.k"]),
        LexCase("SELECT naïve_col, $x FROM t", ["w:SELECT", "w:NAÏVE_COL", "y:,", "w:$X", "w:FROM", "w:T"]),
    ]

    static let malformed: [LexCase] = [
        LexCase("SELECT 'abc", ["w:SELECT", "s:abc"]),
        LexCase("SELECT \"abc", ["w:SELECT", "s:abc"]),
        LexCase("SELECT 'a\\", ["w:SELECT", "s:a\\"]),
        LexCase("SELECT /* abc", ["w:SELECT"]),
        LexCase("SELECT `abc", ["w:SELECT", "q:abc"]),
        LexCase("SELECT x'1F", ["w:SELECT", "h:x'1F"]),
        LexCase("SELECT _utf8'", ["w:SELECT", "s:"]),
        LexCase("/*!", []),
        LexCase("/*", []),
        LexCase("@", ["v:@"]),
        LexCase("@@", ["v:@@"]),
        LexCase("", []),
        LexCase(" \t\r\n\u{0B}\u{0C}", []),
    ]

    @Test(arguments: comments) func commentsAreSkipped(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: strings) func stringsAndIdentifiers(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: literals) func literalsAndOperators(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: malformed) func malformedInputIsBestEffort(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }

    @Test func offsetsAndLengthsAreUTF8ByteRanges() {
        let sql = "SELECT _utf8mb4'héllo', 'a''b' x"
        let t = Lexer(sql).tokens()
        #expect(t.map(\.offset) == [0, 7, 23, 25, 32])
        #expect(t.map(\.length) == [6, 16, 1, 6, 1])
        let bytes = Array(sql.utf8)
        #expect(String(decoding: bytes[t[1].offset..<(t[1].offset + t[1].length)], as: UTF8.self) == "_utf8mb4'héllo'")
        #expect(String(decoding: bytes[t[4].offset..<(t[4].offset + t[4].length)], as: UTF8.self) == "x")
    }

    @Test func limitStopsEarly() {
        #expect(Lexer("SELECT a, b, c FROM t").tokens(limit: 3).map(\.text) == ["SELECT", "A", ","])
        #expect(Lexer("SELECT 1").tokens(limit: 0).isEmpty)
    }

    @Test func byteInitializerMatchesStringInitializer() {
        let sql = "SELECT `x`, 'y' FROM z -- c"
        #expect(Lexer(bytes: Array(sql.utf8)).tokens() == Lexer(sql).tokens())
        // Invalid UTF-8 inside a string literal is repaired, not a trap.
        let t = Lexer(bytes: [0x27, 0xFF, 0xFE, 0x27]).tokens()
        #expect(t.count == 1)
        #expect(t.first?.kind == .string)
        #expect(t.first?.length == 4)
    }

    @Test func isWord() {
        let t = Lexer("select `select`").tokens()
        #expect(t[0].isWord("SELECT"))
        #expect(!t[1].isWord("SELECT"), "a quoted identifier is not a keyword")
    }
}
