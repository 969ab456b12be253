/// A MySQL-dialect lexer. Comments (`-- `, `#`, `/* */`) are skipped; the contents of executable
/// comments (`/*! ... */`, `/*!50700 ... */`) are lexed as SQL, as MySQL runs them; optimizer hints
/// (`/*+ ... */`) are skipped. Never traps on any input: malformed input yields best-effort tokens.
public struct Lexer: Sendable {
    public let bytes: [UInt8]

    public init(_ sql: String) { self.bytes = Array(sql.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// All tokens of the statement text.
    public func tokens(limit: Int = .max) -> [Token] {
        var out: [Token] = []
        out.reserveCapacity(Swift.min(limit, 16))
        var i = 0
        let n = bytes.count
        while i < n, out.count < limit {
            let c = bytes[i]
            // Whitespace
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C || c == 0x0B { i += 1; continue }
            // Comments
            if c == UInt8(ascii: "#") { i = skipLine(i); continue }
            if c == UInt8(ascii: "-"), i + 1 < n, bytes[i + 1] == UInt8(ascii: "-"),
               i + 2 >= n || isSpace(bytes[i + 2]) { i = skipLine(i); continue }
            if c == UInt8(ascii: "/"), i + 1 < n, bytes[i + 1] == UInt8(ascii: "*") {
                if i + 2 < n, bytes[i + 2] == UInt8(ascii: "!") {
                    // Executable comment: skip "/*!" and an optional version number; lex the body.
                    i += 3
                    while i < n, isDigit(bytes[i]) { i += 1 }
                    continue
                }
                i = skipBlockComment(i)
                continue
            }
            if c == UInt8(ascii: "*"), i + 1 < n, bytes[i + 1] == UInt8(ascii: "/") {
                // End of an executable comment.
                i += 2; continue
            }
            let start = i
            // Strings, possibly with an introducer handled by the word branch.
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                let (value, end) = readQuoted(i, quote: c, escapes: true)
                out.append(Token(kind: .string, text: value, offset: start, length: end - start))
                i = end; continue
            }
            if c == UInt8(ascii: "`") {
                let (value, end) = readQuoted(i, quote: c, escapes: false)
                out.append(Token(kind: .quotedIdentifier, text: value, offset: start, length: end - start))
                i = end; continue
            }
            // Hex/bit literals X'..' b'..'
            if (c | 0x20) == UInt8(ascii: "x") || (c | 0x20) == UInt8(ascii: "b"), i + 1 < n, bytes[i + 1] == UInt8(ascii: "'") {
                var j = i + 2
                while j < n, bytes[j] != UInt8(ascii: "'") { j += 1 }
                j = min(j + 1, n)
                out.append(Token(kind: .hexOrBit, text: text(start, j), offset: start, length: j - start))
                i = j; continue
            }
            if c == UInt8(ascii: "0"), i + 1 < n, (bytes[i + 1] | 0x20) == UInt8(ascii: "x") || (bytes[i + 1] | 0x20) == UInt8(ascii: "b"),
               i + 2 < n, isHex(bytes[i + 2]) {
                var j = i + 2
                while j < n, isHex(bytes[j]) { j += 1 }
                if j >= n || !isWordByte(bytes[j]) {
                    out.append(Token(kind: .hexOrBit, text: text(start, j), offset: start, length: j - start))
                    i = j; continue
                }
            }
            // Numbers: 1, 1.5, .5, 1e3, 1.5E-3
            if isDigit(c) || (c == UInt8(ascii: ".") && i + 1 < n && isDigit(bytes[i + 1])) {
                var j = i
                while j < n, isDigit(bytes[j]) { j += 1 }
                if j < n, bytes[j] == UInt8(ascii: ".") { j += 1; while j < n, isDigit(bytes[j]) { j += 1 } }
                if j < n, (bytes[j] | 0x20) == UInt8(ascii: "e") {
                    var k = j + 1
                    if k < n, bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-") { k += 1 }
                    if k < n, isDigit(bytes[k]) { j = k; while j < n, isDigit(bytes[j]) { j += 1 } }
                }
                if j < n, isWordByte(bytes[j]) {
                    // An identifier that starts with digits (e.g. 1abc).
                    while j < n, isWordByte(bytes[j]) { j += 1 }
                    out.append(Token(kind: .word, text: upperASCII(start, j) ?? text(start, j).uppercased(), offset: start, length: j - start))
                } else {
                    out.append(Token(kind: .number, text: text(start, j), offset: start, length: j - start))
                }
                i = j; continue
            }
            if isWordByte(c) {
                var j = i
                while j < n, isWordByte(bytes[j]) { j += 1 }
                // Character set introducer: _utf8mb4'...'
                if c == UInt8(ascii: "_"), j < n, bytes[j] == UInt8(ascii: "'") || bytes[j] == UInt8(ascii: "\"") {
                    let (value, end) = readQuoted(j, quote: bytes[j], escapes: true)
                    out.append(Token(kind: .string, text: value, offset: start, length: end - start))
                    i = end; continue
                }
                out.append(Token(kind: .word, text: upperASCII(start, j) ?? text(start, j).uppercased(), offset: start, length: j - start))
                i = j; continue
            }
            if c == UInt8(ascii: "@") {
                var j = i + 1
                if j < n, bytes[j] == UInt8(ascii: "@") { j += 1 }
                if j < n, bytes[j] == UInt8(ascii: "`") || bytes[j] == UInt8(ascii: "'") || bytes[j] == UInt8(ascii: "\"") {
                    let (_, end) = readQuoted(j, quote: bytes[j], escapes: bytes[j] != UInt8(ascii: "`"))
                    j = end
                } else {
                    while j < n, isWordByte(bytes[j]) || bytes[j] == UInt8(ascii: ".") || bytes[j] == UInt8(ascii: "$") { j += 1 }
                }
                out.append(Token(kind: .variable, text: text(start, j), offset: start, length: j - start))
                i = j; continue
            }
            if c == UInt8(ascii: "?") {
                out.append(Token(kind: .placeholder, text: "?", offset: start, length: 1))
                i += 1; continue
            }
            // Operators and punctuation (multi-byte ones first), without allocating.
            let (op, opLength) = Lexer.symbol(c, i + 1 < n ? bytes[i + 1] : 0, i + 2 < n ? bytes[i + 2] : 0)
            out.append(Token(kind: .symbol, text: op, offset: start, length: opLength))
            i += opLength
            continue
        }
        return out
    }

    private func text(_ a: Int, _ b: Int) -> String { String(decoding: bytes[a..<b], as: UTF8.self) }

    /// Upper-cases an ASCII word byte by byte (no Unicode case mapping); nil if it has non-ASCII bytes.
    private func upperASCII(_ a: Int, _ b: Int) -> String? {
        String(unsafeUninitializedCapacity: b - a) { buf in
            var k = 0
            for idx in a..<b {
                let c = bytes[idx]
                if c >= 0x80 { return 0 }
                buf[k] = (c >= 0x61 && c <= 0x7A) ? c - 0x20 : c
                k += 1
            }
            return k
        }.nilIfEmpty(expected: b - a)
    }

    /// The operator starting with `c` (followed by `d`, `e`): its text and length.
    static func symbol(_ c: UInt8, _ d: UInt8, _ e: UInt8) -> (String, Int) {
        switch (c, d) {
        case (UInt8(ascii: "<"), UInt8(ascii: "=")): return e == UInt8(ascii: ">") ? ("<=>", 3) : ("<=", 2)
        case (UInt8(ascii: ">"), UInt8(ascii: "=")): return (">=", 2)
        case (UInt8(ascii: "<"), UInt8(ascii: ">")): return ("<>", 2)
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): return ("!=", 2)
        case (UInt8(ascii: ":"), UInt8(ascii: "=")): return (":=", 2)
        case (UInt8(ascii: "|"), UInt8(ascii: "|")): return ("||", 2)
        case (UInt8(ascii: "&"), UInt8(ascii: "&")): return ("&&", 2)
        case (UInt8(ascii: "<"), UInt8(ascii: "<")): return ("<<", 2)
        case (UInt8(ascii: ">"), UInt8(ascii: ">")): return (">>", 2)
        case (UInt8(ascii: "-"), UInt8(ascii: ">")): return e == UInt8(ascii: ">") ? ("->>", 3) : ("->", 2)
        default: return (Lexer.singleByteSymbols[Int(c)], 1)
        }
    }

    /// One-character symbol strings, built once (no allocation per token).
    static let singleByteSymbols: [String] = (0..<256).map { String(decoding: [UInt8($0)], as: UTF8.self) }

    private func skipLine(_ i: Int) -> Int {
        var j = i
        while j < bytes.count, bytes[j] != 0x0A { j += 1 }
        return j
    }

    private func skipBlockComment(_ i: Int) -> Int {
        var j = i + 2
        while j + 1 < bytes.count {
            if bytes[j] == UInt8(ascii: "*"), bytes[j + 1] == UInt8(ascii: "/") { return j + 2 }
            j += 1
        }
        return bytes.count
    }

    /// Reads a quoted token starting at the opening quote; doubled quotes and (for strings)
    /// backslash escapes are unescaped. Returns the value and the index after the closing quote.
    private func readQuoted(_ i: Int, quote: UInt8, escapes: Bool) -> (String, Int) {
        var j = i + 1
        var value: [UInt8] = []
        while j < bytes.count {
            let c = bytes[j]
            if escapes, c == UInt8(ascii: "\\"), j + 1 < bytes.count {
                let e = bytes[j + 1]
                switch e {
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "r"): value.append(0x0D)
                case UInt8(ascii: "0"): value.append(0x00)
                case UInt8(ascii: "b"): value.append(0x08)
                case UInt8(ascii: "Z"): value.append(0x1A)
                case UInt8(ascii: "%"), UInt8(ascii: "_"): value.append(contentsOf: [c, e])  // MySQL keeps \% and \_
                default: value.append(e)
                }
                j += 2; continue
            }
            if c == quote {
                if j + 1 < bytes.count, bytes[j + 1] == quote { value.append(quote); j += 2; continue }
                return (String(decoding: value, as: UTF8.self), j + 1)
            }
            value.append(c)
            j += 1
        }
        return (String(decoding: value, as: UTF8.self), bytes.count)
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) private func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) }
    @inline(__always) private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    @inline(__always) private func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A) || c == UInt8(ascii: "_") || c == UInt8(ascii: "$") || c >= 0x80
    }
}

extension String {
    fileprivate func nilIfEmpty(expected: Int) -> String? { utf8.count == expected ? self : nil }
}
