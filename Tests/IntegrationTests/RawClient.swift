import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MySQLWire
import NIOCore

/// A small blocking MySQL client over a plain TCP socket, for protocol-level tests: it chooses its
/// own capability flags (e.g. `CLIENT_DEPRECATE_EOF`, which neither the `mariadb` CLI nor
/// libmysqlclient ask for), shows every packet of a reply, and can send arbitrary bytes.
///
/// Not thread-safe: one thread at a time (tests run it on a dedicated thread). Every read has a
/// deadline (`readTimeout`), so a test never hangs on a silent server.
final class RawClient: @unchecked Sendable {
    enum Failure: Error, CustomStringConvertible, Equatable {
        /// connect(2) failed with this errno (ECONNREFUSED once the listener is gone).
        case connectFailed(Int32)
        /// The peer closed the connection (EOF or reset) while a packet was expected.
        case closed(reset: Bool)
        case timeout(String)
        /// The server sent something this client cannot accept (bad sequence id, bad framing...).
        case protocolViolation(String)

        var description: String {
            switch self {
            case .connectFailed(let e): "connect failed: \(String(cString: strerror(e))) (errno \(e))"
            case .closed(let reset): reset ? "connection reset by peer" : "connection closed by peer"
            case .timeout(let what): "timed out waiting for \(what)"
            case .protocolViolation(let why): "protocol violation: \(why)"
            }
        }
    }

    /// What a usual modern client asks for (without DEPRECATE_EOF; add it where wanted).
    static let defaultCapabilities: CapabilityFlags = [
        .longPassword, .longFlag, .protocol41, .transactions, .secureConnection, .multiStatements,
        .multiResults, .psMultiResults, .pluginAuth, .pluginAuthLenencClientData,
    ]

    let fd: Int32
    var readTimeout: Double
    private var inbox: ByteBuffer
    /// The server's greeting (after `readGreeting()` / `login`).
    private(set) var greeting: HandshakeV10?
    /// Client flags sent in the HandshakeResponse41 (requested ∩ server's).
    private(set) var negotiated = CapabilityFlags()

    /// Connects to 127.0.0.1:`port`. Throws `Failure.connectFailed(errno)`.
    init(port: Int, host: String = "127.0.0.1", readTimeout: Double = 15) throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw Failure.connectFailed(errno) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        _ = inet_pton(AF_INET, host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 {
            let e = errno
            Glibc.close(s)
            throw Failure.connectFailed(e)
        }
        var one: Int32 = 1
        _ = setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // Writes never block forever either: a peer that stops reading makes send() fail after 30 s.
        var sendTimeout = timeval(tv_sec: 30, tv_usec: 0)
        _ = setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        self.fd = s
        self.readTimeout = readTimeout
        self.inbox = ByteBufferAllocator().buffer(capacity: 64 * 1024)
    }

    deinit { Glibc.close(fd) }

    func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    // MARK: Bytes

    /// Sends raw bytes. Returns false if the peer closed/reset the connection before all were sent.
    @discardableResult
    func sendRaw<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        let array = Array(bytes)
        var sent = 0
        while sent < array.count {
            let n = array.withUnsafeBytes { p in
                Glibc.send(fd, p.baseAddress! + sent, array.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            sent += n
        }
        return true
    }

    /// Sends `payload` as one logical packet (split into 16 MiB frames when needed).
    @discardableResult
    func sendPacket(_ payload: ByteBuffer, sequenceID: UInt8) -> Bool {
        var out = ByteBuffer()
        out.writeMySQLPacket(payload, sequenceID: sequenceID)
        return sendRaw(out.readableBytesView)
    }

    @discardableResult
    func sendPacket(_ payload: [UInt8], sequenceID: UInt8) -> Bool {
        sendPacket(ByteBuffer(bytes: payload), sequenceID: sequenceID)
    }

    /// One frame header (length, sequence id) followed by `payload` as given (which need not match the length).
    @discardableResult
    func sendFrame(claimedLength: Int, sequenceID: UInt8, payload: [UInt8]) -> Bool {
        let header: [UInt8] = [UInt8(claimedLength & 0xFF), UInt8((claimedLength >> 8) & 0xFF), UInt8((claimedLength >> 16) & 0xFF), sequenceID]
        return sendRaw(header + payload)
    }

    private enum Fill { case data, closed(reset: Bool), timeout }

    /// Reads more bytes into `inbox`, waiting until `deadline`.
    private func fill(deadline: ContinuousClock.Instant) -> Fill {
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return .timeout }
            let ms = Int32(min(Double(Int32.max), max(1, (Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18) * 1000)))
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, ms)
            if r < 0 { if errno == EINTR { continue }; return .closed(reset: true) }
            if r == 0 { continue }
            var got = 0
            var err: Int32 = 0
            inbox.writeWithUnsafeMutableBytes(minimumWritableBytes: 64 * 1024) { p in
                got = recv(fd, p.baseAddress!, p.count, 0)
                err = errno
                return max(got, 0)
            }
            if got > 0 { return .data }
            if got == 0 { return .closed(reset: false) }
            if err == EINTR || err == EAGAIN || err == EWOULDBLOCK { continue }
            return .closed(reset: err == ECONNRESET)
        }
    }

    /// Reads one frame: (sequence id, frame length, payload).
    func readFrame(what: String = "a packet", timeout: Double? = nil) throws -> (seq: UInt8, length: Int, payload: ByteBuffer) {
        let deadline = ContinuousClock.now + .milliseconds(Int((timeout ?? readTimeout) * 1000))
        while true {
            if let header = inbox.getInteger(at: inbox.readerIndex, endianness: .little, as: UInt32.self) {
                let length = Int(header & 0xFF_FFFF)
                if inbox.readableBytes >= 4 + length {
                    inbox.moveReaderIndex(forwardBy: 4)
                    let payload = inbox.readSlice(length: length)!
                    if inbox.readableBytes == 0 { inbox.clear() }
                    return (UInt8(header >> 24), length, payload)
                }
            }
            switch fill(deadline: deadline) {
            case .data: continue
            case .closed(let reset): throw Failure.closed(reset: reset)
            case .timeout: throw Failure.timeout(what)
            }
        }
    }

    /// Reads one logical packet, joining continuation frames and checking that their sequence ids follow.
    func readPacket(what: String = "a packet", timeout: Double? = nil) throws -> MySQLPacket {
        let first = try readFrame(what: what, timeout: timeout)
        guard first.length == MySQLPacket.maxFramePayload else {
            return MySQLPacket(sequenceID: first.seq, payload: first.payload)
        }
        var joined = ByteBufferAllocator().buffer(capacity: first.length * 2)
        var p = first.payload
        joined.writeBuffer(&p)
        var frames = 1
        var expected = first.seq &+ 1
        while true {
            var next = try readFrame(what: "a continuation frame", timeout: timeout)
            guard next.seq == expected else {
                throw Failure.protocolViolation("continuation frame has sequence id \(next.seq), expected \(expected)")
            }
            joined.writeBuffer(&next.payload)
            frames += 1
            expected &+= 1
            if next.length < MySQLPacket.maxFramePayload { break }
        }
        return MySQLPacket(sequenceID: first.seq, payload: joined, frameCount: frames)
    }

    /// Waits until the peer closes the connection; packets that arrive meanwhile are returned.
    /// `closedAfter` is nil if the connection is still open after `timeout` seconds.
    func waitForClose(timeout: Double) -> (closedAfter: Double?, packets: [MySQLPacket], reset: Bool) {
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int(timeout * 1000))
        var packets: [MySQLPacket] = []
        while true {
            // Hand out complete frames first.
            while let header = inbox.getInteger(at: inbox.readerIndex, endianness: .little, as: UInt32.self),
                  inbox.readableBytes >= 4 + Int(header & 0xFF_FFFF) {
                let length = Int(header & 0xFF_FFFF)
                inbox.moveReaderIndex(forwardBy: 4)
                packets.append(MySQLPacket(sequenceID: UInt8(header >> 24), payload: inbox.readSlice(length: length)!))
            }
            switch fill(deadline: deadline) {
            case .data: continue
            case .closed(let reset): return (Self.seconds(ContinuousClock.now - start), packets, reset)
            case .timeout: return (nil, packets, false)
            }
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    // MARK: Login

    struct LoginResult {
        /// The OK packet, or nil when the login was refused (`error` is set).
        var ok: OKPacket?
        var error: ERRPacket?
        /// The AuthSwitchRequest the server sent, if any.
        var authSwitch: AuthSwitchRequest?
        var greeting: HandshakeV10
    }

    func readGreeting() throws -> HandshakeV10 {
        let packet = try readPacket(what: "the server greeting")
        guard packet.sequenceID == 0 else { throw Failure.protocolViolation("greeting with sequence id \(packet.sequenceID)") }
        let g = try HandshakeV10.decode(packet.payload)
        greeting = g
        return g
    }

    static func token(plugin: String, password: String, scramble: [UInt8]) -> [UInt8] {
        plugin == AuthScramble.cachingSHA2
            ? AuthScramble.cachingSHA2Token(password: password, scramble: scramble)
            : AuthScramble.nativePasswordToken(password: password, scramble: scramble)
    }

    /// Reads the greeting, sends a HandshakeResponse41 and completes authentication (answering one
    /// AuthSwitchRequest with the requested plugin's token).
    func login(user: String, password: String, database: String? = nil,
               capabilities: CapabilityFlags = RawClient.defaultCapabilities,
               authPlugin: String = AuthScramble.nativePassword, characterSet: UInt8 = 45,
               authSwitchSequenceOverride: UInt8? = nil) throws -> LoginResult {
        let g = try greeting ?? readGreeting()
        var caps = capabilities
        if database != nil { caps.insert(.connectWithDB) }
        caps = caps.intersection(g.capabilities)
        negotiated = caps
        let response = HandshakeResponse41(
            capabilities: caps, maxPacketSize: 1 << 30, characterSet: characterSet, username: user,
            authResponse: Self.token(plugin: authPlugin, password: password, scramble: g.authPluginData),
            database: database, authPluginName: authPlugin)
        var payload = ByteBuffer()
        response.encode(into: &payload)
        sendPacket(payload, sequenceID: 1)
        var expectedSeq: UInt8 = 2
        var authSwitch: AuthSwitchRequest?
        while true {
            let packet = try readPacket(what: "the authentication reply")
            guard packet.sequenceID == expectedSeq else {
                throw Failure.protocolViolation("authentication reply has sequence id \(packet.sequenceID), expected \(expectedSeq)")
            }
            switch packet.payload.getInteger(at: packet.payload.readerIndex, as: UInt8.self) {
            case 0x00:
                guard let ok = OKPacket.decode(packet.payload) else { throw Failure.protocolViolation("bad OK packet") }
                return LoginResult(ok: ok, error: nil, authSwitch: authSwitch, greeting: g)
            case 0xFF:
                let err = ERRPacket.decode(packet.payload, capabilities: .protocol41)
                return LoginResult(ok: nil, error: err, authSwitch: authSwitch, greeting: g)
            case 0xFE:
                guard authSwitch == nil else { throw Failure.protocolViolation("second AuthSwitchRequest") }
                let request = try AuthSwitchRequest.decode(packet.payload)
                authSwitch = request
                let t = Self.token(plugin: request.pluginName, password: password, scramble: request.pluginData)
                let seq = authSwitchSequenceOverride ?? (packet.sequenceID &+ 1)
                sendPacket(t, sequenceID: seq)
                expectedSeq = seq &+ 1
            default:
                throw Failure.protocolViolation("unexpected authentication reply 0x\(String(packet.payload.getInteger(at: packet.payload.readerIndex, as: UInt8.self) ?? 0, radix: 16))")
            }
        }
    }

    // MARK: Commands and replies

    /// One packet of a reply, as seen on the wire.
    struct PacketInfo: Equatable, CustomStringConvertible {
        enum Kind: String { case ok = "OK", err = "ERR", columnCount = "count", column = "coldef", eof = "EOF", row = "row", terminatorOK = "OK(0xFE)" }
        var kind: Kind
        var sequenceID: UInt8
        var length: Int
        var description: String { "\(kind.rawValue)#\(sequenceID)[\(length)]" }
    }

    struct ResultSet {
        var columns: [ColumnDefinition41]
        var rows: [[String?]]
        /// Whether an EOF packet separated the column definitions from the rows.
        var eofAfterColumns: Bool
        /// The packet that ended the rows: an EOF (header 0xFE, 5 bytes) or, under DEPRECATE_EOF, an OK with header 0xFE.
        var terminatorHeader: UInt8
        var terminatorLength: Int
        var terminatorStatus: ServerStatus
        /// The terminating OK packet (DEPRECATE_EOF only).
        var terminatorOK: OKPacket?
        var columnNames: [String] { columns.map(\.name) }
    }

    enum Result {
        case ok(OKPacket)
        case error(ERRPacket)
        case resultSet(ResultSet)

        var ok: OKPacket? { if case .ok(let o) = self { o } else { nil } }
        var error: ERRPacket? { if case .error(let e) = self { e } else { nil } }
        var resultSet: ResultSet? { if case .resultSet(let r) = self { r } else { nil } }
    }

    struct Reply {
        var results: [Result]
        /// Every packet of the reply, in order.
        var packets: [PacketInfo]
        var kinds: [PacketInfo.Kind] { packets.map(\.kind) }
    }

    /// COM_CHANGE_USER with a mysql_native_password token over the greeting's scramble; answers an
    /// AuthSwitchRequest (over its new scramble) if one comes. Returns the final reply's payload (OK or ERR).
    func changeUser(user: String, password: String, database: String?) throws -> ByteBuffer {
        let scramble = greeting?.authPluginData ?? []
        let request = ChangeUserRequest(user: user, authResponse: AuthScramble.nativePasswordToken(password: password, scramble: scramble),
                                        database: database, characterSet: 45, authPluginName: AuthScramble.nativePassword)
        var payload = ByteBuffer()
        request.encode(into: &payload, capabilities: [.protocol41, .secureConnection, .pluginAuth])
        guard sendPacket(payload, sequenceID: 0) else { throw Failure.closed(reset: true) }
        let reply = try readPacket(what: "the change-user reply")
        guard reply.payload.getInteger(at: reply.payload.readerIndex, as: UInt8.self) == 0xFE else { return reply.payload }
        let switchRequest = try AuthSwitchRequest.decode(reply.payload)
        guard switchRequest.pluginName == AuthScramble.nativePassword else { throw Failure.protocolViolation("switch to \(switchRequest.pluginName)") }
        guard sendPacket(AuthScramble.nativePasswordToken(password: password, scramble: switchRequest.pluginData), sequenceID: reply.sequenceID &+ 1) else {
            throw Failure.closed(reset: true)
        }
        return try readPacket(what: "the change-user result").payload
    }

    /// Sends COM_QUERY and reads the whole reply.
    func query(_ sql: String, timeout: Double? = nil) throws -> Reply {
        var payload = ByteBuffer()
        payload.writeInteger(Command.query.rawValue)
        payload.writeString(sql)
        let frames = MySQLPacket.frameCount(forPayloadLength: payload.readableBytes)
        guard sendPacket(payload, sequenceID: 0) else { throw Failure.closed(reset: true) }
        return try readReply(firstSequenceID: UInt8(truncatingIfNeeded: frames), timeout: timeout)
    }

    /// Sends a command packet (sequence id 0) and reads one OK/ERR/result-set reply.
    func command(_ payload: [UInt8], timeout: Double? = nil) throws -> Reply {
        guard sendPacket(payload, sequenceID: 0) else { throw Failure.closed(reset: true) }
        return try readReply(firstSequenceID: 1, timeout: timeout)
    }

    /// Reads a reply to COM_QUERY: OK | ERR | result sets, chained while SERVER_MORE_RESULTS_EXISTS is set.
    /// Checks that sequence ids follow one another and that the framing matches the negotiated flags.
    func readReply(firstSequenceID: UInt8 = 1, timeout: Double? = nil) throws -> Reply {
        let deprecateEOF = negotiated.contains(.deprecateEOF)
        var results: [Result] = []
        var infos: [PacketInfo] = []
        var expected = firstSequenceID
        func next(_ what: String) throws -> MySQLPacket {
            let p = try readPacket(what: what, timeout: timeout)
            guard p.sequenceID == expected else {
                throw Failure.protocolViolation("\(what): sequence id \(p.sequenceID), expected \(expected) (packets so far: \(infos))")
            }
            expected = p.lastSequenceID &+ 1
            return p
        }
        while true {
            let first = try next("the first packet of a result")
            let length = first.payload.readableBytes
            let header = first.payload.getInteger(at: first.payload.readerIndex, as: UInt8.self)
            if header == 0x00, length < MySQLPacket.maxFramePayload {
                guard let ok = OKPacket.decode(first.payload) else { throw Failure.protocolViolation("bad OK packet") }
                infos.append(.init(kind: .ok, sequenceID: first.sequenceID, length: length))
                results.append(.ok(ok))
                if ok.status.contains(.moreResultsExist) { continue }
                return Reply(results: results, packets: infos)
            }
            if header == 0xFF {
                infos.append(.init(kind: .err, sequenceID: first.sequenceID, length: length))
                results.append(.error(ERRPacket.decode(first.payload, capabilities: .protocol41) ?? ERRPacket(code: 0, sqlState: "?????", message: "undecodable ERR")))
                return Reply(results: results, packets: infos)
            }
            if header == 0xFB { throw Failure.protocolViolation("LOCAL INFILE request") }
            guard let (count, _) = first.payload.getLengthEncodedInteger(at: first.payload.readerIndex), count > 0, count < 4096 else {
                throw Failure.protocolViolation("bad column count packet (header 0x\(String(header ?? 0, radix: 16)))")
            }
            infos.append(.init(kind: .columnCount, sequenceID: first.sequenceID, length: length))
            var columns: [ColumnDefinition41] = []
            for _ in 0..<count {
                let c = try next("a column definition")
                guard let def = ColumnDefinition41.decode(c.payload) else {
                    throw Failure.protocolViolation("undecodable column definition (packets so far: \(infos))")
                }
                infos.append(.init(kind: .column, sequenceID: c.sequenceID, length: c.payload.readableBytes))
                columns.append(def)
            }
            var eofAfterColumns = false
            if !deprecateEOF {
                let eof = try next("the EOF after the column definitions")
                guard eof.payload.getInteger(at: eof.payload.readerIndex, as: UInt8.self) == 0xFE, eof.payload.readableBytes < 9 else {
                    throw Failure.protocolViolation("expected an EOF packet after the column definitions (packets so far: \(infos))")
                }
                infos.append(.init(kind: .eof, sequenceID: eof.sequenceID, length: eof.payload.readableBytes))
                eofAfterColumns = true
            }
            var rows: [[String?]] = []
            while true {
                let p = try next("a row or the end of the result set")
                let n = p.payload.readableBytes
                let h = p.payload.getInteger(at: p.payload.readerIndex, as: UInt8.self)
                if h == 0xFF {
                    infos.append(.init(kind: .err, sequenceID: p.sequenceID, length: n))
                    results.append(.error(ERRPacket.decode(p.payload, capabilities: .protocol41) ?? ERRPacket(code: 0, sqlState: "?????", message: "undecodable ERR")))
                    return Reply(results: results, packets: infos)
                }
                if h == 0xFE, deprecateEOF ? n < MySQLPacket.maxFramePayload : n < 9 {
                    let status: ServerStatus
                    var ok: OKPacket?
                    if deprecateEOF {
                        // An OK packet with header 0xFE: at least header, 2 length-encoded ints, status, warnings.
                        guard n >= 7, let decoded = OKPacket.decode(p.payload) else {
                            throw Failure.protocolViolation("result set ended by a \(n)-byte 0xFE packet, not an OK packet (packets so far: \(infos))")
                        }
                        ok = decoded
                        status = decoded.status
                        infos.append(.init(kind: .terminatorOK, sequenceID: p.sequenceID, length: n))
                    } else {
                        guard n == 5, let s = EOFPacket.status(of: p.payload) else {
                            throw Failure.protocolViolation("bad EOF packet of \(n) bytes")
                        }
                        status = s
                        infos.append(.init(kind: .eof, sequenceID: p.sequenceID, length: n))
                    }
                    results.append(.resultSet(ResultSet(columns: columns, rows: rows, eofAfterColumns: eofAfterColumns,
                                                         terminatorHeader: 0xFE, terminatorLength: n,
                                                         terminatorStatus: status, terminatorOK: ok)))
                    if status.contains(.moreResultsExist) { break }
                    return Reply(results: results, packets: infos)
                }
                infos.append(.init(kind: .row, sequenceID: p.sequenceID, length: n))
                var b = p.payload
                var row: [String?] = []
                for _ in 0..<columns.count {
                    if b.getInteger(at: b.readerIndex, as: UInt8.self) == 0xFB {
                        b.moveReaderIndex(forwardBy: 1)
                        row.append(nil)
                    } else if let s = b.readLengthEncodedSlice() {
                        row.append(String(buffer: s))
                    } else {
                        throw Failure.protocolViolation("undecodable row (packets so far: \(infos.suffix(8)))")
                    }
                }
                guard b.readableBytes == 0 else { throw Failure.protocolViolation("row has \(b.readableBytes) trailing bytes") }
                rows.append(row)
            }
        }
    }
}
