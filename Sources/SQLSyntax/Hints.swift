/// Sleet's routing hints: comments of the form `/* sleet:primary */` or `/* sleet:shard=s1 */`
/// written into a statement by the application.
public enum SleetHints {
    /// The bodies of the statement's `/* sleet:... */` comments, in order: the text after `sleet:`,
    /// whitespace trimmed, lower-cased (ASCII). `/* sleet:shard=S1 */` gives `["shard=s1"]`.
    ///
    /// Comments are found the way the lexer finds them: text inside string literals, quoted
    /// identifiers and `#` / `-- ` line comments is not a hint, and hints inside executable comments
    /// (`/*! ... */`) count. The `sleet:` prefix is matched case-insensitively; an unterminated
    /// comment or an empty body is not a hint; optimizer hints (`/*+ ... */`) are never Sleet hints.
    public static func scan(_ bytes: [UInt8]) -> [String] {
        bytes.withUnsafeBufferPointer { scan($0) }
    }

    public static func scan(_ sql: String) -> [String] { scan(Array(sql.utf8)) }

    private static func scan(_ p: UnsafeBufferPointer<UInt8>) -> [String] {
        var out: [String] = []
        let n = p.count
        var i = 0
        while i < n {
            let c = p[i]
            switch c {
            case Lexer.quote, Lexer.doubleQuote:
                i = Lexer.quotedEnd(p, i, escapes: true)
            case Lexer.backtick:
                i = Lexer.quotedEnd(p, i, escapes: false)
            case UInt8(ascii: "#"):
                i = Lexer.lineEnd(p, i)
            case UInt8(ascii: "-"):
                if i + 1 < n, p[i + 1] == UInt8(ascii: "-"), i + 2 >= n || p[i + 2] <= 0x20 || p[i + 2] == 0x7F {
                    i = Lexer.lineEnd(p, i)
                } else {
                    i += 1
                }
            case UInt8(ascii: "/"):
                guard i + 1 < n, p[i + 1] == UInt8(ascii: "*") else { i += 1; continue }
                if i + 2 < n, p[i + 2] == UInt8(ascii: "!") {
                    // Executable comment: its contents are SQL, scanned on (its `*/` is passed over).
                    i += 3
                    continue
                }
                if i + 3 < n, p[i + 2] == UInt8(ascii: "M"), p[i + 3] == UInt8(ascii: "!") {
                    i += 4
                    continue
                }
                let end = Lexer.blockCommentEnd(p, i)
                if end - 2 >= i + 2, p[end - 2] == UInt8(ascii: "*"), p[end - 1] == UInt8(ascii: "/"),
                   let hint = hint(p, from: i + 2, to: end - 2) {
                    out.append(hint)
                }
                i = end
            default:
                i += 1
            }
        }
        return out
    }

    /// The hint in the comment body `p[a..<b]`, if it is `sleet:...`.
    private static func hint(_ p: UnsafeBufferPointer<UInt8>, from a: Int, to b: Int) -> String? {
        var a = a, b = b
        while a < b, isSpace(p[a]) { a += 1 }
        while b > a, isSpace(p[b - 1]) { b -= 1 }
        let prefix = "sleet:".utf8
        guard b - a > prefix.count else { return nil }
        for (k, expected) in prefix.enumerated() where lower(p[a + k]) != expected { return nil }
        a += prefix.count
        while a < b, isSpace(p[a]) { a += 1 }
        guard a < b else { return nil }
        let lowered = UnsafeBufferPointer(rebasing: p[a..<b]).map(lower)
        return lowered.withUnsafeBufferPointer { Lexer.string($0) }
    }

    @inline(__always) private static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    @inline(__always) private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
}
