import Testing
@testable import SQLSyntax

struct DigestCase: Sendable, CustomTestStringConvertible {
    var sql: String
    var digest: String
    init(_ sql: String, _ digest: String) { self.sql = sql; self.digest = digest }
    var testDescription: String { sql.debugDescription }
}

@Suite("Digest")
struct DigestTests {
    static let cases: [DigestCase] = [
        // Literals
        DigestCase("SELECT * FROM t WHERE name = 'x'' OR id=1'", "SELECT * FROM t WHERE name = ?"),
        DigestCase("SELECT * FROM t WHERE id = 42", "SELECT * FROM t WHERE id = ?"),
        DigestCase("SELECT 'a', \"b\", 1.5, .5, 1e3, 0x1F, X'1F', b'01', 0b1", "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?"),
        DigestCase("SELECT N'x', _utf8mb4'y', _binary'z'", "SELECT ?, ?, ?"),
        DigestCase("SELECT _binary 0x41", "SELECT _binary ?"),  // introducer + hex: two tokens
        DigestCase("SELECT NULL, TRUE, false, null", "SELECT NULL, TRUE, FALSE, NULL"),
        DigestCase("UPDATE t SET a = ?, b = ? WHERE id = ?", "UPDATE t SET a = ?, b = ? WHERE id = ?"),
        DigestCase("SELECT * FROM t WHERE a LIKE '%x%' ESCAPE '!' ORDER BY b DESC LIMIT 10",
                   "SELECT * FROM t WHERE a LIKE ? ESCAPE ? ORDER BY b DESC LIMIT ?"),
        DigestCase("SELECT a FROM t LIMIT 10, 20", "SELECT a FROM t LIMIT ?, ?"),
        DigestCase("SELECT 'it''s', 'a\\'b'", "SELECT ?, ?"),
        // Unary signs
        DigestCase("SELECT -1", "SELECT ?"),
        DigestCase("SELECT * FROM t WHERE x = -1 AND y=-2.5", "SELECT * FROM t WHERE x = ? AND y = ?"),
        DigestCase("SELECT * FROM t WHERE a = +5", "SELECT * FROM t WHERE a = ?"),
        DigestCase("SELECT 3 - 1, a-1, a - -1", "SELECT ? - ?, a - ?, a - ?"),  // binary minus stays
        DigestCase("SELECT (-2), f(-3, -4)", "SELECT (?), f(...)"),
        DigestCase("SELECT * FROM t LIMIT -1", "SELECT * FROM t LIMIT ?"),  // after a keyword: unary
        DigestCase("SELECT CASE WHEN a THEN 1 ELSE -1 END - 1", "SELECT CASE WHEN a THEN ? ELSE ? END - ?"),
        DigestCase("SELECT COUNT(*) - 1", "SELECT COUNT(*) - ?"),
        DigestCase("SELECT - a, -(1), ~b, !c, NOT d", "SELECT -a, -(?), ~b, !c, NOT d"),
        DigestCase("SELECT - - a", "SELECT - -a"),
        DigestCase("SELECT x = -?", "SELECT x = -?"),
        // Lists
        DigestCase("select  *  from t where id in (1,2,3)", "SELECT * FROM t WHERE id IN (...)"),
        DigestCase("SELECT * FROM t WHERE id IN (?, ?, ?)", "SELECT * FROM t WHERE id IN (...)"),
        DigestCase("SELECT * FROM t WHERE id IN ('a', -1, 0x2)", "SELECT * FROM t WHERE id IN (...)"),
        DigestCase("SELECT * FROM t WHERE id IN (1)", "SELECT * FROM t WHERE id IN (?)"),  // one item is not a list
        DigestCase("SELECT * FROM t WHERE id IN (1, a)", "SELECT * FROM t WHERE id IN (?, a)"),
        DigestCase("SELECT * FROM t WHERE id IN (1, NULL)", "SELECT * FROM t WHERE id IN (?, NULL)"),
        DigestCase("SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4), (5, 6))", "SELECT * FROM t WHERE (a, b) IN ((...))"),
        DigestCase("INSERT INTO t (a,b) VALUES (1,'a')", "INSERT INTO t (a, b) VALUES (...)"),
        DigestCase("INSERT INTO t (a,b) VALUES (1,'a'),(2,'b')", "INSERT INTO t (a, b) VALUES (...)"),
        DigestCase("insert into t(a,b) values(1,'a'),(2,'b'),(3,'c');", "INSERT INTO t(a, b) VALUES (...)"),
        DigestCase("INSERT INTO t VALUES (1), (2), (3)", "INSERT INTO t VALUES (?)"),  // identical rows after VALUES
        DigestCase("INSERT INTO t VALUES (1, NOW()), (2, NOW())", "INSERT INTO t VALUES (?, NOW())"),
        DigestCase("INSERT INTO t VALUES (1, 2), (3, NOW())", "INSERT INTO t VALUES (...), (?, NOW())"),
        DigestCase("INSERT INTO t VALUE (1, 2), (3, 4)", "INSERT INTO t VALUE (...)"),
        DigestCase("INSERT INTO t VALUES (1,2) ON DUPLICATE KEY UPDATE a = VALUES(a) + 1",
                   "INSERT INTO t VALUES (...) ON DUPLICATE KEY UPDATE a = VALUES (a) + ?"),
        DigestCase("SELECT (1, 2), (3, 4)", "SELECT (...)"),
        // Keywords and identifiers
        DigestCase("select a from T where B = 1", "SELECT a FROM T WHERE B = ?"),
        DigestCase("SELECT Users.Name FROM Users", "SELECT Users.Name FROM Users"),
        DigestCase("SELECT t.key, t.`order` FROM t", "SELECT t.key, t.`order` FROM t"),  // after `.` a word is an identifier
        DigestCase("SELECT `a`, `my col`, `select`, `1x`, `a``b`, ``, `a$_9`", "SELECT a, `my col`, `select`, `1x`, `a``b`, ``, a$_9"),
        DigestCase("SELECT `db`.`t`.`c` FROM `db`.`t`", "SELECT db.t.c FROM db.t"),
        DigestCase("SELECT `naïve`", "SELECT `naïve`"),
        DigestCase("SELECT naïve FROM t", "SELECT naïve FROM t"),
        DigestCase("SELECT @@session.sql_mode, @v := 5, @`x`", "SELECT @@session.sql_mode, @v := ?, @`x`"),
        DigestCase("set names utf8mb4", "SET NAMES utf8mb4"),
        DigestCase("begin", "BEGIN"),
        DigestCase("start transaction read only", "START TRANSACTION READ ONLY"),
        DigestCase("SELECT a FROM t FOR UPDATE", "SELECT a FROM t FOR UPDATE"),
        DigestCase("select * from t lock in share mode", "SELECT * FROM t LOCK IN SHARE MODE"),
        DigestCase("SELECT a FROM t1 LEFT JOIN t2 ON t1.id = t2.id GROUP BY a HAVING COUNT(*) > 1",
                   "SELECT a FROM t1 LEFT JOIN t2 ON t1.id = t2.id GROUP BY a HAVING COUNT(*) > ?"),
        DigestCase("show tables", "SHOW TABLES"),
        // Functions and parentheses
        DigestCase("SELECT COUNT(*), count (*), max(x), Upper(s)", "SELECT COUNT(*), COUNT (*), MAX(x), Upper(s)"),
        DigestCase("SELECT IF(a, 1, 2), LEFT(s, 3), left (s,3)", "SELECT IF(a, ?, ?), LEFT(s, ?), LEFT (s, ?)"),
        DigestCase("SELECT * FROM a JOIN b USING(id) JOIN c ON(a.x = c.x)", "SELECT * FROM a JOIN b USING (id) JOIN c ON (a.x = c.x)"),
        DigestCase("SELECT * FROM t WHERE EXISTS(SELECT 1 FROM u)", "SELECT * FROM t WHERE EXISTS (SELECT ? FROM u)"),
        DigestCase("SELECT ( ( a ) )", "SELECT ((a))"),
        DigestCase("SELECT t . * , db . t . c", "SELECT t.*, db.t.c"),
        DigestCase("select data->>'$.x' from t where j->'$.a' = 1", "SELECT data ->> ? FROM t WHERE j -> ? = ?"),
        DigestCase("SELECT a<=>b, a!=b, a<>b, @x:=1", "SELECT a <=> b, a != b, a <> b, @x := ?"),
        // Comments, spacing, semicolons
        DigestCase("SELECT /*! SQL_NO_CACHE */ a FROM t /* c */ -- d", "SELECT SQL_NO_CACHE a FROM t"),
        DigestCase("/* sleet:primary */ SELECT 1", "SELECT ?"),
        DigestCase("SELECT /*+ MAX_EXECUTION_TIME(10) */ a FROM t", "SELECT a FROM t"),
        DigestCase("/*M!100100 SELECT 1 */", "SELECT ?"),
        DigestCase("SELECT\n\ta,\n\tb\nFROM\tt # note", "SELECT a, b FROM t"),
        DigestCase("SELECT 1;", "SELECT ?"),
        DigestCase("SELECT 1 ; ; ", "SELECT ?"),
        DigestCase("SELECT 1; SELECT 2", "SELECT ?; SELECT ?"),
        DigestCase("", ""),
        DigestCase("   -- only a comment", ""),
        DigestCase(";", ""),
        DigestCase("SELECT 'unterminated", "SELECT ?"),
    ]

    @Test(arguments: cases) func digest(_ c: DigestCase) {
        #expect(Digest.of(c.sql) == c.digest)
        #expect(Digest.of(Array(c.sql.utf8)) == c.digest)
    }

    /// A digest is a fixed point: digesting it again changes nothing.
    @Test(arguments: cases) func digestIsIdempotent(_ c: DigestCase) {
        #expect(Digest.of(c.digest) == c.digest)
    }

    /// Statements that differ only in literal values, spacing, comments and keyword case.
    static let sameDigest: [[String]] = [
        ["SELECT * FROM t WHERE id = 1", "select * from t where id=2", "SELECT *\nFROM t -- x\nWHERE id = 'abc'",
         "/* c */ SELECT * FROM t WHERE id = -5;", "SELECT * FROM t WHERE id = ?", "SeLeCt * FrOm t WhErE id = 0x1F"],
        ["SELECT a FROM t WHERE id IN (1, 2, 3)", "SELECT a FROM t WHERE id IN (4,5)", "select a from t where id in ('x', 'y', -1, 2.5)"],
        ["INSERT INTO t (a, b) VALUES (1, 'x')", "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')",
         "insert into t (a,b) values (-1,\"q\");"],
        ["UPDATE t SET a = a + 1 WHERE id = 7", "update t set a=a+2 where id=8 # bump"],
    ]

    @Test(arguments: sameDigest) func statementsDifferingOnlyInLiteralsShareADigest(_ group: [String]) {
        let digests = Set(group.map { Digest.of($0) })
        #expect(digests.count == 1, "\(digests)")
    }

    @Test func differentShapesHaveDifferentDigests() {
        #expect(Digest.of("SELECT a FROM t") != Digest.of("SELECT b FROM t"))
        #expect(Digest.of("SELECT a FROM t WHERE x = 1") != Digest.of("SELECT a FROM t WHERE x > 1"))
        #expect(Digest.of("SELECT a FROM t WHERE x = 1") != Digest.of("SELECT a FROM t WHERE x = NULL"))
        #expect(Digest.of("SELECT a FROM T") != Digest.of("SELECT a FROM t"), "identifiers keep their case")
    }
}

struct HintCase: Sendable, CustomTestStringConvertible {
    var sql: String
    var hints: [String]
    init(_ sql: String, _ hints: [String]) { self.sql = sql; self.hints = hints }
    var testDescription: String { sql.debugDescription }
}

@Suite("SleetHints")
struct SleetHintsTests {
    static let cases: [HintCase] = [
        HintCase("/* sleet:primary */ SELECT 1", ["primary"]),
        HintCase("SELECT 1 /* sleet:shard=s1 */", ["shard=s1"]),
        HintCase("/*sleet:primary*/SELECT 1", ["primary"]),
        HintCase("/*   sleet:Shard=S1 \n */ SELECT 1", ["shard=s1"]),
        HintCase("/* SLEET:PRIMARY */ SELECT 1", ["primary"]),
        HintCase("/* sleet: primary */ SELECT 1", ["primary"]),
        HintCase("/* sleet:primary */ SELECT /* sleet:shard=s2 */ 1", ["primary", "shard=s2"]),
        HintCase("SELECT 1", []),
        HintCase("/* primary */ SELECT 1", []),
        HintCase("/* not sleet:primary */ SELECT 1", []),
        HintCase("/* sleet: */ SELECT 1", []),  // empty body
        HintCase("/* sleet:primary SELECT 1", []),  // unterminated
        HintCase("/*+ sleet:primary */ SELECT 1", []),  // an optimizer hint
        HintCase("SELECT '/* sleet:primary */'", []),  // inside a string
        HintCase("SELECT \"/* sleet:primary */\"", []),
        HintCase("SELECT 'it''s /* sleet:a */', 'x\\' /* sleet:b */'", []),
        HintCase("SELECT `/* sleet:primary */`", []),  // inside an identifier
        HintCase("SELECT @'/* sleet:primary */'", []),
        HintCase("SELECT 1 -- /* sleet:primary */", []),  // inside a line comment
        HintCase("SELECT 1 # /* sleet:primary */\n", []),
        HintCase("SELECT 1 --/* sleet:primary */", ["primary"]),  // `--` without a space is not a comment
        HintCase("SELECT 'a' /* sleet:primary */ 'b'", ["primary"]),
        HintCase("/*!50700 /* sleet:primary */ SELECT 1 */", ["primary"]),  // hints inside executable comments count
        HintCase("SELECT 'unterminated /* sleet:primary */", []),
        HintCase("/* sleet:shard=ÄB */", ["shard=Äb"]),  // only ASCII is lower-cased
        HintCase("", []),
    ]

    @Test(arguments: cases) func scan(_ c: HintCase) {
        #expect(SleetHints.scan(Array(c.sql.utf8)) == c.hints)
        #expect(SleetHints.scan(c.sql) == c.hints)
    }
}
