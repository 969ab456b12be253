import SQLSyntax
import SleetConfig

/// Where a statement goes and how the replies combine: a value computed by a pure function
/// (`Router.plan`), printed by `EXPLAIN ROUTE` and executed by the proxy.
public struct RoutePlan: Sendable, Equatable {
    public enum Role: String, Sendable { case primary, replica }

    public struct Target: Sendable, Equatable {
        public var shard: String
        public var role: Role
        public var address: HostPort
        /// The SQL this shard gets; nil = the client's text, unchanged.
        public var statement: String?
        public var reason: String
        public init(shard: String, role: Role, address: HostPort, statement: String? = nil, reason: String) {
            self.shard = shard; self.role = role; self.address = address; self.statement = statement; self.reason = reason
        }
    }

    public enum Combine: Sendable, Equatable {
        /// One target: its reply goes to the client unchanged.
        case forward
        /// Writes on several shards: every one must succeed; affected rows are summed.
        case sumAffected
        /// The same statement on every shard (reference-table writes, DDL): every one must succeed;
        /// the client gets the first shard's reply.
        case firstReply
        /// A SELECT on several shards: result sets merged.
        case merge(MergeSpec)
    }

    /// What the session itself must do besides (or instead of) routing.
    public enum SessionEffect: Sendable, Equatable {
        case none
        /// `SET` of session state: run on one backend, then replayed on every backend the session uses.
        case setSession
        case use(database: String)
        case begin(readOnly: Bool)
        case commit
        case rollback
        /// SAVEPOINT / ROLLBACK TO / RELEASE SAVEPOINT: on every shard of the transaction.
        case savepoint
    }

    public var targets: [Target]
    public var combine: Combine
    /// Any shard would answer the same (no table, or reference tables only): the session may use a
    /// shard it already has open instead of the target named here.
    public var flexible: Bool
    /// Changes data or schema (never for a replica).
    public var isWrite: Bool
    public var effect: SessionEffect
    public var statement: Statement?

    public init(targets: [Target], combine: Combine = .forward, flexible: Bool = false, isWrite: Bool = false,
                effect: SessionEffect = .none, statement: Statement? = nil) {
        self.targets = targets; self.combine = combine; self.flexible = flexible; self.isWrite = isWrite
        self.effect = effect; self.statement = statement
    }

    /// Rows of `EXPLAIN ROUTE`: shard, role, backend, statement, reason.
    public func explainRows(sql: String) -> [[String?]] {
        targets.map { t in
            var reason = t.reason
            switch combine {
            case .merge(let spec) where !spec.isTrivial: reason += "; merge: \(spec.summary)"
            case .sumAffected: reason += "; affected rows summed"
            default: break
            }
            return [t.shard, t.role.rawValue, t.address.description, t.statement ?? sql, reason]
        }
    }
}

/// A statement Sleet cannot route or merge exactly: error 1235 `Sleet does not support <reason>`.
public struct RoutingRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "Sleet does not support \(reason)" }
}

extension MergeSpec {
    /// Human-readable description for EXPLAIN ROUTE.
    var summary: String {
        var parts: [String] = []
        if let g = groupBy { parts.append("group by \(g.map(\.label).joined(separator: ", "))") }
        if !aggregates.isEmpty { parts.append(aggregates.map { "\($0.function.rawValue)(#\($0.column + 1))" }.joined(separator: ", ")) }
        if !orderBy.isEmpty { parts.append("order by " + orderBy.map { $0.column.label + ($0.descending ? " desc" : "") }.joined(separator: ", ")) }
        if offset > 0 || limit != nil { parts.append("limit \(offset), \(limit.map(String.init) ?? "all")") }
        return parts.joined(separator: "; ")
    }
}

extension MergeSpec.ColumnRef {
    var label: String {
        switch self {
        case .index(let i): "#\(i + 1)"
        case .name(let n): n
        }
    }
}

extension Router {
    /// `EXPLAIN ROUTE` rows for a statement; a refused statement gives one row with a NULL shard and the reason.
    public func explainRows(sql: String, database: String?) -> [[String?]] {
        var router = self
        router.describe = true
        do {
            return try router.plan(sql: sql, database: database).explainRows(sql: sql)
        } catch {
            return [[nil, nil, nil, sql, error.description]]
        }
    }
}
