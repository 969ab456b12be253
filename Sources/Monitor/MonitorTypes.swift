/// A server the monitor watches.
public struct MonitorTarget: Sendable, Hashable, CustomStringConvertible {
    /// Display name, e.g. `s0/primary` or `s1/replica-1`.
    public var name: String
    public var host: String
    public var port: Int

    public init(name: String, host: String, port: Int) {
        self.name = name
        self.host = host
        self.port = port
    }

    /// `host:port` (IPv6 hosts in brackets).
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var description: String { "\(name) (\(address))" }
}

/// The monitor's verdict on a backend.
public enum BackendHealth: String, Sendable {
    /// Not decided yet: no check has finished, or too few consecutive results to change state.
    case unknown
    case up
    case down
}

/// What the monitor knows about one target. Published by ``BackendMonitor/snapshot()``.
public struct BackendStatus: Sendable {
    public var target: MonitorTarget
    public var health: BackendHealth
    /// Server version from the last successful connection (kept while the server is down).
    public var version: String?
    /// Error of the last check if it failed; `nil` after a successful check.
    public var lastError: String?
    /// When the last check finished, or `nil` before the first one.
    public var lastCheck: ContinuousClock.Instant?
    /// Failed checks in a row (0 after a success).
    public var consecutiveFailures: Int
    /// Successful checks in a row (0 after a failure).
    public var consecutiveSuccesses: Int
    /// Server-side id of the monitor's connection to this target (as in `SHOW PROCESSLIST`), or
    /// `nil` after a failed check. It stays the same while the connection is reused.
    public var connectionId: UInt?

    public init(target: MonitorTarget, health: BackendHealth = .unknown, version: String? = nil,
                lastError: String? = nil, lastCheck: ContinuousClock.Instant? = nil,
                consecutiveFailures: Int = 0, consecutiveSuccesses: Int = 0, connectionId: UInt? = nil) {
        self.target = target
        self.health = health
        self.version = version
        self.lastError = lastError
        self.lastCheck = lastCheck
        self.consecutiveFailures = consecutiveFailures
        self.consecutiveSuccesses = consecutiveSuccesses
        self.connectionId = connectionId
    }
}

/// Failure damping: how many results in a row it takes to change a backend's health, so that one
/// lost ping does not take a backend out of rotation.
public struct HealthDamping: Sendable, Hashable {
    /// Consecutive failed checks after which a backend is `down` (default 2).
    public var failuresToDown: Int
    /// Consecutive successful checks after which a backend is `up` (default 1).
    public var successesToUp: Int

    public init(failuresToDown: Int = 2, successesToUp: Int = 1) {
        self.failuresToDown = max(1, failuresToDown)
        self.successesToUp = max(1, successesToUp)
    }
}

/// The result of checking one target once.
enum CheckOutcome: Sendable {
    case success(ServerObservation)
    case failure(String)
}

extension BackendStatus {
    /// Applies one check result with `damping`; returns the previous health if it changed.
    mutating func record(_ outcome: CheckOutcome, at instant: ContinuousClock.Instant,
                         damping: HealthDamping) -> BackendHealth? {
        let previous = health
        lastCheck = instant
        switch outcome {
        case let .success(observation):
            consecutiveFailures = 0
            consecutiveSuccesses += 1
            lastError = nil
            version = observation.version
            connectionId = observation.connectionId
            if health != .up, consecutiveSuccesses >= damping.successesToUp { health = .up }
        case let .failure(message):
            consecutiveSuccesses = 0
            consecutiveFailures += 1
            lastError = message
            connectionId = nil
            if health != .down, consecutiveFailures >= damping.failuresToDown { health = .down }
        }
        return health == previous ? nil : previous
    }
}
