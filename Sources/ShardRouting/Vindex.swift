import SQLSyntax
import SleetConfig

/// Where one key value goes.
public struct ShardLookup: Sendable, Equatable {
    /// nil when the value maps to no shard (a list value not in the map, a value outside every range).
    public var shard: String?
    /// Set by the hash vindex.
    public var keyspaceID: UInt64?
    /// For EXPLAIN ROUTE, e.g. `keyspace id 0x166b40b44aba4bd6 -> s0 (-80)`.
    public var reason: String

    public init(shard: String?, keyspaceID: UInt64? = nil, reason: String) {
        self.shard = shard; self.keyspaceID = keyspaceID; self.reason = reason
    }
}

extension KeyValue {
    /// The bytes the hash vindex hashes (a compatibility promise, see docs/hash-vindex.md):
    /// `.integer(v)` 8 bytes big-endian of `UInt64(bitPattern: v)`; `.unsigned(u)` 8 bytes
    /// big-endian; `.decimal(s)` 0x01 + UTF-8 of `s`; `.string(s)` 0x02 + UTF-8 of `s`.
    public var hashEncoding: [UInt8] {
        switch self {
        case .integer(let v): return Self.bigEndianBytes(UInt64(bitPattern: v))
        case .unsigned(let u): return Self.bigEndianBytes(u)
        case .decimal(let s): return [0x01] + Array(s.utf8)
        case .string(let s): return [0x02] + Array(s.utf8)
        }
    }

    /// XXH64 (seed 0) of `hashEncoding`.
    public var keyspaceID: UInt64 { XXHash64.hash(hashEncoding, seed: 0) }

    static func bigEndianBytes(_ u: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: u >> (8 * (7 - UInt64($0)))) }
    }
}

/// The shards of the keyspace, and the vindex lookups that map a key value to one of them.
public struct ShardMap: Sendable {
    /// Sorted by the start of their key range.
    public let shards: [Shard]

    public init(shards: [Shard]) {
        self.shards = shards.sorted { $0.keyRange.start < $1.keyRange.start }
    }

    /// The shard whose key_range holds `id`; nil only for a map that doesn't cover the keyspace.
    public func shard(forKeyspaceID id: UInt64) -> Shard? {
        // Last shard starting at or before id (ranges don't overlap in a valid config).
        var low = 0, high = shards.count
        while low < high {
            let mid = (low + high) / 2
            if shards[mid].keyRange.start <= id { low = mid + 1 } else { high = mid }
        }
        if low > 0, shards[low - 1].keyRange.contains(id) { return shards[low - 1] }
        return shards.first { $0.keyRange.contains(id) }
    }

    /// `describe: false` skips building `reason` (the statement path does not need it).
    public func lookup(_ value: KeyValue, vindex: ShardedTable.Vindex, describe: Bool = true) -> ShardLookup {
        switch vindex {
        case .hash:
            let id = value.keyspaceID
            guard describe else { return ShardLookup(shard: shard(forKeyspaceID: id)?.name, keyspaceID: id, reason: "") }
            let hex = Self.hex(id)
            guard let shard = shard(forKeyspaceID: id) else {
                return ShardLookup(shard: nil, keyspaceID: id, reason: "keyspace id \(hex) is in no shard's key_range")
            }
            return ShardLookup(shard: shard.name, keyspaceID: id,
                               reason: "keyspace id \(hex) -> \(shard.name) (\(shard.keyRange.text))")
        case .list(let map):
            // Sorted so that a map with two spellings of one value ('EU', 'eu') is deterministic.
            for key in map.keys.sorted() where Self.listKey(key) == value {
                let shard = map[key]!
                return ShardLookup(shard: shard, reason: "list \(value.display) -> \(shard)")
            }
            return ShardLookup(shard: nil, reason: "\(value.display) is not in the list vindex")
        case .range(let entries):
            let inRange: (ShardedTable.RangeEntry) -> Bool
            switch value {
            case .integer(let v):
                inRange = { e in (e.lower.map { v >= $0 } ?? true) && (e.upper.map { v < $0 } ?? true) }
            case .unsigned:
                inRange = { e in e.upper == nil }  // above every Int64 bound
            case .decimal, .string:
                return ShardLookup(shard: nil, reason: "the range vindex takes integers; \(value.display) is not one")
            }
            guard let entry = entries.first(where: inRange) else {
                return ShardLookup(shard: nil, reason: "\(value.display) is outside every range of the range vindex")
            }
            return ShardLookup(shard: entry.shard, reason: "range \(Self.describe(entry)) -> \(entry.shard)")
        }
    }

    /// "hash", "list", "range".
    public static func describe(_ v: ShardedTable.Vindex) -> String {
        switch v {
        case .hash: return "hash"
        case .list: return "list"
        case .range: return "range"
        }
    }

    /// A list map key, read as a string literal and normalized; nil when it can never match.
    static func listKey(_ key: String) -> KeyValue? {
        switch KeyValue.normalize(.string(key)) {
        case .exact(let v), .placementOnly(let v, _): return v
        case .unusable: return nil
        }
    }

    /// `[1700000000, ..)`, `[.., 1700000000)`.
    static func describe(_ e: ShardedTable.RangeEntry) -> String {
        "[\(e.lower.map(String.init) ?? ".."), \(e.upper.map(String.init) ?? ".."))"
    }

    /// `0x` and 16 lower-case hex digits.
    static func hex(_ id: UInt64) -> String {
        let digits = String(id, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
