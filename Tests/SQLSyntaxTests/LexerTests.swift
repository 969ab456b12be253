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

/// The source bytes each token covers.
func lexRanges(_ sql: String) -> [String] {
    let bytes = Array(sql.utf8)
    return Lexer(sql).tokens().map { String(decoding: bytes[$0.offset..<($0.offset + $0.length)], as: UTF8.self) }
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
        LexCase("SELECT 1 --\r\n+2", ["w:SELECT", "n:1", "y:+", "n:2"]),
        LexCase("SELECT 1 --\u{01}x\n+2", ["w:SELECT", "n:1", "y:+", "n:2"]),  // any control character
        LexCase("SELECT 1 --", ["w:SELECT", "n:1"]),
        LexCase("SELECT 1 --\n", ["w:SELECT", "n:1"]),
        LexCase("SELECT 1 --x", ["w:SELECT", "n:1", "y:-", "y:-", "w:X"]),  // `--x` is not a comment
        LexCase("SELECT 1--1", ["w:SELECT", "n:1", "y:-", "y:-", "n:1"]),
        LexCase("SELECT 1 ---1", ["w:SELECT", "n:1", "y:-", "y:-", "y:-", "n:1"]),
        LexCase("SELECT 1 # note\n+ 2", ["w:SELECT", "n:1", "y:+", "n:2"]),
        LexCase("SELECT 1 #", ["w:SELECT", "n:1"]),
        LexCase("SELECT 1#no space needed\n", ["w:SELECT", "n:1"]),
        LexCase("SELECT /* a */ 1 /* multi\nline */ , 2", ["w:SELECT", "n:1", "y:,", "n:2"]),
        LexCase("SELECT/**/1", ["w:SELECT", "n:1"]),
        LexCase("SELECT /* a /* b */ 1", ["w:SELECT", "n:1"]),  // plain comments do not nest
        LexCase("SELECT /* ** / */ 1", ["w:SELECT", "n:1"]),
        LexCase("SELECT /*/ 1 */ 2", ["w:SELECT", "n:2"]),  // `/*/` does not close itself
        LexCase("SELECT 1 /* unterminated", ["w:SELECT", "n:1"]),
        LexCase("SELECT 1 /* unterminated *", ["w:SELECT", "n:1"]),
        LexCase("SELECT 1 /*", ["w:SELECT", "n:1"]),
        LexCase("/* sleet:shard=s1 */ SELECT 1", ["w:SELECT", "n:1"]),
        LexCase("SELECT 1 -- a /* b\n, 2 */", ["w:SELECT", "n:1", "y:,", "n:2", "y:*", "y:/"]),
    ]

    static let executableComments: [LexCase] = [
        LexCase("SELECT /*! STRAIGHT_JOIN */ a FROM t", ["w:SELECT", "w:STRAIGHT_JOIN", "w:A", "w:FROM", "w:T"]),
        LexCase("/*!50700 SELECT 1 */", ["w:SELECT", "n:1"]),
        LexCase("/*!40101 SET NAMES utf8mb4 */;", ["w:SET", "w:NAMES", "w:UTF8MB4", "y:;"]),
        LexCase("CREATE TABLE t (a INT) /*!50100 ENGINE=InnoDB */;",
                ["w:CREATE", "w:TABLE", "w:T", "y:(", "w:A", "w:INT", "y:)", "w:ENGINE", "y:=", "w:INNODB", "y:;"]),
        LexCase("/*M! SELECT 1 */", ["w:SELECT", "n:1"]),
        LexCase("/*M!100100 SELECT 2 */", ["w:SELECT", "n:2"]),
        LexCase("/*!100100 SELECT 3 */", ["w:SELECT", "n:3"]),  // 6-digit version (MariaDB)
        LexCase("/*!50700SELECT 4*/", ["w:SELECT", "n:4"]),
        LexCase("/*!12 + 1 */", ["n:12", "y:+", "n:1"]),  // fewer than 5 digits: no version, SQL
        LexCase("/*!1234567 */", ["n:7"]),  // at most 6 version digits
        LexCase("/*M 1 */ 2", ["n:2"]),  // `/*M` without `!` is a plain comment
        LexCase("/*m! 1 */ 2", ["n:2"]),  // MariaDB's marker is an upper-case M
        LexCase("SELECT /*! 1 /* plain */ + 2 */ , 3", ["w:SELECT", "n:1", "y:+", "n:2", "y:,", "n:3"]),
        LexCase("SELECT /*!50700 a /*+ hint */ */ b", ["w:SELECT", "w:A", "w:B"]),
        LexCase("SELECT /*! '*/' */ , 1", ["w:SELECT", "s:*/", "y:,", "n:1"]),  // `*/` in a string does not close
        LexCase("SELECT /*! 2*/*x*/3", ["w:SELECT", "n:2", "y:*", "w:X", "y:*", "y:/", "n:3"]),  // the first `*/` closes
        LexCase("SELECT 2*/*x*/3", ["w:SELECT", "n:2", "y:*", "n:3"]),  // no executable comment open: `*` then `/* */`
        LexCase("SELECT 2 */ 3", ["w:SELECT", "n:2", "y:*", "y:/", "n:3"]),  // stray `*/`: symbols
        LexCase("SELECT 1 */", ["w:SELECT", "n:1", "y:*", "y:/"]),
        LexCase("/*! 1 */ */", ["n:1", "y:*", "y:/"]),  // only one executable comment was open
        LexCase("/*! /*! 1 */ 2 */ 3", ["n:1", "n:2", "n:3"]),
        LexCase("/*! SELECT 1", ["w:SELECT", "n:1"]),  // unterminated: lexed to the end
        LexCase("SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1", ["w:SELECT", "n:1"]),
        LexCase("SELECT /*+ BKA(t1) NO_BKA(t2) */ * FROM t1", ["w:SELECT", "y:*", "w:FROM", "w:T1"]),
        LexCase("SELECT 1 /*!*/", ["w:SELECT", "n:1"]),
        LexCase("SELECT a*/*!b*/c", ["w:SELECT", "w:A", "y:*", "w:B", "w:C"]),
    ]

    static let strings: [LexCase] = [
        LexCase("SELECT 'it''s', 'a\\'b', \"say \\\"hi\\\"\", \"a\"\"b\"",
                ["w:SELECT", "s:it's", "y:,", "s:a'b", "y:,", "s:say \"hi\"", "y:,", "s:a\"b"]),
        LexCase("SELECT 'it''s'", ["w:SELECT", "s:it's"]),
        LexCase("SELECT 'a\\'b'", ["w:SELECT", "s:a'b"]),
        LexCase("SELECT '''", ["w:SELECT", "s:'"]),  // unterminated after a doubled quote
        LexCase("SELECT ''''", ["w:SELECT", "s:'"]),
        LexCase("SELECT 'a' 'b'", ["w:SELECT", "s:a", "s:b"]),  // adjacent strings stay two tokens
        LexCase("SELECT 'a\"b', \"a'b\"", ["w:SELECT", "s:a\"b", "y:,", "s:a'b"]),
        LexCase("SELECT 'tab\\tnl\\nnul\\0z\\Zbs\\\\q\\x'", ["w:SELECT", "s:tab\tnl\nnul\0z\u{1A}bs\\qx"]),
        LexCase("SELECT 'a\\%b\\_c'", ["w:SELECT", "s:a\\%b\\_c"]),  // MySQL keeps \% and \_ (for LIKE)
        LexCase("SELECT '\\r\\b'", ["w:SELECT", "s:\r\u{08}"]),
        LexCase("SELECT ''", ["w:SELECT", "s:"]),
        LexCase("SELECT \"\"", ["w:SELECT", "s:"]),
        LexCase("SELECT _utf8mb4'héllo' AS x", ["w:SELECT", "s:héllo", "w:AS", "w:X"]),
        LexCase("SELECT _latin1\"x\"", ["w:SELECT", "s:x"]),
        LexCase("SELECT _binary'\\x00'", ["w:SELECT", "s:x00"]),
        LexCase("SELECT _binary 0x41", ["w:SELECT", "w:_BINARY", "h:0x41"]),  // introducer + hex: two tokens
        LexCase("SELECT _utf8mb4 'x'", ["w:SELECT", "w:_UTF8MB4", "s:x"]),  // only an adjacent introducer joins
        LexCase("SELECT N'national', n'low'", ["w:SELECT", "s:national", "y:,", "s:low"]),
        LexCase("SELECT N'it''s'", ["w:SELECT", "s:it's"]),
        LexCase("SELECT N, N \"x\"", ["w:SELECT", "w:N", "y:,", "w:N", "s:x"]),
        LexCase("SELECT IN'x'", ["w:SELECT", "w:IN", "s:x"]),  // only a lone N is the national prefix
        LexCase("SELECT `my``table`.`col` FROM `db`", ["w:SELECT", "q:my`table", "y:.", "q:col", "w:FROM", "q:db"]),
        LexCase("SELECT `a``b`", ["w:SELECT", "q:a`b"]),
        LexCase("SELECT ````", ["w:SELECT", "q:`"]),
        LexCase("SELECT `a\\b`", ["w:SELECT", "q:a\\b"]),  // no escapes in backticks
        LexCase("SELECT `a'b\"c`", ["w:SELECT", "q:a'b\"c"]),
        LexCase("SELECT `my col` FROM `t`", ["w:SELECT", "q:my col", "w:FROM", "q:t"]),
        LexCase("select `select` from `from`", ["w:SELECT", "q:select", "w:FROM", "q:from"]),
        // Strings that contain SQL stay one token.
        LexCase("SELECT '; DROP TABLE x; --' FROM t", ["w:SELECT", "s:; DROP TABLE x; --", "w:FROM", "w:T"]),
        LexCase("SELECT \"/* not a comment */\", '#nor this', '-- nor this'",
                ["w:SELECT", "s:/* not a comment */", "y:,", "s:#nor this", "y:,", "s:-- nor this"]),
        LexCase("INSERT INTO t VALUES ('x'', 1); DELETE FROM t; --')",
                ["w:INSERT", "w:INTO", "w:T", "w:VALUES", "y:(", "s:x', 1); DELETE FROM t; --", "y:)"]),
        LexCase("SELECT '/*!50700 1 */'", ["w:SELECT", "s:/*!50700 1 */"]),
        LexCase("SELECT `/*` , 1", ["w:SELECT", "q:/*", "y:,", "n:1"]),
    ]

    static let literals: [LexCase] = [
        LexCase("SELECT 0x1F, X'1F', x'ab', b'01', 0b01", ["w:SELECT", "h:0x1F", "y:,", "h:X'1F'", "y:,", "h:x'ab'", "y:,", "h:b'01'", "y:,", "h:0b01"]),
        LexCase("SELECT B'101', X''", ["w:SELECT", "h:B'101'", "y:,", "h:X''"]),
        LexCase("SELECT 0b101", ["w:SELECT", "h:0b101"]),
        LexCase("SELECT 0xDEADbeef", ["w:SELECT", "h:0xDEADbeef"]),
        LexCase("SELECT 0x1G", ["w:SELECT", "w:0X1G"]),  // not hex: an identifier starting with a digit
        LexCase("SELECT 0b12", ["w:SELECT", "w:0B12"]),  // not binary
        LexCase("SELECT 0x, 0b", ["w:SELECT", "w:0X", "y:,", "w:0B"]),
        LexCase("SELECT 0X1F", ["w:SELECT", "w:0X1F"]),  // MySQL's 0x prefix is lower-case
        LexCase("SELECT 0x1F+1", ["w:SELECT", "h:0x1F", "y:+", "n:1"]),
        LexCase("SELECT 1e3, .5, 1.5E-3, 42, 3., 2e+2", ["w:SELECT", "n:1e3", "y:,", "n:.5", "y:,", "n:1.5E-3", "y:,", "n:42", "y:,", "n:3.", "y:,", "n:2e+2"]),
        LexCase("SELECT 1", ["w:SELECT", "n:1"]),
        LexCase("SELECT 1.5", ["w:SELECT", "n:1.5"]),
        LexCase("SELECT .5", ["w:SELECT", "n:.5"]),
        LexCase("SELECT 1e3", ["w:SELECT", "n:1e3"]),
        LexCase("SELECT 1.5E-3", ["w:SELECT", "n:1.5E-3"]),
        LexCase("SELECT 1.", ["w:SELECT", "n:1."]),
        LexCase("SELECT 1.e3", ["w:SELECT", "n:1.e3"]),
        LexCase("SELECT .5e-1", ["w:SELECT", "n:.5e-1"]),
        LexCase("SELECT 00123", ["w:SELECT", "n:00123"]),
        LexCase("SELECT 18446744073709551616", ["w:SELECT", "n:18446744073709551616"]),
        LexCase("SELECT -1", ["w:SELECT", "y:-", "n:1"]),  // the sign is not part of the number
        LexCase("SELECT 1-1", ["w:SELECT", "n:1", "y:-", "n:1"]),
        LexCase("SELECT 1e", ["w:SELECT", "w:1E"]),
        LexCase("SELECT 1e+", ["w:SELECT", "w:1E", "y:+"]),
        LexCase("SELECT 1ea", ["w:SELECT", "w:1EA"]),
        LexCase("SELECT 1e3abc", ["w:SELECT", "n:1e3", "w:ABC"]),  // as MySQL: a float, then an alias
        LexCase("SELECT 1.5abc", ["w:SELECT", "n:1.5", "w:ABC"]),
        LexCase("SELECT 1abc, t1.c2", ["w:SELECT", "w:1ABC", "y:,", "w:T1", "y:.", "w:C2"]),
        LexCase("SELECT 123_x", ["w:SELECT", "w:123_X"]),
        LexCase("SELECT t1.c", ["w:SELECT", "w:T1", "y:.", "w:C"]),
        LexCase("SELECT a.b FROM db.t1", ["w:SELECT", "w:A", "y:.", "w:B", "w:FROM", "w:DB", "y:.", "w:T1"]),
        LexCase("SELECT t.5col", ["w:SELECT", "w:T", "y:.", "w:5COL"]),
        LexCase("SELECT t.1e3, t.123", ["w:SELECT", "w:T", "y:.", "w:1E3", "y:,", "w:T", "y:.", "w:123"]),  // after a qualifier: identifiers
        LexCase("SELECT `t`.5", ["w:SELECT", "q:t", "y:.", "w:5"]),
        LexCase("SELECT t .5", ["w:SELECT", "w:T", "n:.5"]),  // not adjacent: a number
        LexCase("SELECT db.t.*", ["w:SELECT", "w:DB", "y:.", "w:T", "y:.", "y:*"]),
        LexCase("SELECT `db`.`t`.`c`", ["w:SELECT", "q:db", "y:.", "q:t", "y:.", "q:c"]),
        LexCase("SELECT naïve_col, $x FROM t", ["w:SELECT", "w:NAÏVE_COL", "y:,", "w:$X", "w:FROM", "w:T"]),
        LexCase("SELECT select_1, _x", ["w:SELECT", "w:SELECT_1", "y:,", "w:_X"]),
    ]

    static let variables: [LexCase] = [
        LexCase("SELECT * FROM t WHERE id = ? AND x IN (?, ?)",
                ["w:SELECT", "y:*", "w:FROM", "w:T", "w:WHERE", "w:ID", "y:=", "p:?", "w:AND", "w:X", "w:IN", "y:(", "p:?", "y:,", "p:?", "y:)"]),
        LexCase("SELECT ??", ["w:SELECT", "p:?", "p:?"]),
        LexCase("SELECT @var, @@global.x, @@session.sql_mode, @`quoted var`, @$a",
                ["w:SELECT", "v:@var", "y:,", "v:@@global.x", "y:,", "v:@@session.sql_mode", "y:,", "v:@`quoted var`", "y:,", "v:@$a"]),
        LexCase("SELECT @'quoted var'", ["w:SELECT", "v:@'quoted var'"]),
        LexCase("SELECT @\"dq\"", ["w:SELECT", "v:@\"dq\""]),
        LexCase("SELECT @`x`", ["w:SELECT", "v:@`x`"]),
        LexCase("SELECT @`a``b`+1", ["w:SELECT", "v:@`a``b`", "y:+", "n:1"]),
        LexCase("SELECT @'it''s'", ["w:SELECT", "v:@'it''s'"]),
        LexCase("SELECT @@version", ["w:SELECT", "v:@@version"]),
        LexCase("SET @@SESSION.sql_mode = ''", ["w:SET", "v:@@SESSION.sql_mode", "y:=", "s:"]),
        LexCase("SELECT @x:=1", ["w:SELECT", "v:@x", "y::=", "n:1"]),
        LexCase("SELECT @a,@b", ["w:SELECT", "v:@a", "y:,", "v:@b"]),
        LexCase("SELECT @1", ["w:SELECT", "v:@1"]),
    ]

    static let operators: [LexCase] = [
        LexCase("a <=> b AND @x := 1 OR c != d", ["w:A", "y:<=>", "w:B", "w:AND", "v:@x", "y::=", "n:1", "w:OR", "w:C", "y:!=", "w:D"]),
        LexCase("a<=b>=c<>d||e&&f<<g>>h->'$.k'", ["w:A", "y:<=", "w:B", "y:>=", "w:C", "y:<>", "w:D", "y:||", "w:E", "y:&&", "w:F", "y:<<", "w:G", "y:>>", "w:H", "y:->", "s:$.k"]),
        LexCase("a<=>b", ["w:A", "y:<=>", "w:B"]),
        LexCase("a<=b", ["w:A", "y:<=", "w:B"]),
        LexCase("a>=b", ["w:A", "y:>=", "w:B"]),
        LexCase("a<>b", ["w:A", "y:<>", "w:B"]),
        LexCase("a!=b", ["w:A", "y:!=", "w:B"]),
        LexCase("a:=b", ["w:A", "y::=", "w:B"]),
        LexCase("a||b", ["w:A", "y:||", "w:B"]),
        LexCase("a&&b", ["w:A", "y:&&", "w:B"]),
        LexCase("a<<b", ["w:A", "y:<<", "w:B"]),
        LexCase("a>>b", ["w:A", "y:>>", "w:B"]),
        LexCase("c->'$.a'", ["w:C", "y:->", "s:$.a"]),
        LexCase("c->>'$.a'", ["w:C", "y:->>", "s:$.a"]),
        LexCase("a<b>c=d", ["w:A", "y:<", "w:B", "y:>", "w:C", "y:=", "w:D"]),
        LexCase("a<>=b", ["w:A", "y:<>", "y:=", "w:B"]),
        LexCase("a<<=b", ["w:A", "y:<<", "y:=", "w:B"]),
        LexCase("a|b&c^d~e!f", ["w:A", "y:|", "w:B", "y:&", "w:C", "y:^", "w:D", "y:~", "w:E", "y:!", "w:F"]),
        LexCase("a+b-c*d/e%f", ["w:A", "y:+", "w:B", "y:-", "w:C", "y:*", "w:D", "y:/", "w:E", "y:%", "w:F"]),
        LexCase("(a),[b]{c};:", ["y:(", "w:A", "y:)", "y:,", "y:[", "w:B", "y:]", "y:{", "w:C", "y:}", "y:;", "y::"]),
        LexCase("a->>>b", ["w:A", "y:->>", "y:>", "w:B"]),
        LexCase("a=-1", ["w:A", "y:=", "y:-", "n:1"]),
        LexCase("a - -1", ["w:A", "y:-", "y:-", "n:1"]),
        LexCase("COUNT(*)", ["w:COUNT", "y:(", "y:*", "y:)"]),
    ]

    static let statements: [LexCase] = [
        LexCase("SELECT c FROM sbtest1 WHERE id=5021", ["w:SELECT", "w:C", "w:FROM", "w:SBTEST1", "w:WHERE", "w:ID", "y:=", "n:5021"]),
        LexCase("UPDATE t SET a=a+1 WHERE id IN (1,2)",
                ["w:UPDATE", "w:T", "w:SET", "w:A", "y:=", "w:A", "y:+", "n:1", "w:WHERE", "w:ID", "w:IN", "y:(", "n:1", "y:,", "n:2", "y:)"]),
        LexCase("SELECT * FROM t LIMIT 10 OFFSET 5;", ["w:SELECT", "y:*", "w:FROM", "w:T", "w:LIMIT", "n:10", "w:OFFSET", "n:5", "y:;"]),
        LexCase("SELECT 1;SELECT 2", ["w:SELECT", "n:1", "y:;", "w:SELECT", "n:2"]),
        LexCase("select\tX\nfrom\r\nY", ["w:SELECT", "w:X", "w:FROM", "w:Y"]),
    ]

    static let malformed: [LexCase] = [
        LexCase("SELECT 'abc", ["w:SELECT", "s:abc"]),
        LexCase("SELECT \"abc", ["w:SELECT", "s:abc"]),
        LexCase("SELECT 'a\\", ["w:SELECT", "s:a\\"]),
        LexCase("SELECT 'a\\'", ["w:SELECT", "s:a'"]),
        LexCase("SELECT /* abc", ["w:SELECT"]),
        LexCase("SELECT `abc", ["w:SELECT", "q:abc"]),
        LexCase("SELECT x'1F", ["w:SELECT", "h:x'1F"]),
        LexCase("SELECT x'", ["w:SELECT", "h:x'"]),
        LexCase("SELECT N'", ["w:SELECT", "s:"]),
        LexCase("SELECT _utf8'", ["w:SELECT", "s:"]),
        LexCase("SELECT @'abc", ["w:SELECT", "v:@'abc"]),
        LexCase("/*!", []),
        LexCase("/*M!", []),
        LexCase("/*", []),
        LexCase("*/", ["y:*", "y:/"]),
        LexCase("@", ["v:@"]),
        LexCase("@@", ["v:@@"]),
        LexCase(".", ["y:."]),
        LexCase("-", ["y:-"]),
        LexCase("", []),
        LexCase(" \t\r\n\u{0B}\u{0C}", []),
        LexCase("\u{01}", ["y:\u{01}"]),
    ]

    @Test(arguments: comments) func commentsAreSkipped(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: executableComments) func executableCommentsAreLexed(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: strings) func stringsAndIdentifiers(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: literals) func numbersAndLiterals(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: variables) func placeholdersAndVariables(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: operators) func operatorsAreLongestMatch(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: statements) func wholeStatements(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }
    @Test(arguments: malformed) func malformedInputIsBestEffort(_ c: LexCase) { #expect(lex(c.sql) == c.tokens) }

    /// Every table row: the tokens' ranges are in order, do not overlap and lie inside the text.
    @Test(arguments: comments + executableComments + strings + literals + variables + operators + statements + malformed)
    func rangesAreOrderedAndInside(_ c: LexCase) {
        let n = c.sql.utf8.count
        var end = 0
        for t in Lexer(c.sql).tokens() {
            #expect(t.offset >= end && t.length > 0 && t.offset + t.length <= n)
            end = t.offset + t.length
        }
    }

    /// The source text each token's range covers (routing rewrites SQL by these ranges).
    static let ranges: [LexCase] = [
        LexCase("SELECT _utf8mb4'héllo', 'a''b' x", ["SELECT", "_utf8mb4'héllo'", ",", "'a''b'", "x"]),
        LexCase("select N'x', n\"y\"", ["select", "N'x'", ",", "n", "\"y\""]),
        LexCase("x'1F' X'' b'01' 0x1f 0b1", ["x'1F'", "X''", "b'01'", "0x1f", "0b1"]),
        LexCase("`a``b`.`c` d", ["`a``b`", ".", "`c`", "d"]),
        LexCase("1.5E-3 .5 3. 1e3abc", ["1.5E-3", ".5", "3.", "1e3", "abc"]),
        LexCase("a<=>b->>'$.x'", ["a", "<=>", "b", "->>", "'$.x'"]),
        LexCase("@@session.sql_mode @'v w' ?", ["@@session.sql_mode", "@'v w'", "?"]),
        LexCase("/*!50700 SELECT */ 1 /* c */ -- x\n2", ["SELECT", "1", "2"]),
        LexCase("/*M!100100 a*/", ["a"]),
        LexCase("'a\\'b' \"c\"\"d\"", ["'a\\'b'", "\"c\"\"d\""]),
        LexCase("'unterminated", ["'unterminated"]),
        LexCase("_binary'\\0' _binary 0x41", ["_binary'\\0'", "_binary", "0x41"]),
        LexCase("Tbl.Col", ["Tbl", ".", "Col"]),
        LexCase("naïve ✓", ["naïve", "✓"]),
    ]

    @Test(arguments: ranges) func tokenRangesCoverTheSourceText(_ c: LexCase) { #expect(lexRanges(c.sql) == c.tokens) }

    @Test func offsetsAndLengthsAreUTF8ByteRanges() {
        let sql = "SELECT _utf8mb4'héllo', 'a''b' x"
        let t = Lexer(sql).tokens()
        #expect(t.map(\.offset) == [0, 7, 23, 25, 32])
        #expect(t.map(\.length) == [6, 16, 1, 6, 1])
    }

    @Test func limitStopsEarly() {
        #expect(Lexer("SELECT a, b, c FROM t").tokens(limit: 3).map(\.text) == ["SELECT", "A", ","])
        #expect(Lexer("SELECT 1").tokens(limit: 0).isEmpty)
        #expect(Lexer("SELECT 1").tokens(limit: -1).isEmpty)
        #expect(Lexer("/*! SELECT */ 1 */").tokens(limit: 1).map(\.text) == ["SELECT"])
    }

    @Test func byteInitializerMatchesStringInitializer() {
        let sql = "SELECT `x`, 'y' FROM z -- c"
        #expect(Lexer(bytes: Array(sql.utf8)).tokens() == Lexer(sql).tokens())
        // Invalid UTF-8 inside a string literal is repaired, not a trap.
        let t = Lexer(bytes: [0x27, 0xFF, 0xFE, 0x27]).tokens()
        #expect(t.count == 1)
        #expect(t.first?.kind == .string)
        #expect(t.first?.length == 4)
        // Invalid UTF-8 in a word: one word token over those bytes.
        let w = Lexer(bytes: [0x61, 0xFF, 0x62, 0x20, 0x31]).tokens()
        #expect(w.map(\.kind) == [.word, .number])
        #expect(w.first?.length == 3)
    }

    @Test func isWord() {
        let t = Lexer("select `select`").tokens()
        #expect(t[0].isWord("SELECT"))
        #expect(!t[1].isWord("SELECT"), "a quoted identifier is not a keyword")
    }
}
