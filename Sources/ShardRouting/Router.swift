import SQLSyntax
import SleetConfig

/// Routing: statement + session database + config in, `RoutePlan` out. Pure, no I/O.
///
/// The rule above all: never answer wrongly. What cannot be routed or merged exactly throws a
/// `RoutingRefusal` (error 1235), and anything the parser does not understand can only widen a
/// route (more shards), never narrow it.
public struct Router: Sendable {
    public let config: SleetConfig
    public let shardMap: ShardMap
    /// Build the human-readable reasons (EXPLAIN ROUTE). Off on the statement path, where they would
    /// cost more than the rest of planning.
    public var describe = false
    /// Set per text by `plan(tokens:...)`: the text has a parenthesized (nested) join, so an
    /// unqualified column in one table's ON clause may not be able to name the other tables.
    var nestedJoins = false
    /// `routing.scatter: reject`, unless a shard hint names the one shard the text goes to.
    var rejectScatter: Bool

    public init(config: SleetConfig) {
        self.config = config
        self.shardMap = ShardMap(shards: config.shards)
        self.rejectScatter = config.routing.scatter == .reject
    }

    public var defaultShard: Shard {
        if let name = config.tables.defaultShard, let s = config.shards.first(where: { $0.name == name }) { return s }
        return config.shards[0]
    }

    /// True when nothing is sharded or replicated by reference: every statement goes to the default shard.
    public var isTrivial: Bool { config.tables.sharded.isEmpty && config.tables.reference.isEmpty }

    /// Plans a COM_QUERY text, given the session's current database.
    public func plan(sql: String, database: String?) throws(RoutingRefusal) -> RoutePlan {
        let lexer = Lexer(sql)
        return try plan(tokens: lexer.tokens(), source: lexer.bytes, sql: sql, database: database)
    }

    public func plan(tokens: [Token], source: [UInt8], sql: String, database: String?) throws(RoutingRefusal) -> RoutePlan {
        if !describe, !source.contains(UInt8(ascii: "/")), let fast = fastPointSelect(tokens, source: source, database: database) {
            return fast
        }
        let hints = SleetHints.scan(source)
        var hinted: Shard?
        if let hint = hints.first(where: { $0.hasPrefix("shard=") }) {
            let name = String(hint.dropFirst("shard=".count))
            guard let shard = config.shards.first(where: { $0.name.lowercased() == name }) else {
                throw RoutingRefusal("the hint sleet:shard=\(name): there is no shard named \(name)")
            }
            hinted = shard
        }
        // Nested joins (`a JOIN (b JOIN c ON x) ON y`) change what an unqualified name in an ON clause
        // can refer to; the parser flattens them, so the whole text is checked once here.
        var router = self
        router.nestedJoins = Self.hasNestedJoin(tokens)
        if hinted != nil { router.rejectScatter = false }
        let statements = Parser.parseAll(tokens: tokens, source: source)
        let segments = Self.statementSegments(tokens)
        var plans: [RoutePlan] = []
        do {
            for (n, result) in statements.enumerated() {
                let stmtTokens = statements.count == 1 ? tokens : (n < segments.count ? segments[n] : tokens)
                switch result {
                case .success(let st):
                    plans.append(try router.plan(st, tokens: stmtTokens, source: source, sql: sql, database: database))
                case .failure(let e):
                    plans.append(try router.unparsed(tokens: stmtTokens, source: source, database: database, why: e.description))
                }
            }
        } catch {
            // A shard hint sends a read that Sleet can't merge (AVG, a join, ...) to the one shard it names.
            guard let shard = hinted, statements.count == 1, case .success(let st) = statements[0], case .select = st else { throw error }
            return RoutePlan(targets: [target(shard, reason: "hint sleet:shard=\(shard.name)")], statement: st)
        }
        var plan: RoutePlan
        if plans.count == 1 {
            plan = plans[0]
        } else {
            plan = try combineMultiStatement(plans)
        }
        if let shard = hinted {
            plan.targets = [target(shard, reason: "hint sleet:shard=\(shard.name)")]
            plan.combine = .forward
            plan.flexible = false
        }
        return plan
    }

    /// The tokens of each statement of a multi-statement text, split at top-level `;` exactly as
    /// `Parser.parseAll` splits them (empty statements, as in `a;; b`, are skipped).
    static func statementSegments(_ tokens: [Token]) -> [[Token]] {
        var out: [[Token]] = []
        var start = 0
        for k in 0...tokens.count where k == tokens.count || (tokens[k].kind == .symbol && tokens[k].text == ";") {
            if k > start { out.append(Array(tokens[start..<k])) }
            start = k + 1
        }
        return out
    }

    /// True when a `(` opens a nested table reference: after FROM, JOIN or `,`, followed by a name
    /// rather than SELECT/WITH. False positives (`f(a, (b))`) only make routing more conservative.
    static func hasNestedJoin(_ tokens: [Token]) -> Bool {
        for k in tokens.indices.dropFirst() where tokens[k].kind == .symbol && tokens[k].text == "(" {
            let before = tokens[k - 1]
            guard (before.kind == .word && ["FROM", "JOIN", "STRAIGHT_JOIN"].contains(before.text))
                    || (before.kind == .symbol && before.text == ",") else { continue }
            var j = k + 1
            while j < tokens.count, tokens[j].kind == .symbol, tokens[j].text == "(" { j += 1 }
            guard j < tokens.count else { continue }
            let t = tokens[j]
            if t.kind == .quotedIdentifier { return true }
            if t.kind == .word, !["SELECT", "WITH", "VALUES", "TABLE"].contains(t.text) { return true }
        }
        return false
    }

    func combineMultiStatement(_ plans: [RoutePlan]) throws(RoutingRefusal) -> RoutePlan {
        var shard: String?
        for p in plans {
            guard p.targets.count == 1, p.combine == .forward, p.effect == .none else {
                throw RoutingRefusal("a multi-statement text unless every statement goes to the same single shard and none changes session state")
            }
            if p.flexible { continue }
            if let s = shard, s != p.targets[0].shard {
                throw RoutingRefusal("a multi-statement text whose statements go to different shards (\(s), \(p.targets[0].shard))")
            }
            shard = p.targets[0].shard
        }
        let chosen = shard.flatMap { name in config.shards.first { $0.name == name } } ?? defaultShard
        return RoutePlan(targets: [target(chosen, reason: "multi-statement text: every statement on \(chosen.name)")],
                         flexible: shard == nil, isWrite: plans.contains { $0.isWrite })
    }

    // MARK: Tables

    enum TableClass: Equatable {
        case sharded(String, ShardedTable)
        case reference(String)
        case unsharded
    }

    func classify(_ t: TableName, database: String?) -> TableClass {
        let db = t.schema ?? database
        guard db == config.database else { return .unsharded }
        let name = t.name.lowercased()
        if let s = config.tables.sharded[name] { return .sharded(name, s) }
        if config.tables.reference.contains(name) { return .reference(name) }
        return .unsharded
    }

    func target(_ shard: Shard, statement: String? = nil, reason: @autoclosure () -> String) -> RoutePlan.Target {
        RoutePlan.Target(shard: shard.name, role: .primary, address: shard.primary, statement: statement, reason: describe ? reason() : "")
    }

    func shard(named name: String) -> Shard { config.shards.first { $0.name == name } ?? defaultShard }

    /// Shards in config order.
    func ordered(_ names: Set<String>) -> [Shard] { config.shards.filter { names.contains($0.name) } }

    // MARK: Statements

    func plan(_ st: Statement, tokens: [Token], source: [UInt8], sql: String, database: String?) throws(RoutingRefusal) -> RoutePlan {
        let def = defaultShard
        switch st {
        case .select(let s):
            var p = try planSelect(s, source: source, database: database)
            if p.flexible, Self.callsServerLocalFunction(tokens) {
                // GET_LOCK & co. and sequences are per server: every session must use the same one.
                p.flexible = false
                p.targets[0].reason = "named locks and sequences live on the default shard \(def.name)"
            }
            return p
        case .insert(let s):
            var p = try planInsert(s, source: source, database: database)
            p.statement = st
            return p
        case .update(let s):
            var p = try planWrite(from: s.from, whereClause: s.whereClause, assignments: s.assignments, deleteTargets: nil,
                                  orderedOrLimited: s.hasOrderBy || s.limit != nil, verb: "UPDATE", source: source, database: database)
            p.statement = st
            return p
        case .delete(let s):
            var p = try planWrite(from: s.from, whereClause: s.whereClause, assignments: [], deleteTargets: s.targets,
                                  orderedOrLimited: s.hasOrderBy || s.limit != nil, verb: "DELETE", source: source, database: database)
            if s.returning, p.targets.count > 1 { throw RoutingRefusal("DELETE ... RETURNING on several shards") }
            p.statement = st
            return p
        case .ddl(let d):
            var p = try planDDL(d, tokens: tokens, source: source, database: database)
            p.statement = st
            return p
        case .set(let global):
            try checkSetSubqueries(tokens: tokens, source: source, database: database)
            return RoutePlan(targets: [target(def, reason: global ? "global SET: default shard \(def.name) only" : "session SET: kept and applied on every backend connection of the session")],
                             flexible: true, effect: global ? .none : .setSession, statement: st)
        case .use(let db):
            return RoutePlan(targets: [target(def, reason: "USE: kept and applied on every backend connection of the session")],
                             flexible: true, effect: .use(database: db), statement: st)
        case .transaction(let t):
            let effect: RoutePlan.SessionEffect
            switch t {
            case .begin(let ro): effect = .begin(readOnly: ro)
            case .commit: effect = .commit
            case .rollback: effect = .rollback
            case .savepoint: effect = .savepoint
            case .xa: throw RoutingRefusal("XA transactions")
            }
            return RoutePlan(targets: [target(def, reason: "transaction control: sent to every shard the transaction uses")],
                             flexible: true, effect: effect, statement: st)
        case .show:
            // Server and session state (variables, status, warnings) may come from any backend; the
            // schema (tables, databases, definitions, routines) is whole only on the default shard.
            if tokens.count > 1, tokens[1].kind == .word, Self.sessionShowWords.contains(tokens[1].text) {
                return RoutePlan(targets: [target(def, reason: "no table -> any shard")], flexible: true, statement: st)
            }
            return RoutePlan(targets: [target(def, reason: "SHOW of the schema -> default shard \(def.name) (unsharded tables and databases live there)")], statement: st)
        case .call:
            return RoutePlan(targets: [target(def, reason: "CALL: routines are created on the default shard \(def.name)")], isWrite: true, statement: st)
        case .unlockTables:
            return RoutePlan(targets: [target(def, reason: "UNLOCK TABLES: LOCK TABLES runs on the default shard \(def.name) only")], isWrite: true, statement: st)
        case .kill, .empty:
            return RoutePlan(targets: [target(def, reason: "no table -> any shard")], flexible: true, statement: st)
        case .describe(let t):
            if let t, case .unsharded = classify(t, database: database) {
                return RoutePlan(targets: [target(def, reason: "unsharded table \(t) -> default shard \(def.name)")], statement: st)
            }
            return RoutePlan(targets: [target(def, reason: "same definition on every shard -> default shard \(def.name)")], flexible: true, statement: st)
        case .explain(let inner):
            guard let inner else { return try unparsed(tokens: tokens, source: source, database: database, why: "EXPLAIN of an unparsed statement") }
            var innerTokens = tokens
            while let f = innerTokens.first, f.kind == .word, ["EXPLAIN", "DESCRIBE", "DESC", "EXTENDED", "PARTITIONS", "ANALYZE"].contains(f.text) { innerTokens.removeFirst() }
            var p = try plan(inner, tokens: innerTokens, source: source, sql: sql, database: database)
            guard p.targets.count == 1 else { throw RoutingRefusal("EXPLAIN of a statement that reaches several shards (EXPLAIN ROUTE shows its route)") }
            p.targets[0].statement = nil
            p.combine = .forward
            p.isWrite = false
            p.effect = .none
            p.statement = st
            return p
        case .tableStatement(let verb, let tables):
            for t in tables {
                switch classify(t, database: database) {
                case .sharded(let n, _): throw RoutingRefusal("\(verb) on sharded table \(n)")
                case .reference(let n): throw RoutingRefusal("\(verb) on reference table \(n)")
                case .unsharded: break
                }
            }
            return RoutePlan(targets: [target(def, reason: "unsharded tables -> default shard \(def.name)")], isWrite: true, statement: st)
        case .other(let word):
            if word == "PREPARE" { try checkPrepare(tokens: tokens, database: database) }
            return try unparsed(tokens: tokens, source: source, database: database, why: "\(word) statements")
        }
    }

    /// A statement Sleet does not model: fine on the default shard unless it names a sharded or reference table.
    func unparsed(tokens: [Token], source: [UInt8], database: String?, why: String) throws(RoutingRefusal) -> RoutePlan {
        let names = Set(config.tables.sharded.keys).union(config.tables.reference)
        if !names.isEmpty {
            // Strings count too: under sql_mode ANSI_QUOTES, "users" is an identifier.
            for t in tokens where t.kind == .word || t.kind == .quotedIdentifier || t.kind == .string {
                let name: String
                if t.kind == .word, t.offset + t.length <= source.count {
                    name = String(decoding: source[t.offset..<(t.offset + t.length)], as: UTF8.self).lowercased()
                } else {
                    name = t.text.lowercased()
                }
                if names.contains(name) {
                    let first = tokens.first?.text ?? ""
                    throw RoutingRefusal("this \(first) statement on \(config.tables.sharded[name] != nil ? "sharded" : "reference") table \(name) (\(why))")
                }
            }
        }
        let def = defaultShard
        // Not flexible: it may name unsharded tables, routines or SQL prepared statements, which
        // exist on the default shard only.
        return RoutePlan(targets: [target(def, reason: "no sharded table -> default shard \(def.name)")], isWrite: true)
    }

    /// `SHOW <word>` forms that read server or session state, the same on any backend.
    static let sessionShowWords: Set<String> = [
        "VARIABLES", "STATUS", "WARNINGS", "ERRORS", "COUNT", "SESSION", "GLOBAL", "LOCAL", "COLLATION", "CHARACTER",
        "CHARSET", "ENGINES", "PLUGINS", "PRIVILEGES", "PROFILE", "PROFILES", "PROCESSLIST",
    ]

    /// Functions whose state lives in one server: named locks and sequences.
    static let serverLocalFunctions: Set<String> = [
        "GET_LOCK", "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "IS_FREE_LOCK", "IS_USED_LOCK", "NEXTVAL", "LASTVAL", "SETVAL",
    ]

    static func callsServerLocalFunction(_ tokens: [Token]) -> Bool {
        for k in tokens.indices.dropLast() where tokens[k].kind == .word && serverLocalFunctions.contains(tokens[k].text) {
            if tokens[k + 1].kind == .symbol, tokens[k + 1].text == "(" { return true }
        }
        return false
    }

    /// A session `SET` runs on one backend and is replayed on every backend the session uses: a
    /// subquery in it must give the same value everywhere (no table, or reference tables only).
    func checkSetSubqueries(tokens: [Token], source: [UInt8], database: String?) throws(RoutingRefusal) {
        var k = 0
        while k + 1 < tokens.count {
            defer { k += 1 }
            guard tokens[k].kind == .symbol, tokens[k].text == "(", tokens[k + 1].kind == .word,
                  tokens[k + 1].text == "SELECT" || tokens[k + 1].text == "WITH" else { continue }
            var level = 0
            var end = k
            while end < tokens.count {
                if tokens[end].kind == .symbol, tokens[end].text == "(" { level += 1 }
                if tokens[end].kind == .symbol, tokens[end].text == ")" { level -= 1; if level == 0 { break } }
                end += 1
            }
            let inner = Array(tokens[(k + 1)..<min(end, tokens.count)])
            let parsed = Parser.parseAll(tokens: inner, source: source)
            guard parsed.count == 1, case .success(.select(let sel)) = parsed[0] else {
                throw RoutingRefusal("a SET with a subquery Sleet cannot parse (a SET is replayed on every backend connection of the session)")
            }
            let r = try reachOfSelect(sel, database: database, source: source)
            if r.shards != nil || r.needsDefault {
                let name = r.shardedNames.first ?? r.unshardedNames.first ?? ""
                throw RoutingRefusal("a SET with a subquery on \(r.shardedNames.isEmpty ? "unsharded" : "sharded") table \(name) (a SET is replayed on every backend connection of the session, so its value must not depend on the backend)")
            }
            k = end
        }
    }

    /// SQL-level `PREPARE name FROM 'text'`: the statement is prepared (and later executed) on the
    /// default shard, so its text must route there alone.
    func checkPrepare(tokens: [Token], database: String?) throws(RoutingRefusal) {
        guard let from = tokens.firstIndex(where: { $0.kind == .word && $0.text == "FROM" }), from + 1 < tokens.count else { return }
        let text = tokens[from + 1]
        guard text.kind == .string, from + 2 == tokens.count else {
            throw RoutingRefusal("PREPARE from a variable or expression: Sleet can't see the statement to route it (use the binary protocol, or PREPARE FROM a string)")
        }
        let inner: RoutePlan
        do {
            inner = try plan(sql: text.text, database: database)
        } catch {
            throw RoutingRefusal("PREPARE of a statement Sleet can't route to the default shard alone (\(error.reason))")
        }
        let def = defaultShard
        guard inner.effect == .none else {
            throw RoutingRefusal("PREPARE of a statement that changes session state (Sleet keeps session state only from statements it sees run)")
        }
        guard inner.targets.count == 1, inner.flexible || inner.targets[0].shard == def.name else {
            throw RoutingRefusal("PREPARE of a statement that does not run on the default shard \(def.name) alone (it goes to \(inner.targets.map(\.shard).joined(separator: ", ")); SQL prepared statements live on \(def.name))")
        }
    }

    // MARK: Reach: which shards a table expression needs

    /// A sharded table in scope, with how it was joined.
    struct ScopeTable {
        var ref: TableRef
        var name: String
        var table: ShardedTable
        var join: JoinKind?
        var on: Expr?
    }

    /// What a SELECT/UPDATE/DELETE level reaches.
    struct Reach {
        /// nil: no sharded table (any shard, or the default shard if `needsDefault`).
        var shards: Set<String>?
        var needsDefault = false
        var hasReference = false
        /// Shards chosen by key values (false: every shard for lack of a key).
        var keyed = false
        var reasons: [String: String] = [:]
        var rewrites: [String: [(Range<Int>, String)]] = [:]
        var shardedNames: [String] = []
        var referenceNames: [String] = []
        var unshardedNames: [String] = []
        /// Sub-selects that reach sharded tables: their shard sets (each must be one shard, the statement's).
        var subShards: [Set<String>] = []
    }

    /// `cteNames`: common table expressions visible here (a FROM name that is one of them is not a table).
    func reach(from: [FromEntry], whereClause: Expr?, database: String?, source: [UInt8], extraSubqueries: [SelectStatement],
               cteNames: Set<String> = [], cteBodies: [(SelectStatement, Set<String>)] = []) throws(RoutingRefusal) -> Reach {
        var r = Reach()
        var scope: [ScopeTable] = []
        // Each sub-select with the CTE names it sees.
        var subqueries: [(SelectStatement, Set<String>)] = extraSubqueries.map { ($0, cteNames) } + cteBodies
        for f in from {
            if let d = f.ref.derived { subqueries.append((d, cteNames)) }
            if let on = f.on { subqueries += on.subqueries.map { ($0, cteNames) } }
            guard let t = f.ref.table else { continue }
            if t.schema == nil, cteNames.contains(t.name) { continue }
            switch classify(t, database: database) {
            case .sharded(let n, let st):
                scope.append(ScopeTable(ref: f.ref, name: n, table: st, join: f.join, on: f.on))
                r.shardedNames.append(n)
            case .reference(let n):
                r.hasReference = true
                r.referenceNames.append(n)
            case .unsharded:
                r.needsDefault = true
                r.unshardedNames.append(t.description)
            }
        }
        if let w = whereClause { subqueries += w.subqueries.map { ($0, cteNames) } }
        // Sub-selects
        for (sub, names) in subqueries {
            let sr = try reachOfSelect(sub, database: database, source: source, cteNames: names)
            if sr.needsDefault { r.needsDefault = true; r.unshardedNames += sr.unshardedNames }
            if sr.hasReference { r.hasReference = true; r.referenceNames += sr.referenceNames }
            r.subShards += sr.subShards
            if let s = sr.shards {
                r.subShards.append(s)
                r.shardedNames += sr.shardedNames
            }
        }
        guard !scope.isEmpty else {
            if !r.subShards.isEmpty {
                // Only sub-selects touch sharded tables: the statement follows them if they agree on one shard.
                let first = r.subShards[0]
                guard first.count == 1 else {
                    throw RoutingRefusal("a subquery on sharded table \(r.shardedNames.first ?? "") that is not pinned to one shard by its key")
                }
                guard r.subShards.allSatisfy({ $0 == first }) else {
                    let names = Self.unique(r.subShards.flatMap { ordered($0).map(\.name) })
                    throw RoutingRefusal("subqueries on sharded tables pinned to different shards (\(names.joined(separator: ", ")))")
                }
                r.shards = first
                r.keyed = true
                r.reasons[first.first!] = "subquery pinned to \(first.first!)"
                r.subShards = []
            }
            return r
        }
        // Conditions usable for keys: WHERE, plus ON of inner joins; ON of a LEFT JOIN pins only its right table.
        // An unqualified name in another table's ON clause counts only when no join is nested: inside
        // `a JOIN (b JOIN c ON x = 1)`, `x` can't name a column of `a`.
        var shardSets: [(ScopeTable, Set<String>, Bool, String, [String: [(Range<Int>, String)]], [String: String])] = []
        for (idx, t) in scope.enumerated() {
            var conditions: [(Expr, Bool)] = []
            if let w = whereClause { conditions.append((w, true)) }
            for (j, other) in scope.enumerated() where other.join == .inner || (j == idx && other.join == .left) {
                if let on = other.on { conditions.append((on, j == idx || !nestedJoins)) }
            }
            for f in from where f.ref.table != nil && f.join == .inner {
                // ON clauses of inner joins with non-sharded tables count too.
                if let on = f.on, !scope.contains(where: { $0.ref == f.ref }) { conditions.append((on, !nestedJoins)) }
            }
            // Each condition holds for every row: the narrowest key constraint bounds the rows.
            var best: KeyConstraint?
            for (c, unqualified) in conditions {
                guard let k = keySet(c, for: t, scope: scope, database: database, unqualified: unqualified) else { continue }
                if best == nil || k.atoms.count < best!.atoms.count { best = k }
            }
            let (shards, keyed, reason, rewrites, perShard) = try resolve(best, table: t, source: source)
            shardSets.append((t, shards, keyed, reason, rewrites, perShard))
        }
        if shardSets.count == 1 {
            let (_, shards, keyed, reason, rewrites, perShard) = shardSets[0]
            r.shards = shards
            r.keyed = keyed
            for s in shards { r.reasons[s] = perShard[s] ?? reason }
            r.rewrites = rewrites
        } else {
            // Several sharded tables: each must be pinned to the same single shard.
            var common: String?
            for (t, shards, keyed, _, _, _) in shardSets {
                guard keyed, shards.count <= 1 else {
                    throw RoutingRefusal("a join of sharded tables (\(scope.map(\.name).joined(separator: ", "))) unless each is pinned to the same single shard by its key (\(t.name) is not)")
                }
                if let s = shards.first {
                    if let c = common, c != s {
                        throw RoutingRefusal("a join of sharded tables pinned to different shards (\(c), \(s))")
                    }
                    common = s
                }
            }
            let s = common ?? defaultShard.name
            r.shards = [s]
            r.keyed = true
            r.reasons[s] = shardSets.map(\.3).joined(separator: "; ")
        }
        return r
    }

    func reachOfSelect(_ s: SelectStatement, database: String?, source: [UInt8], cteNames inherited: Set<String> = []) throws(RoutingRefusal) -> Reach {
        var extra: [SelectStatement] = []
        for i in s.items { if let e = i.expr { extra += e.subqueries } }
        if let h = s.having { extra += h.subqueries }
        for o in s.orderBy + s.groupBy { extra += o.expr.subqueries }
        // A CTE body sees the CTEs defined before it (its own name there is, for a recursive CTE,
        // read as a table: wider, never narrower); the rest of the statement sees them all.
        var bodies: [(SelectStatement, Set<String>)] = []
        var visible = inherited
        for c in s.ctes {
            bodies.append((c.body, visible))
            visible.insert(c.name)
        }
        var r = try reach(from: s.from, whereClause: s.whereClause, database: database, source: source, extraSubqueries: extra,
                          cteNames: visible, cteBodies: bodies)
        for part in s.setOperations {
            let pr = try reachOfSelect(part, database: database, source: source, cteNames: visible)
            r = try union(r, pr)
        }
        return r
    }

    /// A UNION: every part must land on the same single shard (or need no particular shard).
    func union(_ a: Reach, _ b: Reach) throws(RoutingRefusal) -> Reach {
        var r = a
        r.needsDefault = a.needsDefault || b.needsDefault
        r.hasReference = a.hasReference || b.hasReference
        r.shardedNames += b.shardedNames
        r.referenceNames += b.referenceNames
        r.unshardedNames += b.unshardedNames
        r.subShards += b.subShards
        switch (a.shards, b.shards) {
        case (nil, nil): break
        case (let s?, nil), (nil, let s?):
            guard s.count == 1 else { throw RoutingRefusal("UNION/INTERSECT/EXCEPT with a part that reaches several shards") }
            r.shards = s
            r.keyed = true
            r.reasons = a.shards == nil ? b.reasons : a.reasons
        case (let s?, let t?):
            guard s.count == 1, s == t else { throw RoutingRefusal("UNION/INTERSECT/EXCEPT whose parts are not all on the same single shard") }
            r.reasons.merge(b.reasons) { x, y in x + "; " + y }
        }
        r.rewrites = [:]
        return r
    }

    static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    // MARK: Keys

    /// The key values a condition allows for one table: nil = any value.
    struct KeyAtom {
        var literal: Literal
        var range: Range<Int>
    }

    struct KeyConstraint {
        var atoms: [KeyAtom]
        /// The byte range of the IN list, when the constraint is a top-level IN list (rewritable per shard).
        var list: Range<Int>?
        var text: String
    }

    /// `unqualified`: whether a column name without a qualifier may name `t`'s key here.
    func keySet(_ e: Expr, for t: ScopeTable, scope: [ScopeTable], database: String?, unqualified: Bool = true) -> KeyConstraint? {
        func isKey(_ c: ColumnName) -> Bool {
            (unqualified || !c.qualifier.isEmpty) && matches(c, t, scope: scope, database: database)
        }
        switch e {
        case .comparison(let op, let a, let b) where op == "=" || op == "<=>":
            if case .column(let c) = a, case .literal(let l, let r) = b, isKey(c) {
                return KeyConstraint(atoms: [KeyAtom(literal: l, range: r)], list: nil, text: describe ? "\(t.name).\(t.table.key) = \(l)" : "")
            }
            if case .column(let c) = b, case .literal(let l, let r) = a, isKey(c) {
                return KeyConstraint(atoms: [KeyAtom(literal: l, range: r)], list: nil, text: describe ? "\(t.name).\(t.table.key) = \(l)" : "")
            }
            return nil
        case .inList(let lhs, let items, let ranges, let list, let negated):
            guard !negated, case .column(let c) = lhs, isKey(c) else { return nil }
            var atoms: [KeyAtom] = []
            for (item, range) in zip(items, ranges) {
                guard case .literal(let l, _) = item else { return nil }
                atoms.append(KeyAtom(literal: l, range: range))
            }
            return KeyConstraint(atoms: atoms, list: list, text: !describe ? "" : "\(t.name).\(t.table.key) IN (\(atoms.map { $0.literal.description }.joined(separator: ", ")))")
        case .and(let children):
            // Any conjunct that pins the key bounds the rows; take the narrowest.
            var best: KeyConstraint?
            for c in children {
                guard let k = keySet(c, for: t, scope: scope, database: database, unqualified: unqualified) else { continue }
                if best == nil || k.atoms.count < best!.atoms.count { best = k }
            }
            return best
        case .or(let children):
            var atoms: [KeyAtom] = []
            var texts: [String] = []
            for c in children {
                guard let k = keySet(c, for: t, scope: scope, database: database, unqualified: unqualified) else { return nil }
                atoms += k.atoms
                texts.append(k.text)
            }
            return KeyConstraint(atoms: atoms, list: nil, text: texts.joined(separator: " OR "))
        default:
            return nil
        }
    }

    /// Does column `c` name table `t`'s sharding key?
    func matches(_ c: ColumnName, _ t: ScopeTable, scope: [ScopeTable], database: String?) -> Bool {
        guard c.name.lowercased() == t.table.key.lowercased() else { return false }
        switch c.qualifier.count {
        case 0:
            return true
        case 1:
            let q = c.qualifier[0]
            if let alias = t.ref.alias { return q.lowercased() == alias.lowercased() }
            return q.lowercased() == t.name
        default:
            guard t.ref.alias == nil, let tn = t.ref.table else { return false }
            return c.qualifier[0] == (tn.schema ?? database) && c.qualifier[1].lowercased() == t.name
        }
    }

    /// Shards for a table given its key constraint: (shards, keyed, reason, IN-list rewrites per shard).
    func resolve(_ k: KeyConstraint?, table t: ScopeTable, source: [UInt8]) throws(RoutingRefusal)
        -> (Set<String>, Bool, String, [String: [(Range<Int>, String)]], [String: String]) {
        let all = Set(config.shards.map(\.name))
        guard let k else {
            return (all, false, "no sharding key for \(t.name).\(t.table.key) -> all shards", [:], [:])
        }
        var shards: [String] = []
        var perShard: [String: [Range<Int>]] = [:]
        var reasons: [String] = []
        var perShardReasons: [String: [String]] = [:]
        for atom in k.atoms {
            let value: KeyValue
            switch KeyValue.normalize(atom.literal) {
            case .exact(let v): value = v
            case .placementOnly(_, let why), .unusable(let why):
                return (all, false, "\(t.name).\(t.table.key) = \(atom.literal) is not usable for lookup (\(why)) -> all shards", [:], [:])
            }
            if let why = Self.typeDependentMatch(atom.literal, value, vindex: t.table.vindex) {
                return (all, false, "\(t.name).\(t.table.key) = \(atom.literal) is not usable for lookup (\(why)) -> all shards", [:], [:])
            }
            let lookup = shardMap.lookup(value, vindex: t.table.vindex, describe: describe)
            let why = describe ? "\(t.name).\(t.table.key) = \(value.display) -> \(lookup.reason)" : ""
            reasons.append(why)
            var found: [(String, String)] = lookup.shard.map { [($0, why)] } ?? []
            if case .string = atom.literal, case .string = value, !(t.table.vindex.isRange) {
                // Against a numeric key column MySQL compares a non-numeric string as 0: ask 0's shard too.
                let zero = shardMap.lookup(.integer(0), vindex: t.table.vindex, describe: describe)
                if let z = zero.shard { found.append((z, "\(t.name).\(t.table.key) = \(value.display) is 0 if the column is numeric -> \(zero.reason)")) }
            }
            for (s, why) in found where !(perShard[s]?.contains(atom.range) ?? false) {
                if perShardReasons[s, default: []].count < 4 { perShardReasons[s, default: []].append(why) }
                if !shards.contains(s) { shards.append(s) }
                perShard[s, default: []].append(atom.range)
            }
        }
        var rewrites: [String: [(Range<Int>, String)]] = [:]
        if shards.count > 1, let list = k.list {
            for (s, ranges) in perShard {
                let items = ranges.map { String(decoding: source[$0], as: UTF8.self) }
                rewrites[s] = [(list, "(" + items.joined(separator: ", ") + ")")]
            }
        }
        if shards.isEmpty {
            // No value maps to any shard: no row can match; one shard answers (empty).
            let d = defaultShard.name
            return ([d], true, reasons.joined(separator: "; ") + " -> no shard holds these values; asking \(d)", [:], [:])
        }
        return (Set(shards), true, reasons.joined(separator: "; "), rewrites, perShardReasons.mapValues { $0.joined(separator: "; ") })
    }

    /// Why a literal may match rows placed under other key values, depending on the key column's
    /// type (which Sleet doesn't know), or nil.
    /// - A number 0 against a string column equals every string that does not start with a number
    ///   (`'abc' = 0` is true), and those are placed by their text.
    /// - A range vindex's column is numeric: a string that is not a number compares as 0 there.
    static func typeDependentMatch(_ literal: Literal, _ value: KeyValue, vindex: ShardedTable.Vindex) -> String? {
        switch (literal, vindex) {
        case (.string, .range):
            if case .string = value { return "against the numeric key column MySQL compares \(literal) as the number 0" }
            return nil
        case (.integer, .hash), (.decimal, .hash), (.boolean, .hash), (.integer, .list), (.decimal, .list), (.boolean, .list):
            if value == .integer(0) { return "the number 0 equals every string that does not start with a digit, should the key column be a string" }
            return nil
        default:
            return nil
        }
    }

    // MARK: SELECT

    func planSelect(_ s: SelectStatement, source: [UInt8], database: String?) throws(RoutingRefusal) -> RoutePlan {
        let r = try reachOfSelect(s, database: database, source: source)
        let def = defaultShard
        guard let shards = r.shards else {
            if r.needsDefault {
                let names = Self.unique(r.unshardedNames)
                return RoutePlan(targets: [target(def, reason: "unsharded table\(names.count > 1 ? "s" : "") \(names.joined(separator: ", ")) -> default shard \(def.name)")],
                                 statement: .select(s))
            }
            let names = Self.unique(r.referenceNames)
            let why = r.hasReference ? "reference table\(names.count > 1 ? "s" : "") \(names.joined(separator: ", ")) -> any shard" : "no table -> any shard"
            return RoutePlan(targets: [target(def, reason: why)], flexible: true, statement: .select(s))
        }
        try checkSubShards(r, shards: shards)
        if r.needsDefault, shards != [def.name] {
            throw RoutingRefusal("joining sharded table \(r.shardedNames.first ?? "") (\(ordered(shards).map(\.name).joined(separator: ", "))) with unsharded table \(r.unshardedNames.first ?? "") (on \(def.name) only)")
        }
        let targets = ordered(shards)
        if targets.count == 1 {
            return RoutePlan(targets: [target(targets[0], reason: r.reasons[targets[0].name] ?? "")], statement: .select(s))
        }
        if !r.keyed, rejectScatter {
            throw RoutingRefusal("a SELECT on sharded table \(r.shardedNames.first ?? "") without its sharding key (routing.scatter: reject)")
        }
        try checkRowsComeFromShardedTable(s, database: database)
        let (spec, limitRewrite) = try mergeSpec(s)
        var out: [RoutePlan.Target] = []
        for sh in targets {
            var edits = r.rewrites[sh.name] ?? []
            if let l = limitRewrite { edits.append(l) }
            let text = edits.isEmpty ? nil : Self.apply(edits, to: source)
            out.append(target(sh, statement: text, reason: r.reasons[sh.name] ?? ""))
        }
        return RoutePlan(targets: out, combine: .merge(spec), statement: .select(s))
    }

    /// On several shards, every result row must contain a row of the sharded table (which lives on
    /// one shard only); rows of a reference table or a derived table kept by an outer join without a
    /// match would come back once per shard.
    ///
    /// The parser flattens nested joins; what is sure: with no RIGHT (or NATURAL, which may be
    /// RIGHT) join, the tables before the first LEFT JOIN are in every row.
    func checkRowsComeFromShardedTable(_ s: SelectStatement, database: String?) throws(RoutingRefusal) {
        guard s.from.contains(where: { $0.join == .left || $0.join == .right || $0.join == .natural }) else { return }
        let cteNames = Set(s.ctes.map(\.name))
        func isSharded(_ f: FromEntry) -> Bool {
            guard let t = f.ref.table, !(t.schema == nil && cteNames.contains(t.name)),
                  case .sharded = classify(t, database: database) else { return false }
            return true
        }
        let why = "rows of a table that is not sharded, kept by an outer join, would come back once per shard"
        if let f = s.from.first(where: { $0.join == .right || $0.join == .natural }) {
            throw RoutingRefusal("a \(f.join == .right ? "RIGHT" : "NATURAL") JOIN across shards unless every table is pinned to one shard (\(why))")
        }
        let firstLeft = s.from.firstIndex { $0.join == .left }!
        if s.from[..<firstLeft].contains(where: isSharded) { return }
        if outerJoinAggregatesAreExact(s, firstLeft: firstLeft, isSharded: isSharded) { return }
        throw RoutingRefusal("a LEFT JOIN across shards whose left side has no sharded table (\(why))")
    }

    /// The extra rows an outer join gives on several shards have every column of the sharded table
    /// NULL, and they only repeat groups that exist anyway when the kept (preserved) table's rows all
    /// come through. So the merge is still exact when:
    /// - every aggregate is COUNT/SUM/MIN/MAX of a column of the sharded table (they skip NULLs; not COUNT(*)),
    /// - every other selected column and every GROUP BY column is a column of a table before the
    ///   first LEFT JOIN (never NULL-extended),
    /// - the WHERE clause (if any) reads only such columns (a condition on the sharded table, like
    ///   `u.id IS NULL`, could keep an extra row and make a group out of it).
    /// Columns must be qualified: an unqualified name can't be placed.
    func outerJoinAggregatesAreExact(_ s: SelectStatement, firstLeft: Int, isSharded: (FromEntry) -> Bool) -> Bool {
        func name(_ f: FromEntry) -> String? { (f.ref.alias ?? f.ref.table?.name)?.lowercased() }
        let sharded = Set(s.from.filter(isSharded).compactMap(name))
        let preserved = Set(s.from[..<firstLeft].compactMap(name))
        func qualifier(_ c: ColumnName) -> String? { c.qualifier.count == 1 ? c.qualifier[0].lowercased() : nil }
        func isPreservedColumn(_ e: Expr?) -> Bool {
            guard case .column(let c)? = e, let q = qualifier(c) else { return false }
            return preserved.contains(q)
        }
        var aggregated = false
        for item in s.items {
            guard let e = item.expr else { return false }
            if case .function(let fn, let args, let distinct, let star, let over) = e, ["COUNT", "SUM", "MIN", "MAX"].contains(fn) {
                guard !distinct, !star, !over, args.count == 1, case .column(let c) = args[0],
                      let q = qualifier(c), sharded.contains(q) else { return false }
                aggregated = true
                continue
            }
            if case .literal = e { continue }
            guard isPreservedColumn(e) else { return false }
        }
        guard aggregated else { return false }
        for g in s.groupBy {
            if case .literal(.integer(let n), _) = g.expr, let pos = Int(n), pos >= 1, pos <= s.items.count,
               isPreservedColumn(s.items[pos - 1].expr) { continue }
            guard isPreservedColumn(g.expr) else { return false }
        }
        if let w = s.whereClause {
            guard w.subqueries.isEmpty else { return false }
            for c in Self.columns(in: w) {
                guard let q = qualifier(c), preserved.contains(q) else { return false }
            }
        }
        return true
    }

    /// Every column an expression names (not inside its subqueries).
    static func columns(in e: Expr) -> [ColumnName] {
        switch e {
        case .column(let c): return [c]
        case .literal, .placeholder, .subquery: return []
        case .and(let c), .or(let c), .other(let c): return c.flatMap { columns(in: $0) }
        case .not(let x): return columns(in: x)
        case .comparison(_, let a, let b): return columns(in: a) + columns(in: b)
        case .inList(let l, let items, _, _, _): return columns(in: l) + items.flatMap { columns(in: $0) }
        case .function(_, let args, _, _, _): return args.flatMap { columns(in: $0) }
        }
    }

    func checkSubShards(_ r: Reach, shards: Set<String>) throws(RoutingRefusal) {
        for sub in r.subShards where !(sub == shards && shards.count == 1) {
            throw RoutingRefusal("a subquery on a sharded table unless it and the statement are pinned to the same single shard")
        }
    }

    /// The merge a multi-shard SELECT needs, and the LIMIT to push down (if any).
    func mergeSpec(_ s: SelectStatement) throws(RoutingRefusal) -> (MergeSpec, (Range<Int>, String)?) {
        if !s.setOperations.isEmpty { throw RoutingRefusal("UNION/INTERSECT/EXCEPT across shards") }
        if s.into { throw RoutingRefusal("SELECT ... INTO across shards") }
        if s.distinct { throw RoutingRefusal("SELECT DISTINCT across shards") }
        if s.calcFoundRows { throw RoutingRefusal("SQL_CALC_FOUND_ROWS across shards") }
        if s.having != nil { throw RoutingRefusal("HAVING across shards") }
        if s.withRollup { throw RoutingRefusal("GROUP BY ... WITH ROLLUP across shards") }
        if s.hasWindowClause || s.items.contains(where: { $0.expr?.containsWindow == true }) {
            throw RoutingRefusal("window functions across shards")
        }
        let hasStar = s.items.contains { $0.isStar }
        var spec = MergeSpec()
        var aggregates: [MergeSpec.AggregateColumn] = []
        var isAggregate: [Bool] = []
        for (idx, item) in s.items.enumerated() {
            guard let e = item.expr else { isAggregate.append(false); continue }
            if case .function(let name, let args, let distinct, _, let over) = e, !over, ["COUNT", "SUM", "MIN", "MAX"].contains(name) {
                if distinct { throw RoutingRefusal("\(name)(DISTINCT ...) across shards") }
                if args.contains(where: { $0.containsAggregate }) { throw RoutingRefusal("nested aggregates across shards") }
                if name == "SUM", args.count == 1, !Self.isPlainColumnOrLiteral(args[0]) {
                    // Each shard would round its partial sum (DECIMAL division, DOUBLE order): not the one-server answer.
                    throw RoutingRefusal("SUM of an expression across shards (only SUM of a column is merged exactly)")
                }
                aggregates.append(MergeSpec.AggregateColumn(idx, MergeSpec.Aggregate(rawValue: name.lowercased())!))
                isAggregate.append(true)
                continue
            }
            if e.containsAggregate {
                throw RoutingRefusal("\(item.normalized) across shards (only COUNT, SUM, MIN and MAX of a column are merged; AVG and expressions over aggregates are not)")
            }
            isAggregate.append(false)
        }
        let grouped = !s.groupBy.isEmpty
        if (grouped || !aggregates.isEmpty) && hasStar {
            throw RoutingRefusal("SELECT * with aggregates or GROUP BY across shards")
        }
        spec.aggregates = aggregates
        if grouped {
            var refs: [MergeSpec.ColumnRef] = []
            var groupIndexes: Set<Int> = []
            for g in s.groupBy {
                if case .column(let c) = g.expr, c.qualifier.isEmpty,
                   let aliased = s.items.first(where: { $0.alias?.lowercased() == c.name.lowercased() }) {
                    // MySQL resolves a GROUP BY name against the tables' columns first, the select
                    // list's aliases second: unless the alias names that very column, we can't tell
                    // which the shards group by.
                    var sameColumn = false
                    if case .column(let ic) = aliased.expr, ic.name.lowercased() == c.name.lowercased() { sameColumn = true }
                    if !sameColumn {
                        throw RoutingRefusal("GROUP BY \(c.name) across shards when \(c.name) is a select-list alias (MySQL groups by a table column of that name if there is one; write GROUP BY with the expression or its position)")
                    }
                }
                guard let idx = selectIndex(of: g, in: s) else {
                    throw RoutingRefusal("GROUP BY \(g.normalized) across shards unless it is in the select list")
                }
                refs.append(.index(idx))
                groupIndexes.insert(idx)
            }
            for (idx, item) in s.items.enumerated() where !isAggregate[idx] && !groupIndexes.contains(idx) {
                if case .literal = item.expr { continue }
                throw RoutingRefusal("\(item.normalized) across shards: with GROUP BY, every selected column must be grouped or aggregated")
            }
            spec.groupBy = refs
        } else if !aggregates.isEmpty {
            for (idx, item) in s.items.enumerated() where !isAggregate[idx] {
                if case .literal = item.expr { continue }
                throw RoutingRefusal("\(item.normalized) next to aggregates across shards without GROUP BY")
            }
        }
        for o in s.orderBy {
            if let idx = selectIndex(of: o, in: s) {
                if hasStar {
                    if let alias = s.items[idx].alias { spec.orderBy.append(.init(.name(alias), descending: o.descending)); continue }
                    if case .column(let c) = s.items[idx].expr { spec.orderBy.append(.init(.name(c.name), descending: o.descending)); continue }
                    throw RoutingRefusal("ORDER BY \(o.normalized) next to SELECT * across shards")
                }
                spec.orderBy.append(.init(.index(idx), descending: o.descending))
                continue
            }
            if case .literal(.integer(let n), _) = o.expr, let pos = Int(n), pos >= 1 {
                spec.orderBy.append(.init(.index(pos - 1), descending: o.descending))
                continue
            }
            if hasStar, s.items.contains(where: { $0.isStar && $0.normalized == "*" }) || s.from.count == 1, case .column(let c) = o.expr {
                // Resolved against the result's column names when the rows arrive (a name that
                // several result columns have is refused then). Only with every table's columns in
                // the result: with `a.*` alone, `b.name` could sort by `a.name`.
                spec.orderBy.append(.init(.name(c.name), descending: o.descending))
                continue
            }
            throw RoutingRefusal("ORDER BY \(o.normalized) across shards unless it is in the select list")
        }
        var pushdown: (Range<Int>, String)?
        if let l = s.limit {
            guard let count = l.count, (l.offset ?? 0) >= 0 else { throw RoutingRefusal("LIMIT with placeholders or variables across shards") }
            spec.limit = count
            spec.offset = l.offset ?? 0
            let (rows, overflow) = spec.offset.addingReportingOverflow(count)
            if !grouped && aggregates.isEmpty && !overflow {
                pushdown = (l.range, "LIMIT \(rows)")
            } else {
                // A shard's LIMIT would cut partial groups; an offset + count beyond Int.max is no limit.
                pushdown = (l.range, "")
            }
        }
        return (spec, pushdown)
    }

    /// The select-list position an ORDER BY / GROUP BY item refers to, if any.
    func selectIndex(of o: OrderItem, in s: SelectStatement) -> Int? {
        if case .literal(.integer(let n), _) = o.expr, let pos = Int(n), pos >= 1, pos <= s.items.count, !s.items[..<pos].contains(where: \.isStar) {
            return pos - 1
        }
        if case .column(let c) = o.expr, c.qualifier.isEmpty {
            if let idx = s.items.firstIndex(where: { $0.alias?.lowercased() == c.name.lowercased() }) { return idx }
        }
        if let idx = s.items.firstIndex(where: { !$0.isStar && $0.normalized == o.normalized && $0.alias == nil }) { return idx }
        if case .column(let c) = o.expr {
            let single = s.from.count == 1
            let candidates = s.items.indices.filter { idx in
                guard case .column(let ic) = s.items[idx].expr, s.items[idx].alias == nil, ic.name.lowercased() == c.name.lowercased() else { return false }
                return c.qualifier.isEmpty || ic.qualifier.map { $0.lowercased() } == c.qualifier.map { $0.lowercased() } || (ic.qualifier.isEmpty && single)
            }
            if candidates.count == 1 { return candidates[0] }
        }
        return nil
    }

    /// Applies text replacements (non-overlapping byte ranges) to the statement.
    static func apply(_ edits: [(Range<Int>, String)], to source: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(source.count + 16)
        var pos = 0
        for (range, text) in edits.sorted(by: { $0.0.lowerBound < $1.0.lowerBound }) where range.lowerBound >= pos {
            out += source[pos..<range.lowerBound]
            out += Array(text.utf8)
            pos = range.upperBound
        }
        out += source[pos...]
        var s = String(decoding: out, as: UTF8.self)
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    // MARK: INSERT

    func planInsert(_ s: InsertStatement, source: [UInt8], database: String?) throws(RoutingRefusal) -> RoutePlan {
        let def = defaultShard
        var sourceReach: Reach?
        if let sel = s.select {
            let r = try reachOfSelect(sel, database: database, source: source)
            if let shards = r.shards { try checkSubShards(r, shards: shards) }
            sourceReach = r
        }
        // Subqueries in VALUES rows, SET and ON DUPLICATE KEY UPDATE run where the rows go.
        var valueSubqueries: [SelectStatement] = []
        for row in s.rows { for e in row { valueSubqueries += e.subqueries } }
        for a in (s.setAssignments ?? []) + s.onDuplicateKeyUpdate { valueSubqueries += a.value.subqueries }
        var values = Reach()
        if !valueSubqueries.isEmpty {
            values = try reach(from: [], whereClause: nil, database: database, source: source, extraSubqueries: valueSubqueries)
        }
        switch classify(s.table, database: database) {
        case .unsharded:
            if let r = sourceReach, let shards = r.shards, shards != [def.name] {
                throw RoutingRefusal("INSERT ... SELECT from sharded table \(r.shardedNames.first ?? "") into unsharded table \(s.table)")
            }
            if let shards = values.shards, shards != [def.name] {
                throw RoutingRefusal("INSERT into unsharded table \(s.table) (on \(def.name)) with a subquery on sharded table \(values.shardedNames.first ?? "") (on \(ordered(shards).map(\.name).joined(separator: ", ")))")
            }
            return RoutePlan(targets: [target(def, reason: "unsharded table \(s.table) -> default shard \(def.name)")], isWrite: true)
        case .reference(let name):
            if let r = sourceReach, r.shards != nil || r.needsDefault {
                throw RoutingRefusal("INSERT ... SELECT into reference table \(name) from a table that is not a reference table")
            }
            if values.shards != nil || values.needsDefault {
                throw RoutingRefusal("INSERT into reference table \(name) with a subquery on a table that is not a reference table (the copies would differ)")
            }
            if s.returning { throw RoutingRefusal("INSERT ... RETURNING into reference table \(name)") }
            return RoutePlan(targets: config.shards.map { target($0, reason: "reference table \(name): written on every shard") },
                             combine: config.shards.count > 1 ? .firstReply : .forward, isWrite: true)
        case .sharded(let name, let table):
            if s.select != nil { throw RoutingRefusal("INSERT ... SELECT into sharded table \(name)") }
            let key = table.key.lowercased()
            if s.onDuplicateKeyUpdate.contains(where: { $0.column.name.lowercased() == key }) {
                throw RoutingRefusal("ON DUPLICATE KEY UPDATE that changes the sharding key \(name).\(table.key)")
            }
            var keyExprs: [Expr] = []
            if let assignments = s.setAssignments {
                guard let a = assignments.first(where: { $0.column.name.lowercased() == key }) else {
                    throw RoutingRefusal("INSERT into sharded table \(name) without its sharding key column \(table.key)")
                }
                keyExprs = [a.value]
            } else {
                guard let cols = s.columns else { throw RoutingRefusal("INSERT into sharded table \(name) without a column list") }
                guard let pos = cols.firstIndex(where: { $0.lowercased() == key }) else {
                    throw RoutingRefusal("INSERT into sharded table \(name) without its sharding key column \(table.key)")
                }
                for row in s.rows {
                    guard pos < row.count else { throw RoutingRefusal("INSERT row with fewer values than columns") }
                    keyExprs.append(row[pos])
                }
            }
            var rowShards: [String] = []
            var reasons: [String: [String]] = [:]
            for e in keyExprs {
                guard case .literal(let lit, _) = e else {
                    throw RoutingRefusal("INSERT into sharded table \(name) whose key \(table.key) is not a literal value")
                }
                let value: KeyValue
                switch KeyValue.normalize(lit) {
                case .exact(let v), .placementOnly(let v, _): value = v
                case .unusable(let why): throw RoutingRefusal("INSERT into sharded table \(name) with key \(table.key) = \(lit) (\(why))")
                }
                let lookup = shardMap.lookup(value, vindex: table.vindex, describe: describe)
                guard let sh = lookup.shard else {
                    throw RoutingRefusal("INSERT into sharded table \(name) with key \(table.key) = \(value.display): \(shardMap.lookup(value, vindex: table.vindex).reason)")
                }
                rowShards.append(sh)
                if describe {
                    let r = "\(name).\(table.key) = \(value.display) -> \(lookup.reason)"
                    if reasons[sh]?.count ?? 0 < 3 { reasons[sh, default: []].append(r) } else if reasons[sh]?.count == 3 { reasons[sh]!.append("...") }
                } else if reasons[sh] == nil {
                    reasons[sh] = []
                }
            }
            let shardSet = Set(rowShards)
            let targets = ordered(shardSet)
            if let sub = values.shards, sub != shardSet {
                throw RoutingRefusal("INSERT into sharded table \(name) with a subquery on sharded table \(values.shardedNames.first ?? "") unless the rows and the subquery are all on the same single shard")
            }
            if values.needsDefault, shardSet != [def.name] {
                throw RoutingRefusal("INSERT into sharded table \(name) with a subquery on unsharded table \(values.unshardedNames.first ?? "") (on \(def.name) only) unless every row goes to \(def.name)")
            }
            if targets.count == 1 {
                return RoutePlan(targets: [target(targets[0], reason: reasons[targets[0].name]!.joined(separator: "; "))], isWrite: true)
            }
            if s.returning { throw RoutingRefusal("INSERT ... RETURNING whose rows go to several shards") }
            // Split the VALUES rows: each shard gets only its own rows (with their `ROW` keyword).
            let rowRanges = s.rowRanges.map { Self.withRowKeyword($0, in: source) }
            let first = rowRanges.first!.lowerBound
            let last = rowRanges.last!.upperBound
            let prefix = String(decoding: source[..<first], as: UTF8.self)
            let suffix = String(decoding: source[last...], as: UTF8.self)
            var out: [RoutePlan.Target] = []
            for sh in targets {
                let rows = zip(rowRanges, rowShards).filter { $0.1 == sh.name }.map { String(decoding: source[$0.0], as: UTF8.self) }
                out.append(target(sh, statement: prefix + rows.joined(separator: ", ") + suffix,
                                  reason: "\(rows.count) row\(rows.count == 1 ? "" : "s"): " + reasons[sh.name]!.joined(separator: "; ")))
            }
            return RoutePlan(targets: out, combine: .sumAffected, isWrite: true)
        }
    }

    /// A VALUES row's byte range, extended to the `ROW` keyword before its `(` if it has one.
    static func withRowKeyword(_ r: Range<Int>, in source: [UInt8]) -> Range<Int> {
        var k = r.lowerBound
        while k > 0, source[k - 1] == 0x20 || (source[k - 1] >= 0x09 && source[k - 1] <= 0x0D) { k -= 1 }
        guard k >= 3 else { return r }
        let word = source[(k - 3)..<k].map { $0 | 0x20 }
        guard word == Array("row".utf8) else { return r }
        if k > 3 {
            let c = source[k - 4]
            let identifier = (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x24 || c >= 0x80
            if identifier { return r }
        }
        return (k - 3)..<r.upperBound
    }

    // MARK: UPDATE / DELETE

    func planWrite(from: [FromEntry], whereClause: Expr?, assignments: [Assignment], deleteTargets: [TableName]?,
                   orderedOrLimited: Bool, verb: String, source: [UInt8], database: String?) throws(RoutingRefusal) -> RoutePlan {
        let def = defaultShard
        var extra: [SelectStatement] = []
        for a in assignments { extra += a.value.subqueries }
        let r = try reach(from: from, whereClause: whereClause, database: database, source: source, extraSubqueries: extra)
        // Changing a sharding key would move the row to another shard: refused.
        for a in assignments {
            for f in from {
                guard let t = f.ref.table, case .sharded(let name, let st) = classify(t, database: database) else { continue }
                let scopeTable = ScopeTable(ref: f.ref, name: name, table: st, join: f.join, on: f.on)
                if a.column.name.lowercased() == st.key.lowercased(), a.column.qualifier.isEmpty || matches(a.column, scopeTable, scope: [], database: database) {
                    throw RoutingRefusal("an UPDATE that changes the sharding key \(name).\(st.key)")
                }
            }
        }
        // A written reference table: the same write on every copy. Reference tables only read (in a
        // subquery, or joined to the written table) are there on whatever shard the write goes to.
        if let written = writtenReferenceTable(from: from, assignments: assignments, deleteTargets: deleteTargets, database: database) {
            guard r.shards == nil, !r.needsDefault else {
                throw RoutingRefusal("\(verb) that writes (or, by an unqualified column, may write) reference table \(written) and reads \(r.shardedNames.isEmpty ? "unsharded" : "sharded") table \(r.shardedNames.first ?? r.unshardedNames.first ?? "") (the copies would differ)")
            }
            if orderedOrLimited { throw RoutingRefusal("\(verb) ... ORDER BY/LIMIT on reference table \(written)") }
            return RoutePlan(targets: config.shards.map { target($0, reason: "reference table \(Self.unique(r.referenceNames).joined(separator: ", ")): written on every shard") },
                             combine: config.shards.count > 1 ? .firstReply : .forward, isWrite: true)
        }
        guard let shards = r.shards else {
            return RoutePlan(targets: [target(def, reason: "unsharded table\(r.unshardedNames.count > 1 ? "s" : "") \(r.unshardedNames.joined(separator: ", ")) -> default shard \(def.name)")], isWrite: true)
        }
        try checkSubShards(r, shards: shards)
        if r.needsDefault, shards != [def.name] {
            throw RoutingRefusal("\(verb) joining sharded table \(r.shardedNames.first ?? "") with unsharded table \(r.unshardedNames.first ?? "") (on \(def.name) only)")
        }
        let targets = ordered(shards)
        if targets.count == 1 {
            return RoutePlan(targets: [target(targets[0], reason: r.reasons[targets[0].name] ?? "")], isWrite: true)
        }
        if orderedOrLimited { throw RoutingRefusal("\(verb) ... ORDER BY/LIMIT on several shards") }
        if !r.keyed, rejectScatter {
            throw RoutingRefusal("\(verb) on sharded table \(r.shardedNames.first ?? "") without its sharding key (routing.scatter: reject)")
        }
        let out = targets.map { sh in
            let edits = r.rewrites[sh.name] ?? []
            return target(sh, statement: edits.isEmpty ? nil : Self.apply(edits, to: source), reason: r.reasons[sh.name] ?? "")
        }
        return RoutePlan(targets: out, combine: .sumAffected, isWrite: true)
    }

    /// The reference table an UPDATE/DELETE writes (or may write: when Sleet can't tell which table
    /// an unqualified column or a target names), or nil when it writes no reference table.
    func writtenReferenceTable(from: [FromEntry], assignments: [Assignment], deleteTargets: [TableName]?, database: String?) -> String? {
        var references: [(FromEntry, String)] = []
        for f in from {
            guard let t = f.ref.table, case .reference(let n) = classify(t, database: database) else { continue }
            references.append((f, n))
        }
        guard let firstReference = references.first?.1 else { return nil }
        if from.count == 1 { return firstReference }
        /// The FROM entries a name refers to (an alias, or a table without alias).
        func entries(schema: String?, name: String) -> [FromEntry] {
            from.filter { f in
                if let alias = f.ref.alias { return schema == nil && alias.lowercased() == name.lowercased() }
                guard let t = f.ref.table else { return false }
                return t.name.lowercased() == name.lowercased() && (schema == nil || schema == (t.schema ?? database))
            }
        }
        var written: [[FromEntry]] = []
        if let targets = deleteTargets, !targets.isEmpty {
            written = targets.map { entries(schema: $0.schema, name: $0.name) }
        } else if deleteTargets != nil {
            written = [[from[0]]]
        } else {
            for a in assignments {
                switch a.column.qualifier.count {
                case 0: return firstReference
                case 1: written.append(entries(schema: nil, name: a.column.qualifier[0]))
                default: written.append(entries(schema: a.column.qualifier[0], name: a.column.qualifier[1]))
                }
            }
        }
        for w in written {
            guard !w.isEmpty else { return firstReference }
            if let hit = references.first(where: { r in w.contains { $0.ref == r.0.ref } }) { return hit.1 }
        }
        return nil
    }

    // MARK: DDL

    func planDDL(_ d: DDLStatement, tokens: [Token], source: [UInt8], database: String?) throws(RoutingRefusal) -> RoutePlan {
        let def = defaultShard
        let everywhere = config.shards.map { target($0, reason: "DDL on \(d.object == .database ? "the sharded database" : "a sharded or reference table"): every shard") }
        let broadcast = RoutePlan(targets: everywhere, combine: config.shards.count > 1 ? .firstReply : .forward, isWrite: true)
        let single = RoutePlan(targets: [target(def, reason: "DDL on unsharded objects -> default shard \(def.name)")], isWrite: true)
        switch d.object {
        case .database:
            return d.database == config.database ? broadcast : single
        case .table, .index:
            var distributed = false
            // CREATE TABLE t LIKE u: t is the table created (u only lends its definition).
            let changed = d.verb == "CREATE" && d.object == .table ? Array(d.tables.prefix(1)) : d.tables
            for t in changed {
                if case .unsharded = classify(t, database: database) { continue }
                distributed = true
            }
            if distributed, let sel = d.select {
                _ = sel
                throw RoutingRefusal("CREATE TABLE ... SELECT for a sharded or reference table")
            }
            if !distributed, let sel = d.select {
                let r = try reachOfSelect(sel, database: database, source: source)
                if let s = r.shards, s != [def.name] { throw RoutingRefusal("CREATE TABLE ... SELECT from sharded table \(r.shardedNames.first ?? "")") }
                if let s = r.shards { try checkSubShards(r, shards: s) }
            }
            return distributed ? broadcast : single
        case .view, .other:
            var p = try unparsed(tokens: tokens, source: source, database: database, why: "\(d.verb) of this object")
            p.flexible = false
            return p
        }
    }
}

extension Router {
    static func isPlainColumnOrLiteral(_ e: Expr) -> Bool {
        switch e {
        case .column, .literal: true
        default: false
        }
    }
}

extension ShardedTable.Vindex {
    var isRange: Bool { if case .range = self { true } else { false } }
}
