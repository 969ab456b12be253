import SQLSyntax
import Testing

struct ConnectionIDRewriteTests {
    @Test(arguments: [
        ("SELECT CONNECTION_ID(), 1", "SELECT 42, 1"),
        ("select connection_id() + 0", "select 42 + 0"),
        ("SELECT DATABASE(), Connection_Id ( )", "SELECT DATABASE(), 42"),
        ("KILL QUERY CONNECTION_ID()", "KILL QUERY 42"),
        ("SELECT 'CONNECTION_ID()', CONNECTION_ID() -- CONNECTION_ID()", "SELECT 'CONNECTION_ID()', 42 -- CONNECTION_ID()"),
        ("SELECT /* CONNECTION_ID() */ 1", nil),
        ("SELECT `CONNECTION_ID`() FROM t", nil),
        ("SELECT t.CONNECTION_ID() FROM t", nil),
        ("SELECT connection_idx()", nil),
        ("SELECT 1", nil),
    ] as [(String, String?)])
    func rewritesOnlyRealCalls(sql: String, expected: String?) {
        #expect(ConnectionIDRewrite.rewrite(sql, id: 42) == expected)
    }

    @Test func cheapScanIsCaseInsensitiveAndHandlesOverlaps() {
        #expect(ConnectionIDRewrite.mightContain("select cconnection_id"))
        #expect(ConnectionIDRewrite.mightContain("SELECT CONNECTION_ID()"))
        #expect(!ConnectionIDRewrite.mightContain("SELECT connection id"))
        #expect(!ConnectionIDRewrite.mightContain(""))
    }
}
