import MySQLControl

/// The role a server reports for itself.
public enum ServerRole: String, Sendable {
    /// `@@read_only` = 0.
    case primary = "primary"
    /// `@@read_only` = 1.
    case readOnlyReplica = "replica (read_only)"
}

/// Replication as `SHOW SLAVE STATUS` reports it.
public enum ReplicationInfo: Sendable, Hashable, CustomStringConvertible {
    /// The server is not a replica (`SHOW SLAVE STATUS` returned no row).
    case none
    /// The server replicates; the values are the raw columns (`Yes`, `No`, `Connecting`, ...).
    /// `secondsBehindMaster` is `nil` when the server reports NULL (replication not running).
    case replicating(ioRunning: String, sqlRunning: String, secondsBehindMaster: Int?)
    /// `SHOW SLAVE STATUS` failed, e.g. for lack of the `REPLICA MONITOR` / `REPLICATION CLIENT` privilege.
    case unavailable(String)

    /// Both replication threads run.
    public var isRunning: Bool {
        if case let .replicating(io, sql, _) = self { return io == "Yes" && sql == "Yes" }
        return false
    }

    public var description: String {
        switch self {
        case .none:
            "none"
        case let .replicating(io, sql, behind):
            "Slave_IO_Running=\(io) Slave_SQL_Running=\(sql) Seconds_Behind_Master=\(behind.map(String.init) ?? "NULL")"
        case let .unavailable(reason):
            "unavailable (\(reason))"
        }
    }
}

/// What ``BackendMonitor/probe(target:user:password:connectTimeoutMs:)`` found.
public struct ProbeResult: Sendable {
    public var target: MonitorTarget
    /// Whether a connection (handshake and authentication) succeeded.
    public var reachable: Bool
    /// The first error: the connection error when not reachable, else the error of a failed query.
    public var error: MySQLClientError?
    /// `SELECT @@version`.
    public var version: String?
    /// From `@@read_only`.
    public var role: ServerRole?
    /// From `SHOW SLAVE STATUS`; `nil` when not reachable.
    public var replication: ReplicationInfo?
    /// How long the probe took.
    public var elapsed: Duration
}

extension BackendMonitor {
    /// Connects once to `target` and reports what the server says about itself. Blocks the calling
    /// thread for up to about twice `connectTimeoutMs` (rounded up to whole seconds); call it from a
    /// thread that may block (a CLI's main thread, or via
    /// `MySQLClientLibrary.runOnDedicatedThread` from async code), never on an event loop.
    public static func probe(target: MonitorTarget, user: String, password: String, connectTimeoutMs: Int) -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        var result = ProbeResult(target: target, reachable: false, error: nil, version: nil, role: nil,
                                 replication: nil, elapsed: .zero)
        let seconds = timeoutSeconds(milliseconds: connectTimeoutMs)
        let connection: MySQLConnection
        do {
            connection = try MySQLConnection(host: target.host, port: target.port, user: user, password: password,
                                             connectTimeoutSeconds: seconds, readTimeoutSeconds: seconds)
        } catch {
            result.error = error
            result.elapsed = start.duration(to: clock.now)
            return result
        }
        defer { connection.close() }
        result.reachable = true
        result.version = connection.serverVersion
        do {
            let (version, role) = try ServerChecks.readRole(connection)
            result.version = version
            result.role = role
        } catch {
            result.error = error
        }
        do {
            result.replication = try ServerChecks.readReplication(connection)
        } catch {
            result.replication = .unavailable(error.description)
        }
        result.elapsed = start.duration(to: clock.now)
        return result
    }
}

/// libmysqlclient timeouts are whole seconds: round up, at least 1.
func timeoutSeconds(milliseconds: Int) -> Int {
    max(1, (milliseconds + 999) / 1000)
}
