/// Statements Sleet answers itself because the backend's answer would be wrong for a client of
/// the proxy: `SELECT @@version` (Sleet's version string) and `SELECT CONNECTION_ID()` (the proxy's
/// connection id, the one `KILL` takes).
public enum LocalFunction: Sendable, Equatable {
    case version
    case connectionID
}

public struct LocalQuery: Sendable, Equatable {
    public var columns: [(name: String, function: LocalFunction)]

    public static func == (a: Self, b: Self) -> Bool {
        a.columns.elementsEqual(b.columns) { $0.name == $1.name && $0.function == $1.function }
    }

    /// Matches `SELECT item [[AS] alias] (, item [[AS] alias])* [;]` where every item is one of
    /// `@@version`, `@@global.version`, `@@session.version`, `VERSION()`, `CONNECTION_ID()`.
    /// True when a statement whose first tokens are `head` could be a local query (cheap; no lexing).
    public static func couldMatch(_ head: [Token]) -> Bool {
        head.count >= 2 && head[0].isWord("SELECT")
            && (head[1].kind == .variable || head[1].isWord("VERSION") || head[1].isWord("CONNECTION_ID"))
    }

    public static func match(_ sql: String) -> LocalQuery? {
        // Cheap pre-check on the hot path: only a statement whose second token could start a
        // local item is lexed in full.
        guard sql.utf8.count <= 512 else { return nil }
        let lexer = Lexer(sql)
        let head = lexer.tokens(limit: 2)
        guard head.count == 2, head[0].isWord("SELECT"),
              head[1].kind == .variable || head[1].isWord("VERSION") || head[1].isWord("CONNECTION_ID") else { return nil }
        let t = lexer.tokens(limit: 65)
        // More than 64 tokens: not a short local query (and a cut-off token list could look like one).
        guard t.count >= 2, t.count <= 64, t[0].isWord("SELECT") else { return nil }
        var i = 1
        var cols: [(String, LocalFunction)] = []
        while i < t.count {
            let start = t[i].offset
            var fn: LocalFunction?
            if t[i].kind == .variable {
                switch t[i].text.lowercased() {
                case "@@version", "@@global.version", "@@session.version": fn = .version
                default: return nil
                }
                i += 1
            } else if t[i].kind == .word, i + 2 < t.count, t[i + 1].text == "(", t[i + 2].text == ")" {
                switch t[i].text {
                case "VERSION": fn = .version
                case "CONNECTION_ID": fn = .connectionID
                default: return nil
                }
                i += 3
            } else {
                return nil
            }
            let end = t[i - 1].offset + t[i - 1].length
            var name = String(decoding: lexer.bytes[start..<end], as: UTF8.self)
            let hasAS = i < t.count && t[i].isWord("AS")
            if hasAS { i += 1 }
            if i < t.count, t[i].kind == .word || t[i].kind == .quotedIdentifier || t[i].kind == .string,
               !t[i].isWord("FROM"), !t[i].isWord("LIMIT") {
                name = t[i].kind == .word ? String(decoding: lexer.bytes[t[i].offset..<(t[i].offset + t[i].length)], as: UTF8.self) : t[i].text
                i += 1
            } else if hasAS {
                return nil  // `AS` without an alias: a syntax error for the server to report
            }
            cols.append((name, fn!))
            if i < t.count, t[i].kind == .symbol, t[i].text == "," {
                i += 1
                if i == t.count { return nil }  // trailing comma
                continue
            }
            if i < t.count, t[i].kind == .symbol, t[i].text == ";", i + 1 == t.count { i += 1 }
            break
        }
        guard i == t.count, !cols.isEmpty else { return nil }
        return LocalQuery(columns: cols)
    }
}
