/// A constant as written in SQL, as the parser hands it to routing.
public enum Literal: Sendable, Hashable {
    /// An integer as written, digits only, with a leading `-` when negated (`-5`). May exceed 64 bits.
    case integer(String)
    /// A decimal or approximate number as written (`1.5`, `.5`, `1e3`, `-2.50`).
    case decimal(String)
    /// A quoted string, unquoted and unescaped (introducers such as `_utf8mb4` dropped).
    case string(String)
    /// `0x2A`, `X'2A'`, `b'101'` as written.
    case hexOrBit(String)
    case null
    /// `TRUE` / `FALSE`
    case boolean(Bool)
}

extension Literal: CustomStringConvertible {
    /// The literal as SQL text again (strings quoted with `'`, quotes and backslashes escaped).
    public var description: String {
        switch self {
        case .integer(let s), .decimal(let s), .hexOrBit(let s): return s
        case .string(let s):
            var out = "'"
            for ch in s.unicodeScalars {
                switch ch {
                case "'": out += "\\'"
                case "\\": out += "\\\\"
                case "\0": out += "\\0"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\u{1A}": out += "\\Z"
                default: out.unicodeScalars.append(ch)
                }
            }
            return out + "'"
        case .null: return "NULL"
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        }
    }
}
