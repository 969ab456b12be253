import MySQLControl

// Per-role checks.
//
// Everything the monitor and `sleet check --connect` learn about a server beyond "it answers" is
// read here, on a connection the caller already holds (on the caller's thread). Reachability itself
// (connect / ping) is done by the caller. The read/write split extends `ServerObservation` and
// `observe(_:for:)` with role-specific checks: `@@read_only` for every server, replication state
// and lag (`SHOW SLAVE STATUS`) for replicas; the probe already uses `readRole` and `readReplication`.

/// What one successful check observed.
struct ServerObservation: Sendable {
    /// Server version (from the handshake).
    var version: String
    /// Server-side id of the connection the check ran on.
    var connectionId: UInt?
}

enum ServerChecks {
    /// The checks the monitor runs on each cycle once `connection` answers a ping.
    /// A thrown error counts as a failed check (and the monitor drops the connection).
    static func observe(_ connection: MySQLConnection, for target: MonitorTarget) throws(MySQLClientError) -> ServerObservation {
        ServerObservation(version: connection.serverVersion, connectionId: connection.threadId)
    }

    /// `SELECT @@version, @@read_only`.
    static func readRole(_ connection: MySQLConnection) throws(MySQLClientError) -> (version: String, role: ServerRole) {
        let result = try connection.query("SELECT @@version AS version, @@read_only AS read_only")
        guard let first = result.first, let row = first.rows.first, row.count == 2 else {
            throw MySQLClientError(errno: 2000, sqlState: "HY000", message: "SELECT @@version, @@read_only returned no row")
        }
        let readOnly = row[1] == "1" || row[1]?.uppercased() == "ON"
        return (row[0] ?? "", readOnly ? .readOnlyReplica : .primary)
    }

    /// `SHOW SLAVE STATUS` (first replication connection): `.none` when the server does not replicate.
    static func readReplication(_ connection: MySQLConnection) throws(MySQLClientError) -> ReplicationInfo {
        let result = try connection.query("SHOW SLAVE STATUS")
        guard let status = result.first, !status.rows.isEmpty else { return .none }
        let io = status.value(row: 0, column: "Slave_IO_Running") ?? "NULL"
        let sql = status.value(row: 0, column: "Slave_SQL_Running") ?? "NULL"
        let behind = status.value(row: 0, column: "Seconds_Behind_Master").flatMap { Int($0) }
        return .replicating(ioRunning: io, sqlRunning: sql, secondsBehindMaster: behind)
    }
}
