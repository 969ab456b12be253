import MySQLWire
import SleetConfig

/// One MySQL server of the fleet, with the place it holds in the topology.
public struct BackendEndpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Role: String, Sendable { case primary, replica }
    public var shard: String
    public var role: Role
    public var address: HostPort
    public init(shard: String, role: Role, address: HostPort) { self.shard = shard; self.role = role; self.address = address }
    public var description: String { "\(address) (\(shard) \(role.rawValue))" }
}

/// What a backend connection logs in with, derived from the client it serves.
public struct BackendLogin: Sendable {
    public var user: String
    public var password: String
    public var database: String?
    /// The client's collation id from its handshake.
    public var characterSet: UInt8
    /// The capabilities the client negotiated with Sleet; the reply-shaping ones are mirrored.
    public var clientCapabilities: CapabilityFlags
    public var connectTimeoutMs: Int

    public init(user: String, password: String, database: String?, characterSet: UInt8, clientCapabilities: CapabilityFlags, connectTimeoutMs: Int) {
        self.user = user; self.password = password; self.database = database; self.characterSet = characterSet
        self.clientCapabilities = clientCapabilities; self.connectTimeoutMs = connectTimeoutMs
    }

    /// The flags Sleet sends to the backend: the client's reply-shaping flags plus what Sleet itself needs.
    public func backendCapabilities(server: CapabilityFlags) -> CapabilityFlags {
        var caps = clientCapabilities.intersection(CapabilityFlags.replyShaping)
        caps.formUnion([.longPassword, .protocol41, .secureConnection, .pluginAuth, .pluginAuthLenencClientData, .transactions])
        if database != nil { caps.insert(.connectWithDB) }
        // Bit 0 stays set so MariaDB does not switch to its extended capabilities.
        return caps.intersection(server.union(.longPassword))
    }
}

/// Failures of a backend connection, as the client should see them.
public enum BackendError: Error, Sendable, CustomStringConvertible {
    /// Could not connect or log in: network-level reason.
    case unreachable(BackendEndpoint, String)
    /// The server refused the login (its own error, passed through: 1045, 1049 ...).
    case serverError(BackendEndpoint, MySQLError)
    /// The connection died or spoke nonsense.
    case lost(BackendEndpoint, String)
    /// The backend lacks a capability the client negotiated.
    case incompatible(BackendEndpoint, String)

    public var description: String {
        switch self {
        case .unreachable(let e, let why): "backend \(e) unreachable: \(why)"
        case .serverError(let e, let err): "backend \(e) refused: \(err)"
        case .lost(let e, let why): "lost backend \(e): \(why)"
        case .incompatible(let e, let why): "backend \(e) incompatible: \(why)"
        }
    }
}
