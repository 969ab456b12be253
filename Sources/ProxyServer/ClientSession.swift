#if canImport(Glibc)
import Glibc
#endif
import Backend
import Logging
import MySQLWire
import NIOCore
import PluginAPI
import SQLSyntax
import ShardRouting
import SleetConfig

/// One client connection: the server side of the protocol. Lives on one event loop together with
/// the backend connections that serve it; no locks, no hops on the statement path.
final class ClientSession: ChannelDuplexHandler, BackendReplySink {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        case greeting
        case awaitingHandshakeResponse
        case awaitingAuthSwitchResponse(HandshakeResponse41)
        case awaitingChangeUserAuth(ChangeUserRequest, expectedSequenceID: UInt8)
        case command
        case closing

        var isCommand: Bool { if case .command = self { true } else { false } }
    }

    let store: RuntimeStore
    let registry: SessionRegistry
    var logger: Logger
    var state = State.greeting
    var context: ChannelHandlerContext?
    var handle: SessionHandle?
    var runtime: ProxyRuntime
    var scramble: [UInt8] = AuthScramble.randomScramble()
    var clientHost = "unknown"

    // Negotiated with the client.
    var capabilities = CapabilityFlags()
    var characterSet: UInt8 = 45
    var account: UserAccount?
    var userName = ""

    // Session state that follows the client onto any backend connection.
    var database: String?
    /// Session SETs in the order they took effect; `seq` grows, so a backend connection knows what it has applied.
    var sessionStatements: [(sql: String, seq: Int)] = []
    var sessionSeq = 0
    var multiStatementsOption: Bool?
    var lastStatus = ServerStatus.autocommit

    /// Backend connections by shard name (primaries), opened on first use.
    var links: [String: ShardLink] = [:]
    /// The backend connection last published to the session registry (for KILL QUERY).
    weak var reportedBackend: BackendConnection?
    /// The connection whose reply is being forwarded now.
    var activeLink: ShardLink?
    /// Shards with an open transaction, in the order the transaction reached them.
    var txnShards: [String] = []
    /// `BEGIN`/`START TRANSACTION ...` text of an explicit transaction, sent to each shard on first use.
    var pendingBegin: String?
    /// Collation ids of table columns (`schema\0table\0column`, 0 = unknown), for merging text.
    var collationCache: [String: UInt16] = [:]
    var collationLookupFailed = false
    /// The shard of the last statement (for statements any shard can answer).
    var lastShard: String?
    var decoder: MySQLPacketDecoder
    /// Bytes of an incomplete packet, kept until the rest arrives.
    var cumulation: ByteBuffer?
    var queue = CircularBuffer<MySQLPacket>()
    var busy = false
    var readHeld = false
    var draining = false
    var handshakeTimer: Scheduled<Void>?
    /// Runs when the forwarded reply of the current command completes.
    var onReplyFinished: ((ReplySummary) -> Void)?

    init(store: RuntimeStore, registry: SessionRegistry, logger: Logger) {
        self.store = store
        self.registry = registry
        self.runtime = store.runtime
        self.logger = logger
        self.decoder = MySQLPacketDecoder(maxPacketSize: runtime.config.maxAllowedPacket)
    }

    var config: SleetConfig { runtime.config }
    var deprecateEOF: Bool { capabilities.contains(.deprecateEOF) }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        if let addr = context.channel.remoteAddress { clientHost = addr.ipAddress ?? "\(addr)" }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        guard let handle = registry.register(channel: context.channel, limit: config.maxConnections, requestDrain: {
            loop.execute { bound.value.drain() }
        }) else {
            logger.warning("refusing client: max_connections reached", metadata: ["client": "\(clientHost)"])
            sendError(.tooManyConnections(), sequenceID: 0, thenClose: true)
            return
        }
        self.handle = handle
        logger[metadataKey: "conn"] = "\(handle.id)"
        logger[metadataKey: "client"] = "\(clientHost)"
        let timeout = config.handshakeTimeoutMs
        handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(timeout))) { [weak self] in
            guard let self else { return }
            switch self.state {
            case .greeting, .awaitingHandshakeResponse, .awaitingAuthSwitchResponse:
                self.logger.notice("disconnecting client: handshake not finished within \(timeout) ms")
                self.closeNow()
            default: break
            }
        }
        let greeting = HandshakeV10(serverVersion: config.serverVersion, connectionID: handle.id, authPluginData: scramble,
                                    capabilities: .sleetServer, characterSet: 45, statusFlags: .autocommit,
                                    authPluginName: AuthScramble.nativePassword)
        state = .awaitingHandshakeResponse
        write(sequenceID: 0, flush: true) { greeting.encode(into: &$0) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closing
        handshakeTimer?.cancel()
        if let h = handle { registry.remove(h.id) }
        for link in links.values { link.conn.onClose = nil; link.conn.quit() }
        links.removeAll()
        activeLink = nil
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let e = error as? IOError, e.errnoCode == ECONNRESET || e.errnoCode == EPIPE {
            logger.debug("client connection reset")
        } else {
            logger.notice("disconnecting client", metadata: ["reason": "\(error)"])
        }
        closeNow()
    }

    func decodingFailed(_ error: Error) {
        cumulation = nil
        if let e = error as? PacketTooLargeError {
            logger.notice("disconnecting client: packet larger than max_allowed_packet", metadata: ["limit": "\(e.limit)"])
            sendError(.packetTooLarge(limit: e.limit), sequenceID: 1, thenClose: true)
            return
        }
        if let e = error as? PacketOutOfOrderError {
            logger.notice("disconnecting client: continuation frame out of order", metadata: ["expected": "\(e.expected)", "got": "\(e.got)"])
            sendError(.packetsOutOfOrder(), sequenceID: e.got &+ 1, thenClose: true)
            return
        }
        logger.notice("disconnecting client: undecodable input", metadata: ["reason": "\(error)"])
        closeNow()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Backpressure: stop reading the backend while the client cannot keep up.
        // Resume every connection: the one paused may have finished its reply (activeLink is nil
        // then), and a connection left paused would never read its next reply.
        if context.channel.isWritable {
            for link in links.values { link.conn.resumeReading() }
        } else {
            activeLink?.conn.pauseReading()
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        // A client waits for the reply before its next command, so reads normally stay on (turning
        // them off and on would cost two epoll_ctl calls per statement). Only a client that pipelines
        // several commands behind a running one is paused.
        if busy && queue.count >= Self.maxQueuedCommands { readHeld = true } else { context.read() }
    }

    /// Commands a pipelining client may queue behind the running one before Sleet stops reading it.
    static let maxQueuedCommands = 8

    /// Frames bytes into packets right here rather than in a ByteToMessageHandler: a MySQLPacket
    /// is too large for NIOAny's inline storage, so passing it down the pipeline would box it on
    /// the heap and cast it back, for every statement.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var c = cumulation {
            // Release the stored reference first, or the append copies the whole buffer every read
            // (copy-on-write): quadratic in the size of a large packet.
            cumulation = nil
            c.writeBuffer(&buffer)
            buffer = c
        }
        do {
            while let packet = try decoder.decode(buffer: &buffer) {
                if case .closing = state { return }
                handlePacket(packet)
            }
        } catch {
            decodingFailed(error)
            return
        }
        if buffer.readableBytes > 0 {
            buffer.discardReadBytes()
            cumulation = buffer
        }
    }

    func handlePacket(_ packet: MySQLPacket) {
        switch state {
        case .greeting, .closing:
            return
        case .awaitingHandshakeResponse:
            handleHandshakeResponse(packet)
        case .awaitingAuthSwitchResponse(let response):
            handleAuthSwitchResponse(packet, original: response)
        case .awaitingChangeUserAuth(let request, let expectedSequenceID):
            guard packet.sequenceID == expectedSequenceID else {
                return protocolViolation("change-user auth response out of order (sequence \(packet.sequenceID))")
            }
            finishChangeUser(request, token: Array(packet.payload.readableBytesView), sequenceID: packet.lastSequenceID)
        case .command:
            queue.append(packet)
            if !busy { processQueue() }
        }
    }

    // MARK: Authentication

    func handleHandshakeResponse(_ packet: MySQLPacket) {
        guard packet.sequenceID == 1 else { return protocolViolation("handshake response out of order (sequence \(packet.sequenceID))") }
        if HandshakeResponse41.isSSLRequest(packet.payload) {
            sendError(.handshakeError("TLS is not offered by this server"), sequenceID: 2, thenClose: true)
            return
        }
        let response: HandshakeResponse41
        do { response = try HandshakeResponse41.decode(packet.payload) } catch {
            sendError(.handshakeError("\(error)"), sequenceID: 2, thenClose: true)
            logger.notice("disconnecting client: bad handshake response", metadata: ["reason": "\(error)"])
            return
        }
        capabilities = response.capabilities.intersection(.sleetServer)
        characterSet = response.characterSet
        userName = response.username
        let plugin = response.authPluginName ?? AuthScramble.nativePassword
        if plugin != AuthScramble.nativePassword && !(plugin.isEmpty && response.authResponse.count == 20) {
            // Ask the client to use mysql_native_password over our scramble.
            state = .awaitingAuthSwitchResponse(response)
            write(sequenceID: 2, flush: true) { AuthSwitchRequest(pluginName: AuthScramble.nativePassword, pluginData: scramble).encode(into: &$0) }
            return
        }
        completeLogin(response, token: response.authResponse, nextSequenceID: 2)
    }

    func handleAuthSwitchResponse(_ packet: MySQLPacket, original: HandshakeResponse41) {
        // The AuthSwitchRequest went out with sequence id 2.
        guard packet.sequenceID == 3 else { return protocolViolation("auth switch response out of order (sequence \(packet.sequenceID))") }
        completeLogin(original, token: Array(packet.payload.readableBytesView), nextSequenceID: packet.lastSequenceID &+ 1)
    }

    func completeLogin(_ response: HandshakeResponse41, token: [UInt8], nextSequenceID: UInt8) {
        runtime = store.runtime
        let outcome = runtime.plugins.authenticate(AuthRequest(user: response.username, host: clientHost, scramble: scramble, token: token))
        guard case .accepted(let acct) = outcome else {
            logger.notice("access denied", metadata: ["user": "\(response.username)"])
            sendError(.accessDenied(user: response.username, host: clientHost, usingPassword: !token.isEmpty), sequenceID: nextSequenceID, thenClose: true)
            return
        }
        account = acct
        handle?.setUser(acct.user)
        logger[metadataKey: "user"] = "\(acct.user)"
        database = response.database
        state = .command
        busy = true
        let finish: () -> Void = { [weak self] in
            guard let self else { return }
            self.handshakeTimer?.cancel()
            self.write(sequenceID: nextSequenceID, flush: true) { OKPacket(status: self.lastStatus).encode(into: &$0) }
            self.commandDone()
        }
        guard database != nil else { return finish() }
        // A database named at login must exist: check it now, as MySQL would.
        withLink(runtime.defaultShard, begin: nil) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success: finish()
            case .failure(let error):
                self.sendError(error, sequenceID: nextSequenceID, thenClose: true)
            }
        }
    }

    // MARK: Commands

    func processQueue() {
        while !busy, state.isCommand, let packet = queue.popFirst() {
            if draining {
                sendError(.serverShutdown(), sequenceID: packet.lastSequenceID &+ 1, thenClose: true)
                return
            }
            busy = true
            handleCommand(packet)
        }
    }

    /// The current command is finished: take the next one, or read more from the client.
    func commandDone() {
        busy = false
        onReplyFinished = nil
        if draining { closeAfterFlush(); return }
        if !queue.isEmpty { processQueue() }
        if !busy, readHeld, let context {
            readHeld = false
            context.read()
        }
    }

    func handleCommand(_ packet: MySQLPacket) {
        guard packet.sequenceID == 0 else {
            return protocolViolation("command packet out of order (sequence \(packet.sequenceID))")
        }
        guard let byte = packet.payload.getInteger(at: packet.payload.readerIndex, as: UInt8.self) else {
            return protocolViolation("empty command packet")
        }
        runtime = store.runtime
        let replySeq = packet.lastSequenceID &+ 1
        switch Command(rawValue: byte) {
        case .quit:
            closeNow()
        case .ping:
            replyOK(sequenceID: replySeq)
        case .query:
            handleQuery(packet)
        case .initDB:
            var p = packet.payload
            p.moveReaderIndex(forwardBy: 1)
            let db = p.readString(length: p.readableBytes) ?? ""
            forward(packet, expecting: .okOrError, shard: currentShard()) { [weak self] s in if !s.sawError { self?.useDatabase(db) } }
        case .fieldList:
            forward(packet, expecting: .fieldList, shard: currentShard())
        case .statistics:
            forward(packet, expecting: .singlePacket, shard: currentShard())
        case .setOption:
            let option = packet.payload.getInteger(at: packet.payload.readerIndex + 1, endianness: .little, as: UInt16.self)
            forward(packet, expecting: .singlePacket, shard: currentShard()) { [weak self] s in
                if !s.sawError, let option { self?.multiStatementsOption = option == 0 }
            }
        case .resetConnection:
            // A fresh session: state, transactions and temporary tables go with the connections.
            sessionStatements.removeAll()
            multiStatementsOption = nil
            dropAllLinks()
            lastStatus = .autocommit
            replyOK(sequenceID: replySeq)
        case .changeUser:
            handleChangeUser(packet)
        case .processKill:
            let id = packet.payload.getInteger(at: packet.payload.readerIndex + 1, endianness: .little, as: UInt32.self) ?? 0
            kill(id: UInt64(id), queryOnly: false, replySequenceID: replySeq)
        case .stmtClose, .stmtSendLongData:
            // No reply is sent for these commands.
            commandDone()
        case .stmtPrepare, .stmtExecute, .stmtReset, .stmtFetch:
            replyError(.unsupported("prepared statements (the binary protocol) yet; use text queries"), sequenceID: replySeq)
        default:
            logger.debug("unknown command", metadata: ["command": "\(byte)"])
            replyError(.unknownCommand(byte), sequenceID: replySeq)
        }
    }

    func handleQuery(_ packet: MySQLPacket) {
        var packet = packet
        let replySeq = packet.lastSequenceID &+ 1
        // Lex once; the SQL text as a String is built only where a branch needs it.
        let lexer = packet.payload.withUnsafeReadableBytes { Lexer(bytes: Array(UnsafeRawBufferPointer(rebasing: $0.dropFirst()))) }
        var head = lexer.tokens(limit: 8)
        var sqlText: String { String(decoding: lexer.bytes, as: UTF8.self) }
        let local = LocalQuery.couldMatch(head) ? LocalQuery.match(sqlText) : nil
        var sql: String?
        if local == nil, ConnectionIDRewrite.mightContain(bytes: lexer.bytes),
           let rewritten = ConnectionIDRewrite.rewrite(sqlText, id: handle?.id ?? 0) {
            // CONNECTION_ID() means Sleet's id, the one KILL takes.
            sql = rewritten
            head = Lexer(rewritten).tokens(limit: 8)
            var payload = ByteBuffer()
            payload.writeInteger(Command.query.rawValue)
            payload.writeString(rewritten)
            packet.payload = payload
            packet.frame = nil
        }
        let kind = Classifier.classify(tokens: head, source: sql.map { Array($0.utf8) } ?? lexer.bytes)
        if case .kill(let id, let queryOnly) = kind {
            return kill(id: id, queryOnly: queryOnly, replySequenceID: replySeq)
        }
        if let local, case .select = kind {
            return answerLocally(local, sequenceID: replySeq)
        }
        if AdminCommand.couldMatch(head), let admin = AdminCommand.match(head) {
            let text = sql ?? sqlText
            return runAdmin(admin, sql: text, sequenceID: replySeq)
        }
        if !runtime.routesEverythingToDefault {
            // Sharding configured: parse and plan every statement.
            let text = sql ?? sqlText
            let source = sql.map { Array($0.utf8) } ?? lexer.bytes
            return routeQuery(packet, sql: text, source: source)
        }
        // Nothing sharded: every statement goes to the default shard as it is.
        switch kind {
        case .use(let db):
            forward(packet, expecting: .resultSets, shard: runtime.defaultShard) { [weak self] s in if !s.sawError { self?.useDatabase(db) } }
        case .set:
            let text = sql ?? sqlText
            forward(packet, expecting: .resultSets, shard: runtime.defaultShard) { [weak self] s in
                guard let self, !s.sawError else { return }
                self.recordSessionStatement(text, appliedOn: self.activeLink)
            }
        default:
            forward(packet, expecting: .resultSets, shard: runtime.defaultShard)
        }
    }

    func answerLocally(_ q: LocalQuery, sequenceID: UInt8) {
        let columns = q.columns.map { c -> ColumnDefinition41 in
            switch c.function {
            case .version: ColumnDefinition41(name: c.name, characterSet: 33, columnLength: 256, type: .varString)
            case .connectionID: ColumnDefinition41(name: c.name, characterSet: 63, columnLength: 10, type: .longlong, flags: 0x81)
            }
        }
        let row = q.columns.map { c -> String? in
            switch c.function {
            case .version: config.serverVersion
            case .connectionID: "\(handle?.id ?? 0)"
            }
        }
        write(sequenceID: nil, flush: true) { out in
            ReplyEncoder.writeResultSet(columns: columns, rows: [row], deprecateEOF: deprecateEOF, status: lastStatus, sequenceID: sequenceID, into: &out)
        }
        commandDone()
    }

    // MARK: Forwarding

    /// Sends the client's packet to the session's connection to `shard` and streams the reply back.
    func forward(_ packet: MySQLPacket, expecting: CommandResponseTracker.Expectation, shard: Shard, begin: String? = nil,
                 then: ((ReplySummary) -> Void)? = nil) {
        // Fast path: a live, synchronised connection and nothing to prepare.
        if begin == nil, let link = links[shard.name], !link.conn.isClosed, link.isSynced(with: self) {
            return send(packet, to: link, expecting: expecting, then: then)
        }
        withLink(shard, begin: begin) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                self.replyError(error, sequenceID: packet.lastSequenceID &+ 1)
            case .success(let link):
                self.send(packet, to: link, expecting: expecting, then: then)
            }
        }
    }

    func send(_ packet: MySQLPacket, to link: ShardLink, expecting: CommandResponseTracker.Expectation, then: ((ReplySummary) -> Void)?) {
        onReplyFinished = then
        activeLink = link
        lastShard = link.shard.name
        // Published for KILL QUERY (a lock): only when the connection changes.
        if reportedBackend !== link.conn {
            reportedBackend = link.conn
            handle?.setBackend((link.conn.endpoint, link.conn.threadID))
        }
        let framed: ByteBuffer
        if let frame = packet.frame {
            framed = frame // unchanged bytes, no copy
        } else {
            var b = context?.channel.allocator.buffer(capacity: packet.payload.readableBytes + 4 * packet.frameCount) ?? ByteBuffer()
            b.writeMySQLPacket(packet.payload, sequenceID: packet.sequenceID)
            framed = b
        }
        if let context, !context.channel.isWritable { link.conn.pauseReading() } else { link.conn.resumeReading() }
        link.conn.forward(framed, expecting: expecting, firstReplySequenceID: packet.lastSequenceID &+ 1, sink: self)
    }

    func backendForward(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    func backendFlush() {
        context?.flush()
    }

    func backendReplyFinished(_ summary: ReplySummary) {
        if let s = summary.status { lastStatus = s }
        if let link = activeLink { noteStatus(summary.status, shard: link.shard.name) }
        onReplyFinished?(summary)
        activeLink = nil
        commandDone()
    }

    func backendFailed(_ error: BackendError, tracker: CommandResponseTracker) {
        logger.warning("backend failed during a statement", metadata: ["error": "\(error)"])
        if let link = activeLink { dropLink(link) }
        activeLink = nil
        lastStatus.remove(.inTransaction)
        if tracker.errorWouldBeValid {
            write(sequenceID: tracker.nextSequenceID, flush: true) { ERRPacket(mysqlError(error)).encode(into: &$0) }
            commandDone()
        } else {
            // Half a result-set header cannot be repaired for the client.
            closeNow()
        }
    }

    func mysqlError(_ error: BackendError) -> MySQLError {
        switch error {
        case .unreachable(let e, let why):
            return .noHealthyBackend(role: e.role.rawValue, shard: e.shard, detail: "\(e.address): \(why)")
        case .serverError(let e, let err):
            if err.code == 1045 || err.code == 1044 && err.message.contains("'\(config.backend.user)'") {
                return MySQLError(code: 1105, sqlState: "HY000", message: "Sleet could not log in to backend \(e.address) as '\(config.backend.user)': \(err.message)")
            }
            return err
        case .lost(let e, _):
            return .lostBackend("\(e.address)")
        case .incompatible(let e, let why):
            return MySQLError(code: 1105, sqlState: "HY000", message: "backend \(e.address) is incompatible: \(why)")
        }
    }

    // MARK: KILL

    func kill(id: UInt64, queryOnly: Bool, replySequenceID: UInt8) {
        guard id <= UInt64(UInt32.max), let target = registry.session(UInt32(id)) else {
            return replyError(.unknownThread(id), sequenceID: replySequenceID)
        }
        guard target.user == account?.user || account?.admin == true else {
            return replyError(.notOwnerOfThread(id), sequenceID: replySequenceID)
        }
        if !queryOnly {
            logger.info("KILL CONNECTION", metadata: ["target": "\(id)"])
            if target.id == handle?.id {
                closeNow()
                return
            }
            target.channel.close(promise: nil)
            return replyOK(sequenceID: replySequenceID)
        }
        guard let (endpoint, threadID) = target.backend, let context else {
            return replyOK(sequenceID: replySequenceID)
        }
        let login = BackendLogin(user: config.backend.user, password: config.backend.password, database: nil,
                                 characterSet: characterSet, clientCapabilities: [], connectTimeoutMs: config.backend.connectTimeoutMs)
        BackendConnection.connect(to: endpoint, login: login, on: context.eventLoop, logger: logger) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                self.replyError(self.mysqlError(error), sequenceID: replySequenceID)
            case .success(let conn):
                conn.query("KILL QUERY \(threadID)") { [weak self] r in
                    conn.quit()
                    guard let self else { return }
                    switch r {
                    case .success(let reply):
                        // The statement may have finished meanwhile (1094): that is fine.
                        if let err = reply.error, err.code != 1094 { self.replyError(err, sequenceID: replySequenceID) }
                        else { self.replyOK(sequenceID: replySequenceID) }
                    case .failure(let e):
                        self.replyError(self.mysqlError(e), sequenceID: replySequenceID)
                    }
                }
            }
        }
    }

    // MARK: COM_CHANGE_USER

    func handleChangeUser(_ packet: MySQLPacket) {
        let request: ChangeUserRequest
        do { request = try ChangeUserRequest.decode(packet.payload, capabilities: capabilities) } catch {
            return protocolViolation("\(error)")
        }
        let plugin = request.authPluginName ?? AuthScramble.nativePassword
        if plugin == AuthScramble.nativePassword || plugin.isEmpty {
            // As MariaDB does, the token is computed over the scramble of the original greeting
            // (libmysqlclient never uses a new one for COM_CHANGE_USER).
            return finishChangeUser(request, token: request.authResponse, sequenceID: packet.lastSequenceID)
        }
        // Another plugin: ask for mysql_native_password over the same scramble.
        state = .awaitingChangeUserAuth(request, expectedSequenceID: packet.lastSequenceID &+ 2)
        busy = false // let the auth reply packet in
        if readHeld, let context { readHeld = false; context.read() }
        write(sequenceID: packet.lastSequenceID &+ 1, flush: true) {
            AuthSwitchRequest(pluginName: AuthScramble.nativePassword, pluginData: scramble).encode(into: &$0)
        }
    }

    func finishChangeUser(_ request: ChangeUserRequest, token: [UInt8], sequenceID: UInt8) {
        busy = true
        state = .command
        let replySeq = sequenceID &+ 1
        let outcome = runtime.plugins.authenticate(AuthRequest(user: request.user, host: clientHost, scramble: scramble, token: token))
        guard case .accepted(let acct) = outcome else {
            // As MariaDB does: the old session stays as it was and usable.
            logger.notice("COM_CHANGE_USER denied", metadata: ["user": "\(request.user)"])
            return replyError(.accessDenied(user: request.user, host: clientHost, usingPassword: !token.isEmpty), sequenceID: replySeq)
        }
        account = acct
        userName = acct.user
        handle?.setUser(acct.user)
        logger[metadataKey: "user"] = "\(acct.user)"
        // A new user starts a new session: nothing of the old one survives.
        dropAllLinks()
        sessionStatements.removeAll()
        multiStatementsOption = nil
        lastStatus = .autocommit
        database = request.database
        if let cs = request.characterSet { characterSet = UInt8(truncatingIfNeeded: cs) }
        guard database != nil else { return replyOK(sequenceID: replySeq) }
        withLink(runtime.defaultShard, begin: nil) { [weak self] result in
            switch result {
            case .success: self?.replyOK(sequenceID: replySeq)
            case .failure(let e): self?.replyError(e, sequenceID: replySeq)
            }
        }
    }

    // MARK: Output

    func write(sequenceID: UInt8?, flush: Bool, _ body: (inout ByteBuffer) -> Void) {
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: 256)
        if let sequenceID {
            out.writeMySQLPacket(sequenceID: sequenceID, body)
        } else {
            body(&out)
        }
        if flush { context.writeAndFlush(wrapOutboundOut(out), promise: nil) } else { context.write(wrapOutboundOut(out), promise: nil) }
    }

    func replyOK(sequenceID: UInt8) {
        let status = sessionStatus
        write(sequenceID: sequenceID, flush: true) { OKPacket(status: status).encode(into: &$0) }
        commandDone()
    }

    func replyError(_ error: MySQLError, sequenceID: UInt8) {
        write(sequenceID: sequenceID, flush: true) { ERRPacket(error).encode(into: &$0) }
        commandDone()
    }

    func sendError(_ error: MySQLError, sequenceID: UInt8, thenClose: Bool) {
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: 128)
        out.writeMySQLPacket(sequenceID: sequenceID) { ERRPacket(error).encode(into: &$0) }
        if thenClose {
            state = .closing
            context.writeAndFlush(wrapOutboundOut(out)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        }
    }

    func protocolViolation(_ why: String) {
        logger.notice("disconnecting client: protocol violation", metadata: ["reason": "\(why)"])
        sendError(.packetsOutOfOrder(), sequenceID: 1, thenClose: true)
    }

    func closeNow() {
        state = .closing
        context?.close(promise: nil)
    }

    /// Closes once everything written so far (the last reply) has reached the socket.
    func closeAfterFlush() {
        guard let context else { return }
        state = .closing
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    /// Graceful shutdown: close once the running statement (if any) is done and its reply sent.
    func drain() {
        draining = true
        if !busy { closeAfterFlush() }
    }
}

