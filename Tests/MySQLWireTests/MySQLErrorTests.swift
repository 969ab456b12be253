import NIOCore
import Testing
@testable import MySQLWire

@Suite("MySQLError catalogue")
struct MySQLErrorTests {
    @Test(arguments: MySQLError.catalogue)
    func everyErrorHasACodeAndSQLState(_ e: MySQLError) throws {
        #expect(e.code != 0)
        #expect(e.sqlState.utf8.count == 5)
        #expect(e.sqlState.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }, "SQLSTATE is digits and upper-case letters")
        #expect(!e.message.isEmpty)
        // It survives the trip through an ERR packet unchanged.
        var b = ByteBuffer()
        ReplyEncoder.writeError(e, sequenceID: 1, into: &b)
        let frame = try #require(splitFrames(b).first)
        #expect(ERRPacket.decode(frame.payload, capabilities: .protocol41)?.error == e)
    }

    @Test func catalogueHasNoDuplicateCodes() {
        let codes = MySQLError.catalogue.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(codes.count >= 12)
    }

    /// SPEC.md, "Errors a client sees".
    @Test(arguments: [
        (MySQLError.accessDenied(user: "app", host: "10.0.0.1", usingPassword: true), 1045, "28000", "Access denied for user"),
        (MySQLError.adminRequired(), 1227, "42000", "Access denied; you need the admin privilege"),
        (MySQLError.unsupported("ORDER BY on a scatter"), 1235, "42000", "Sleet does not support"),
        (MySQLError.noHealthyBackend(role: "primary", shard: "s1"), 1105, "HY000", "no healthy primary for shard s1"),
    ])
    func specTable(_ e: MySQLError, code: Int, sqlState: String, prefix: String) {
        #expect(Int(e.code) == code)
        #expect(e.sqlState == sqlState)
        #expect(e.message.hasPrefix(prefix), "\(e.message)")
        #expect(MySQLError.catalogue.contains { $0.code == e.code && $0.sqlState == e.sqlState })
    }

    @Test func messages() {
        #expect(MySQLError.accessDenied(user: "app", host: "h", usingPassword: false).message == "Access denied for user 'app'@'h' (using password: NO)")
        #expect(MySQLError.noHealthyBackend(role: "replica", shard: "s0", detail: "all lagging").message == "no healthy replica for shard s0 (all lagging)")
        #expect(MySQLError.packetTooLarge(limit: 1024).message.contains("1024"))
        #expect(MySQLError.unknownThread(77).message == "Unknown thread id: 77")
        #expect(MySQLError.adminRequired().description == "ERROR 1227 (42000): Access denied; you need the admin privilege for this operation")
    }
}

extension MySQLError: CustomTestStringConvertible {
    public var testDescription: String { "\(code) \(sqlState)" }
}
