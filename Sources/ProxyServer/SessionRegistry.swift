import Backend
import NIOCore
import Synchronization

/// What other sessions may know of a session: enough for KILL, max_connections and shutdown.
public final class SessionHandle: Sendable {
    public let id: UInt32
    public let channel: Channel
    private let state = Mutex<(user: String?, backend: (BackendEndpoint, UInt32)?)>((nil, nil))
    /// Asks the session to close once its running statement is done (runs on the session's loop).
    let requestDrain: @Sendable () -> Void

    init(id: UInt32, channel: Channel, requestDrain: @escaping @Sendable () -> Void) {
        self.id = id; self.channel = channel; self.requestDrain = requestDrain
    }

    public var user: String? { state.withLock { $0.user } }
    func setUser(_ u: String?) { state.withLock { $0.user = u } }
    /// The backend connection currently serving the session, and its server thread id.
    public var backend: (BackendEndpoint, UInt32)? { state.withLock { $0.backend } }
    func setBackend(_ b: (BackendEndpoint, UInt32)?) { state.withLock { $0.backend = b } }
}

/// All client sessions of the process, by proxy connection id.
public final class SessionRegistry: Sendable {
    private let sessions = Mutex<[UInt32: SessionHandle]>([:])
    private let nextID = Atomic<UInt32>(1)

    public init() {}

    /// Registers a session unless `limit` sessions exist already.
    func register(channel: Channel, limit: Int, requestDrain: @escaping @Sendable () -> Void) -> SessionHandle? {
        sessions.withLock { map in
            guard map.count < limit else { return nil }
            var id = nextID.add(1, ordering: .relaxed).oldValue
            while id == 0 || map[id] != nil { id = nextID.add(1, ordering: .relaxed).oldValue }
            let h = SessionHandle(id: id, channel: channel, requestDrain: requestDrain)
            map[id] = h
            return h
        }
    }

    func remove(_ id: UInt32) { _ = sessions.withLock { $0.removeValue(forKey: id) } }
    public func session(_ id: UInt32) -> SessionHandle? { sessions.withLock { $0[id] } }
    public var count: Int { sessions.withLock { $0.count } }
    public var all: [SessionHandle] { sessions.withLock { Array($0.values) } }
}
