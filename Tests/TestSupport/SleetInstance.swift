import Foundation
import Logging
import MySQLControl
import NIOCore
import NIOPosix
import PluginAPI
import AuthFile
import MySQLWire
import ProxyServer
import SleetConfig

/// Sleet running in-process on an ephemeral port in front of the fleet.
public final class SleetInstance: Sendable {
    public let server: ProxyServer
    public let port: Int
    public let adminPort: Int?

    /// Accounts of the test config.
    public static let appUser = "app", appPassword = "app-pw"
    public static let opsUser = "ops", opsPassword = "ops-pw"
    public static let otherUser = "other", otherPassword = "other-pw"

    /// The config the tests use: the fleet's two shards, test accounts, ephemeral ports.
    public static func testConfig() -> SleetConfig {
        SleetConfig(
            path: "<tests>",
            listen: HostPort(host: "127.0.0.1", port: 0),
            adminListen: nil,
            handshakeTimeoutMs: 1000,
            shutdownTimeoutMs: 2000,
            backend: BackendSettings(user: Fleet.user, password: Fleet.password, connectTimeoutMs: 2000),
            shards: [
                Shard(name: "s0", keyRange: KeyRange(start: 0, end: 0x8000_0000_0000_0000, text: "-80"),
                      primary: HostPort(host: Fleet.host, port: Fleet.s0Primary), replicas: [HostPort(host: Fleet.host, port: Fleet.s0Replica)]),
                Shard(name: "s1", keyRange: KeyRange(start: 0x8000_0000_0000_0000, end: nil, text: "80-"),
                      primary: HostPort(host: Fleet.host, port: Fleet.s1Primary), replicas: [HostPort(host: Fleet.host, port: Fleet.s1Replica)]),
            ],
            tables: Tables(defaultShard: "s0"),
            plugins: Plugins(order: ["auth_file"], authFile: AuthFileSettings(users: [
                .init(user: appUser, passwordHash: AuthScramble.nativePasswordHash(password: appPassword)),
                .init(user: opsUser, passwordHash: AuthScramble.nativePasswordHash(password: opsPassword), admin: true),
                .init(user: otherUser, passwordHash: AuthScramble.nativePasswordHash(password: otherPassword)),
            ])))
    }

    public static let factories: [PluginFactory] = [AuthFilePlugin.factory]

    /// Starts Sleet; `configure` may change the test config first.
    public static func start(_ configure: (inout SleetConfig) -> Void = { _ in }) async throws -> SleetInstance {
        var config = testConfig()
        configure(&config)
        var logger = Logger(label: "sleet-test")
        logger.logLevel = ProcessInfo.processInfo.environment["SLEET_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let runtime = try ProxyRuntime(config: config, factories: factories)
        let server = ProxyServer(runtime: runtime, factories: factories, logger: logger)
        let addrs = try await server.start()
        return SleetInstance(server: server, port: addrs[0].port ?? 0, adminPort: addrs.count > 1 ? addrs[1].port : nil)
    }

    init(server: ProxyServer, port: Int, adminPort: Int?) {
        self.server = server; self.port = port; self.adminPort = adminPort
    }

    public func stop() async { await server.shutdown() }

    /// Starts Sleet (after `configure`), runs `body`, and stops Sleet whatever happens.
    public static func with<T: Sendable>(_ configure: (inout SleetConfig) -> Void = { _ in },
                                         _ body: (SleetInstance) async throws -> T) async throws -> T {
        let sleet = try await start(configure)
        do {
            let result = try await body(sleet)
            await sleet.stop()
            return result
        } catch {
            await sleet.stop()
            throw error
        }
    }

    /// A libmysqlclient connection through Sleet.
    public func connect(user: String = appUser, password: String = appPassword, database: String? = nil,
                        readTimeoutSeconds: Int = 60) throws -> MySQLConnection {
        try MySQLConnection(host: "127.0.0.1", port: port, user: user, password: password, database: database,
                            connectTimeoutSeconds: 5, readTimeoutSeconds: readTimeoutSeconds)
    }

    /// Runs the `mariadb` command-line client against Sleet.
    public func cli(_ args: [String], user: String = appUser, password: String = appPassword, stdin: String? = nil) throws -> CLIResult {
        try CLI.run(["-h", "127.0.0.1", "-P", "\(port)", "-u", user, "-p\(password)"] + args, stdin: stdin)
    }
}

public struct CLIResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public init(status: Int32, stdout: String, stderr: String) { self.status = status; self.stdout = stdout; self.stderr = stderr }
}

public enum CLI {
    /// Runs `mariadb` with `args` (and optional standard input); waits for it to exit.
    public static func run(_ args: [String], stdin: String? = nil, executable: String = "mariadb") throws -> CLIResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [executable] + args
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? inp.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let errData = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let e = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var errBytes = Data()
        Task.detached { errBytes = await errData.value; e.signal() }
        e.wait()
        return CLIResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errBytes, as: UTF8.self))
    }
}

/// Resident set size of this process, in bytes (from /proc/self/statm).
public func currentRSS() -> Int {
    guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let parts = s.split(separator: " ")
    guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
