/// What kind of statement a SQL text is: enough for session tracking and routing by role.
/// (The sharding issue extends this with the partial parse of tables and predicates.)
public enum StatementKind: Sendable, Equatable {
    case select
    case insert, update, delete, replace
    case set
    case use(database: String)
    case kill(id: UInt64, queryOnly: Bool)
    case begin, commit, rollback
    case show, describe, explain
    case ddl
    case call
    case other(firstWord: String)
    case empty
}

public enum Classifier {
    /// Classifies a statement by its leading keywords.
    public static func classify(_ sql: String) -> StatementKind {
        let lexer = Lexer(sql)
        return classify(tokens: lexer.tokens(limit: 8), source: lexer.bytes)
    }

    /// `source` is the statement's UTF-8 bytes (for names whose original spelling matters).
    public static func classify(tokens t: [Token], source: [UInt8]) -> StatementKind {
        guard let first = t.first else { return .empty }
        guard first.kind == .word else {
            if first.text == "(" { return .select }
            return .other(firstWord: first.text)
        }
        switch first.text {
        case "SELECT", "WITH", "VALUES", "TABLE": return .select
        case "INSERT": return .insert
        case "REPLACE": return .replace
        case "UPDATE": return .update
        case "DELETE": return .delete
        case "SET": return .set
        case "USE":
            if t.count >= 2, t[1].kind == .word || t[1].kind == .quotedIdentifier {
                let tok = t[1]
                let name = tok.kind == .word && tok.offset + tok.length <= source.count
                    ? String(decoding: source[tok.offset..<(tok.offset + tok.length)], as: UTF8.self) : tok.text
                return .use(database: name)
            }
            return .other(firstWord: "USE")
        case "KILL":
            var i = 1
            var queryOnly = false
            if i < t.count, t[i].isWord("QUERY") { queryOnly = true; i += 1 }
            else if i < t.count, t[i].isWord("CONNECTION") { i += 1 }
            if i < t.count, t[i].kind == .number, let id = UInt64(t[i].text), i + 1 == t.count || t[i + 1].text == ";" {
                return .kill(id: id, queryOnly: queryOnly)
            }
            return .other(firstWord: "KILL")
        case "BEGIN": return .begin
        case "START": return t.count > 1 && t[1].isWord("TRANSACTION") ? .begin : .other(firstWord: "START")
        case "COMMIT": return .commit
        case "ROLLBACK": return .rollback
        case "SHOW": return .show
        case "DESCRIBE", "DESC": return .describe
        case "EXPLAIN": return .explain
        case "CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME": return .ddl
        case "CALL": return .call
        default: return .other(firstWord: first.text)
        }
    }

}
