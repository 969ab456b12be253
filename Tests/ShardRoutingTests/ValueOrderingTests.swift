import Testing
@testable import ShardRouting

/// Text as bytes; nil stays SQL NULL.
func bytes(_ s: String?) -> [UInt8]? { s.map { Array($0.utf8) } }

struct CompareCase: Sendable, CustomTestStringConvertible {
    enum Expect: Sendable, Equatable { case order(Int), refused(String) }
    var label: String
    var column: MergeColumn
    var a: [UInt8]?
    var b: [UInt8]?
    var expect: Expect

    init(_ label: String, _ column: MergeColumn, _ a: String?, _ b: String?, _ expect: Expect) {
        self.init(label, column, bytes: bytes(a), bytes(b), expect)
    }
    init(_ label: String, _ column: MergeColumn, bytes a: [UInt8]?, _ b: [UInt8]?, _ expect: Expect) {
        self.label = label
        self.column = column
        self.a = a
        self.b = b
        self.expect = expect
    }
    var testDescription: String { label }
}

private func numeric(_ type: UInt8, unsigned: Bool = false) -> MergeColumn {
    MergeColumn(name: "n", type: type, flags: unsigned ? 0x20 : 0)
}
/// A VAR_STRING sent as utf8mb4 (wire collation 45), with the column's own collation if known.
private func text(collation: UInt16? = nil, wire: UInt16 = 45, flags: UInt16 = 0) -> MergeColumn {
    MergeColumn(name: "s", type: 253, characterSet: wire, flags: flags, collation: collation)
}
private let binaryString = MergeColumn(name: "b", type: 253, characterSet: 63, flags: 0x80)

@Suite("ValueOrdering")
struct ValueOrderingTests {
    static let cases: [CompareCase] = [
        // Integers, any size and sign
        CompareCase("int 1 < 2", numeric(3), "1", "2", .order(-1)),
        CompareCase("int -5 < 3", numeric(8), "-5", "3", .order(-1)),
        CompareCase("int -10 < -9", numeric(8), "-10", "-9", .order(-1)),
        CompareCase("bigint unsigned max > int64 max", numeric(8, unsigned: true), "18446744073709551615", "9223372036854775807", .order(1)),
        CompareCase("zerofill 0005 == 5", numeric(3), "0005", "5", .order(0)),
        CompareCase("int -0 == 0", numeric(3), "-0", "0", .order(0)),
        CompareCase("year 0000 < 1901", numeric(13), "0000", "1901", .order(-1)),
        CompareCase("malformed integer refused", numeric(3), "12a", "3", .refused("malformed value")),
        // DECIMAL, exact, any precision
        CompareCase("decimal 1.50 == 1.5", numeric(246), "1.50", "1.5", .order(0)),
        CompareCase("decimal -0.75 < -0.7", numeric(246), "-0.75", "-0.7", .order(-1)),
        CompareCase("decimal 30 digits", numeric(246), "123456789012345678901234567890.1", "123456789012345678901234567890.09", .order(1)),
        CompareCase("decimal -0.00 == 0.00", numeric(246), "-0.00", "0.00", .order(0)),
        CompareCase("decimal 10 > 9.99", numeric(246), "10", "9.99", .order(1)),
        // FLOAT / DOUBLE
        CompareCase("double -1.5 < -1.25", numeric(5), "-1.5", "-1.25", .order(-1)),
        CompareCase("double 1e-7 < 0.0000002", numeric(5), "1e-7", "0.0000002", .order(-1)),
        CompareCase("double 3.5 == 3.50", numeric(5), "3.5", "3.50", .order(0)),
        CompareCase("double 1e20 > 99999", numeric(5), "1e20", "99999", .order(1)),
        CompareCase("float 16777200 > 1", numeric(4), "16777200", "1", .order(1)),
        // Dates and times
        CompareCase("datetime by year", MergeColumn(name: "d", type: 12), "2024-01-02 10:00:00", "2023-12-31 23:59:59", .order(1)),
        CompareCase("datetime .5 == .50", MergeColumn(name: "d", type: 12), "2024-01-01 00:00:00.5", "2024-01-01 00:00:00.50", .order(0)),
        CompareCase("datetime .05 < .5", MergeColumn(name: "d", type: 12), "2024-01-01 00:00:00.05", "2024-01-01 00:00:00.5", .order(-1)),
        CompareCase("zero date first", MergeColumn(name: "d", type: 10), "0000-00-00", "1000-01-01", .order(-1)),
        CompareCase("timestamp", MergeColumn(name: "t", type: 7), "2024-03-10 02:00:00", "2024-03-10 01:59:59", .order(1)),
        CompareCase("time negative < positive", MergeColumn(name: "t", type: 11), "-01:00:00", "00:30:00", .order(-1)),
        CompareCase("time -838h < -1h", MergeColumn(name: "t", type: 11), "-838:59:59", "-01:00:00", .order(-1)),
        CompareCase("time 100h > 99h", MergeColumn(name: "t", type: 11), "100:00:00", "99:59:59", .order(1)),
        CompareCase("time -0.5s < -0.25s", MergeColumn(name: "t", type: 11), "-00:00:00.5", "-00:00:00.25", .order(-1)),
        CompareCase("time .5 == .50", MergeColumn(name: "t", type: 11), "12:00:00.5", "12:00:00.50", .order(0)),
        CompareCase("time malformed", MergeColumn(name: "t", type: 11), "12:00", "12:00:00", .refused("malformed value")),
        // BIT: big-endian bytes
        CompareCase("bit 0x0100 > 0x00FF", MergeColumn(name: "b", type: 16), bytes: [1, 0], [0, 0xFF], .order(1)),
        CompareCase("bit leading zero bytes", MergeColumn(name: "b", type: 16), bytes: [0, 5], [5], .order(0)),
        // NULL is the smallest value
        CompareCase("NULL < 1", numeric(3), nil, "1", .order(-1)),
        CompareCase("1 > NULL", numeric(3), "1", nil, .order(1)),
        CompareCase("NULL == NULL", text(), nil, nil, .order(0)),
        // Binary strings (charset 63): bytes, no padding, any byte
        CompareCase("binary 'a' < 'a '", binaryString, "a", "a ", .order(-1)),
        CompareCase("binary 'B' < 'a'", binaryString, "B", "a", .order(-1)),
        CompareCase("binary non-ASCII", binaryString, "\u{e9}", "z", .order(1)),
        // Known collations
        CompareCase("general_ci a == A", text(collation: 45), "a", "A", .order(0)),
        CompareCase("general_ci trailing spaces ignored", text(collation: 45), "a  ", "a", .order(0)),
        CompareCase("general_ci '_' after 'Z'", text(collation: 45), "_", "Z", .order(1)),
        CompareCase("general_ci abc < ABD", text(collation: 45), "abc", "ABD", .order(-1)),
        CompareCase("general_ci a-b < a_b", text(collation: 45), "a-b", "a_b", .order(-1)),
        CompareCase("general_ci non-ASCII refused", text(collation: 45), "caf\u{e9}", "cafe", .refused("non-ASCII text under collation 45")),
        CompareCase("unicode_ci '_' before 'Z'", text(collation: 224), "_", "Z", .order(-1)),
        CompareCase("unicode_ci a-b > a_b", text(collation: 224), "a-b", "a_b", .order(1)),
        CompareCase("uca1400 ^ after %", text(collation: 2304), "^", "%", .order(1)),
        CompareCase("unicode_ci ^ before %", text(collation: 224), "^", "%", .order(-1)),
        CompareCase("uca1400_as_cs a < A", text(collation: 2307), "a", "A", .order(-1)),
        CompareCase("uca1400_as_cs Ab > aa", text(collation: 2307), "Ab", "aa", .order(1)),
        CompareCase("latin1_general_cs Ab < aa", text(collation: 49), "Ab", "aa", .order(-1)),
        CompareCase("general_nopad_ci 'a ' > 'a'", text(collation: 1069), "a ", "a", .order(1)),
        CompareCase("utf8mb4_bin pads", text(collation: 46, flags: 0x80), "a ", "a", .order(0)),
        CompareCase("utf8mb4_bin B < a", text(collation: 46, flags: 0x80), "B", "a", .order(-1)),
        CompareCase("utf8mb4_bin non-ASCII by code point", text(collation: 46, flags: 0x80), "\u{e9}", "z", .order(1)),
        CompareCase("latin1_bin sent as utf8mb4: non-ASCII refused", text(collation: 47, flags: 0x80), "\u{e9}", "z", .refused("non-ASCII")),
        CompareCase("MySQL 0900_ai_ci is NO PAD", text(collation: 255, wire: 255), "a ", "a", .order(1)),
        CompareCase("czech_ci not modelled", text(collation: 234), "ch", "h", .refused("whose order Sleet does not model")),
        CompareCase("unmodelled collation, same bytes", text(collation: 234), "ch", "ch", .order(0)),
        CompareCase("UCS-2 on the wire", text(wire: 35), "a", "b", .refused("collation 35")),
        // Unknown collation (the wire id is the connection's): only where every collation agrees
        CompareCase("unknown: apple < Banana", text(), "apple", "Banana", .order(-1)),
        CompareCase("unknown: abc < abd", text(), "abc", "abd", .order(-1)),
        CompareCase("unknown: 'a b' < 'ab'", text(), "a b", "ab", .order(-1)),
        CompareCase("unknown: digits before letters", text(), "9", "a", .order(-1)),
        CompareCase("unknown: case only refused", text(), "a", "A", .refused("depends on the column's collation")),
        CompareCase("unknown: punctuation refused", text(), "a_", "aB", .refused("depends on the column's collation")),
        CompareCase("unknown: trailing space refused", text(), "a", "a ", .refused("depends on the column's collation")),
        CompareCase("unknown: non-ASCII refused", text(), "x", "\u{e9}", .refused("non-ASCII text under collation 45")),
        CompareCase("unknown: identical non-ASCII equal", text(), "\u{e9}t\u{e9}", "\u{e9}t\u{e9}", .order(0)),
        CompareCase("unknown: control character refused", text(), "a\t", "a", .refused("control characters")),
        CompareCase("unknown _bin: B < a", text(flags: 0x80), "B", "a", .order(-1)),
        CompareCase("unknown _bin: pad unknown", text(flags: 0x80), "a", "a ", .refused("depends on the column's collation")),
        CompareCase("unknown _bin: non-ASCII refused", text(flags: 0x80), "\u{e9}", "e", .refused("non-ASCII")),
        // Types Sleet does not order
        CompareCase("ENUM sorts by position", MergeColumn(name: "e", type: 254, characterSet: 45, flags: 0x100), "a", "b", .refused("ENUM")),
        CompareCase("SET", MergeColumn(name: "e", type: 254, characterSet: 45, flags: 0x800), "x", "y", .refused("SET")),
        CompareCase("ENUM same value", MergeColumn(name: "e", type: 254, characterSet: 45, flags: 0x100), "a", "a", .order(0)),
        CompareCase("JSON", MergeColumn(name: "j", type: 245, characterSet: 45), "{}", "[]", .refused("JSON")),
        CompareCase("GEOMETRY", MergeColumn(name: "g", type: 255), "a", "b", .refused("GEOMETRY")),
    ]

    @Test(arguments: cases)
    func compare(_ c: CompareCase) {
        do {
            let r = try ResultMerger.compare(c.a, c.b, column: c.column)
            #expect(CompareCase.Expect.order(r.signum()) == c.expect)
            // Antisymmetric.
            let back = try ResultMerger.compare(c.b, c.a, column: c.column)
            #expect(back.signum() == -r.signum())
        } catch {
            guard case .refused(let fragment) = c.expect else {
                Issue.record("refused: \(error.reason)")
                return
            }
            #expect(error.reason.contains(fragment), "\(error.reason)")
            #expect(error.reason.hasPrefix("ORDER BY merge"))
        }
    }

    /// The ASCII orders measured on MariaDB 10.11 (printable characters sorted under
    /// utf8mb4_unicode_ci and utf8mb4_uca1400_ai_ci): every printable character once.
    @Test(arguments: [TextModel.uca400Order, TextModel.uca1400Order])
    func ucaTablesCoverPrintableASCII(_ order: [UInt8]) {
        let expected = (0x20...0x7E).filter { !($0 >= 0x61 && $0 <= 0x7A) }.map(UInt8.init)
        #expect(order.sorted() == expected)
    }

    @Test func collationTables() {
        #expect(Collations.charset(45) == "utf8mb4")
        #expect(Collations.charset(33) == "utf8mb3")
        #expect(Collations.charset(2308) == "utf8mb4")
        #expect(Collations.charset(1069) == "utf8mb4")
        #expect(Collations.charset(2000) == nil)
        #expect(Collations.asciiTransparent(45) && Collations.asciiTransparent(8))
        #expect(!Collations.asciiTransparent(35) && !Collations.asciiTransparent(13) && !Collations.asciiTransparent(9999))
        #expect(Collations.modelled(45)! == ([.generalCI], true))
        #expect(Collations.modelled(1070)! == ([.bytes], false))
        #expect(Collations.modelled(234) == nil)
        #expect(Collations.sameEncoding(46, 33) && !Collations.sameEncoding(47, 45))
    }
}

// MARK: - DecimalText

struct DecimalAddCase: Sendable, CustomTestStringConvertible {
    var a: String, b: String, sum: String
    init(_ a: String, _ b: String, _ sum: String) { self.a = a; self.b = b; self.sum = sum }
    var testDescription: String { "\(a) + \(b)" }
}

struct DoubleTextCase: Sendable, CustomTestStringConvertible {
    var value: Double, decimals: Int?, text: String
    init(_ value: Double, _ text: String) { self.value = value; self.decimals = nil; self.text = text }
    init(_ value: Double, _ decimals: Int, _ text: String) { self.value = value; self.decimals = decimals; self.text = text }
    var testDescription: String { "\(value) decimals \(decimals.map(String.init) ?? "-")" }
}

@Suite("DecimalText")
struct DecimalTextTests {
    static let sums: [DecimalAddCase] = [
        DecimalAddCase("1.5", "2.25", "3.75"),
        DecimalAddCase("999.99", "0.01", "1000.00"),
        DecimalAddCase("-1.50", "1.5", "0.00"),
        DecimalAddCase("-5", "3", "-2"),
        DecimalAddCase("3", "-5", "-2"),
        DecimalAddCase("18446744073709551615", "1", "18446744073709551616"),
        DecimalAddCase("-0.75", "-0.25", "-1.00"),
        DecimalAddCase("0.1", "-0.09", "0.01"),
        DecimalAddCase("-100", "99.999", "-0.001"),
        DecimalAddCase("0", "0", "0"),
        DecimalAddCase("99999999999999999999999999999999999999.999999", "0.000001", "100000000000000000000000000000000000000.000000"),
    ]

    @Test(arguments: sums)
    func add(_ c: DecimalAddCase) {
        #expect(DecimalText.add(Array(c.a.utf8), Array(c.b.utf8)).map { String(decoding: $0, as: UTF8.self) } == c.sum)
        #expect(DecimalText.add(Array(c.b.utf8), Array(c.a.utf8)).map { String(decoding: $0, as: UTF8.self) } == c.sum)
    }

    @Test(arguments: ["", "-", ".", "1e5", "+1", "1.2.3", "--1", "1-", " 1"])
    func rejectsMalformed(_ s: String) {
        #expect(!DecimalText.isValid(Array(s.utf8)))
        #expect(DecimalText.add(Array(s.utf8), Array("1".utf8)) == nil)
    }

    /// MariaDB 10.11's printing (checked against the server on 3000 random doubles; these pin
    /// the layout rules), and fixed decimals correctly rounded (ties to even).
    static let doubles: [DoubleTextCase] = [
        DoubleTextCase(3.5, "3.5"), DoubleTextCase(3, "3"), DoubleTextCase(-2.5, "-2.5"),
        DoubleTextCase(1e20, "1e20"), DoubleTextCase(1e15, "1e15"), DoubleTextCase(1e14, "100000000000000"),
        DoubleTextCase(1.5e-7, "0.00000015"), DoubleTextCase(1e-15, "0.000000000000001"), DoubleTextCase(1e-16, "1e-16"),
        DoubleTextCase(0.1 + 0.2, "0.30000000000000004"), DoubleTextCase(1234567890123456.8, "1234567890123456.8"),
        DoubleTextCase(12345678901234568, "1.2345678901234568e16"), DoubleTextCase(1234567890123456, "1.234567890123456e15"),
        DoubleTextCase(-1.5e-20, "-1.5e-20"), DoubleTextCase(.leastNonzeroMagnitude, "5e-324"), DoubleTextCase(0, "0"),
        DoubleTextCase(3.5, 2, "3.50"), DoubleTextCase(0.125, 2, "0.12"), DoubleTextCase(0.375, 2, "0.38"),
        DoubleTextCase(2.675, 2, "2.67"), DoubleTextCase(-0.001, 2, "-0.00"), DoubleTextCase(999.995, 2, "1000.00"),
        DoubleTextCase(2.5, 0, "2"), DoubleTextCase(3.5, 0, "4"), DoubleTextCase(1e22, 1, "10000000000000000000000.0"),
        DoubleTextCase(.leastNonzeroMagnitude, 3, "0.000"),
    ]

    @Test(arguments: doubles)
    func formatDouble(_ c: DoubleTextCase) {
        let text = c.decimals.map { DecimalText.formatDouble(c.value, decimals: $0) } ?? DecimalText.formatDouble(c.value)
        #expect(text.map { String(decoding: $0, as: UTF8.self) } == c.text)
    }

    @Test func nonFiniteDoubles() {
        #expect(DecimalText.formatDouble(.infinity) == nil)
        #expect(DecimalText.formatDouble(.nan, decimals: 2) == nil)
    }
}
