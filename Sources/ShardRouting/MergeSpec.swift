/// How the result sets of a SELECT sent to every shard are merged into the one result a single
/// server holding all the data would return. Built by the planner from the statement; applied by
/// `ResultMerger.merge`.
///
/// What the planner must send to each shard for the merge to be exact:
/// - ORDER BY: the same ORDER BY (each shard's rows arrive sorted; the merger k-way merges them).
/// - LIMIT n OFFSET m: `LIMIT m + n` on each shard (no offset there); the merger skips and cuts.
/// - Aggregates: the same aggregate per shard (COUNT, SUM, MIN, MAX; AVG must be rewritten or refused).
/// - GROUP BY: the same GROUP BY and no LIMIT on the shards (a shard's LIMIT would cut partial groups).
public struct MergeSpec: Sendable, Equatable {
    public enum Aggregate: String, Sendable, Equatable { case count, sum, min, max }

    public enum ColumnRef: Sendable, Equatable {
        /// 0-based result column.
        case index(Int)
        /// Matched case-insensitively (ASCII) against the result column's name (its alias); must match exactly one column.
        case name(String)
    }

    public struct OrderKey: Sendable, Equatable {
        public var column: ColumnRef
        public var descending: Bool
        public init(_ column: ColumnRef, descending: Bool = false) {
            self.column = column
            self.descending = descending
        }
    }

    /// One aggregated result column: `function(...)` is result column `column` (0-based).
    public struct AggregateColumn: Sendable, Equatable {
        public var column: Int
        public var function: Aggregate
        public init(_ column: Int, _ function: Aggregate) {
            self.column = column
            self.function = function
        }
    }

    public var orderBy: [OrderKey] = []
    /// Rows skipped after the merge.
    public var offset: Int = 0
    /// Rows returned after the offset; nil = all.
    public var limit: Int? = nil
    public var aggregates: [AggregateColumn] = []
    /// nil: no GROUP BY; `[]` is invalid.
    public var groupBy: [ColumnRef]? = nil

    public init(orderBy: [OrderKey] = [], offset: Int = 0, limit: Int? = nil,
                aggregates: [AggregateColumn] = [], groupBy: [ColumnRef]? = nil) {
        self.orderBy = orderBy
        self.offset = offset
        self.limit = limit
        self.aggregates = aggregates
        self.groupBy = groupBy
    }

    /// No order, no limit/offset, no aggregates, no GROUP BY: the merge is plain concatenation in shard order.
    public var isTrivial: Bool {
        orderBy.isEmpty && offset == 0 && limit == nil && aggregates.isEmpty && groupBy == nil
    }
}

/// What the merger needs of one ColumnDefinition41 packet.
public struct MergeColumn: Sendable, Equatable {
    public var name: String
    /// MySQL column type code: 1 TINY, 2 SHORT, 3 LONG, 4 FLOAT, 5 DOUBLE, 6 NULL, 7 TIMESTAMP,
    /// 8 LONGLONG, 9 INT24, 10 DATE, 11 TIME, 12 DATETIME, 13 YEAR, 15 VARCHAR, 16 BIT, 245 JSON,
    /// 246 NEWDECIMAL, 247 ENUM, 248 SET, 249-252 BLOBs, 253 VAR_STRING, 254 STRING, 255 GEOMETRY.
    public var type: UInt8
    /// The packet's collation id. 63 = binary. Beware: for text columns the server sends the
    /// default collation of `character_set_results` (e.g. 33 or 45 for every utf8 text column,
    /// whatever the column's own collation), so this names the encoding, not the sort order.
    public var characterSet: UInt16
    /// 0x20 UNSIGNED, 0x80 BINARY (set for `_bin` collations too), 0x100 ENUM, 0x800 SET.
    public var flags: UInt16
    public var decimals: UInt8
    /// The column's own collation id when the proxy knows it (from the schema), nil when it does
    /// not. Without it, text is compared only where every common collation agrees.
    public var collation: UInt16?

    public init(name: String, type: UInt8, characterSet: UInt16 = 63, flags: UInt16 = 0,
                decimals: UInt8 = 0, collation: UInt16? = nil) {
        self.name = name
        self.type = type
        self.characterSet = characterSet
        self.flags = flags
        self.decimals = decimals
        self.collation = collation
    }
}

/// One text-protocol row: each value as the server sent it, nil = SQL NULL.
public typealias MergeRow = [[UInt8]?]

/// The merge cannot give the single-server answer. The proxy answers error 1235
/// "Sleet does not support <reason>".
public struct MergeError: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public init(reason: String) { self.reason = reason }

    /// The client-facing message.
    public var message: String { "Sleet does not support \(reason)" }
}
