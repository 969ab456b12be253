/// A MySQL/MariaDB-dialect lexer.
///
/// - Comments (`-- ` with whitespace or a control character after the dashes, `#`, `/* */`) are
///   skipped; an unterminated comment runs to the end of the text.
/// - The contents of executable comments (`/*! ... */`, `/*!50700 ... */`, MariaDB's `/*M! ... */`,
///   `/*M!100100 ... */`) are lexed as SQL, as the server runs them (the version is not checked).
///   The `*/` that closes one is skipped only while one is open; elsewhere `*` and `/` are symbols,
///   as in MySQL. Optimizer hints (`/*+ ... */`) are skipped like comments.
/// - Strings: `'...'` and `"..."` with backslash escapes and doubled quotes, with an adjacent
///   introducer (`_utf8mb4'..'`, `_binary'..'`) or as national strings (`N'...'`): kind `.string`,
///   the range covering the introducer and the quotes.
///
/// Never traps on any input: malformed input yields best-effort tokens, each a non-empty byte range
/// of the text, in order and without overlap.
public struct Lexer: Sendable {
    public let bytes: [UInt8]

    public init(_ sql: String) { self.bytes = Array(sql.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// All tokens of the statement text (at most `limit`).
    public func tokens(limit: Int = .max) -> [Token] {
        var out: [Token] = []
        guard limit > 0 else { return out }
        out.reserveCapacity(Swift.min(limit, 16))
        bytes.withUnsafeBufferPointer { Lexer.lex($0, limit: limit, into: &out) }
        return out
    }

    private static func lex(_ p: UnsafeBufferPointer<UInt8>, limit: Int, into out: inout [Token]) {
        let n = p.count
        var i = 0
        /// Executable comments open at `i` (their `*/` is skipped only while this is positive).
        var depth = 0
        /// Where the last word or quoted identifier ended: a `.` there is a qualifier, never a number.
        var identEnd = -1
        /// Just after such a qualifying `.`: what follows is an identifier even if it starts with digits.
        var qualifiedStart = -1

        while i < n, out.count < limit {
            let c = p[i]
            let start = i

            // Whitespace
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) { i += 1; continue }

            // Words (and X'..', B'..', N'..', _charset'..', which start like words)
            if isWordStart(c) {
                if i + 1 < n, p[i + 1] == quote {
                    let l = c | 0x20
                    if l == UInt8(ascii: "x") || l == UInt8(ascii: "b") {
                        let end = skipTo(p, quote, from: i + 2)
                        out.append(Token(kind: .hexOrBit, text: text(p, start, end), offset: start, length: end - start))
                        i = end; continue
                    }
                    if l == UInt8(ascii: "n") {
                        let (value, end) = readQuoted(p, i + 1, quote: quote, escapes: true)
                        out.append(Token(kind: .string, text: value, offset: start, length: end - start))
                        i = end; continue
                    }
                }
                var j = i + 1
                while j < n, isWordByte(p[j]) { j += 1 }
                // Character set introducer: _utf8mb4'...'
                if c == UInt8(ascii: "_"), j < n, p[j] == quote || p[j] == doubleQuote {
                    let (value, end) = readQuoted(p, j, quote: p[j], escapes: true)
                    out.append(Token(kind: .string, text: value, offset: start, length: end - start))
                    i = end; continue
                }
                out.append(Token(kind: .word, text: upperWord(p, start, j), offset: start, length: j - start))
                identEnd = j
                i = j; continue
            }

            // Numbers (1, 1.5, .5, 1e3, 1.5E-3, 1.), 0x.. / 0b.. literals, and words that start with digits
            if isDigit(c) || (c == dot && identEnd != i && i + 1 < n && isDigit(p[i + 1])) {
                if i == qualifiedStart, c != dot {
                    // `t.1e3`, `db.123`: after a qualifier MySQL reads an identifier.
                    var j = i + 1
                    while j < n, isWordByte(p[j]) { j += 1 }
                    out.append(Token(kind: .word, text: upperWord(p, start, j), offset: start, length: j - start))
                    identEnd = j
                    i = j; continue
                }
                if c == UInt8(ascii: "0"), i + 2 < n {
                    let x = p[i + 1]  // lower-case only, as MySQL: `0X1F` is an identifier
                    if x == UInt8(ascii: "x") || x == UInt8(ascii: "b") {
                        var j = i + 2
                        if x == UInt8(ascii: "x") {
                            while j < n, isHex(p[j]) { j += 1 }
                        } else {
                            while j < n, p[j] == UInt8(ascii: "0") || p[j] == UInt8(ascii: "1") { j += 1 }
                        }
                        if j > i + 2, j >= n || !isWordByte(p[j]) {
                            out.append(Token(kind: .hexOrBit, text: text(p, start, j), offset: start, length: j - start))
                            i = j; continue
                        }
                        // Otherwise (`0x1G`, `0b12`): a word, below.
                    }
                }
                var j = i
                while j < n, isDigit(p[j]) { j += 1 }
                if j < n, p[j] == dot {
                    // A fraction ends the number: in `1.5abc` the `abc` is the next token (an alias).
                    j += 1
                    while j < n, isDigit(p[j]) { j += 1 }
                    j = exponentEnd(p, j)
                } else {
                    let e = exponentEnd(p, j)
                    if e == j, j < n, isWordByte(p[j]) {
                        // An identifier that starts with digits (`1abc`, `0x1G`).
                        while j < n, isWordByte(p[j]) { j += 1 }
                        out.append(Token(kind: .word, text: upperWord(p, start, j), offset: start, length: j - start))
                        identEnd = j
                        i = j; continue
                    }
                    j = e
                }
                out.append(Token(kind: .number, text: text(p, start, j), offset: start, length: j - start))
                i = j; continue
            }

            switch c {
            case quote, doubleQuote:
                let (value, end) = readQuoted(p, i, quote: c, escapes: true)
                out.append(Token(kind: .string, text: value, offset: start, length: end - start))
                i = end; continue
            case backtick:
                let (value, end) = readQuoted(p, i, quote: c, escapes: false)
                out.append(Token(kind: .quotedIdentifier, text: value, offset: start, length: end - start))
                identEnd = end
                i = end; continue
            case UInt8(ascii: "#"):
                i = lineEnd(p, i); continue
            case UInt8(ascii: "-"):
                if i + 1 < n, p[i + 1] == UInt8(ascii: "-"), i + 2 >= n || p[i + 2] <= 0x20 || p[i + 2] == 0x7F {
                    i = lineEnd(p, i); continue
                }
            case UInt8(ascii: "/"):
                if i + 1 < n, p[i + 1] == UInt8(ascii: "*") {
                    var body = -1
                    if i + 2 < n, p[i + 2] == UInt8(ascii: "!") {
                        body = i + 3
                    } else if i + 3 < n, p[i + 2] == UInt8(ascii: "M"), p[i + 3] == UInt8(ascii: "!") {
                        body = i + 4
                    }
                    if body >= 0 {
                        // Executable comment: skip the marker and a version (5 digits, or 6 as MariaDB
                        // reads `/*M!100100`); fewer than 5 digits are not a version but SQL.
                        var j = body
                        while j < n, j < body + 6, isDigit(p[j]) { j += 1 }
                        if j < body + 5 { j = body }
                        depth += 1
                        i = j; continue
                    }
                    i = blockCommentEnd(p, i); continue
                }
            case UInt8(ascii: "*"):
                if depth > 0, i + 1 < n, p[i + 1] == UInt8(ascii: "/") {
                    depth -= 1
                    i += 2; continue
                }
            case UInt8(ascii: "@"):
                var j = i + 1
                if j < n, p[j] == UInt8(ascii: "@") { j += 1 }
                if j < n, p[j] == backtick || p[j] == quote || p[j] == doubleQuote {
                    j = readQuoted(p, j, quote: p[j], escapes: p[j] != backtick).end
                } else {
                    while j < n, isWordByte(p[j]) || p[j] == dot { j += 1 }
                }
                out.append(Token(kind: .variable, text: text(p, start, j), offset: start, length: j - start))
                i = j; continue
            case UInt8(ascii: "?"):
                out.append(Token(kind: .placeholder, text: "?", offset: start, length: 1))
                i += 1; continue
            case dot:
                if identEnd == i { qualifiedStart = i + 1 }
            default:
                break
            }
            // Operators and punctuation (multi-byte ones first), without allocating.
            let (op, opLength) = Lexer.symbol(c, i + 1 < n ? p[i + 1] : 0, i + 2 < n ? p[i + 2] : 0)
            out.append(Token(kind: .symbol, text: op, offset: start, length: opLength))
            i += opLength
        }
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

    /// One-character symbol strings, built once (no allocation per token). Bytes >= 0x80 never
    /// reach here (they are word bytes), so every entry is one ASCII character.
    static let singleByteSymbols: [String] = (0..<256).map { String(decoding: [UInt8($0)], as: UTF8.self) }

    // MARK: - Scanning helpers (shared with SleetHints)

    @inline(__always) static var quote: UInt8 { 0x27 }
    @inline(__always) static var doubleQuote: UInt8 { 0x22 }
    @inline(__always) static var backtick: UInt8 { 0x60 }
    @inline(__always) static var dot: UInt8 { 0x2E }

    /// The index of the newline that ends a `#` or `-- ` comment (or the end of the text).
    static func lineEnd(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i
        while j < p.count, p[j] != 0x0A { j += 1 }
        return j
    }

    /// The index after the `*/` that closes the comment opened at `i` (or the end of the text).
    static func blockCommentEnd(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i + 2
        while j + 1 < p.count {
            if p[j] == UInt8(ascii: "*"), p[j + 1] == UInt8(ascii: "/") { return j + 2 }
            j += 1
        }
        return p.count
    }

    /// The index after the next `q` at or after `from` (or the end of the text). For X'..', b'..'.
    static func skipTo(_ p: UnsafeBufferPointer<UInt8>, _ q: UInt8, from: Int) -> Int {
        var j = from
        while j < p.count, p[j] != q { j += 1 }
        return Swift.min(j + 1, p.count)
    }

    /// The index after the quoted token opened at `i` (doubled quotes and, if `escapes`,
    /// backslash escapes stay inside), or the end of the text when it is unterminated.
    static func quotedEnd(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, escapes: Bool) -> Int {
        let q = p[i]
        var j = i + 1
        let n = p.count
        while j < n {
            let c = p[j]
            if c == q {
                if j + 1 < n, p[j + 1] == q { j += 2; continue }
                return j + 1
            }
            j += escapes && c == UInt8(ascii: "\\") ? 2 : 1
        }
        return n
    }

    /// Reads a quoted token starting at the opening quote; doubled quotes and (for strings)
    /// backslash escapes are unescaped. Returns the value and the index after the closing quote.
    private static func readQuoted(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, quote q: UInt8, escapes: Bool) -> (value: String, end: Int) {
        let n = p.count
        // Fast path: no escapes and no doubled quote, the value is the bytes between the quotes.
        var j = i + 1
        while j < n {
            let c = p[j]
            if c == q {
                if j + 1 < n, p[j + 1] == q { break }
                return (text(p, i + 1, j), j + 1)
            }
            if escapes, c == UInt8(ascii: "\\") { break }
            j += 1
        }
        if j >= n { return (text(p, i + 1, n), n) }
        var value: [UInt8] = []
        value.reserveCapacity(j - i + 16)
        value.append(contentsOf: UnsafeBufferPointer(rebasing: p[(i + 1)..<j]))
        while j < n {
            let c = p[j]
            if escapes, c == UInt8(ascii: "\\"), j + 1 < n {
                let e = p[j + 1]
                switch e {
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "r"): value.append(0x0D)
                case UInt8(ascii: "0"): value.append(0x00)
                case UInt8(ascii: "b"): value.append(0x08)
                case UInt8(ascii: "Z"): value.append(0x1A)
                case UInt8(ascii: "%"), UInt8(ascii: "_"): value.append(c); value.append(e)  // MySQL keeps \% and \_
                default: value.append(e)
                }
                j += 2; continue
            }
            if c == q {
                if j + 1 < n, p[j + 1] == q { value.append(q); j += 2; continue }
                return (value.withUnsafeBufferPointer { string($0) }, j + 1)
            }
            value.append(c)
            j += 1
        }
        return (value.withUnsafeBufferPointer { string($0) }, n)
    }

    /// The end of an exponent (`e3`, `E-3`, `e+2`) at `j`, or `j` when there is none.
    @inline(__always) private static func exponentEnd(_ p: UnsafeBufferPointer<UInt8>, _ j: Int) -> Int {
        let n = p.count
        guard j < n, (p[j] | 0x20) == UInt8(ascii: "e") else { return j }
        var k = j + 1
        if k < n, p[k] == UInt8(ascii: "+") || p[k] == UInt8(ascii: "-") { k += 1 }
        guard k < n, isDigit(p[k]) else { return j }
        while k < n, isDigit(p[k]) { k += 1 }
        return k
    }

    private static func text(_ p: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int) -> String {
        string(UnsafeBufferPointer(rebasing: p[a..<b]))
    }

    /// The bytes as a String, each maximal invalid UTF-8 subpart replaced by U+FFFD (as
    /// `String(decoding:as:)` does). Invalid input is repaired here rather than by the standard
    /// library, whose repair path throws and catches internally: cheap, except under a test runner
    /// that records a backtrace for every thrown error.
    static func string(_ p: UnsafeBufferPointer<UInt8>) -> String {
        // Valid text (the usual case) is checked by the standard library, which is optimised even in
        // debug builds: a 40 MiB literal would otherwise take seconds to lex in a debug test run.
        if let s = String(validating: p, as: UTF8.self) { return s }
        var i = 0
        let n = p.count
        while i < n {
            let c = p[i]
            if c < 0x80 { i += 1; continue }
            let k = validSequenceLength(p, i)
            if k < 0 { return repaired(p) }
            i += k
        }
        return String(decoding: p, as: UTF8.self)
    }

    /// The length of the valid UTF-8 sequence at `i` (a lead byte >= 0x80), or minus the length of
    /// the maximal invalid subpart there.
    private static func validSequenceLength(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let c = p[i]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the allowed range of the second byte
        switch c {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return -1
        }
        for k in 1..<length {
            guard i + k < p.count else { return -k }
            let d = p[i + k]
            if k == 1 ? (d < low || d > high) : (d < 0x80 || d > 0xBF) { return -k }
        }
        return length
    }

    private static func repaired(_ p: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(p.count + 8)
        var i = 0
        while i < p.count {
            if p[i] < 0x80 { out.append(p[i]); i += 1; continue }
            let k = validSequenceLength(p, i)
            if k > 0 {
                for j in i..<(i + k) { out.append(p[j]) }
                i += k
            } else {
                out.append(0xEF); out.append(0xBF); out.append(0xBD)
                i -= k
            }
        }
        return out.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
    }

    /// A word upper-cased: ASCII byte by byte (no allocation for short words); Unicode case
    /// mapping only when the word has non-ASCII bytes.
    private static func upperWord(_ p: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int) -> String {
        var ascii = true
        let s = String(unsafeUninitializedCapacity: b - a) { buf in
            var k = 0
            for idx in a..<b {
                let c = p[idx]
                if c >= 0x80 { ascii = false; return 0 }
                buf[k] = (c >= 0x61 && c <= 0x7A) ? c - 0x20 : c
                k += 1
            }
            return k
        }
        return ascii ? s : text(p, a, b).uppercased()
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) private static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20) &- 0x61 < 6 }
    /// Letters, `_`, `$` and non-ASCII bytes (not digits).
    @inline(__always) static func isWordStart(_ c: UInt8) -> Bool {
        (c | 0x20) &- 0x61 < 26 || c == UInt8(ascii: "_") || c == UInt8(ascii: "$") || c >= 0x80
    }
    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool { isWordStart(c) || isDigit(c) }
}
