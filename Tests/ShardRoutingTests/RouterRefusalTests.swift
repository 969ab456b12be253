import Foundation
import Testing
import SQLSyntax
import SleetConfig
@testable import ShardRouting

/// What the planner must refuse (error 1235 `Sleet does not support ...`) and what it must not.
@Suite struct RouterRefusalTests {
    struct Refused: Sendable, CustomStringConvertible {
        var sql: String
        var reason: String
        var database: String? = "app"
        var description: String { sql }
    }

    static let refused: [Refused] = [
        // Merges that can't be exact.
        .init(sql: "SELECT AVG(age) FROM users", reason: "AVG ( AGE ) across shards"),
        .init(sql: "SELECT DISTINCT country FROM users", reason: "SELECT DISTINCT across shards"),
        .init(sql: "SELECT country, COUNT(*) FROM users GROUP BY country HAVING COUNT(*) > 1", reason: "HAVING across shards"),
        .init(sql: "SELECT id, RANK() OVER (ORDER BY age) FROM users", reason: "window functions across shards"),
        .init(sql: "SELECT id FROM users ORDER BY name", reason: "across shards unless it is in the select list"),
        .init(sql: "SELECT COUNT(*) FROM users GROUP BY country", reason: "GROUP BY COUNTRY across shards unless it is in the select list"),
        .init(sql: "SELECT COUNT(DISTINCT country) FROM users", reason: "COUNT(DISTINCT ...) across shards"),
        .init(sql: "SELECT MAX(age) + 1 FROM users", reason: "expressions over aggregates are not"),
        .init(sql: "SELECT name, MAX(age) FROM users", reason: "next to aggregates across shards without GROUP BY"),
        .init(sql: "SELECT country, COUNT(*) FROM users GROUP BY country WITH ROLLUP", reason: "WITH ROLLUP"),
        .init(sql: "SELECT SQL_CALC_FOUND_ROWS * FROM users LIMIT 1", reason: "SQL_CALC_FOUND_ROWS across shards"),
        .init(sql: "SELECT * FROM users INTO OUTFILE '/tmp/x'", reason: "SELECT ... INTO across shards"),
        .init(sql: "SELECT * FROM users LIMIT @n", reason: "LIMIT with placeholders or variables"),
        .init(sql: "SELECT DATE(created) AS d, COUNT(*) FROM users GROUP BY d", reason: "is a select-list alias"),
        .init(sql: "SELECT u.* FROM users u JOIN countries c ON c.code = u.country ORDER BY c.name", reason: "unless it is in the select list"),
        // Joins, subqueries, set operations.
        .init(sql: "SELECT * FROM users u JOIN orders o ON o.user_id = u.id", reason: "a join of sharded tables"),
        .init(sql: "SELECT * FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id = 42 AND o.user_id = 3", reason: "pinned to different shards (s1, s0)"),
        .init(sql: "SELECT * FROM users u JOIN t ON t.a = u.id", reason: "with unsharded table t"),
        .init(sql: "SELECT * FROM countries c LEFT JOIN users u ON u.country = c.code", reason: "LEFT JOIN across shards"),
        .init(sql: "SELECT * FROM users u RIGHT JOIN countries c ON c.code = u.country", reason: "RIGHT JOIN across shards"),
        .init(sql: "SELECT c.code, COUNT(*) FROM countries c LEFT JOIN users u ON u.country = c.code GROUP BY c.code", reason: "LEFT JOIN across shards"),
        .init(sql: "SELECT c.code, COUNT(u.id) FROM countries c LEFT JOIN users u ON u.country = c.code WHERE u.id IS NULL GROUP BY c.code",
              reason: "LEFT JOIN across shards"),
        .init(sql: "SELECT * FROM users u JOIN (countries c JOIN t ON id = 3) ON c.code = u.country", reason: "with unsharded table t"),
        .init(sql: "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders)", reason: "a subquery on a sharded table"),
        .init(sql: "SELECT (SELECT COUNT(*) FROM orders)", reason: "not pinned to one shard"),
        .init(sql: "SELECT (SELECT name FROM users WHERE id = 42), (SELECT name FROM users WHERE id = 3)", reason: "pinned to different shards"),
        .init(sql: "SELECT name FROM users UNION SELECT name FROM users WHERE id = 42", reason: "UNION/INTERSECT/EXCEPT"),
        .init(sql: "WITH x AS (SELECT * FROM users) SELECT * FROM x", reason: "not pinned to one shard"),
        .init(sql: "SELECT * FROM users WHERE id = 42 AND name IN (SELECT name FROM orders WHERE user_id = 42 AND x IN (SELECT x FROM orders WHERE user_id = 3))",
              reason: "a subquery on a sharded table"),
        .init(sql: "SELECT * FROM users PROCEDURE ANALYSE()", reason: "this SELECT statement on sharded table users"),
        // INSERT.
        .init(sql: "INSERT INTO users (name) VALUES ('a')", reason: "without its sharding key column id"),
        .init(sql: "INSERT INTO users VALUES (1, 'a')", reason: "without a column list"),
        .init(sql: "INSERT INTO users (id) VALUES (1 + 1)", reason: "whose key id is not a literal value"),
        .init(sql: "INSERT INTO users (id) VALUES (NULL)", reason: "NULL never equals a key"),
        .init(sql: "INSERT INTO users (id) SELECT 1", reason: "INSERT ... SELECT into sharded table users"),
        .init(sql: "INSERT INTO users (id) VALUES (1) ON DUPLICATE KEY UPDATE id = 2", reason: "changes the sharding key users.id"),
        .init(sql: "INSERT INTO users (id) VALUES (3), (1) RETURNING id", reason: "RETURNING whose rows go to several shards"),
        .init(sql: "INSERT INTO regions (code) VALUES ('mars')", reason: "is not in the list vindex"),
        .init(sql: "INSERT INTO events (ts) VALUES ('soon')", reason: "the range vindex takes integers"),
        .init(sql: "INSERT INTO countries (code) SELECT country FROM users", reason: "into reference table countries"),
        .init(sql: "INSERT INTO countries (code, name) VALUES ('fr', (SELECT name FROM users WHERE id = 42))", reason: "the copies would differ"),
        .init(sql: "INSERT INTO users (id, name) VALUES (42, (SELECT name FROM users WHERE id = 3))", reason: "the rows and the subquery"),
        .init(sql: "INSERT INTO users (id, name) VALUES (3, 'a'), (1, (SELECT a FROM t))", reason: "unless every row goes to s0"),
        .init(sql: "INSERT INTO t (a) VALUES ((SELECT COUNT(*) FROM users))", reason: "not pinned to one shard"),
        .init(sql: "INSERT INTO t (a) SELECT id FROM users", reason: "into unsharded table t"),
        // UPDATE / DELETE.
        .init(sql: "UPDATE users SET id = 1 WHERE id = 42", reason: "an UPDATE that changes the sharding key users.id"),
        .init(sql: "UPDATE orders o SET o.user_id = 1", reason: "changes the sharding key orders.user_id"),
        .init(sql: "UPDATE users SET name = 'x' ORDER BY id LIMIT 1", reason: "ORDER BY/LIMIT on several shards"),
        .init(sql: "DELETE FROM users LIMIT 1", reason: "ORDER BY/LIMIT on several shards"),
        .init(sql: "DELETE FROM users RETURNING id", reason: "RETURNING on several shards"),
        .init(sql: "DELETE FROM countries LIMIT 1", reason: "ORDER BY/LIMIT on reference table countries"),
        .init(sql: "UPDATE countries SET n = (SELECT COUNT(*) FROM users)", reason: "not pinned to one shard"),
        .init(sql: "UPDATE countries c JOIN users u ON u.country = c.code SET c.n = 1", reason: "the copies would differ"),
        .init(sql: "UPDATE users u JOIN countries c ON c.code = u.country SET n = 1", reason: "may write) reference table countries"),
        .init(sql: "DELETE FROM users WHERE id IN (SELECT user_id FROM orders WHERE user_id = 42)", reason: "a subquery on a sharded table"),
        .init(sql: "UPDATE users u JOIN t ON t.a = u.id SET u.name = t.b WHERE u.id = 42", reason: "with unsharded table t"),
        // DDL and other statements.
        .init(sql: "CREATE VIEW v AS SELECT * FROM users", reason: "on sharded table users"),
        .init(sql: "CREATE TABLE t2 AS SELECT * FROM users", reason: "CREATE TABLE ... SELECT from sharded table users"),
        .init(sql: "CREATE TABLE users (id INT) SELECT 1 AS id", reason: "CREATE TABLE ... SELECT for a sharded or reference table"),
        .init(sql: "EXPLAIN SELECT * FROM users", reason: "EXPLAIN of a statement that reaches several shards"),
        .init(sql: "XA START 'x'", reason: "XA transactions"),
        .init(sql: "XA RECOVER", reason: "XA transactions"),
        .init(sql: "LOCK TABLES users WRITE", reason: "LOCK TABLES on sharded table users"),
        .init(sql: "LOAD DATA INFILE '/tmp/x' INTO TABLE countries", reason: "LOAD DATA on reference table countries"),
        .init(sql: "HANDLER users OPEN", reason: "on sharded table users"),
        .init(sql: "DO (SELECT COUNT(*) FROM users)", reason: "on sharded table users"),
        // Session state and SQL prepared statements.
        .init(sql: "SET @x = (SELECT MAX(id) FROM users)", reason: "a SET with a subquery on sharded table users"),
        .init(sql: "SET @x = (SELECT a FROM t)", reason: "a SET with a subquery on unsharded table t"),
        .init(sql: "PREPARE p FROM 'SELECT * FROM orders'", reason: "PREPARE of a statement that does not run on the default shard s0 alone"),
        .init(sql: "PREPARE p FROM 'SELECT AVG(age) FROM users'", reason: "PREPARE of a statement Sleet can't route"),
        .init(sql: "PREPARE p FROM @q", reason: "PREPARE from a variable"),
        .init(sql: "PREPARE p FROM 'USE test'", reason: "changes session state"),
        // Multi-statement texts and hints.
        .init(sql: "SELECT * FROM users WHERE id = 42; SELECT * FROM users WHERE id = 3", reason: "whose statements go to different shards (s1, s0)"),
        .init(sql: "SET @a = 1; SELECT 1", reason: "a multi-statement text unless"),
        .init(sql: "SELECT * FROM users; SELECT 1", reason: "a multi-statement text unless"),
        .init(sql: "SELECT * FROM t;; CREATE VIEW v AS SELECT * FROM users", reason: "on sharded table users"),
        .init(sql: "SELECT 1; SELECT * FROM users WHERE id = 42 PROCEDURE ANALYSE()", reason: "this SELECT statement on sharded table users"),
        .init(sql: "/* sleet:shard=s7 */ SELECT 1", reason: "there is no shard named s7"),
        .init(sql: "/* sleet:shard=s1 */ UPDATE users SET id = 5", reason: "changes the sharding key users.id"),
        .init(sql: "/* sleet:shard=s1 */ SELECT 1; SELECT * FROM users", reason: "a multi-statement text unless"),
        // Other databases change nothing for the sharded one.
        .init(sql: "SELECT * FROM app.users u JOIN users t ON t.id = u.id WHERE u.id = 42", reason: "with unsharded table users", database: "test"),
    ]

    @Test(arguments: refused)
    func isRefused(_ c: Refused) {
        do {
            let plan = try RouterFixture.router.plan(sql: c.sql, database: c.database)
            Issue.record("planned, expected a refusal containing \"\(c.reason)\": \(plan.targets.map(\.shard))")
        } catch {
            #expect(error.description.hasPrefix("Sleet does not support "))
            #expect(error.description.contains(c.reason), "\(error.description)")
        }
    }

    struct Accepted: Sendable, CustomStringConvertible {
        var sql: String
        var shards: [String]
        var database: String? = "app"
        var description: String { sql }
    }

    static let accepted: [Accepted] = [
        .init(sql: "SELECT * FROM users", shards: ["s0", "s1"]),
        .init(sql: "SELECT COUNT(*), SUM(age), MIN(age), MAX(age) FROM users", shards: ["s0", "s1"]),
        .init(sql: "SELECT * FROM users WHERE id = 42", shards: ["s1"]),
        .init(sql: "SELECT AVG(age) FROM users WHERE id = 42", shards: ["s1"]),
        .init(sql: "SELECT * FROM users WHERE id = 0", shards: ["s0", "s1"]),
        .init(sql: "SELECT * FROM users u LEFT JOIN countries c ON c.code = u.country", shards: ["s0", "s1"]),
        .init(sql: "SELECT * FROM countries c JOIN users u ON u.country = c.code", shards: ["s0", "s1"]),
        .init(sql: "SELECT * FROM countries c LEFT JOIN users u ON u.country = c.code AND u.id = 42", shards: ["s1"]),
        .init(sql: "SELECT c.code, COUNT(u.id), MAX(u.age) FROM countries c LEFT JOIN users u ON u.country = c.code GROUP BY c.code", shards: ["s0", "s1"]),
        .init(sql: "SELECT country, COUNT(*) FROM users GROUP BY country ORDER BY 2 DESC LIMIT 3", shards: ["s0", "s1"]),
        .init(sql: "SELECT * FROM users ORDER BY id LIMIT 10, 5", shards: ["s0", "s1"]),
        .init(sql: "SELECT * FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id = 42 AND o.user_id = 42", shards: ["s1"]),
        .init(sql: "WITH c AS (SELECT code FROM countries) SELECT * FROM users WHERE country IN (SELECT code FROM c)", shards: ["s0", "s1"]),
        .init(sql: "SELECT * FROM (SELECT * FROM users WHERE id = 42) d", shards: ["s1"]),
        .init(sql: "INSERT INTO users (id, name) VALUES (3, 'a'), (1, 'b')", shards: ["s0", "s1"]),
        .init(sql: "INSERT INTO users (id, name) VALUES (42, (SELECT name FROM countries LIMIT 1))", shards: ["s1"]),
        .init(sql: "INSERT INTO countries (code) VALUES ('fr')", shards: ["s0", "s1"]),
        .init(sql: "UPDATE users SET name = 'x'", shards: ["s0", "s1"]),
        .init(sql: "UPDATE users SET name = 'x' WHERE country IN (SELECT code FROM countries)", shards: ["s0", "s1"]),
        .init(sql: "UPDATE users u JOIN countries c ON c.code = u.country SET u.tax = c.rate WHERE u.id = 42", shards: ["s1"]),
        .init(sql: "DELETE FROM users", shards: ["s0", "s1"]),
        .init(sql: "DELETE FROM users /* WHERE id = 1 */", shards: ["s0", "s1"]),
        .init(sql: "DELETE FROM users WHERE id = 42 LIMIT 1", shards: ["s1"]),
        .init(sql: "UPDATE t JOIN countries c ON c.code = t.code SET t.n = c.name", shards: ["s0"]),
        .init(sql: "CREATE TABLE users (id INT)", shards: ["s0", "s1"]),
        .init(sql: "DROP TABLE users", shards: ["s0", "s1"]),
        .init(sql: "CREATE DATABASE app", shards: ["s0", "s1"]),
        .init(sql: "CREATE TABLE t2 LIKE users", shards: ["s0"]),
        .init(sql: "SET NAMES utf8mb4", shards: ["s0"]),
        .init(sql: "SET @x = (SELECT name FROM countries LIMIT 1)", shards: ["s0"]),
        .init(sql: "USE app", shards: ["s0"]),
        .init(sql: "BEGIN", shards: ["s0"]),
        .init(sql: "SHOW TABLES", shards: ["s0"]),
        .init(sql: "SELECT GET_LOCK('a', 1)", shards: ["s0"]),
        .init(sql: "PREPARE p FROM 'SELECT * FROM t WHERE a = ?'", shards: ["s0"]),
        .init(sql: "/* sleet:shard=s1 */ SELECT AVG(age) FROM users", shards: ["s1"]),
        .init(sql: "/* sleet:shard=s0 */ SELECT * FROM users u JOIN orders o ON o.user_id = u.id", shards: ["s0"]),
        .init(sql: "SELECT * FROM users WHERE id = 42; SELECT * FROM orders WHERE user_id = 42", shards: ["s1"]),
        .init(sql: "SELECT AVG(x), COUNT(DISTINCT y) FROM users GROUP BY z HAVING COUNT(*) > 1", shards: ["s0"], database: "test"),
        .init(sql: "UPDATE users SET id = 1", shards: ["s0"], database: "test"),
        .init(sql: "SELECT * FROM app.users WHERE id = 42", shards: ["s1"], database: nil),
    ]

    @Test(arguments: accepted)
    func isAccepted(_ c: Accepted) throws {
        let plan = try RouterFixture.router.plan(sql: c.sql, database: c.database)
        #expect(plan.targets.map(\.shard) == c.shards)
    }

    // MARK: routing.scatter: reject

    static let rejecting = Router(config: RouterFixture.config(scatter: .reject))

    static let scatterRefused = [
        "SELECT * FROM users",
        "SELECT COUNT(*) FROM users",
        "SELECT * FROM users WHERE name = 'x' ORDER BY id LIMIT 10",
        "SELECT * FROM users WHERE id = 0",
        "SELECT * FROM users WHERE id = '42abc'",
        "SELECT * FROM users u JOIN countries c ON c.code = u.country",
        "SELECT * FROM regions",
        "SELECT * FROM events WHERE ts > 5",
        "UPDATE users SET name = 'x'",
        "UPDATE users SET name = 'x' WHERE id = 1 OR name = 'y'",
        "DELETE FROM orders WHERE total = 0",
        "DELETE FROM users /* WHERE id = 1 */",
    ]

    @Test(arguments: scatterRefused)
    func scatterRejectRefuses(_ sql: String) {
        #expect(throws: RoutingRefusal.self) { try Self.rejecting.plan(sql: sql, database: "app") }
        do {
            _ = try Self.rejecting.plan(sql: sql, database: "app")
        } catch {
            #expect(error.description.contains("without its sharding key (routing.scatter: reject)"), "\(error.description)")
        }
        // The same statement is fine when scatter is allowed.
        #expect(throws: Never.self) { try RouterFixture.router.plan(sql: sql, database: "app") }
    }

    static let scatterAllowed: [(String, [String])] = [
        ("SELECT * FROM users WHERE id = 42", ["s1"]),
        ("SELECT * FROM users WHERE id IN (3, 1)", ["s0", "s1"]),
        ("SELECT * FROM users WHERE id = 3 OR id = 42", ["s0", "s1"]),
        ("SELECT * FROM regions WHERE code IN ('eu', 'us')", ["s0", "s1"]),
        ("UPDATE users SET name = 'x' WHERE id IN (3, 1)", ["s0", "s1"]),
        ("INSERT INTO users (id) VALUES (3), (1)", ["s0", "s1"]),
        ("SELECT * FROM countries", ["s0"]),
        ("UPDATE countries SET name = 'x'", ["s0", "s1"]),
        ("SELECT * FROM t", ["s0"]),
        ("DROP TABLE users", ["s0", "s1"]),
        ("SELECT 1", ["s0"]),
        ("/* sleet:shard=s1 */ SELECT * FROM users", ["s1"]),
        ("/* sleet:shard=s1 */ DELETE FROM users WHERE name = 'x'", ["s1"]),
    ]

    @Test(arguments: scatterAllowed)
    func scatterRejectKeepsKeyedRoutes(_ sql: String, _ shards: [String]) throws {
        let plan = try Self.rejecting.plan(sql: sql, database: "app")
        #expect(plan.targets.map(\.shard) == shards)
        #expect(plan == (try RouterFixture.router.plan(sql: sql, database: "app")))
    }

    /// Over the whole golden corpus, `scatter: reject` changes only unkeyed multi-shard routes, into refusals.
    @Test func scatterRejectOverGoldenFiles() throws {
        var refusedCount = 0
        for name in RouterGoldenTests.files {
            let text = try String(contentsOf: RouterGoldenTests.directory.appendingPathComponent(name), encoding: .utf8)
            for b in try RouterGoldenTests.parse(text, name: name).blocks {
                let allowed = RouterFixture.router.explainRows(sql: b.sql, database: b.database)
                let rejected = Self.rejecting.explainRows(sql: b.sql, database: b.database)
                if allowed == rejected { continue }
                refusedCount += 1
                #expect(rejected.count == 1 && rejected[0][0] == nil, "\(b.sql)")
                #expect(rejected.first?[4]?.contains("(routing.scatter: reject)") == true, "\(b.sql)")
                // Refused either way (the scatter check comes before the merge checks), or an
                // unkeyed route to every shard.
                if allowed.count == 1, allowed[0][0] == nil { continue }
                #expect(allowed.count > 1, "\(b.sql)")
                #expect(allowed.allSatisfy { $0[4]?.contains("-> all shards") == true }, "\(b.sql)")
            }
        }
        #expect(refusedCount > 20)
    }
}

/// Plan properties EXPLAIN ROUTE does not print: how replies combine, session effects, flexibility.
@Suite struct RouterPlanPropertyTests {
    func plan(_ sql: String, _ database: String? = "app") throws -> RoutePlan {
        try RouterFixture.router.plan(sql: sql, database: database)
    }

    @Test func combineAndWrites() throws {
        #expect(try plan("SELECT * FROM users WHERE id = 42").combine == .forward)
        #expect(try plan("SELECT * FROM users WHERE id = 42").isWrite == false)
        let update = try plan("UPDATE users SET a = 1")
        #expect(update.combine == .sumAffected && update.isWrite)
        let split = try plan("INSERT INTO users (id) VALUES (3), (1)")
        #expect(split.combine == .sumAffected && split.isWrite)
        #expect(split.targets.map(\.statement) == ["INSERT INTO users (id) VALUES (3)", "INSERT INTO users (id) VALUES (1)"])
        let reference = try plan("INSERT INTO countries (code) VALUES ('fr')")
        #expect(reference.combine == .firstReply && reference.isWrite)
        let ddl = try plan("ALTER TABLE users ADD COLUMN x INT")
        #expect(ddl.combine == .firstReply && ddl.isWrite)
        #expect(try plan("CREATE TABLE t (a INT)").isWrite)
    }

    @Test func mergeSpecs() throws {
        let paged = try plan("SELECT * FROM users ORDER BY id DESC LIMIT 20, 10")
        #expect(paged.combine == .merge(MergeSpec(orderBy: [.init(.name("id"), descending: true)], offset: 20, limit: 10)))
        #expect(paged.targets.allSatisfy { $0.statement == "SELECT * FROM users ORDER BY id DESC LIMIT 30" })
        let counted = try plan("SELECT country, COUNT(*), SUM(age) FROM users GROUP BY country LIMIT 5")
        #expect(counted.combine == .merge(MergeSpec(limit: 5, aggregates: [.init(1, .count), .init(2, .sum)], groupBy: [.index(0)])))
        #expect(counted.targets.allSatisfy { $0.statement == "SELECT country, COUNT(*), SUM(age) FROM users GROUP BY country" })
        let plain = try plan("SELECT name FROM users")
        #expect(plain.combine == .merge(MergeSpec()))
        #expect(plain.targets.allSatisfy { $0.statement == nil })
    }

    @Test func sessionEffects() throws {
        #expect(try plan("SET @a = 1").effect == .setSession)
        #expect(try plan("SET GLOBAL x = 1").effect == .none)
        #expect(try plan("USE test").effect == .use(database: "test"))
        #expect(try plan("BEGIN").effect == .begin(readOnly: false))
        #expect(try plan("START TRANSACTION READ ONLY").effect == .begin(readOnly: true))
        #expect(try plan("COMMIT").effect == .commit)
        #expect(try plan("ROLLBACK").effect == .rollback)
        #expect(try plan("SAVEPOINT a").effect == .savepoint)
        #expect(try plan("EXPLAIN UPDATE users SET a = 1 WHERE id = 42").isWrite == false)
    }

    /// `flexible`: any shard would answer the same, so the session may use one it has open.
    @Test func flexibility() throws {
        for sql in ["SELECT 1", "SELECT @@version", "SELECT LAST_INSERT_ID()", "SELECT * FROM countries", "SET @a = 1", "USE app",
                    "BEGIN", "SHOW VARIABLES", "SHOW WARNINGS", "DESCRIBE users", "KILL 3"] {
            #expect(try plan(sql).flexible, "\(sql)")
        }
        // Default shard only: unsharded tables, routines, named locks, SQL prepared statements, the schema.
        for sql in ["SELECT * FROM t", "DESCRIBE t", "SELECT GET_LOCK('a', 1)", "SELECT RELEASE_LOCK('a')", "SELECT NEXTVAL(s)",
                    "CALL p()", "DO 1", "UNLOCK TABLES", "PREPARE p FROM 'SELECT 1'", "EXECUTE p", "DEALLOCATE PREPARE p",
                    "SHOW TABLES", "SHOW CREATE TABLE t", "SHOW DATABASES", "CREATE VIEW v AS SELECT 1", "HANDLER t OPEN",
                    "SELECT * FROM users WHERE id = 3", "/* sleet:shard=s1 */ SELECT 1"] {
            #expect(try !plan(sql).flexible, "\(sql)")
        }
    }

    @Test func hintsOverrideRoutes() throws {
        let p = try plan("/* sleet:shard=s1 */ SELECT AVG(age) FROM users")
        #expect(p.targets.map(\.shard) == ["s1"] && p.combine == .forward && p.targets[0].statement == nil)
        let split = try plan("/* sleet:shard=s0 */ INSERT INTO users (id) VALUES (3), (1)")
        #expect(split.targets.map(\.shard) == ["s0"] && split.combine == .forward && split.targets[0].statement == nil)
    }
}
