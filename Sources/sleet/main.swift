import ArgumentParser
import AuthFile
import Foundation
import Logging
import Monitor
import MySQLWire
import PluginAPI
import ProxyServer
import SQLSyntax
import ServiceLifecycle
import ShardRouting
import SleetConfig

/// The plugins compiled into this binary, in no particular order: the config's `plugins:` order is the chain order.
let pluginRegistry: [PluginFactory] = [
    AuthFilePlugin.factory,
]

@main
struct Sleet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sleet",
        abstract: "A MySQL wire-protocol sharding proxy.",
        subcommands: [Serve.self, Check.self, Explain.self, HashPassword.self],
        defaultSubcommand: Serve.self
    )
}

struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Path to the YAML config file.")
    var config: String
}

/// Prints config errors as FILE:LINE:COLUMN: message, one per line, and exits 1.
func loadConfigOrExit(_ path: String) -> SleetConfig {
    do {
        return try SleetConfig.load(path: path)
    } catch let errors as ConfigErrors {
        FileHandle.standardError.write(Data((errors.description + "\n").utf8))
        Foundation.exit(1)
    } catch {
        FileHandle.standardError.write(Data("\(path): \(error)\n".utf8))
        Foundation.exit(1)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the proxy until SIGINT/SIGTERM; SIGHUP reloads the config.")
    @OptionGroup var options: ConfigOption
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "sleet")
        let config = loadConfigOrExit(options.config)
        let runtime: ProxyRuntime
        do { runtime = try ProxyRuntime(config: config, factories: pluginRegistry) } catch {
            FileHandle.standardError.write(Data("\(options.config): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let server = ProxyServer(runtime: runtime, factories: pluginRegistry, logger: logger)
        let monitor = MonitorService(config: config, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: ProxyService(server: server, logger: logger)),
                .init(service: monitor),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// Runs the backend health monitor (libmysqlclient on its own thread) for the lifetime of the proxy.
struct MonitorService: Service {
    let monitor: BackendMonitor
    init(config: SleetConfig, logger: Logger) {
        monitor = BackendMonitor(targets: monitorTargets(config), user: config.backend.user, password: config.backend.password,
                                 intervalMs: config.backend.healthCheck.intervalMs,
                                 connectTimeoutMs: config.backend.connectTimeoutMs, logger: logger)
    }
    func run() async throws {
        monitor.start()
        try? await gracefulShutdown()
        monitor.stop()
    }
}

func monitorTargets(_ config: SleetConfig) -> [MonitorTarget] {
    config.shards.flatMap { shard in
        [MonitorTarget(name: "\(shard.name)/primary", host: shard.primary.host, port: shard.primary.port)]
            + shard.replicas.enumerated().map { i, r in
                MonitorTarget(name: "\(shard.name)/replica\(shard.replicas.count > 1 ? "\(i + 1)" : "")", host: r.host, port: r.port)
            }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate the config; with --connect, also log in to every backend.")
    @OptionGroup var options: ConfigOption
    @Flag(help: "Log in to every backend and report reachability, version, role and replication.")
    var connect = false

    func run() throws {
        let config = loadConfigOrExit(options.config)
        do { _ = try ProxyRuntime(config: config, factories: pluginRegistry) } catch {
            FileHandle.standardError.write(Data("\(options.config): \(error)\n".utf8))
            throw ExitCode(1)
        }
        print("\(options.config): OK")
        print(config.summary())
        guard connect else { return }
        var failed = false
        print("")
        print("backends:")
        for target in monitorTargets(config) {
            let r = BackendMonitor.probe(target: target, user: config.backend.user, password: config.backend.password,
                                         connectTimeoutMs: config.backend.connectTimeoutMs)
            if r.reachable {
                print("  \(target.name) \(target.address): reachable, version \(r.version ?? "?"), role \(r.role?.rawValue ?? "?"), replication \(r.replication?.description ?? "?")")
                let expectReplica = target.name.contains("replica")
                if expectReplica != (r.role == .readOnlyReplica) {
                    print("    warning: configured as \(expectReplica ? "a replica" : "a primary") but the server reports \(r.role?.rawValue ?? "?")")
                }
            } else {
                failed = true
                print("  \(target.name) \(target.address): UNREACHABLE: \(r.error.map { "\($0)" } ?? "unknown error")")
            }
        }
        if failed { throw ExitCode(1) }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the route of one statement without connecting anywhere.")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The SQL statement.")
    var sql: String

    func run() throws {
        let config = loadConfigOrExit(options.config)
        let rows = Router(config: config).explainRows(sql: sql, database: config.database)
        printTable(header: ["shard", "role", "backend", "statement", "reason"], rows: rows.map { $0.map { $0 ?? "NULL" } })
    }
}

func printTable(header: [String], rows: [[String]]) {
    var widths = header.map(\.count)
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: " | ")
    }
    print(line(header))
    print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
    for r in rows { print(line(r)) }
}

struct HashPassword: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read a password on stdin and print its mysql_native_password hash.")
    func run() throws {
        var input = readLine(strippingNewline: true) ?? ""
        if input.hasSuffix("\r") { input.removeLast() }
        print(AuthScramble.nativePasswordHash(password: input))
    }
}
