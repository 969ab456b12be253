import CMySQL

/// Process-wide libmysqlclient setup.
///
/// `mysql_library_init` must run once before any other call, and before a second thread uses the
/// library. A global `let` is initialised lazily and exactly once (Swift uses `swift_once`), so
/// every entry point of this module goes through ``ensureInitialized()``.
public enum MySQLClientLibrary {
    /// Initialises the library if it has not been yet. Safe to call from any thread, any number of
    /// times. Throws if `mysql_library_init` failed (it then fails for every caller).
    public static func ensureInitialized() throws(MySQLClientError) {
        if libraryInitResult != 0 {
            throw .client(MySQLClientError.crUnknownError,
                          "mysql_library_init failed with code \(libraryInitResult)")
        }
    }

    /// Registers the calling thread with the library (`mysql_thread_init`) and, if `name` is given,
    /// names the OS thread (shown by `top -H`, gdb; Linux keeps 15 bytes). Threads that use
    /// libmysqlclient (the monitor thread, ``runOnDedicatedThread(name:_:)``) call this first and
    /// ``threadEnd()`` before they exit, so per-thread state is not leaked. (MariaDB Connector/C 3.x
    /// keeps little per-thread state; Oracle's libmysqlclient does.)
    public static func threadInit(name: String? = nil) {
        if let name { name.withCString { sleet_set_current_thread_name($0) } }
        _ = libraryInitResult
        _ = mysql_thread_init()
    }

    /// Releases the calling thread's library state (`mysql_thread_end`).
    public static func threadEnd() {
        mysql_thread_end()
    }

    /// Version of the client library (`mysql_get_client_info`), e.g. `3.3.20`.
    public static var clientVersion: String {
        guard let info = mysql_get_client_info() else { return "" }
        return String(cString: info)
    }
}

private let libraryInitResult: Int32 = sleet_mysql_library_init()
