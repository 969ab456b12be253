import Foundation
import MySQLControl
import MySQLWire
import Testing
import TestSupport

/// The `sleet` executable's commands, run as a user would.
@Suite(.serialized)
struct SleetCommandTests {
    static func binary() throws -> URL { try SleetProcess.binary() }

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func run(_ args: [String], stdin: String? = nil, env: [String: String] = [:]) throws -> CLIResult {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func hashPasswordPrintsNativeHash() throws {
        let r = try Self.run(["hash-password"], stdin: "sleet-demo\n")
        #expect(r.status == 0)
        #expect(r.stdout == "*3A00909D5D61D96C3F0D9AFB40590637C5CEC018\n")
        let noNewline = try Self.run(["hash-password"], stdin: "app-pw")
        #expect(noNewline.stdout == "*72B37E3F4D899EDC98A9363172669E192CE424D5\n")
    }

    @Test func checkReportsEveryErrorWithFileLineColumn() throws {
        let path = NSTemporaryDirectory() + "sleet-bad-\(UUID().uuidString).yaml"
        try "listen: 127.0.0.1:3307\nbackend:\n  user: sleet\n  pool_sise: 4\nshards:\n  - primary: nowhere\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try Self.run(["check", "--config", path])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(path):4:3: unknown key 'pool_sise'") && $0.contains("did you mean 'pool_size'?") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("\(path):6:14: ") }, "bad address reported at its column: \(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix(path + ":") }, "\(lines)")
    }

    @Test func checkAcceptsTheShippedConfigs() throws {
        for file in ["Config/demo.yaml", "Config/sleet.yaml"] {
            let r = try Self.run(["check", "--config", Self.repoRoot.appendingPathComponent(file).path], env: ["SLEET_BACKEND_PASSWORD": "x"])
            #expect(r.status == 0, "\(file): \(r.stderr)")
            #expect(r.stdout.contains("shards (2):"), "\(file): \(r.stdout)")
        }
    }

    @Test(.enabled(if: Fleet.shouldRun)) func checkConnectReportsEveryBackend() throws {
        try Fleet.require()
        let demo = Self.repoRoot.appendingPathComponent("Config/demo.yaml").path
        let r = try Self.run(["check", "--config", demo, "--connect"], env: ["SLEET_BACKEND_PASSWORD": Fleet.password])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        for name in ["s0/primary", "s0/replica", "s1/primary", "s1/replica"] {
            #expect(r.stdout.contains("\(name) "), "missing \(name)")
        }
        #expect(r.stdout.components(separatedBy: "reachable, version 10.11").count == 5, "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "role replica (read_only), replication Slave_IO_Running=Yes Slave_SQL_Running=Yes").count == 3, "\(r.stdout)")

        let wrong = try Self.run(["check", "--config", demo, "--connect"], env: ["SLEET_BACKEND_PASSWORD": "wrong"])
        #expect(wrong.status == 1)
        #expect(wrong.stdout.contains("UNREACHABLE"), "\(wrong.stdout)")
        #expect(wrong.stdout.contains("1045"), "\(wrong.stdout)")
    }

    @Test func explainPrintsTheRoute() throws {
        let demo = Self.repoRoot.appendingPathComponent("Config/demo.yaml").path
        let r = try Self.run(["explain", "--config", demo, "SELECT 1"], env: ["SLEET_BACKEND_PASSWORD": "x"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("s0    | primary | 127.0.0.1:23306"), "\(r.stdout)")
    }

    @Test(.enabled(if: Fleet.shouldRun)) func serveAnswersAndStopsGracefullyOnSIGTERM() throws {
        try Fleet.require()
        let path = NSTemporaryDirectory() + "sleet-serve-\(UUID().uuidString).yaml"
        let port = 34000 + Int.random(in: 0..<2000)
        try """
        listen: 127.0.0.1:\(port)
        backend: { user: sleet, password: "${SLEET_BACKEND_PASSWORD}" }
        shards:
          - { name: s0, key_range: "-", primary: 127.0.0.1:23306 }
        plugins:
          auth_file:
            users: [ { user: app, password_hash: "*72B37E3F4D899EDC98A9363172669E192CE424D5" } ]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Process()
        p.executableURL = try Self.binary()
        p.arguments = ["--config", path]
        p.environment = ProcessInfo.processInfo.environment.merging(["SLEET_BACKEND_PASSWORD": Fleet.password]) { $1 }
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        var result: CLIResult?
        for _ in 0..<50 {
            Thread.sleep(forTimeInterval: 0.1)
            let r = try CLI.run(["-h", "127.0.0.1", "-P", "\(port)", "-u", "app", "-papp-pw", "-N", "-e", "select @@version"])
            if r.status == 0 { result = r; break }
        }
        #expect(result?.stdout == "10.11.19-Sleet-0.1\n")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0, "exit \(p.terminationStatus)")
    }
}

/// SIGHUP reloads the config: new statements and logins use it, open sessions stay, and a config
/// that fails validation changes nothing.
@Suite(.enabled(if: Fleet.shouldRun), .serialized)
struct ReloadTests {
    @Test func sighupReloadsAndABadConfigChangesNothing() throws {
        try Fleet.require()
        let sleet = try SleetProcess.start()
        defer { sleet.stop() }
        let open = try sleet.connect(database: "app")
        defer { open.close() }
        #expect(try open.query("SELECT 1")[0].rows == [["1"]])
        let newUser = "{ user: newcomer, password_hash: \"\(AuthScramble.nativePasswordHash(password: "newcomer-pw"))\" }"

        func login(_ user: String, _ password: String) -> Bool {
            guard let c = try? MySQLConnection(host: "127.0.0.1", port: sleet.port, user: user, password: password,
                                               connectTimeoutSeconds: 2, readTimeoutSeconds: 5) else { return false }
            c.close()
            return true
        }
        func reload(_ yaml: String) {
            try? yaml.write(toFile: sleet.configPath, atomically: true, encoding: .utf8)
            kill(sleet.pid, SIGHUP)
        }
        func eventually(_ condition: () -> Bool) -> Bool {
            for _ in 0..<50 { if condition() { return true }; Thread.sleep(forTimeInterval: 0.1) }
            return false
        }

        #expect(!login("newcomer", "newcomer-pw"))
        reload(SleetProcess.config(port: sleet.port, extraUsers: [newUser]))
        #expect(eventually { login("newcomer", "newcomer-pw") }, "the reloaded config's user can log in")
        #expect(try open.query("SELECT 2")[0].rows == [["2"]], "a session opened before the reload keeps working")

        // An invalid config (unknown key) is refused: the running config stays.
        reload(SleetProcess.config(port: sleet.port, extraYAML: "listn: nowhere"))
        Thread.sleep(forTimeInterval: 0.5)
        #expect(login("newcomer", "newcomer-pw"), "a failed reload changes nothing")
        #expect(sleet.process.isRunning)
        #expect(try open.query("SELECT 3")[0].rows == [["3"]])
    }
}
