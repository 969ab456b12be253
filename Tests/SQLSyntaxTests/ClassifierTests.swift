import Testing
@testable import SQLSyntax

struct ClassifyCase: Sendable, CustomTestStringConvertible {
    var sql: String
    var kind: StatementKind
    init(_ sql: String, _ kind: StatementKind) { self.sql = sql; self.kind = kind }
    var testDescription: String { sql.debugDescription }
}

@Suite("Classifier")
struct ClassifierTests {
    static let cases: [ClassifyCase] = [
        // Reads
        ClassifyCase("SELECT 1", .select),
        ClassifyCase("select * from t", .select),
        ClassifyCase("/* c */ SELECT 1", .select),
        ClassifyCase("-- leading comment\nSELECT 1", .select),
        ClassifyCase("# hash comment\nSELECT 1", .select),
        ClassifyCase("/*+ hint */ SELECT 1", .select),
        ClassifyCase("(SELECT 1)", .select),
        ClassifyCase("((SELECT 1) UNION (SELECT 2))", .select),
        ClassifyCase("WITH x AS (SELECT 1) SELECT * FROM x", .select),
        ClassifyCase("VALUES ROW(1, 2)", .select),
        ClassifyCase("TABLE t", .select),
        ClassifyCase("/*!40101 SELECT 1 */", .select),
        // Writes
        ClassifyCase("INSERT INTO t VALUES (1)", .insert),
        ClassifyCase("insert ignore into t set a = 1", .insert),
        ClassifyCase("REPLACE INTO t VALUES (1)", .replace),
        ClassifyCase("UPDATE t SET a = 1 WHERE id = 2", .update),
        ClassifyCase("DELETE FROM t WHERE id = 2", .delete),
        // Session
        ClassifyCase("SET NAMES utf8mb4", .set),
        ClassifyCase("set autocommit = 0", .set),
        ClassifyCase("SET @@session.sql_mode = ''", .set),
        ClassifyCase("USE `My Db`", .use(database: "My Db")),
        ClassifyCase("use MyDb", .use(database: "MyDb")),
        ClassifyCase("USE app;", .use(database: "app")),
        ClassifyCase("USE `we``ird`", .use(database: "we`ird")),
        ClassifyCase("/* x */ use  shop_2", .use(database: "shop_2")),
        ClassifyCase("USE", .other(firstWord: "USE")),
        ClassifyCase("USE 'app'", .other(firstWord: "USE")),
        // KILL
        ClassifyCase("KILL 5", .kill(id: 5, queryOnly: false)),
        ClassifyCase("KILL QUERY 7", .kill(id: 7, queryOnly: true)),
        ClassifyCase("kill connection 9;", .kill(id: 9, queryOnly: false)),
        ClassifyCase("KILL 18446744073709551615", .kill(id: UInt64.max, queryOnly: false)),
        ClassifyCase("KILL 18446744073709551616", .other(firstWord: "KILL")),
        ClassifyCase("KILL", .other(firstWord: "KILL")),
        ClassifyCase("KILL QUERY", .other(firstWord: "KILL")),
        ClassifyCase("KILL x", .other(firstWord: "KILL")),
        ClassifyCase("KILL 5 6", .other(firstWord: "KILL")),
        ClassifyCase("KILL 1.5", .other(firstWord: "KILL")),
        ClassifyCase("KILL USER bob", .other(firstWord: "KILL")),
        // Transactions
        ClassifyCase("BEGIN", .begin),
        ClassifyCase("begin;", .begin),
        ClassifyCase("START TRANSACTION", .begin),
        ClassifyCase("start transaction read only", .begin),
        ClassifyCase("START SLAVE", .other(firstWord: "START")),
        ClassifyCase("START", .other(firstWord: "START")),
        ClassifyCase("COMMIT", .commit),
        ClassifyCase("ROLLBACK", .rollback),
        // Metadata
        ClassifyCase("SHOW TABLES", .show),
        ClassifyCase("SHOW PROXY SHARDS", .show),
        ClassifyCase("DESCRIBE t", .describe),
        ClassifyCase("DESC t", .describe),
        ClassifyCase("EXPLAIN SELECT 1", .explain),
        ClassifyCase("EXPLAIN ROUTE SELECT * FROM users WHERE id = 1", .explain),
        // DDL
        ClassifyCase("CREATE TABLE t (a INT)", .ddl),
        ClassifyCase("ALTER TABLE t ADD b INT", .ddl),
        ClassifyCase("DROP TABLE t", .ddl),
        ClassifyCase("TRUNCATE t", .ddl),
        ClassifyCase("RENAME TABLE a TO b", .ddl),
        ClassifyCase("CALL p(1)", .call),
        // Others
        ClassifyCase("FLUSH TABLES", .other(firstWord: "FLUSH")),
        ClassifyCase("do sleep(1)", .other(firstWord: "DO")),
        ClassifyCase("PROXY RELOAD", .other(firstWord: "PROXY")),
        ClassifyCase("`select` 1", .other(firstWord: "select")),
        ClassifyCase(";", .other(firstWord: ";")),
        ClassifyCase("'SELECT'", .other(firstWord: "SELECT")),
        // Empty
        ClassifyCase("", .empty),
        ClassifyCase("   \n\t ", .empty),
        ClassifyCase("-- only a comment", .empty),
        ClassifyCase("/* only a comment */", .empty),
        ClassifyCase("# only a comment", .empty),
        ClassifyCase("/*+ hint only */", .empty),
    ]

    @Test(arguments: cases)
    func classify(_ c: ClassifyCase) {
        #expect(Classifier.classify(c.sql) == c.kind)
    }

    @Test func classifyFromTokensUsesSourceSpelling() {
        let sql = "USE ShopDB"
        let lexer = Lexer(sql)
        #expect(Classifier.classify(tokens: lexer.tokens(), source: lexer.bytes) == .use(database: "ShopDB"))
        // A source that does not match the tokens falls back to the (upper-cased) token text.
        #expect(Classifier.classify(tokens: lexer.tokens(), source: []) == .use(database: "SHOPDB"))
    }
}
