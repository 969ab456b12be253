import Testing
@testable import SQLSyntax

/// INSERT / REPLACE / UPDATE / DELETE.
@Suite("Parser: DML")
struct ParserDMLTests {
    static let inserts: [ParseCase] = [
        ParseCase("INSERT INTO t (a, b) VALUES (1, 'x')", "INSERT t cols=[a,b] rows=[(1,'x')]"),
        ParseCase("insert into t(a,b) values(1,'x'),(2,'y')", "INSERT t cols=[a,b] rows=[(1,'x'),(2,'y')]"),
        ParseCase("INSERT INTO t VALUES (1, 2), (3, 4), (5, 6)", "INSERT t rows=[(1,2),(3,4),(5,6)]"),
        ParseCase("INSERT t VALUES (1)", "INSERT t rows=[(1)]"),
        ParseCase("INSERT INTO t VALUE (1)", "INSERT t rows=[(1)]"),
        ParseCase("INSERT INTO t VALUES ROW(1, 2), ROW(3, 4)", "INSERT t rows=[(1,2),(3,4)]"),
        ParseCase("INSERT INTO shop.t (id) VALUES (7)", "INSERT shop.t cols=[id] rows=[(7)]"),
        ParseCase("INSERT INTO `my db`.`odd t` (`odd col`) VALUES (1)", "INSERT `my db`.`odd t` cols=[`odd col`] rows=[(1)]"),
        ParseCase("INSERT INTO t (t.a, shop.t.b) VALUES (1, 2)", "INSERT t cols=[a,b] rows=[(1,2)]"),
        ParseCase("INSERT INTO t () VALUES ()", "INSERT t cols=[] rows=[()]"),
        ParseCase("INSERT INTO t (a, b) VALUES (DEFAULT, NULL)", "INSERT t cols=[a,b] rows=[(other(),NULL)]"),
        ParseCase("INSERT INTO t (a) VALUES (-1), (+2), (1 + 1), (NOW()), (?)", "INSERT t cols=[a] rows=[(-1),(2),(other(1,1)),(NOW()),(?0)]"),
        ParseCase("INSERT INTO t (a, b) VALUES (?, ?), (?, ?)", "INSERT t cols=[a,b] rows=[(?0,?1),(?2,?3)]"),
        ParseCase("INSERT INTO t (a) VALUES ('x'');DROP TABLE t;--')", "INSERT t cols=[a] rows=[('x\\');DROP TABLE t;--')]"),
        ParseCase("INSERT INTO t (a) VALUES ((SELECT MAX(a) FROM u))", "INSERT t cols=[a] rows=[(sub(SELECT [MAX(a)] from=[u]))]"),
        ParseCase("INSERT IGNORE INTO t (a) VALUES (1)", "INSERT t cols=[a] rows=[(1)]"),
        ParseCase("INSERT LOW_PRIORITY IGNORE t (a) VALUES (1)", "INSERT t cols=[a] rows=[(1)]"),
        ParseCase("INSERT HIGH_PRIORITY INTO t VALUES (1)", "INSERT t rows=[(1)]"),
        ParseCase("INSERT INTO t PARTITION (p0) (a) VALUES (1)", "INSERT t cols=[a] rows=[(1)]"),
        ParseCase("INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE b = VALUES(b)",
                  "INSERT t cols=[a,b] rows=[(1,2)] odku=[b=VALUES(b)]"),
        ParseCase("INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE b = b + 1, c = DEFAULT",
                  "INSERT t cols=[a,b] rows=[(1,2)] odku=[b=other(b,1),c=other()]"),
        ParseCase("INSERT INTO t VALUES (1), (2) AS new ON DUPLICATE KEY UPDATE a = new.a", "INSERT t rows=[(1),(2)] odku=[a=new.a]"),
        ParseCase("INSERT INTO t VALUES (1) AS new (x) ON DUPLICATE KEY UPDATE a = x", "INSERT t rows=[(1)] odku=[a=x]"),
        ParseCase("INSERT INTO t SET a = 1, b = 'x'", "INSERT t set=[a=1,b='x']"),
        ParseCase("INSERT INTO t SET a = 1 ON DUPLICATE KEY UPDATE a = 2", "INSERT t set=[a=1] odku=[a=2]"),
        ParseCase("INSERT INTO t SELECT * FROM u WHERE id = 5", "INSERT t select=(SELECT [*] from=[u] where=eq(id,5))"),
        ParseCase("INSERT INTO t (a, b) SELECT x, y FROM u", "INSERT t cols=[a,b] select=(SELECT [x,y] from=[u])"),
        ParseCase("INSERT INTO t (SELECT * FROM u)", "INSERT t select=(SELECT [*] from=[u])"),
        ParseCase("INSERT INTO t WITH c AS (SELECT 1) SELECT * FROM c", "INSERT t select=(SELECT with=[c:(SELECT [1])] [*] from=[c])"),
        ParseCase("INSERT INTO t TABLE u", "INSERT t select=(SELECT [*] from=[u])"),
        ParseCase("INSERT INTO t SELECT * FROM u ON DUPLICATE KEY UPDATE a = 1", "INSERT t select=(SELECT [*] from=[u]) odku=[a=1]"),
        ParseCase("INSERT INTO t SELECT a FROM u UNION SELECT b FROM v LIMIT 3",
                  "INSERT t select=(SELECT [a] from=[u] set=[SELECT [b] from=[v]] limit=3)"),
        ParseCase("INSERT INTO t VALUES (1) RETURNING id", "INSERT t rows=[(1)] returning"),
        ParseCase("REPLACE INTO t (a) VALUES (1)", "REPLACE t cols=[a] rows=[(1)]"),
        ParseCase("REPLACE t SET a = 1", "REPLACE t set=[a=1]"),
        ParseCase("REPLACE INTO t SELECT * FROM u", "REPLACE t select=(SELECT [*] from=[u])"),
        ParseCase("INSERT INTO t (a) VALUES (1) /* ; DELETE FROM t */", "INSERT t cols=[a] rows=[(1)]"),
        ParseCase("INSERT INTO t (a) VALUES (1)", "INSERT t cols=[a] rows=[(1)]"),
        ParseCase("INSERT INTO t", "ERROR"),
        ParseCase("INSERT INTO t (a) VALUES", "ERROR"),
        ParseCase("INSERT INTO t (a) VALUES (1", "ERROR"),
        ParseCase("INSERT INTO t (a) VALUES (1),", "ERROR"),
        ParseCase("INSERT INTO t (a) VALUES (1) junk", "ERROR"),
        ParseCase("INSERT INTO t (a, ) VALUES (1)", "ERROR"),
        ParseCase("INSERT INTO t (1) VALUES (1)", "ERROR"),
        ParseCase("INSERT INTO t VALUES (DEFAULT(a))", "ERROR"),
        ParseCase("INSERT INTO t SET a", "ERROR"),
        ParseCase("INSERT INTO t SET f(a) = 1", "ERROR"),
        ParseCase("INSERT INTO t VALUES (1) ON DUPLICATE UPDATE a = 1", "ERROR"),
        ParseCase("INSERT INTO (SELECT 1) VALUES (1)", "ERROR"),
        ParseCase("INSERT 5", "ERROR"),
    ]

    static let updates: [ParseCase] = [
        ParseCase("UPDATE t SET a = 1 WHERE id = 2", "UPDATE [t] set=[a=1] where=eq(id,2)"),
        ParseCase("UPDATE t SET a = 1", "UPDATE [t] set=[a=1]"),
        ParseCase("UPDATE shop.t AS x SET x.a = 1, b = b + 1 WHERE x.id IN (1, 2)",
                  "UPDATE [shop.t x] set=[x.a=1,b=other(b,1)] where=in(x.id,[1,2])"),
        ParseCase("UPDATE LOW_PRIORITY IGNORE t SET a = DEFAULT", "UPDATE [t] set=[a=other()]"),
        ParseCase("UPDATE t SET a := 1 WHERE id = ?", "UPDATE [t] set=[a=1] where=eq(id,?0)"),
        ParseCase("UPDATE t SET a = ?, b = ? WHERE id = ?", "UPDATE [t] set=[a=?0,b=?1] where=eq(id,?2)"),
        ParseCase("UPDATE t SET a = 1 WHERE id = 2 ORDER BY id LIMIT 1", "UPDATE [t] set=[a=1] where=eq(id,2) order limit=1"),
        ParseCase("UPDATE t SET a = 1 LIMIT 10", "UPDATE [t] set=[a=1] limit=10"),
        ParseCase("UPDATE t SET a = 1 ORDER BY b DESC", "UPDATE [t] set=[a=1] order"),
        ParseCase("UPDATE a JOIN b ON a.id = b.id SET a.x = b.y WHERE b.id = 5",
                  "UPDATE [a, JOIN b ON eq(a.id,b.id)] set=[a.x=b.y] where=eq(b.id,5)"),
        ParseCase("UPDATE a, b SET a.x = b.y WHERE a.id = b.id", "UPDATE [a, b] set=[a.x=b.y] where=eq(a.id,b.id)"),
        ParseCase("UPDATE a LEFT JOIN b USING (id) SET a.x = 1", "UPDATE [a, LEFT b] set=[a.x=1]"),
        ParseCase("UPDATE t SET a = (SELECT MAX(x) FROM u) WHERE id = 1", "UPDATE [t] set=[a=sub(SELECT [MAX(x)] from=[u])] where=eq(id,1)"),
        ParseCase("UPDATE t SET a = 1 WHERE id = 1 OR id = 2 AND k = 3", "UPDATE [t] set=[a=1] where=or(eq(id,1),and(eq(id,2),eq(k,3)))"),
        ParseCase("UPDATE t SET name = 'x'' WHERE id=1' WHERE id = 2", "UPDATE [t] set=[name='x\\' WHERE id=1'] where=eq(id,2)"),
        ParseCase("UPDATE t SET a = 1 /* WHERE id = 1 */", "UPDATE [t] set=[a=1]"),
        ParseCase("UPDATE t SET a = 1 -- WHERE id = 1", "UPDATE [t] set=[a=1]"),
        ParseCase("UPDATE t SET a = 1 /*!50000 WHERE id = 1 */", "UPDATE [t] set=[a=1] where=eq(id,1)"),
        ParseCase("UPDATE t SET value = 1, `end` = 2", "UPDATE [t] set=[value=1,end=2]"),
        ParseCase("UPDATE t SET a = 1 WHERE", "ERROR"),
        ParseCase("UPDATE t WHERE id = 1", "ERROR"),
        ParseCase("UPDATE t SET WHERE id = 1", "ERROR"),
        ParseCase("UPDATE t SET a = 1 WHERE id = 1 junk", "ERROR"),
        ParseCase("UPDATE t SET a = 1, WHERE id = 1", "ERROR"),
        ParseCase("UPDATE SET a = 1", "ERROR"),
        ParseCase("UPDATE t SET a 1", "ERROR"),
    ]

    static let deletes: [ParseCase] = [
        ParseCase("DELETE FROM t WHERE id = 1", "DELETE [t] where=eq(id,1)"),
        ParseCase("DELETE FROM t", "DELETE [t]"),
        ParseCase("DELETE FROM shop.t WHERE id IN (1, 2)", "DELETE [shop.t] where=in(id,[1,2])"),
        ParseCase("DELETE FROM t AS x WHERE x.id = 1", "DELETE [t x] where=eq(x.id,1)"),
        ParseCase("DELETE FROM t x WHERE x.id = 1", "DELETE [t x] where=eq(x.id,1)"),
        ParseCase("DELETE LOW_PRIORITY QUICK IGNORE FROM t WHERE id = 1", "DELETE [t] where=eq(id,1)"),
        ParseCase("DELETE FROM t PARTITION (p0) WHERE id = 1", "DELETE [t] where=eq(id,1)"),
        ParseCase("DELETE FROM t WHERE id = 1 ORDER BY id LIMIT 5", "DELETE [t] where=eq(id,1) order limit=5"),
        ParseCase("DELETE FROM t LIMIT 5", "DELETE [t] limit=5"),
        ParseCase("DELETE FROM t WHERE id = 1 RETURNING id, name", "DELETE [t] where=eq(id,1) returning"),
        ParseCase("DELETE a FROM a JOIN b ON a.id = b.id WHERE b.x = 1",
                  "DELETE targets=[a] [a, JOIN b ON eq(a.id,b.id)] where=eq(b.x,1)"),
        ParseCase("DELETE a, b FROM a JOIN b ON a.id = b.id WHERE a.x = 1",
                  "DELETE targets=[a,b] [a, JOIN b ON eq(a.id,b.id)] where=eq(a.x,1)"),
        ParseCase("DELETE a.*, b.* FROM a, b WHERE a.id = b.id", "DELETE targets=[a,b] [a, b] where=eq(a.id,b.id)"),
        ParseCase("DELETE x FROM shop.a AS x LEFT JOIN b ON x.id = b.id WHERE b.id IS NULL",
                  "DELETE targets=[x] [shop.a x, LEFT b ON eq(x.id,b.id)] where=other(b.id)"),
        ParseCase("DELETE FROM a USING a JOIN b ON a.id = b.id WHERE b.x = 2",
                  "DELETE targets=[a] [a, JOIN b ON eq(a.id,b.id)] where=eq(b.x,2)"),
        ParseCase("DELETE FROM a, b USING a JOIN b ON a.id = b.id", "DELETE targets=[a,b] [a, JOIN b ON eq(a.id,b.id)]"),
        ParseCase("DELETE FROM a.* USING a, b", "DELETE targets=[a] [a, b]"),
        ParseCase("DELETE FROM t WHERE id = (SELECT MIN(id) FROM u)", "DELETE [t] where=eq(id,sub(SELECT [MIN(id)] from=[u]))"),
        ParseCase("DELETE FROM t WHERE id = 1 OR 1 = 1", "DELETE [t] where=or(eq(id,1),eq(1,1))"),
        // Comments hide clauses; executable comments do not.
        ParseCase("DELETE FROM t /* WHERE id=1 */", "DELETE [t]"),
        ParseCase("DELETE FROM t -- WHERE id=1", "DELETE [t]"),
        ParseCase("DELETE FROM t # WHERE id=1", "DELETE [t]"),
        ParseCase("DELETE FROM t /*!50000 WHERE id = 1 */", "DELETE [t] where=eq(id,1)"),
        ParseCase("DELETE FROM t /*!WHERE id = 1*/", "DELETE [t] where=eq(id,1)"),
        ParseCase("DELETE FROM t WHERE name = '/* x */' OR id = 1", "DELETE [t] where=or(eq(name,'/* x */'),eq(id,1))"),
        ParseCase("DELETE/**/FROM/**/t/**/WHERE/**/id=1", "DELETE [t] where=eq(id,1)"),
        ParseCase("DELETE FROM t WHERE", "ERROR"),
        ParseCase("DELETE FROM t WHERE id = 1 junk", "ERROR"),
        ParseCase("DELETE FROM a, b WHERE a.id = 1", "ERROR"),
        ParseCase("DELETE FROM a JOIN b ON a.id = b.id", "ERROR"),
        ParseCase("DELETE a JOIN b", "ERROR"),
        ParseCase("DELETE t", "ERROR"),
        ParseCase("DELETE", "ERROR"),
        ParseCase("DELETE FROM", "ERROR"),
    ]

    @Test(arguments: inserts) func insert(_ c: ParseCase) { checkParse(c) }
    @Test(arguments: updates) func update(_ c: ParseCase) { checkParse(c) }
    @Test(arguments: deletes) func delete(_ c: ParseCase) { checkParse(c) }

    @Test func rowRangesCutTheOriginalText() throws {
        let sql = "INSERT INTO t (a, b) VALUES (1, 'x,)'),( 2 ,'y' ) , ROW(3, (4))  ON DUPLICATE KEY UPDATE b = 1"
        let bytes = Array(sql.utf8)
        guard case .success(.insert(let s)) = Parser.parse(sql) else { Issue.record("did not parse"); return }
        #expect(s.rowRanges.map { String(decoding: bytes[$0], as: UTF8.self) } == ["(1, 'x,)')", "( 2 ,'y' )", "(3, (4))"])
    }

    @Test func rowRangesWithMultiByteText() throws {
        let sql = "INSERT INTO t VALUES ('é✓', 1),('日本', 2)"
        let bytes = Array(sql.utf8)
        guard case .success(.insert(let s)) = Parser.parse(sql) else { Issue.record("did not parse"); return }
        #expect(s.rowRanges.map { String(decoding: bytes[$0], as: UTF8.self) } == ["('é✓', 1)", "('日本', 2)"])
        guard case .literal(.string(let v), let r)? = s.rows.last?.first else { Issue.record("no literal"); return }
        #expect(v == "日本")
        #expect(String(decoding: bytes[r], as: UTF8.self) == "'日本'")
    }
}
