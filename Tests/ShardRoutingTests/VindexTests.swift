import Foundation
import Testing
import SQLSyntax
import SleetConfig
@testable import ShardRouting

@Suite struct XXHash64Tests {
    /// Published XXH64 vectors (and the reference implementation's output for the longer inputs).
    static let published: [(String, UInt64)] = [
        ("", 0xEF46_DB37_51D8_E999),
        ("a", 0xD24E_C4F1_A98C_6E5B),
        ("abc", 0x44BC_2CF5_AD77_0999),
        ("Nobody inspects the spammish repetition", 0xFBCE_A83C_8A37_8BF1),
        (String(repeating: "x", count: 32), 0xE2DF_261F_C2EC_30EB),
        ("0123456789abcdef0123456789abcdef0", 0xE876_84F0_8D6D_0816),
    ]

    @Test(arguments: published)
    func strings(_ text: String, _ hash: UInt64) {
        #expect(XXHash64.hash(Array(text.utf8)) == hash)
    }

    /// bytes 0, 1, ..., n-1 for n = 0...13: every tail path (8, 4, 1 bytes) and their mixes.
    @Test func everyTailLength() {
        let expected: [UInt64] = [
            0xEF46_DB37_51D8_E999, 0xE934_A84A_DB05_2768, 0x4865_A00B_A85B_7CD6, 0xE5C7_BB45_33BC_65DD,
            0xFFCE_D860_4453_CC1E, 0xDD02_7438_6E26_030C, 0x438E_2507_BF95_0423, 0x14CC_643F_630C_72D2,
            0x884A_1736_14B8_1B8D, 0x67D8_5784_A7C7_8C5B, 0xF76D_60EC_3254_1987, 0x652A_564A_9536_5ACA,
            0x424A_F23F_1F08_DCA5, 0x13D1_7C4C_7797_23A8,
        ]
        for (n, hash) in expected.enumerated() {
            #expect(XXHash64.hash((0..<n).map(UInt8.init)) == hash, "length \(n)")
        }
    }

    @Test func longInputAndSeed() {
        let bytes = (0..<100).map(UInt8.init)
        #expect(XXHash64.hash(bytes) == 0x6AC1_E580_3216_6597)
        #expect(XXHash64.hash(bytes, seed: 0x9E37_79B1_85EB_CA87) == 0x0027_8BDA_0EE3_F586)
        #expect(XXHash64.hash(Array("abc".utf8), seed: 1) == 0xBEA9_CA81_9932_8908)
        #expect(XXHash64.hash(Array("Nobody inspects the spammish repetition".utf8), seed: 0x9E37_79B1_85EB_CA87)
                == 0x9D24_E6A5_798D_51E1)
    }
}

@Suite struct VindexTests {
    static func shard(_ name: String, _ range: String, port: Int) -> Shard {
        Shard(name: name, keyRange: KeyRange(parsing: range)!, primary: HostPort(host: "127.0.0.1", port: port))
    }
    static let halves = ShardMap(shards: [shard("s1", "80-", port: 23316), shard("s0", "-80", port: 23306)])
    static let quarters = ShardMap(shards: [
        shard("q0", "-40", port: 1), shard("q1", "40-80", port: 2), shard("q2", "80-c0", port: 3), shard("q3", "c0-", port: 4),
    ])

    struct Vector: Sendable, CustomStringConvertible {
        var literals: [Literal]
        var value: KeyValue
        var encoding: String
        var id: UInt64
        var shard: String
        var description: String { "\(literals) -> \(value)" }
    }

    /// The hash vindex's compatibility promise, printed in docs/hash-vindex.md: never change a row.
    static let vectors: [Vector] = [
        Vector(literals: [.integer("0")], value: .integer(0),
               encoding: "0000000000000000", id: 0x34c9_6acd_cadb_1bbb, shard: "s0"),
        Vector(literals: [.integer("1"), .boolean(true)], value: .integer(1),
               encoding: "0000000000000001", id: 0x9f1f_fc79_3b8a_47da, shard: "s1"),
        Vector(literals: [.integer("-1")], value: .integer(-1),
               encoding: "ffffffffffffffff", id: 0x85d1_36ad_b773_c6c9, shard: "s1"),
        Vector(literals: [.integer("42"), .string("42"), .decimal("42.0")], value: .integer(42),
               encoding: "000000000000002a", id: 0xa2c3_9622_3f8b_dbdf, shard: "s1"),
        Vector(literals: [.integer("1000000")], value: .integer(1_000_000),
               encoding: "00000000000f4240", id: 0x4f31_7458_0e5f_d398, shard: "s0"),
        Vector(literals: [.integer("1700000000")], value: .integer(1_700_000_000),
               encoding: "000000006553f100", id: 0xdf3f_bad4_3381_a718, shard: "s1"),
        Vector(literals: [.integer("9223372036854775807")], value: .integer(.max),
               encoding: "7fffffffffffffff", id: 0x043d_e1bb_af34_1994, shard: "s0"),
        Vector(literals: [.integer("-9223372036854775808")], value: .integer(.min),
               encoding: "8000000000000000", id: 0xa729_9a58_d03a_1d0c, shard: "s1"),
        Vector(literals: [.integer("9223372036854775808")], value: .unsigned(1 << 63),
               encoding: "8000000000000000", id: 0xa729_9a58_d03a_1d0c, shard: "s1"),
        Vector(literals: [.integer("18446744073709551615")], value: .unsigned(.max),
               encoding: "ffffffffffffffff", id: 0x85d1_36ad_b773_c6c9, shard: "s1"),
        Vector(literals: [.decimal("1.5"), .string("1.50")], value: .decimal("1.5"),
               encoding: "01312e35", id: 0x2bc0_e62d_a2af_eb4d, shard: "s0"),
        Vector(literals: [.decimal("-0.25")], value: .decimal("-0.25"),
               encoding: "012d302e3235", id: 0xd365_83b0_3d98_0524, shard: "s1"),
        Vector(literals: [.string("")], value: .string(""),
               encoding: "02", id: 0x4b79_b8c9_5732_b0e7, shard: "s0"),
        Vector(literals: [.string("abc"), .string("ABC ")], value: .string("abc"),
               encoding: "02616263", id: 0xa9aa_c9f8_908a_d427, shard: "s1"),
        Vector(literals: [.string("user@example.com")], value: .string("user@example.com"),
               encoding: "0275736572406578616d706c652e636f6d", id: 0x1a81_e1a9_2932_9c4b, shard: "s0"),
        Vector(literals: [.string("café")], value: .string("café"),
               encoding: "02636166c3a9", id: 0xa421_4066_2720_2a68, shard: "s1"),
    ]

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test(arguments: vectors)
    func hashVector(_ v: Vector) {
        for literal in v.literals {
            switch KeyValue.normalize(literal) {
            case .exact(let value), .placementOnly(let value, _):
                #expect(value == v.value, "\(literal)")
            case .unusable(let reason):
                Issue.record("\(literal): \(reason)")
            }
        }
        #expect(Self.hex(v.value.hashEncoding) == v.encoding)
        #expect(v.value.keyspaceID == v.id)
        let lookup = Self.halves.lookup(v.value, vindex: .hash)
        #expect(lookup.shard == v.shard)
        #expect(lookup.keyspaceID == v.id)
        let range = v.shard == "s0" ? "-80" : "80-"
        #expect(lookup.reason == "keyspace id \(ShardMap.hex(v.id)) -> \(v.shard) (\(range))")
    }

    @Test func vectorTableSize() {
        #expect(Self.vectors.count >= 12)
        #expect(Set(Self.vectors.map(\.shard)) == ["s0", "s1"])
    }

    /// docs/hash-vindex.md prints the same table.
    @Test func vectorsArePrintedInTheDoc() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/") + "/docs/hash-vindex.md"
        let doc = try String(contentsOfFile: "/" + path, encoding: .utf8)
        for v in Self.vectors {
            let row = "| \(v.value.display) | `\(v.encoding)` | `\(ShardMap.hex(v.id))` | \(v.shard == "s0" ? "-80" : "80-") |"
            #expect(doc.contains(row), "missing row: \(row)")
        }
    }

    @Test func reasonFormat() {
        let lookup = Self.halves.lookup(.integer(42), vindex: .hash)
        #expect(lookup == ShardLookup(shard: "s1", keyspaceID: 0xa2c3_9622_3f8b_dbdf,
                                      reason: "keyspace id 0xa2c396223f8bdbdf -> s1 (80-)"))
        // 16 digits even when the id is small.
        #expect(ShardMap.hex(0x43d_e1bb_af34_1994) == "0x043de1bbaf341994")
        #expect(ShardMap.hex(0) == "0x0000000000000000")
    }

    @Test(arguments: [
        (UInt64(0), "s0"), (0x7FFF_FFFF_FFFF_FFFF, "s0"), (0x8000_0000_0000_0000, "s1"), (.max, "s1"),
    ])
    func halvesBoundaries(_ id: UInt64, _ shard: String) {
        #expect(Self.halves.shard(forKeyspaceID: id)?.name == shard)
    }

    @Test(arguments: [
        (UInt64(0), "q0"), (0x3FFF_FFFF_FFFF_FFFF, "q0"), (0x4000_0000_0000_0000, "q1"),
        (0x7FFF_FFFF_FFFF_FFFF, "q1"), (0x8000_0000_0000_0000, "q2"), (0xBFFF_FFFF_FFFF_FFFF, "q2"),
        (0xC000_0000_0000_0000, "q3"), (.max, "q3"),
    ])
    func quartersBoundaries(_ id: UInt64, _ shard: String) {
        #expect(Self.quarters.shard(forKeyspaceID: id)?.name == shard)
    }

    @Test func singleShardAndGaps() {
        let one = ShardMap(shards: [Self.shard("only", "-", port: 1)])
        #expect(one.shard(forKeyspaceID: 0)?.name == "only")
        #expect(one.shard(forKeyspaceID: .max)?.name == "only")
        #expect(one.lookup(.string("x"), vindex: .hash).shard == "only")
        // A map that doesn't cover the keyspace (the config loader refuses one) answers nil.
        let gap = ShardMap(shards: [Self.shard("a", "-40", port: 1), Self.shard("b", "80-", port: 2)])
        #expect(gap.shard(forKeyspaceID: 0x5000_0000_0000_0000) == nil)
        let empty = ShardMap(shards: [])
        #expect(empty.shard(forKeyspaceID: 1) == nil)
        let lookup = empty.lookup(.integer(42), vindex: .hash)
        #expect(lookup.shard == nil && lookup.keyspaceID == 0xa2c3_9622_3f8b_dbdf)
        #expect(lookup.reason.contains("in no shard"))
    }

    @Test func distribution() {
        var low = 0
        for i in 1...10_000 where KeyValue.integer(Int64(i)).keyspaceID < 0x8000_0000_0000_0000 { low += 1 }
        #expect(low == 5021)  // pinned: the hash never changes
        #expect((4000...6000).contains(low))
        var quarters: [String: Int] = [:]
        for i in 1...10_000 { quarters[Self.quarters.lookup(.integer(Int64(i)), vindex: .hash).shard!, default: 0] += 1 }
        for (_, n) in quarters { #expect((2000...3000).contains(n)) }
    }

    // MARK: list

    static let regions = ShardedTable.Vindex.list(["eu": "s0", "us": "s1", "42": "s1", "Asia ": "s0", "1.50": "s0"])

    @Test(arguments: [
        (Literal.string("eu"), "s0", "list 'eu' -> s0"),
        (.string("EU"), "s0", "list 'eu' -> s0"),
        (.string("us  "), "s1", "list 'us' -> s1"),
        (.string("asia"), "s0", "list 'asia' -> s0"),
        (.integer("42"), "s1", "list 42 -> s1"),
        (.string("042"), "s1", "list 42 -> s1"),
        (.decimal("1.5"), "s0", "list 1.5 -> s0"),
    ])
    func listHits(_ literal: Literal, _ shard: String, _ reason: String) throws {
        guard case .exact(let value) = KeyValue.normalize(literal) else { Issue.record("not exact"); return }
        let lookup = Self.halves.lookup(value, vindex: Self.regions)
        #expect(lookup == ShardLookup(shard: shard, keyspaceID: nil, reason: reason))
    }

    @Test func listMisses() {
        let lookup = Self.halves.lookup(.string("xx"), vindex: Self.regions)
        #expect(lookup == ShardLookup(shard: nil, reason: "'xx' is not in the list vindex"))
        #expect(Self.halves.lookup(.integer(43), vindex: Self.regions).shard == nil)
        #expect(Self.halves.lookup(.decimal("1.51"), vindex: Self.regions).shard == nil)
    }

    @Test func listWithNonASCIIKey() {
        let vindex = ShardedTable.Vindex.list(["Zürich": "s1"])
        guard case .placementOnly(let value, _) = KeyValue.normalize(.string("ZÜRICH")) else {
            Issue.record("expected placementOnly"); return
        }
        #expect(Self.halves.lookup(value, vindex: vindex).shard == "s1")
    }

    @Test func listWithTwoSpellingsIsDeterministic() {
        let vindex = ShardedTable.Vindex.list(["eu": "s1", "EU": "s0"])
        // Keys in sorted order: "EU" < "eu".
        #expect(Self.halves.lookup(.string("eu"), vindex: vindex).shard == "s0")
    }

    // MARK: range

    static let events = ShardedTable.Vindex.range([
        .init(shard: "s0", lower: nil, upper: 1_700_000_000),
        .init(shard: "s1", lower: 1_700_000_000, upper: nil),
    ])
    static let bounded = ShardedTable.Vindex.range([
        .init(shard: "s0", lower: 0, upper: 100),
        .init(shard: "s1", lower: 100, upper: 200),
    ])

    @Test(arguments: [
        (KeyValue.integer(1_700_000_000), "s1", "range [1700000000, ..) -> s1"),
        (.integer(1_699_999_999), "s0", "range [.., 1700000000) -> s0"),
        (.integer(.min), "s0", "range [.., 1700000000) -> s0"),
        (.integer(.max), "s1", "range [1700000000, ..) -> s1"),
        (.integer(0), "s0", "range [.., 1700000000) -> s0"),
        (.unsigned(.max), "s1", "range [1700000000, ..) -> s1"),
        (.unsigned(1 << 63), "s1", "range [1700000000, ..) -> s1"),
    ])
    func rangeHits(_ value: KeyValue, _ shard: String, _ reason: String) {
        #expect(Self.halves.lookup(value, vindex: Self.events) == ShardLookup(shard: shard, reason: reason))
    }

    @Test(arguments: [
        (KeyValue.integer(0), "s0"), (.integer(99), "s0"), (.integer(100), "s1"), (.integer(199), "s1"),
    ])
    func boundedRangeHits(_ value: KeyValue, _ shard: String) {
        #expect(Self.halves.lookup(value, vindex: Self.bounded).shard == shard)
    }

    @Test(arguments: [KeyValue.integer(-1), .integer(200), .integer(.min), .integer(.max), .unsigned(.max)])
    func outsideEveryRange(_ value: KeyValue) {
        let lookup = Self.halves.lookup(value, vindex: Self.bounded)
        #expect(lookup.shard == nil)
        #expect(lookup.reason == "\(value.display) is outside every range of the range vindex")
    }

    @Test(arguments: [KeyValue.decimal("1.5"), .string("abc")])
    func rangeTakesIntegers(_ value: KeyValue) {
        let lookup = Self.halves.lookup(value, vindex: Self.events)
        #expect(lookup.shard == nil)
        #expect(lookup.reason.contains("range vindex takes integers"))
        #expect(lookup.reason.contains(value.display))
    }

    @Test func describeVindex() {
        #expect(ShardMap.describe(.hash) == "hash")
        #expect(ShardMap.describe(Self.regions) == "list")
        #expect(ShardMap.describe(Self.events) == "range")
    }
}
