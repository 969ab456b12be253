import NIOCore
import Testing
@testable import MySQLWire

private func encoded(_ body: (inout ByteBuffer) -> Void) -> ByteBuffer {
    var b = ByteBuffer()
    body(&b)
    return b
}

@Suite("OK, ERR, EOF, column definitions, COM_CHANGE_USER")
struct GenericPacketTests {
    // MARK: OK

    @Test func capturedOKAfterInsert() throws {
        let ok = try #require(OKPacket.decode(hexBuffer(Fixture.okInsert)))
        #expect(ok == OKPacket(header: 0, affectedRows: 1, lastInsertID: 1, status: .autocommit, warnings: 0, info: ""))
        #expect(hexString(encoded { ok.encode(into: &$0) }.readableBytesView) == Fixture.okInsert)
        #expect(OKPacket.status(of: hexBuffer(Fixture.okInsert)) == .autocommit)
    }

    @Test func capturedOKWithInfoString() throws {
        let ok = try #require(OKPacket.decode(hexBuffer(Fixture.okInsertWithInfo)))
        #expect(ok.affectedRows == 2)
        #expect(ok.lastInsertID == 42)
        #expect(ok.status == .autocommit)
        #expect(ok.warnings == 0)
        // MariaDB sends the info as a length-encoded string (0x26 = 38 bytes).
        #expect(ok.info == "Records: 2  Duplicates: 0  Warnings: 0")
        #expect(hexString(encoded { ok.encode(into: &$0) }.readableBytesView) == Fixture.okInsertWithInfo)
    }

    @Test(arguments: [
        OKPacket(),
        OKPacket(header: 0xFE, affectedRows: 0, lastInsertID: 0, status: [.autocommit, .moreResultsExist], warnings: 1),
        OKPacket(affectedRows: 250, lastInsertID: 251, status: .inTransaction, warnings: 65535, info: "Rows matched: 1  Changed: 1  Warnings: 0"),
        OKPacket(affectedRows: 70_000, lastInsertID: UInt64.max, status: ServerStatus(rawValue: 0xFFFF), warnings: 2, info: String(repeating: "i", count: 300)),
    ])
    func okRoundTrip(_ ok: OKPacket) throws {
        let b = encoded { ok.encode(into: &$0) }
        #expect(OKPacket.decode(b) == ok)
        #expect(OKPacket.status(of: b) == ok.status)
    }

    @Test func okExactBytes() {
        let ok = OKPacket(affectedRows: 251, lastInsertID: 65536, status: [.autocommit, .inTransaction], warnings: 3)
        #expect(hexString(encoded { ok.encode(into: &$0) }.readableBytesView) == "00" + "fcfb00" + "fd000001" + "0300" + "0300")
    }

    @Test(arguments: ["", "ff1504", "01000000000000", "00fc01", "000000"])
    func notAnOK(_ hex: String) {
        #expect(OKPacket.decode(hexBuffer(hex)) == nil)
    }

    @Test func okWithoutWarningsField() throws {
        // Pre-4.1 style OK: header, affected rows, insert id, status — no warnings.
        let ok = try #require(OKPacket.decode(hexBuffer("0000000200")))
        #expect(ok.warnings == 0)
        #expect(ok.status == .autocommit)
    }

    // MARK: ERR

    @Test func capturedDuplicateKeyError() throws {
        let err = try #require(ERRPacket.decode(hexBuffer(Fixture.errDuplicate), capabilities: .protocol41))
        #expect(err.code == 1062)
        #expect(err.sqlState == "23000")
        #expect(err.message == "Duplicate entry '1' for key 'PRIMARY'")
        #expect(err.error == MySQLError(code: 1062, sqlState: "23000", message: "Duplicate entry '1' for key 'PRIMARY'"))
        #expect(hexString(encoded { err.encode(into: &$0) }.readableBytesView) == Fixture.errDuplicate)
    }

    @Test func errorWithoutProtocol41HasNoSQLState() throws {
        let err = try #require(ERRPacket.decode(hexBuffer(Fixture.errDuplicate), capabilities: []))
        #expect(err.code == 1062)
        #expect(err.sqlState == "HY000")
        #expect(err.message == "#23000Duplicate entry '1' for key 'PRIMARY'")
        // protocol41 but no '#' marker: the whole rest is the message.
        let plain = try #require(ERRPacket.decode(hexBuffer("ff1504" + hexString(Array("oops".utf8))), capabilities: .protocol41))
        #expect(plain == ERRPacket(code: 1045, sqlState: "HY000", message: "oops"))
    }

    @Test func errorEncodingPadsSQLState() {
        let b = encoded { ERRPacket(code: 1105, sqlState: "HY", message: "m").encode(into: &$0) }
        #expect(hexString(b.readableBytesView) == "ff5104" + "23" + "4859303030" + "6d")
        #expect(ERRPacket.decode(hexBuffer("00"), capabilities: .protocol41) == nil)
        #expect(ERRPacket.decode(hexBuffer("ff01"), capabilities: .protocol41) == nil)
    }

    // MARK: EOF

    @Test func eofPackets() {
        let b = encoded { EOFPacket(warnings: 3, status: [.autocommit, .moreResultsExist]).encode(into: &$0) }
        #expect(hexString(b.readableBytesView) == "fe03000a00")
        #expect(EOFPacket.status(of: b) == [.autocommit, .moreResultsExist])
        // Captured after the column definitions of a SELECT without index use.
        #expect(EOFPacket.status(of: hexBuffer("fe00002200")) == [.autocommit, .noIndexUsed])
        #expect(EOFPacket.status(of: hexBuffer("fe0000")) == nil)
    }

    // MARK: ColumnDefinition41

    @Test func capturedColumnDefinitions() throws {
        let id = try #require(ColumnDefinition41.decode(hexBuffer(Fixture.columnID)))
        #expect(id.catalog == "def")
        #expect(id.schema == "app")
        #expect(id.table == "sleet_cap")
        #expect(id.orgTable == "sleet_cap")
        #expect(id.name == "id")
        #expect(id.orgName == "id")
        #expect(id.characterSet == 63)
        #expect(id.columnLength == 11)
        #expect(id.type == ColumnType.long.rawValue)
        #expect(id.flags == 0x4203, "NOT_NULL | PRI_KEY | AUTO_INCREMENT | PART_KEY")
        #expect(id.decimals == 0)

        let v = try #require(ColumnDefinition41.decode(hexBuffer(Fixture.columnV)))
        #expect(v.name == "v")
        #expect(v.characterSet == 45)
        #expect(v.columnLength == 40)
        #expect(v.type == ColumnType.varString.rawValue)
        #expect(v.flags == 0)

        let one = try #require(ColumnDefinition41.decode(hexBuffer(Fixture.columnOne)))
        #expect(one == ColumnDefinition41(name: "one", characterSet: 63, columnLength: 1, type: .long, flags: 0x81))

        for fixture in [Fixture.columnID, Fixture.columnV, Fixture.columnOne] {
            let c = try #require(ColumnDefinition41.decode(hexBuffer(fixture)))
            #expect(hexString(encoded { c.encode(into: &$0) }.readableBytesView) == fixture)
        }
    }

    @Test func columnDefinitionRoundTripAndTruncation() throws {
        var c = ColumnDefinition41(schema: "shop", table: "o", orgTable: "orders", name: "total ✓", orgName: "total",
                                   characterSet: 224, columnLength: 0xFFFF_FFFF, type: .newdecimal, flags: 0x1001, decimals: 2)
        c.catalog = "def"
        let b = encoded { c.encode(into: &$0) }
        #expect(ColumnDefinition41.decode(b) == c)
        for cut in 0..<b.readableBytes - 2 {  // the 2-byte filler at the end is optional
            #expect(ColumnDefinition41.decode(b.getSlice(at: 0, length: cut)!) == nil, "cut at \(cut)")
        }
    }

    // MARK: COM_CHANGE_USER

    /// Captured from libmariadb 3.3.20 (`mysql_change_user(m, "ops", "ops-pw", "shop")`) after the
    /// greeting in `Fixture.mariaDBGreeting`; ends with connect attributes, which are not decoded.
    static let capturedChangeUser = """
        116f7073001403af8b361f03a38d140e3ad8230ffb515d24e5e073686f70002d006d7973716c5f6e61746976655f70617373776f726400\
        6c035f6f73054c696e75780c5f636c69656e745f6e616d650a6c69626d617269616462045f7069640532333135340f5f636c69656e745f\
        76657273696f6e06332e332e3230095f706c6174666f726d067838365f36340c5f7365727665725f686f7374093132372e302e302e31
        """

    @Test func capturedChangeUserRequest() throws {
        let caps: CapabilityFlags = [.protocol41, .secureConnection, .pluginAuth, .connectAttrs]
        let r = try ChangeUserRequest.decode(hexBuffer(Self.capturedChangeUser), capabilities: caps)
        #expect(r.user == "ops")
        #expect(r.authResponse == AuthScramble.nativePasswordToken(password: "ops-pw", scramble: hexBytes(Fixture.mariaDBGreetingScramble)))
        #expect(r.database == "shop")
        #expect(r.characterSet == 45)
        #expect(r.authPluginName == AuthScramble.nativePassword)

        // Re-encoding gives the captured bytes up to the attributes.
        let b = encoded { r.encode(into: &$0, capabilities: caps) }
        #expect(Self.capturedChangeUser.filter { !$0.isWhitespace }.hasPrefix(hexString(b.readableBytesView)))
        #expect(b.readableBytes == 1 + 4 + 21 + 5 + 2 + 22)
    }

    @Test(arguments: [
        ChangeUserRequest(user: "app", authResponse: Array(1...20), database: "app", characterSet: 224, authPluginName: AuthScramble.nativePassword),
        ChangeUserRequest(user: "root", authResponse: [], database: nil, characterSet: 45, authPluginName: AuthScramble.cachingSHA2),
        ChangeUserRequest(user: "ü", authResponse: Array(repeating: 0, count: 32), database: "d b", characterSet: 8, authPluginName: "x"),
    ])
    func changeUserRoundTrip(_ r: ChangeUserRequest) throws {
        let caps: CapabilityFlags = [.protocol41, .secureConnection, .pluginAuth]
        let b = encoded { r.encode(into: &$0, capabilities: caps) }
        #expect(try ChangeUserRequest.decode(b, capabilities: caps) == r)

        // Without CLIENT_PLUGIN_AUTH the plugin name is neither sent nor read.
        let noPlugin: CapabilityFlags = [.protocol41, .secureConnection]
        let b2 = encoded { r.encode(into: &$0, capabilities: noPlugin) }
        var expected = r
        expected.authPluginName = nil
        #expect(try ChangeUserRequest.decode(b2, capabilities: noPlugin) == expected)
    }

    @Test func changeUserDefaultsAndRejects() throws {
        let r = ChangeUserRequest(user: "u", authResponse: [9], database: nil, characterSet: nil, authPluginName: nil)
        let b = encoded { r.encode(into: &$0, capabilities: [.protocol41, .secureConnection, .pluginAuth]) }
        #expect(hexString(b.readableBytesView) == "11" + "7500" + "0109" + "00" + "2d00" + hexString(Array("mysql_native_password\0".utf8)))
        #expect(throws: MySQLProtocolError.self) { try ChangeUserRequest.decode(hexBuffer("0375"), capabilities: .secureConnection) }
        #expect(throws: MySQLProtocolError.self) { try ChangeUserRequest.decode(hexBuffer("117500"), capabilities: .secureConnection) }
        #expect(throws: MySQLProtocolError.self) { try ChangeUserRequest.decode(hexBuffer("1175000501"), capabilities: .secureConnection) }
    }
}

extension ChangeUserRequest: CustomTestStringConvertible {
    public var testDescription: String { "change user \(user) db \(database ?? "nil")" }
}

extension OKPacket: CustomTestStringConvertible {
    public var testDescription: String { "OK affected \(affectedRows) id \(lastInsertID) info \(info.prefix(10))" }
}
