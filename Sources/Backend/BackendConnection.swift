import Logging
import MySQLWire
import NIOCore
import NIOPosix
import SleetConfig

/// One connection to a MySQL server, speaking the client side of the protocol.
///
/// It lives on the event loop of the client session it serves and is used only from there.
/// Replies are scanned frame by frame (headers and first bytes only) and forwarded unchanged;
/// nothing is decoded unless Sleet itself asked the question.
public final class BackendConnection: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    public let endpoint: BackendEndpoint
    public let login: BackendLogin
    /// The server's thread id for this connection (for KILL QUERY).
    public private(set) var threadID: UInt32 = 0
    public private(set) var serverVersion = ""
    public private(set) var capabilities = CapabilityFlags()
    /// Status flags from the last OK/EOF the server sent.
    public private(set) var status = ServerStatus.autocommit
    /// Called once when the connection closes, for whatever reason.
    public var onClose: ((BackendConnection) -> Void)?

    private enum Phase {
        case connecting
        case awaitingGreeting
        case authenticating(scramble: [UInt8], plugin: String)
        case idle
        case forwarding(CommandResponseTracker, BackendReplySink)
        case collecting(CommandResponseTracker, [ByteBuffer], (Result<CollectedReply, BackendError>) -> Void)
        case closed
    }

    private var phase = Phase.connecting
    private var context: ChannelHandlerContext?
    private var pending: ByteBuffer?
    private var readPaused = false
    private var readPending = false
    private var readyCallback: ((Result<BackendConnection, BackendError>) -> Void)?
    private var logger: Logger
    private var timeoutTask: Scheduled<Void>?
    private var closeReason: String?
    private var collectLimit = Int.max
    private var collectedBytes = 0
    private var collectOverflow = false

    init(endpoint: BackendEndpoint, login: BackendLogin, logger: Logger) {
        self.endpoint = endpoint
        self.login = login
        self.logger = logger
        self.logger[metadataKey: "backend"] = "\(endpoint)"
    }

    /// Connects and logs in. `completion` runs on `eventLoop`, exactly once.
    /// Must be called on `eventLoop`.
    public static func connect(to endpoint: BackendEndpoint, login: BackendLogin, on eventLoop: EventLoop, logger: Logger,
                               completion: @escaping (Result<BackendConnection, BackendError>) -> Void) {
        eventLoop.preconditionInEventLoop()
        let handler = BackendConnection(endpoint: endpoint, login: login, logger: logger)
        handler.readyCallback = completion
        let timeout = TimeAmount.milliseconds(Int64(max(login.connectTimeoutMs, 1)))
        let bound = NIOLoopBound(handler, eventLoop: eventLoop)
        handler.timeoutTask = eventLoop.assumeIsolated().scheduleTask(in: timeout * 2) {
            handler.failLogin(.unreachable(endpoint, "login timed out after \(login.connectTimeoutMs * 2) ms"))
        }
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(bound.value)
                }
            }
            .connect(host: endpoint.address.host, port: endpoint.address.port)
            .assumeIsolated()
            .whenFailure { error in
                handler.failLogin(.unreachable(endpoint, "\(error)"))
            }
    }

    // MARK: Commands

    /// True when the connection is logged in and no command is in flight.
    public var isIdle: Bool { if case .idle = phase { true } else { false } }
    public var isClosed: Bool { if case .closed = phase { true } else { false } }

    /// Forwards a client command (already framed, sequence ids as the client sent them) and
    /// streams the reply to `sink`.
    public func forward(_ framed: ByteBuffer, expecting: CommandResponseTracker.Expectation, firstReplySequenceID: UInt8, sink: BackendReplySink) {
        guard case .idle = phase, let context else {
            sink.backendFailed(.lost(endpoint, closeReason ?? "connection not ready"), tracker: CommandResponseTracker(expecting: expecting, deprecateEOF: deprecateEOF))
            return
        }
        phase = .forwarding(CommandResponseTracker(expecting: expecting, deprecateEOF: deprecateEOF, firstSequenceID: firstReplySequenceID), sink)
        context.writeAndFlush(wrapOutboundOut(framed), promise: nil)
    }

    /// Runs a statement of Sleet's own (COM_QUERY) and gathers the reply.
    /// Past `maxBytes` of reply payload the packets are no longer kept (the reply is still read to
    /// its end) and the result says `overflowed`.
    public func query(_ sql: String, maxBytes: Int = .max, completion: @escaping (Result<CollectedReply, BackendError>) -> Void) {
        var payload = ByteBuffer()
        payload.writeInteger(Command.query.rawValue)
        payload.writeString(sql)
        command(payload, expecting: .resultSets, maxBytes: maxBytes, completion: completion)
    }

    /// Sends a command payload with sequence id 0 and gathers the reply.
    public func command(_ payload: ByteBuffer, expecting: CommandResponseTracker.Expectation, maxBytes: Int = .max,
                        completion: @escaping (Result<CollectedReply, BackendError>) -> Void) {
        guard case .idle = phase, let context else {
            completion(.failure(.lost(endpoint, closeReason ?? "connection not ready")))
            return
        }
        collectLimit = maxBytes
        collectedBytes = 0
        collectOverflow = false
        phase = .collecting(CommandResponseTracker(expecting: expecting, deprecateEOF: deprecateEOF), [], completion)
        var out = context.channel.allocator.buffer(capacity: payload.readableBytes + 4)
        out.writeMySQLPacket(payload, sequenceID: 0)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    private var deprecateEOF: Bool { capabilities.contains(.deprecateEOF) }

    /// Backpressure: stop reading from the server while the client cannot take more.
    public func pauseReading() { readPaused = true }

    public func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    public func close(reason: String = "closed by Sleet") {
        if closeReason == nil { closeReason = reason }
        context?.close(promise: nil)
    }

    /// Sends COM_QUIT and closes.
    public func quit() {
        guard let context, case .idle = phase else { close(); return }
        var out = context.channel.allocator.buffer(capacity: 5)
        out.writeMySQLPacket(sequenceID: 0) { $0.writeInteger(Command.quit.rawValue) }
        closeReason = "quit"
        context.writeAndFlush(wrapOutboundOut(out)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    // MARK: Channel events

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if case .connecting = phase { phase = .awaitingGreeting }
    }

    public func read(context: ChannelHandlerContext) {
        if readPaused { readPending = true } else { context.read() }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let reason = closeReason ?? "server closed the connection"
        let old = phase
        phase = .closed
        timeoutTask?.cancel()
        switch old {
        case .connecting, .awaitingGreeting, .authenticating:
            finishLogin(.failure(.unreachable(endpoint, reason)))
        case .forwarding(let tracker, let sink):
            sink.backendFailed(.lost(endpoint, reason), tracker: tracker)
        case .collecting(_, _, let completion):
            completion(.failure(.lost(endpoint, reason)))
        case .idle, .closed:
            break
        }
        self.context = nil
        let cb = onClose
        onClose = nil
        cb?(self)
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("backend connection error", metadata: ["error": "\(error)"])
        if closeReason == nil { closeReason = "\(error)" }
        context.close(promise: nil)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var p = pending {
            pending = nil // release it first: appending to a shared buffer would copy it every read
            p.writeBuffer(&incoming)
            incoming = p
        }
        do {
            try process(&incoming)
        } catch {
            protocolFailure("\(error)")
            return
        }
        if incoming.readableBytes > 0 {
            // Keep the partial frame; compact so a long-lived buffer does not pin big chunks.
            var keep = context.channel.allocator.buffer(capacity: max(incoming.readableBytes, 4096))
            keep.writeBuffer(&incoming)
            pending = keep
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        if case .forwarding(_, let sink) = phase { sink.backendFlush() }
        else if let sink = lastSink { sink.backendFlush() }
        lastSink = nil
    }

    /// The sink of a reply that finished during the current read burst (it still needs a flush).
    private var lastSink: BackendReplySink?

    private func protocolFailure(_ why: String) {
        logger.warning("backend protocol error, closing", metadata: ["reason": "\(why)"])
        if closeReason == nil { closeReason = "protocol error: \(why)" }
        context?.close(promise: nil)
    }

    // MARK: Frame processing

    private func process(_ buffer: inout ByteBuffer) throws {
        while true {
            switch phase {
            case .forwarding(var tracker, let sink):
                let start = buffer.readerIndex
                var index = start
                var finished = false
                while let header = buffer.getInteger(at: index, endianness: .little, as: UInt32.self) {
                    let length = Int(header & 0xFF_FFFF)
                    guard buffer.writerIndex - index >= 4 + length else { break }
                    let payload = buffer.getSlice(at: index + 4, length: length)!
                    let progress = try tracker.consume(frameLength: length, sequenceID: UInt8(header >> 24), payload: payload)
                    index += 4 + length
                    if progress == .done { finished = true; break }
                }
                if index > start {
                    sink.backendForward(buffer.getSlice(at: start, length: index - start)!)
                    buffer.moveReaderIndex(to: index)
                }
                if finished {
                    if let s = tracker.lastStatus { status = s }
                    phase = .idle
                    lastSink = sink
                    sink.backendReplyFinished(ReplySummary(status: tracker.lastStatus, sawError: tracker.sawError, nextSequenceID: tracker.nextSequenceID))
                    if buffer.readableBytes > 0, case .idle = phase { throw MySQLProtocolError.malformed("unsolicited data after a reply") }
                    continue
                } else {
                    phase = .forwarding(tracker, sink)
                    return
                }
            case .collecting(var tracker, var packets, let completion):
                guard let (seq, length, payload) = nextFrame(&buffer) else {
                    phase = .collecting(tracker, packets, completion)
                    return
                }
                collectedBytes += length
                if collectedBytes > collectLimit {
                    if !collectOverflow { collectOverflow = true; packets.removeAll() }
                } else {
                    packets.append(payload)
                }
                if try tracker.consume(frameLength: length, sequenceID: seq, payload: payload) == .done {
                    if collectOverflow { packets = [payload] } // the terminator (OK/EOF/ERR) only
                    if let s = tracker.lastStatus { status = s }
                    phase = .idle
                    completion(.success(CollectedReply(packets: packets, summary: ReplySummary(status: tracker.lastStatus, sawError: tracker.sawError, nextSequenceID: tracker.nextSequenceID), overflowed: collectOverflow)))
                } else {
                    phase = .collecting(tracker, packets, completion)
                }
            case .awaitingGreeting:
                guard let (_, _, payload) = nextFrame(&buffer) else { return }
                try handleGreeting(payload)
            case .authenticating(let scramble, let plugin):
                guard let (seq, _, payload) = nextFrame(&buffer) else { return }
                try handleAuth(payload, sequenceID: seq, scramble: scramble, plugin: plugin)
            case .idle:
                guard buffer.readableBytes > 0 else { return }
                // The server speaks unasked: usually an ERR before it closes (killed, timed out).
                if let (_, _, payload) = nextFrame(&buffer), let err = ERRPacket.decode(payload, capabilities: .protocol41) {
                    closeReason = "server sent error \(err.code): \(err.message)"
                } else {
                    closeReason = "unsolicited data from server"
                }
                context?.close(promise: nil)
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return
            case .connecting, .closed:
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return
            }
        }
    }

    private func nextFrame(_ buffer: inout ByteBuffer) -> (UInt8, Int, ByteBuffer)? {
        guard let header = buffer.getInteger(at: buffer.readerIndex, endianness: .little, as: UInt32.self) else { return nil }
        let length = Int(header & 0xFF_FFFF)
        guard buffer.readableBytes >= 4 + length else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return (UInt8(header >> 24), length, buffer.readSlice(length: length)!)
    }

    // MARK: Login

    private func handleGreeting(_ payload: ByteBuffer) throws {
        let greeting: HandshakeV10
        do {
            greeting = try HandshakeV10.decode(payload)
        } catch let MySQLProtocolError.unexpectedError(err) {
            failLogin(.serverError(endpoint, err.error))
            return
        }
        threadID = greeting.connectionID
        serverVersion = greeting.serverVersion
        let caps = login.backendCapabilities(server: greeting.capabilities)
        let wanted = login.clientCapabilities.intersection(CapabilityFlags.replyShaping)
        if !caps.isSuperset(of: wanted) {
            failLogin(.incompatible(endpoint, "server lacks capabilities 0x\(String(wanted.subtracting(caps).rawValue, radix: 16))"))
            return
        }
        capabilities = caps
        let plugin = greeting.authPluginName
        let response = HandshakeResponse41(
            capabilities: caps, maxPacketSize: 1 << 30, characterSet: login.characterSet, username: login.user,
            authResponse: token(plugin: plugin, scramble: greeting.authPluginData), database: login.database,
            authPluginName: plugin)
        phase = .authenticating(scramble: greeting.authPluginData, plugin: plugin)
        writeFrame(sequenceID: 1) { response.encode(into: &$0) }
    }

    private func token(plugin: String, scramble: [UInt8]) -> [UInt8] {
        switch plugin {
        case AuthScramble.cachingSHA2: AuthScramble.cachingSHA2Token(password: login.password, scramble: scramble)
        default: AuthScramble.nativePasswordToken(password: login.password, scramble: scramble)
        }
    }

    private func handleAuth(_ payload: ByteBuffer, sequenceID: UInt8, scramble: [UInt8], plugin: String) throws {
        let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
        switch first {
        case 0x00:
            if let s = OKPacket.status(of: payload) { status = s }
            phase = .idle
            finishLogin(.success(self))
        case 0xFF:
            let err = ERRPacket.decode(payload, capabilities: .protocol41) ?? ERRPacket(code: 1045, sqlState: "28000", message: "Access denied")
            failLogin(.serverError(endpoint, err.error))
        case 0xFE:
            let request = try AuthSwitchRequest.decode(payload)
            guard request.pluginName == AuthScramble.nativePassword || request.pluginName == AuthScramble.cachingSHA2 else {
                failLogin(.incompatible(endpoint, "unsupported authentication plugin \(request.pluginName)"))
                return
            }
            phase = .authenticating(scramble: request.pluginData, plugin: request.pluginName)
            let t = token(plugin: request.pluginName, scramble: request.pluginData)
            writeFrame(sequenceID: sequenceID &+ 1) { $0.writeBytes(t) }
        case 0x01:
            // AuthMoreData (caching_sha2_password).
            var b = payload
            b.moveReaderIndex(forwardBy: 1)
            if b.readableBytes == 1, let code = b.readInteger(as: UInt8.self) {
                if code == 0x03 { return } // fast auth succeeded; the OK follows
                if code == 0x04 {
                    // Full authentication: ask for the server's RSA public key.
                    writeFrame(sequenceID: sequenceID &+ 1) { $0.writeInteger(UInt8(0x02)) }
                    return
                }
            }
            let pem = b.readString(length: b.readableBytes) ?? ""
            guard pem.contains("BEGIN PUBLIC KEY") else { throw MySQLProtocolError.malformed("AuthMoreData") }
            do {
                let encrypted = try AuthScramble.cachingSHA2Encrypted(password: login.password, scramble: scramble, publicKeyPEM: pem)
                writeFrame(sequenceID: sequenceID &+ 1) { $0.writeBytes(encrypted) }
            } catch {
                failLogin(.incompatible(endpoint, "cannot use the server's RSA key: \(error)"))
            }
        default:
            throw MySQLProtocolError.malformed("authentication reply 0x\(String(first ?? 0, radix: 16))")
        }
    }

    private func writeFrame(sequenceID: UInt8, _ body: (inout ByteBuffer) -> Void) {
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: 128)
        out.writeMySQLPacket(sequenceID: sequenceID, body)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    private func failLogin(_ error: BackendError) {
        guard readyCallback != nil else { return }
        if closeReason == nil { closeReason = error.description }
        finishLogin(.failure(error))
        context?.close(promise: nil)
        phase = .closed
    }

    private func finishLogin(_ result: Result<BackendConnection, BackendError>) {
        timeoutTask?.cancel()
        timeoutTask = nil
        guard let cb = readyCallback else { return }
        readyCallback = nil
        cb(result)
    }
}
