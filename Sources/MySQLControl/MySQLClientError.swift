/// An error reported by libmysqlclient (or by the server through it), with the values of
/// `mysql_errno`, `mysql_sqlstate` and `mysql_error` at the time of the failure.
///
/// Server errors keep the server's own errno/SQLSTATE (e.g. 1062 / `23000` for a duplicate key);
/// client-side failures use the `CR_*` codes (2000-2999, SQLSTATE `HY000`), e.g. 2002/2003 when
/// the server cannot be reached.
public struct MySQLClientError: Error, Sendable, Hashable, CustomStringConvertible {
    public var errno: UInt32
    public var sqlState: String
    public var message: String

    public init(errno: UInt32, sqlState: String, message: String) {
        self.errno = errno
        self.sqlState = sqlState
        self.message = message
    }

    /// Formatted like the `mariadb` command-line client: `ERROR 1062 (23000): Duplicate entry ...`.
    public var description: String { "ERROR \(errno) (\(sqlState)): \(message)" }

    // Client error codes from errmsg.h, for failures detected on the Swift side.
    static let crUnknownError: UInt32 = 2000
    static let crServerGone: UInt32 = 2006
    static let crOutOfMemory: UInt32 = 2008
    static let crCommandsOutOfSync: UInt32 = 2014

    static func client(_ errno: UInt32, _ message: String) -> MySQLClientError {
        MySQLClientError(errno: errno, sqlState: "HY000", message: message)
    }
}
