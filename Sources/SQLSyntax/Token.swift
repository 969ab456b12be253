/// A lexical token of MySQL-dialect SQL. Ranges index into the UTF-8 bytes of the statement.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A bare word: keyword or identifier (the lexer does not tell them apart).
        case word
        /// `backticked` identifier; `text` is the unquoted name.
        case quotedIdentifier
        /// '...' or "..." (with an optional adjacent `_charset` introducer), or `N'...'`; `text` is the
        /// unescaped value; the range covers the introducer and the quotes.
        case string
        /// `1`, `1.5`, `.5`, `1e3`, `1.5E-3`, `1.` as written (a sign is a separate symbol).
        case number
        /// 0x.., X'..', b'..', 0b.. as written
        case hexOrBit
        /// `?`
        case placeholder
        /// `@var` or `@@var` (text includes the @ signs)
        case variable
        /// Operators and punctuation: `(`, `)`, `,`, `;`, `=`, `<=>`, `->>`, ... (longest match)
        case symbol
    }

    public var kind: Kind
    /// The token's value: upper-cased for words, unquoted/unescaped for strings and identifiers.
    public var text: String
    /// Byte offset of the token in the statement.
    public var offset: Int
    public var length: Int

    public init(kind: Kind, text: String, offset: Int, length: Int) {
        self.kind = kind; self.text = text; self.offset = offset; self.length = length
    }

    public func isWord(_ w: String) -> Bool { kind == .word && text == w }
}
