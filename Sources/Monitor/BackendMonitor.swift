import Foundation
import Logging
import MySQLControl
import Synchronization

/// Watches the health of every backend server from ONE dedicated OS thread.
///
/// Every `intervalMs` the thread checks each target in turn: it pings the connection it keeps to
/// the target (reconnecting at once if the ping fails), then runs the per-role checks
/// (`ServerChecks.observe`). Results go through ``HealthDamping`` (by default `down` after 2
/// failures in a row, `up` after 1 success) and are published for ``snapshot()``; health changes
/// are logged.
///
/// All libmysqlclient calls happen on the monitor thread, which owns the connections (they never
/// leave it), so the blocking calls never touch a NIO event loop or Swift's cooperative pool.
/// Targets are checked one after the other: a target that black-holes packets delays the others by
/// up to the connect timeout (rounded up to whole seconds), so keep `connectTimeoutMs` well below
/// the time a failover may take.
public final class BackendMonitor: Sendable {
    private let core: MonitorCore

    /// - Parameters:
    ///   - intervalMs: time from the start of one round of checks to the start of the next (min 10).
    ///   - connectTimeoutMs: connect and read timeout for each check; libmysqlclient counts whole
    ///     seconds, so it is rounded up (min 1 s).
    ///   - damping: consecutive results needed to change health.
    public init(targets: [MonitorTarget], user: String, password: String, intervalMs: Int, connectTimeoutMs: Int,
                damping: HealthDamping = HealthDamping(), logger: Logger) {
        core = MonitorCore(targets: targets, user: user, password: password, intervalMs: intervalMs,
                           connectTimeoutMs: connectTimeoutMs, damping: damping, logger: logger)
    }

    deinit {
        core.requestStop()
    }

    /// Starts the monitor thread. Does nothing if it is already running.
    public func start() {
        core.start()
    }

    /// Stops the monitor thread and waits for it to exit, for at most the time one check can take
    /// (connect + read timeout, plus a second). If it has not exited by then (a check is still
    /// blocked in libmysqlclient), `stop` logs that and returns; the thread exits when that check ends
    /// and publishes nothing more. Idempotent.
    ///
    /// Blocks the caller while it waits (normally well under a millisecond: the thread is asleep
    /// between rounds and wakes at once), so from async code prefer calling it via
    /// `MySQLClientLibrary.runOnDedicatedThread`.
    public func stop() {
        core.stop()
    }

    /// Whether the monitor thread is running (started and not yet exited).
    public var isRunning: Bool { core.isRunning }

    /// The current status of every target.
    public func snapshot() -> [MonitorTarget: BackendStatus] {
        core.state.withLock { $0.statuses }
    }

    /// Replaces the set of targets (on reload). Targets that stay keep their status and connection;
    /// new ones start `unknown` and are checked right away; removed ones are dropped and their
    /// connections closed by the monitor thread.
    public func updateTargets(_ targets: [MonitorTarget]) {
        core.updateTargets(targets)
    }
}

// MARK: - Core (shared by the owner and the monitor thread)

final class MonitorCore: Sendable {
    struct State: Sendable {
        var targets: [MonitorTarget]
        var statuses: [MonitorTarget: BackendStatus]
        /// Generation of the thread that should be running, or nil when stopped.
        var activeGeneration: UInt64?
        var lastGeneration: UInt64 = 0
        var exitLatch: ExitLatch?
    }

    let state: Mutex<State>
    private let wakeup = Wakeup()
    private let user: String
    private let password: String
    private let interval: Duration
    private let timeoutSeconds: Int
    private let damping: HealthDamping
    private let logger: Logger

    init(targets: [MonitorTarget], user: String, password: String, intervalMs: Int, connectTimeoutMs: Int,
         damping: HealthDamping, logger: Logger) {
        let unique = Self.deduplicated(targets)
        state = Mutex(State(targets: unique,
                            statuses: Dictionary(uniqueKeysWithValues: unique.map { ($0, BackendStatus(target: $0)) }),
                            activeGeneration: nil))
        self.user = user
        self.password = password
        interval = .milliseconds(max(10, intervalMs))
        timeoutSeconds = Monitor.timeoutSeconds(milliseconds: connectTimeoutMs)
        self.damping = damping
        self.logger = logger
    }

    var isRunning: Bool {
        state.withLock { $0.exitLatch.map { !$0.isDone } ?? false }
    }

    func start() {
        let started: (UInt64, ExitLatch)? = state.withLock { s in
            guard s.activeGeneration == nil else { return nil }
            s.lastGeneration += 1
            s.activeGeneration = s.lastGeneration
            let latch = ExitLatch()
            s.exitLatch = latch
            return (s.lastGeneration, latch)
        }
        guard let (generation, latch) = started else { return }
        let thread = Thread { [self] in
            run(generation: generation)
            latch.markDone()
        }
        thread.start()
        logger.info("backend monitor started", metadata: [
            "targets": "\(state.withLock { $0.targets.count })",
            "interval_ms": "\(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)",
        ])
    }

    func requestStop() {
        state.withLock { $0.activeGeneration = nil }
        wakeup.signal()
    }

    func stop() {
        let latch: ExitLatch? = state.withLock { s in
            s.activeGeneration = nil
            return s.exitLatch
        }
        wakeup.signal()
        guard let latch else { return }
        // One check (connect + read, each bounded by the timeout) may be under way.
        let bound = Duration.seconds(2 * timeoutSeconds + 1)
        if latch.wait(timeout: bound) {
            logger.info("backend monitor stopped")
        } else {
            logger.warning("backend monitor thread still busy in a check; it will exit when the check ends",
                           metadata: ["waited_s": "\(2 * timeoutSeconds + 1)"])
        }
    }

    func updateTargets(_ targets: [MonitorTarget]) {
        let unique = Self.deduplicated(targets)
        let (added, removed): ([MonitorTarget], [MonitorTarget]) = state.withLock { s in
            let old = Set(s.targets)
            let new = Set(unique)
            s.targets = unique
            var statuses: [MonitorTarget: BackendStatus] = [:]
            for target in unique { statuses[target] = s.statuses[target] ?? BackendStatus(target: target) }
            s.statuses = statuses
            return (unique.filter { !old.contains($0) }, Array(old.subtracting(new)).sorted { $0.name < $1.name })
        }
        if !added.isEmpty || !removed.isEmpty {
            logger.info("backend monitor targets updated", metadata: [
                "added": "\(added.map(\.description))", "removed": "\(removed.map(\.description))",
            ])
        }
        wakeup.signal()
    }

    private static func deduplicated(_ targets: [MonitorTarget]) -> [MonitorTarget] {
        var seen = Set<MonitorTarget>()
        return targets.filter { seen.insert($0).inserted }
    }

    // MARK: Monitor thread

    private func isActive(_ generation: UInt64) -> Bool {
        state.withLock { $0.activeGeneration == generation }
    }

    /// The monitor thread's body. `connections` is confined to this thread.
    private func run(generation: UInt64) {
        MySQLClientLibrary.threadInit(name: "sleet-monitor")
        var connections: [MonitorTarget: MySQLConnection] = [:]
        defer {
            for connection in connections.values { connection.close() }
            MySQLClientLibrary.threadEnd()
        }
        let clock = ContinuousClock()
        while isActive(generation) {
            let roundStart = clock.now
            let targets = state.withLock { $0.targets }
            let current = Set(targets)
            for target in connections.keys where !current.contains(target) {
                connections.removeValue(forKey: target)?.close()
            }
            for target in targets {
                guard isActive(generation) else { break }
                let outcome = check(target, connections: &connections)
                publish(outcome, for: target, at: clock.now, generation: generation)
            }
            wakeup.wait(until: roundStart.advanced(by: interval))
        }
    }

    /// Reachability (reuse the connection if it answers a ping, else reconnect once), then the
    /// per-role checks.
    private func check(_ target: MonitorTarget, connections: inout [MonitorTarget: MySQLConnection]) -> CheckOutcome {
        if let connection = connections[target] {
            if connection.ping() {
                return observe(target, connection, connections: &connections)
            }
            connection.close()
            connections[target] = nil
        }
        do {
            let connection = try MySQLConnection(host: target.host, port: target.port, user: user, password: password,
                                                 connectTimeoutSeconds: timeoutSeconds,
                                                 readTimeoutSeconds: timeoutSeconds)
            connections[target] = connection
            return observe(target, connection, connections: &connections)
        } catch {
            return .failure(error.description)
        }
    }

    private func observe(_ target: MonitorTarget, _ connection: MySQLConnection,
                         connections: inout [MonitorTarget: MySQLConnection]) -> CheckOutcome {
        do {
            return .success(try ServerChecks.observe(connection, for: target))
        } catch {
            connection.close()
            connections[target] = nil
            return .failure(error.description)
        }
    }

    private func publish(_ outcome: CheckOutcome, for target: MonitorTarget, at instant: ContinuousClock.Instant,
                         generation: UInt64) {
        let change: (BackendHealth, BackendStatus)? = state.withLock { s in
            // A thread left over from a stop() that timed out publishes nothing; nor do removed targets.
            guard s.activeGeneration == generation, var status = s.statuses[target] else { return nil }
            let previous = status.record(outcome, at: instant, damping: damping)
            s.statuses[target] = status
            return previous.map { ($0, status) }
        }
        if case let .failure(message) = outcome {
            logger.debug("backend check failed", metadata: ["backend": "\(target)", "error": "\(message)"])
        }
        guard let (previous, status) = change else { return }
        var metadata: Logger.Metadata = [
            "backend": "\(target.name)", "address": "\(target.address)",
            "from": "\(previous.rawValue)", "to": "\(status.health.rawValue)",
        ]
        switch status.health {
        case .down:
            metadata["error"] = "\(status.lastError ?? "")"
            metadata["consecutive_failures"] = "\(status.consecutiveFailures)"
            logger.warning("backend down", metadata: metadata)
        case .up:
            metadata["version"] = "\(status.version ?? "")"
            if previous == .down {
                logger.notice("backend up again", metadata: metadata)
            } else {
                logger.info("backend up", metadata: metadata)
            }
        case .unknown:
            logger.info("backend health unknown", metadata: metadata)
        }
    }
}
