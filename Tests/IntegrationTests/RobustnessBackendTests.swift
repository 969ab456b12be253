import Foundation
import MySQLControl
import MySQLWire
import NIOCore
import Synchronization
import Testing
import TestSupport

/// Memory under a huge result, backends that die mid-statement, graceful shutdown.
extension RobustnessTests {
    @Test("a 1,000,000-row SELECT streamed to a slow client raises Sleet's RSS by at most 64 MB")
    func millionRowsWithinMemoryBound() async throws {
        try Fleet.require()
        // Sleet runs as its own process here, so only its memory is measured (test suites running in
        // parallel in this process cannot disturb the number). Without backpressure it rises ~92 MB.
        try await Robust.onThread("robustness-1m") {
            let sleet = try SleetProcess.start()
            defer { sleet.stop() }
            let conn = try sleet.connect(database: "app")
            defer { conn.close() }
            #expect(try Robust.scalar(conn, "SELECT COUNT(*) FROM seq_1_to_1000") == "1000")
            let m = try Self.streamMillionRows(conn, rss: { sleet.rss })
            #expect(m.returned == 1_000_000)
            #expect(m.count == 1_000_000)
            #expect(m.badRows.isEmpty, "\(m.badRows)")
            let mb = { (b: Int) in String(format: "%.1f MB", Double(b) / 1_048_576) }
            print("1M rows through Sleet in \(String(format: "%.1f", m.seconds)) s: Sleet RSS before \(mb(m.before)), after the 2 s pause \(mb(m.afterPause)), peak \(mb(m.peak)) (+\(mb(m.peak - m.before)))")
            #expect(m.before > 0 && m.peak >= m.before)
            #expect(m.peak - m.before <= 64 << 20, "Sleet's RSS rose by \(mb(m.peak - m.before))")
            // The session is fine afterwards.
            #expect(try Robust.scalar(conn, "SELECT seq FROM seq_1_to_1000000 ORDER BY seq DESC LIMIT 1") == "1000000")
        }
    }

    struct StreamMeasurement {
        var returned = 0, count = 0, before = 0, afterPause = 0, peak = 0
        var seconds = 0.0
        var badRows: [String] = []
    }

    /// Streams `SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000000` (mysql_use_result: the client
    /// buffers nothing), pausing 2 s after the first row, checking every row, sampling RSS.
    static func streamMillionRows(_ conn: MySQLConnection, rss: @escaping @Sendable () -> Int) throws -> StreamMeasurement {
        var m = StreamMeasurement()
        m.before = rss()
        let sampler = RSSSampler(rss)
        let expectedText = [UInt8](repeating: UInt8(ascii: "x"), count: 100)
        let started = Robust.now()
        var count = 0
        var badRows: [String] = []
        var afterPause = 0
        m.returned = try conn.forEachRow("SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000000") { row in
            count += 1
            if count == 1 {
                // A slow consumer at first: if Sleet ignored backpressure, its buffers would fill now.
                Thread.sleep(forTimeInterval: 2)
                afterPause = rss()
            }
            let seq = row.count == 2 ? row[0].flatMap { Int(String(decoding: $0, as: UTF8.self)) } : nil
            if seq != count || row[1]?.count != 100 || (count % 99_991 == 1 && row[1]! != expectedText) {
                if badRows.count < 5 { badRows.append("row \(count): \(row.map { $0.map { String(decoding: $0.prefix(20), as: UTF8.self) } })") }
            }
        }
        m.seconds = Robust.seconds(since: started)
        m.peak = sampler.stop()
        m.count = count
        m.badRows = badRows
        m.afterPause = afterPause
        return m
    }

    /// Finds the backend connection of a Sleet session on s0's primary by its statement, and KILLs it (the connection).
    static func killBackend(running infoPrefix: String, expectedThreadID: String?, timeout: Double = 5) throws -> String? {
        let admin = try Fleet.direct()
        defer { admin.close() }
        let deadline = Robust.now() + .milliseconds(Int(timeout * 1000))
        let like = infoPrefix.replacingOccurrences(of: "'", with: "''")
        while Robust.now() < deadline {
            let ids = try admin.query("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '\(like)%' AND USER = 'sleet'")[0]
                .rows.compactMap { $0.first ?? nil }
            // Other suites may run the same statement: take the one of our session.
            if let id = ids.first(where: { expectedThreadID == nil || $0 == expectedThreadID }) {
                try admin.execute("KILL CONNECTION \(id)")
                return id
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    @Test("a backend killed mid-statement: the client gets an error, its next statement a fresh backend; other sessions untouched")
    func backendDiesMidStatement() async throws {
        try Fleet.require()
        try await Robust.withSleet { sleet in
            let (a, b) = try await Robust.onThread { (try sleet.connect(), try sleet.connect()) }
            defer { a.close(); b.close() }
            // Session state that must follow A onto its next backend connection.
            let (aProxyID, aBackend) = try await Robust.onThread { () -> (String?, String?) in
                try a.execute("USE app")
                try a.execute("SET @robust_marker = 42")
                try a.execute("SET SESSION sql_mode = 'ANSI_QUOTES'")
                return (try Robust.scalar(a, "SELECT CONNECTION_ID()"), try Robust.scalar(a, "SELECT @@pseudo_thread_id"))
            }
            let bBackend = try await Robust.onThread { try Robust.scalar(b, "SELECT @@pseudo_thread_id") }
            #expect(aBackend != nil && bBackend != nil && aBackend != bBackend)

            // A is in a long statement; B runs one concurrently.
            async let aOutcome = Robust.onThread("robustness-a") { () -> (Result<String, MySQLClientError>, Double) in
                let start = Robust.now()
                do {
                    let r = try a.query("SELECT SLEEP(10)")
                    return (.success("\(String(describing: r.first?.rows))"), Robust.seconds(since: start))
                } catch let e as MySQLClientError {
                    return (.failure(e), Robust.seconds(since: start))
                }
            }
            async let bDuring = Robust.onThread("robustness-b") { try Robust.scalar(b, "SELECT CONCAT(SLEEP(1), 'b-during')") }

            let killed = try await Robust.onThread { try Self.killBackend(running: "SELECT SLEEP(10)", expectedThreadID: aBackend) }
            #expect(killed != nil && killed == aBackend, "found A's backend \(String(describing: aBackend)) in PROCESSLIST: \(String(describing: killed))")

            let (outcome, elapsed) = try await aOutcome
            print("A's statement after its backend was killed, \(String(format: "%.2f", elapsed)) s: \(outcome)")
            switch outcome {
            case .success(let rows):
                Issue.record("the client must get an error, got rows \(rows)")
            case .failure(let e):
                Self.expectLostBackendError(e)
            }
            #expect(elapsed < 8, "an error, not a hang: \(elapsed) s")
            let bDuringValue = try await bDuring
            #expect(bDuringValue == "0b-during")

            try await Robust.onThread {
                // A's next statement succeeds on a fresh backend connection, in the same proxy session...
                #expect(try Robust.scalar(a, "SELECT 'a-after'") == "a-after")
                let newBackend = try Robust.scalar(a, "SELECT @@pseudo_thread_id")
                #expect(newBackend != nil && newBackend != aBackend, "a fresh backend connection: \(String(describing: newBackend)) vs \(String(describing: aBackend))")
                #expect(try Robust.scalar(a, "SELECT CONNECTION_ID()") == aProxyID)
                // ...which carries the session's state.
                #expect(try Robust.scalar(a, "SELECT DATABASE()") == "app")
                #expect(try Robust.scalar(a, "SELECT @robust_marker") == "42")
                #expect(try Robust.scalar(a, "SELECT @@SESSION.sql_mode") == "ANSI_QUOTES")
                // B still has its own backend connection, untouched.
                #expect(try Robust.scalar(b, "SELECT 'b-after'") == "b-after")
                #expect(try Robust.scalar(b, "SELECT @@pseudo_thread_id") == bBackend)
            }
        }
    }

    @Test("a backend killed mid-statement, seen by a raw client: one ERR packet in sequence, then the session goes on", arguments: [false, true])
    func backendDiesMidStatementRaw(deprecateEOF: Bool) async throws {
        try Fleet.require()
        try await Robust.withSleet { sleet in
            try await Robust.onThread {
                var caps = RawClient.defaultCapabilities
                if deprecateEOF { caps.insert(.deprecateEOF) }
                let a = try Robust.rawLogin(sleet, capabilities: caps)
                let backend = try a.query("SELECT @@pseudo_thread_id").results.first?.resultSet?.rows.first?.first ?? nil
                var payload = ByteBuffer()
                payload.writeInteger(Command.query.rawValue)
                payload.writeString("SELECT SLEEP(10) AS raw_kill")
                a.sendPacket(payload, sequenceID: 0)
                let killed = try Self.killBackend(running: "SELECT SLEEP(10) AS raw_kill", expectedThreadID: backend)
                #expect(killed == backend)
                let start = Robust.now()
                let reply = try a.readReply(timeout: 5)
                #expect(Robust.seconds(since: start) < 3)
                #expect(reply.kinds == [.err], "\(reply.packets)")
                #expect(reply.packets.first?.sequenceID == 1)
                let err = try #require(reply.results.first?.error)
                print("raw client, backend killed mid-statement: ERR \(err.code) (\(err.sqlState)): \(err.message)")
                #expect(err.message.hasPrefix("Lost connection to backend"), "\(err)")
                let next = try a.query("SELECT 'next', @@pseudo_thread_id")
                let row = try #require(next.results.first?.resultSet?.rows.first)
                #expect(row.first == "next")
                #expect(row.last != backend, "a fresh backend connection")
            }
        }
    }

    /// The error a libmysqlclient client sees when Sleet loses its backend mid-statement: Sleet's own
    /// "lost backend" ERR, readable by the client (Connector/C turns an ERR packet carrying a client-side
    /// errno, 2000-2999, into 2027 "Received malformed packet").
    static func expectLostBackendError(_ e: MySQLClientError, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(e.errno != 2027 && (e.errno < 2000 || e.errno > 2999) && e.message.contains("Lost connection to backend"),
                "libmysqlclient must see Sleet's own error (a server-range errno and its message); it saw \(e)",
                sourceLocation: sourceLocation)
    }

    @Test("a backend killed while rows stream: the client gets an error among the rows, then goes on")
    func backendDiesWhileStreamingRows() async throws {
        try Fleet.require()
        try await Robust.withSleet { sleet in
            let (a, b) = try await Robust.onThread { (try sleet.connect(database: "app"), try sleet.connect()) }
            defer { a.close(); b.close() }
            let aBackend = try await Robust.onThread { try Robust.scalar(a, "SELECT @@pseudo_thread_id") }
            let bBackend = try await Robust.onThread { try Robust.scalar(b, "SELECT @@pseudo_thread_id") }
            let firstRow = RobustFlag()
            let sql = "SELECT seq, REPEAT('r', 2000), SLEEP(0.01) FROM seq_1_to_2000"
            async let aOutcome = Robust.onThread("robustness-a") { () -> (rows: Int, error: (any Error)?, seconds: Double) in
                let start = Robust.now()
                var rows = 0
                do {
                    try a.forEachRow(sql) { row in
                        rows += 1
                        if row.first??.elementsEqual("\(rows)".utf8) != true { throw RawClient.Failure.protocolViolation("row \(rows) out of order") }
                        firstRow.set()
                    }
                    return (rows, nil, Robust.seconds(since: start))
                } catch {
                    return (rows, error, Robust.seconds(since: start))
                }
            }
            // Kill A's backend once rows are flowing.
            let killed = try await Robust.onThread { () -> String? in
                let deadline = Robust.now() + .seconds(10)
                while !firstRow.isSet, Robust.now() < deadline { Thread.sleep(forTimeInterval: 0.01) }
                return try Self.killBackend(running: "SELECT seq, REPEAT('r', 2000)", expectedThreadID: aBackend)
            }
            #expect(killed == aBackend)
            let outcome = try await aOutcome
            print("A streaming when its backend was killed: \(outcome.rows) rows, then \(outcome.error.map { "\($0)" } ?? "no error") after \(String(format: "%.2f", outcome.seconds)) s")
            #expect(outcome.rows >= 1 && outcome.rows < 2000)
            let error = try #require(outcome.error, "the stream must end with an error")
            let clientError = try #require(error as? MySQLClientError, "\(error)")
            Self.expectLostBackendError(clientError)
            #expect(outcome.seconds < 15)
            try await Robust.onThread {
                #expect(try Robust.scalar(a, "SELECT 'a-after'") == "a-after")
                let newBackend = try Robust.scalar(a, "SELECT @@pseudo_thread_id")
                #expect(newBackend != nil && newBackend != aBackend)
                #expect(try Robust.scalar(a, "SELECT COUNT(*) FROM seq_1_to_5") == "5", "the fresh backend has the session's database")
                #expect(try Robust.scalar(b, "SELECT @@pseudo_thread_id") == bBackend)
            }
        }
    }

    @Test("graceful shutdown: the running statement completes with its result, then the connection closes; new connections are refused")
    func gracefulShutdown() async throws {
        try Fleet.require()
        let sleet = try await SleetInstance.start()
        var stopped = false
        do {
            let port = sleet.port
            let (a, idle) = try await Robust.onThread { (try Robust.rawLogin(sleet), try Robust.rawLogin(sleet)) }
            let aBackend = try await Robust.onThread { try a.query("SELECT @@pseudo_thread_id").results.first?.resultSet?.rows.first?.first ?? nil }
            let idleRows = try await Robust.onThread { try idle.query("SELECT 'idle'").results.first?.resultSet?.rows }
            #expect(idleRows == [["idle"]])

            // A starts SELECT SLEEP(1); wait until it runs on the backend.
            try await Robust.onThread {
                var payload = ByteBuffer()
                payload.writeInteger(Command.query.rawValue)
                payload.writeString("SELECT SLEEP(1), 'finished'")
                a.sendPacket(payload, sequenceID: 0)
                let admin = try Fleet.direct()
                defer { admin.close() }
                let deadline = Robust.now() + .seconds(3)
                while Robust.now() < deadline {
                    let r = try admin.query("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = \(aBackend ?? "0") AND INFO LIKE 'SELECT SLEEP(1)%'")
                    if r.first?.rows.first?.first == "1" { return }
                    Thread.sleep(forTimeInterval: 0.01)
                }
                Issue.record("A's statement did not show up in the PROCESSLIST")
            }
            let stopStarted = Robust.now()
            let stopTask = Task { await sleet.stop(); return Robust.seconds(since: stopStarted) }

            // New connections are refused while the statement is still running.
            let refusedAfter = try await Robust.onThread { () -> Double? in
                let deadline = Robust.now() + .seconds(2)
                while Robust.now() < deadline {
                    do {
                        let c = try RawClient(port: port, readTimeout: 1)
                        c.close()
                    } catch RawClient.Failure.connectFailed(let e) where e == ECONNREFUSED {
                        return Robust.seconds(since: stopStarted)
                    } catch RawClient.Failure.connectFailed(let e) where e == ECONNRESET {
                        // Accepted by the kernel just as the listener closed: try again.
                    }
                    Thread.sleep(forTimeInterval: 0.01)
                }
                return nil
            }
            let refused = try #require(refusedAfter, "new connections must be refused once shutdown begins")
            #expect(refused < 0.5, "refused only after \(refused) s")

            // A's statement completes with its result, then the connection is closed.
            let reply = try await Robust.onThread { () -> Result<RawClient.Reply, RawClient.Failure> in
                do { return .success(try a.readReply(timeout: 5)) } catch let e as RawClient.Failure { return .failure(e) }
            }
            let replyAt = Robust.seconds(since: stopStarted)
            switch reply {
            case .success(let r):
                #expect(r.results.first?.resultSet?.rows == [["0", "finished"]], "\(r.packets)")
            case .failure(let e):
                Issue.record("the running statement must complete with its result during a graceful shutdown; the client got: \(e)")
            }
            let aClosed = try await Robust.onThread { a.waitForClose(timeout: 3) }
            #expect(aClosed.closedAfter != nil, "the connection must be closed after the statement")
            #expect(aClosed.packets.isEmpty, "nothing after the result: \(aClosed.packets.map { Self.describe($0) })")
            let idleClosed = try await Robust.onThread { idle.waitForClose(timeout: 3) }
            #expect(idleClosed.closedAfter != nil, "an idle session is closed at shutdown")

            let stopTook = await stopTask.value
            stopped = true
            print("graceful shutdown: refused new connections after \(String(format: "%.2f", refused)) s, A's reply after \(String(format: "%.2f", replyAt)) s, stop() returned after \(String(format: "%.2f", stopTook)) s")
            #expect(stopTook >= 0.3, "stop() must wait for the running statement (took \(stopTook) s)")
            #expect(stopTook < 2 + 1.5, "stop() is bounded by shutdown_timeout_ms (2000): took \(stopTook) s")

            // After stop: refused, for the raw client and for libmysqlclient.
            let afterStop = try await Robust.onThread { () -> (Int32?, UInt32?) in
                var rawErrno: Int32?
                do { _ = try RawClient(port: port) } catch RawClient.Failure.connectFailed(let e) { rawErrno = e }
                var libErrno: UInt32?
                do { _ = try sleet.connect() } catch let e as MySQLClientError { libErrno = e.errno }
                return (rawErrno, libErrno)
            }
            #expect(afterStop.0 == ECONNREFUSED)
            #expect(afterStop.1 == 2002 || afterStop.1 == 2003, "libmysqlclient: \(String(describing: afterStop.1))")
        } catch {
            if !stopped { await sleet.stop() }
            throw error
        }
    }
}
