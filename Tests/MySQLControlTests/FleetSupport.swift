import Foundation
import Logging
import MySQLControl
import Synchronization
import Testing

/// The local MariaDB fleet run by `scripts/fleet start` (see that script for ports and accounts).
///
/// Tests that need it are marked `.enabled { await Fleet.shouldRun() }` and begin with
/// `try await Fleet.require()`:
/// - fleet reachable: they run;
/// - fleet not reachable, `CI=true`: they run and fail with "fleet not running: run scripts/fleet start";
/// - fleet not reachable otherwise: they are skipped.
enum Fleet {
    static let host = "127.0.0.1"
    static let s0Primary = 23306
    static let s0Replica = 23307
    static let s1Primary = 23316
    static let s1Replica = 23317
    static let allPorts = [s0Primary, s0Replica, s1Primary, s1Replica]

    static let user = "sleet"
    static let password = "sleet-backend-pw"
    static let adminUser = "fleet_admin"
    static let adminPassword = "fleet-admin-pw"
    static let database = "app"

    static let notRunningMessage = "fleet not running: run scripts/fleet start"

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// `nil` when every server accepts a connection, else why not. Computed once per test process,
    /// on a dedicated thread (connecting blocks).
    private static let unreachableReason = Task<String?, Never> {
        do {
            return try await onThread {
                for port in allPorts {
                    do {
                        let connection = try MySQLConnection(host: host, port: port, user: adminUser,
                                                             password: adminPassword, connectTimeoutSeconds: 2,
                                                             readTimeoutSeconds: 5)
                        connection.close()
                    } catch {
                        return "\(host):\(port): \(error)"
                    }
                }
                return nil
            }
        } catch {
            return "\(error)"
        }
    }

    /// Condition for `.enabled`: run when the fleet is reachable, and always in CI.
    static func shouldRun() async -> Bool {
        if isCI { return true }
        return await unreachableReason.value == nil
    }

    /// Fails the test (and stops it) when the fleet is not reachable.
    static func require() async throws {
        let reason = await unreachableReason.value
        try #require(reason == nil, "\(notRunningMessage) (\(reason ?? ""))")
    }

    /// Unix socket of a fleet server started from this checkout, if there is one.
    static func socketPath(server: String) -> String? {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = repo.appendingPathComponent(".fleet/\(server)/mysqld.sock").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static func connect(port: Int = s0Primary, admin: Bool = false, database: String? = Fleet.database) throws -> MySQLConnection {
        try MySQLConnection(host: host, port: port, user: admin ? adminUser : user,
                            password: admin ? adminPassword : password, database: database,
                            connectTimeoutSeconds: 5, readTimeoutSeconds: 60)
    }
}

/// Runs blocking libmysqlclient work off Swift's cooperative pool (the project rule applies to tests too).
func onThread<T: Sendable>(_ body: @Sendable () throws -> T) async throws -> T {
    try await MySQLClientLibrary.runOnDedicatedThread(name: "sleet-ctl-test", body)
}

/// A scratch database on s0's primary, unique per call, dropped afterwards.
func withScratchDatabase<T>(_ connection: MySQLConnection, _ body: (String) throws -> T) throws -> T {
    let name = "sleet_ctl_test_\(UInt32.random(in: 0...UInt32.max))"
    try connection.execute("CREATE DATABASE \(name)")
    defer { _ = try? connection.execute("DROP DATABASE IF EXISTS \(name)") }
    return try body(name)
}

struct TestError: Error, Equatable {
    var marker: Int
}

/// Collects log messages (message, level, metadata) for assertions.
final class LogCapture: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    func logger(label: String = "sleet.monitor.test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { $1 } }
            capture.append(Entry(level: event.level, message: "\(event.message)",
                                 metadata: merged.mapValues { "\($0)" }))
        }
    }
}
