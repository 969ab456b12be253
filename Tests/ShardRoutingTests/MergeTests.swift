import Testing
@testable import ShardRouting

/// A row from text values (nil = NULL).
private func row(_ values: String?...) -> MergeRow { values.map(bytes) }
private func rows(_ r: [[String?]]) -> [MergeRow] { r.map { $0.map(bytes) } }
private func texts(_ r: [MergeRow]) -> [[String?]] { r.map { $0.map { $0.map { String(decoding: $0, as: UTF8.self) } } } }

private let id = MergeColumn(name: "id", type: 8)
private let name = MergeColumn(name: "name", type: 253, characterSet: 45)
private let nameCI = MergeColumn(name: "name", type: 253, characterSet: 45, collation: 45)
private let amount = MergeColumn(name: "amount", type: 246, decimals: 2)
private let count = MergeColumn(name: "COUNT(*)", type: 8, flags: 1)
private let total = MergeColumn(name: "total", type: 246, decimals: 2)
private let dtotal = MergeColumn(name: "dtotal", type: 5, decimals: 31)
private let lo = MergeColumn(name: "lo", type: 8)
private let hi = MergeColumn(name: "hi", type: 253, characterSet: 45)

struct MergeCase: Sendable, CustomTestStringConvertible {
    enum Expect: Sendable { case rows([[String?]]), refused(String) }
    var label: String
    var columns: [MergeColumn]
    var shards: [[MergeRow]]
    var spec: MergeSpec
    var expect: Expect
    var testDescription: String { label }
}

private func mc(_ label: String, _ columns: [MergeColumn], _ shards: [[[String?]]], _ spec: MergeSpec,
                _ expect: MergeCase.Expect) -> MergeCase {
    MergeCase(label: label, columns: columns, shards: shards.map(rows), spec: spec, expect: expect)
}

private let asc = MergeSpec.OrderKey(.index(0))
private let desc = MergeSpec.OrderKey(.index(0), descending: true)
private let threeSorted: [[[String?]]] = [[["1", "a"], ["4", "d"], ["7", "g"]], [["2", "b"], ["5", "e"]], [["3", "c"], ["6", "f"], ["8", "h"]]]

@Suite("ResultMerger")
struct MergeTests {
    static let cases: [MergeCase] = [
        // Plain concatenation
        mc("trivial: shard order", [id, name], [[["2", "b"]], [["1", "a"], ["3", "c"]]], MergeSpec(),
           .rows([["2", "b"], ["1", "a"], ["3", "c"]])),
        mc("trivial: empty shards", [id], [[], [["1"]], []], MergeSpec(), .rows([["1"]])),
        mc("trivial: no shard", [id], [], MergeSpec(), .rows([])),
        mc("LIMIT without ORDER BY cuts the concatenation", [id], [[["1"], ["2"]], [["3"]]], MergeSpec(limit: 2),
           .rows([["1"], ["2"]])),
        mc("OFFSET without ORDER BY", [id], [[["1"], ["2"]], [["3"]]], MergeSpec(offset: 2), .rows([["3"]])),
        // ORDER BY: k-way merge
        mc("ORDER BY ASC over three shards", [id, name], threeSorted, MergeSpec(orderBy: [asc]),
           .rows([["1", "a"], ["2", "b"], ["3", "c"], ["4", "d"], ["5", "e"], ["6", "f"], ["7", "g"], ["8", "h"]])),
        mc("ORDER BY DESC", [id], [[["9"], ["3"]], [["8"], ["-1"]], [["10"]]], MergeSpec(orderBy: [desc]),
           .rows([["10"], ["9"], ["8"], ["3"], ["-1"]])),
        mc("ties keep shard order", [id, name], [[["1", "s1a"], ["2", "s1b"]], [["1", "s2a"], ["2", "s2b"]], [["1", "s3a"]]],
           MergeSpec(orderBy: [asc]), .rows([["1", "s1a"], ["1", "s2a"], ["1", "s3a"], ["2", "s1b"], ["2", "s2b"]])),
        mc("ties keep shard order DESC", [id, name], [[["2", "x"], ["1", "y"]], [["2", "z"]]],
           MergeSpec(orderBy: [desc]), .rows([["2", "x"], ["2", "z"], ["1", "y"]])),
        mc("two keys: id ASC, lo DESC", [id, lo], [[["1", "5"], ["1", "2"], ["2", "9"]], [["1", "7"], ["2", "1"]]],
           MergeSpec(orderBy: [asc, MergeSpec.OrderKey(.index(1), descending: true)]),
           .rows([["1", "7"], ["1", "5"], ["1", "2"], ["2", "9"], ["2", "1"]])),
        mc("NULL first ascending", [id], [[[nil], ["2"]], [[nil], ["1"]]], MergeSpec(orderBy: [asc]),
           .rows([[nil], [nil], ["1"], ["2"]])),
        mc("NULL last descending", [id], [[["2"], [nil]], [["3"], [nil]]], MergeSpec(orderBy: [desc]),
           .rows([["3"], ["2"], [nil], [nil]])),
        mc("ORDER BY name, case-insensitive", [id, name], [[["2", "b"]], [["1", "a"]]],
           MergeSpec(orderBy: [MergeSpec.OrderKey(.name("ID"))]), .rows([["1", "a"], ["2", "b"]])),
        mc("ORDER BY decimal text of different scale", [amount], [[["-1.5"], ["1.50"]], [["-1.25"], ["1.5"], ["10"]]],
           MergeSpec(orderBy: [asc]), .rows([["-1.5"], ["-1.25"], ["1.50"], ["1.5"], ["10"]])),
        mc("ORDER BY big unsigned", [MergeColumn(name: "u", type: 8, flags: 0x20)],
           [[["1"], ["18446744073709551615"]], [["9223372036854775808"]]], MergeSpec(orderBy: [asc]),
           .rows([["1"], ["9223372036854775808"], ["18446744073709551615"]])),
        mc("ORDER BY text under a known _ci collation: ties", [nameCI], [[["a"], ["b"]], [["A"], ["B"]]],
           MergeSpec(orderBy: [asc]), .rows([["a"], ["A"], ["b"], ["B"]])),
        mc("ORDER BY text, unknown collation, case-only tie refused", [name], [[["a"]], [["A"]]],
           MergeSpec(orderBy: [asc]), .refused("depends on the column's collation")),
        mc("ORDER BY non-ASCII text refused", [name], [[["\u{e9}"]], [["e"]]],
           MergeSpec(orderBy: [asc]), .refused("ORDER BY merge of non-ASCII text under collation 45")),
        mc("ORDER BY ENUM refused", [MergeColumn(name: "e", type: 254, characterSet: 45, flags: 0x100)], [[["b"]], [["a"]]],
           MergeSpec(orderBy: [asc]), .refused("ENUM")),
        mc("a shard sorted differently is refused", [id], [[["2"], ["1"]], [["3"]]], MergeSpec(orderBy: [asc]),
           .refused("shard 1 sorted")),
        mc("ORDER BY unknown name", [id, name], [[["1", "a"]]], MergeSpec(orderBy: [MergeSpec.OrderKey(.name("nope"))]),
           .refused("ORDER BY on a column that is not in the select list (nope)")),
        mc("ORDER BY ambiguous name", [id, MergeColumn(name: "ID", type: 8)], [[["1", "2"]]],
           MergeSpec(orderBy: [MergeSpec.OrderKey(.name("id"))]), .refused("not in the select list (id)")),
        mc("ORDER BY index out of range", [id], [[["1"]]], MergeSpec(orderBy: [MergeSpec.OrderKey(.index(1))]),
           .refused("ORDER BY on result column 2, which does not exist")),
        // LIMIT / OFFSET after the merge
        mc("ORDER BY LIMIT 3", [id, name], threeSorted, MergeSpec(orderBy: [asc], limit: 3),
           .rows([["1", "a"], ["2", "b"], ["3", "c"]])),
        mc("ORDER BY LIMIT 2 OFFSET 3", [id, name], threeSorted, MergeSpec(orderBy: [asc], offset: 3, limit: 2),
           .rows([["4", "d"], ["5", "e"]])),
        mc("OFFSET beyond the rows", [id, name], threeSorted, MergeSpec(orderBy: [asc], offset: 8), .rows([])),
        mc("OFFSET far beyond with LIMIT", [id, name], threeSorted, MergeSpec(orderBy: [asc], offset: 100, limit: 5), .rows([])),
        mc("LIMIT 0", [id, name], threeSorted, MergeSpec(orderBy: [asc], limit: 0), .rows([])),
        mc("LIMIT larger than the rows", [id], [[["2"]], [["1"]]], MergeSpec(orderBy: [asc], limit: Int.max),
           .rows([["1"], ["2"]])),
        mc("OFFSET leaves the last row", [id], [[["2"]], [["1"]]], MergeSpec(orderBy: [asc], offset: 1), .rows([["2"]])),
        mc("negative OFFSET", [id], [[["1"]]], MergeSpec(offset: -1), .refused("negative OFFSET")),
        mc("negative LIMIT", [id], [[["1"]]], MergeSpec(limit: -1), .refused("negative LIMIT")),
        mc("row of the wrong width", [id, name], [[["1"]]], MergeSpec(), .refused("1 values for 2 columns")),
        // Aggregates without GROUP BY: one row per shard, one row out
        mc("COUNT, SUM, MIN, MAX", [count, total, lo, hi],
           [[["3", "10.50", "4", "m"]], [["2", "-0.75", "-2", "q"]], [["0", nil, nil, nil]]],
           MergeSpec(aggregates: [.init(0, .count), .init(1, .sum), .init(2, .min), .init(3, .max)]),
           .rows([["5", "9.75", "-2", "q"]])),
        mc("SUM of decimals with carries", [total], [[["999.99"]], [["0.01"]], [["99000.00"]]],
           MergeSpec(aggregates: [.init(0, .sum)]), .rows([["100000.00"]])),
        mc("SUM crossing zero", [total], [[["-10.25"]], [["3.00"]], [["7.25"]]],
           MergeSpec(aggregates: [.init(0, .sum)]), .rows([["0.00"]])),
        mc("SUM negative result", [total], [[["-10.25"]], [["3.20"]]],
           MergeSpec(aggregates: [.init(0, .sum)]), .rows([["-7.05"]])),
        mc("SUM of BIGINT UNSIGNED beyond 64 bits", [MergeColumn(name: "s", type: 246)],
           [[["18446744073709551615"]], [["18446744073709551615"]]],
           MergeSpec(aggregates: [.init(0, .sum)]), .rows([["36893488147419103230"]])),
        mc("SUM all NULL is NULL", [total], [[[nil]], [[nil]]], MergeSpec(aggregates: [.init(0, .sum)]), .rows([[nil]])),
        mc("SUM skips NULL shards", [total], [[[nil]], [["2.50"]]], MergeSpec(aggregates: [.init(0, .sum)]), .rows([["2.50"]])),
        mc("SUM of DOUBLE", [dtotal], [[["1.5"]], [["2"]]], MergeSpec(aggregates: [.init(0, .sum)]), .rows([["3.5"]])),
        mc("SUM of DOUBLE printed like MariaDB", [dtotal], [[["0.1"]], [["0.2"]], [["1e20"]]],
           MergeSpec(aggregates: [.init(0, .sum)]), .rows([["1e20"]])),
        mc("SUM of DOUBLE integral", [dtotal], [[["1.5"]], [["1.5"]]], MergeSpec(aggregates: [.init(0, .sum)]), .rows([["3"]])),
        mc("SUM of DOUBLE(10,2)", [MergeColumn(name: "d", type: 5, decimals: 2)], [[["0.30"]], [["-0.10"]], [["-0.20"]]],
           MergeSpec(aggregates: [.init(0, .sum)]), .rows([["-0.00"]])),
        mc("MIN of text under unknown collation, case differs", [hi], [[["b"]], [["B"]]],
           MergeSpec(aggregates: [.init(0, .min)]), .refused("MIN/MAX merge of text whose order depends")),
        mc("MAX of dates", [MergeColumn(name: "d", type: 10)], [[["2024-01-01"]], [["2025-06-30"]], [[nil]]],
           MergeSpec(aggregates: [.init(0, .max)]), .rows([["2025-06-30"]])),
        mc("plain column takes a found value", [count, name], [[["0", nil]], [["2", "bob"]]],
           MergeSpec(aggregates: [.init(0, .count)]), .rows([["2", "bob"]])),
        mc("aggregate row with OFFSET 1", [count], [[["1"]], [["2"]]], MergeSpec(offset: 1, aggregates: [.init(0, .count)]), .rows([])),
        mc("aggregate row with LIMIT 0", [count], [[["1"]], [["2"]]], MergeSpec(limit: 0, aggregates: [.init(0, .count)]), .rows([])),
        mc("aggregate: a shard returned no row", [count], [[["1"]], []], MergeSpec(aggregates: [.init(0, .count)]),
           .refused("shard 2 returned 0 rows instead of 1")),
        mc("aggregate: a shard returned two rows", [count], [[["1"], ["2"]]], MergeSpec(aggregates: [.init(0, .count)]),
           .refused("shard 1 returned 2 rows")),
        mc("aggregate over no shard", [count], [], MergeSpec(aggregates: [.init(0, .count)]), .refused("no shard")),
        mc("COUNT of NULL", [count], [[[nil]]], MergeSpec(aggregates: [.init(0, .count)]), .refused("not a count")),
        mc("SUM of a string column", [name], [[["a"]], [["b"]]], MergeSpec(aggregates: [.init(0, .sum)]), .refused("SUM merge of column `name`")),
        mc("aggregate index out of range", [count], [[["1"]]], MergeSpec(aggregates: [.init(3, .count)]), .refused("result column 4")),
        mc("two aggregates on one column", [count], [[["1"]]], MergeSpec(aggregates: [.init(0, .count), .init(0, .sum)]),
           .refused("two aggregates")),
        // GROUP BY
        mc("GROUP BY merges groups and sorts them", [id, count, total],
           [[["1", "2", "1.00"], ["3", "1", "5.00"]], [["2", "4", "0.50"], ["1", "1", "-0.25"]]],
           MergeSpec(aggregates: [.init(1, .count), .init(2, .sum)], groupBy: [.index(0)]),
           .rows([["1", "3", "0.75"], ["2", "4", "0.50"], ["3", "1", "5.00"]])),
        mc("GROUP BY, NULLs are one group, first", [id, count], [[[nil, "1"], ["1", "1"]], [[nil, "2"]]],
           MergeSpec(aggregates: [.init(1, .count)], groupBy: [.index(0)]), .rows([[nil, "3"], ["1", "1"]])),
        mc("GROUP BY folds case under a _ci collation", [nameCI, count], [[["alice", "1"], ["Bob", "2"]], [["ALICE", "3"], ["bob", "1"]]],
           MergeSpec(aggregates: [.init(1, .count)], groupBy: [.name("name")]), .rows([["alice", "4"], ["Bob", "3"]])),
        mc("GROUP BY, unknown collation, case differs: refused", [name, count], [[["alice", "1"]], [["ALICE", "3"]]],
           MergeSpec(aggregates: [.init(1, .count)], groupBy: [.index(0)]), .refused("GROUP BY merge of text whose order depends")),
        mc("GROUP BY then ORDER BY the count DESC", [id, count], [[["1", "2"], ["2", "5"]], [["1", "4"], ["3", "1"]]],
           MergeSpec(orderBy: [MergeSpec.OrderKey(.index(1), descending: true)], aggregates: [.init(1, .count)], groupBy: [.index(0)]),
           .rows([["1", "6"], ["2", "5"], ["3", "1"]])),
        mc("GROUP BY ORDER BY ties keep group order", [id, count], [[["2", "1"], ["1", "1"]], [["3", "1"]]],
           MergeSpec(orderBy: [MergeSpec.OrderKey(.index(1))], aggregates: [.init(1, .count)], groupBy: [.index(0)]),
           .rows([["1", "1"], ["2", "1"], ["3", "1"]])),
        mc("GROUP BY with LIMIT and OFFSET", [id, count], [[["1", "1"], ["2", "1"]], [["3", "1"], ["4", "1"]]],
           MergeSpec(offset: 1, limit: 2, aggregates: [.init(1, .count)], groupBy: [.index(0)]),
           .rows([["2", "1"], ["3", "1"]])),
        mc("GROUP BY two columns, MIN and MAX", [id, lo, MergeColumn(name: "mn", type: 8), MergeColumn(name: "mx", type: 8)],
           [[["1", "1", "5", "9"], ["1", "2", "0", "0"]], [["1", "1", "-3", "4"], ["2", "1", "7", "7"]]],
           MergeSpec(aggregates: [.init(2, .min), .init(3, .max)], groupBy: [.index(0), .index(1)]),
           .rows([["1", "1", "-3", "9"], ["1", "2", "0", "0"], ["2", "1", "7", "7"]])),
        mc("GROUP BY without aggregates is DISTINCT", [id], [[["2"], ["1"]], [["2"], ["3"]]],
           MergeSpec(groupBy: [.index(0)]), .rows([["1"], ["2"], ["3"]])),
        mc("GROUP BY with empty shards", [id, count], [[], [["1", "2"]], []],
           MergeSpec(aggregates: [.init(1, .count)], groupBy: [.index(0)]), .rows([["1", "2"]])),
        mc("GROUP BY other column takes the first row's value", [id, name], [[["1", "x"]], [["1", "y"]]],
           MergeSpec(groupBy: [.index(0)]), .rows([["1", "x"]])),
        mc("GROUP BY: a shard kept two rows apart that Sleet would join", [nameCI, count], [[["a", "1"], ["A", "1"]]],
           MergeSpec(aggregates: [.init(1, .count)], groupBy: [.index(0)]), .refused("groups that shard 1 kept apart")),
        mc("GROUP BY on FLOAT", [MergeColumn(name: "f", type: 4, decimals: 31)], [[["1"]], [["1"]]],
           MergeSpec(groupBy: [.index(0)]), .refused("GROUP BY merge on FLOAT column `f`")),
        mc("GROUP BY on DECIMAL joins 1.5 and 1.50", [amount, count], [[["1.50", "1"]], [["1.5", "2"]]],
           MergeSpec(aggregates: [.init(1, .count)], groupBy: [.index(0)]), .rows([["1.50", "3"]])),
        mc("empty GROUP BY spec", [id], [[["1"]]], MergeSpec(groupBy: []), .refused("no group column")),
        mc("GROUP BY unknown name", [id], [[["1"]]], MergeSpec(groupBy: [.name("x")]), .refused("GROUP BY on a column that is not in the select list (x)")),
        mc("aggregate on a GROUP BY column", [id], [[["1"]]], MergeSpec(aggregates: [.init(0, .max)], groupBy: [.index(0)]),
           .refused("aggregate on GROUP BY column 1")),
    ]

    @Test(arguments: cases)
    func merge(_ c: MergeCase) {
        do {
            let out = try ResultMerger.merge(columns: c.columns, shards: c.shards, spec: c.spec)
            guard case .rows(let want) = c.expect else {
                Issue.record("merged to \(texts(out)), expected a refusal")
                return
            }
            #expect(texts(out) == want)
        } catch {
            guard case .refused(let fragment) = c.expect else {
                Issue.record("refused: \(error.reason)")
                return
            }
            #expect(error.reason.contains(fragment), "\(error.reason)")
        }
    }

    @Test func isTrivial() {
        #expect(MergeSpec().isTrivial)
        #expect(!MergeSpec(orderBy: [asc]).isTrivial)
        #expect(!MergeSpec(offset: 1).isTrivial)
        #expect(!MergeSpec(limit: 10).isTrivial)
        #expect(!MergeSpec(aggregates: [.init(0, .count)]).isTrivial)
        #expect(!MergeSpec(groupBy: [.index(0)]).isTrivial)
        #expect(MergeError("x").message == "Sleet does not support x")
    }

    /// k-way merge of many sorted shards == a stable sort of everything (ties by shard, then row).
    @Test(arguments: [1, 2, 3, 7])
    func kWayMatchesStableSort(_ k: Int) throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(k)
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        var shards: [[MergeRow]] = []
        var tagged: [(key: Int, shard: Int, pos: Int, row: MergeRow)] = []
        for s in 0..<k {
            let keys = (0..<next(40)).map { _ in next(20) - 10 }.sorted()
            let shardRows = keys.enumerated().map { row(String($0.element), "s\(s)r\($0.offset)") }
            for (p, r) in shardRows.enumerated() { tagged.append((Int(keys[p]), s, p, r)) }
            shards.append(shardRows)
        }
        let expected = tagged.sorted { ($0.key, $0.shard, $0.pos) < ($1.key, $1.shard, $1.pos) }.map(\.row)
        let out = try ResultMerger.merge(columns: [id, name], shards: shards, spec: MergeSpec(orderBy: [asc]))
        #expect(texts(out) == texts(expected))
        let window = try ResultMerger.merge(columns: [id, name], shards: shards, spec: MergeSpec(orderBy: [asc], offset: 3, limit: 5))
        #expect(texts(window) == texts(Array(expected.dropFirst(3).prefix(5))))
        let descending = try ResultMerger.merge(columns: [id, name], shards: shards.map { $0.reversed() },
                                                spec: MergeSpec(orderBy: [desc]))
        #expect(descending.map { $0[0] } == expected.reversed().map { $0[0] })
    }

    /// Merged rows share their values with the input (no copies of the bytes).
    @Test func rowsAreNotCopied() throws {
        let big = [UInt8](repeating: 0x41, count: 1 << 16)
        let shards: [[MergeRow]] = [[[Array("1".utf8), big]], [[Array("0".utf8), big]]]
        let out = try ResultMerger.merge(columns: [id, MergeColumn(name: "b", type: 252)], shards: shards,
                                         spec: MergeSpec(orderBy: [asc]))
        #expect(texts(out).map { $0[0] } == ["0", "1"])
        out[0][1]!.withUnsafeBufferPointer { p in
            shards[1][0][1]!.withUnsafeBufferPointer { q in #expect(p.baseAddress == q.baseAddress) }
        }
    }
}
