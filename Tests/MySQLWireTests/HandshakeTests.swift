import NIOCore
import Testing
@testable import MySQLWire

@Suite("HandshakeV10 and HandshakeResponse41")
struct HandshakeTests {
    // MARK: - HandshakeV10

    @Test func decodesMariaDBGreeting() throws {
        let h = try HandshakeV10.decode(hexBuffer(Fixture.mariaDBGreeting))
        #expect(h.protocolVersion == 10)
        #expect(h.serverVersion == "5.5.5-10.11.19-MariaDB-0+deb12u1-log")
        #expect(h.connectionID == 504)
        #expect(h.authPluginData.count == 20)
        #expect(hexString(h.authPluginData) == Fixture.mariaDBGreetingScramble)
        #expect(h.capabilities.rawValue == 0x81FF_F7FE)
        #expect(h.capabilities.isSuperset(of: [.protocol41, .secureConnection, .pluginAuth, .connectWithDB, .transactions,
                                               .multiStatements, .multiResults, .connectAttrs, .pluginAuthLenencClientData]))
        #expect(!h.capabilities.contains(.longPassword), "bit 0 clear: MariaDB announces its extended capabilities")
        #expect(!h.capabilities.contains(.ssl))
        #expect(h.mariaDBExtendedCapabilities == 0x1D)
        #expect(h.characterSet == 45)
        #expect(h.statusFlags == .autocommit)
        #expect(h.authPluginName == AuthScramble.nativePassword)
    }

    @Test func reencodingMariaDBGreetingGivesTheSameBytes() throws {
        let h = try HandshakeV10.decode(hexBuffer(Fixture.mariaDBGreeting))
        var b = ByteBuffer()
        h.encode(into: &b)
        #expect(hexString(b.readableBytesView) == Fixture.mariaDBGreeting)
    }

    @Test func decodeHonoursReaderIndex() throws {
        var b = ByteBuffer(string: "garbage\0")
        b.writeImmutableBuffer(hexBuffer(Fixture.mariaDBGreeting))
        b.moveReaderIndex(forwardBy: 8)
        let h = try HandshakeV10.decode(b)
        #expect(h.serverVersion == "5.5.5-10.11.19-MariaDB-0+deb12u1-log")
        #expect(hexString(h.authPluginData) == Fixture.mariaDBGreetingScramble)
    }

    static let sleetGreeting: HandshakeV10 = {
        var h = HandshakeV10(serverVersion: "5.7.99-Sleet-0.1", connectionID: 0x0102_0304,
                             authPluginData: Array(0x21...0x34), capabilities: .sleetServer, characterSet: 45,
                             statusFlags: .autocommit, authPluginName: AuthScramble.nativePassword)
        h.mariaDBExtendedCapabilities = 0
        return h
    }()

    @Test func sleetGreetingRoundTrips() throws {
        let h = Self.sleetGreeting
        var b = ByteBuffer()
        h.encode(into: &b)
        // Fixed layout: version, NUL, id, scramble part 1, filler, caps low, charset, status, caps high, 21, 10 reserved.
        let bytes = Array(b.readableBytesView)
        let v = Array("5.7.99-Sleet-0.1".utf8)
        #expect(bytes[0] == 10)
        #expect(Array(bytes[1...v.count]) == v)
        let p = v.count + 2
        #expect(Array(bytes[p..<(p + 4)]) == [0x04, 0x03, 0x02, 0x01])
        #expect(Array(bytes[(p + 4)..<(p + 12)]) == Array(0x21...0x28))
        #expect(bytes[p + 12] == 0)
        #expect(bytes[p + 20] == 21, "auth-plugin-data length includes the NUL")
        #expect(bytes[(p + 21)..<(p + 31)].allSatisfy { $0 == 0 })
        #expect(Array(bytes[(p + 31)..<(p + 44)]) == Array(0x29...0x34) + [0])
        #expect(String(decoding: bytes[(p + 44)...], as: UTF8.self) == "mysql_native_password\0")

        let decoded = try HandshakeV10.decode(b)
        #expect(decoded == h)
        #expect(decoded.capabilities == .sleetServer)
        #expect(decoded.capabilities.contains(.longPassword), "Sleet sets bit 0 so clients ignore MariaDB extensions")
    }

    @Test(arguments: [0, 1, 10, 30, 40, 45])
    func truncatedGreetingThrows(cut: Int) {
        let b = hexBuffer(Fixture.mariaDBGreeting).getSlice(at: 0, length: cut)!
        #expect(throws: MySQLProtocolError.self) { try HandshakeV10.decode(b) }
    }

    @Test func errorInsteadOfGreeting() {
        // ERR 1040 "Too many connections" as a server sends it before the handshake (with '#' + SQLSTATE).
        var b = ByteBuffer()
        ERRPacket(MySQLError.tooManyConnections()).encode(into: &b)
        #expect(throws: MySQLProtocolError.unexpectedError(ERRPacket(code: 1040, sqlState: "08004", message: "Too many connections"))) {
            try HandshakeV10.decode(b)
        }
        #expect(throws: MySQLProtocolError.malformed("unsupported protocol version 9")) {
            try HandshakeV10.decode(hexBuffer("09352e3000"))
        }
    }

    // MARK: - HandshakeResponse41

    @Test func decodesMariaDBCLIResponse() throws {
        let r = try HandshakeResponse41.decode(hexBuffer(Fixture.mariaDBCLIResponse))
        #expect(r.capabilities.rawValue == 0x00BF_A28C)
        #expect(r.capabilities.isSuperset(of: [.protocol41, .secureConnection, .pluginAuth, .connectWithDB,
                                               .connectAttrs, .pluginAuthLenencClientData, .multiResults]))
        #expect(!r.capabilities.contains(.deprecateEOF))
        #expect(r.maxPacketSize == 0x0010_0000)
        #expect(r.characterSet == 33)
        #expect(r.username == "app")
        #expect(r.authResponse.count == 20)
        // The CLI was run with -papp-pw: its token is the native scramble of that password.
        #expect(r.authResponse == AuthScramble.nativePasswordToken(password: "app-pw", scramble: hexBytes(Fixture.mariaDBGreetingScramble)))
        #expect(r.database == "app")
        #expect(r.authPluginName == AuthScramble.nativePassword)
        #expect(r.attributes.map(\.0) == ["_os", "_client_name", "_pid", "_client_version", "_platform", "program_name", "_server_host"])
        #expect(r.attributes.map(\.1) == ["Linux", "libmariadb", "12675", "3.3.20", "x86_64", "mysql", "127.0.0.1"])
        #expect(!HandshakeResponse41.isSSLRequest(hexBuffer(Fixture.mariaDBCLIResponse)))
    }

    @Test func reencodingCLIResponseDiffersOnlyInTheFiller() throws {
        let captured = hexBytes(Fixture.mariaDBCLIResponse)
        let r = try HandshakeResponse41.decode(ByteBuffer(bytes: captured))
        var b = ByteBuffer()
        r.encode(into: &b)
        var reencoded = Array(b.readableBytesView)
        #expect(reencoded.count == captured.count)
        // libmariadb puts its extended capabilities (0x1D) in the last 4 of the 23 filler bytes.
        #expect(Array(captured[28..<32]) == [0x1D, 0, 0, 0])
        #expect(Array(reencoded[9..<32]) == Array(repeating: 0, count: 23))
        reencoded.replaceSubrange(28..<32, with: [0x1D, 0, 0, 0])
        #expect(reencoded == captured)
        #expect(try HandshakeResponse41.decode(b) == r)
    }

    /// Every combination of the flags that change the layout.
    static let layoutFlags: [CapabilityFlags] = [.pluginAuthLenencClientData, .secureConnection, .connectWithDB, .connectAttrs, .pluginAuth]

    @Test(arguments: 0..<32)
    func responseRoundTrip(mask: Int) throws {
        var caps: CapabilityFlags = [.protocol41, .longPassword, .transactions, .multiResults]
        for (bit, flag) in Self.layoutFlags.enumerated() where mask & (1 << bit) != 0 { caps.insert(flag) }
        let lenenc = caps.contains(.pluginAuthLenencClientData)
        let secure = caps.contains(.secureConnection)
        // Old-style (NUL-terminated) auth data cannot contain NUL; lenenc data may exceed 255 bytes.
        var authLengths = [0, 20]
        if lenenc || secure { authLengths.append(32) }
        if lenenc { authLengths.append(300) }
        for n in authLengths {
            let auth: [UInt8] = (lenenc || secure) ? (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7) } : (0..<n).map { UInt8(1 + $0 % 200) }
            let r = HandshakeResponse41(
                capabilities: caps, maxPacketSize: 16_777_216, characterSet: 224, username: "user_ü", authResponse: auth,
                database: "shop", authPluginName: "caching_sha2_password",
                attributes: [("_client_name", "test"), ("empty", ""), ("long", String(repeating: "v", count: 260))])
            var b = ByteBuffer()
            r.encode(into: &b)
            let d = try HandshakeResponse41.decode(b)
            #expect(d.capabilities == caps)
            #expect(d.maxPacketSize == 16_777_216)
            #expect(d.characterSet == 224)
            #expect(d.username == "user_ü")
            #expect(d.authResponse == auth, "auth length \(n)")
            #expect(d.database == (caps.contains(.connectWithDB) ? "shop" : nil))
            #expect(d.authPluginName == (caps.contains(.pluginAuth) ? "caching_sha2_password" : nil))
            let attrs = caps.contains(.connectAttrs) ? r.attributes : []
            #expect(d.attributes.map(\.0) == attrs.map(\.0))
            #expect(d.attributes.map(\.1) == attrs.map(\.1))
        }
    }

    @Test func connectWithDBButNoDatabaseDecodesAsNil() throws {
        let r = HandshakeResponse41(capabilities: [.protocol41, .secureConnection, .connectWithDB, .pluginAuth],
                                    maxPacketSize: 1, characterSet: 45, username: "u", authResponse: [],
                                    database: nil, authPluginName: AuthScramble.nativePassword)
        var b = ByteBuffer()
        r.encode(into: &b)
        let d = try HandshakeResponse41.decode(b)
        #expect(d.database == nil)
        #expect(d.authPluginName == AuthScramble.nativePassword)
        #expect(d.authResponse.isEmpty)
    }

    @Test func responseWithoutProtocol41IsRejected() {
        #expect(throws: MySQLProtocolError.malformed("client does not speak protocol 4.1")) {
            try HandshakeResponse41.decode(hexBuffer("0500000000000001" + "08"))
        }
    }

    /// Cuts inside the fixed part, the user name and the auth data must throw; never trap.
    @Test(arguments: [0, 3, 8, 31, 32, 35, 36, 37, 50])
    func truncatedResponseThrows(cut: Int) {
        let b = hexBuffer(Fixture.mariaDBCLIResponse).getSlice(at: 0, length: cut)!
        #expect(throws: MySQLProtocolError.self) { try HandshakeResponse41.decode(b) }
    }

    @Test func sslRequest() {
        var b = ByteBuffer()
        b.writeInteger((CapabilityFlags([.protocol41, .ssl, .secureConnection])).rawValue, endianness: .little)
        b.writeInteger(UInt32(1 << 24), endianness: .little)
        b.writeInteger(UInt8(45))
        b.writeRepeatingByte(0, count: 23)
        #expect(b.readableBytes == 32)
        #expect(HandshakeResponse41.isSSLRequest(b))
        var noSSL = b
        noSSL.setInteger(CapabilityFlags.protocol41.rawValue, at: 0, endianness: .little)
        #expect(!HandshakeResponse41.isSSLRequest(noSSL))
        b.writeInteger(UInt8(0))
        #expect(!HandshakeResponse41.isSSLRequest(b), "33 bytes is a full response, not an SSLRequest")
    }

    // MARK: - AuthSwitchRequest

    @Test func decodesCapturedAuthSwitch() throws {
        let a = try AuthSwitchRequest.decode(hexBuffer(Fixture.authSwitch))
        #expect(a.pluginName == AuthScramble.nativePassword)
        #expect(hexString(a.pluginData) == Fixture.mariaDBGreetingScramble, "trailing NUL dropped")
        var b = ByteBuffer()
        a.encode(into: &b)
        #expect(hexString(b.readableBytesView) == Fixture.authSwitch)
    }

    @Test func authSwitchRoundTripAndRejects() throws {
        let a = AuthSwitchRequest(pluginName: AuthScramble.cachingSHA2, pluginData: Array(1...20))
        var b = ByteBuffer()
        a.encode(into: &b)
        #expect(try AuthSwitchRequest.decode(b) == a)
        #expect(throws: MySQLProtocolError.self) { try AuthSwitchRequest.decode(hexBuffer("00010203")) }
        #expect(throws: MySQLProtocolError.self) { try AuthSwitchRequest.decode(hexBuffer("fe6162")) }
    }
}
