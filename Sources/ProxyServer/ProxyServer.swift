import Backend
import Logging
import MySQLWire
import NIOCore
import NIOPosix
import PluginAPI
import ServiceLifecycle
import SleetConfig
import Synchronization
import UnixSignals

/// The proxy: listeners, sessions, the runtime snapshot and reloads.
public final class ProxyServer: Sendable {
    public let store: RuntimeStore
    public let registry = SessionRegistry()
    private let factories: [PluginFactory]
    private let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool
    private let logger: Logger
    private let channels = Mutex<[Channel]>([])

    public init(runtime: ProxyRuntime, factories: [PluginFactory], group: MultiThreadedEventLoopGroup? = nil, logger: Logger) {
        self.store = RuntimeStore(runtime)
        self.factories = factories
        self.group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: runtime.config.resolvedEventLoops(cores: System.coreCount))
        self.ownsGroup = group == nil
        self.logger = logger
    }

    /// Loads and validates a config file, then builds the runtime.
    public static func loadRuntime(path: String, factories: [PluginFactory]) throws -> ProxyRuntime {
        try ProxyRuntime(config: SleetConfig.load(path: path), factories: factories)
    }

    /// Binds the listeners. Returns the bound addresses (main first).
    @discardableResult
    public func start() async throws -> [SocketAddress] {
        let config = store.runtime.config
        var addrs: [SocketAddress] = []
        var listen = [config.listen]
        if let admin = config.adminListen { listen.append(admin) }
        for hp in listen {
            let ch = try await bootstrap().bind(host: hp.host, port: hp.port).get()
            channels.withLock { $0.append(ch) }
            if let a = ch.localAddress { addrs.append(a) }
            logger.info("listening", metadata: ["address": "\(hp)"])
        }
        return addrs
    }

    private func bootstrap() -> ServerBootstrap {
        let store = self.store
        let registry = self.registry
        let logger = self.logger
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ClientSession(store: store, registry: registry, logger: logger))
                }
            }
    }

    /// Validates the config file again and swaps the runtime. Open sessions stay; new statements
    /// use the new snapshot. On error nothing changes and the error is thrown.
    public func reload() throws {
        let path = store.runtime.config.path
        let runtime = try ProxyServer.loadRuntime(path: path, factories: factories)
        let old = store.runtime.config
        if runtime.config.listen != old.listen || runtime.config.adminListen != old.adminListen {
            logger.warning("listen addresses changed in the config: restart Sleet to apply them")
        }
        store.replace(runtime)
        logger.info("config reloaded", metadata: ["path": "\(path)"])
    }

    /// Stops accepting, lets running statements finish (up to the shutdown timeout), then closes every session.
    public func shutdown() async {
        let listeners = channels.withLock { c -> [Channel] in defer { c.removeAll() }; return c }
        for ch in listeners { try? await ch.close() }
        for s in registry.all { s.requestDrain() }
        let deadline = ContinuousClock.now + .milliseconds(store.runtime.config.shutdownTimeoutMs)
        while registry.count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for s in registry.all { try? await s.channel.close() }
        if ownsGroup { try? await group.shutdownGracefully() }
    }
}

/// Runs the proxy under swift-service-lifecycle: graceful shutdown on SIGTERM/SIGINT, reload on SIGHUP.
public struct ProxyService: Service {
    public let server: ProxyServer
    let logger: Logger
    public init(server: ProxyServer, logger: Logger) { self.server = server; self.logger = logger }

    public func run() async throws {
        try await server.start()
        let server = self.server
        let logger = self.logger
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup) {
                    do { try server.reload() } catch {
                        logger.error("reload failed; keeping the running config", metadata: ["errors": "\(error)"])
                    }
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        logger.info("shutting down: draining sessions")
        await server.shutdown()
    }
}
