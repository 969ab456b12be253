import CMySQL
import Synchronization

/// One libmysqlclient connection (`MYSQL *`), for the control plane: health checks,
/// `sleet check --connect`, and tests. Every call blocks the calling thread on network I/O.
///
/// ## Threading
/// A `MYSQL *` handle has **one user at a time**. This class is **not thread-safe**: callers confine
/// each connection to one thread (the monitor thread, a thread started with
/// ``MySQLClientLibrary/runOnDedicatedThread(name:_:)``, a CLI's main thread), or otherwise make
/// sure calls never overlap. It is `@unchecked Sendable` only so that it can be *handed over*
/// between threads. Never call it on a NIO event loop or in Swift's cooperative thread pool:
/// the calls block.
///
/// Misuse is detected rather than undefined: a call that overlaps another call on the same
/// connection (from another thread, or re-entrantly from a ``forEachRow(_:_:)`` body) fails with
/// errno 2014 (`CR_COMMANDS_OUT_OF_SYNC`) instead of touching the handle; ``ping()`` returns
/// `false`; ``close()`` is deferred until the running call returns.
///
/// The connection never reconnects by itself (`MYSQL_OPT_RECONNECT` is off): after a network
/// error, close it and open a new one. `deinit` closes it.
public final class MySQLConnection: @unchecked Sendable {
    /// Where to connect.
    public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)

        public var description: String {
            switch self {
            case let .tcp(host, port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case let .unixSocket(path): "unix:\(path)"
            }
        }
    }

    // Owned by whichever caller holds `busy`; see the class documentation.
    private var handle: UnsafeMutablePointer<MYSQL>?
    private let busy = Atomic<Bool>(false)
    private let closeRequested = Atomic<Bool>(false)

    /// The endpoint this connection was opened to.
    public let endpoint: Endpoint
    /// The server's version string as sent in its handshake (`mysql_get_server_info`),
    /// e.g. `10.11.19-MariaDB-0+deb12u1`.
    public let serverVersion: String
    /// The server-side connection id (`mysql_thread_id`), as used by `KILL` and `SHOW PROCESSLIST`.
    public let threadId: UInt

    /// Connects over TCP (`MYSQL_OPT_PROTOCOL` = TCP, so `localhost` does not silently become a socket).
    ///
    /// - Parameters:
    ///   - database: default database, or `nil` for none.
    ///   - connectTimeoutSeconds: `MYSQL_OPT_CONNECT_TIMEOUT`; 0 = the library default (no limit).
    ///   - readTimeoutSeconds: `MYSQL_OPT_READ_TIMEOUT`, per socket read; 0 = no limit.
    ///   - writeTimeoutSeconds: `MYSQL_OPT_WRITE_TIMEOUT`; `nil` = same as `readTimeoutSeconds`.
    ///   - charset: connection character set (`MYSQL_SET_CHARSET_NAME`).
    /// - Throws: the library's error, e.g. 2002/2003 (cannot connect), 1045 (access denied).
    public convenience init(host: String, port: Int, user: String, password: String, database: String? = nil,
                            connectTimeoutSeconds: Int = 5, readTimeoutSeconds: Int = 30,
                            writeTimeoutSeconds: Int? = nil, charset: String = "utf8mb4") throws(MySQLClientError) {
        try self.init(endpoint: .tcp(host: host, port: port), user: user, password: password, database: database,
                      connectTimeoutSeconds: connectTimeoutSeconds, readTimeoutSeconds: readTimeoutSeconds,
                      writeTimeoutSeconds: writeTimeoutSeconds, charset: charset)
    }

    /// Connects over a unix domain socket. Parameters as for the TCP initializer.
    public convenience init(socketPath: String, user: String, password: String, database: String? = nil,
                            connectTimeoutSeconds: Int = 5, readTimeoutSeconds: Int = 30,
                            writeTimeoutSeconds: Int? = nil, charset: String = "utf8mb4") throws(MySQLClientError) {
        try self.init(endpoint: .unixSocket(path: socketPath), user: user, password: password, database: database,
                      connectTimeoutSeconds: connectTimeoutSeconds, readTimeoutSeconds: readTimeoutSeconds,
                      writeTimeoutSeconds: writeTimeoutSeconds, charset: charset)
    }

    /// Connects to `endpoint`. Parameters as for the TCP initializer.
    public init(endpoint: Endpoint, user: String, password: String, database: String? = nil,
                connectTimeoutSeconds: Int = 5, readTimeoutSeconds: Int = 30,
                writeTimeoutSeconds: Int? = nil, charset: String = "utf8mb4") throws(MySQLClientError) {
        try MySQLClientLibrary.ensureInitialized()
        guard let h = mysql_init(nil) else {
            throw .client(MySQLClientError.crOutOfMemory, "mysql_init failed (out of memory)")
        }
        do {
            try Self.configure(h, endpoint: endpoint, connectTimeoutSeconds: connectTimeoutSeconds,
                               readTimeoutSeconds: readTimeoutSeconds,
                               writeTimeoutSeconds: writeTimeoutSeconds ?? readTimeoutSeconds, charset: charset)
            try Self.connect(h, endpoint: endpoint, user: user, password: password, database: database)
        } catch {
            mysql_close(h)
            throw error
        }
        self.handle = h
        self.endpoint = endpoint
        self.serverVersion = mysql_get_server_info(h).map { String(cString: $0) } ?? ""
        self.threadId = UInt(mysql_thread_id(h))
    }

    deinit {
        if let handle { mysql_close(handle) }
    }

    /// Whether ``close()`` has not been called yet. (Says nothing about the server; see ``ping()``.)
    public var isOpen: Bool { handle != nil }

    // MARK: - Statements

    /// Runs `sql` — one statement or several separated by `;` (`CLIENT_MULTI_STATEMENTS` is on) — and
    /// returns one ``ResultSet`` per statement, in order. All rows are buffered (`mysql_store_result`).
    ///
    /// If a statement fails, the statements before it have run (and are not rolled back), the ones
    /// after it have not, and the error of the failing statement is thrown.
    public func query(_ sql: String) throws(MySQLClientError) -> [ResultSet] {
        let h = try acquire()
        defer { release() }
        try Self.send(h, sql)
        var results: [ResultSet] = []
        while true {
            results.append(try Self.readResult(h, keepRows: true))
            if try !Self.advance(h) { break }
        }
        return results
    }

    /// Runs statements whose rows, if any, are not needed (`INSERT`, `SET`, DDL, ...). Rows a
    /// statement returns are read and discarded without being buffered.
    /// - Returns: the outcome of the last statement (affected rows, insert id, warnings; no rows).
    @discardableResult
    public func execute(_ sql: String) throws(MySQLClientError) -> ResultSet {
        let h = try acquire()
        defer { release() }
        try Self.send(h, sql)
        var last: ResultSet
        repeat {
            last = try Self.readResult(h, keepRows: false)
        } while try Self.advance(h)
        return last
    }

    /// Streams the rows of the first result of `sql` to `body`, one at a time, without buffering
    /// them in the client (`mysql_use_result`): memory stays flat however many rows there are.
    ///
    /// Each row is an array of column values as raw bytes (`nil` = SQL NULL); decode with
    /// `String(decoding:as: UTF8.self)`. If `sql` has several statements, the results after the first
    /// are read and discarded. `body` must not use this connection (that fails with errno 2014).
    ///
    /// While rows are being streamed the server holds the statement open, so keep `body` quick
    /// (the server's `net_write_timeout` applies). If `body` throws, the remaining rows are still read
    /// off the socket and discarded (so the connection stays usable), then the error is rethrown.
    ///
    /// - Returns: the number of rows passed to `body` (0 for a statement without a result set).
    @discardableResult
    public func forEachRow(_ sql: String, _ body: ([[UInt8]?]) throws -> Void) throws -> Int {
        let h = try acquire()
        defer { release() }
        try Self.send(h, sql)
        var count = 0
        var bodyError: (any Error)?
        if let res = mysql_use_result(h) {
            let columnCount = Int(mysql_num_fields(res))
            while let row = mysql_fetch_row(res) {
                let values = Self.rowValues(res, row, columnCount)
                do {
                    try body(values)
                } catch {
                    bodyError = error
                    break
                }
                count += 1
            }
            let fetchError: MySQLClientError? = (bodyError == nil && mysql_errno(h) != 0) ? Self.lastError(h) : nil
            mysql_free_result(res)  // for a use_result result this also skips the unread rows
            if let fetchError { throw fetchError }
        } else if mysql_field_count(h) != 0 {
            throw Self.lastError(h)
        }
        do {
            while try Self.advance(h) {
                _ = try Self.readResult(h, keepRows: false)
            }
        } catch {
            if bodyError == nil { throw error }
        }
        if let bodyError { throw bodyError }
        return count
    }

    /// `mysql_ping`: whether the server answers on this connection. Never reconnects. Returns
    /// `false` if the connection is closed or in use by another call.
    public func ping() -> Bool {
        guard let h = try? acquire() else { return false }
        defer { release() }
        return mysql_ping(h) == 0
    }

    /// Closes the connection (`mysql_close`, which sends `COM_QUIT`). Idempotent. If another call is
    /// running on this connection, the close happens when that call returns.
    public func close() {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            closeRequested.store(true, ordering: .releasing)
            return
        }
        if let h = handle {
            handle = nil
            mysql_close(h)
        }
        busy.store(false, ordering: .releasing)
    }

    // MARK: - Ownership guard

    private func acquire() throws(MySQLClientError) -> UnsafeMutablePointer<MYSQL> {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            throw .client(MySQLClientError.crCommandsOutOfSync,
                          "Commands out of sync: MySQLConnection used by two callers at once (it has one user at a time)")
        }
        if closeRequested.load(ordering: .acquiring), let h = handle {
            handle = nil
            mysql_close(h)
        }
        guard let h = handle else {
            busy.store(false, ordering: .releasing)
            throw .client(MySQLClientError.crServerGone, "connection to \(endpoint) is closed")
        }
        return h
    }

    private func release() {
        busy.store(false, ordering: .releasing)
        if closeRequested.load(ordering: .acquiring) { close() }
    }

    // MARK: - libmysqlclient plumbing (callers hold the handle)

    private static func configure(_ h: UnsafeMutablePointer<MYSQL>, endpoint: Endpoint, connectTimeoutSeconds: Int,
                                  readTimeoutSeconds: Int, writeTimeoutSeconds: Int,
                                  charset: String) throws(MySQLClientError) {
        func check(_ rc: Int32, _ what: String) throws(MySQLClientError) {
            if rc != 0 { throw .client(MySQLClientError.crUnknownError, "mysql_options(\(what)) failed") }
        }
        func seconds(_ value: Int) -> UInt32 { UInt32(clamping: max(0, value)) }
        let proto: mysql_protocol_type
        switch endpoint {
        case .tcp: proto = MYSQL_PROTOCOL_TCP
        case .unixSocket: proto = MYSQL_PROTOCOL_SOCKET
        }
        try check(sleet_mysql_option_uint(h, MYSQL_OPT_PROTOCOL, proto.rawValue), "MYSQL_OPT_PROTOCOL")
        try check(sleet_mysql_option_uint(h, MYSQL_OPT_CONNECT_TIMEOUT, seconds(connectTimeoutSeconds)),
                  "MYSQL_OPT_CONNECT_TIMEOUT")
        try check(sleet_mysql_option_uint(h, MYSQL_OPT_READ_TIMEOUT, seconds(readTimeoutSeconds)),
                  "MYSQL_OPT_READ_TIMEOUT")
        try check(sleet_mysql_option_uint(h, MYSQL_OPT_WRITE_TIMEOUT, seconds(writeTimeoutSeconds)),
                  "MYSQL_OPT_WRITE_TIMEOUT")
        try check(sleet_mysql_option_bool(h, MYSQL_OPT_RECONNECT, false), "MYSQL_OPT_RECONNECT")
        try check(charset.withCString { sleet_mysql_option_string(h, MYSQL_SET_CHARSET_NAME, $0) },
                  "MYSQL_SET_CHARSET_NAME")
    }

    private static func connect(_ h: UnsafeMutablePointer<MYSQL>, endpoint: Endpoint, user: String, password: String,
                                database: String?) throws(MySQLClientError) {
        let host: String?
        let port: UInt32
        let socket: String?
        switch endpoint {
        case let .tcp(hostName, portNumber):
            guard (1...65535).contains(portNumber) else {
                throw .client(2003, "invalid port \(portNumber) for \(hostName)")
            }
            host = hostName
            port = UInt32(portNumber)
            socket = nil
        case let .unixSocket(path):
            host = "localhost"
            port = 0
            socket = path
        }
        let flags = sleet_mysql_client_flags_multi()
        let connected = withOptionalCString(host) { cHost in
            user.withCString { cUser in
                password.withCString { cPassword in
                    withOptionalCString(database) { cDatabase in
                        withOptionalCString(socket) { cSocket in
                            mysql_real_connect(h, cHost, cUser, cPassword, cDatabase, port, cSocket, flags) != nil
                        }
                    }
                }
            }
        }
        if !connected { throw lastError(h) }
    }

    private static func send(_ h: UnsafeMutablePointer<MYSQL>, _ sql: String) throws(MySQLClientError) {
        var sql = sql
        let rc: Int32 = sql.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress {
                    return mysql_real_query(h, base, UInt(chars.count))
                }
                return mysql_real_query(h, "", 0)
            }
        }
        if rc != 0 { throw lastError(h) }
    }

    /// Reads the current result: rows (buffered when `keepRows`, else read and dropped) or the OK.
    private static func readResult(_ h: UnsafeMutablePointer<MYSQL>, keepRows: Bool) throws(MySQLClientError) -> ResultSet {
        let res = keepRows ? mysql_store_result(h) : mysql_use_result(h)
        guard let res else {
            if mysql_field_count(h) != 0 { throw lastError(h) }  // rows were expected: read failed
            return ResultSet(columns: [], rawRows: [], affectedRows: mysql_affected_rows(h),
                             insertId: mysql_insert_id(h), warnings: mysql_warning_count(h), isResultSet: false)
        }
        defer { mysql_free_result(res) }
        let columnCount = Int(mysql_num_fields(res))
        var columns: [String] = []
        columns.reserveCapacity(columnCount)
        if let fields = mysql_fetch_fields(res) {
            for i in 0..<columnCount {
                let f = fields[i]
                columns.append(f.name.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(f.name_length)), as: UTF8.self) } ?? "")
            }
        }
        var rows: [[[UInt8]?]] = []
        var rowCount: UInt64 = 0
        while let row = mysql_fetch_row(res) {
            rowCount += 1
            if keepRows { rows.append(rowValues(res, row, columnCount)) }
        }
        if !keepRows, mysql_errno(h) != 0 { throw lastError(h) }
        return ResultSet(columns: columns, rawRows: rows, affectedRows: keepRows ? mysql_affected_rows(h) : rowCount,
                         insertId: mysql_insert_id(h), warnings: mysql_warning_count(h), isResultSet: true)
    }

    /// Moves to the next result of a multi-statement query. `false` when there is none.
    private static func advance(_ h: UnsafeMutablePointer<MYSQL>) throws(MySQLClientError) -> Bool {
        let status = mysql_next_result(h)
        if status > 0 { throw lastError(h) }
        return status == 0
    }

    private static func rowValues(_ res: UnsafeMutablePointer<MYSQL_RES>, _ row: MYSQL_ROW,
                                  _ columnCount: Int) -> [[UInt8]?] {
        guard let lengths = mysql_fetch_lengths(res) else { return Array(repeating: nil, count: columnCount) }
        var values: [[UInt8]?] = []
        values.reserveCapacity(columnCount)
        for i in 0..<columnCount {
            if let p = row[i] {
                values.append(Array(UnsafeRawBufferPointer(start: p, count: Int(lengths[i]))))
            } else {
                values.append(nil)
            }
        }
        return values
    }

    static func lastError(_ h: UnsafeMutablePointer<MYSQL>) -> MySQLClientError {
        let code = mysql_errno(h)
        let statePointer: UnsafePointer<CChar>? = mysql_sqlstate(h)
        let messagePointer: UnsafePointer<CChar>? = mysql_error(h)
        let state = statePointer.map { String(cString: $0) } ?? "HY000"
        let message = messagePointer.map { String(cString: $0) } ?? ""
        if code == 0 {
            return .client(MySQLClientError.crUnknownError, message.isEmpty ? "unknown client error" : message)
        }
        return MySQLClientError(errno: code, sqlState: state.isEmpty ? "HY000" : state, message: message)
    }
}

// MARK: - Session commands

extension MySQLConnection {
    /// `mysql_change_user` (COM_CHANGE_USER): logs in again as `user` on this connection, with
    /// `database` as the new default database (`nil` = none). The server starts a new session: user
    /// variables, temporary tables and session settings of the old one are gone, an open transaction
    /// is rolled back.
    /// - Throws: the server's error, e.g. 1045 (access denied). After a failure, whether the connection
    ///   is still usable depends on the server; check with ``ping()``.
    public func changeUser(user: String, password: String, database: String? = nil) throws(MySQLClientError) {
        let h = try acquire()
        defer { release() }
        let failed = user.withCString { cUser in
            password.withCString { cPassword in
                withOptionalCString(database) { cDatabase in
                    mysql_change_user(h, cUser, cPassword, cDatabase) != 0
                }
            }
        }
        if failed { throw Self.lastError(h) }
    }

    /// `mysql_reset_connection` (COM_RESET_CONNECTION): resets the session without logging in again
    /// (user variables, temporary tables, session settings, an open transaction are dropped).
    public func resetConnection() throws(MySQLClientError) {
        let h = try acquire()
        defer { release() }
        if mysql_reset_connection(h) != 0 { throw Self.lastError(h) }
    }

    /// `mysql_stat` (COM_STATISTICS): the server's one-line status text, e.g.
    /// `Uptime: 120  Threads: 3  Questions: 17  ...`.
    public func stat() throws(MySQLClientError) -> String {
        let h = try acquire()
        defer { release() }
        guard let text = mysql_stat(h) else { throw Self.lastError(h) }
        return String(cString: text)
    }

    /// `mysql_select_db` (COM_INIT_DB): makes `database` the default database.
    /// - Throws: the server's error, e.g. 1049 (unknown database).
    public func selectDB(_ database: String) throws(MySQLClientError) {
        let h = try acquire()
        defer { release() }
        let rc = database.withCString { mysql_select_db(h, $0) }
        if rc != 0 { throw Self.lastError(h) }
    }

    /// `mysql_set_server_option` (COM_SET_OPTION): turns `CLIENT_MULTI_STATEMENTS` on or off for
    /// this connection (it is on at connect).
    public func setMultiStatements(_ enabled: Bool) throws(MySQLClientError) {
        let h = try acquire()
        defer { release() }
        let option = enabled ? MYSQL_OPTION_MULTI_STATEMENTS_ON : MYSQL_OPTION_MULTI_STATEMENTS_OFF
        if mysql_set_server_option(h, option) != 0 { throw Self.lastError(h) }
    }

    /// `mysql_list_fields` (COM_FIELD_LIST): the column names of `table` in the default database,
    /// optionally filtered by a `LIKE` pattern.
    /// - Throws: the server's error, e.g. 1046 (no database selected), 1146 (no such table).
    public func listFields(table: String, wildcard: String? = nil) throws(MySQLClientError) -> [String] {
        let h = try acquire()
        defer { release() }
        let res = table.withCString { cTable in
            withOptionalCString(wildcard) { cWild in mysql_list_fields(h, cTable, cWild) }
        }
        guard let res else { throw Self.lastError(h) }
        defer { mysql_free_result(res) }
        let count = Int(mysql_num_fields(res))
        guard count > 0, let fields = mysql_fetch_fields(res) else { return [] }
        return (0..<count).map { i in
            let f = fields[i]
            return f.name.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(f.name_length)), as: UTF8.self) } ?? ""
        }
    }

    /// `mysql_kill` (COM_PROCESS_KILL): asks the server to close connection `connectionId`.
    /// - Throws: the server's error, e.g. 1094 (unknown thread id), 1095 (not owner of the thread).
    public func kill(connectionId: UInt) throws(MySQLClientError) {
        let h = try acquire()
        defer { release() }
        if mysql_kill(h, connectionId) != 0 { throw Self.lastError(h) }
    }

    /// `mysql_info` of the last statement, e.g. `Rows matched: 2  Changed: 2  Warnings: 0` after an
    /// `UPDATE`, or `nil` when the server sent none.
    public func info() throws(MySQLClientError) -> String? {
        let h = try acquire()
        defer { release() }
        return mysql_info(h).map { String(cString: $0) }
    }

    /// The server status flags of the last OK/EOF packet (`SERVER_STATUS_*`: 0x0001 in transaction,
    /// 0x0002 autocommit, ...).
    public func serverStatus() throws(MySQLClientError) -> UInt32 {
        let h = try acquire()
        defer { release() }
        return UInt32(h.pointee.server_status)
    }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
