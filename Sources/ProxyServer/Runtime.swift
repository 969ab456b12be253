import Backend
import PluginAPI
import ShardRouting
import SleetConfig
import Synchronization

/// Everything a statement needs that comes from the config: an immutable snapshot, swapped whole
/// on reload, so a failed reload changes nothing and a running statement keeps the snapshot it
/// started with.
///
/// A final class, so taking the current snapshot per statement costs one retain, not a copy of the config.
public final class ProxyRuntime: Sendable {
    public let config: SleetConfig
    public let plugins: PluginChain
    /// Routing for this config (vindexes and key ranges prepared once per snapshot).
    public let router: Router
    /// Taken once per snapshot: the statement path reads these on every statement.
    public let defaultShard: Shard
    public let routesEverythingToDefault: Bool
    public let shardedDatabase: String

    public init(config: SleetConfig, factories: [PluginFactory]) throws {
        self.config = config
        self.router = Router(config: config)
        self.defaultShard = router.defaultShard
        self.routesEverythingToDefault = router.isTrivial
        self.shardedDatabase = config.database
        self.plugins = try PluginChain(config: config, factories: factories)
        if plugins.authenticators.isEmpty {
            throw RuntimeError.noAuthentication
        }
    }
}

public enum RuntimeError: Error, CustomStringConvertible {
    case noAuthentication
    public var description: String {
        switch self {
        case .noAuthentication: "no authentication plugin enabled: add plugins.auth_file with at least one user"
        }
    }
}

/// Holds the current runtime snapshot.
public final class RuntimeStore: Sendable {
    private let current: Mutex<ProxyRuntime>
    public init(_ runtime: ProxyRuntime) { current = Mutex(runtime) }
    public var runtime: ProxyRuntime { current.withLock { $0 } }
    public func replace(_ runtime: ProxyRuntime) { current.withLock { $0 = runtime } }
}
