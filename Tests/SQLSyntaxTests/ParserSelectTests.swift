import Testing
@testable import SQLSyntax

/// SELECT: tables, joins, derived tables, items, clauses, set operations, CTEs, locking, INTO.
@Suite("Parser: SELECT")
struct ParserSelectTests {
    static let tables: [ParseCase] = [
        ParseCase("SELECT * FROM users", "SELECT [*] from=[users]"),
        ParseCase("select * from users", "SELECT [*] from=[users]"),
        ParseCase("SELECT * FROM Users", "SELECT [*] from=[Users]"),
        ParseCase("SELECT * FROM users AS u", "SELECT [*] from=[users u]"),
        ParseCase("SELECT * FROM users u", "SELECT [*] from=[users u]"),
        ParseCase("SELECT * FROM shop.users", "SELECT [*] from=[shop.users]"),
        ParseCase("SELECT * FROM shop.users AS u", "SELECT [*] from=[shop.users u]"),
        ParseCase("SELECT * FROM `shop`.`users` `u`", "SELECT [*] from=[shop.users u]"),
        ParseCase("SELECT * FROM `my db`.`odd name`", "SELECT [*] from=[`my db`.`odd name`]"),
        ParseCase("SELECT * FROM `we``ird`", "SELECT [*] from=[`we`ird`]"),
        ParseCase("SELECT * FROM `a.b`", "SELECT [*] from=[`a.b`]"),
        ParseCase("SELECT * FROM `select`", "SELECT [*] from=[select]"),
        ParseCase("SELECT * FROM `ünïcode`", "SELECT [*] from=[`ünïcode`]"),
        ParseCase("SELECT * FROM t1, t2", "SELECT [*] from=[t1, t2]"),
        ParseCase("SELECT * FROM t1 a, shop.t2 AS b", "SELECT [*] from=[t1 a, shop.t2 b]"),
        ParseCase("SELECT 1 FROM DUAL", "SELECT [1]"),
        ParseCase("SELECT 1", "SELECT [1]"),
        ParseCase("SELECT * FROM t PARTITION (p0, p1) AS x", "SELECT [*] from=[t x]"),
        ParseCase("SELECT * FROM t USE INDEX (i) WHERE a = 1", "SELECT [*] from=[t] where=eq(a,1)"),
        ParseCase("SELECT * FROM t AS x FORCE INDEX FOR JOIN (i, j) IGNORE KEY FOR ORDER BY (k)", "SELECT [*] from=[t x]"),
        ParseCase("SELECT * FROM t FULL JOIN u", "SELECT [*] from=[t FULL, JOIN u]"),
        ParseCase("SELECT value, offset, end FROM t", "SELECT [value,offset,end] from=[t]"),
    ]

    static let joins: [ParseCase] = [
        ParseCase("SELECT * FROM users AS u JOIN orders o ON u.id = o.user_id",
                  "SELECT [*] from=[users u, JOIN orders o ON eq(u.id,o.user_id)]"),
        ParseCase("SELECT * FROM a INNER JOIN b ON a.id = b.id", "SELECT [*] from=[a, JOIN b ON eq(a.id,b.id)]"),
        ParseCase("SELECT * FROM a CROSS JOIN b", "SELECT [*] from=[a, JOIN b]"),
        ParseCase("SELECT * FROM a STRAIGHT_JOIN b ON a.x = b.x", "SELECT [*] from=[a, JOIN b ON eq(a.x,b.x)]"),
        ParseCase("SELECT * FROM a LEFT JOIN b ON a.id = b.id", "SELECT [*] from=[a, LEFT b ON eq(a.id,b.id)]"),
        ParseCase("SELECT * FROM a LEFT OUTER JOIN b ON a.id = b.id AND b.x = 1",
                  "SELECT [*] from=[a, LEFT b ON and(eq(a.id,b.id),eq(b.x,1))]"),
        ParseCase("SELECT * FROM a RIGHT JOIN b USING (id)", "SELECT [*] from=[a, RIGHT b]"),
        ParseCase("SELECT * FROM a RIGHT OUTER JOIN b ON a.id = b.id", "SELECT [*] from=[a, RIGHT b ON eq(a.id,b.id)]"),
        ParseCase("SELECT * FROM a NATURAL JOIN b", "SELECT [*] from=[a, NATURAL b]"),
        ParseCase("SELECT * FROM a NATURAL LEFT OUTER JOIN b", "SELECT [*] from=[a, NATURAL b]"),
        ParseCase("SELECT * FROM a NATURAL INNER JOIN b", "SELECT [*] from=[a, NATURAL b]"),
        ParseCase("SELECT * FROM a JOIN b USING (id, k) WHERE a.id = 3", "SELECT [*] from=[a, JOIN b] where=eq(a.id,3)"),
        ParseCase("SELECT * FROM a JOIN b ON a.id = b.id JOIN c ON c.id = b.id",
                  "SELECT [*] from=[a, JOIN b ON eq(a.id,b.id), JOIN c ON eq(c.id,b.id)]"),
        ParseCase("SELECT * FROM a, b JOIN c ON b.x = c.x", "SELECT [*] from=[a, b, JOIN c ON eq(b.x,c.x)]"),
        ParseCase("SELECT * FROM (a, b) JOIN c ON b.x = c.x", "SELECT [*] from=[a, b, JOIN c ON eq(b.x,c.x)]"),
        ParseCase("SELECT * FROM ((a JOIN b ON a.x = b.x) LEFT JOIN c USING (y))",
                  "SELECT [*] from=[a, JOIN b ON eq(a.x,b.x), LEFT c]"),
        ParseCase("SELECT * FROM a LEFT JOIN (b JOIN c ON b.y = c.y) ON a.x = b.x",
                  "SELECT [*] from=[a, LEFT b ON eq(a.x,b.x), JOIN c ON eq(b.y,c.y)]"),
        ParseCase("SELECT * FROM a JOIN b ON (a.id = b.id)", "SELECT [*] from=[a, JOIN b ON eq(a.id,b.id)]"),
        ParseCase("SELECT * FROM a JOIN shop.b AS bb ON a.id = bb.id", "SELECT [*] from=[a, JOIN shop.b bb ON eq(a.id,bb.id)]"),
        ParseCase("SELECT * FROM a JOIN b ON a.id = b.id OR a.k = 1", "SELECT [*] from=[a, JOIN b ON or(eq(a.id,b.id),eq(a.k,1))]"),
        // Nested join syntax it does not model: an error, never a wrong tree.
        ParseCase("SELECT * FROM a JOIN b JOIN c ON c.x = b.x ON b.y = a.y", "ERROR"),
        ParseCase("SELECT * FROM a JOIN", "ERROR"),
        ParseCase("SELECT * FROM a LEFT b", "ERROR"),
        ParseCase("SELECT * FROM { OJ a LEFT OUTER JOIN b ON a.x = b.x }", "ERROR"),
    ]

    static let derived: [ParseCase] = [
        ParseCase("SELECT * FROM (SELECT id FROM users) AS d", "SELECT [*] from=[(SELECT [id] from=[users]) d]"),
        ParseCase("SELECT * FROM (SELECT id FROM users) d WHERE d.id = 1",
                  "SELECT [*] from=[(SELECT [id] from=[users]) d] where=eq(d.id,1)"),
        ParseCase("SELECT * FROM (SELECT 1) AS d (x)", "SELECT [*] from=[(SELECT [1]) d]"),
        ParseCase("SELECT * FROM (SELECT * FROM (SELECT 1) x) y", "SELECT [*] from=[(SELECT [*] from=[(SELECT [1]) x]) y]"),
        ParseCase("SELECT * FROM ((SELECT 1)) AS d", "SELECT [*] from=[(SELECT [1]) d]"),
        ParseCase("SELECT * FROM (SELECT a FROM t UNION SELECT b FROM u) AS d",
                  "SELECT [*] from=[(SELECT [a] from=[t] set=[SELECT [b] from=[u]]) d]"),
        ParseCase("SELECT * FROM t JOIN (SELECT id FROM u WHERE u.k = 5) AS d ON d.id = t.id",
                  "SELECT [*] from=[t, JOIN (SELECT [id] from=[u] where=eq(u.k,5)) d ON eq(d.id,t.id)]"),
        ParseCase("SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c) AS d",
                  "SELECT [*] from=[(SELECT with=[c:(SELECT [1])] [*] from=[c]) d]"),
        ParseCase("SELECT * FROM t, LATERAL (SELECT 1) AS d", "ERROR"),
        ParseCase("SELECT * FROM (SELECT 1", "ERROR"),
    ]

    static let items: [ParseCase] = [
        ParseCase("SELECT a, b FROM t", "SELECT [a,b] from=[t]"),
        ParseCase("SELECT a AS x, b y, c 'z', d AS \"w\", e AS `v v` FROM t", "SELECT [a AS x,b AS y,c AS z,d AS w,e AS `v v`] from=[t]"),
        ParseCase("SELECT t.a, shop.t.b FROM shop.t", "SELECT [t.a,shop.t.b] from=[shop.t]"),
        ParseCase("SELECT t.*, u.* FROM t, u", "SELECT [T . *,U . *] from=[t, u]"),
        ParseCase("SELECT shop.t.* FROM shop.t", "SELECT [SHOP . T . *] from=[shop.t]"),
        ParseCase("SELECT *, a FROM t", "SELECT [*,a] from=[t]"),
        ParseCase("SELECT `we``ird`.`col umn` FROM `we``ird`", "SELECT [`we`ird`.`col umn`] from=[`we`ird`]"),
        ParseCase("SELECT DISTINCT a FROM t", "SELECT distinct [a] from=[t]"),
        ParseCase("SELECT DISTINCTROW a FROM t", "SELECT distinct [a] from=[t]"),
        ParseCase("SELECT ALL a FROM t", "SELECT [a] from=[t]"),
        ParseCase("SELECT SQL_CALC_FOUND_ROWS DISTINCT a FROM t", "SELECT distinct calc [a] from=[t]"),
        ParseCase("SELECT HIGH_PRIORITY SQL_NO_CACHE SQL_BIG_RESULT STRAIGHT_JOIN a FROM t", "SELECT [a] from=[t]"),
        ParseCase("SELECT COUNT(*) FROM t", "SELECT [COUNT(*)] from=[t]"),
        ParseCase("SELECT count(*) AS n FROM t", "SELECT [COUNT(*) AS n] from=[t]"),
        ParseCase("SELECT COUNT(DISTINCT a) FROM t", "SELECT [COUNT(DISTINCT a)] from=[t]"),
        ParseCase("SELECT COUNT(ALL a) FROM t", "SELECT [COUNT(a)] from=[t]"),
        ParseCase("SELECT SUM(a), MIN(b), MAX(c), AVG(d) FROM t", "SELECT [SUM(a),MIN(b),MAX(c),AVG(d)] from=[t]"),
        ParseCase("SELECT SUM(a * 2) FROM t", "SELECT [SUM(other(a,2))] from=[t]"),
        ParseCase("SELECT GROUP_CONCAT(DISTINCT c ORDER BY c SEPARATOR ',') FROM t", "SELECT [GROUP_CONCAT(DISTINCT )] from=[t]"),
        ParseCase("SELECT GROUP_CONCAT((SELECT x FROM u)) FROM t", "SELECT [GROUP_CONCAT(DISTINCT sub(SELECT [x] from=[u]))] from=[t]"),
        ParseCase("SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) FROM t", "SELECT [ROW_NUMBER() OVER] from=[t]"),
        ParseCase("SELECT SUM(a) OVER w FROM t WINDOW w AS (PARTITION BY b)", "SELECT [SUM(a) OVER] from=[t] window"),
        ParseCase("SELECT SUM(a) OVER (), RANK() OVER (ORDER BY a DESC) r FROM t", "SELECT [SUM(a) OVER,RANK() OVER AS r] from=[t]"),
        ParseCase("SELECT NOW(), CONCAT(a, 'x'), IF(a > 1, 'y', 'n') FROM t", "SELECT [NOW(),CONCAT(a,'x'),IF(gt(a,1),'y','n')] from=[t]"),
        ParseCase("SELECT CAST(a AS CHAR), CONVERT(b USING utf8mb4) FROM t", "SELECT [CAST(),CONVERT()] from=[t]"),
        ParseCase("SELECT CAST((SELECT x FROM s) AS CHAR) FROM t", "SELECT [CAST(sub(SELECT [x] from=[s]))] from=[t]"),
        ParseCase("SELECT EXTRACT(YEAR FROM d), TRIM(LEADING 'x' FROM s), SUBSTRING(s FROM 2 FOR 3) FROM t",
                  "SELECT [EXTRACT(),TRIM(),SUBSTRING()] from=[t]"),
        ParseCase("SELECT DATE_ADD(d, INTERVAL 1 DAY), d + INTERVAL 2 HOUR FROM t", "SELECT [DATE_ADD(),other(d,other(2))] from=[t]"),
        ParseCase("SELECT (SELECT MAX(x) FROM u) AS m FROM t", "SELECT [sub(SELECT [MAX(x)] from=[u]) AS m] from=[t]"),
        ParseCase("SELECT (SELECT 1) + 1", "SELECT [other(sub(SELECT [1]),1)]"),
        ParseCase("SELECT ((SELECT 1) + 1) = x FROM t", "SELECT [eq(other(sub(SELECT [1]),1),x)] from=[t]"),
        ParseCase("SELECT ((SELECT 1) UNION (SELECT 2))", "SELECT [sub(SELECT [1] set=[SELECT [2]])]"),
        ParseCase("SELECT EXISTS (SELECT 1 FROM u)", "SELECT [other(sub(SELECT [1] from=[u]))]"),
        ParseCase("SELECT CASE WHEN a = 1 THEN 'x' ELSE 'y' END AS c FROM t", "SELECT [other(eq(a,1),'x','y') AS c] from=[t]"),
        ParseCase("SELECT CASE a WHEN 1 THEN 'x' END FROM t", "SELECT [other(a,1,'x')] from=[t]"),
        ParseCase("SELECT CASE WHEN a THEN b END end FROM t", "SELECT [other(a,b) AS end] from=[t]"),
        ParseCase("SELECT 'a' 'b'", "SELECT ['ab']"),
        ParseCase("SELECT 'a' AS 'b'", "SELECT ['a' AS b]"),
        ParseCase("SELECT @x, @@version", "SELECT [other(),other()]"),
        ParseCase("SELECT @x := 1", "SELECT [other(other(),1)]"),
        ParseCase("SELECT a FROM t WHERE MATCH (a, b) AGAINST ('x' IN BOOLEAN MODE)", "SELECT [a] from=[t] where=other()"),
        ParseCase("SELECT {d '2020-01-01'}", "SELECT [other()]"),
        ParseCase("SELECT ROW(1, 2) = ROW(a, b) FROM t", "SELECT [eq(other(),other())] from=[t]"),
        ParseCase("SELECT JSON_EXTRACT(j, '$.a'), j->'$.b', j->>'$.c' FROM t",
                  "SELECT [JSON_EXTRACT(j,'$.a'),other(j,'$.b'),other(j,'$.c')] from=[t]"),
        ParseCase("SELECT a.b.c.d FROM t", "ERROR"),
        ParseCase("SELECT shop.fn(1)", "ERROR"),
        ParseCase("SELECT FROM t", "ERROR"),
        ParseCase("SELECT a, FROM t", "ERROR"),
        ParseCase("SELECT a AS FROM t", "ERROR"),
        ParseCase("SELECT", "ERROR"),
    ]

    static let clauses: [ParseCase] = [
        ParseCase("SELECT a, COUNT(*) FROM t GROUP BY a", "SELECT [a,COUNT(*)] from=[t] group=[a]"),
        ParseCase("SELECT a, b FROM t GROUP BY a, b WITH ROLLUP", "SELECT [a,b] from=[t] group=[a,b] rollup"),
        ParseCase("SELECT a FROM t GROUP BY a DESC", "SELECT [a] from=[t] group=[a DESC]"),
        ParseCase("SELECT a, COUNT(*) c FROM t GROUP BY a HAVING c > 1", "SELECT [a,COUNT(*) AS c] from=[t] group=[a] having=gt(c,1)"),
        ParseCase("SELECT a FROM t GROUP BY a HAVING COUNT(*) > 1 AND MAX(b) < 5",
                  "SELECT [a] from=[t] group=[a] having=and(gt(COUNT(*),1),lt(MAX(b),5))"),
        ParseCase("SELECT a FROM t ORDER BY a", "SELECT [a] from=[t] order=[a]"),
        ParseCase("SELECT a FROM t ORDER BY a DESC, b ASC, 2", "SELECT [a] from=[t] order=[a DESC,b,2]"),
        ParseCase("SELECT a FROM t ORDER BY FIELD(id, 3, 1, 2)", "SELECT [a] from=[t] order=[FIELD(id,3,1,2)]"),
        ParseCase("SELECT a FROM t ORDER BY t.a DESC LIMIT 1", "SELECT [a] from=[t] order=[t.a DESC] limit=1"),
        ParseCase("SELECT * FROM t LIMIT 5", "SELECT [*] from=[t] limit=5"),
        ParseCase("SELECT * FROM t LIMIT 5, 10", "SELECT [*] from=[t] limit=10,off=5"),
        ParseCase("SELECT * FROM t LIMIT 10 OFFSET 5", "SELECT [*] from=[t] limit=10,off=5"),
        ParseCase("SELECT * FROM t LIMIT 0", "SELECT [*] from=[t] limit=0"),
        ParseCase("SELECT * FROM t LIMIT ?", "SELECT [*] from=[t] limit=_"),
        ParseCase("SELECT * FROM t LIMIT ?, 10", "SELECT [*] from=[t] limit=_,off=-1"),
        ParseCase("SELECT * FROM t LIMIT 10, ?", "SELECT [*] from=[t] limit=_,off=10"),
        ParseCase("SELECT * FROM t LIMIT @n", "SELECT [*] from=[t] limit=_"),
        ParseCase("SELECT * FROM t LIMIT 10 ROWS EXAMINED 1000", "SELECT [*] from=[t] limit=10"),
        ParseCase("SELECT * FROM t LIMIT -1", "ERROR"),
        ParseCase("SELECT * FROM t LIMIT 1.5", "ERROR"),
        ParseCase("SELECT * FROM t LIMIT 'x'", "ERROR"),
        ParseCase("SELECT * FROM t LIMIT", "ERROR"),
        ParseCase("SELECT * FROM t LIMIT 1 LIMIT 2", "ERROR"),
        ParseCase("SELECT * FROM t LIMIT 99999999999999999999", "ERROR"),
        ParseCase("SELECT * FROM t WHERE a = 1 GROUP BY b HAVING c ORDER BY d LIMIT 3",
                  "SELECT [*] from=[t] where=eq(a,1) group=[b] having=c order=[d] limit=3"),
        ParseCase("SELECT * FROM t ORDER BY a WHERE b = 1", "ERROR"),
        ParseCase("SELECT * FROM t GROUP a", "ERROR"),
        ParseCase("SELECT * FROM t PROCEDURE ANALYSE()", "ERROR"),
    ]

    static let locking: [ParseCase] = [
        ParseCase("SELECT * FROM t WHERE id = 1 FOR UPDATE", "SELECT [*] from=[t] where=eq(id,1) lock"),
        ParseCase("SELECT * FROM t FOR SHARE", "SELECT [*] from=[t] lock"),
        ParseCase("SELECT * FROM t LOCK IN SHARE MODE", "SELECT [*] from=[t] lock"),
        ParseCase("SELECT * FROM t FOR UPDATE NOWAIT", "SELECT [*] from=[t] lock"),
        ParseCase("SELECT * FROM t FOR UPDATE OF t SKIP LOCKED", "SELECT [*] from=[t] lock"),
        ParseCase("SELECT * FROM t FOR SHARE OF t, u NOWAIT", "SELECT [*] from=[t] lock"),
        ParseCase("SELECT * FROM t LIMIT 1 FOR UPDATE WAIT 5", "SELECT [*] from=[t] limit=1 lock"),
        ParseCase("SELECT * FROM t FOR DELETE", "ERROR"),
        ParseCase("SELECT * FROM t LOCK IN EXCLUSIVE MODE", "ERROR"),
        ParseCase("SELECT a INTO @x FROM t WHERE id = 1", "SELECT [a] from=[t] where=eq(id,1) into"),
        ParseCase("SELECT a, b INTO @x, @y FROM t", "SELECT [a,b] from=[t] into"),
        ParseCase("SELECT a FROM t WHERE id = 1 INTO @x", "SELECT [a] from=[t] where=eq(id,1) into"),
        ParseCase("SELECT * FROM t INTO OUTFILE '/tmp/x' FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\\n'",
                  "SELECT [*] from=[t] into"),
        ParseCase("SELECT * INTO OUTFILE '/tmp/x' FROM t WHERE id = 2", "SELECT [*] from=[t] where=eq(id,2) into"),
        ParseCase("SELECT * FROM t INTO DUMPFILE '/tmp/x'", "SELECT [*] from=[t] into"),
        ParseCase("SELECT * FROM t FOR UPDATE INTO @x", "SELECT [*] from=[t] lock into"),
        ParseCase("SELECT a INTO 5 FROM t", "ERROR"),
    ]

    static let setOperations: [ParseCase] = [
        ParseCase("SELECT a FROM t UNION SELECT b FROM u", "SELECT [a] from=[t] set=[SELECT [b] from=[u]]"),
        ParseCase("SELECT a FROM t UNION ALL SELECT b FROM u UNION DISTINCT SELECT c FROM v",
                  "SELECT [a] from=[t] set=[SELECT [b] from=[u] | SELECT [c] from=[v]]"),
        ParseCase("SELECT a FROM t INTERSECT SELECT a FROM u EXCEPT SELECT a FROM v",
                  "SELECT [a] from=[t] set=[SELECT [a] from=[u] | SELECT [a] from=[v]]"),
        ParseCase("SELECT * FROM t WHERE id = 1 UNION SELECT * FROM t WHERE id = 2",
                  "SELECT [*] from=[t] where=eq(id,1) set=[SELECT [*] from=[t] where=eq(id,2)]"),
        // Trailing ORDER BY / LIMIT belong to the whole set operation.
        ParseCase("SELECT a FROM t UNION SELECT b FROM u ORDER BY a LIMIT 5",
                  "SELECT [a] from=[t] set=[SELECT [b] from=[u]] order=[a] limit=5"),
        ParseCase("(SELECT a FROM t) UNION (SELECT b FROM u) ORDER BY a LIMIT 5",
                  "SELECT [a] from=[t] set=[SELECT [b] from=[u]] order=[a] limit=5"),
        ParseCase("(SELECT 1) UNION (SELECT 2) LIMIT 1", "SELECT [1] set=[SELECT [2]] limit=1"),
        ParseCase("(SELECT a FROM t) UNION SELECT b FROM u LIMIT 2", "SELECT [a] from=[t] set=[SELECT [b] from=[u]] limit=2"),
        // A term's own ORDER BY / LIMIT stay with it.
        ParseCase("SELECT a FROM t UNION (SELECT b FROM u ORDER BY b LIMIT 2)",
                  "SELECT [a] from=[t] set=[SELECT [b] from=[u] order=[b] limit=2]"),
        ParseCase("(SELECT a FROM t ORDER BY a LIMIT 10) UNION (SELECT b FROM u)",
                  "SELECT [*] from=[(SELECT [a] from=[t] order=[a] limit=10)] set=[SELECT [b] from=[u]]"),
        ParseCase("(SELECT a FROM t ORDER BY a LIMIT 10) UNION (SELECT b FROM u) ORDER BY 1 LIMIT 3",
                  "SELECT [*] from=[(SELECT [a] from=[t] order=[a] limit=10)] set=[SELECT [b] from=[u]] order=[1] limit=3"),
        ParseCase("(SELECT a FROM t ORDER BY a LIMIT 10) ORDER BY b LIMIT 1",
                  "SELECT [*] from=[(SELECT [a] from=[t] order=[a] limit=10)] order=[b] limit=1"),
        ParseCase("(SELECT a FROM t) ORDER BY a LIMIT 1", "SELECT [a] from=[t] order=[a] limit=1"),
        ParseCase("(SELECT a FROM t WHERE id = 3)", "SELECT [a] from=[t] where=eq(id,3)"),
        ParseCase("((SELECT a FROM t))", "SELECT [a] from=[t]"),
        ParseCase("((SELECT 1) UNION (SELECT 2)) UNION SELECT 3", "SELECT [*] from=[(SELECT [1] set=[SELECT [2]])] set=[SELECT [3]]"),
        ParseCase("((SELECT 1) UNION (SELECT 2)) LIMIT 1", "SELECT [1] set=[SELECT [2]] limit=1"),
        ParseCase("SELECT 1 UNION SELECT 2 INTO @x", "SELECT [1] set=[SELECT [2] into] into"),
        ParseCase("SELECT 1 UNION SELECT 2 FOR UPDATE", "SELECT [1] set=[SELECT [2] lock] lock"),
        ParseCase("TABLE t UNION TABLE u LIMIT 1", "SELECT [*] from=[t] set=[SELECT [*] from=[u]] limit=1"),
        // MySQL refuses ORDER BY / LIMIT / INTO / locking before UNION without parentheses.
        ParseCase("SELECT a FROM t LIMIT 1 UNION SELECT b FROM u", "ERROR"),
        ParseCase("SELECT a FROM t ORDER BY a UNION SELECT b FROM u", "ERROR"),
        ParseCase("SELECT a FROM t FOR UPDATE UNION SELECT b FROM u", "ERROR"),
        ParseCase("SELECT 1 UNION", "ERROR"),
        ParseCase("SELECT 1 UNION ALL", "ERROR"),
        ParseCase("(SELECT 1) UNION (SELECT 2) LIMIT 1 LIMIT 2", "ERROR"),
        ParseCase("(SELECT 1", "ERROR"),
        ParseCase("(SELECT 1))", "ERROR"),
    ]

    static let ctes: [ParseCase] = [
        ParseCase("WITH c AS (SELECT id FROM users) SELECT * FROM c", "SELECT with=[c:(SELECT [id] from=[users])] [*] from=[c]"),
        ParseCase("WITH c (x, y) AS (SELECT 1, 2) SELECT x FROM c", "SELECT with=[c:(SELECT [1,2])] [x] from=[c]"),
        ParseCase("WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b",
                  "SELECT with=[a:(SELECT [1]),b:(SELECT [*] from=[a])] [*] from=[b]"),
        ParseCase("WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) SELECT * FROM c",
                  "SELECT with=[c:(SELECT [1] set=[SELECT [other(n,1)] from=[c] where=lt(n,5)])] [*] from=[c]"),
        ParseCase("WITH c AS (SELECT 1) SELECT * FROM c UNION SELECT * FROM c",
                  "SELECT with=[c:(SELECT [1])] [*] from=[c] set=[SELECT [*] from=[c]]"),
        ParseCase("WITH c AS (SELECT id FROM u WHERE id = 7) SELECT * FROM t JOIN c ON t.id = c.id",
                  "SELECT with=[c:(SELECT [id] from=[u] where=eq(id,7))] [*] from=[t, JOIN c ON eq(t.id,c.id)]"),
        ParseCase("WITH `odd name` AS (SELECT 1) SELECT * FROM `odd name`", "SELECT with=[`odd name`:(SELECT [1])] [*] from=[`odd name`]"),
        ParseCase("WITH c AS (SELECT 1) UPDATE t SET a = 1", "ERROR"),
        ParseCase("WITH c AS (SELECT 1) DELETE FROM t", "ERROR"),
        ParseCase("WITH c AS SELECT 1 SELECT * FROM c", "ERROR"),
        ParseCase("WITH c (SELECT 1) SELECT * FROM c", "ERROR"),
        ParseCase("VALUES ROW(1, 2), ROW(3, 4)", "SELECT [other()]"),
        ParseCase("TABLE t", "SELECT [*] from=[t]"),
        ParseCase("TABLE shop.t ORDER BY a LIMIT 2", "SELECT [*] from=[shop.t] order=[a] limit=2"),
    ]

    @Test(arguments: tables) func table(_ c: ParseCase) { checkParse(c) }
    @Test(arguments: joins) func join(_ c: ParseCase) { checkParse(c) }
    @Test(arguments: derived) func derivedTable(_ c: ParseCase) { checkParse(c) }
    @Test(arguments: items) func selectItem(_ c: ParseCase) { checkParse(c) }
    @Test(arguments: clauses) func clause(_ c: ParseCase) { checkParse(c) }
    @Test(arguments: locking) func lockingAndInto(_ c: ParseCase) { checkParse(c) }
    @Test(arguments: setOperations) func setOperation(_ c: ParseCase) { checkParse(c) }
    @Test(arguments: ctes) func cte(_ c: ParseCase) { checkParse(c) }

    @Test func normalizedTextOfItemsAndOrderBy() throws {
        guard case .success(.select(let s)) = Parser.parse("SELECT COUNT( * ), `Name` AS n, 'it''s', t.* FROM t GROUP BY lower(x) ORDER BY Name desc") else {
            Issue.record("did not parse"); return
        }
        #expect(s.items.map(\.normalized) == ["COUNT ( * )", "NAME", "'it\\'s'", "T . *"])
        #expect(s.groupBy.map(\.normalized) == ["LOWER ( X )"])
        #expect(s.orderBy.map(\.normalized) == ["NAME"])
        #expect(s.orderBy.map(\.descending) == [true])
    }

    @Test func limitRange() throws {
        let sql = "SELECT * FROM t WHERE a = 1 LIMIT 10 OFFSET 5 FOR UPDATE"
        guard case .success(.select(let s)) = Parser.parse(sql), let l = s.limit else { Issue.record("did not parse"); return }
        #expect(String(decoding: Array(sql.utf8)[l.range], as: UTF8.self) == "LIMIT 10 OFFSET 5")
    }

    @Test func subqueriesAreListed() throws {
        let sql = "SELECT (SELECT 1 FROM a), x FROM (SELECT 2 FROM b) d JOIN c ON c.k IN (SELECT k FROM e) WHERE EXISTS (SELECT 3 FROM f) ORDER BY (SELECT 4 FROM g)"
        guard case .success(.select(let s)) = Parser.parse(sql) else { Issue.record("did not parse"); return }
        let names = s.subqueries.compactMap { $0.from.first?.ref.table?.name }
        #expect(names.sorted() == ["a", "b", "e", "f", "g"])
    }

    @Test func aggregatesAndWindows() throws {
        guard case .success(.select(let s)) = Parser.parse("SELECT COUNT(*), SUM(a) OVER (), LOWER(MAX(b)), a FROM t") else {
            Issue.record("did not parse"); return
        }
        #expect(s.items.map { $0.expr?.containsAggregate } == [true, false, true, false])
        #expect(s.items.map { $0.expr?.containsWindow } == [false, true, false, false])
    }
}
