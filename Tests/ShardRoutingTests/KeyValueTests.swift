import Testing
import SQLSyntax
@testable import ShardRouting

@Suite struct KeyValueTests {
    enum Expect: Sendable, CustomStringConvertible {
        case exact(KeyValue)
        case placement(KeyValue)
        /// A fragment the reason must contain.
        case unusable(String)

        var description: String {
            switch self {
            case .exact(let v): return "exact \(v)"
            case .placement(let v): return "placementOnly \(v)"
            case .unusable(let r): return "unusable (\(r))"
            }
        }
    }

    struct Row: Sendable, CustomStringConvertible {
        var literal: Literal
        var expect: Expect
        init(_ literal: Literal, _ expect: Expect) { self.literal = literal; self.expect = expect }
        var description: String { "\(literal) -> \(expect)" }
    }

    static let rows: [Row] = [
        // Integers as written.
        Row(.integer("42"), .exact(.integer(42))),
        Row(.integer("-5"), .exact(.integer(-5))),
        Row(.integer("0"), .exact(.integer(0))),
        Row(.integer("-0"), .exact(.integer(0))),
        Row(.integer("007"), .exact(.integer(7))),
        Row(.integer("9223372036854775807"), .exact(.integer(.max))),
        Row(.integer("-9223372036854775808"), .exact(.integer(.min))),
        Row(.integer("9223372036854775808"), .exact(.unsigned(1 << 63))),
        Row(.integer("18446744073709551615"), .exact(.unsigned(.max))),
        Row(.integer("18446744073709551616"), .unusable("beyond 64 bits")),
        Row(.integer("-9223372036854775809"), .unusable("beyond 64 bits")),
        Row(.integer("123456789012345678901234567890"), .unusable("beyond 64 bits")),
        // Decimals: integral ones are integers, others canonical text.
        Row(.decimal("42.0"), .exact(.integer(42))),
        Row(.decimal("-3.000"), .exact(.integer(-3))),
        Row(.decimal("-0.0"), .exact(.integer(0))),
        Row(.decimal("1."), .exact(.integer(1))),
        Row(.decimal("18446744073709551615.00"), .exact(.unsigned(.max))),
        Row(.decimal("99999999999999999999.0"), .unusable("beyond 64 bits")),
        Row(.decimal("1.5"), .exact(.decimal("1.5"))),
        Row(.decimal("-2.50"), .exact(.decimal("-2.5"))),
        Row(.decimal(".5"), .exact(.decimal("0.5"))),
        Row(.decimal("-.05"), .exact(.decimal("-0.05"))),
        Row(.decimal("00012.3400"), .exact(.decimal("12.34"))),
        Row(.decimal("+1.25"), .exact(.decimal("1.25"))),
        Row(.decimal("0.000001"), .exact(.decimal("0.000001"))),
        Row(.decimal("12345678901234567890.5"), .exact(.decimal("12345678901234567890.5"))),
        // Exponent forms are DOUBLEs: exact only as integers below 2^53.
        Row(.decimal("4.2e1"), .exact(.integer(42))),
        Row(.decimal("1e3"), .exact(.integer(1000))),
        Row(.decimal("1E+3"), .exact(.integer(1000))),
        Row(.decimal("120e-1"), .exact(.integer(12))),
        Row(.decimal("-5e0"), .exact(.integer(-5))),
        Row(.decimal("0e99999"), .exact(.integer(0))),
        Row(.decimal("9007199254740991e0"), .exact(.integer(9_007_199_254_740_991))),
        Row(.decimal("9007199254740993e0"), .unusable("approximate number")),
        Row(.decimal("1e30"), .unusable("approximate number")),
        Row(.decimal("1e999999999999"), .unusable("approximate number")),
        Row(.decimal("1.5e0"), .unusable("approximate number")),
        Row(.decimal("1e-3"), .unusable("approximate number")),
        Row(.decimal("1.2.3"), .unusable("malformed number")),
        // Strings that are numbers compare as numbers.
        Row(.string("42"), .exact(.integer(42))),
        Row(.string(" 42 "), .exact(.integer(42))),
        Row(.string("\t42\n"), .exact(.integer(42))),
        Row(.string("+042"), .exact(.integer(42))),
        Row(.string("42.000"), .exact(.integer(42))),
        Row(.string("4.2e1"), .exact(.integer(42))),
        Row(.string("-7"), .exact(.integer(-7))),
        Row(.string("-1.50"), .exact(.decimal("-1.5"))),
        Row(.string("1.5e0"), .exact(.decimal("1.5"))),
        Row(.string("123456789012.345"), .exact(.decimal("123456789012.345"))),
        // ... but only where a DOUBLE is exact.
        Row(.string("9007199254740992"), .placement(.integer(9_007_199_254_740_992))),
        Row(.string("18446744073709551615"), .placement(.unsigned(.max))),
        Row(.string("99999999999999999999"), .placement(.string("99999999999999999999"))),
        Row(.string("0.1234567890123456"), .placement(.decimal("0.1234567890123456"))),
        Row(.string("1e-999"), .placement(.string("1e-999"))),
        // Strings that only start like a number: MySQL reads the number against a numeric column.
        Row(.string("42abc"), .placement(.integer(42))),
        Row(.string("42 apples"), .placement(.integer(42))),
        Row(.string("1.5x"), .placement(.decimal("1.5"))),
        Row(.string("0x2A"), .placement(.integer(0))),
        Row(.string("1e"), .placement(.integer(1))),
        Row(.string("42é"), .placement(.integer(42))),
        // Other strings: ASCII case folded, trailing spaces dropped (PAD SPACE).
        Row(.string("abc"), .exact(.string("abc"))),
        Row(.string("ABC"), .exact(.string("abc"))),
        Row(.string("Abc  "), .exact(.string("abc"))),
        Row(.string("  abc"), .exact(.string("  abc"))),
        Row(.string("user@Example.COM"), .exact(.string("user@example.com"))),
        Row(.string(""), .exact(.string(""))),
        Row(.string("   "), .exact(.string(""))),
        Row(.string("-"), .exact(.string("-"))),
        Row(.string("."), .exact(.string("."))),
        Row(.string("e5"), .exact(.string("e5"))),
        Row(.string("- 42"), .exact(.string("- 42"))),
        Row(.string("it's"), .exact(.string("it's"))),
        // Non-ASCII or control characters: a collation may fold or ignore them.
        Row(.string("café"), .placement(.string("café"))),
        Row(.string("CAFÉ  "), .placement(.string("café"))),
        Row(.string("\u{212A}elvin"), .placement(.string("kelvin"))),
        Row(.string("a\u{1}b"), .placement(.string("ab"))),
        Row(.string("a\tb"), .placement(.string("ab"))),
        Row(.string("AB\u{0}"), .placement(.string("ab"))),
        // The rest.
        Row(.null, .unusable("NULL never equals a key")),
        Row(.boolean(true), .exact(.integer(1))),
        Row(.boolean(false), .exact(.integer(0))),
        Row(.hexOrBit("0x2A"), .unusable("hex/bit literal")),
        Row(.hexOrBit("X'2A'"), .unusable("hex/bit literal")),
        Row(.hexOrBit("b'101'"), .unusable("hex/bit literal")),
    ]

    @Test(arguments: rows)
    func normalizes(_ row: Row) {
        let got = KeyValue.normalize(row.literal)
        switch (row.expect, got) {
        case (.exact(let want), .exact(let have)):
            #expect(have == want)
        case (.placement(let want), .placementOnly(let have, let reason)):
            #expect(have == want)
            #expect(!reason.isEmpty)
        case (.unusable(let fragment), .unusable(let reason)):
            #expect(reason.contains(fragment), "reason: \(reason)")
        default:
            Issue.record("\(row.literal): expected \(row.expect), got \(got)")
        }
    }

    @Test func tableIsLarge() {
        #expect(Self.rows.count >= 40)
    }

    /// Literals MySQL compares as equal normalize to one value.
    @Test(arguments: [
        [Literal.integer("42"), .string("42"), .string(" 42 "), .decimal("42.0"), .decimal("4.2e1"), .string("042"), .string("4.2E1")],
        [.integer("1"), .boolean(true), .string("1"), .decimal("1.000")],
        [.integer("0"), .integer("-0"), .boolean(false), .decimal("-0.0"), .string("0"), .string("-0")],
        [.decimal("1.5"), .decimal("1.50"), .string("1.5"), .string("01.500"), .string("15e-1")],
        [.string("abc"), .string("ABC"), .string("aBc   ")],
        [.integer("18446744073709551615"), .decimal("18446744073709551615.0")],
    ])
    func equalLiteralsShareAValue(_ literals: [Literal]) {
        let values = literals.map { literal -> KeyValue? in
            if case .exact(let v) = KeyValue.normalize(literal) { return v }
            return nil
        }
        #expect(!values.contains(nil), "\(literals) -> \(values)")
        #expect(Set(values).count == 1, "\(literals) -> \(values)")
    }

    @Test(arguments: [
        (KeyValue.integer(42), "42"),
        (.integer(-9_223_372_036_854_775_808), "-9223372036854775808"),
        (.unsigned(.max), "18446744073709551615"),
        (.decimal("1.5"), "1.5"),
        (.string("abc"), "'abc'"),
        (.string("it's"), "'it\\'s'"),
        (.string(""), "''"),
    ])
    func display(_ value: KeyValue, _ text: String) {
        #expect(value.display == text)
    }

    @Test func reasonsNameTheLiteral() {
        guard case .placementOnly(_, let reason) = KeyValue.normalize(.string("42abc")) else {
            Issue.record("expected placementOnly"); return
        }
        #expect(reason.contains("'42abc'") && reason.contains("42"))
        guard case .unusable(let r) = KeyValue.normalize(.decimal("1.5e0")) else {
            Issue.record("expected unusable"); return
        }
        #expect(r.contains("1.5e0"))
    }
}
