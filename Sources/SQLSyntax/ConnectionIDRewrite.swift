/// `CONNECTION_ID()` must mean Sleet's connection id (the one the handshake gave and `KILL` takes),
/// wherever it appears in a statement. Statements that call it get the call replaced by the literal id
/// before they reach a backend; strings, comments and identifiers that merely contain the name are left alone.
public enum ConnectionIDRewrite {
    /// A cheap scan (no allocation) for the letters `connection_id` in any case. False means no rewrite is needed.
    public static func mightContain(_ sql: String) -> Bool {
        mightContain(bytes: Array(sql.utf8))
    }

    public static func mightContain(bytes: [UInt8]) -> Bool {
        var matched = 0
        for c in bytes {
            let lower = (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
            if lower == needle[matched] {
                matched += 1
                if matched == needle.count { return true }
            } else {
                matched = lower == needle[0] ? 1 : 0
            }
        }
        return false
    }

    private static let needle: [UInt8] = Array("connection_id".utf8)

    /// Returns the statement with every `CONNECTION_ID()` call replaced by `id`, or nil when there is none.
    public static func rewrite(_ sql: String, id: UInt32) -> String? {
        guard mightContain(sql) else { return nil }
        let lexer = Lexer(sql)
        let t = lexer.tokens()
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        var changed = false
        while i < t.count {
            if t[i].isWord("CONNECTION_ID"), i + 2 < t.count, t[i + 1].text == "(", t[i + 2].text == ")",
               i == 0 || t[i - 1].text != "." {
                out.append(contentsOf: lexer.bytes[copied..<t[i].offset])
                out.append(contentsOf: Array("\(id)".utf8))
                copied = t[i + 2].offset + 1
                changed = true
                i += 3
                continue
            }
            i += 1
        }
        guard changed else { return nil }
        out.append(contentsOf: lexer.bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }
}
