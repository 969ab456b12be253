/// How the text-protocol values of one result column compare, the way the server compares the
/// underlying values — or a refusal where Sleet cannot know the server's answer.
///
/// Text is the hard part. The column definition's collation id is not the column's collation:
/// when results are converted (always, unless `character_set_results` is NULL) MariaDB and MySQL
/// send the default collation of the result character set — every utf8mb4 text column arrives
/// as 45 (MariaDB) or 255 (MySQL 8), whether it is `_general_ci`, `_unicode_ci`, `_nopad_ci` or
/// `_cs`; only `_bin` collations show, through the BINARY flag. So unless the proxy knows the
/// column's collation (`MergeColumn.collation`), two text values are ordered only when every
/// common collation orders them the same way (see `TextModel`), and refused otherwise.
struct ValueOrdering: Sendable {
    enum Kind: Sendable {
        /// Integers of any size and sign, YEAR, DECIMAL: exact decimal comparison.
        case exact
        /// FLOAT, DOUBLE.
        case approximate
        /// DATE, DATETIME, TIMESTAMP: canonical text, fraction compared digit by digit.
        case datetime
        /// TIME: signed, hours may exceed two digits.
        case time
        /// BIT: big-endian bytes.
        case bit
        /// The NULL type (`SELECT NULL`).
        case nullOnly
        case text(TextRule)
        /// Values that compare only when byte-identical; `what` names them in the refusal.
        case unordered(what: String)
    }

    let kind: Kind
    let column: MergeColumn

    init(column: MergeColumn) {
        self.column = column
        self.kind = ValueOrdering.kind(of: column)
    }

    static func kind(of c: MergeColumn) -> Kind {
        if c.flags & 0x100 != 0 || c.type == 247 { return .unordered(what: "ENUM values (sorted by member position)") }
        if c.flags & 0x800 != 0 || c.type == 248 { return .unordered(what: "SET values (sorted by member bits)") }
        switch c.type {
        case 0, 1, 2, 3, 8, 9, 13, 246: return .exact
        case 4, 5: return .approximate
        case 7, 10, 12, 14, 17, 18: return .datetime
        case 11, 19: return .time
        case 16: return .bit
        case 6: return .nullOnly
        case 15, 249, 250, 251, 252, 253, 254: return .text(TextRule(column: c))
        case 245: return .unordered(what: "JSON values")
        case 255: return .unordered(what: "GEOMETRY values")
        default: return .unordered(what: "values of column type \(c.type)")
        }
    }

    /// <0, 0, >0 as the server orders `a` and `b` ascending; NULL is the smallest value.
    /// `purpose` opens the refusal's reason ("ORDER BY merge", "GROUP BY merge", ...).
    func compare(_ a: [UInt8]?, _ b: [UInt8]?, purpose: String) throws(MergeError) -> Int {
        guard let a else { return b == nil ? 0 : -1 }
        guard let b else { return 1 }
        if a == b { return 0 }
        switch kind {
        case .exact:
            guard let r = DecimalText.compare(a, b) else { throw malformed(purpose) }
            return r
        case .approximate:
            guard let x = ValueOrdering.double(a), let y = ValueOrdering.double(b) else { throw malformed(purpose) }
            return x < y ? -1 : (x > y ? 1 : 0)
        case .datetime:
            guard let r = ValueOrdering.compareDatetime(a, b) else { throw malformed(purpose) }
            return r
        case .time:
            guard let r = ValueOrdering.compareTime(a, b) else { throw malformed(purpose) }
            return r
        case .bit:
            return ValueOrdering.compareBit(a, b)
        case .nullOnly:
            throw malformed(purpose)
        case .text(let rule):
            return try rule.compare(a, b, purpose: purpose)
        case .unordered(let what):
            throw MergeError("\(purpose) of \(what)")
        }
    }

    private func malformed(_ purpose: String) -> MergeError {
        MergeError("\(purpose) of a malformed value in column `\(column.name)` (type \(column.type))")
    }

    // MARK: - Numbers, dates, times, bits

    static func double(_ t: [UInt8]) -> Double? {
        guard !t.isEmpty, t.count < 400,
              t.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2B || $0 == 0x2E || $0 == 0x65 || $0 == 0x45 }),
              let d = Double(String(decoding: t, as: UTF8.self)), d.isFinite else { return nil }
        return d
    }

    /// `YYYY-MM-DD[ hh:mm:ss[.f]]`: the part before the fraction compares as text (fixed width),
    /// the fraction digit by digit with missing digits as 0.
    static func compareDatetime(_ a: [UInt8], _ b: [UInt8]) -> Int? {
        let da = a.firstIndex(of: 0x2E) ?? a.count, db = b.firstIndex(of: 0x2E) ?? b.count
        guard da == db else { return nil }
        for i in 0..<da where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return compareFraction(a[min(da + 1, a.count)...], b[min(db + 1, b.count)...])
    }

    private static func compareFraction(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int? {
        let n = max(a.count, b.count)
        for k in 0..<n {
            let x = k < a.count ? a[a.startIndex + k] : 0x30
            let y = k < b.count ? b[b.startIndex + k] : 0x30
            guard x >= 0x30, x <= 0x39, y >= 0x30, y <= 0x39 else { return nil }
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// `[-]h+:mm:ss[.f]`, compared by signed value.
    static func compareTime(_ a: [UInt8], _ b: [UInt8]) -> Int? {
        struct T { var negative: Bool; var parts: [ArraySlice<UInt8>]; var frac: ArraySlice<UInt8>; var isZero: Bool }
        func parse(_ t: [UInt8]) -> T? {
            var body = t[...]
            var negative = false
            if body.first == 0x2D { negative = true; body = body.dropFirst() }
            var frac: ArraySlice<UInt8> = []
            if let dot = body.firstIndex(of: 0x2E) { frac = body[(dot + 1)...]; body = body[..<dot] }
            let parts = body.split(separator: 0x3A, omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
                  frac.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            let isZero = parts.allSatisfy { $0.allSatisfy { $0 == 0x30 } } && frac.allSatisfy { $0 == 0x30 }
            return T(negative: negative && !isZero, parts: Array(parts), frac: frac, isZero: isZero)
        }
        guard let x = parse(a), let y = parse(b) else { return nil }
        if x.negative != y.negative { return x.negative ? -1 : 1 }
        var m = 0
        for (p, q) in zip(x.parts, y.parts) {
            let p1 = p.drop(while: { $0 == 0x30 }), q1 = q.drop(while: { $0 == 0x30 })
            if p1.count != q1.count { m = p1.count < q1.count ? -1 : 1; break }
            if let i = zip(p1, q1).first(where: { $0.0 != $0.1 }) { m = i.0 < i.1 ? -1 : 1; break }
        }
        if m == 0 { m = compareFraction(x.frac, y.frac) ?? 0 }
        return x.negative ? -m : m
    }

    static func compareBit(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let x = a.drop(while: { $0 == 0 }), y = b.drop(while: { $0 == 0 })
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return 0
    }
}

// MARK: - Text

/// One way a collation orders ASCII text, as measured on MariaDB 10.11 (each printable ASCII
/// character sorted under every collation; tests pin the tables). Control characters and
/// non-ASCII bytes are outside every model but `bytes`.
enum TextModel: Sendable {
    /// `_bin` collations and binary strings: byte order.
    case bytes
    /// `_general_ci`, `latin1_swedish_ci` and the simple 8-bit `_ci` collations: letters fold to
    /// upper case, everything else by code (`_` after `Z`).
    case generalCI
    /// `_unicode_ci`, `_unicode_520_ci` (UCA 4.0.0 / 5.2.0, primary level): punctuation before
    /// digits before letters, in DUCET's order.
    case uca400CI
    /// `_uca1400_ai_ci` / `_as_ci` (UCA 14.0.0): as UCA 4.0.0 except for `` ` `` and `^`.
    case uca1400CI
    /// `latin1_general_cs` and the like: `A a B b ...`, one character at a time.
    case latin1GeneralCS
    /// `_uca1400_as_cs` / `_ai_cs`: UCA 14.0.0 primary weights over the whole string first, then
    /// case (lower before upper).
    case uca1400CS

    static let uca400Order = Array(" `^_-,;:!?.'\"()[]{}@*/\\&#%+<=>|~$0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
    static let uca1400Order = Array(" _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)

    /// Weight of each byte (index) under a model; `invalid` outside printable ASCII.
    static let invalid: UInt16 = .max
    static func table(_ model: TextModel) -> [UInt16] {
        switch model {
        case .bytes: return bytesTable
        case .generalCI: return generalTable
        case .uca400CI: return uca400Table
        case .uca1400CI, .uca1400CS: return uca1400Table
        case .latin1GeneralCS: return latin1CSTable
        }
    }
    private static func upper(_ c: UInt8) -> UInt8 { c >= 0x61 && c <= 0x7A ? c - 0x20 : c }
    private static func printable(_ f: (UInt8) -> UInt16) -> [UInt16] {
        (0...255).map { c in c >= 0x20 && c <= 0x7E ? f(UInt8(c)) : invalid }
    }
    private static func ordered(_ order: [UInt8]) -> [UInt16] {
        var t = [UInt16](repeating: invalid, count: 256)
        for (i, c) in order.enumerated() {
            t[Int(c)] = UInt16(i)
            if c >= 0x41 && c <= 0x5A { t[Int(c) + 0x20] = UInt16(i) }
        }
        return t
    }
    static let bytesTable: [UInt16] = (0...255).map { UInt16($0) }
    static let generalTable = printable { UInt16(upper($0)) }
    static let uca400Table = ordered(uca400Order)
    static let uca1400Table = ordered(uca1400Order)
    static let latin1CSTable = printable { c in
        let u = upper(c)
        return UInt16(u) * 2 + (c >= 0x61 && c <= 0x7A ? 1 : 0)
    }
    /// Tertiary (case) weight for `uca1400CS`: upper case after lower case.
    static let caseTable: [UInt16] = (0...255).map { $0 >= 0x41 && $0 <= 0x5A ? 1 : 0 }

    /// Compare under one single-level weight table, from `start` (the bytes before are identical).
    /// `pad`: PAD SPACE (the shorter value is extended with spaces) or NO PAD (a prefix sorts first).
    static func compare(_ a: [UInt8], _ b: [UInt8], from start: Int, table w: [UInt16], pad: Bool) -> Int {
        let n = min(a.count, b.count)
        var i = start
        while i < n {
            let x = w[Int(a[i])], y = w[Int(b[i])]
            if x != y { return x < y ? -1 : 1 }
            i += 1
        }
        if a.count == b.count { return 0 }
        let aLonger = a.count > b.count
        if !pad { return aLonger ? 1 : -1 }
        let longer = aLonger ? a : b
        let space = w[0x20]
        for k in n..<longer.count {
            let x = w[Int(longer[k])]
            if x != space { return (x < space) == aLonger ? -1 : 1 }
        }
        return 0
    }

    func compare(_ a: [UInt8], _ b: [UInt8], from start: Int, pad: Bool) -> Int {
        let primary = TextModel.compare(a, b, from: start, table: TextModel.table(self), pad: pad)
        guard self == .uca1400CS, primary == 0 else { return primary }
        return TextModel.compare(a, b, from: start, table: TextModel.caseTable, pad: pad)
    }
}

/// The models a text column may be compared under: a comparison stands only when all agree.
struct TextRule: Sendable {
    var models: [TextModel]
    /// PAD SPACE (true) and/or NO PAD (false).
    var pads: [Bool]
    /// Whether bytes >= 0x80 may be compared (byte order is the collation's order for them).
    var nonASCII: Bool
    /// Collation id named in refusals.
    var label: UInt16
    /// Set when the column's known collation is not modelled at all.
    var unmodelled = false

    static let everyCommonCollation: [TextModel] = [.generalCI, .uca400CI, .uca1400CI, .latin1GeneralCS, .uca1400CS]

    init(models: [TextModel], pads: [Bool], nonASCII: Bool, label: UInt16) {
        self.models = models
        self.pads = pads
        self.nonASCII = nonASCII
        self.label = label
    }

    init(column c: MergeColumn) {
        let wire = c.characterSet
        if wire == 63 || c.collation == 63 {
            self.init(models: [.bytes], pads: [false], nonASCII: true, label: 63)
        } else if !Collations.asciiTransparent(wire) {
            self.init(models: [], pads: [], nonASCII: false, label: wire)
            unmodelled = true
        } else if let known = c.collation {
            if let (models, pad) = Collations.modelled(known) {
                let sameEncoding = Collations.sameEncoding(known, wire)
                self.init(models: models, pads: [pad], nonASCII: models == [.bytes] && sameEncoding, label: known)
            } else {
                self.init(models: [], pads: [], nonASCII: false, label: known)
                unmodelled = true
            }
        } else if c.flags & 0x80 != 0 {
            // Some `_bin` collation: byte order, PAD SPACE or not. Its character set may differ
            // from the wire's (latin1_bin sent as utf8mb4), so only ASCII orders the same.
            self.init(models: [.bytes], pads: [true, false], nonASCII: false, label: wire)
        } else {
            self.init(models: TextRule.everyCommonCollation, pads: [true, false], nonASCII: false, label: wire)
        }
    }

    func compare(_ a: [UInt8], _ b: [UInt8], purpose: String) throws(MergeError) -> Int {
        if unmodelled || models.isEmpty {
            throw MergeError("\(purpose) of text under collation \(label), whose order Sleet does not model")
        }
        let n = min(a.count, b.count)
        var start = 0
        while start < n, a[start] == b[start] { start += 1 }
        if !nonASCII, a.contains(where: { $0 >= 0x80 }) || b.contains(where: { $0 >= 0x80 }) {
            throw MergeError("\(purpose) of non-ASCII text under collation \(label)")
        }
        if models != [.bytes] {
            func control(_ t: [UInt8]) -> Bool { t[start...].contains { $0 < 0x20 || $0 == 0x7F } }
            if control(a) || control(b) {
                throw MergeError("\(purpose) of text with control characters under collation \(label)")
            }
        }
        // Fast path: the first difference is two different letters or digits (after case
        // folding): every case-insensitive or case-sensitive model orders them alike
        // (digits before letters, letters alphabetically); only byte order differs (B < a).
        if start < n, !models.contains(.bytes) {
            func key(_ c: UInt8) -> UInt8? {
                switch c {
                case 0x30...0x39: return c
                case 0x41...0x5A: return c
                case 0x61...0x7A: return c - 0x20
                default: return nil
                }
            }
            if let x = key(a[start]), let y = key(b[start]), x != y { return x < y ? -1 : 1 }
        }
        var result: Int? = nil
        for model in models {
            for pad in pads {
                let r = model.compare(a, b, from: start, pad: pad)
                if let result, result != r {
                    throw MergeError("\(purpose) of text whose order depends on the column's collation"
                        + " (letter case, punctuation or trailing spaces), which the result metadata does not carry")
                }
                result = r
            }
        }
        return result ?? 0
    }
}

/// Collation ids: which character set each is in, and which are modelled.
enum Collations {
    /// Character set of every collation id of MariaDB 10.11 below 2048, plus MySQL 8's
    /// (76, 248-250, 255-323), as `id:charset` and `first-last:charset`.
    static let charsetRuns = """
        1:big5 2:latin2 3:dec8 4:cp850 5:latin1 6:hp8 7:koi8r 8:latin1 9:latin2 10:swe7 11:ascii 12:ujis
        13:sjis 14:cp1251 15:latin1 16:hebrew 18:tis620 19:euckr 20:latin7 21:latin2 22:koi8u 23:cp1251
        24:gb2312 25:greek 26:cp1250 27:latin2 28:gbk 29:cp1257 30:latin5 31:latin1 32:armscii8 33:utf8mb3
        34:cp1250 35:ucs2 36:cp866 37:keybcs2 38:macce 39:macroman 40:cp852 41-42:latin7 43:macce 44:cp1250
        45-46:utf8mb4 47-49:latin1 50-52:cp1251 53:macroman 54-55:utf16 56:utf16le 57:cp1256 58-59:cp1257
        60-61:utf32 62:utf16le 63:binary 64:armscii8 65:ascii 66:cp1250 67:cp1256 68:cp866 69:dec8 70:greek
        71:hebrew 72:hp8 73:keybcs2 74:koi8r 75:koi8u 76:utf8mb3 77:latin2 78:latin5 79:latin7 80:cp850
        81:cp852 82:swe7 83:utf8mb3 84:big5 85:euckr 86:gb2312 87:gbk 88:sjis 89:tis620 90:ucs2 91:ujis
        92-93:geostd8 94:latin1 95-96:cp932 97-98:eucjpms 99:cp1250 101-124:utf16 128-151:ucs2 159:ucs2
        160-183:utf32 192-215:utf8mb3 223:utf8mb3 224-247:utf8mb4 248-250:gb18030 255-323:utf8mb4
        576-578:utf8mb3 608-610:utf8mb4 640-642:ucs2 672-674:utf16 736-738:utf32 1025:big5 1027:dec8 1028:cp850
        1030:hp8 1031:koi8r 1032:latin1 1033:latin2 1034:swe7 1035:ascii 1036:ujis 1037:sjis 1040:hebrew
        1042:tis620 1043:euckr 1046:koi8u 1048:gb2312 1049:greek 1050:cp1250 1052:gbk 1054:latin5 1056:armscii8
        1057:utf8mb3 1059:ucs2 1060:cp866 1061:keybcs2 1062:macce 1063:macroman 1064:cp852 1065:latin7
        1067:macce 1069-1070:utf8mb4 1071:latin1 1074-1075:cp1251 1077:macroman 1078-1079:utf16 1080:utf16le
        1081:cp1256 1082-1083:cp1257 1084-1085:utf32 1086:utf16le 1088:armscii8 1089:ascii 1090:cp1250
        1091:cp1256 1092:cp866 1093:dec8 1094:greek 1095:hebrew 1096:hp8 1097:keybcs2 1098:koi8r 1099:koi8u
        1101:latin2 1102:latin5 1103:latin7 1104:cp850 1105:cp852 1106:swe7 1107:utf8mb3 1108:big5 1109:euckr
        1110:gb2312 1111:gbk 1112:sjis 1113:tis620 1114:ucs2 1115:ujis 1116-1117:geostd8 1119-1120:cp932
        1121-1122:eucjpms 1125:utf16 1147:utf16 1152:ucs2 1174:ucs2 1184:utf32 1206:utf32 1216:utf8mb3
        1238:utf8mb3 1248:utf8mb4 1270:utf8mb4
        """

    /// Collations whose ASCII order matched a `TextModel` on MariaDB 10.11 and whose names say
    /// they compare character by character (language tailorings with contractions, Czech,
    /// Turkish, ... are left out): `id:model` with g generalCI, u uca400CI, U uca1400CI,
    /// c latin1GeneralCS, C uca1400CS, b bytes, and a trailing n for NO PAD.
    static let modelledList = """
        3:g 4:g 5:g 7:g 8:g 9:g 11:g 12:g 14:g 15:g 16:g 19:g 21:g 25:g 26:g 27:g 31:g 32:g 33:g 37:g 39:g
        40:g 43:b 44:g 45:g 46:b 47:b 48:g 49:c 50:b 51:g 52:c 53:b 57:g 58:b 59:g 64:b 65:b 66:b 67:b 68:b
        69:b 70:b 71:b 72:b 73:b 74:b 75:b 77:b 78:b 79:b 80:b 81:b 83:b 84:b 85:b 86:b 87:b 89:b 91:b 93:b
        94:g 95:g 96:b 97:g 98:b 99:g 192:u 214:u 224:u 246:u 1027:gn 1028:gn 1031:gn 1032:gn 1033:gn
        1035:gn 1036:gn 1040:gn 1043:gn 1049:gn 1050:gn 1056:gn 1057:gn 1061:gn 1063:gn 1064:gn 1067:bn
        1069:gn 1070:bn 1071:bn 1074:bn 1075:gn 1077:bn 1081:gn 1082:bn 1083:gn 1088:bn 1089:bn 1090:bn
        1091:bn 1092:bn 1093:bn 1094:bn 1095:bn 1096:bn 1097:bn 1098:bn 1099:bn 1101:bn 1102:bn 1103:bn
        1104:bn 1105:bn 1107:bn 1108:bn 1109:bn 1110:bn 1111:bn 1113:bn 1115:bn 1117:bn 1119:gn 1120:bn
        1121:gn 1122:bn 1216:un 1238:un 1248:un 1270:un 2048:U 2049:C 2050:U 2051:C 2052:Un 2053:Cn 2054:Un
        2055:Cn 2304:U 2305:C 2306:U 2307:C 2308:Un 2309:Cn 2310:Un 2311:Cn
        """

    static let charsets: [UInt16: String] = {
        var m: [UInt16: String] = [:]
        for run in charsetRuns.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = run.split(separator: ":")
            let ids = parts[0].split(separator: "-").compactMap { UInt16($0) }
            for id in ids[0]...ids[ids.count - 1] { m[id] = String(parts[1]) }
        }
        return m
    }()

    static let modelledTable: [UInt16: ([TextModel], Bool)] = {
        var m: [UInt16: ([TextModel], Bool)] = [:]
        for item in modelledList.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = item.split(separator: ":")
            guard let id = UInt16(parts[0]) else { continue }
            let code = parts[1]
            let model: TextModel
            switch code.first {
            case "g": model = .generalCI
            case "u": model = .uca400CI
            case "U": model = .uca1400CI
            case "c": model = .latin1GeneralCS
            case "C": model = .uca1400CS
            default: model = .bytes
            }
            m[id] = ([model], !code.hasSuffix("n"))
        }
        // MySQL 8 (NO PAD). The 0900 collations' ASCII order was not measured here: utf8mb4_0900_ai_ci
        // and _as_ci must agree with both UCA tables measured on MariaDB.
        m[255] = ([.uca400CI, .uca1400CI], false)
        m[305] = ([.uca400CI, .uca1400CI], false)
        m[278] = ([.uca1400CS], false)
        m[309] = ([.bytes], false)
        return m
    }()

    static func charset(_ id: UInt16) -> String? {
        if let c = charsets[id] { return c }
        switch id {   // MariaDB's UCA 14.0.0 collations, 256 ids per character set
        case 2048..<2304: return "utf8mb3"
        case 2304..<2560: return "utf8mb4"
        case 2560..<2816: return "ucs2"
        case 2816..<3072: return "utf16"
        case 3072..<3328: return "utf32"
        default: return nil
        }
    }

    /// A wire character set in which bytes below 0x80 are the ASCII characters (not UCS-2/UTF-16/
    /// UTF-32, not swe7, not the Shift-JIS family where 0x5C is the yen sign).
    static func asciiTransparent(_ id: UInt16) -> Bool {
        guard let c = charset(id) else { return false }
        return !["ucs2", "utf16", "utf16le", "utf32", "swe7", "sjis", "cp932"].contains(c)
    }

    static func modelled(_ id: UInt16) -> ([TextModel], Bool)? { modelledTable[id] }

    /// Whether bytes in collation `a`'s character set and in wire collation `b`'s order the same
    /// (same character set, or UTF-8 both: byte order is code point order).
    static func sameEncoding(_ a: UInt16, _ b: UInt16) -> Bool {
        guard let x = charset(a), let y = charset(b) else { return false }
        let utf8: Set<String> = ["utf8mb3", "utf8mb4"]
        return x == y || (utf8.contains(x) && utf8.contains(y))
    }
}
