/// The partial syntax tree routing needs. Anything the parser does not model is kept as `.other`
/// with its children (so subqueries inside are still seen); routing treats `.other` as "no
/// constraint", which can only widen a route, never narrow it wrongly.

/// `[schema.]name`, unquoted, spelled as written.
public struct TableName: Sendable, Hashable, CustomStringConvertible {
    public var schema: String?
    public var name: String
    public init(schema: String? = nil, name: String) { self.schema = schema; self.name = name }
    public var description: String { schema.map { "\($0).\(name)" } ?? name }
}

/// A table in FROM/JOIN/UPDATE/DELETE/INSERT: a named table or a derived table (subquery).
public struct TableRef: Sendable, Equatable {
    public var table: TableName?
    public var derived: SelectStatement?
    public var alias: String?
    public init(table: TableName? = nil, derived: SelectStatement? = nil, alias: String? = nil) {
        self.table = table; self.derived = derived; self.alias = alias
    }
}

/// `[[schema.]table.]name`
public struct ColumnName: Sendable, Hashable, CustomStringConvertible {
    /// 0, 1 (table or alias) or 2 (schema, table) qualifiers.
    public var qualifier: [String]
    public var name: String
    public init(qualifier: [String] = [], name: String) { self.qualifier = qualifier; self.name = name }
    public var description: String { (qualifier + [name]).joined(separator: ".") }
}

public indirect enum Expr: Sendable, Equatable {
    case column(ColumnName)
    case literal(Literal, range: Range<Int>)
    /// `?`, numbered from 0 in statement order.
    case placeholder(Int)
    case and([Expr])
    case or([Expr])
    case not(Expr)
    /// `=`, `<=>`, `<`, `>`, `<=`, `>=`, `<>`, `!=`
    case comparison(String, Expr, Expr)
    /// `lhs [NOT] IN (items)`; `items` are the list's expressions with their byte ranges, `list` is
    /// the byte range from `(` to `)` inclusive.
    case inList(Expr, items: [Expr], itemRanges: [Range<Int>], list: Range<Int>, negated: Bool)
    case subquery(SelectStatement)
    /// A function call. `star` for `COUNT(*)`; `over` when a window (`OVER ...`) follows.
    case function(name: String, args: [Expr], distinct: Bool, star: Bool, over: Bool)
    case other([Expr])

    /// Every subquery anywhere inside this expression (not inside the subqueries themselves).
    public var subqueries: [SelectStatement] {
        var out: [SelectStatement] = []
        collectSubqueries(&out)
        return out
    }

    func collectSubqueries(_ out: inout [SelectStatement]) {
        switch self {
        case .subquery(let s): out.append(s)
        case .and(let c), .or(let c), .other(let c): for e in c { e.collectSubqueries(&out) }
        case .not(let e): e.collectSubqueries(&out)
        case .comparison(_, let a, let b): a.collectSubqueries(&out); b.collectSubqueries(&out)
        case .inList(let l, let items, _, _, _): l.collectSubqueries(&out); for e in items { e.collectSubqueries(&out) }
        case .function(_, let args, _, _, _): for e in args { e.collectSubqueries(&out) }
        case .column, .literal, .placeholder: break
        }
    }

    /// True when an aggregate function appears anywhere in the expression.
    public var containsAggregate: Bool {
        switch self {
        case .function(let name, let args, _, _, let over):
            if !over, Expr.aggregateNames.contains(name) { return true }
            return args.contains { $0.containsAggregate }
        case .and(let c), .or(let c), .other(let c): return c.contains { $0.containsAggregate }
        case .not(let e): return e.containsAggregate
        case .comparison(_, let a, let b): return a.containsAggregate || b.containsAggregate
        case .inList(let l, let items, _, _, _): return l.containsAggregate || items.contains { $0.containsAggregate }
        case .subquery, .column, .literal, .placeholder: return false
        }
    }

    /// True when a window function (`... OVER`) appears anywhere in the expression.
    public var containsWindow: Bool {
        switch self {
        case .function(_, let args, _, _, let over): return over || args.contains { $0.containsWindow }
        case .and(let c), .or(let c), .other(let c): return c.contains { $0.containsWindow }
        case .not(let e): return e.containsWindow
        case .comparison(_, let a, let b): return a.containsWindow || b.containsWindow
        case .inList(let l, let items, _, _, _): return l.containsWindow || items.contains { $0.containsWindow }
        case .subquery, .column, .literal, .placeholder: return false
        }
    }

    public static let aggregateNames: Set<String> = [
        "COUNT", "SUM", "MIN", "MAX", "AVG", "GROUP_CONCAT", "STD", "STDDEV", "STDDEV_POP", "STDDEV_SAMP",
        "VARIANCE", "VAR_POP", "VAR_SAMP", "BIT_AND", "BIT_OR", "BIT_XOR", "JSON_ARRAYAGG", "JSON_OBJECTAGG",
    ]
}

public struct SelectItem: Sendable, Equatable {
    /// nil for `*` and `t.*`.
    public var expr: Expr?
    public var alias: String?
    /// `*` or `t.*`
    public var isStar: Bool
    /// The item's tokens re-joined with single spaces (upper-cased words), to compare with ORDER BY/GROUP BY expressions.
    public var normalized: String
    public init(expr: Expr?, alias: String?, isStar: Bool, normalized: String) {
        self.expr = expr; self.alias = alias; self.isStar = isStar; self.normalized = normalized
    }
}

public struct OrderItem: Sendable, Equatable {
    public var expr: Expr
    public var descending: Bool
    public var normalized: String
    public init(expr: Expr, descending: Bool, normalized: String) { self.expr = expr; self.descending = descending; self.normalized = normalized }
}

public enum JoinKind: Sendable, Equatable { case inner, left, right, natural }

/// One table of the FROM clause in order; `join`/`on` say how it was joined to the ones before it.
public struct FromEntry: Sendable, Equatable {
    public var ref: TableRef
    /// nil for the first table and for comma joins.
    public var join: JoinKind?
    public var on: Expr?
    public init(ref: TableRef, join: JoinKind? = nil, on: Expr? = nil) { self.ref = ref; self.join = join; self.on = on }
}

public struct LimitClause: Sendable, Equatable {
    /// nil when not a plain integer (placeholder, variable).
    public var count: Int?
    public var offset: Int?
    /// Byte range of the whole clause, from `LIMIT` to its last token.
    public var range: Range<Int>
    public init(count: Int?, offset: Int?, range: Range<Int>) { self.count = count; self.offset = offset; self.range = range }
}

public struct SelectStatement: Sendable, Equatable {
    public var distinct = false
    public var calcFoundRows = false
    public var items: [SelectItem] = []
    public var from: [FromEntry] = []
    public var whereClause: Expr?
    public var groupBy: [OrderItem] = []
    public var withRollup = false
    public var having: Expr?
    public var orderBy: [OrderItem] = []
    public var limit: LimitClause?
    /// `FOR UPDATE`, `FOR SHARE`, `LOCK IN SHARE MODE`
    public var locking = false
    /// `INTO OUTFILE|DUMPFILE|@var`
    public var into = false
    /// Other SELECTs joined by UNION/INTERSECT/EXCEPT (this one is the first).
    public var setOperations: [SelectStatement] = []
    /// Common table expressions (`WITH name AS (...)`).
    public var ctes: [(name: String, body: SelectStatement)] = []
    public var hasWindowClause = false

    public init() {}

    public static func == (a: SelectStatement, b: SelectStatement) -> Bool {
        a.distinct == b.distinct && a.calcFoundRows == b.calcFoundRows && a.items == b.items && a.from == b.from
            && a.whereClause == b.whereClause && a.groupBy == b.groupBy && a.withRollup == b.withRollup && a.having == b.having
            && a.orderBy == b.orderBy && a.limit == b.limit && a.locking == b.locking && a.into == b.into
            && a.setOperations == b.setOperations && a.ctes.map(\.name) == b.ctes.map(\.name) && a.ctes.map(\.body) == b.ctes.map(\.body)
            && a.hasWindowClause == b.hasWindowClause
    }

    /// Every subquery in this SELECT's expressions and derived tables (one level deep).
    public var subqueries: [SelectStatement] {
        var out: [SelectStatement] = []
        for i in items { i.expr?.collectSubqueries(&out) }
        for f in from {
            if let d = f.ref.derived { out.append(d) }
            f.on?.collectSubqueries(&out)
        }
        whereClause?.collectSubqueries(&out)
        for g in groupBy { g.expr.collectSubqueries(&out) }
        having?.collectSubqueries(&out)
        for o in orderBy { o.expr.collectSubqueries(&out) }
        for c in ctes { out.append(c.body) }
        return out
    }
}

public struct Assignment: Sendable, Equatable {
    public var column: ColumnName
    public var value: Expr
    public init(column: ColumnName, value: Expr) { self.column = column; self.value = value }
}

public struct InsertStatement: Sendable, Equatable {
    public var replace = false
    public var table = TableName(name: "")
    /// nil when the statement has no column list.
    public var columns: [String]?
    /// VALUES rows: expressions and the byte range of each row's `( ... )`.
    public var rows: [[Expr]] = []
    public var rowRanges: [Range<Int>] = []
    /// `INSERT ... SET a = 1, b = 2`
    public var setAssignments: [Assignment]?
    /// `INSERT ... SELECT` / `INSERT ... TABLE t`
    public var select: SelectStatement?
    public var onDuplicateKeyUpdate: [Assignment] = []
    public var returning = false
    public init() {}
}

public struct UpdateStatement: Sendable, Equatable {
    public var from: [FromEntry] = []
    public var assignments: [Assignment] = []
    public var whereClause: Expr?
    public var hasOrderBy = false
    public var limit: LimitClause?
    public init() {}
}

public struct DeleteStatement: Sendable, Equatable {
    /// Tables rows are deleted from (multi-table form), as written (names or aliases).
    public var targets: [TableName] = []
    public var from: [FromEntry] = []
    public var whereClause: Expr?
    public var hasOrderBy = false
    public var limit: LimitClause?
    public var returning = false
    public init() {}
}

public struct DDLStatement: Sendable, Equatable {
    public enum Object: Sendable, Equatable { case table, index, database, view, other }
    /// `CREATE`, `ALTER`, `DROP`, `TRUNCATE`, `RENAME`
    public var verb: String
    public var object: Object
    /// Tables the statement changes or names (for an index: its table).
    public var tables: [TableName]
    /// For CREATE/DROP/ALTER DATABASE.
    public var database: String?
    /// `CREATE TABLE ... SELECT`
    public var select: SelectStatement?
    public init(verb: String, object: Object, tables: [TableName] = [], database: String? = nil, select: SelectStatement? = nil) {
        self.verb = verb; self.object = object; self.tables = tables; self.database = database; self.select = select
    }
}

public enum TransactionStatement: Sendable, Equatable {
    case begin(readOnly: Bool)
    case commit
    case rollback
    /// SAVEPOINT, ROLLBACK TO, RELEASE SAVEPOINT
    case savepoint
    case xa
}

/// A parsed statement: what routing and the plugins look at.
public indirect enum Statement: Sendable, Equatable {
    case select(SelectStatement)
    case insert(InsertStatement)
    case update(UpdateStatement)
    case delete(DeleteStatement)
    case ddl(DDLStatement)
    /// `SET ...`; `global` for SET GLOBAL / @@global.
    case set(global: Bool)
    case use(database: String)
    case transaction(TransactionStatement)
    case show
    case describe(TableName?)
    case explain(Statement?)
    case call
    /// LOAD DATA ... INTO TABLE t, LOCK TABLES t ..., other statements naming tables.
    case tableStatement(verb: String, tables: [TableName])
    case unlockTables
    case kill(id: UInt64, queryOnly: Bool)
    /// Parsed but not modelled (DO, HANDLER, GRANT, ...): the first word.
    case other(firstWord: String)
    case empty
}
