@testable import Monitor
import MySQLControl
import Testing
import TestSupport

@Suite struct HealthDampingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var damping: HealthDamping
        /// true = successful check, false = failed check
        var results: [Bool]
        var expected: [BackendHealth]
        var testDescription: String { "\(damping.failuresToDown)/\(damping.successesToUp) \(results)" }
    }

    @Test(arguments: [
        // Default: down after 2 failures, up after 1 success.
        Case(damping: HealthDamping(), results: [false, false, true], expected: [.unknown, .down, .up]),
        Case(damping: HealthDamping(), results: [true, false, true, false, false, false],
             expected: [.up, .up, .up, .up, .down, .down]),
        Case(damping: HealthDamping(), results: [false, true, false, false], expected: [.unknown, .up, .up, .down]),
        // Configurable thresholds.
        Case(damping: HealthDamping(failuresToDown: 3, successesToUp: 2), results: [true, true, false, false, false, true, true],
             expected: [.unknown, .up, .up, .up, .down, .down, .up]),
        Case(damping: HealthDamping(failuresToDown: 1), results: [true, false, true], expected: [.up, .down, .up]),
    ])
    func transitions(_ c: Case) {
        let target = MonitorTarget(name: "s0/primary", host: "127.0.0.1", port: 1)
        var status = BackendStatus(target: target)
        var healths: [BackendHealth] = []
        let now = ContinuousClock.now
        for ok in c.results {
            let before = status.health
            let changed = status.record(ok ? .success(ServerObservation(version: "v")) : .failure("boom"), at: now,
                                        damping: c.damping)
            #expect(changed == (status.health == before ? nil : before))
            healths.append(status.health)
        }
        #expect(healths == c.expected)
    }

    @Test func countersAndErrorsFollowResults() {
        var status = BackendStatus(target: MonitorTarget(name: "x", host: "h", port: 1))
        let t = ContinuousClock.now
        _ = status.record(.success(ServerObservation(version: "10.11")), at: t, damping: HealthDamping())
        _ = status.record(.failure("refused"), at: t, damping: HealthDamping())
        #expect(status.consecutiveFailures == 1)
        #expect(status.consecutiveSuccesses == 0)
        #expect(status.lastError == "refused")
        #expect(status.version == "10.11")  // kept while failing
        #expect(status.lastCheck == t)
        _ = status.record(.success(ServerObservation(version: "10.11")), at: t, damping: HealthDamping())
        #expect(status.lastError == nil)
        #expect(status.consecutiveFailures == 0)
        #expect(status.consecutiveSuccesses == 1)
    }

    @Test func timeoutsRoundUpToWholeSeconds() {
        #expect(timeoutSeconds(milliseconds: 0) == 1)
        #expect(timeoutSeconds(milliseconds: 1) == 1)
        #expect(timeoutSeconds(milliseconds: 1000) == 1)
        #expect(timeoutSeconds(milliseconds: 1001) == 2)
    }
}

@Suite struct BackendMonitorOfflineTests {
    @Test func closedPortGoesDownAndStopJoinsTheThread() async throws {
        let closed = MonitorTarget(name: "closed", host: "127.0.0.1", port: 1)
        let logs = LogCapture()
        let monitor = BackendMonitor(targets: [closed], user: "u", password: "p", intervalMs: 100,
                                     connectTimeoutMs: 1000, logger: logs.logger())
        #expect(monitor.snapshot()[closed]?.health == .unknown)
        #expect(!monitor.isRunning)
        monitor.start()
        monitor.start()  // no second thread
        #expect(monitor.isRunning)
        let status = try await waitFor(monitor, timeout: .seconds(5)) { $0[closed]?.health == .down }
        #expect(status[closed]?.consecutiveFailures ?? 0 >= 2)
        #expect(status[closed]?.lastError?.contains("ERROR 200") == true, "\(status[closed]?.lastError ?? "nil")")
        #expect(status[closed]?.connectionId == nil)
        monitor.stop()
        #expect(!monitor.isRunning)
        let downLogs = logs.all.filter { $0.message == "backend down" }
        #expect(downLogs.count == 1)
        #expect(downLogs.first?.level == .warning)
        #expect(downLogs.first?.metadata["backend"] == "closed")
    }

    @Test func probeOfClosedPortIsUnreachable() async throws {
        let result = try await onThread {
            BackendMonitor.probe(target: MonitorTarget(name: "closed", host: "127.0.0.1", port: 1), user: "u",
                                 password: "p", connectTimeoutMs: 1000)
        }
        #expect(!result.reachable)
        #expect([2002, 2003].contains(result.error?.errno ?? 0))
        #expect(result.role == nil && result.version == nil && result.replication == nil)
    }
}

@Suite(.enabled(if: Fleet.shouldRun))
struct BackendMonitorFleetTests {
    static let primary = MonitorTarget(name: "s0/primary", host: Fleet.host, port: Fleet.s0Primary)
    static let closed = MonitorTarget(name: "s9/closed", host: "127.0.0.1", port: 1)

    @Test func marksLiveBackendUpAndClosedPortDown() async throws {
        try Fleet.require()
        let logs = LogCapture()
        let monitor = BackendMonitor(targets: [Self.primary, Self.closed], user: Fleet.user, password: Fleet.password,
                                     intervalMs: 100, connectTimeoutMs: 1000, logger: logs.logger())
        let started = ContinuousClock.now
        monitor.start()
        defer { monitor.stop() }
        // Up after the first round, down after the second: well within 2 s (20 intervals).
        let snapshot = try await waitFor(monitor, timeout: .seconds(2)) {
            $0[Self.primary]?.health == .up && $0[Self.closed]?.health == .down
        }
        #expect(started.duration(to: .now) >= .milliseconds(100))  // the second failure needs a second round
        let up = try #require(snapshot[Self.primary])
        #expect(up.version?.contains("MariaDB") == true)
        #expect(up.lastError == nil)
        #expect(up.consecutiveFailures == 0)
        #expect(up.lastCheck != nil)
        let down = try #require(snapshot[Self.closed])
        #expect(down.consecutiveFailures >= 2)
        #expect(down.lastError != nil)

        // Checks keep coming every interval and reuse the connection (no reconnect while it answers).
        let firstCheck = try #require(up.lastCheck)
        let later = try await waitFor(monitor, timeout: .seconds(3)) {
            ($0[Self.primary]?.consecutiveSuccesses ?? 0) >= up.consecutiveSuccesses + 3
        }
        #expect(try #require(later[Self.primary]?.lastCheck) > firstCheck)

        #expect(logs.all.contains { $0.message == "backend up" && $0.metadata["backend"] == "s0/primary" })
        #expect(logs.all.contains { $0.message == "backend down" && $0.metadata["backend"] == "s9/closed" })

        // After stop, nothing is published any more.
        monitor.stop()
        #expect(!monitor.isRunning)
        let frozen = monitor.snapshot()[Self.primary]?.lastCheck
        try await Task.sleep(for: .milliseconds(350))
        #expect(monitor.snapshot()[Self.primary]?.lastCheck == frozen)
    }

    @Test func reusesItsConnectionAndReconnectsAtOnceWhenItIsKilled() async throws {
        try Fleet.require()
        let monitor = BackendMonitor(targets: [Self.primary], user: Fleet.user, password: Fleet.password,
                                     intervalMs: 50, connectTimeoutMs: 1000, logger: LogCapture().logger())
        monitor.start()
        defer { monitor.stop() }
        let first = try await waitFor(monitor, timeout: .seconds(2)) { $0[Self.primary]?.health == .up }
        let firstId = try #require(first[Self.primary]?.connectionId)
        let reused = try await waitFor(monitor, timeout: .seconds(2)) {
            ($0[Self.primary]?.consecutiveSuccesses ?? 0) >= (first[Self.primary]?.consecutiveSuccesses ?? 0) + 3
        }
        #expect(reused[Self.primary]?.connectionId == firstId, "one connection for every round")

        // Kill it server-side: the next ping fails, the monitor reconnects in the same round and
        // no failure is counted.
        try await onThread {
            let admin = try Fleet.connect(admin: true)
            try admin.execute("KILL CONNECTION \(firstId)")
        }
        var sawFailure = false
        _ = try await waitFor(monitor, timeout: .seconds(2)) { snapshot in
            let status = snapshot[Self.primary]
            if status?.health != .up || (status?.consecutiveFailures ?? 0) > 0 { sawFailure = true }
            return status?.connectionId != nil && status?.connectionId != firstId
        }
        #expect(!sawFailure)
    }

    @Test func updateTargetsAddsAndRemoves() async throws {
        try Fleet.require()
        let other = MonitorTarget(name: "s1/primary", host: Fleet.host, port: Fleet.s1Primary)
        let monitor = BackendMonitor(targets: [Self.primary, Self.closed], user: Fleet.user, password: Fleet.password,
                                     intervalMs: 100, connectTimeoutMs: 1000, logger: LogCapture().logger())
        monitor.start()
        defer { monitor.stop() }
        _ = try await waitFor(monitor, timeout: .seconds(5)) { $0[Self.primary]?.health == .up }
        let before = try #require(monitor.snapshot()[Self.primary])
        monitor.updateTargets([Self.primary, other])
        let snapshot = monitor.snapshot()
        #expect(Set(snapshot.keys) == [Self.primary, other])
        #expect(snapshot[Self.primary]?.health == .up)  // kept across the update
        #expect(snapshot[Self.primary]?.consecutiveSuccesses ?? 0 >= before.consecutiveSuccesses)
        _ = try await waitFor(monitor, timeout: .seconds(5)) { $0[other]?.health == .up }
    }

    @Test func probeOfReplicaReportsReadOnlyAndRunningReplication() async throws {
        try Fleet.require()
        let replica = MonitorTarget(name: "s0/replica", host: Fleet.host, port: Fleet.s0Replica)
        let result = try await onThread {
            BackendMonitor.probe(target: replica, user: Fleet.user, password: Fleet.password, connectTimeoutMs: 2000)
        }
        #expect(result.reachable)
        #expect(result.error == nil)
        #expect(result.version?.contains("MariaDB") == true)
        #expect(result.role == .readOnlyReplica)
        #expect(result.role?.rawValue == "replica (read_only)")
        let replication = try #require(result.replication)
        #expect(replication.isRunning, "\(replication)")
        #expect(replication.description.hasPrefix("Slave_IO_Running=Yes Slave_SQL_Running=Yes Seconds_Behind_Master="))
    }

    @Test func probeOfPrimaryReportsPrimaryWithoutReplication() async throws {
        try Fleet.require()
        let result = try await onThread {
            BackendMonitor.probe(target: Self.primary, user: Fleet.user, password: Fleet.password, connectTimeoutMs: 2000)
        }
        #expect(result.reachable)
        #expect(result.role == .primary)
        #expect(result.replication == ReplicationInfo.none)
        #expect(result.replication?.description == "none")
    }
}

/// Polls `monitor.snapshot()` until `condition` holds; fails the test after `timeout`.
func waitFor(_ monitor: BackendMonitor, timeout: Duration,
             _ condition: ([MonitorTarget: BackendStatus]) -> Bool,
             sourceLocation: SourceLocation = #_sourceLocation) async throws -> [MonitorTarget: BackendStatus] {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while true {
        let snapshot = monitor.snapshot()
        if condition(snapshot) { return snapshot }
        if ContinuousClock.now >= deadline {
            let states = snapshot.values.map { "\($0.target.name)=\($0.health.rawValue) (\($0.lastError ?? "-"))" }
            Issue.record("condition not met within \(timeout): \(states.sorted())", sourceLocation: sourceLocation)
            throw TestError(marker: -1)
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
