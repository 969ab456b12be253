import Foundation
import MySQLControl
import MySQLWire
import NIOCore
import Testing
import TestSupport

/// Bad clients are disconnected — and only they: malformed packets, handshake stalls, oversized packets.
extension RobustnessTests {
    enum Malformed: String, CaseIterable, Sendable, CustomTestStringConvertible {
        // After login.
        case commandOutOfOrder = "a 5-byte command frame with sequence id 42"
        case emptyCommand = "an empty command frame"
        case truncatedChangeUser = "COM_CHANGE_USER without its NUL-terminated user name"
        case continuationOutOfOrder = "a 16 MiB COM_QUERY whose continuation frame has sequence id 7 instead of 1"
        // Before login.
        case handshakeTruncated = "a HandshakeResponse41 cut after its capability flags"
        case handshakeAuthOverrun = "a HandshakeResponse41 whose auth-response length exceeds the packet"
        case handshakeWithoutProtocol41 = "a HandshakeResponse41 without CLIENT_PROTOCOL_41"
        case handshakeOutOfOrder = "a HandshakeResponse41 with sequence id 0"
        case authSwitchResponseOutOfOrder = "an AuthSwitchResponse with sequence id 9 instead of 3"
        case httpRequest = "an HTTP request instead of a handshake"

        var testDescription: String { rawValue }

        var afterLogin: Bool {
            switch self {
            case .commandOutOfOrder, .emptyCommand, .truncatedChangeUser, .continuationOutOfOrder: true
            default: false
            }
        }

        /// The ERR packet that must arrive before the close, if the case calls for one.
        var requiredError: (code: UInt16, sqlState: String)? {
            switch self {
            case .commandOutOfOrder: (1156, "08S01")
            case .handshakeTruncated, .handshakeAuthOverrun, .handshakeWithoutProtocol41: (1043, "08S01")
            default: nil
            }
        }
    }

    /// Sends the bad bytes of `kind` on `c` (logged in or not, per `kind.afterLogin`).
    static func sendMalformed(_ kind: Malformed, on c: RawClient) throws {
        func handshake(_ caps: CapabilityFlags, user: String = Robust.app) -> ByteBuffer {
            let g = c.greeting!
            var b = ByteBuffer()
            HandshakeResponse41(capabilities: caps, maxPacketSize: 1 << 24, characterSet: 45, username: user,
                                authResponse: AuthScramble.nativePasswordToken(password: Robust.appPassword, scramble: g.authPluginData),
                                database: nil, authPluginName: AuthScramble.nativePassword).encode(into: &b)
            return b
        }
        let caps = RawClient.defaultCapabilities
        switch kind {
        case .commandOutOfOrder:
            c.sendFrame(claimedLength: 5, sequenceID: 42, payload: [Command.query.rawValue] + (0..<4).map { _ in UInt8.random(in: 0x41...0x5A) })
        case .emptyCommand:
            c.sendFrame(claimedLength: 0, sequenceID: 0, payload: [])
        case .truncatedChangeUser:
            c.sendPacket([Command.changeUser.rawValue] + Array("abc".utf8), sequenceID: 0)
        case .continuationOutOfOrder:
            // A valid query split over two frames; only the second frame's sequence id is wrong.
            var sql = Array("SELECT LENGTH('".utf8)
            sql += [UInt8](repeating: UInt8(ascii: "q"), count: MySQLPacket.maxFramePayload + 10 - sql.count)
            sql += Array("')".utf8)
            let payload = [Command.query.rawValue] + sql
            let first = Array(payload[0..<MySQLPacket.maxFramePayload])
            let rest = Array(payload[MySQLPacket.maxFramePayload...])
            c.sendFrame(claimedLength: first.count, sequenceID: 0, payload: first)
            c.sendFrame(claimedLength: rest.count, sequenceID: 7, payload: rest)
        case .handshakeTruncated:
            _ = try c.readGreeting()
            var b = ByteBuffer()
            b.writeInteger(caps.rawValue, endianness: .little)
            b.writeBytes([0x00, 0x00])
            c.sendPacket(b, sequenceID: 1)
        case .handshakeAuthOverrun:
            _ = try c.readGreeting()
            var b = ByteBuffer()
            b.writeInteger(caps.rawValue, endianness: .little)
            b.writeInteger(UInt32(1 << 24), endianness: .little)
            b.writeInteger(UInt8(45))
            b.writeRepeatingByte(0, count: 23)
            b.writeString(Robust.app)
            b.writeInteger(UInt8(0))
            b.writeInteger(UInt8(200))  // claims 200 bytes of auth response...
            b.writeBytes([1, 2, 3])     // ...and has 3
            c.sendPacket(b, sequenceID: 1)
        case .handshakeWithoutProtocol41:
            _ = try c.readGreeting()
            c.sendPacket(handshake(caps.subtracting(.protocol41)), sequenceID: 1)
        case .handshakeOutOfOrder:
            _ = try c.readGreeting()
            c.sendPacket(handshake(caps), sequenceID: 0)
        case .authSwitchResponseOutOfOrder:
            _ = try c.readGreeting()
            var b = ByteBuffer()
            HandshakeResponse41(capabilities: caps, maxPacketSize: 1 << 24, characterSet: 45, username: Robust.app,
                                authResponse: AuthScramble.cachingSHA2Token(password: Robust.appPassword, scramble: c.greeting!.authPluginData),
                                database: nil, authPluginName: AuthScramble.cachingSHA2).encode(into: &b)
            c.sendPacket(b, sequenceID: 1)
            let switchRequest = try c.readPacket(what: "the AuthSwitchRequest")
            let request = try AuthSwitchRequest.decode(switchRequest.payload)
            c.sendPacket(AuthScramble.nativePasswordToken(password: Robust.appPassword, scramble: request.pluginData), sequenceID: 9)
        case .httpRequest:
            _ = try c.readGreeting()
            c.sendRaw(Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        }
    }

    @Test("a malformed or out-of-order packet disconnects that client only", arguments: Malformed.allCases)
    func malformedPacketDisconnectsOnlyItsClient(_ kind: Malformed) async throws {
        try Fleet.require()
        try await Robust.withSleet { sleet in
            // A bystander with a session and a backend connection of its own.
            let bystander = try await Robust.onThread { try sleet.connect() }
            defer { bystander.close() }
            let beforeValue = try await Robust.onThread { try Robust.scalar(bystander, "SELECT 'before'") }
            #expect(beforeValue == "before")
            let bystanderBackend = try await Robust.onThread { try Robust.scalar(bystander, "SELECT @@pseudo_thread_id") }

            let victim = try await Robust.onThread { () -> RawClient in
                let c = try RawClient(port: sleet.port)
                if kind.afterLogin {
                    let login = try c.login(user: Robust.app, password: Robust.appPassword)
                    guard login.ok != nil else { throw RawClient.Failure.protocolViolation("login refused") }
                    // Give the victim a backend connection too.
                    _ = try c.query("SELECT 1")
                }
                return c
            }
            let bothRegistered = await Robust.eventually { sleet.server.registry.count == 2 }
            #expect(bothRegistered, "sessions: \(sleet.server.registry.count)")

            // The bystander runs a statement while the victim misbehaves.
            async let during = Robust.onThread { try Robust.scalar(bystander, "SELECT CONCAT(SLEEP(0.5), 'during')") }
            try? await Task.sleep(for: .milliseconds(100))
            let outcome = try await Robust.onThread { () -> (Double?, [MySQLPacket]) in
                try Self.sendMalformed(kind, on: victim)
                let w = victim.waitForClose(timeout: 4)
                return (w.closedAfter, w.packets)
            }
            let duringValue = try await during
            #expect(duringValue == "0during")

            // The victim was disconnected, having received nothing but (at most) an ERR packet.
            let victimClosed = outcome.0 != nil
            if !victimClosed {
                Issue.record("Sleet must close the connection after \(kind.rawValue); it stayed open and sent \(outcome.1.count) packet(s): \(outcome.1.map { Self.describe($0) })")
            } else {
                for p in outcome.1 {
                    #expect(p.payload.getInteger(at: p.payload.readerIndex, as: UInt8.self) == 0xFF, "only an ERR may precede the close, got \(Self.describe(p))")
                }
                if let required = kind.requiredError {
                    let err = outcome.1.first.flatMap { ERRPacket.decode($0.payload, capabilities: .protocol41) }
                    #expect(err?.code == required.code, "ERR before the close: \(String(describing: err))")
                    #expect(err?.sqlState == required.sqlState)
                }
            }

            // The bystander is untouched: same session, same backend connection.
            let afterValue = try await Robust.onThread { try Robust.scalar(bystander, "SELECT 'after'") }
            #expect(afterValue == "after")
            let bystanderBackendAfter = try await Robust.onThread { try Robust.scalar(bystander, "SELECT @@pseudo_thread_id") }
            #expect(bystanderBackendAfter == bystanderBackend, "the bystander's backend connection changed: \(String(describing: bystanderBackend)) -> \(String(describing: bystanderBackendAfter))")
            // Sleet keeps accepting clients, and forgets the victim's session.
            let fresh = try await Robust.onThread { try sleet.connect() }
            let freshValue = try await Robust.onThread { try Robust.scalar(fresh, "SELECT 'fresh'") }
            #expect(freshValue == "fresh")
            fresh.close()
            if victimClosed {
                let victimForgotten = await Robust.eventually { sleet.server.registry.count == 1 }
                #expect(victimForgotten, "sessions left: \(sleet.server.registry.count)")
            }
        }
    }

    static func describe(_ p: MySQLPacket) -> String {
        if let err = ERRPacket.decode(p.payload, capabilities: .protocol41) { return "ERR \(err.code) (\(err.sqlState)): \(err.message)" }
        let h = p.payload.getInteger(at: p.payload.readerIndex, as: UInt8.self) ?? 0
        return "packet #\(p.sequenceID) header 0x\(String(h, radix: 16)) of \(p.payload.readableBytes) bytes"
    }

    @Test("a client that stalls in the handshake is dropped after handshake_timeout_ms; others are unaffected")
    func handshakeStall() async throws {
        try Fleet.require()
        try await Robust.withSleet({ $0.handshakeTimeoutMs = 500 }) { sleet in
            let bystander = try await Robust.onThread { try sleet.connect() }
            defer { bystander.close() }
            let beforeValue = try await Robust.onThread { try Robust.scalar(bystander, "SELECT 'before'") }
            #expect(beforeValue == "before")

            // Three stalls at once: silent; half a HandshakeResponse; no answer to the AuthSwitchRequest.
            async let silent = Robust.onThread { () -> (Double?, [MySQLPacket]) in
                let start = Robust.now()
                let c = try RawClient(port: sleet.port)
                let w = c.waitForClose(timeout: 5)
                return (w.closedAfter.map { _ in Robust.seconds(since: start) }, w.packets)
            }
            async let half = Robust.onThread { () -> Double? in
                let start = Robust.now()
                let c = try RawClient(port: sleet.port)
                _ = try c.readGreeting()
                c.sendFrame(claimedLength: 100, sequenceID: 1, payload: [UInt8](repeating: 0x41, count: 10))
                return c.waitForClose(timeout: 5).closedAfter.map { _ in Robust.seconds(since: start) }
            }
            async let switched = Robust.onThread { () -> (Double?, String?) in
                let start = Robust.now()
                let c = try RawClient(port: sleet.port)
                let g = try c.readGreeting()
                var b = ByteBuffer()
                HandshakeResponse41(capabilities: RawClient.defaultCapabilities, maxPacketSize: 1 << 24, characterSet: 45,
                                    username: Robust.app, authResponse: AuthScramble.cachingSHA2Token(password: Robust.appPassword, scramble: g.authPluginData),
                                    database: nil, authPluginName: AuthScramble.cachingSHA2).encode(into: &b)
                c.sendPacket(b, sequenceID: 1)
                let request = try AuthSwitchRequest.decode(c.readPacket().payload)
                return (c.waitForClose(timeout: 5).closedAfter.map { _ in Robust.seconds(since: start) }, request.pluginName)
            }
            // The bystander works meanwhile.
            let duringValue = try await Robust.onThread { try Robust.scalar(bystander, "SELECT CONCAT(SLEEP(0.3), 'during')") }
            #expect(duringValue == "0during")

            let s = try await silent
            let closedSilent = try #require(s.0, "a silent client must be disconnected")
            #expect(closedSilent >= 0.4 && closedSilent <= 2.0, "silent client closed after \(closedSilent) s")
            #expect(s.1.count == 1 && s.1.first?.payload.getInteger(at: s.1.first!.payload.readerIndex, as: UInt8.self) == 10,
                    "it got only the greeting: \(s.1.map { Self.describe($0) })")
            let halfResult = try await half
            let closedHalf = try #require(halfResult, "a client that sent half a packet must be disconnected")
            #expect(closedHalf >= 0.4 && closedHalf <= 2.0, "half-packet client closed after \(closedHalf) s")
            let sw = try await switched
            #expect(sw.1 == AuthScramble.nativePassword)
            let closedSwitched = try #require(sw.0, "a client that does not answer the AuthSwitchRequest must be disconnected")
            #expect(closedSwitched >= 0.4 && closedSwitched <= 2.0, "auth-switch staller closed after \(closedSwitched) s")
            print("handshake stall (timeout 500 ms): closed after silent \(closedSilent) s, half packet \(closedHalf) s, auth switch \(closedSwitched) s")

            // Others are unaffected; a logged-in session outlives the handshake timeout.
            let afterValue = try await Robust.onThread { try Robust.scalar(bystander, "SELECT 'after'") }
            #expect(afterValue == "after")
            let fresh = try await Robust.onThread { try Robust.rawLogin(sleet) }
            try? await Task.sleep(for: .milliseconds(800))
            let lateRows = try await Robust.onThread { try fresh.query("SELECT 'late'").results.first?.resultSet?.rows }
            #expect(lateRows == [["late"]])
            let sessionsLeft = await Robust.eventually { sleet.server.registry.count == 2 }
            #expect(sessionsLeft, "sessions: \(sleet.server.registry.count)")
        }
    }

    @Test("max_allowed_packet: an oversized COM_QUERY gets ERR 1153 and a disconnect; other sessions go on")
    func maxAllowedPacketIsEnforced() async throws {
        try Fleet.require()
        try await Robust.withSleet({ $0.maxAllowedPacket = 1 << 20 }) { sleet in
            let bystander = try await Robust.onThread { try sleet.connect() }
            defer { bystander.close() }
            let beforeValue = try await Robust.onThread { try Robust.scalar(bystander, "SELECT 'before'") }
            #expect(beforeValue == "before")
            let ok = try await Robust.onThread { () -> RawClient in
                // Under the limit: fine.
                let ok = try Robust.rawLogin(sleet)
                let small = 900 * 1024
                let r = try ok.query("SELECT LENGTH('" + String(repeating: "s", count: small) + "')")
                #expect(r.results.first?.resultSet?.rows == [["\(small)"]])

                // Over the limit: ERR 1153 (08S01), then the connection is closed.
                let big = try Robust.rawLogin(sleet)
                var payload = ByteBuffer()
                payload.writeInteger(Command.query.rawValue)
                payload.writeString("SELECT LENGTH('" + String(repeating: "b", count: 2 << 20) + "')")
                let sentAll = big.sendPacket(payload, sequenceID: 0)
                let w = big.waitForClose(timeout: 5)
                #expect(w.closedAfter != nil, "an oversized packet must close the connection")
                let errs = w.packets.compactMap { ERRPacket.decode($0.payload, capabilities: .protocol41) }
                #expect(errs.count == 1 && errs.count == w.packets.count, "packets: \(w.packets.map { Self.describe($0) }) (sent all: \(sentAll), reset: \(w.reset))")
                #expect(errs.first?.code == 1153)
                #expect(errs.first?.sqlState == "08S01")
                #expect(errs.first?.message.contains("max_allowed_packet") == true)

                return ok
            }
            // The session under the limit is fine.
            let okRows = try await Robust.onThread { try ok.query("SELECT 'ok'").results.first?.resultSet?.rows }
            #expect(okRows == [["ok"]])
            let afterValue = try await Robust.onThread { try Robust.scalar(bystander, "SELECT 'after'") }
            #expect(afterValue == "after")
            let sessionsLeft = await Robust.eventually { sleet.server.registry.count == 2 }
            #expect(sessionsLeft, "sessions: \(sleet.server.registry.count)")
        }
    }

    @Test("packets of 16 MiB and more cross Sleet in both directions (default max_allowed_packet)", arguments: [false, true])
    func packetsAcrossTheFrameBoundary(deprecateEOF: Bool) async throws {
        try Fleet.require()
        try await Robust.withSleet { sleet in
            try await Robust.onThread {
                var caps = RawClient.defaultCapabilities
                if deprecateEOF { caps.insert(.deprecateEOF) }
                let c = try Robust.rawLogin(sleet, capabilities: caps)
                c.readTimeout = 60
                let n = 17 << 20
                // Client → server: a 17 MiB COM_QUERY (two frames).
                let up = try c.query("SELECT LENGTH('" + String(repeating: "x", count: n) + "'), 'up'")
                #expect(up.results.first?.resultSet?.rows == [["\(n)", "up"]], "\(up.packets)")
                #expect(up.packets.map(\.sequenceID).first == 2, "the reply to a two-frame command starts at sequence id 2")

                // Server → client: a 17 MiB row (its first byte is 0xFE, a length-encoded 8-byte length).
                let down = try c.query("SELECT REPEAT('y', \(n)), 'tail'")
                let rs = try #require(down.results.first?.resultSet, "\(down.packets)")
                #expect(down.kinds == Self.resultSetKinds(columns: 2, rows: 1, deprecateEOF: deprecateEOF), "\(down.packets)")
                let value = try #require(rs.rows.first?.first ?? nil)
                #expect(value.utf8.count == n)
                #expect(value.utf8.allSatisfy { $0 == UInt8(ascii: "y") })
                #expect(rs.rows.first?.last == "tail")

                #expect(try c.query("SELECT 'small again'").results.first?.resultSet?.rows == [["small again"]])
            }
        }
    }
}
