/// The error a client sees: errno, SQLSTATE and message. Sent as an ERR packet.
public struct MySQLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: UInt16
    public var sqlState: String
    public var message: String
    public init(code: UInt16, sqlState: String, message: String) {
        self.code = code; self.sqlState = sqlState; self.message = message
    }
    public var description: String { "ERROR \(code) (\(sqlState)): \(message)" }
}

/// The errors Sleet raises itself (SPEC.md "Errors a client sees"). Backend errors pass through unchanged.
extension MySQLError {
    public static func accessDenied(user: String, host: String, usingPassword: Bool) -> MySQLError {
        MySQLError(code: 1045, sqlState: "28000",
                   message: "Access denied for user '\(user)'@'\(host)' (using password: \(usingPassword ? "YES" : "NO"))")
    }
    public static func unknownCommand(_ byte: UInt8) -> MySQLError {
        MySQLError(code: 1047, sqlState: "08S01", message: "Unknown command")
    }
    public static func unsupported(_ why: String) -> MySQLError {
        MySQLError(code: 1235, sqlState: "42000", message: "Sleet does not support \(why)")
    }
    public static func noHealthyBackend(role: String, shard: String, detail: String? = nil) -> MySQLError {
        MySQLError(code: 1105, sqlState: "HY000",
                   message: "no healthy \(role) for shard \(shard)" + (detail.map { " (\($0))" } ?? ""))
    }
    /// 1927 (ER_CONNECTION_KILLED), as MaxScale does: client-range codes (2xxx) sent by a server are
    /// rewritten to 2027 "malformed packet" by MariaDB Connector/C.
    public static func lostBackend(_ backend: String) -> MySQLError {
        MySQLError(code: 1927, sqlState: "08S01", message: "Lost connection to backend \(backend) during query")
    }
    public static func packetsOutOfOrder() -> MySQLError {
        MySQLError(code: 1156, sqlState: "08S01", message: "Got packets out of order")
    }
    public static func packetTooLarge(limit: Int) -> MySQLError {
        MySQLError(code: 1153, sqlState: "08S01", message: "Got a packet bigger than 'max_allowed_packet' bytes (\(limit))")
    }
    public static func adminRequired() -> MySQLError {
        MySQLError(code: 1227, sqlState: "42000", message: "Access denied; you need the admin privilege for this operation")
    }
    public static func unknownThread(_ id: UInt64) -> MySQLError {
        MySQLError(code: 1094, sqlState: "HY000", message: "Unknown thread id: \(id)")
    }
    public static func notOwnerOfThread(_ id: UInt64) -> MySQLError {
        MySQLError(code: 1095, sqlState: "HY000", message: "You are not owner of thread \(id)")
    }
    public static func tooManyConnections() -> MySQLError {
        MySQLError(code: 1040, sqlState: "08004", message: "Too many connections")
    }
    public static func serverShutdown() -> MySQLError {
        MySQLError(code: 1053, sqlState: "08S01", message: "Server shutdown in progress")
    }
    public static func handshakeError(_ why: String) -> MySQLError {
        MySQLError(code: 1043, sqlState: "08S01", message: "Bad handshake: \(why)")
    }

    /// Every error Sleet raises itself, for the catalogue test (each has an errno and a 5-character SQLSTATE).
    public static let catalogue: [MySQLError] = [
        .accessDenied(user: "u", host: "h", usingPassword: true), .unknownCommand(0xFF), .unsupported("x"),
        .noHealthyBackend(role: "primary", shard: "s0"), .lostBackend("b"), .packetTooLarge(limit: 1),
        .adminRequired(), .unknownThread(1), .notOwnerOfThread(1), .tooManyConnections(), .serverShutdown(),
        .handshakeError("x"), .packetsOutOfOrder(),
    ]
}
