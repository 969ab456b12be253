import SQLSyntax
import SleetConfig

extension Router {
    /// The plan of the commonest statement, `SELECT cols FROM t [alias] WHERE key = number [LIMIT n]`,
    /// straight from the tokens — the full parse and plan cost several µs, this well under one.
    /// Returns nil for anything else (and for whatever the full planner would treat specially), so
    /// the answer is always the full planner's: `FastPathTests` checks both agree.
    func fastPointSelect(_ t: [Token], source: [UInt8], database: String?) -> RoutePlan? {
        guard t.count >= 8, t[0].isWord("SELECT") else { return nil }
        // Select list: plain names, `*`, `.`, `,` and AS only (no calls, subqueries or variables).
        var i = 1
        while i < t.count, !t[i].isWord("FROM") {
            let k = t[i]
            switch k.kind {
            case .word, .quotedIdentifier:
                if k.kind == .word, Self.fastPathStopWords.contains(k.text) { return nil }
            case .symbol:
                guard k.text == "," || k.text == "*" || k.text == "." else { return nil }
            default:
                return nil
            }
            i += 1
        }
        guard i < t.count, i > 1 else { return nil }
        i += 1
        // FROM [schema.]table [[AS] alias]
        guard i < t.count, t[i].kind == .word || t[i].kind == .quotedIdentifier else { return nil }
        var table = TableName(name: name(t[i], source))
        i += 1
        if i + 1 < t.count, t[i].kind == .symbol, t[i].text == ".", t[i + 1].kind == .word || t[i + 1].kind == .quotedIdentifier {
            table = TableName(schema: table.name, name: name(t[i + 1], source))
            i += 2
        }
        var alias: String?
        if i < t.count, t[i].isWord("AS") { i += 1 }
        if i < t.count, t[i].kind == .quotedIdentifier || (t[i].kind == .word && !t[i].isWord("WHERE")) {
            alias = name(t[i], source)
            i += 1
        }
        guard i < t.count, t[i].isWord("WHERE") else { return nil }
        i += 1
        // WHERE [q.]key = number
        guard i < t.count, t[i].kind == .word || t[i].kind == .quotedIdentifier else { return nil }
        var column = name(t[i], source)
        var qualifier: String?
        i += 1
        if i + 1 < t.count, t[i].kind == .symbol, t[i].text == ".", t[i + 1].kind == .word || t[i + 1].kind == .quotedIdentifier {
            qualifier = column
            column = name(t[i + 1], source)
            i += 2
        }
        guard i + 1 < t.count, t[i].kind == .symbol, t[i].text == "=" else { return nil }
        i += 1
        var negative = false
        if t[i].kind == .symbol, t[i].text == "-" { negative = true; i += 1 }
        guard i < t.count, t[i].kind == .number, t[i].text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let literal = Literal.integer(negative ? "-" + t[i].text : t[i].text)
        i += 1
        // Optional LIMIT n, then the end.
        if i < t.count, t[i].isWord("LIMIT"), i + 1 < t.count, t[i + 1].kind == .number { i += 2 }
        guard i == t.count else { return nil }

        guard case .sharded(let tableName, let sharded) = classify(table, database: database) else { return nil }
        guard column.lowercased() == sharded.key.lowercased() else { return nil }
        if let q = qualifier {
            let expected = alias ?? table.name
            guard q.lowercased() == expected.lowercased() else { return nil }
        }
        guard case .exact(let value) = KeyValue.normalize(literal), value != .integer(0) else { return nil }
        let lookup = shardMap.lookup(value, vindex: sharded.vindex, describe: false)
        guard let shardName = lookup.shard, let shard = config.shards.first(where: { $0.name == shardName }) else { return nil }
        _ = tableName
        return RoutePlan(targets: [RoutePlan.Target(shard: shard.name, role: .primary, address: shard.primary, reason: "")])
    }

    private func name(_ t: Token, _ source: [UInt8]) -> String {
        if t.kind == .word, t.offset + t.length <= source.count {
            return String(decoding: source[t.offset..<(t.offset + t.length)], as: UTF8.self)
        }
        return t.text
    }

    /// Words that make a select list more than plain names.
    static let fastPathStopWords: Set<String> = [
        "SELECT", "WHERE", "UNION", "INTO", "CASE", "EXISTS", "NOT", "AND", "OR", "XOR", "DIV", "MOD", "INTERVAL",
        "BINARY", "COLLATE", "OVER", "FOR", "LOCK", "JOIN", "NULL", "TRUE", "FALSE", "LIKE", "IN", "IS", "BETWEEN",
        "REGEXP", "RLIKE", "DATE", "TIME", "TIMESTAMP", "INTERSECT", "EXCEPT", "WITH",
    ]
}
