import Foundation

extension MySQLClientLibrary {
    /// Runs `body` on a new OS thread (registered with libmysqlclient) instead of on Swift's
    /// cooperative pool, so blocking libmysqlclient calls made from async code never hold a pool
    /// thread or a NIO event loop.
    ///
    /// `body` runs inside the calling task (on an actor whose executor is that thread), so
    /// task-locals stay visible: logging metadata, swift-testing's current test (`#expect` in `body`
    /// is attributed to the right test), `Task.isCancelled`. Cancellation does not interrupt a
    /// blocking call; bound it with the connection's timeouts.
    ///
    /// One thread per call, ended when `body` returns: meant for the control plane (a CLI check, a
    /// test), not a hot path.
    public static func runOnDedicatedThread<T: Sendable>(
        name: String = "sleet-mysql", _ body: @Sendable () throws -> T
    ) async throws -> T {
        let executor = DedicatedThreadExecutor(name: name)
        defer { executor.finish() }
        return try await DedicatedThreadActor(executor: executor).run(body)
    }
}

/// Calling into this actor always hops to its executor, i.e. onto the dedicated thread, and back
/// to the caller's executor on return.
private actor DedicatedThreadActor {
    private nonisolated let executor: DedicatedThreadExecutor

    init(executor: DedicatedThreadExecutor) {
        self.executor = executor
    }

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    func run<T: Sendable>(_ body: @Sendable () throws -> T) throws -> T {
        try body()
    }
}

/// A serial executor that runs its jobs, one at a time, on one dedicated OS thread. The thread starts
/// with the first job and exits once ``finish()`` was called and no job is left (a job enqueued later
/// starts a new thread, so a job is never dropped).
final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    private let name: String
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var jobs: [UnownedJob] = []
    private var finished = false
    private var threadRunning = false

    init(name: String) {
        self.name = name
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        let start = !threadRunning
        threadRunning = true
        condition.signal()
        condition.unlock()
        if start { startThread() }
    }

    /// No more work is expected: the thread exits when its queue is empty.
    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    private func startThread() {
        let thread = Thread { [self] in
            MySQLClientLibrary.threadInit(name: name)
            defer { MySQLClientLibrary.threadEnd() }
            while let job = nextJob() {
                job.runSynchronously(on: asUnownedSerialExecutor())
            }
        }
        thread.start()
    }

    /// The next job, or `nil` (and the thread is marked stopped) when finished and idle.
    private func nextJob() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty {
            if finished {
                threadRunning = false
                return nil
            }
            condition.wait()
        }
        return jobs.removeFirst()
    }
}
