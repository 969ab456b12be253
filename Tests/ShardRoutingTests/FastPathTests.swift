import Testing
import SQLSyntax
import SleetConfig
@testable import ShardRouting

/// The point-SELECT fast path must give exactly the full planner's route, and must decline anything
/// it does not fully understand.
@Suite struct FastPathTests {
    static let router = Router(config: RouterFixture.config())

    static func fast(_ sql: String, database: String? = "app") -> RoutePlan? {
        let lexer = Lexer(sql)
        return router.fastPointSelect(lexer.tokens(), source: lexer.bytes, database: database)
    }

    static let taken = [
        "SELECT c FROM users WHERE id=5021",
        "select name, email from users where id = 42",
        "SELECT * FROM users WHERE id = -7",
        "SELECT u.name FROM users u WHERE u.id = 1",
        "SELECT u.name FROM users AS u WHERE u.id = 99",
        "SELECT `name` FROM `users` WHERE `id` = 123456789",
        "SELECT * FROM app.users WHERE id = 3 LIMIT 1",
        "SELECT * FROM orders WHERE user_id = 18446744073709551615",
        "SELECT * FROM users WHERE ID = 8",
        "SELECT * FROM events WHERE ts = 1700000000",
    ]

    @Test(arguments: taken)
    func agreesWithTheFullPlanner(_ sql: String) throws {
        let fast = try #require(Self.fast(sql), "fast path declined \(sql)")
        var full = Self.router
        full.describe = true // the full path (the fast path runs only without descriptions)
        let plan = try full.plan(sql: sql, database: "app")
        #expect(plan.targets.map(\.shard) == fast.targets.map(\.shard))
        #expect(plan.targets.map(\.address) == fast.targets.map(\.address))
        #expect(plan.combine == .forward && fast.combine == .forward)
        #expect(plan.effect == .none && !plan.flexible && !plan.isWrite)
    }

    static let declined: [(String, String?)] = [
        ("SELECT c FROM users WHERE id = 0", "app"),               // 0 equals non-numeric strings
        ("SELECT c FROM users WHERE id = '42'", "app"),            // strings take the full path
        ("SELECT c FROM users WHERE id = 4.0", "app"),
        ("SELECT c FROM users WHERE id = 4 OR id = 5", "app"),
        ("SELECT c FROM users WHERE id = 4 AND name = 'x'", "app"),
        ("SELECT c FROM users WHERE name = 4", "app"),
        ("SELECT c FROM users u WHERE x.id = 4", "app"),
        ("SELECT COUNT(*) FROM users WHERE id = 4", "app"),
        ("SELECT c FROM users, orders WHERE id = 4", "app"),
        ("SELECT c FROM users JOIN orders WHERE id = 4", "app"),
        ("SELECT c FROM users FORCE INDEX (p) WHERE id = 4", "app"),
        ("SELECT c FROM users WHERE id = 4 FOR UPDATE", "app"),
        ("SELECT c FROM users WHERE id = 4 UNION SELECT c FROM users WHERE id = 5", "app"),
        ("SELECT c FROM users WHERE id = 4; DELETE FROM users", "app"),
        ("SELECT @x FROM users WHERE id = 4", "app"),
        ("SELECT c FROM users WHERE id = 4", "test"),                // another database: not sharded
        ("SELECT c FROM t WHERE id = 4", "app"),                     // unlisted table
        ("SELECT c FROM countries WHERE code = 4", "app"),           // reference table
        ("SELECT DISTINCT c FROM users WHERE id = 4 INTO @v", "app"),
        ("SELECT c FROM db.t.x WHERE id = 4", "app"),
        ("SELECT c FROM users WHERE id = 4 LIMIT 1, 2", "app"),
        ("SELECT c FROM users WHERE users.id = 4 + 1", "app"),
        ("SELECT * FROM regions WHERE code = 4", "app"),              // not in the list: the full planner decides
    ]

    @Test(arguments: zip(declined.map(\.0), declined.map(\.1)))
    func declinesWhatItDoesNotFullyUnderstand(_ sql: String, _ database: String?) {
        #expect(Self.fast(sql, database: database) == nil, "fast path took \(sql)")
    }
}
