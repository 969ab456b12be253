import Backend
import MySQLWire
import NIOCore
import SQLSyntax
import ShardRouting
import SleetConfig

/// A session's connection to one shard's primary, with how much of the session state it has seen.
final class ShardLink {
    let shard: Shard
    let conn: BackendConnection
    /// `seq` of the last session statement applied on this connection.
    var appliedSeq = 0
    /// The database the connection is using.
    var database: String?

    init(shard: Shard, conn: BackendConnection, database: String?, appliedSeq: Int) {
        self.shard = shard; self.conn = conn; self.database = database; self.appliedSeq = appliedSeq
    }

    func isSynced(with session: ClientSession) -> Bool {
        appliedSeq == session.sessionSeq && database == session.desiredDatabase(for: shard)
    }
}

/// Largest reply Sleet gathers from one shard for a multi-shard statement (64 MiB).
let multiShardReplyLimit = 64 << 20

extension ClientSession {
    var router: Router { runtime.router }

    /// The shard a statement without a table of its own should use: one the session already uses.
    func currentShard() -> Shard {
        if let s = txnShards.first, let link = links[s], !link.conn.isClosed { return link.shard }
        // In a database other than the sharded one, only the default shard's connection is in it.
        if let db = database, db != runtime.shardedDatabase { return runtime.defaultShard }
        if let s = lastShard, let link = links[s], !link.conn.isClosed { return link.shard }
        return runtime.defaultShard
    }

    /// A database other than the sharded one lives whole on the default shard: the other shards stay
    /// in the sharded database.
    func desiredDatabase(for shard: Shard) -> String? {
        guard let db = database else { return nil }
        if db == runtime.shardedDatabase || shard.name == runtime.defaultShard.name { return db }
        return runtime.shardedDatabase
    }

    func useDatabase(_ db: String) {
        database = db
        if let link = activeLink ?? links[currentShard().name] { link.database = desiredDatabase(for: link.shard) }
    }

    func recordSessionStatement(_ sql: String, appliedOn link: ShardLink?) {
        // Repeating an idempotent SET (no variable read on the right) replaces the earlier one;
        // `SET @c = @c + 1` must be replayed as many times as it ran.
        if sql.utf8.lazy.filter({ $0 == UInt8(ascii: "@") }).count <= 1 {
            sessionStatements.removeAll { $0.sql == sql }
        }
        sessionSeq += 1
        sessionStatements.append((sql, sessionSeq))
        if sessionStatements.count > 1024 { sessionStatements.removeFirst() }
        // The connection that ran it was in sync before it: now it is in sync again.
        if let link, link.appliedSeq == sessionSeq - 1 || sessionStatements.allSatisfy({ $0.seq <= link.appliedSeq || $0.seq == sessionSeq }) {
            link.appliedSeq = sessionSeq
        }
    }

    /// Keeps the set of shards with an open transaction in step with what the servers report.
    func noteStatus(_ status: ServerStatus?, shard: String) {
        guard let status else { return }
        if status.contains(.inTransaction) {
            if !txnShards.contains(shard) { txnShards.append(shard) }
        } else if let i = txnShards.firstIndex(of: shard) {
            txnShards.remove(at: i)
            if txnShards.isEmpty { pendingBegin = nil }
        }
    }

    /// Status flags for replies Sleet writes itself.
    var sessionStatus: ServerStatus {
        var s = lastStatus
        s.remove(.moreResultsExist)
        if pendingBegin != nil || !txnShards.isEmpty { s.insert(.inTransaction) } else { s.remove(.inTransaction) }
        return s
    }

    func dropLink(_ link: ShardLink) {
        link.conn.onClose = nil
        link.conn.close(reason: "dropped by session")
        if links[link.shard.name] === link { links[link.shard.name] = nil }
        txnShards.removeAll { $0 == link.shard.name }
        if txnShards.isEmpty { pendingBegin = nil }
        handle?.setBackend(nil)
        reportedBackend = nil
    }

    func dropAllLinks() {
        for link in Array(links.values) { dropLink(link) }
        links.removeAll()
        txnShards.removeAll()
        pendingBegin = nil
        lastShard = nil
    }

    // MARK: Connections

    /// The session's connection to `shard`, opened if needed and brought up to date with the session
    /// (database, SETs); `begin` is sent first when the statement opens the transaction on this shard.
    func withLink(_ shard: Shard, begin: String?, _ done: @escaping (Result<ShardLink, MySQLError>) -> Void) {
        if let link = links[shard.name], !link.conn.isClosed {
            return sync(link, begin: begin, done)
        }
        guard let context else { return }
        let endpoint = BackendEndpoint(shard: shard.name, role: .primary, address: shard.primary)
        var caps = capabilities
        if let m = multiStatementsOption { if m { caps.insert(.multiStatements) } else { caps.remove(.multiStatements) } }
        let db = desiredDatabase(for: shard)
        let login = BackendLogin(user: config.backend.user, password: config.backend.password, database: db,
                                 characterSet: characterSet, clientCapabilities: caps, connectTimeoutMs: config.backend.connectTimeoutMs)
        BackendConnection.connect(to: endpoint, login: login, on: context.eventLoop, logger: logger) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error):
                self.logger.warning("backend connection failed", metadata: ["error": "\(error)"])
                done(.failure(self.mysqlError(error)))
            case .success(let conn):
                guard self.context != nil else { conn.quit(); return }
                let link = ShardLink(shard: shard, conn: conn, database: db, appliedSeq: 0)
                if let old = self.links[shard.name] { old.conn.onClose = nil }
                self.links[shard.name] = link
                conn.onClose = { [weak self, weak link] c in
                    guard let self, let link, self.links[shard.name] === link, link.conn === c else { return }
                    self.links[shard.name] = nil
                    self.txnShards.removeAll { $0 == shard.name }
                    if self.txnShards.isEmpty { self.pendingBegin = nil }
                }
                self.sync(link, begin: begin, done)
            }
        }
    }

    private func sync(_ link: ShardLink, begin: String?, _ done: @escaping (Result<ShardLink, MySQLError>) -> Void) {
        let want = desiredDatabase(for: link.shard)
        if let want, link.database != want {
            var payload = ByteBuffer()
            payload.writeInteger(Command.initDB.rawValue)
            payload.writeString(want)
            link.conn.command(payload, expecting: .okOrError) { [weak self] result in
                guard let self else { return }
                if case .success(let r) = result, r.error == nil {
                    link.database = want
                } else {
                    self.logger.debug("could not switch a backend connection's database", metadata: ["shard": "\(link.shard.name)", "database": "\(want)"])
                    link.database = want // do not retry on every statement; the statement itself reports any problem
                }
                self.sync(link, begin: begin, done)
            }
            return
        }
        if let next = sessionStatements.first(where: { $0.seq > link.appliedSeq }) {
            link.conn.query(next.sql) { [weak self] result in
                if case .success(let r) = result, let err = r.error {
                    self?.logger.notice("replaying a session statement failed", metadata: ["sql": "\(next.sql)", "error": "\(err)"])
                }
                if case .failure(let e) = result { done(.failure(self?.mysqlError(e) ?? .lostBackend("\(link.conn.endpoint.address)"))); return }
                link.appliedSeq = next.seq
                self?.sync(link, begin: begin, done)
            }
            return
        }
        link.appliedSeq = sessionSeq
        guard let begin else { return done(.success(link)) }
        link.conn.query(begin) { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let e): done(.failure(self.mysqlError(e)))
            case .success(let r):
                if let err = r.error { return done(.failure(err)) }
                self.noteStatus(r.summary.status, shard: link.shard.name)
                done(.success(link))
            }
        }
    }

    // MARK: Routed statements

    func routeQuery(_ packet: MySQLPacket, sql: String, source: [UInt8]) {
        let replySeq = packet.lastSequenceID &+ 1
        if lastStatus.contains(.noBackslashEscapes), source.contains(UInt8(ascii: "\\")) {
            // Sleet's lexer reads backslashes as escapes, as in the default sql_mode; refuse rather than misread.
            return replyError(.unsupported("statements with a backslash while sql_mode has NO_BACKSLASH_ESCAPES"), sequenceID: replySeq)
        }
        let plan: RoutePlan
        do {
            plan = try router.plan(tokens: Lexer(bytes: source).tokens(), source: source, sql: sql, database: database)
        } catch {
            return replyError(.unsupported(error.reason), sequenceID: replySeq)
        }
        switch plan.effect {
        case .use(let db):
            // Databases other than the sharded one live on the default shard: ask it.
            forward(packet, expecting: .resultSets, shard: runtime.defaultShard) { [weak self] s in if !s.sawError { self?.useDatabase(db) } }
        case .setSession:
            forward(packet, expecting: .resultSets, shard: currentShard()) { [weak self] s in
                guard let self, !s.sawError else { return }
                self.recordSessionStatement(sql, appliedOn: self.links[self.lastShard ?? ""])
            }
        case .begin:
            begin(sql: sql, sequenceID: replySeq)
        case .commit, .rollback:
            endTransaction(sql: sql, sequenceID: replySeq)
        case .savepoint:
            savepoint(sql: sql, sequenceID: replySeq)
        case .none:
            execute(plan, packet: packet, sql: sql)
        }
    }

    func execute(_ plan: RoutePlan, packet: MySQLPacket, sql: String) {
        let replySeq = packet.lastSequenceID &+ 1
        var targets = plan.targets
        if plan.flexible, targets.count == 1 {
            let s = currentShard()
            targets[0].shard = s.name
            targets[0].address = s.primary
        }
        // Transactions: pinned to the shards they touched first.
        var beginOn: Set<String> = []
        let inTransaction = pendingBegin != nil || !txnShards.isEmpty || !lastStatus.contains(.autocommit)
        if inTransaction, targets.count > 1, config.routing.crossShardTransactions == .reject {
            return replyError(.unsupported("a statement that reaches several shards (\(targets.map(\.shard).joined(separator: ", "))) inside a transaction (routing.cross_shard_transactions: reject)"),
                              sequenceID: replySeq)
        }
        if pendingBegin != nil || !txnShards.isEmpty {
            for t in targets where !txnShards.contains(t.shard) {
                if plan.flexible && targets.count == 1 { continue }
                if !txnShards.isEmpty, config.routing.crossShardTransactions == .reject {
                    return replyError(.unsupported("a transaction across shards: this transaction is on \(txnShards.joined(separator: ", ")) and the statement needs \(t.shard) (routing.cross_shard_transactions: reject)"),
                                      sequenceID: replySeq)
                }
                if pendingBegin != nil { beginOn.insert(t.shard) }
            }
        }
        let shards = targets.map { t in config.shards.first { $0.name == t.shard } ?? runtime.defaultShard }
        if targets.count > 1, case .merge = plan.combine,
           sessionStatements.contains(where: { $0.sql.uppercased().contains("SQL_SELECT_LIMIT") }) {
            // Each shard would apply the session's limit to its own part.
            return replyError(.unsupported("a SELECT on several shards while the session sets sql_select_limit"), sequenceID: replySeq)
        }
        if targets.count == 1 {
            var p = packet
            if let text = targets[0].statement {
                var payload = ByteBuffer()
                payload.writeInteger(Command.query.rawValue)
                payload.writeString(text)
                p.payload = payload
                p.frame = nil
            }
            return forward(p, expecting: .resultSets, shard: shards[0], begin: beginOn.contains(shards[0].name) ? pendingBegin : nil)
        }
        runOnShards(zip(shards, targets).map { ($0, $1.statement ?? sql) }, beginOn: beginOn) { [weak self] results in
            self?.combine(plan.combine, results: results, sequenceID: replySeq)
        }
    }

    /// Runs statements on several shards at once and gathers the replies (in the given order).
    func runOnShards(_ work: [(Shard, String)], beginOn: Set<String>, sequential: Bool = false,
                     _ done: @escaping ([Result<CollectedReply, MySQLError>]) -> Void) {
        var results = [Result<CollectedReply, MySQLError>?](repeating: nil, count: work.count)
        var remaining = work.count
        if work.isEmpty { return done([]) }
        func start(_ k: Int) {
            let (shard, text) = work[k]
            withLink(shard, begin: beginOn.contains(shard.name) ? pendingBegin : nil) { [weak self] r in
                guard let self else { return }
                switch r {
                case .failure(let e):
                    finish(k, .failure(e))
                case .success(let link):
                    self.lastShard = link.shard.name
                    link.conn.query(text, maxBytes: multiShardReplyLimit) { [weak self] res in
                        guard let self else { return }
                        switch res {
                        case .failure(let e):
                            self.dropLink(link)
                            finish(k, .failure(self.mysqlError(e)))
                        case .success(let reply):
                            self.noteStatus(reply.summary.status, shard: link.shard.name)
                            if let s = reply.summary.status { self.lastStatus = s }
                            finish(k, .success(reply))
                        }
                    }
                }
            }
        }
        func finish(_ k: Int, _ r: Result<CollectedReply, MySQLError>) {
            results[k] = r
            remaining -= 1
            if sequential, k + 1 < work.count { start(k + 1) }
            if remaining == 0 { done(results.map { $0! }) }
        }
        if sequential { start(0) } else { for k in work.indices { start(k) } }
    }

    func combine(_ how: RoutePlan.Combine, results: [Result<CollectedReply, MySQLError>], sequenceID: UInt8) {
        guard context != nil else { return }
        var replies: [CollectedReply] = []
        for r in results {
            switch r {
            case .failure(let e): return replyError(e, sequenceID: sequenceID)
            case .success(let reply):
                if let e = reply.error { return replyError(e, sequenceID: sequenceID) }
                if reply.overflowed {
                    return replyError(.unsupported("a reply over \(multiShardReplyLimit >> 20) MiB from one shard in a multi-shard statement (add the sharding key or a LIMIT)"), sequenceID: sequenceID)
                }
                replies.append(reply)
            }
        }
        switch how {
        case .forward, .firstReply:
            writePackets(replies[0].packets, sequenceID: sequenceID)
            commandDone()
        case .sumAffected:
            var ok = OKPacket(status: sessionStatus)
            for r in replies {
                guard let p = r.packets.last, let o = OKPacket.decode(p) else {
                    return replyError(.unsupported("a multi-shard write whose reply is not an OK packet"), sequenceID: sequenceID)
                }
                ok.affectedRows += o.affectedRows
                ok.warnings &+= o.warnings
                if ok.lastInsertID == 0 { ok.lastInsertID = o.lastInsertID }
            }
            write(sequenceID: sequenceID, flush: true) { ok.encode(into: &$0) }
            commandDone()
        case .merge(let spec):
            mergeResultSets(replies, spec: spec, sequenceID: sequenceID)
        }
    }

    /// Writes gathered packets to the client with fresh sequence ids.
    func writePackets(_ packets: [ByteBuffer], sequenceID: UInt8) {
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: packets.reduce(0) { $0 + $1.readableBytes + 4 })
        var seq = sequenceID
        for p in packets { seq = out.writeMySQLPacket(p, sequenceID: seq) }
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    func mergeResultSets(_ replies: [CollectedReply], spec: MergeSpec, sequenceID: UInt8) {
        var columns: [MergeColumn] = []
        var columnPackets: [ByteBuffer] = []
        var columnKeys: [String?] = []
        var shardRows: [[MergeRow]] = []
        for (n, reply) in replies.enumerated() {
            guard let decoded = decodeResultSet(reply.packets) else {
                return replyError(.unsupported("merging replies that are not single result sets"), sequenceID: sequenceID)
            }
            if n == 0 {
                columnPackets = decoded.columnPackets
                columns = decoded.columns
                columnKeys = decoded.origins
            } else if decoded.columns.count != columns.count {
                return replyError(.unsupported("merging result sets whose columns differ between shards"), sequenceID: sequenceID)
            }
            shardRows.append(decoded.rows)
        }
        // Text order depends on the column's collation, which result metadata does not carry: learn it
        // from information_schema once per session and column.
        if !spec.isTrivial {
            var wanted: [String] = []
            for (k, c) in columns.enumerated() where ClientSession.isText(c) {
                guard let key = columnKeys[k], let known = collationCache[key] else {
                    if let key = columnKeys[k] { wanted.append(key) }
                    if c.characterSet == 63 { columns[k].characterSet = 33 } // binary results of a text column: its own bytes; order unknown
                    continue
                }
                if known != 0 { columns[k].collation = known }
                if c.characterSet == 63 {
                    // character_set_results=binary: the server sends the column's own bytes, in its own character set.
                    columns[k].characterSet = known != 0 ? known : 33
                }
            }
            if !wanted.isEmpty, !collationLookupFailed {
                return learnCollations(for: wanted) { [weak self] in
                    self?.mergeResultSets(replies, spec: spec, sequenceID: sequenceID)
                }
            }
        }
        let merged: [MergeRow]
        do {
            merged = try ResultMerger.merge(columns: columns, shards: shardRows, spec: spec)
        } catch {
            return replyError(.unsupported(error.reason), sequenceID: sequenceID)
        }
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: 1024)
        let status = sessionStatus
        var seq = out.writeMySQLPacket(sequenceID: sequenceID) { $0.writeLengthEncodedInteger(UInt64(columns.count)) }
        for c in columnPackets { seq = out.writeMySQLPacket(c, sequenceID: seq) }
        if !deprecateEOF { seq = out.writeMySQLPacket(sequenceID: seq) { EOFPacket(status: status).encode(into: &$0) } }
        for row in merged {
            seq = out.writeMySQLPacket(sequenceID: seq) { b in
                for v in row {
                    if let v { b.writeLengthEncodedBytes(v) } else { b.writeInteger(UInt8(0xFB)) }
                }
            }
            if out.readableBytes > 1 << 20 {
                context.write(wrapOutboundOut(out), promise: nil)
                out = context.channel.allocator.buffer(capacity: 1 << 16)
            }
        }
        if deprecateEOF {
            out.writeMySQLPacket(sequenceID: seq) { OKPacket(header: 0xFE, status: status).encode(into: &$0) }
        } else {
            out.writeMySQLPacket(sequenceID: seq) { EOFPacket(status: status).encode(into: &$0) }
        }
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        commandDone()
    }

    struct DecodedResultSet {
        var columns: [MergeColumn]
        var columnPackets: [ByteBuffer]
        var rows: [MergeRow]
        /// `schema.table.column` of each result column that is a plain table column.
        var origins: [String?]
    }

    static func isText(_ c: MergeColumn) -> Bool {
        [15, 247, 248, 249, 250, 251, 252, 253, 254].contains(c.type) && c.flags & 0x80 == 0
    }

    /// Reads the collation ids of table columns from information_schema (one query per session and
    /// set of tables), then continues.
    func learnCollations(for keys: [String], then: @escaping () -> Void) {
        guard let link = links.values.first(where: { $0.conn.isIdle }) else { collationLookupFailed = true; return then() }
        var tables: Set<[String]> = []
        for k in keys {
            let parts = k.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 3 { tables.insert([parts[0], parts[1]]) }
        }
        let conditions = tables.map { "(c.TABLE_SCHEMA = \(Literal.string($0[0])) AND c.TABLE_NAME = \(Literal.string($0[1])))" }
        let sql = "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, co.ID FROM information_schema.COLUMNS c "
            + "JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = c.COLLATION_NAME WHERE " + conditions.joined(separator: " OR ")
        link.conn.query(sql, maxBytes: 1 << 20) { [weak self] result in
            guard let self else { return }
            if case .success(let reply) = result, reply.error == nil, let rs = self.decodeResultSet(reply.packets) {
                for row in rs.rows where row.count == 4 {
                    guard let schema = row[0], let table = row[1], let column = row[2], let id = row[3].flatMap({ UInt16(String(decoding: $0, as: UTF8.self)) }) else { continue }
                    let key = [schema, table, column].map { String(decoding: $0, as: UTF8.self).lowercased() }.joined(separator: "\u{0}")
                    self.collationCache[key] = id
                }
                for k in keys where self.collationCache[k] == nil { self.collationCache[k] = 0 } // not found: stay unknown
            } else {
                self.collationLookupFailed = true
            }
            then()
        }
    }

    func decodeResultSet(_ packets: [ByteBuffer]) -> DecodedResultSet? {
        guard var first = packets.first, first.getInteger(at: first.readerIndex, as: UInt8.self) != 0x00,
              let count = first.readLengthEncodedInteger(), count > 0, packets.count >= Int(count) + 2 else { return nil }
        var columns: [MergeColumn] = []
        var columnPackets: [ByteBuffer] = []
        var origins: [String?] = []
        for k in 1...Int(count) {
            guard let def = ColumnDefinition41.decode(packets[k]) else { return nil }
            columnPackets.append(packets[k])
            origins.append(def.schema.isEmpty || def.orgTable.isEmpty || def.orgName.isEmpty ? nil
                           : [def.schema, def.orgTable, def.orgName].map { $0.lowercased() }.joined(separator: "\u{0}"))
            columns.append(MergeColumn(name: def.name, type: def.type, characterSet: def.characterSet, flags: def.flags, decimals: def.decimals))
        }
        var k = Int(count) + 1
        if !deprecateEOF { k += 1 } // EOF after the column definitions
        var rows: [MergeRow] = []
        while k < packets.count - 1 {
            var p = packets[k]
            var row: MergeRow = []
            row.reserveCapacity(Int(count))
            for _ in 0..<count {
                if p.getInteger(at: p.readerIndex, as: UInt8.self) == 0xFB {
                    p.moveReaderIndex(forwardBy: 1)
                    row.append(nil)
                } else {
                    guard let slice = p.readLengthEncodedSlice() else { return nil }
                    row.append(Array(slice.readableBytesView))
                }
            }
            rows.append(row)
            k += 1
        }
        if let last = packets.last, let status = OKPacket.status(of: last) ?? EOFPacket.status(of: last), status.contains(.moreResultsExist) {
            return nil
        }
        return DecodedResultSet(columns: columns, columnPackets: columnPackets, rows: rows, origins: origins)
    }

    // MARK: Transactions

    func begin(sql: String, sequenceID: UInt8) {
        let open = txnShards
        let finish: () -> Void = { [weak self] in
            guard let self else { return }
            self.pendingBegin = sql
            self.txnShards.removeAll()
            self.replyOK(sequenceID: sequenceID)
        }
        guard !open.isEmpty else { return finish() }
        // BEGIN inside a transaction commits it first, as MySQL does.
        runOnShards(ordered(open).map { ($0, "COMMIT") }, beginOn: [], sequential: true) { [weak self] results in
            guard let self else { return }
            for r in results {
                if case .failure(let e) = r { self.txnShards.removeAll(); self.pendingBegin = nil; return self.replyError(e, sequenceID: sequenceID) }
                if case .success(let reply) = r, let e = reply.error { self.txnShards.removeAll(); self.pendingBegin = nil; return self.replyError(e, sequenceID: sequenceID) }
            }
            finish()
        }
    }

    /// COMMIT / ROLLBACK on every shard of the transaction, in shard order (not atomic across shards).
    func endTransaction(sql: String, sequenceID: UInt8) {
        let open = txnShards
        pendingBegin = nil
        guard !open.isEmpty else {
            txnShards.removeAll()
            return replyOK(sequenceID: sequenceID)
        }
        runOnShards(ordered(open).map { ($0, sql) }, beginOn: [], sequential: true) { [weak self] results in
            guard let self else { return }
            self.txnShards.removeAll()
            self.pendingBegin = nil
            for r in results {
                switch r {
                case .failure(let e): return self.replyError(e, sequenceID: sequenceID)
                case .success(let reply): if let e = reply.error { return self.replyError(e, sequenceID: sequenceID) }
                }
            }
            self.replyOK(sequenceID: sequenceID)
        }
    }

    func savepoint(sql: String, sequenceID: UInt8) {
        var shards = ordered(txnShards)
        var beginOn: Set<String> = []
        if shards.isEmpty {
            let s = currentShard()
            shards = [s]
            if pendingBegin != nil { beginOn = [s.name] }
        }
        runOnShards(shards.map { ($0, sql) }, beginOn: beginOn, sequential: true) { [weak self] results in
            guard let self else { return }
            for r in results {
                switch r {
                case .failure(let e): return self.replyError(e, sequenceID: sequenceID)
                case .success(let reply): if let e = reply.error { return self.replyError(e, sequenceID: sequenceID) }
                }
            }
            self.replyOK(sequenceID: sequenceID)
        }
    }

    func ordered(_ names: [String]) -> [Shard] { config.shards.filter { names.contains($0.name) } }
}
