/// `CONNECTION_ID()` must mean Sleet's connection id (the one the handshake gave and `KILL` takes),
/// wherever it appears in a statement. Statements that call it get the call replaced by the literal id
/// before they reach a backend; strings, comments and identifiers that merely contain the name are left alone.
public enum ConnectionIDRewrite {
    /// A cheap scan (no allocation) for the letters `connection_id` in any case. False means no rewrite is needed.
    public static func mightContain(_ sql: String) -> Bool {
        mightContain(bytes: Array(sql.utf8))
    }

    public static func mightContain(bytes: [UInt8]) -> Bool {
        // Eight bytes at a time, looking for the `_` of `connection_id`: fast even in a debug build,
        // where a byte loop over a 40 MiB statement takes seconds.
        bytes.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0
            if n >= 8, let base = p.baseAddress {
                let raw = UnsafeRawPointer(base)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let underscores = ones &* 0x5F
                while i + 8 <= n {
                    let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ underscores
                    if (v &- ones) & ~v & highs != 0 {
                        for k in i..<(i + 8) where p[k] == 0x5F && matchesAround(p, underscore: k) { return true }
                    }
                    i += 8
                }
            }
            while i < n {
                if p[i] == 0x5F, matchesAround(p, underscore: i) { return true }
                i += 1
            }
            return false
        }
    }

    /// `connection` before and `id` after the underscore at `k`, in any case.
    private static func matchesAround(_ p: UnsafeBufferPointer<UInt8>, underscore k: Int) -> Bool {
        guard k >= 10, k + 2 < p.count else { return false }
        for (j, c) in needle.enumerated() {
            let b = p[k - 10 + j]
            if ((b >= 0x41 && b <= 0x5A) ? b | 0x20 : b) != c { return false }
        }
        return true
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
