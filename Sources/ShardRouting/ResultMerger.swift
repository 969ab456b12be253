/// Merges the text-protocol result sets of one SELECT sent to every shard into the result one
/// server holding all the rows would return, or refuses (`MergeError`) when it cannot be sure.
/// Pure: rows in, rows out. Row values are shared with the input, not copied.
public enum ResultMerger {
    /// - Parameters:
    ///   - columns: the result's column definitions (the same from every shard).
    ///   - shards: each shard's rows in the order the shard sent them, shards in a fixed order
    ///     (ties keep it). With ORDER BY each shard's rows are sorted by it.
    ///   - spec: what to do with them.
    public static func merge(columns: [MergeColumn], shards: [[MergeRow]], spec: MergeSpec) throws(MergeError) -> [MergeRow] {
        let plan = try Plan(columns: columns, spec: spec)
        for shard in shards {
            for row in shard where row.count != columns.count {
                throw MergeError("merging a shard row of \(row.count) values for \(columns.count) columns")
            }
        }
        if spec.isTrivial { return shards.flatMap { $0 } }
        if plan.groupBy != nil { return try plan.mergeGroups(shards) }
        if !spec.aggregates.isEmpty { return try plan.mergeAggregateRow(shards) }
        if !plan.orderBy.isEmpty { return try plan.mergeOrdered(shards) }
        let all = shards.flatMap { $0 }
        return Array(all[plan.window(all.count)])
    }

    /// <0, 0, >0 as the server orders `a` and `b` in a column of this type (ascending, NULL
    /// first), or a refusal where Sleet cannot know.
    public static func compare(_ a: [UInt8]?, _ b: [UInt8]?, column: MergeColumn) throws(MergeError) -> Int {
        try ValueOrdering(column: column).compare(a, b, purpose: "ORDER BY merge")
    }
}

/// A validated spec with column references resolved and comparators built once.
private struct Plan {
    struct Key { var column: Int; var descending: Bool }

    let columns: [MergeColumn]
    let spec: MergeSpec
    let orderBy: [Key]
    let groupBy: [Int]?
    let aggregates: [Int: MergeSpec.Aggregate]
    let orderings: [ValueOrdering]

    init(columns: [MergeColumn], spec: MergeSpec) throws(MergeError) {
        self.columns = columns
        self.spec = spec
        guard spec.offset >= 0 else { throw MergeError("a negative OFFSET (\(spec.offset))") }
        if let limit = spec.limit, limit < 0 { throw MergeError("a negative LIMIT (\(limit))") }

        func resolve(_ ref: MergeSpec.ColumnRef, _ clause: String) throws(MergeError) -> Int {
            switch ref {
            case .index(let i):
                guard i >= 0, i < columns.count else {
                    throw MergeError("\(clause) on result column \(i + 1), which does not exist (\(columns.count) columns)")
                }
                return i
            case .name(let name):
                let key = Plan.fold(name)
                let matches = columns.indices.filter { Plan.fold(columns[$0].name) == key }
                guard matches.count == 1 else {
                    throw MergeError("\(clause) on a column that is not in the select list (\(name))")
                }
                return matches[0]
            }
        }
        var keys: [Key] = []
        for k in spec.orderBy { keys.append(Key(column: try resolve(k.column, "ORDER BY"), descending: k.descending)) }
        orderBy = keys
        if let refs = spec.groupBy {
            guard !refs.isEmpty else { throw MergeError("a GROUP BY merge with no group column") }
            var g: [Int] = []
            for r in refs {
                let c = try resolve(r, "GROUP BY")
                // FLOAT prints 6 significant digits: distinct values a server keeps in distinct
                // groups can print alike, and Sleet would join them.
                if columns[c].type == 4 && columns[c].decimals >= 31 {
                    throw MergeError("GROUP BY merge on FLOAT column `\(columns[c].name)`")
                }
                g.append(c)
            }
            groupBy = g
        } else {
            groupBy = nil
        }
        var agg: [Int: MergeSpec.Aggregate] = [:]
        for a in spec.aggregates {
            guard a.column >= 0, a.column < columns.count else {
                throw MergeError("an aggregate on result column \(a.column + 1), which does not exist (\(columns.count) columns)")
            }
            guard agg[a.column] == nil else { throw MergeError("two aggregates on result column \(a.column + 1)") }
            if let g = groupBy, g.contains(a.column) {
                throw MergeError("an aggregate on GROUP BY column \(a.column + 1)")
            }
            agg[a.column] = a.function
        }
        aggregates = agg
        orderings = columns.map { ValueOrdering(column: $0) }
    }

    /// Lower-cased ASCII (column names compare case-insensitively).
    static func fold(_ s: String) -> [UInt8] {
        s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    /// The rows kept by OFFSET/LIMIT out of `count`.
    func window(_ count: Int) -> Range<Int> {
        let start = min(spec.offset, count)
        guard let limit = spec.limit else { return start..<count }
        return start..<min(count, start + min(limit, count))
    }

    func compareRows(_ a: MergeRow, _ b: MergeRow, _ keys: [Key], purpose: String) throws(MergeError) -> Int {
        for k in keys {
            let r = try orderings[k.column].compare(a[k.column], b[k.column], purpose: purpose)
            if r != 0 { return k.descending ? -r : r }
        }
        return 0
    }

    // MARK: ORDER BY: k-way merge

    func mergeOrdered(_ shards: [[MergeRow]]) throws(MergeError) -> [MergeRow] {
        let total = shards.reduce(0) { $0 + $1.count }
        var wanted = total
        if let limit = spec.limit { wanted = spec.offset >= total ? total : min(total, spec.offset + min(limit, total)) }
        if wanted <= spec.offset { return [] }
        var out: [MergeRow] = []
        out.reserveCapacity(wanted - spec.offset)
        var next = [Int](repeating: 0, count: shards.count)
        let keys = orderBy
        // Heap of shards by their next row; equal rows by shard order (stable).
        func less(_ i: Int, _ j: Int) throws(MergeError) -> Bool {
            let r = try compareRows(shards[i][next[i]], shards[j][next[j]], keys, purpose: "ORDER BY merge")
            return r < 0 || (r == 0 && i < j)
        }
        var heap = MinHeap()
        for s in shards.indices where !shards[s].isEmpty { try heap.push(s, less) }
        var emitted = 0
        while emitted < wanted, let s = heap.top {
            let row = shards[s][next[s]]
            if emitted >= spec.offset { out.append(row) }
            emitted += 1
            next[s] += 1
            if next[s] < shards[s].count {
                // The shard sorted by the server's rules; if Sleet's comparison disagrees with
                // them (a collation it does not know), the merge would be wrong: refuse.
                if try compareRows(row, shards[s][next[s]], keys, purpose: "ORDER BY merge") > 0 {
                    throw MergeError("ORDER BY merge of rows that shard \(s + 1) sorted in an order Sleet does not reproduce")
                }
                try heap.replaceTop(less)
            } else {
                try heap.popTop(less)
            }
        }
        return out
    }

    // MARK: aggregates without GROUP BY

    func mergeAggregateRow(_ shards: [[MergeRow]]) throws(MergeError) -> [MergeRow] {
        guard !shards.isEmpty else { throw MergeError("an aggregate merge over no shard") }
        for (s, rows) in shards.enumerated() where rows.count != 1 {
            throw MergeError("an aggregate merge where shard \(s + 1) returned \(rows.count) rows instead of 1")
        }
        let rows = shards.map { $0[0] }
        var row = try combine(rows)
        // Columns that are not aggregated: any row's value is what the server may show, but a
        // shard without matching rows shows NULL for it; prefer a value some shard found.
        for c in columns.indices where aggregates[c] == nil {
            row[c] = rows.first(where: { $0[c] != nil })?[c] ?? nil
        }
        return Array([row][window(1)])
    }

    // MARK: GROUP BY

    func mergeGroups(_ shards: [[MergeRow]]) throws(MergeError) -> [MergeRow] {
        let groupKeys = (groupBy ?? []).map { Key(column: $0, descending: false) }
        let rows = shards.flatMap { $0 }
        var shardOf: [Int] = []
        shardOf.reserveCapacity(rows.count)
        for (s, shard) in shards.enumerated() { shardOf.append(contentsOf: repeatElement(s, count: shard.count)) }
        let sorted = try stableSort(rows.count) { (i, j) throws(MergeError) -> Bool in
            try compareRows(rows[i], rows[j], groupKeys, purpose: "GROUP BY merge") <= 0
        }
        var groups: [MergeRow] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count,
                  try compareRows(rows[sorted[start]], rows[sorted[end]], groupKeys, purpose: "GROUP BY merge") == 0 {
                // A shard returns each of its groups once: two of its rows in one group mean the
                // server told apart what Sleet's comparison joins (another collation).
                if shardOf[sorted[end]] == shardOf[sorted[end - 1]] {
                    throw MergeError("GROUP BY merge of groups that shard \(shardOf[sorted[end]] + 1) kept apart")
                }
                end += 1
            }
            groups.append(try combine(sorted[start..<end].map { rows[$0] }))
            start = end
        }
        // Groups come out in GROUP BY order (MariaDB sorts them when there is no ORDER BY).
        if !orderBy.isEmpty {
            let keys = orderBy
            let order = try stableSort(groups.count) { (i, j) throws(MergeError) -> Bool in
                try compareRows(groups[i], groups[j], keys, purpose: "ORDER BY merge") <= 0
            }
            groups = order.map { groups[$0] }
        }
        return Array(groups[window(groups.count)])
    }

    // MARK: combining aggregates

    /// One row from the rows of a group: the first row, with each aggregate combined over all.
    func combine(_ rows: [MergeRow]) throws(MergeError) -> MergeRow {
        var out = rows[0]
        for (c, function) in aggregates {
            let values = rows.map { $0[c] }
            switch function {
            case .count:
                var total: [UInt8] = [0x30]
                for v in values {
                    guard let v, DecimalText.isValid(v), !v.contains(0x2E), v.first != 0x2D,
                          let sum = DecimalText.add(total, v) else {
                        throw MergeError("a COUNT merge of a value that is not a count in column `\(columns[c].name)`")
                    }
                    total = sum
                }
                out[c] = total
            case .sum:
                out[c] = try sum(values, column: columns[c])
            case .min, .max:
                var best: [UInt8]? = nil
                for v in values {
                    guard let v else { continue }
                    guard let b = best else { best = v; continue }
                    let r = try orderings[c].compare(v, b, purpose: "MIN/MAX merge")
                    if function == .min ? r < 0 : r > 0 { best = v }
                }
                out[c] = best
            }
        }
        return out
    }

    func sum(_ values: [[UInt8]?], column: MergeColumn) throws(MergeError) -> [UInt8]? {
        let present = values.compactMap { $0 }
        guard let first = present.first else { return nil }
        switch column.type {
        case 0, 1, 2, 3, 8, 9, 13, 246:
            var total = first
            guard DecimalText.isValid(first) else { throw malformedSum(column) }
            for v in present.dropFirst() {
                guard let s = DecimalText.add(total, v) else { throw malformedSum(column) }
                total = s
            }
            return total
        case 4, 5:
            guard var total = ValueOrdering.double(first) else { throw malformedSum(column) }
            if present.count == 1 { return first }
            for v in present.dropFirst() {
                guard let d = ValueOrdering.double(v) else { throw malformedSum(column) }
                total += d
            }
            let text = column.decimals >= 31
                ? DecimalText.formatDouble(total)
                : DecimalText.formatDouble(total, decimals: Int(column.decimals))
            guard let text else { throw MergeError("a SUM merge that overflows DOUBLE in column `\(column.name)`") }
            return text
        default:
            throw MergeError("a SUM merge of column `\(column.name)` of type \(column.type)")
        }
    }

    func malformedSum(_ column: MergeColumn) -> MergeError {
        MergeError("a SUM merge of a malformed value in column `\(column.name)`")
    }
}

/// Indices 0..<count in stable order by `lessOrEqual` (bottom-up merge sort).
private func stableSort(_ count: Int, _ lessOrEqual: (Int, Int) throws(MergeError) -> Bool) throws(MergeError) -> [Int] {
    var a = Array(0..<count)
    var b = a
    var width = 1
    while width < count {
        var lo = 0
        while lo < count {
            let mid = min(lo + width, count), hi = min(lo + 2 * width, count)
            var i = lo, j = mid, k = lo
            while i < mid && j < hi {
                if try lessOrEqual(a[i], a[j]) { b[k] = a[i]; i += 1 } else { b[k] = a[j]; j += 1 }
                k += 1
            }
            while i < mid { b[k] = a[i]; i += 1; k += 1 }
            while j < hi { b[k] = a[j]; j += 1; k += 1 }
            lo = hi
        }
        swap(&a, &b)
        width *= 2
    }
    return a
}

/// A binary min-heap of shard indices ordered by a throwing comparison.
private struct MinHeap {
    var items: [Int] = []
    var top: Int? { items.first }

    mutating func push(_ x: Int, _ less: (Int, Int) throws(MergeError) -> Bool) throws(MergeError) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard try less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    /// The top's key changed (its shard advanced): restore the order.
    mutating func replaceTop(_ less: (Int, Int) throws(MergeError) -> Bool) throws(MergeError) {
        try siftDown(0, less)
    }

    mutating func popTop(_ less: (Int, Int) throws(MergeError) -> Bool) throws(MergeError) {
        let last = items.removeLast()
        guard !items.isEmpty else { return }
        items[0] = last
        try siftDown(0, less)
    }

    private mutating func siftDown(_ start: Int, _ less: (Int, Int) throws(MergeError) -> Bool) throws(MergeError) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count, try less(items[l], items[m]) { m = l }
            if r < items.count, try less(items[r], items[m]) { m = r }
            if m == i { return }
            items.swapAt(i, m)
            i = m
        }
    }
}
