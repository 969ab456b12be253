import Testing
@testable import SQLSyntax

struct LocalCase: Sendable, CustomTestStringConvertible {
    var sql: String
    /// nil: not answered locally.
    var columns: [String]?
    var functions: [LocalFunction]
    init(_ sql: String, _ columns: [String]?, _ functions: [LocalFunction] = []) {
        self.sql = sql; self.columns = columns; self.functions = functions
    }
    var testDescription: String { sql.debugDescription }
}

@Suite("LocalQuery")
struct LocalQueryTests {
    static let matches: [LocalCase] = [
        LocalCase("SELECT @@version", ["@@version"], [.version]),
        LocalCase("select @@VERSION", ["@@VERSION"], [.version]),
        LocalCase("SELECT VERSION()", ["VERSION()"], [.version]),
        LocalCase("select version()", ["version()"], [.version]),
        LocalCase("SELECT @@version AS v", ["v"], [.version]),
        LocalCase("SELECT @@version v", ["v"], [.version]),
        LocalCase("SELECT @@version AS `Server Version`", ["Server Version"], [.version]),
        LocalCase("SELECT VERSION() AS 'ver'", ["ver"], [.version]),
        LocalCase("SELECT @@version ';'", [";"], [.version]),  // a string alias, even without AS
        LocalCase("SELECT @@version AS MyVer", ["MyVer"], [.version]),
        LocalCase("SELECT @@version, CONNECTION_ID()", ["@@version", "CONNECTION_ID()"], [.version, .connectionID]),
        LocalCase("SELECT connection_id() AS id, @@global.version", ["id", "@@global.version"], [.connectionID, .version]),
        LocalCase("SELECT @@session.version", ["@@session.version"], [.version]),
        LocalCase("SELECT @@version;", ["@@version"], [.version]),
        LocalCase("  /* probe */ SELECT @@version ; ", ["@@version"], [.version]),
        LocalCase("SELECT CONNECTION_ID()", ["CONNECTION_ID()"], [.connectionID]),
    ]

    static let forwarded: [LocalCase] = [
        LocalCase("SELECT @@version_comment", nil),
        LocalCase("SELECT @@version FROM t", nil),
        LocalCase("SELECT VERSION(), 1", nil),
        LocalCase("SELECT @@version LIMIT 1", nil),
        LocalCase("SELECT @@version, @@version_comment", nil),
        LocalCase("SELECT @@version; SELECT 1", nil),
        LocalCase("SELECT @@version;;", nil),
        LocalCase("SELECT @@version,", nil),  // trailing comma: the server's syntax error
        LocalCase("SELECT @@version AS", nil),  // AS without an alias
        LocalCase("SELECT @@version AS v ','", nil),  // a string is not a separator
        LocalCase("SELECT @@version WHERE 1", nil),
        LocalCase("SELECT @@version INTO @v", nil),
        LocalCase("SELECT @@version UNION SELECT 1", nil),
        LocalCase("SELECT VERSION(1)", nil),
        LocalCase("SELECT VERSION", nil),
        LocalCase("SELECT USER()", nil),
        LocalCase("SELECT", nil),
        LocalCase("SELECT 1", nil),
        LocalCase("select @@local.version", nil),
        LocalCase("SHOW VARIABLES LIKE 'version'", nil),
        LocalCase("@@version", nil),
        LocalCase("", nil),
        // 32 items fill exactly 64 tokens; what follows must not be cut off and ignored.
        LocalCase("SELECT " + Array(repeating: "@@version", count: 32).joined(separator: ", ") + " FROM t", nil),
    ]

    @Test(arguments: matches)
    func matchesWithOriginalSpelling(_ c: LocalCase) throws {
        let q = try #require(LocalQuery.match(c.sql))
        #expect(q.columns.map(\.name) == c.columns)
        #expect(q.columns.map(\.function) == c.functions)
    }

    @Test(arguments: forwarded)
    func doesNotMatch(_ c: LocalCase) {
        #expect(LocalQuery.match(c.sql) == nil)
    }

    @Test func manyColumnsUpToTheTokenLimit() throws {
        let sql = "SELECT " + Array(repeating: "@@version", count: 32).joined(separator: ", ")
        let q = try #require(LocalQuery.match(sql))
        #expect(q.columns.count == 32)
        #expect(LocalQuery.match(sql + ";") == nil, "65 tokens: too long to be a local query")
    }

    @Test func equality() throws {
        let a = try #require(LocalQuery.match("SELECT @@version"))
        #expect(a == LocalQuery(columns: [("@@version", .version)]))
        #expect(a != LocalQuery(columns: [("@@version", .connectionID)]))
        #expect(a != LocalQuery(columns: [("@@VERSION", .version)]))
    }
}
