extension KeyRange {
    /// Parses Vitess-style key range text: `-80`, `80-`, `40-80`, `-` (the whole keyspace).
    ///
    /// Each bound is a hex prefix of 1 to 16 digits, left-aligned in the 64-bit keyspace id
    /// (padded on the right with zeros): `80` and `8` both mean 0x8000000000000000,
    /// `4000000000000001` means 0x4000000000000001. Returns nil for malformed text or an empty range.
    public init?(parsing text: String) {
        guard case .success(let range) = KeyRange.parse(text) else { return nil }
        self = range
    }

    /// The whole keyspace, `-`.
    public static let all = KeyRange(start: 0, end: nil, text: "-")

    /// The bounds as hex, e.g. `[0x0000000000000000, 0x8000000000000000)`; the end of the
    /// keyspace is written `end`.
    public var hexDescription: String {
        "[\(KeyRange.hex(start)), \(end.map(KeyRange.hex) ?? "end"))"
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    struct ParseError: Error, Equatable { var message: String }

    static func parse(_ text: String) -> Result<KeyRange, ParseError> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return .failure(.init(message: "invalid key_range '\(text)': expected Vitess-style hex bounds like '-80', '80-', '40-80', or '-' for the whole keyspace"))
        }
        var bounds: [UInt64?] = []
        for part in parts {
            if part.isEmpty { bounds.append(nil); continue }
            guard let value = parseBound(part) else {
                return .failure(.init(message: "invalid key_range '\(text)': '\(part)' is not a hex prefix of 1 to 16 digits"))
            }
            bounds.append(value)
        }
        let start = bounds[0] ?? 0
        let end = bounds[1]
        if let end, end <= start {
            return .failure(.init(message: "invalid key_range '\(text)': the start must be below the end"))
        }
        return .success(KeyRange(start: start, end: end, text: text))
    }

    /// A 1–16 digit hex prefix, left-aligned (right-padded with zeros) in 64 bits.
    static func parseBound(_ hex: Substring) -> UInt64? {
        guard (1...16).contains(hex.count), hex.allSatisfy(\.isHexDigit) else { return nil }
        return UInt64(hex + String(repeating: "0", count: 16 - hex.count), radix: 16)
    }

    /// Coverage check: the ranges, sorted by start, must cover [0, 2^64) with no gap and no
    /// overlap. Input: (shard name, range, position of its key_range), in file order.
    static func coverageProblems(_ shards: [(name: String, range: KeyRange, position: Position)]) -> [(Position, String)] {
        guard !shards.isEmpty else { return [] }
        let sorted = shards.enumerated().sorted {
            ($0.element.range.start, $0.offset) < ($1.element.range.start, $1.offset)
        }.map(\.element)
        var problems: [(Position, String)] = []
        // `covered`: everything below this is covered; nil = the whole keyspace is.
        var covered: UInt64? = 0
        // The shard reaching furthest so far (for overlap messages).
        var furthest: (name: String, range: KeyRange, position: Position)?
        for shard in sorted {
            guard let reached = covered else {
                guard let other = furthest else { continue }
                problems.append((other.position, "key_range '\(other.range.text)' of shard \(other.name) overlaps '\(shard.range.text)' of shard \(shard.name)"))
                continue
            }
            if shard.range.start > reached {
                problems.append((shard.position, "key ranges leave a gap from \(hex(reached)) to \(hex(shard.range.start))"))
            } else if shard.range.start < reached, let other = furthest {
                problems.append((other.position, "key_range '\(other.range.text)' of shard \(other.name) overlaps '\(shard.range.text)' of shard \(shard.name)"))
            }
            let end = shard.range.end
            if end.map({ $0 > reached }) ?? true {
                covered = end
                furthest = shard
            }
        }
        if let reached = covered, let last = furthest {
            problems.append((last.position, "key ranges leave a gap from \(hex(reached)) to the end of the keyspace"))
        }
        return problems
    }
}
