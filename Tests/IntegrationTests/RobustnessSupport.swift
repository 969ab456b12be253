import Foundation
import MySQLControl
import MySQLWire
import SleetConfig
import Synchronization
import Testing
import TestSupport

/// Robustness of Sleet against odd clients and failing backends, with Sleet running in-process.
/// The tests live in extensions of this suite (files `Robustness*.swift`); `.serialized` also keeps
/// the memory measurement free of the other tests' allocations.
@Suite(.enabled(if: Fleet.shouldRun), .serialized)
struct RobustnessTests {}

/// Helpers shared by the robustness tests.
///
/// Rule for these files: never write `await` inside `#expect`/`#require`. With Swift 6.3.1 and
/// swift-testing 6.3.1, `#expect(try await Robust.onThread { A } == x)` inside an async closure
/// (e.g. the body of `withSleet`) makes a LATER `try await Robust.onThread { B }` run closure A
/// again (reproduced without any I/O: B returned A's string). Await into a `let`, then expect.
enum Robust {
    static let app = SleetInstance.appUser
    static let appPassword = SleetInstance.appPassword
    /// A table of the `app` database on s0's primary for writes through Sleet.
    static let table = "app.robustness_raw"

    /// Starts Sleet (after `configure`), runs `body`, and stops Sleet whatever happens.
    static func withSleet<T: Sendable>(_ configure: (inout SleetConfig) -> Void = { _ in },
                                       _ body: (SleetInstance) async throws -> T) async throws -> T {
        try await SleetInstance.with(configure, body)
    }

    /// Runs blocking client code (libmysqlclient or `RawClient`) on its own OS thread.
    static func onThread<T: Sendable>(_ name: String = "robustness", _ body: @Sendable () throws -> T) async throws -> T {
        try await MySQLClientLibrary.runOnDedicatedThread(name: name, body)
    }

    /// Creates the test table (directly on s0's primary, as fleet_admin).
    static func ensureTable() throws {
        let admin = try Fleet.direct()
        defer { admin.close() }
        try admin.execute("CREATE TABLE IF NOT EXISTS \(table) (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64) NOT NULL)")
    }

    /// A raw client logged in as `app` (fails the test if the login is refused).
    static func rawLogin(_ sleet: SleetInstance, capabilities: CapabilityFlags = RawClient.defaultCapabilities,
                         database: String? = nil) throws -> RawClient {
        let c = try RawClient(port: sleet.port)
        let login = try c.login(user: app, password: appPassword, database: database, capabilities: capabilities)
        guard login.ok != nil else {
            throw RawClient.Failure.protocolViolation("login refused: \(String(describing: login.error))")
        }
        return c
    }

    /// The single value of a one-row, one-column libmysqlclient result.
    static func scalar(_ c: MySQLConnection, _ sql: String) throws -> String? {
        let r = try c.query(sql)
        return r.first?.rows.first?.first ?? nil
    }

    static func now() -> ContinuousClock.Instant { ContinuousClock.now }
    static func seconds(since t: ContinuousClock.Instant) -> Double { RawClient.seconds(ContinuousClock.now - t) }

    /// Waits (polling) until `condition` holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Double = 2, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}

/// Samples a process's RSS (`rss`) from its own thread until stopped; keeps the peak.
final class RSSSampler: Sendable {
    private let peakValue = Mutex<Int>(0)
    private let running = Atomic<Bool>(true)
    private let done = DispatchSemaphore(value: 0)
    private let rss: @Sendable () -> Int

    init(_ rss: @escaping @Sendable () -> Int, intervalMs: Int = 2) {
        self.rss = rss
        peakValue.withLock { $0 = rss() }
        let thread = Thread { [self] in
            while running.load(ordering: .acquiring) {
                let rss = self.rss()
                peakValue.withLock { $0 = max($0, rss) }
                usleep(useconds_t(intervalMs * 1000))
            }
            done.signal()
        }
        thread.name = "rss-sampler"
        thread.start()
    }

    var peak: Int { peakValue.withLock { $0 } }

    /// Stops sampling and returns the peak.
    func stop() -> Int {
        running.store(false, ordering: .releasing)
        done.wait()
        let rss = self.rss()
        return peakValue.withLock { $0 = max($0, rss); return $0 }
    }
}

/// A flag set from one thread and read from another.
final class RobustFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
