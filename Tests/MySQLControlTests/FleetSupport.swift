import Foundation
import Logging
import MySQLControl
import Synchronization
import Testing
import TestSupport

// The fleet itself (ports, accounts, require/shouldRun) is TestSupport.Fleet.

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
