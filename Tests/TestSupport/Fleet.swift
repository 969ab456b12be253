import Foundation
import MySQLControl

/// The local MariaDB fleet run by `scripts/fleet start` (ports and accounts are fixed there).
///
/// Integration suites are marked `.enabled(if: Fleet.shouldRun)` and call `try Fleet.require()`
/// first: with the fleet up they run; without it they fail under `CI=true` and are skipped otherwise.
public enum Fleet {
    public static let host = "127.0.0.1"
    public static let s0Primary = 23306
    public static let s0Replica = 23307
    public static let s1Primary = 23316
    public static let s1Replica = 23317
    public static let allPorts = [s0Primary, s0Replica, s1Primary, s1Replica]

    /// Sleet's backend user (no SUPER, no READ ONLY ADMIN).
    public static let user = "sleet"
    public static let password = "sleet-backend-pw"
    /// All privileges, for tests that inspect servers directly.
    public static let adminUser = "fleet_admin"
    public static let adminPassword = "fleet-admin-pw"

    /// The sharded database, created on both primaries by scripts/fleet.
    public static let database = "app"

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// nil when every server accepts a login; computed once per process.
    public static let unreachableReason: String? = {
        for port in allPorts {
            do {
                let c = try MySQLConnection(host: host, port: port, user: adminUser, password: adminPassword,
                                            connectTimeoutSeconds: 2, readTimeoutSeconds: 5)
                c.close()
            } catch {
                return "\(host):\(port): \(error)"
            }
        }
        return nil
    }()

    /// For `.enabled(if:)`: run when the fleet is reachable, and always under CI (where a missing fleet fails).
    public static var shouldRun: Bool { isCI || unreachableReason == nil }

    /// Throws (failing the test) when the fleet is not reachable.
    public static func require() throws {
        if let why = unreachableReason {
            throw FleetMissing(description: "fleet not running: run scripts/fleet start (\(why))")
        }
    }

    /// Unix socket of a fleet server started from this checkout (`.fleet/<server>/mysqld.sock`), if there is one.
    public static func socketPath(server: String) -> String? {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = repo.appendingPathComponent(".fleet/\(server)/mysqld.sock").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// A direct connection as Sleet's backend user (or fleet_admin with `admin`), to `database` by default.
    public static func connect(port: Int = s0Primary, admin: Bool = false, database: String? = Fleet.database) throws -> MySQLConnection {
        try MySQLConnection(host: host, port: port, user: admin ? adminUser : user, password: admin ? adminPassword : password,
                            database: database, connectTimeoutSeconds: 5, readTimeoutSeconds: 60)
    }

    /// A direct connection to one server of the fleet, as fleet_admin.
    public static func direct(port: Int = s0Primary, database: String? = nil) throws -> MySQLConnection {
        try MySQLConnection(host: host, port: port, user: adminUser, password: adminPassword, database: database,
                            connectTimeoutSeconds: 5, readTimeoutSeconds: 60)
    }
}

public struct FleetMissing: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}
