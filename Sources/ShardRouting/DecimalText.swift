/// Exact arithmetic on numbers as MySQL prints them in the text protocol (`-12.50`, `0005`,
/// `18446744073709551615`): compare and add with any number of digits, plus MariaDB's printing of
/// DOUBLE values. No Foundation, no floating point in the exact paths.
public enum DecimalText {
    private static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
    private static let minus = UInt8(ascii: "-"), dot = UInt8(ascii: ".")

    /// `[-]digits[.digits]` split into its parts (indices into the text); nil when malformed.
    struct Parts {
        var negative: Bool
        /// Integer digits without leading zeros (may be empty for 0).
        var int: Range<Int>
        /// Fraction digits as written (trailing zeros kept: they are the scale).
        var frac: Range<Int>
        var isZero: Bool
    }

    static func parts(_ t: [UInt8]) -> Parts? {
        var i = 0
        var negative = false
        if i < t.count, t[i] == minus { negative = true; i += 1 }
        let intStart = i
        while i < t.count, t[i] >= zero, t[i] <= nine { i += 1 }
        let intEnd = i
        var fracStart = i, fracEnd = i
        if i < t.count, t[i] == dot {
            i += 1
            fracStart = i
            while i < t.count, t[i] >= zero, t[i] <= nine { i += 1 }
            fracEnd = i
        }
        guard i == t.count, intEnd > intStart || fracEnd > fracStart else { return nil }
        var s = intStart
        while s < intEnd, t[s] == zero { s += 1 }
        var isZero = s == intEnd
        if isZero {
            for j in fracStart..<fracEnd where t[j] != zero { isZero = false; break }
        }
        return Parts(negative: negative && !isZero, int: s..<intEnd, frac: fracStart..<fracEnd, isZero: isZero)
    }

    /// True when `text` is decimal text (`[-]digits[.digits]`).
    public static func isValid(_ text: [UInt8]) -> Bool { parts(text) != nil }

    /// -1, 0 or 1 by numeric value (`1.50` == `1.5`, `-0` == `0`); nil when either is not decimal text.
    public static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int? {
        guard let pa = parts(a), let pb = parts(b) else { return nil }
        if pa.negative != pb.negative { return pa.negative ? -1 : 1 }
        let m = compareMagnitude(a, pa, b, pb)
        return pa.negative ? -m : m
    }

    private static func compareMagnitude(_ a: [UInt8], _ pa: Parts, _ b: [UInt8], _ pb: Parts) -> Int {
        if pa.int.count != pb.int.count { return pa.int.count < pb.int.count ? -1 : 1 }
        var i = pa.int.lowerBound, j = pb.int.lowerBound
        while i < pa.int.upperBound {
            if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
            i += 1; j += 1
        }
        let n = max(pa.frac.count, pb.frac.count)
        for k in 0..<n {
            let x = k < pa.frac.count ? a[pa.frac.lowerBound + k] : zero
            let y = k < pb.frac.count ? b[pb.frac.lowerBound + k] : zero
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// The exact sum, printed with the larger of the two scales (`1.5` + `2.25` = `3.75`,
    /// `1.50` + `-1.5` = `0.00`); nil when either is not decimal text.
    public static func add(_ a: [UInt8], _ b: [UInt8]) -> [UInt8]? {
        guard let pa = parts(a), let pb = parts(b) else { return nil }
        let scale = max(pa.frac.count, pb.frac.count)
        let intLen = max(pa.int.count, pb.int.count) + 1
        // Magnitudes as digit values, least significant first, aligned on the decimal point.
        func digits(_ t: [UInt8], _ p: Parts) -> [UInt8] {
            var d = [UInt8](repeating: 0, count: scale + intLen)
            for k in 0..<p.frac.count { d[scale - 1 - k] = t[p.frac.lowerBound + k] - zero }
            for k in 0..<p.int.count { d[scale + k] = t[p.int.upperBound - 1 - k] - zero }
            return d
        }
        let da = digits(a, pa), db = digits(b, pb)
        var out = [UInt8](repeating: 0, count: da.count)
        var negative: Bool
        if pa.negative == pb.negative {
            negative = pa.negative
            var carry: UInt8 = 0
            for k in 0..<da.count {
                let s = da[k] + db[k] + carry
                out[k] = s % 10
                carry = s / 10
            }
        } else {
            let m = compareMagnitude(a, pa, b, pb)
            let (big, small) = m >= 0 ? (da, db) : (db, da)
            negative = m >= 0 ? pa.negative : pb.negative
            var borrow: UInt8 = 0
            for k in 0..<big.count {
                let sub = small[k] + borrow
                if big[k] >= sub { out[k] = big[k] - sub; borrow = 0 } else { out[k] = big[k] + 10 - sub; borrow = 1 }
            }
            if m == 0 { negative = false }
        }
        if out.allSatisfy({ $0 == 0 }) { negative = false }
        return render(leastSignificantFirst: out, scale: scale, negative: negative)
    }

    /// Digit values (least significant first) with `scale` fraction digits as text.
    static func render(leastSignificantFirst d: [UInt8], scale: Int, negative: Bool) -> [UInt8] {
        var top = d.count - 1
        while top > scale, d[top] == 0 { top -= 1 }
        var text: [UInt8] = []
        text.reserveCapacity(top + 3)
        if negative { text.append(minus) }
        if top < scale {
            text.append(zero)
        } else {
            for k in stride(from: top, through: scale, by: -1) { text.append(d[k] + zero) }
        }
        if scale > 0 {
            text.append(dot)
            for k in stride(from: scale - 1, through: 0, by: -1) { text.append(k < d.count ? d[k] + zero : zero) }
        }
        return text
    }

    // MARK: - DOUBLE as MariaDB prints it

    /// A DOUBLE as MariaDB/MySQL print a value whose column has no fixed decimals (decimals 31):
    /// the shortest digits that read back to the same double, laid out by `my_gcvt`'s rule
    /// (checked against MariaDB 10.11): fixed notation while the decimal point is within 15
    /// places either way (or the digits already reach past it), `1e15`-style exponent otherwise;
    /// no `.0`, no `+` in the exponent. nil for infinities and NaN (no server prints those).
    public static func formatDouble(_ value: Double) -> [UInt8]? {
        guard value.isFinite else { return nil }
        if value == 0 { return [zero] }
        guard let (digits, decpt) = shortestDigits(value.magnitude) else { return nil }
        var out: [UInt8] = value < 0 ? [minus] : []
        let len = digits.count
        if decpt > -15 && (decpt <= 15 || len > decpt) {
            if decpt <= 0 {
                out.append(zero); out.append(dot)
                out.append(contentsOf: repeatElement(zero, count: -decpt))
                out.append(contentsOf: digits)
            } else if decpt < len {
                out.append(contentsOf: digits[0..<decpt]); out.append(dot)
                out.append(contentsOf: digits[decpt...])
            } else {
                out.append(contentsOf: digits)
                out.append(contentsOf: repeatElement(zero, count: decpt - len))
            }
        } else {
            out.append(digits[0])
            if len > 1 { out.append(dot); out.append(contentsOf: digits[1...]) }
            out.append(UInt8(ascii: "e"))
            out.append(contentsOf: Array(String(decpt - 1).utf8))
        }
        return out
    }

    /// Shortest round-trip digits of a positive finite double (no leading/trailing zeros) and
    /// the position of the decimal point relative to them (`1.5` -> ("15", 1), `0.01` -> ("1", -1)).
    /// Taken from Swift's own shortest round-trip `description`.
    static func shortestDigits(_ value: Double) -> ([UInt8], Int)? {
        let text = Array(value.description.utf8)
        var mantissa: [UInt8] = []
        var pointAt: Int? = nil
        var exponent = 0
        var i = 0
        while i < text.count {
            let c = text[i]
            if c >= zero && c <= nine {
                mantissa.append(c)
            } else if c == dot {
                pointAt = mantissa.count
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                guard let e = Int(String(decoding: text[(i + 1)...], as: UTF8.self)) else { return nil }
                exponent = e
                break
            } else {
                return nil
            }
            i += 1
        }
        var decpt = (pointAt ?? mantissa.count) + exponent
        var start = 0
        while start < mantissa.count, mantissa[start] == zero { start += 1; decpt -= 1 }
        var end = mantissa.count
        while end > start, mantissa[end - 1] == zero { end -= 1 }
        guard start < end else { return nil }
        return (Array(mantissa[start..<end]), decpt)
    }

    /// A DOUBLE printed with a fixed number of decimals (a column declared `DOUBLE(M,D)`), as
    /// `my_fcvt` does: the exact binary value correctly rounded, an exact tie to even.
    public static func formatDouble(_ value: Double, decimals: Int) -> [UInt8]? {
        guard value.isFinite, decimals >= 0 else { return nil }
        let (digits, scale) = exactDigits(value.magnitude)   // least significant first
        var d: [UInt8]
        if scale <= decimals {
            d = [UInt8](repeating: 0, count: decimals - scale) + digits
        } else {
            let cut = scale - decimals                           // digits dropped
            d = Array(digits[cut...])
            let first = digits[cut - 1]
            var restNonZero = false
            for k in 0..<(cut - 1) where digits[k] != 0 { restNonZero = true; break }
            let roundUp = first > 5 || (first == 5 && (restNonZero || (d.first ?? 0) % 2 == 1))
            if roundUp {
                var k = 0
                while true {
                    if k == d.count { d.append(1); break }
                    if d[k] == 9 { d[k] = 0; k += 1 } else { d[k] += 1; break }
                }
            }
        }
        if d.count <= decimals { d += [UInt8](repeating: 0, count: decimals + 1 - d.count) }
        return render(leastSignificantFirst: d, scale: decimals, negative: value < 0)
    }

    /// The exact decimal expansion of a non-negative finite double: digit values least
    /// significant first, and how many of them are after the decimal point.
    static func exactDigits(_ value: Double) -> ([UInt8], Int) {
        if value == 0 { return ([0], 0) }
        var mant: UInt64
        var exp: Int
        if value.exponentBitPattern == 0 {
            mant = value.significandBitPattern
            exp = -1074
        } else {
            mant = value.significandBitPattern | (1 << 52)
            exp = Int(value.exponentBitPattern) - 1075
        }
        while mant & 1 == 0, exp < 0 { mant >>= 1; exp += 1 }
        var d: [UInt8] = []
        var m = mant
        while m > 0 { d.append(UInt8(m % 10)); m /= 10 }
        func multiply(by f: UInt8, times: Int) {
            for _ in 0..<times {
                var carry: UInt8 = 0
                for k in 0..<d.count {
                    let p = d[k] * f + carry
                    d[k] = p % 10
                    carry = p / 10
                }
                if carry > 0 { d.append(carry) }
            }
        }
        if exp >= 0 {
            multiply(by: 2, times: exp)
            return (d, 0)
        }
        // m / 2^k == m * 5^k / 10^k
        multiply(by: 5, times: -exp)
        if d.count <= -exp { d += [UInt8](repeating: 0, count: -exp + 1 - d.count) }
        return (d, -exp)
    }
}
