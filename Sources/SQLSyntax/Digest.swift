/// A statement's digest: its text normalized for logs and per-query statistics, so that statements
/// differing only in literal values, spacing, comments and keyword case share one digest.
///
/// - Every literal (string, number, hex/bit) becomes `?`; `?` placeholders stay `?`. `NULL`,
///   `TRUE` and `FALSE` are kept. A unary `-` or `+` right before a number is folded into its `?`.
/// - A parenthesised list of two or more `?` becomes `(...)` (`IN (1, 2, 3)` → `IN (...)`), and a run
///   of such lists separated by commas becomes one (`VALUES (1, 'a'), (2, 'b')` → `VALUES (...)`);
///   after `VALUES`, any run of identical rows becomes one row.
/// - Common SQL keywords and function names are upper-cased; other words (identifiers) keep their
///   spelling. A word right after or before a qualifying `.` is an identifier (`t.key`).
/// - Backticked identifiers are written without backticks unless they need them (empty, a byte
///   outside `[A-Za-z0-9_$]`, a leading digit, or a keyword of the list).
/// - Comments are dropped (executable comments' contents are kept, as the server runs them); tokens
///   are separated by single spaces, except none before `,` `)` `.` `;`, none after `(` `.` or a unary
///   operator, and none between a function name and `(` when the source had none. A trailing `;` is dropped.
public enum Digest {
    public static func of(_ sql: String) -> String { of(Array(sql.utf8)) }

    public static func of(_ bytes: [UInt8]) -> String {
        let tokens = Lexer(bytes: bytes).tokens()
        var b = Builder(source: bytes)
        for k in tokens.indices {
            b.add(tokens, k)
        }
        return b.render()
    }

    /// Upper-cased in digests (the lexer cannot tell keywords from identifiers; these are keywords).
    static let keywords: Set<String> = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "XOR", "IN", "IS", "NULL", "TRUE", "FALSE", "UNKNOWN",
        "INSERT", "IGNORE", "INTO", "VALUES", "VALUE", "UPDATE", "SET", "DELETE", "REPLACE", "DUPLICATE", "KEY",
        "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "CROSS", "NATURAL", "STRAIGHT_JOIN", "ON", "USING", "AS",
        "ORDER", "BY", "GROUP", "HAVING", "LIMIT", "OFFSET", "UNION", "INTERSECT", "EXCEPT", "ALL", "DISTINCT",
        "DISTINCTROW", "LIKE", "REGEXP", "RLIKE", "ESCAPE", "BETWEEN", "EXISTS", "CASE", "WHEN", "THEN", "ELSE",
        "END", "ASC", "DESC", "FOR", "SHARE", "LOCK", "MODE", "OF", "NOWAIT", "SKIP", "LOCKED", "UNLOCK",
        "TABLES", "WITH", "RECURSIVE", "ROLLUP", "WINDOW", "OVER", "PARTITION", "ROWS", "RANGE", "DIV", "MOD",
        "INTERVAL", "BINARY", "COLLATE", "HIGH_PRIORITY", "LOW_PRIORITY", "DELAYED", "QUICK", "SQL_CALC_FOUND_ROWS",
        "SQL_NO_CACHE", "SQL_CACHE", "FORCE", "USE", "INDEX", "CREATE", "TABLE", "TEMPORARY", "DROP", "ALTER",
        "TRUNCATE", "RENAME", "ADD", "COLUMN", "PRIMARY", "UNIQUE", "FOREIGN", "REFERENCES", "CONSTRAINT",
        "DEFAULT", "IF", "DATABASE", "SCHEMA", "VIEW", "BEGIN", "COMMIT", "ROLLBACK", "START", "TRANSACTION",
        "SAVEPOINT", "RELEASE", "WORK", "READ", "WRITE", "ONLY", "SHOW", "DESCRIBE", "EXPLAIN", "ANALYZE",
        "CALL", "KILL", "QUERY", "GLOBAL", "SESSION", "LOCAL", "NAMES", "CHARACTER", "CHARSET", "RETURNING",
        "COUNT", "SUM", "MIN", "MAX", "AVG", "GROUP_CONCAT", "CAST", "CONVERT", "COALESCE", "IFNULL", "NULLIF",
        "CONCAT", "NOW", "ROW", "SEPARATOR",
    ]

    /// Keywords that are also function names (`COUNT(*)`, `LEFT(s, 2)`, `IF(a, b, c)`): they keep the
    /// source's spacing before `(`. After any other keyword a `(` gets a space (`IN (...)`, `VALUES (...)`).
    static let functionKeywords: Set<String> = [
        "COUNT", "SUM", "MIN", "MAX", "AVG", "GROUP_CONCAT", "CAST", "CONVERT", "COALESCE", "IFNULL", "NULLIF",
        "CONCAT", "NOW", "ROW", "LEFT", "RIGHT", "REPLACE", "INSERT", "IF", "MOD", "DATABASE", "SCHEMA",
        "CHARSET", "INTERVAL", "DEFAULT",
    ]

    /// Keywords that end an operand: a `-` after them is binary (`CASE ... END - 1`).
    static let valueKeywords: Set<String> = ["NULL", "TRUE", "FALSE", "UNKNOWN", "END"]

    private struct Item: Equatable {
        enum Kind: Equatable {
            case keyword, identifier, literal, variable
            case open, close, group, comma, dot, semicolon
            case unary, symbol
        }
        var kind: Kind
        var text: String
        /// For `(` / `(...)`: written right after the previous item (a function call in the source).
        var glued = false
        /// For `)` and `(...)`: the index of the group's first item (its `(`).
        var groupStart = 0
        /// For `(`, `)` and `(...)`: a row of a `VALUES` list.
        var valuesRow = false
    }

    private struct Builder {
        let source: [UInt8]
        var items: [Item] = []
        /// Indices of the open `(` items.
        var opens: [Int] = []

        init(source: [UInt8]) { self.source = source }

        mutating func add(_ tokens: [Token], _ k: Int) {
            let t = tokens[k]
            switch t.kind {
            case .string, .number, .hexOrBit, .placeholder:
                items.append(Item(kind: .literal, text: "?"))
            case .variable:
                items.append(Item(kind: .variable, text: t.text))
            case .quotedIdentifier:
                items.append(Item(kind: .identifier, text: Digest.identifier(t.text)))
            case .word:
                let qualified = (k > 0 && tokens[k - 1].text == "." && tokens[k - 1].kind == .symbol)
                    || (k + 1 < tokens.count && tokens[k + 1].text == "." && tokens[k + 1].kind == .symbol)
                if !qualified, Digest.keywords.contains(t.text) {
                    items.append(Item(kind: .keyword, text: t.text))
                } else {
                    let end = Swift.min(t.offset + t.length, source.count)
                    let spelled = t.offset < end
                        ? source.withUnsafeBufferPointer { Lexer.string(UnsafeBufferPointer(rebasing: $0[t.offset..<end])) } : t.text
                    items.append(Item(kind: .identifier, text: spelled))
                }
            case .symbol:
                switch t.text {
                case "(":
                    var open = Item(kind: .open, text: "(")
                    if k > 0, let prev = items.last {
                        let p = tokens[k - 1]
                        let adjacent = p.offset + p.length == t.offset
                        open.glued = adjacent && (prev.kind == .identifier
                            || (prev.kind == .keyword && Digest.functionKeywords.contains(prev.text)))
                        open.valuesRow = (prev.kind == .keyword && (prev.text == "VALUES" || prev.text == "VALUE"))
                            || (prev.kind == .comma && items.count >= 2 && items[items.count - 2].valuesRow
                                && (items[items.count - 2].kind == .close || items[items.count - 2].kind == .group))
                    }
                    opens.append(items.count)
                    items.append(open)
                case ")":
                    close()
                case ",":
                    items.append(Item(kind: .comma, text: ","))
                case ".":
                    items.append(Item(kind: .dot, text: "."))
                case ";":
                    items.append(Item(kind: .semicolon, text: ";"))
                case "-", "+":
                    if unaryPosition {
                        if k + 1 < tokens.count, tokens[k + 1].kind == .number { return }  // folded into its `?`
                        items.append(Item(kind: .unary, text: t.text))
                    } else {
                        items.append(Item(kind: .symbol, text: t.text))
                    }
                case "!", "~":
                    items.append(Item(kind: .unary, text: t.text))
                default:
                    items.append(Item(kind: .symbol, text: t.text))
                }
            }
        }

        /// Whether a `-` or `+` here is a sign (at the start, after an operator, `(`, `,` or a keyword).
        var unaryPosition: Bool {
            guard let prev = items.last else { return true }
            switch prev.kind {
            case .open, .comma, .unary, .symbol, .semicolon, .dot: return true
            case .keyword: return !Digest.valueKeywords.contains(prev.text)
            case .identifier, .literal, .variable, .close, .group: return false
            }
        }

        mutating func close() {
            guard let o = opens.popLast() else {
                items.append(Item(kind: .close, text: ")"))
                return
            }
            let open = items[o]
            let count = items.count - o - 1  // items inside the parentheses
            var onlyLiterals = count >= 3 && count % 2 == 1
            if onlyLiterals {
                for k in 0..<count where items[o + 1 + k].kind != (k % 2 == 0 ? .literal : .comma) {
                    onlyLiterals = false
                    break
                }
            }
            if onlyLiterals {
                items.removeSubrange(o...)
                items.append(Item(kind: .group, text: "(...)", glued: open.glued, groupStart: o, valuesRow: open.valuesRow))
            } else {
                items.append(Item(kind: .close, text: ")", groupStart: o, valuesRow: open.valuesRow))
            }
            // `(...), (...)` → `(...)`; after VALUES, identical rows → one row.
            guard o >= 2, items[o - 1].kind == .comma else { return }
            let prev = items[o - 2]
            guard prev.kind == .close || prev.kind == .group else { return }
            let current = items[o...]
            guard onlyLiterals || open.valuesRow,
                  items[prev.groupStart...(o - 2)].elementsEqual(current, by: { $0.kind == $1.kind && $0.text == $1.text })
            else { return }
            items.removeSubrange((o - 1)...)
        }

        func render() -> String {
            var end = items.count
            while end > 0, items[end - 1].kind == .semicolon { end -= 1 }
            var out = ""
            for k in 0..<end {
                let item = items[k]
                if k > 0, needsSpace(items[k - 1], item) { out += " " }
                out += item.text
            }
            return out
        }

        private func needsSpace(_ prev: Item, _ item: Item) -> Bool {
            switch item.kind {
            case .comma, .close, .dot, .semicolon: return false
            case .open, .group: if item.glued { return false }
            default: break
            }
            switch prev.kind {
            case .open, .dot: return false
            case .unary: return item.kind == .unary || item.kind == .symbol
            default: return true
            }
        }
    }

    /// A backticked identifier as written in a digest: bare unless it needs the backticks.
    static func identifier(_ name: String) -> String {
        let utf8 = name.utf8
        var bare = !utf8.isEmpty && !Lexer.isDigit(utf8.first!)
        if bare {
            for c in utf8 where !(Lexer.isDigit(c) || (c | 0x20) &- 0x61 < 26 || c == UInt8(ascii: "_") || c == UInt8(ascii: "$")) {
                bare = false
                break
            }
        }
        if bare, !keywords.contains(upperASCII(name)) { return name }
        var out = "`"
        for ch in name.unicodeScalars {
            if ch == "`" { out += "``" } else { out.unicodeScalars.append(ch) }
        }
        return out + "`"
    }

    private static func upperASCII(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
}
