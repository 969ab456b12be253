import Foundation
import MySQLControl
import MySQLWire

/// The built `sleet` binary run as its own process in front of the fleet: for measurements that
/// must not include the test process (memory), and for testing the executable as users run it.
public final class SleetProcess: @unchecked Sendable {
    public let process: Process
    public let port: Int
    public let configPath: String

    /// The sleet binary built next to the test bundle.
    public static func binary() throws -> URL {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [here, here.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("sleet")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw FleetMissing(description: "sleet binary not found next to \(here.path): run swift build first")
    }

    /// The one-shard config (s0's primary) with the app/app-pw user, plus `extraUsers` (YAML flow
    /// mappings) and `extraYAML` (more top-level keys).
    public static func config(port: Int, extraUsers: [String] = [], extraYAML: String = "") -> String {
        let app = "{ user: \(SleetInstance.appUser), password_hash: \"\(AuthScramble.nativePasswordHash(password: SleetInstance.appPassword))\" }"
        return """
        listen: 127.0.0.1:\(port)
        backend: { user: \(Fleet.user), password: "\(Fleet.password)" }
        shards:
          - { name: s0, key_range: "-", primary: \(Fleet.host):\(Fleet.s0Primary) }
        plugins:
          auth_file:
            users: [ \(([app] + extraUsers).joined(separator: ", ")) ]
        \(extraYAML)
        """
    }

    /// Starts `sleet serve` with `config(port:extraYAML:)`; waits until it answers.
    public static func start(extraYAML: String = "") throws -> SleetProcess {
        let port = 35000 + Int.random(in: 0..<5000)
        let path = NSTemporaryDirectory() + "sleet-proc-\(UUID().uuidString).yaml"
        try config(port: port, extraYAML: extraYAML).write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = try binary()
        p.arguments = ["serve", "--config", path, "--log-level", "warning"]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let sp = SleetProcess(process: p, port: port, configPath: path)
        for _ in 0..<100 {
            if let c = try? MySQLConnection(host: "127.0.0.1", port: port, user: SleetInstance.appUser,
                                            password: SleetInstance.appPassword, connectTimeoutSeconds: 1, readTimeoutSeconds: 5) {
                c.close()
                return sp
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        sp.stop()
        throw FleetMissing(description: "sleet did not start listening on \(port)")
    }

    init(process: Process, port: Int, configPath: String) { self.process = process; self.port = port; self.configPath = configPath }

    public var pid: Int32 { process.processIdentifier }
    /// Resident set size of the sleet process, in bytes.
    public var rss: Int { residentBytes(pid: pid) }

    public func connect(database: String? = nil, readTimeoutSeconds: Int = 120) throws -> MySQLConnection {
        try MySQLConnection(host: "127.0.0.1", port: port, user: SleetInstance.appUser, password: SleetInstance.appPassword,
                            database: database, connectTimeoutSeconds: 5, readTimeoutSeconds: readTimeoutSeconds)
    }

    public func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: configPath)
    }

    deinit { stop() }
}

/// Resident set size of a process (from /proc/PID/statm), in bytes; 0 if it is gone.
public func residentBytes(pid: Int32) -> Int {
    guard let s = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
    let parts = s.split(separator: " ")
    guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
