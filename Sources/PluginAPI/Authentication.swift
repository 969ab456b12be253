import MySQLWire
import SleetConfig

/// A user Sleet accepted, with the rights other plugins consult.
public struct UserAccount: Sendable, Equatable {
    public var user: String
    public var admin: Bool
    public var readOnly: Bool
    public var tables: [String]?
    public init(user: String, admin: Bool = false, readOnly: Bool = false, tables: [String]? = nil) {
        self.user = user; self.admin = admin; self.readOnly = readOnly; self.tables = tables
    }
}

/// The credentials a client presented (`mysql_native_password` token over Sleet's scramble).
public struct AuthRequest: Sendable {
    public var user: String
    public var host: String
    public var scramble: [UInt8]
    public var token: [UInt8]
    public init(user: String, host: String, scramble: [UInt8], token: [UInt8]) {
        self.user = user; self.host = host; self.scramble = scramble; self.token = token
    }
}

public enum AuthOutcome: Sendable, Equatable {
    case accepted(UserAccount)
    /// Not this plugin's user: the next authentication plugin in the chain is asked.
    case unknownUser
    case rejected
}

/// Every plugin: one shared instance per config entry, compiled in, listed in the executable's registry.
public protocol SleetPlugin: Sendable {
    /// The config key under `plugins:`.
    static var name: String { get }
    var kind: PluginKind { get }
}

public enum PluginKind: String, Sendable { case auth, authorization, filter, logger }

public protocol AuthenticationPlugin: SleetPlugin {
    func authenticate(_ request: AuthRequest) -> AuthOutcome
}

/// Builds the enabled plugins of a config, in chain order.
public struct PluginFactory: Sendable {
    public var name: String
    public var make: @Sendable (SleetConfig) throws -> (any SleetPlugin)?
    public init(name: String, make: @escaping @Sendable (SleetConfig) throws -> (any SleetPlugin)?) { self.name = name; self.make = make }
}

/// The plugin chain of one runtime snapshot.
public struct PluginChain: Sendable {
    public var plugins: [any SleetPlugin]
    public init(plugins: [any SleetPlugin]) { self.plugins = plugins }

    public init(config: SleetConfig, factories: [PluginFactory]) throws {
        var out: [any SleetPlugin] = []
        for name in config.plugins.order {
            guard let f = factories.first(where: { $0.name == name }) else { continue }
            if let p = try f.make(config) { out.append(p) }
        }
        plugins = out
    }

    public var authenticators: [any AuthenticationPlugin] { plugins.compactMap { $0 as? any AuthenticationPlugin } }

    /// Asks each authentication plugin in order; the first that knows the user decides.
    public func authenticate(_ request: AuthRequest) -> AuthOutcome {
        for a in authenticators {
            let r = a.authenticate(request)
            if r != .unknownUser { return r }
        }
        return .rejected
    }
}
