import SQLSyntax

/// A sharding key value, normalized so that two literals MySQL compares as equal (against an
/// integer, decimal, or `*_ci`/binary string key column) become the same `KeyValue`. Distinct
/// values may share a `KeyValue` (`'042'` and `42`): that only puts them on the same shard.
///
/// `.unsigned` is used only above `Int64.max`; every value that fits is `.integer`.
/// `.decimal` holds canonical text of a value that is not an integer (`1.5`, `-0.25`).
/// `.string` holds a normalized string (see `normalize`).
public enum KeyValue: Sendable, Hashable {
    case integer(Int64)
    case unsigned(UInt64)
    case decimal(String)
    case string(String)
}

/// What a literal is worth as a sharding key.
public enum KeyNormalization: Sendable, Equatable {
    /// Every literal MySQL compares as equal to this one has the same value: an INSERT may be
    /// placed with it and a lookup (SELECT/UPDATE/DELETE) may go to its shard alone.
    case exact(KeyValue)
    /// Good to place an INSERT deterministically, but a lookup must not trust it (it scatters):
    /// MySQL may find this literal equal to values that normalize differently.
    case placementOnly(KeyValue, reason: String)
    /// Not a key: a lookup scatters, an INSERT has no placement.
    case unusable(reason: String)
}

extension KeyValue {
    /// For EXPLAIN reasons: `42`, `18446744073709551615`, `1.5`, `'abc'`.
    public var display: String {
        switch self {
        case .integer(let v): return String(v)
        case .unsigned(let u): return String(u)
        case .decimal(let s): return s
        case .string(let s): return Literal.string(s).description
        }
    }

    /// Normalizes a literal as a sharding key; the rules are in docs/hash-vindex.md.
    public static func normalize(_ literal: Literal) -> KeyNormalization {
        switch literal {
        case .null:
            return .unusable(reason: "NULL never equals a key")
        case .boolean(let b):
            return .exact(.integer(b ? 1 : 0))
        case .hexOrBit(let text):
            return .unusable(reason: "hex/bit literal \(text) is not used as a key")
        case .integer(let text), .decimal(let text):
            return normalizeNumericLiteral(text)
        case .string(let s):
            return normalizeString(s)
        }
    }

    // MARK: numbers written as numbers

    static func normalizeNumericLiteral(_ text: String) -> KeyNormalization {
        let bytes = Array(text.utf8)
        guard let (number, length) = ParsedNumber.scan(bytes[...]), length == bytes.count else {
            return .unusable(reason: "malformed number \(text)")
        }
        if !number.hasExponent {
            // An exact value (DECIMAL or integer literal).
            if number.isIntegral {
                guard let v = number.integerValue else {
                    return .unusable(reason: "\(text) is beyond 64 bits")
                }
                return .exact(v)
            }
            return .exact(.decimal(number.canonicalDecimal(maxZeros: .max)!))
        }
        // `1e3`, `4.2e1`: MySQL reads these as DOUBLE, exact only for integers below 2^53.
        if number.isIntegral, number.isDoubleSafeInteger, let v = number.integerValue {
            return .exact(v)
        }
        return .unusable(reason: "approximate number \(text)"
                         + (number.isIntegral ? " is beyond 2^53" : " is not an integer"))
    }

    // MARK: strings

    static func normalizeString(_ s: String) -> KeyNormalization {
        let bytes = Array(s.utf8)
        let special = bytes.contains { $0 >= 0x80 || $0 < 0x20 || $0 == 0x7F }

        // MySQL compares a string with a numeric column as a number (a DOUBLE), skipping
        // leading whitespace and ignoring what follows the number (with a warning).
        var start = 0, end = bytes.count
        while start < end, isMySQLSpace(bytes[start]) { start += 1 }
        while end > start, isMySQLSpace(bytes[end - 1]) { end -= 1 }
        if let (number, length) = ParsedNumber.scan(bytes[start..<end]) {
            if length == end - start {
                return normalizeNumericString(number, original: s)
            }
            // '42abc': equal to 42 against a numeric column, to '42abc' against a string column.
            let value = number.placementValue ?? .string(foldedForPlacement(s))
            return .placementOnly(value, reason: "\(Literal.string(s)) only starts like a number: against a numeric column MySQL compares it as \(number.display)")
        }
        if special {
            return .placementOnly(.string(foldedForPlacement(s)),
                                  reason: "\(Literal.string(s)) has non-ASCII or control characters that a collation may fold or ignore")
        }
        // Plain printable ASCII: case-insensitive (or binary) collations, PAD SPACE.
        var out = bytes
        while out.last == 0x20 { out.removeLast() }
        for i in out.indices where out[i] >= 0x41 && out[i] <= 0x5A { out[i] += 0x20 }
        return .exact(.string(String(decoding: out, as: UTF8.self)))
    }

    /// A string that is wholly a number. It compares with a numeric column as a DOUBLE, so it is
    /// exact only where a DOUBLE is: integers below 2^53, other values up to 15 significant digits.
    static func normalizeNumericString(_ number: ParsedNumber, original s: String) -> KeyNormalization {
        if number.isIntegral {
            if number.isDoubleSafeInteger, let v = number.integerValue { return .exact(v) }
            if let v = number.integerValue {
                return .placementOnly(v, reason: "\(Literal.string(s)) compares with a numeric column as an approximate number beyond 2^53")
            }
            return .placementOnly(.string(foldedForPlacement(s)),
                                  reason: "\(Literal.string(s)) is a number beyond 64 bits")
        }
        guard let text = number.canonicalDecimal(maxZeros: ParsedNumber.maxPlacementZeros) else {
            return .placementOnly(.string(foldedForPlacement(s)),
                                  reason: "\(Literal.string(s)) is an approximate number")
        }
        if number.significantDigits.count <= 15 { return .exact(.decimal(text)) }
        return .placementOnly(.decimal(text),
                              reason: "\(Literal.string(s)) compares with a numeric column as an approximate number (more than 15 significant digits)")
    }

    /// The placement key of a string that can't be exact: ASCII control characters removed
    /// (UCA collations ignore most of them), lower-cased (Unicode), trailing spaces removed.
    static func foldedForPlacement(_ s: String) -> String {
        var scalars = String.UnicodeScalarView()
        for u in s.unicodeScalars where !(u.value < 0x20 || u.value == 0x7F) { scalars.append(u) }
        var folded = Array(String(scalars).lowercased().utf8)
        while folded.last == 0x20 { folded.removeLast() }
        return String(decoding: folded, as: UTF8.self)
    }

    /// Whitespace MySQL skips around a number in a string: space, \t, \n, \v, \f, \r.
    static func isMySQLSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
}

/// A number in MySQL syntax: optional sign, digits, optional `.` and digits (at least one digit
/// in all), optional exponent `e`/`E`, optional sign, digits. Its value is
/// `0.<significantDigits> × 10^point`, negated when `negative`.
struct ParsedNumber: Equatable {
    var negative: Bool
    /// ASCII digits without leading or trailing zeros; empty for zero.
    var significantDigits: [UInt8]
    var point: Int
    var hasExponent: Bool

    /// Canonical text of a placement-only decimal from a string may pad at most this many zeros.
    static let maxPlacementZeros = 64

    /// Reads the longest number at the start of `bytes`; nil when there is none.
    static func scan(_ bytes: ArraySlice<UInt8>) -> (ParsedNumber, length: Int)? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        var negative = false
        if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-"); i += 1
        }
        var digits: [UInt8] = []
        var integerDigits = 0
        while i < end, isDigit(bytes[i]) { digits.append(bytes[i]); i += 1; integerDigits += 1 }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            var j = i + 1
            var fraction: [UInt8] = []
            while j < end, isDigit(bytes[j]) { fraction.append(bytes[j]); j += 1 }
            if !digits.isEmpty || !fraction.isEmpty { digits += fraction; i = j }
        }
        guard !digits.isEmpty else { return nil }
        var exponent = 0
        var hasExponent = false
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            var j = i + 1
            var expNegative = false
            if j < end, bytes[j] == UInt8(ascii: "-") || bytes[j] == UInt8(ascii: "+") {
                expNegative = bytes[j] == UInt8(ascii: "-"); j += 1
            }
            var e = 0
            let digitsStart = j
            while j < end, isDigit(bytes[j]) {
                e = min(e * 10 + Int(bytes[j] - 0x30), 1_000_000_000)  // saturates: far beyond any key
                j += 1
            }
            if j > digitsStart {  // `1e` and `1e+` end the number before the `e`
                hasExponent = true
                exponent = expNegative ? -e : e
                i = j
            }
        }
        // Strip zeros: leading ones move the point, trailing ones don't change the value.
        var point = integerDigits + exponent
        var first = 0
        while first < digits.count, digits[first] == 0x30 { first += 1; point -= 1 }
        var last = digits.count
        while last > first, digits[last - 1] == 0x30 { last -= 1 }
        let significant = Array(digits[first..<last])
        if significant.isEmpty { point = 0; negative = false }
        return (ParsedNumber(negative: negative, significantDigits: significant, point: point,
                             hasExponent: hasExponent), i - bytes.startIndex)
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    var isIntegral: Bool { significantDigits.count <= point || significantDigits.isEmpty }

    /// The magnitude of an integral value, nil beyond 64 bits.
    var magnitude: UInt64? {
        guard isIntegral else { return nil }
        if significantDigits.isEmpty { return 0 }
        guard point <= 20 else { return nil }
        var m: UInt64 = 0
        for k in 0..<point {
            let d = k < significantDigits.count ? UInt64(significantDigits[k] - 0x30) : 0
            let (times10, o1) = m.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            m = sum
        }
        return m
    }

    /// `.integer`, or `.unsigned` above Int64.max; nil when it isn't integral or doesn't fit.
    var integerValue: KeyValue? {
        guard let m = magnitude else { return nil }
        if negative {
            if m <= UInt64(Int64.max) { return .integer(-Int64(m)) }
            if m == UInt64(Int64.max) + 1 { return .integer(.min) }
            return nil
        }
        return m <= UInt64(Int64.max) ? .integer(Int64(m)) : .unsigned(m)
    }

    /// |value| < 2^53: a DOUBLE holds it, and no other integer rounds to the same DOUBLE.
    var isDoubleSafeInteger: Bool {
        guard let m = magnitude else { return false }
        return m < (1 << 53)
    }

    /// Canonical decimal text (`-0.05`, `12.5`) of a value that isn't integral; nil when it is
    /// integral or would need more than `maxZeros` zeros after the point.
    func canonicalDecimal(maxZeros: Int) -> String? {
        guard !isIntegral else { return nil }
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if point <= 0 {
            guard -point <= maxZeros else { return nil }
            out += Array("0.".utf8) + [UInt8](repeating: 0x30, count: -point) + significantDigits
        } else {
            out += significantDigits[..<point] + [UInt8(ascii: ".")] + significantDigits[point...]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value used to place a row from a string's number: integer if it fits, else decimal.
    var placementValue: KeyValue? {
        isIntegral ? integerValue : canonicalDecimal(maxZeros: Self.maxPlacementZeros).map(KeyValue.decimal)
    }

    /// For reasons: the value (`42`, `1.5`), or `a number` when it has no short form.
    var display: String { placementValue?.display ?? "a number" }
}
