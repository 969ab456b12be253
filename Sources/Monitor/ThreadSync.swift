import Foundation

/// A wake-up signal for the monitor thread: `wait(until:)` returns at the deadline or as soon as
/// `signal()` is called (a signal sent while nobody waits is kept for the next wait).
final class Wakeup: @unchecked Sendable {
    private let condition = NSCondition()
    private var signaled = false  // guarded by `condition`

    func signal() {
        condition.lock()
        signaled = true
        condition.broadcast()
        condition.unlock()
    }

    func wait(until deadline: ContinuousClock.Instant) {
        condition.lock()
        defer { condition.unlock() }
        while !signaled {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: remaining.timeInterval))
        }
        signaled = false
    }
}

/// Set once when a thread has finished; `wait(timeout:)` is a bounded join.
final class ExitLatch: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = false  // guarded by `condition`

    func markDone() {
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
    }

    /// Returns whether the thread finished within `timeout`.
    func wait(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !done {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            _ = condition.wait(until: Date(timeIntervalSinceNow: remaining.timeInterval))
        }
        return true
    }

    var isDone: Bool {
        condition.lock()
        defer { condition.unlock() }
        return done
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) * 1e-18
    }
}
