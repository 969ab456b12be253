import Foundation
import MySQLControl
import SleetConfig
import Testing
import TestSupport

/// The sharding suites (placement and differential) share the `d`-prefixed tables in database `app`,
/// so they run one after the other: both are nested in this serialized suite.
@Suite(.enabled(if: Fleet.shouldRun), .serialized)
struct ShardingSuites {}

/// Config and helpers shared by the sharding suites.
enum Sharding {
    /// `dusers` by `id`, `dorders` by `user_id` (so a user's orders live with the user), `dcountries` on every shard.
    static func configure(_ config: inout SleetConfig) {
        config.tables = Tables(defaultShard: "s0",
                               sharded: ["dusers": ShardedTable(key: "id"), "dorders": ShardedTable(key: "user_id")],
                               reference: ["dcountries"])
    }

    static let tables = ["dorders", "dusers", "dcountries"]

    /// Runs blocking client work (libmysqlclient) on a dedicated thread, never on the cooperative pool.
    static func blocking<T: Sendable>(_ body: @Sendable () throws -> T) async throws -> T {
        try await MySQLClientLibrary.runOnDedicatedThread(name: "it-sharding", body)
    }

    /// Drops the suites' tables on both primaries (directly, whatever state Sleet is in).
    static func dropTables() {
        for port in [Fleet.s0Primary, Fleet.s1Primary] {
            guard let c = try? Fleet.direct(port: port, database: Fleet.database) else { continue }
            for t in tables { _ = try? c.execute("DROP TABLE IF EXISTS \(t)") }
            c.close()
        }
    }

    /// A SQL string literal (the data has no backslashes, but escape them anyway).
    static func quote(_ s: String?) -> String {
        guard let s else { return "NULL" }
        return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }
}

/// SplitMix64: a small, fast, fixed-seed generator, so the data and the corpus are the same on every run.
struct ShardingRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - The data set

/// One deterministic data set, loaded both into an unsharded database (directly on s0) and into the
/// sharded fleet (through Sleet). Shapes chosen to exercise the merge: mixed-case and duplicate names
/// (plus a few non-ASCII ones, on ids 181...200 only, so most name queries can exclude them), NULLs in
/// most columns, many ties, negative numbers, 63-bit keys of both signs, a `_bin` text column.
struct ShardingDataSet: Sendable {
    struct User: Sendable {
        var id: Int64
        var name: String?
        var score: Int?
        var country: String?
        var born: String?
        var balance: String
    }

    struct Order: Sendable {
        var id: Int
        var userID: Int64
        var amount: String
        var status: String?
        var tag: String
        var created: String
    }

    struct Country: Sendable {
        var code: String
        var name: String
        var region: String
    }

    var users: [User] = []
    var orders: [Order] = []
    var countries: [Country] = []

    /// Ids 181...200 carry the non-ASCII names; `asciiNames` is the condition that leaves them out.
    static let nonASCIIIDs: ClosedRange<Int64> = 181...200
    static let asciiNames = "id NOT BETWEEN 181 AND 200"

    static let countryRows: [(String, String, String)] = [
        ("AR", "Argentina", "Americas"), ("AU", "Australia", "Oceania"), ("BR", "Brazil", "Americas"),
        ("CA", "Canada", "Americas"), ("CN", "China", "Asia"), ("DE", "Germany", "Europe"),
        ("EG", "Egypt", "Africa"), ("ES", "Spain", "Europe"), ("FR", "France", "Europe"),
        ("GB", "United Kingdom", "Europe"), ("IN", "India", "Asia"), ("IT", "Italy", "Europe"),
        ("JP", "Japan", "Asia"), ("KE", "Kenya", "Africa"), ("MX", "Mexico", "Americas"),
        ("NG", "Nigeria", "Africa"), ("NZ", "New Zealand", "Oceania"), ("PL", "Poland", "Europe"),
        ("US", "United States", "Americas"), ("ZA", "South Africa", "Africa"),
    ]

    /// ASCII names: case variants, a trailing space ('Mia ' equals 'Mia' under PAD SPACE), an empty string, quotes.
    static let asciiNamePool = [
        "alice", "Alice", "ALICE", "bob", "Bob", "carol", "Carol", "dave", "Eve", "eve", "frank", "Grace",
        "heidi", "Ivan", "judy", "Mallory", "mallory", "oscar", "Peggy", "trent", "Victor", "walter",
        "Mia", "Mia ", "", "O'Brien", "van der Berg", "zed", "Zed", "bob",
    ]
    static let nonASCIINamePool = ["Zoë", "zoe", "Émile", "emile", "Ángel", "angel", "李雷", "Ñandú", "nandu", "Ñandu"]
    static let statuses = ["paid", "pending", "shipped", "cancelled", "refunded"]
    /// `tag` is `utf8mb4_bin`: 'B' < 'a' there.
    static let tags = ["A", "a", "B", "b", "Zed", "zed", "m", "M"]
    static let tiedTimestamps = ["2023-03-01 12:00:00", "2023-07-15 08:30:00", "2024-01-01 00:00:00",
                                 "2024-02-29 23:59:59", "2024-06-30 18:45:10"]

    static let createStatements = [
        "CREATE TABLE dcountries (code CHAR(2) NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, region VARCHAR(20) NOT NULL) "
            + "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        "CREATE TABLE dusers (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(40) NULL, score INT NULL, country CHAR(2) NULL, "
            + "born DATE NULL, balance DECIMAL(12,2) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        "CREATE TABLE dorders (id INT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, amount DECIMAL(10,2) NOT NULL, "
            + "status VARCHAR(16) NULL, tag VARCHAR(8) COLLATE utf8mb4_bin NOT NULL, created DATETIME NOT NULL, KEY (user_id)) "
            + "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
    ]

    static func generate(seed: UInt64 = 0x5EED_D1FF) -> ShardingDataSet {
        var rng = ShardingRNG(seed: seed)
        var data = ShardingDataSet()
        data.countries = countryRows.map { Country(code: $0.0, name: $0.1, region: $0.2) }

        // Users: 201 dense ids (so ranges mean something; 0 is what a non-numeric string equals), 300 random
        // 63-bit ids of both signs.
        var ids: [Int64] = Array(0...200)
        var seen = Set(ids)
        while ids.count < 501 {
            let id = Int64(bitPattern: rng.next())
            if seen.insert(id).inserted { ids.append(id) }
        }
        for id in ids {
            let name: String?
            if nonASCIIIDs.contains(id) {
                name = nonASCIINamePool[Int(rng.next() % UInt64(nonASCIINamePool.count))]
            } else {
                name = rng.next() % 100 < 8 ? nil : asciiNamePool[Int(rng.next() % UInt64(asciiNamePool.count))]
            }
            let score: Int? = rng.next() % 100 < 10 ? nil : Int(rng.next() % 141) - 20
            let roll = rng.next() % 100
            let country: String? = roll < 8 ? nil : roll < 12 ? "XX" : countryRows[Int(rng.next() % UInt64(countryRows.count))].0
            let born: String? = rng.next() % 100 < 10 ? nil : date(daysSince1970: -7305 + Int(rng.next() % 21915))
            let balance: String
            switch rng.next() % 10 {
            case 0: balance = "0.00"
            case 1: balance = "100.00"
            default: balance = cents(Int(rng.next() % 10_100_000) - 100_000)
            }
            data.users.append(User(id: id, name: name, score: score, country: country, born: born, balance: balance))
        }

        // Orders: 30% on 20 heavy users, 67% spread, 3% for user ids with no user.
        for oid in 1...2000 {
            let r = rng.next() % 100
            let userID: Int64
            if r < 30 {
                userID = data.users[1 + Int(rng.next() % 20) * 25].id
            } else if r < 97 {
                userID = data.users[Int(rng.next() % UInt64(data.users.count))].id
            } else {
                userID = Int64(bitPattern: rng.next())
            }
            let amount = rng.next() % 10 == 0 ? ["9.99", "19.99", "0.00"][Int(rng.next() % 3)]
                                              : cents(Int(rng.next() % 105_000) - 5_000)
            let status: String? = rng.next() % 100 < 3 ? nil : statuses[Int(rng.next() % UInt64(statuses.count))]
            let tag = tags[Int(rng.next() % UInt64(tags.count))]
            let created = rng.next() % 10 == 0
                ? tiedTimestamps[Int(rng.next() % UInt64(tiedTimestamps.count))]
                : datetime(secondsSince2023: Int(rng.next() % (2 * 365 * 86_400)))
            data.orders.append(Order(id: oid, userID: userID, amount: amount, status: status, tag: tag, created: created))
        }
        return data
    }

    /// INSERT statements for all three tables (multi-row, `batch` rows each).
    func insertStatements(batch: Int = 100) -> [String] {
        var out: [String] = []
        out.append("INSERT INTO dcountries (code, name, region) VALUES "
                   + countries.map { "(\(Sharding.quote($0.code)), \(Sharding.quote($0.name)), \(Sharding.quote($0.region)))" }.joined(separator: ", "))
        for start in stride(from: 0, to: users.count, by: batch) {
            let rows = users[start..<min(start + batch, users.count)].map { u in
                "(\(u.id), \(Sharding.quote(u.name)), \(u.score.map(String.init) ?? "NULL"), \(Sharding.quote(u.country)), \(Sharding.quote(u.born)), \(u.balance))"
            }
            out.append("INSERT INTO dusers (id, name, score, country, born, balance) VALUES " + rows.joined(separator: ", "))
        }
        for start in stride(from: 0, to: orders.count, by: batch) {
            let rows = orders[start..<min(start + batch, orders.count)].map { o in
                "(\(o.id), \(o.userID), \(o.amount), \(Sharding.quote(o.status)), \(Sharding.quote(o.tag)), \(Sharding.quote(o.created)))"
            }
            out.append("INSERT INTO dorders (id, user_id, amount, status, tag, created) VALUES " + rows.joined(separator: ", "))
        }
        return out
    }

    /// `-1234` -> `-12.34`.
    static func cents(_ c: Int) -> String {
        let a = abs(c)
        let frac = a % 100
        return (c < 0 ? "-" : "") + "\(a / 100)." + (frac < 10 ? "0" : "") + "\(frac)"
    }

    /// Proleptic Gregorian date of a day number (days since 1970-01-01), as `YYYY-MM-DD`.
    static func date(daysSince1970 days: Int) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return "\(y)-\(pad2(m))-\(pad2(d))"
    }

    static func datetime(secondsSince2023 s: Int) -> String {
        let day = date(daysSince1970: 19358 + s / 86_400)  // 2023-01-01 is day 19358
        let t = s % 86_400
        return "\(day) \(pad2(t / 3600)):\(pad2(t / 60 % 60)):\(pad2(t % 60))"
    }

    static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

// MARK: - The corpus

/// One SELECT of the differential corpus and how its two answers are compared.
struct CorpusEntry: Sendable, CustomStringConvertible {
    enum Compare: Sendable {
        /// The ORDER BY makes the order total: the rows must be the same list.
        case ordered
        /// No (total) order: the rows must be the same multiset.
        case unordered
        /// ORDER BY with ties: the listed (0-based) columns must be the same list; the rows the same
        /// multiset, or with `among` (the statement without its LIMIT) the same count and each row one of those.
        case orderedBy([Int], among: String?)
        /// LIMIT without ORDER BY: the same number of rows, each one of the rows `among` returns.
        case sample(among: String)
    }

    var category: String
    var sql: String
    var compare: Compare
    /// Columns compared under utf8mb4_general_ci equality (case, accents and trailing spaces folded):
    /// the value a server shows for a GROUP BY group of such names is any one of the group's spellings.
    var folded: Set<Int> = []
    /// Session statements run first on a fresh pair of connections (direct and through Sleet), for
    /// statements whose answer depends on session state; empty: the shared connections.
    var setup: [String] = []

    var description: String { setup.isEmpty ? sql : setup.joined(separator: "; ") + "; " + sql }
}

enum ShardingCorpus {
    /// Every statement of the corpus: each must get Sleet's exact single-server answer, or error 1235.
    static func statements(for data: ShardingDataSet) -> [CorpusEntry] {
        var out: [CorpusEntry] = []
        func add(_ category: String, _ sql: String, _ compare: CorpusEntry.Compare = .ordered, folded: Set<Int> = [], setup: [String] = []) {
            out.append(CorpusEntry(category: category, sql: sql, compare: compare, folded: folded, setup: setup))
        }
        var rng = ShardingRNG(seed: 0xC0_4B05)
        let users = data.users
        let known = Set(users.map(\.id))
        // Users with the most orders (ties by id), for statements pinned to one key.
        var orderCount: [Int64: Int] = [:]
        for o in data.orders { orderCount[o.userID, default: 0] += 1 }
        let heavy = orderCount.filter { known.contains($0.key) }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(12).map(\.key)
        let orphan = data.orders.map(\.userID).first { !known.contains($0) }!
        func pick() -> Int64 { users[Int(rng.next() % UInt64(users.count))].id }
        func picks(_ n: Int) -> [Int64] { (0..<n).map { _ in pick() } }
        func list(_ ids: [Int64]) -> String { ids.map(String.init).joined(separator: ", ") }
        let missing: [Int64] = [201, -1, 4_242_424_242_424_242, Int64.max]
        let dense: [Int64] = [1, 2, 7, 42, 99, 150, 187, 200]
        let random = users[201...].prefix(12).map(\.id)
        let ascii = ShardingDataSet.asciiNames
        let userCols = "id, name, score, country, born, balance"

        // Point lookups: one shard.
        for k in dense + random { add("point", "SELECT \(userCols) FROM dusers WHERE id = \(k)") }
        for k in missing { add("point", "SELECT \(userCols) FROM dusers WHERE id = \(k)") }
        for k in [random[0], dense[3], random[5]] { add("point", "SELECT * FROM dusers WHERE id = \(k)") }
        add("point", "SELECT name, score FROM dusers WHERE id = '42'")
        add("point", "SELECT name, score FROM dusers WHERE id = ' 7'")
        add("point", "SELECT name, score FROM dusers WHERE id = '0099'")
        add("point", "SELECT name FROM dusers WHERE id = 150.0")
        add("point", "SELECT name FROM dusers WHERE id = 1.5e2")
        add("point", "SELECT name FROM dusers WHERE id <=> \(random[1])")
        add("point", "SELECT name FROM dusers WHERE \(random[2]) = id")
        add("point", "SELECT u.id, u.name FROM dusers AS u WHERE u.id = \(random[3])")
        add("point", "SELECT dusers.name FROM dusers WHERE dusers.id = \(random[4])")
        add("point", "SELECT id, score FROM dusers WHERE (id = \(dense[4])) AND score IS NOT NULL")
        add("point", "SELECT id, name FROM dusers WHERE id = \(random[6]) AND name LIKE '%a%'")
        add("point", "SELECT `id`, `name` FROM `dusers` WHERE `id` = \(random[7])")
        add("point", "SELECT id, name /* WHERE id = 1 */ FROM dusers WHERE id = \(random[8]) -- id = 2")
        add("point", "SELECT id, name FROM dusers WHERE id = '\(random[9])'")      // a string beyond 2^53: scattered
        add("point", "SELECT id, name FROM dusers WHERE id = '12abc'")                // compared as 12 (with a warning): scattered
        add("point", "SELECT id, name FROM dusers WHERE id = 0x0C")                   // hex: 12 in numeric context
        add("point", "SELECT id, name FROM dusers WHERE id = -9223372036854775808")
        // A string that is not a number equals 0 against a BIGINT column (with a warning).
        add("point", "SELECT id, name FROM dusers WHERE id = ''")
        add("point", "SELECT id, name FROM dusers WHERE id = 'zero'")
        add("point", "SELECT id, name FROM dusers WHERE id IN ('a', 'b') ORDER BY id")
        add("point", "SELECT id, name FROM dusers WHERE id = '0x0A'")
        add("point", "SELECT id, name FROM dusers WHERE id = '1e1'")
        add("point", "SELECT id, name FROM dusers WHERE id = '10.0'")
        add("point", "SELECT id, name FROM dusers WHERE id = 10.4")
        add("point", "SELECT id, name FROM dusers WHERE id = TRUE")
        add("point", "SELECT id, name FROM dusers WHERE id = -0")
        add("point", "SELECT id, name FROM dusers WHERE id = '  42  '")
        add("point", "SELECT id, name FROM dusers WHERE id = '4.2e1'")
        add("point", "SELECT id, name FROM dusers WHERE id = '+42'")
        add("point", "SELECT id, name FROM dusers WHERE id = _utf8mb4'42'")
        add("point", "SELECT id, name FROM dusers WHERE id = X'2A'")
        add("point", "SELECT id, name FROM dusers WHERE id = b'101010'")
        add("point", "SELECT id, name FROM dusers WHERE id = 5.0e0")
        add("point", "SELECT id, name FROM dusers WHERE id = 9223372036854775807.0")
        add("point", "SELECT id, name FROM dusers WHERE id = 18446744073709551615")
        add("point", "SELECT id, name FROM dusers WHERE id = NULL")
        add("point", "SELECT id, name FROM dusers WHERE id IN (NULL, 5) ORDER BY id")
        add("point", "SELECT id, name FROM dusers WHERE id = 5 AND (score > 0 OR id = 7)")
        add("point", "SELECT id, name FROM dusers WHERE id IN (5, 7) AND id = 7")
        add("point", "SELECT id, name FROM dusers WHERE id = 5 OR 1 = 1 ORDER BY id LIMIT 3")
        add("point", "SELECT id, 'WHERE id = 5' AS s FROM dusers WHERE id = \(random[10])")
        add("point", "SELECT * FROM dusers AS dorders WHERE dorders.id = \(random[11])")
        add("point", "SELECT * FROM dorders AS dusers WHERE dusers.id = 17")
        // How the key literal is spelled.
        add("point", "SELECT id, name FROM dusers WHERE id = \"42\"")
        add("point", "SELECT id, name FROM dusers WHERE id=\(random.first { $0 < 0 }!)")
        add("point", "SELECT id, name FROM dusers WHERE id=+42")
        add("point", "SELECT id, name FROM dusers WHERE id = 42.")
        add("point", "SELECT id, name FROM dusers WHERE id = .42e2")
        add("point", "SELECT id, name FROM dusers WHERE id = 0042")
        add("point", "SELECT id, name FROM dusers WHERE id = -9223372036854775809")
        add("point", "SELECT id, name FROM dusers WHERE id = '\\t42'")
        add("point", "SELECT id, name FROM dusers WHERE id = '\\n42'")
        add("point", "SELECT id, name FROM dusers WHERE id = '42 '")
        add("point", "SELECT id, name FROM dusers WHERE id = '0e5'")
        add("point", "SELECT id, name FROM dusers WHERE id = '-0'")
        add("point", "SELECT id, name FROM dusers WHERE (id, name) IN ((5, 'x'), (\(dense[1]), \(Sharding.quote(users[2].name))))", .unordered)
        add("point", "SELECT id, amount FROM dorders WHERE user_id = '\(heavy[0])' ORDER BY id")

        // A user's orders: one shard.
        for k in heavy.prefix(8) { add("orders-of-user", "SELECT id, amount, status, tag, created FROM dorders WHERE user_id = \(k) ORDER BY id") }
        add("orders-of-user", "SELECT id, amount FROM dorders WHERE user_id = \(orphan) ORDER BY id")
        for k in heavy.prefix(4) {
            add("orders-of-user", "SELECT COUNT(*), SUM(amount), MIN(amount), MAX(amount), MIN(created), MAX(created) FROM dorders WHERE user_id = \(k)")
        }
        for k in heavy.prefix(3) { add("orders-of-user", "SELECT AVG(amount), COUNT(DISTINCT status) FROM dorders WHERE user_id = \(k)") }
        for k in heavy.prefix(2) { add("orders-of-user", "SELECT DISTINCT status FROM dorders WHERE user_id = \(k)", .unordered) }
        add("orders-of-user", "SELECT status, COUNT(*) AS n FROM dorders WHERE user_id = \(heavy[0]) GROUP BY status HAVING COUNT(*) > 1", .unordered)
        add("orders-of-user", "SELECT id, amount FROM dorders WHERE user_id = \(heavy[1]) ORDER BY amount DESC, id LIMIT 3")
        add("orders-of-user", "SELECT id FROM dorders WHERE user_id = \(heavy[2])", .unordered)

        // IN lists and ORs across shards (Sleet rewrites the list per shard).
        for n in [2, 3, 5, 8, 12, 20] { add("in-list", "SELECT id, name, score FROM dusers WHERE id IN (\(list(picks(n)))) ORDER BY id") }
        for n in [4, 9] { add("in-list", "SELECT id, name, score FROM dusers WHERE id IN (\(list(picks(n))))", .unordered) }
        add("in-list", "SELECT * FROM dusers WHERE id IN (\(list(picks(6)))) ORDER BY id")
        add("in-list", "SELECT id, name FROM dusers WHERE id IN (\(list([random[0], random[0], 201, random[1], -1, random[2]]))) ORDER BY id")
        add("in-list", "SELECT id, name FROM dusers WHERE id IN ('3', '\(dense[3])', 77) ORDER BY id")
        add("in-list", "SELECT id, name FROM dusers WHERE id IN (\(list(missing))) ORDER BY id")
        add("in-list", "SELECT id, score FROM dusers WHERE id IN (\(list(picks(10)))) ORDER BY score DESC, id LIMIT 3")
        add("in-list", "SELECT id, score FROM dusers WHERE id IN (\(list(picks(10)))) ORDER BY id LIMIT 2, 3")
        add("in-list", "SELECT id, score FROM dusers WHERE id IN (\(list(picks(10)))) ORDER BY id DESC LIMIT 4")
        add("in-list", "SELECT COUNT(*), SUM(score), MIN(balance), MAX(balance) FROM dusers WHERE id IN (\(list(picks(15))))")
        add("in-list", "SELECT COUNT(*), COUNT(name), MIN(id), MAX(id) FROM dusers WHERE id IN (\(list(random)))")
        add("in-list", "SELECT id, name FROM dusers WHERE id = \(random[3]) OR id = \(random[4]) OR id = \(dense[0]) ORDER BY id")
        add("in-list", "SELECT id, name FROM dusers WHERE (id = \(random[5]) OR id IN (\(random[6]), \(random[7]))) AND score IS NOT NULL ORDER BY id")
        add("in-list", "SELECT id, name FROM dusers WHERE id IN (\(list(picks(8)))) AND score > 30 ORDER BY id")
        add("in-list", "SELECT id, amount FROM dorders WHERE user_id IN (\(list(Array(heavy.prefix(5))))) ORDER BY id")
        add("in-list", "SELECT id, user_id, amount FROM dorders WHERE user_id IN (\(list(Array(heavy.suffix(6))))) ORDER BY amount DESC, id LIMIT 5, 5")
        add("in-list", "SELECT user_id, COUNT(*), SUM(amount) FROM dorders WHERE user_id IN (\(list(Array(heavy.prefix(6))))) GROUP BY user_id ORDER BY user_id")
        add("in-list", "SELECT user_id, MAX(created) FROM dorders WHERE user_id IN (\(list(Array(heavy)))) GROUP BY user_id", .unordered)
        add("in-list", "SELECT id FROM dusers WHERE id NOT IN (1, 2, 3, \(random[0])) ORDER BY id LIMIT 10")

        // Ranges (no key equality: every shard).
        add("range", "SELECT id, score FROM dusers WHERE id BETWEEN 10 AND 40 ORDER BY id")
        add("range", "SELECT id, name FROM dusers WHERE id > 190 AND id <= 200 ORDER BY id DESC")
        add("range", "SELECT id, score FROM dusers WHERE id < 0 ORDER BY id")
        add("range", "SELECT id FROM dusers WHERE id > 4611686018427387904 ORDER BY id")
        add("range", "SELECT id FROM dusers WHERE id < -4611686018427387904 ORDER BY id DESC")
        add("range", "SELECT id, score FROM dusers WHERE score BETWEEN 10 AND 20 ORDER BY score, id")
        add("range", "SELECT id, born FROM dusers WHERE born >= '1990-01-01' AND born < '1995-01-01' ORDER BY born, id")
        add("range", "SELECT id, created FROM dorders WHERE created >= '2024-06-01' ORDER BY created, id")
        add("range", "SELECT id, amount FROM dorders WHERE amount > 900 ORDER BY amount DESC, id")
        add("range", "SELECT id, amount FROM dorders WHERE amount < 0 AND amount >= -10 ORDER BY amount, id")
        add("range", "SELECT id, name FROM dusers WHERE name >= 'm' AND name < 'p' AND \(ascii) ORDER BY name, id")
        add("range", "SELECT id, name FROM dusers WHERE name LIKE 'b%' ORDER BY name, id")
        add("range", "SELECT id, balance FROM dusers WHERE balance < 0 ORDER BY balance, id")
        add("range", "SELECT id, name, score FROM dusers WHERE id = 5 OR score > 115 ORDER BY id")
        add("range", "SELECT id, tag FROM dorders WHERE tag = 'a' ORDER BY id")
        add("range", "SELECT id, tag FROM dorders WHERE tag > 'Z' ORDER BY tag, id")

        // Scatter with ORDER BY (total: ties broken by a unique column).
        let scatterOrders = [
            "SELECT id, score FROM dusers ORDER BY id",
            "SELECT id, score FROM dusers ORDER BY id DESC",
            "SELECT id, score FROM dusers ORDER BY score, id",
            "SELECT id, score FROM dusers ORDER BY score DESC, id",
            "SELECT id, score FROM dusers ORDER BY score DESC, id DESC",
            "SELECT id, balance FROM dusers ORDER BY balance, id",
            "SELECT id, balance FROM dusers ORDER BY balance DESC, id",
            "SELECT id, user_id, amount FROM dorders ORDER BY amount, id",
            "SELECT id, user_id, amount FROM dorders ORDER BY amount DESC, id DESC",
            "SELECT id, user_id FROM dorders ORDER BY user_id, id",
            "SELECT id, name FROM dusers WHERE \(ascii) ORDER BY name, id",
            "SELECT id, name FROM dusers WHERE \(ascii) ORDER BY name DESC, id",
            "SELECT id, name FROM dusers WHERE \(ascii) ORDER BY name DESC, id DESC",
            "SELECT id, name FROM dusers ORDER BY name, id",
            "SELECT id, name FROM dusers WHERE id BETWEEN 181 AND 200 ORDER BY name, id",
            "SELECT id, tag FROM dorders ORDER BY tag, id",
            "SELECT id, tag FROM dorders ORDER BY tag DESC, id",
            "SELECT id, status FROM dorders ORDER BY status, id",
            "SELECT id, status FROM dorders ORDER BY status DESC, id",
            "SELECT id, country FROM dusers ORDER BY country, id",
            "SELECT id, country FROM dusers ORDER BY country DESC, id DESC",
            "SELECT id, born FROM dusers ORDER BY born, id",
            "SELECT id, born FROM dusers ORDER BY born DESC, id",
            "SELECT id, created FROM dorders ORDER BY created, id",
            "SELECT id, created FROM dorders ORDER BY created DESC, id",
            "SELECT id, country, score FROM dusers ORDER BY country, score DESC, id",
            "SELECT user_id, status, amount, id FROM dorders ORDER BY user_id, status, amount DESC, id",
            "SELECT id, status, created FROM dorders ORDER BY status, created DESC, id",
            "SELECT id, tag, amount FROM dorders ORDER BY tag DESC, amount, id",
            "SELECT id, score FROM dusers ORDER BY 2, 1",
            "SELECT id, score FROM dusers ORDER BY 2 DESC, 1",
            "SELECT id AS uid, score AS s FROM dusers ORDER BY s, uid",
            "SELECT id, score * 2 AS double_score FROM dusers ORDER BY double_score, id",
            "SELECT id, amount * 3 AS tripled FROM dorders ORDER BY tripled DESC, id",
            "SELECT id, LOWER(name) AS lname FROM dusers WHERE \(ascii) ORDER BY lname, id",
            "SELECT id, CAST(score AS CHAR) AS sc FROM dusers ORDER BY sc, id",
            "SELECT id, name IS NULL AS no_name FROM dusers ORDER BY no_name, id",
            "SELECT id, YEAR(born) AS y FROM dusers ORDER BY y, id",
            "SELECT id, DATE(created) AS d FROM dorders ORDER BY d DESC, id",
            "SELECT * FROM dusers ORDER BY id",
            "SELECT * FROM dorders ORDER BY created, id",
            "SELECT * FROM dusers ORDER BY score DESC, id",
            "SELECT u.id, u.score FROM dusers u ORDER BY u.score, u.id",
            "SELECT dusers.id, dusers.name FROM dusers WHERE \(ascii) ORDER BY dusers.name DESC, dusers.id",
            "SELECT id, amount FROM dorders WHERE status = 'paid' ORDER BY amount, id",
            "SELECT id, amount, status FROM dorders WHERE status IN ('pending', 'refunded') ORDER BY status, amount DESC, id",
            "SELECT id, score FROM dusers WHERE score IS NULL ORDER BY id",
            "SELECT id, name FROM dusers WHERE name IS NULL OR name = '' ORDER BY name, id",
            "SELECT id, name FROM dusers WHERE name = 'mia' ORDER BY id",
            "SELECT id, name FROM dusers WHERE name = 'ALICE' ORDER BY name, id",
            "SELECT id FROM dusers ORDER BY score, id",
            "SELECT id, name FROM dusers ORDER BY name COLLATE utf8mb4_bin, id",
            "SELECT id, -score AS score FROM dusers ORDER BY score, id",
            "SELECT id AS score, score AS id FROM dusers ORDER BY id, score",
            "SELECT id, score FROM dusers u ORDER BY u.score DESC, u.id",
            "SELECT *, score AS s FROM dusers ORDER BY s, id",
            "SELECT * FROM dorders ORDER BY 3 DESC, 1",
            "SELECT *, amount * 2 AS x FROM dorders ORDER BY 7, 1",
            "SELECT id, score / 3e0 AS d FROM dusers ORDER BY d, id",
            "SELECT id, TIME(created) AS t FROM dorders ORDER BY t, id",
            "SELECT id, TIMEDIFF(created, '2024-01-01 00:00:00') AS td FROM dorders ORDER BY td DESC, id",
        ]
        for s in scatterOrders { add("order-by", s) }
        add("order-by", "SELECT id, score FROM dusers ORDER BY score", .orderedBy([1], among: nil))
        add("order-by", "SELECT id, status FROM dorders ORDER BY status DESC", .orderedBy([1], among: nil))
        add("order-by", "SELECT id, user_id, created FROM dorders ORDER BY created", .orderedBy([2], among: nil))
        add("order-by", "SELECT id, name FROM dusers WHERE \(ascii) ORDER BY name", .orderedBy([1], among: nil), folded: [1])

        // LIMIT / OFFSET after the merge.
        let limits = [
            "SELECT id, score FROM dusers ORDER BY id LIMIT 10",
            "SELECT id, score FROM dusers ORDER BY id LIMIT 5, 10",
            "SELECT id, score FROM dusers ORDER BY id LIMIT 10 OFFSET 5",
            "SELECT id, score FROM dusers ORDER BY id LIMIT 0",
            "SELECT id, score FROM dusers ORDER BY id LIMIT 1",
            "SELECT id, score FROM dusers ORDER BY id DESC LIMIT 1",
            "SELECT id, score FROM dusers ORDER BY id LIMIT 495, 10",
            "SELECT id, score FROM dusers ORDER BY id LIMIT 1000, 10",
            "SELECT id, score FROM dusers ORDER BY id LIMIT 1000",
            "SELECT id, score FROM dusers ORDER BY id LIMIT 250, 250",
            "SELECT id, score FROM dusers ORDER BY score DESC, id LIMIT 7",
            "SELECT id, score FROM dusers ORDER BY score, id LIMIT 20 OFFSET 40",
            "SELECT id, amount FROM dorders ORDER BY amount DESC, id LIMIT 25",
            "SELECT id, amount FROM dorders ORDER BY amount, id LIMIT 3, 4",
            "SELECT id, created FROM dorders ORDER BY created, id LIMIT 10 OFFSET 1990",
            "SELECT id, tag FROM dorders ORDER BY tag, id LIMIT 30",
            "SELECT id, status, amount FROM dorders ORDER BY status, amount, id LIMIT 15 OFFSET 3",
            "SELECT id, name FROM dusers WHERE \(ascii) ORDER BY name DESC, id LIMIT 10",
            "SELECT id, born FROM dusers ORDER BY born, id LIMIT 60",
            "SELECT * FROM dusers ORDER BY balance DESC, id LIMIT 5",
            "SELECT id, score FROM dusers WHERE score > 100 ORDER BY score DESC, id LIMIT 2, 2",
            "SELECT id FROM dusers ORDER BY id LIMIT 9223372036854775807",
            "SELECT id FROM dusers ORDER BY id LIMIT 495, 18446744073709551615",
            "SELECT COUNT(*) FROM dusers LIMIT 3, 9223372036854775807",
        ]
        for s in limits { add("limit", s) }
        add("limit", "SELECT id, name FROM dusers LIMIT 10", .sample(among: "SELECT id, name FROM dusers"))
        add("limit", "SELECT id, name FROM dusers LIMIT 3, 5", .sample(among: "SELECT id, name FROM dusers"))
        add("limit", "SELECT id FROM dorders WHERE status = 'paid' LIMIT 50", .sample(among: "SELECT id FROM dorders WHERE status = 'paid'"))
        add("limit", "SELECT * FROM dorders LIMIT 0", .sample(among: "SELECT * FROM dorders"))
        add("limit", "SELECT id FROM dusers LIMIT 9223372036854775807 OFFSET 0", .sample(among: "SELECT id FROM dusers"))
        add("limit", "SELECT id, score FROM dusers ORDER BY score DESC LIMIT 10",
            .orderedBy([1], among: "SELECT id, score FROM dusers"))
        add("limit", "SELECT id, amount FROM dorders ORDER BY amount LIMIT 5, 10",
            .orderedBy([1], among: "SELECT id, amount FROM dorders"))

        // Aggregates without GROUP BY.
        let aggregates = [
            "SELECT COUNT(*) FROM dusers",
            "SELECT COUNT(*) FROM dorders",
            "SELECT COUNT(1) FROM dorders",
            "SELECT COUNT(name), COUNT(score), COUNT(country), COUNT(born) FROM dusers",
            "SELECT SUM(score), MIN(score), MAX(score) FROM dusers",
            "SELECT COUNT(*), COUNT(score), SUM(score), MIN(score), MAX(score) FROM dusers",
            "SELECT MIN(id), MAX(id) FROM dusers",
            "SELECT SUM(id) FROM dusers",
            "SELECT SUM(user_id) FROM dorders",
            "SELECT MIN(balance), MAX(balance), SUM(balance) FROM dusers",
            "SELECT MIN(born), MAX(born) FROM dusers",
            "SELECT MIN(name), MAX(name) FROM dusers WHERE \(ascii)",
            "SELECT MIN(name), MAX(name) FROM dusers",
            "SELECT MIN(country), MAX(country) FROM dusers",
            "SELECT SUM(amount), MIN(amount), MAX(amount) FROM dorders",
            "SELECT MIN(created), MAX(created) FROM dorders",
            "SELECT COUNT(status), MIN(status), MAX(status) FROM dorders",
            "SELECT MIN(tag), MAX(tag) FROM dorders",
            "SELECT COUNT(*) AS n, SUM(amount) AS total FROM dorders WHERE status = 'paid'",
            "SELECT COUNT(*), SUM(amount) FROM dorders WHERE amount < 0",
            "SELECT COUNT(*), MIN(created) FROM dorders WHERE created >= '2024-01-01'",
            "SELECT COUNT(*), SUM(score), MIN(score), MAX(name) FROM dusers WHERE score IS NULL",
            "SELECT COUNT(*), SUM(balance) FROM dusers WHERE id < 0",
            "SELECT COUNT(*), SUM(score), MIN(score), MAX(born) FROM dusers WHERE score > 1000",
            "SELECT 'all' AS scope, COUNT(*) FROM dorders",
            "SELECT SUM(score * 2), SUM(amount * 1.5) FROM dusers JOIN dorders ON dorders.user_id = dusers.id WHERE dusers.id = \(heavy[0]) AND dorders.user_id = \(heavy[0])",
            "SELECT SUM(amount * 1.5), SUM(-amount) FROM dorders",
            "SELECT SUM(amount / 3) FROM dorders",
            "SELECT status, SUM(amount / 3) FROM dorders GROUP BY status ORDER BY status",
            "SELECT MIN(created), MAX(created) FROM dorders WHERE status IS NULL",
            "SELECT COUNT(*) FROM dusers u JOIN dcountries c ON c.code = u.country WHERE c.region = 'Europe'",
            "SELECT COUNT(*) FROM dorders WHERE user_id IN (\(list(Array(heavy))))",
            "SELECT COUNT(*) FROM dusers LIMIT 1",
            "SELECT COUNT(*) FROM dusers LIMIT 1 OFFSET 1",
            "SELECT COUNT(*) FROM dusers LIMIT 0",
            "SELECT MAX(YEAR(born)), MIN(LENGTH(name)) FROM dusers",
            "SELECT SUM(CAST(amount AS DOUBLE)) FROM dorders WHERE amount > 990",
        ]
        for s in aggregates { add("aggregate", s) }

        // GROUP BY (+ ORDER BY): groups merged across shards.
        let groups = [
            "SELECT status, COUNT(*), SUM(amount), MIN(amount), MAX(amount) FROM dorders GROUP BY status ORDER BY status",
            "SELECT status, COUNT(*) AS n FROM dorders GROUP BY status ORDER BY n DESC, status",
            "SELECT tag, COUNT(*), MIN(created), MAX(created) FROM dorders GROUP BY tag ORDER BY tag",
            "SELECT tag, SUM(amount) FROM dorders GROUP BY tag ORDER BY tag DESC",
            "SELECT country, COUNT(*), COUNT(score), SUM(score) FROM dusers GROUP BY country ORDER BY country",
            "SELECT country, MIN(born), MAX(born) FROM dusers GROUP BY country ORDER BY country DESC",
            "SELECT score, COUNT(*) FROM dusers GROUP BY score ORDER BY COUNT(*) DESC, score",
            "SELECT score, COUNT(*) FROM dusers GROUP BY score ORDER BY score",
            "SELECT status, YEAR(created) AS y, COUNT(*), SUM(amount) FROM dorders GROUP BY status, y ORDER BY status, y",
            "SELECT DATE(created) AS d, COUNT(*) FROM dorders GROUP BY d ORDER BY d",
            "SELECT status, COUNT(*) FROM dorders GROUP BY status ORDER BY status LIMIT 2",
            "SELECT status, COUNT(*) FROM dorders GROUP BY status ORDER BY status LIMIT 2, 10",
            "SELECT user_id, SUM(amount) AS total FROM dorders GROUP BY user_id ORDER BY total DESC, user_id LIMIT 10",
            "SELECT user_id, COUNT(*) FROM dorders GROUP BY user_id ORDER BY user_id",
            "SELECT user_id, COUNT(*), MAX(amount) FROM dorders GROUP BY user_id ORDER BY 2 DESC, 1 LIMIT 15",
            "SELECT status, tag, COUNT(*) FROM dorders GROUP BY status, tag ORDER BY status, tag",
            "SELECT tag, status, MIN(amount) FROM dorders GROUP BY 1, 2 ORDER BY 1, 2",
            "SELECT YEAR(born) AS y, COUNT(*) FROM dusers GROUP BY y ORDER BY y",
            "SELECT c.region, COUNT(*) FROM dusers u JOIN dcountries c ON c.code = u.country GROUP BY c.region ORDER BY c.region",
            "SELECT region, COUNT(*) FROM dcountries GROUP BY region ORDER BY region",
            "SELECT country, 'x' AS k, COUNT(*) FROM dusers GROUP BY country ORDER BY country",
            "SELECT id > 0 AS positive, COUNT(*), SUM(score) FROM dusers GROUP BY positive ORDER BY positive",
            "SELECT score / 10e0 AS d, COUNT(*) FROM dusers GROUP BY d ORDER BY d",
            "SELECT amount, COUNT(*) FROM dorders GROUP BY amount ORDER BY COUNT(*) DESC, amount LIMIT 5",
            "SELECT country, COUNT(*) FROM dusers GROUP BY country ORDER BY country LIMIT 3 OFFSET 2",
            "SELECT MIN(score / 3e0), MAX(score * 1e0) FROM dusers",
            "SELECT status, YEAR(created) AS y, COUNT(*), SUM(amount) FROM dorders GROUP BY status, YEAR(created) ORDER BY status, y",
            "SELECT DATE(created) AS d, COUNT(*) FROM dorders GROUP BY 1 ORDER BY 1",
            "SELECT YEAR(born), COUNT(*) FROM dusers GROUP BY YEAR(born) ORDER BY YEAR(born)",
            "SELECT score / 10e0, COUNT(*) FROM dusers GROUP BY 1 ORDER BY 1 DESC",
            "SELECT id > 0, COUNT(*), SUM(score) FROM dusers GROUP BY id > 0 ORDER BY 1",
        ]
        for s in groups { add("group-by", s) }
        add("group-by", "SELECT status, COUNT(*), SUM(amount) FROM dorders GROUP BY status", .unordered)
        add("group-by", "SELECT tag, COUNT(*) FROM dorders GROUP BY tag", .unordered)
        add("group-by", "SELECT country, MAX(balance) FROM dusers GROUP BY country", .unordered)
        add("group-by", "SELECT name, COUNT(*) FROM dusers WHERE \(ascii) GROUP BY name", .unordered, folded: [0])
        add("group-by", "SELECT name, COUNT(*), MIN(id) FROM dusers WHERE \(ascii) GROUP BY name ORDER BY name", .ordered, folded: [0])
        add("group-by", "SELECT LOWER(name) AS lname, COUNT(*) FROM dusers WHERE \(ascii) GROUP BY lname ORDER BY lname", .ordered, folded: [0])
        add("group-by", "SELECT LOWER(name), COUNT(*) FROM dusers WHERE \(ascii) GROUP BY LOWER(name) ORDER BY 1", .ordered, folded: [0])
        // An alias that is also a column name: MySQL groups by the column, and shows the expression.
        add("group-by", "SELECT DATE(created) AS created, COUNT(*) FROM dorders GROUP BY created", .unordered)
        add("group-by", "SELECT -score AS score, COUNT(*) FROM dusers GROUP BY score", .unordered)
        add("group-by", "SELECT YEAR(born) AS born, COUNT(*) FROM dusers GROUP BY born ORDER BY 2 DESC, 1", .orderedBy([1], among: nil))

        // Joins: dorders with dusers pinned to one key; with the reference table dcountries.
        for k in heavy.prefix(6) {
            add("join", "SELECT o.id, o.amount, u.name FROM dorders o JOIN dusers u ON u.id = o.user_id WHERE o.user_id = \(k) AND u.id = \(k) ORDER BY o.id")
        }
        add("join", "SELECT u.id, u.name, COUNT(o.id), SUM(o.amount) FROM dusers u LEFT JOIN dorders o ON o.user_id = u.id AND o.user_id = \(heavy[6]) WHERE u.id = \(heavy[6]) GROUP BY u.id, u.name")
        add("join", "SELECT u.name, o.status, o.created FROM dusers u, dorders o WHERE u.id = \(heavy[7]) AND o.user_id = \(heavy[7]) ORDER BY o.created, o.id")
        add("join", "SELECT o.id, u.name FROM dorders o JOIN dusers u ON u.id = o.user_id WHERE o.user_id = \(heavy[0]) ORDER BY o.id")
        add("join", "SELECT o.id, u.name FROM dorders o JOIN dusers u ON u.id = o.user_id ORDER BY o.id")
        add("join", "SELECT o.id, u.name FROM dorders o JOIN dusers u ON u.id = o.user_id WHERE o.user_id = \(heavy[0]) AND u.id = \(heavy[1]) ORDER BY o.id")
        add("join", "SELECT u.id, u.name, c.name FROM dusers u JOIN dcountries c ON c.code = u.country ORDER BY u.id")
        add("join", "SELECT u.id, c.name AS country_name FROM dusers u LEFT JOIN dcountries c ON c.code = u.country ORDER BY u.id")
        add("join", "SELECT u.id, c.region FROM dusers u JOIN dcountries c ON c.code = u.country WHERE c.region = 'Asia' ORDER BY u.id DESC LIMIT 10")
        add("join", "SELECT u.id, u.name, c.name FROM dusers u JOIN dcountries c ON c.code = u.country WHERE u.id = \(random[0])")
        add("join", "SELECT o.id, c.name FROM dorders o JOIN dusers u ON u.id = o.user_id JOIN dcountries c ON c.code = u.country WHERE o.user_id = \(heavy[2]) AND u.id = \(heavy[2]) ORDER BY o.id")
        add("join", "SELECT c.code, c.name FROM dcountries c ORDER BY c.code")
        add("join", "SELECT c.code, u.id FROM dcountries c LEFT JOIN dusers u ON u.country = c.code AND u.id = \(random[1]) ORDER BY c.code")
        add("join", "SELECT u.id, u.score, c.code FROM dusers u JOIN dcountries c ON c.code = u.country WHERE c.name LIKE '%land%' ORDER BY u.score, u.id")
        add("join", "SELECT u.id, c.code FROM dusers u CROSS JOIN dcountries c WHERE u.score > 115 ORDER BY u.id, c.code")
        // The reference table on the preserved side of an outer join with a sharded table, scattered: each
        // shard would add its own NULL-extended row for a country without a match there (answered
        // wrongly until the router refused it: 42 rows for 26, COUNT(*) 42 for 26).
        add("join", "SELECT c.code, COUNT(u.id) FROM dcountries c LEFT JOIN dusers u ON u.country = c.code GROUP BY c.code ORDER BY c.code")
        add("join", "SELECT c.code, u.id FROM dcountries c LEFT JOIN dusers u ON u.country = c.code AND u.score > 115 ORDER BY c.code, u.id")
        add("join", "SELECT COUNT(*) FROM dcountries c LEFT JOIN dusers u ON u.country = c.code AND u.score > 115")
        add("join", "SELECT c.code, u.id FROM dusers u RIGHT JOIN dcountries c ON c.code = u.country AND u.score > 115 ORDER BY c.code, u.id")
        add("join", "SELECT c.code, u.id FROM dcountries c JOIN dusers u ON u.country = c.code AND u.score > 115 ORDER BY c.code, u.id")
        add("join", "SELECT COUNT(*) FROM dcountries c, dusers u WHERE u.score > 110")
        add("join", "SELECT c.code FROM dcountries c WHERE NOT EXISTS (SELECT 1 FROM dusers u WHERE u.country = c.code AND u.score > 115) ORDER BY c.code")
        add("join", "SELECT u.id FROM dusers u JOIN (SELECT code FROM dcountries WHERE region = 'Asia') AS asia ON asia.code = u.country ORDER BY u.id")

        // Subqueries pinned to a key, CTEs, UNIONs.
        for k in heavy.prefix(4) {
            add("subquery", "SELECT id, amount FROM dorders WHERE user_id = \(k) AND amount > (SELECT AVG(amount) FROM dorders WHERE user_id = \(k)) ORDER BY id")
        }
        add("subquery", "SELECT name, (SELECT COUNT(*) FROM dorders WHERE user_id = \(heavy[4])) AS n FROM dusers WHERE id = \(heavy[4])")
        add("subquery", "SELECT id, name FROM dusers WHERE id = \(heavy[5]) AND EXISTS (SELECT 1 FROM dorders WHERE user_id = \(heavy[5]) AND amount > 100)")
        add("subquery", "SELECT t.id, t.amount FROM (SELECT id, amount FROM dorders WHERE user_id = \(heavy[3])) AS t ORDER BY t.amount, t.id")
        add("subquery", "WITH mine AS (SELECT id, amount, status FROM dorders WHERE user_id = \(heavy[1])) SELECT status, COUNT(*) FROM mine GROUP BY status ORDER BY status")
        add("subquery", "SELECT id FROM dusers WHERE country IN (SELECT code FROM dcountries WHERE region = 'Europe') ORDER BY id")
        add("subquery", "SELECT id, name FROM dusers WHERE country = (SELECT code FROM dcountries WHERE name = 'Japan') ORDER BY id")
        add("subquery", "SELECT id FROM dusers u WHERE EXISTS (SELECT 1 FROM dorders o WHERE o.user_id = u.id AND o.amount > 990) ORDER BY id")
        add("subquery", "SELECT COUNT(*) FROM (SELECT id FROM dusers WHERE score > 50) AS t")
        add("subquery", "SELECT id FROM dusers WHERE id IN (SELECT user_id FROM dorders WHERE amount > 990) ORDER BY id")
        add("subquery", "SELECT id FROM dusers WHERE id = \(random[2]) UNION ALL SELECT id FROM dusers WHERE id = \(random[3])", .unordered)
        add("subquery", "SELECT id FROM dusers WHERE id = \(heavy[0]) UNION SELECT user_id FROM dorders WHERE user_id = \(heavy[0])", .unordered)
        add("subquery", "SELECT id, name FROM dusers WHERE score > 100 UNION ALL SELECT id, name FROM dusers WHERE score < -15", .unordered)
        for (a, b) in [(heavy[0], heavy[1]), (heavy[2], heavy[3]), (random[4], random[5])] {
            add("subquery", "SELECT id FROM dusers WHERE id = \(a) AND score < (SELECT MAX(amount) FROM dorders WHERE user_id = \(b))")
        }

        // Session state that changes answers: each on fresh connections.
        let selectLimit = ["SET sql_select_limit = 3"]
        add("session", "SELECT id, amount FROM dorders WHERE user_id = \(heavy[0]) ORDER BY id", setup: selectLimit)
        add("session", "SELECT COUNT(*), SUM(score) FROM dusers", setup: selectLimit)
        add("session", "SELECT id, name FROM dusers WHERE id = 42", setup: selectLimit)
        let binaryResults = ["SET NAMES binary"]
        add("session", "SELECT id, score FROM dusers ORDER BY score, id LIMIT 20", setup: binaryResults)
        add("session", "SELECT id, tag FROM dorders ORDER BY tag, id", setup: binaryResults)
        add("session", "SELECT MIN(tag), MAX(tag), MIN(created) FROM dorders", setup: binaryResults)
        add("session", "SELECT tag, COUNT(*) FROM dorders GROUP BY tag ORDER BY tag", setup: binaryResults)
        add("session", "SELECT \(userCols) FROM dusers WHERE id = \(random[0])", setup: binaryResults)
        let ansiQuotes = ["SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')"]
        add("session", "SELECT COUNT(*) FROM dorders WHERE \"user_id\" = \(heavy[1])", setup: ansiQuotes)
        add("session", "SELECT \"id\", name FROM dusers WHERE id IN (\(list(Array(random.prefix(6))))) ORDER BY 1", setup: ansiQuotes)
        add("session", "SELECT id, name FROM dusers WHERE id = 42", setup: ansiQuotes)
        let noBackslashEscapes = ["SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')"]
        add("session", "SELECT id, name FROM dusers WHERE name = 'O''Brien' ORDER BY id", setup: noBackslashEscapes)
        add("session", "SELECT id, name FROM dusers WHERE id = \(random[1]) AND name <> 'a\\b'", setup: noBackslashEscapes)
        add("session", "SELECT id, DAYNAME(created) AS dn FROM dorders ORDER BY dn, id LIMIT 20", setup: ["SET lc_time_names = 'de_DE'"])
        add("session", "SELECT MIN(amount / 7), MAX(amount / 3) FROM dorders", setup: ["SET div_precision_increment = 8"])

        // What the merge cannot do exactly: Sleet must refuse (1235), or answer exactly.
        let hard = [
            "SELECT AVG(score) FROM dusers",
            "SELECT AVG(amount) FROM dorders WHERE status = 'paid'",
            "SELECT status, AVG(amount) FROM dorders GROUP BY status ORDER BY status",
            "SELECT DISTINCT status FROM dorders ORDER BY status",
            "SELECT DISTINCT country FROM dusers",
            "SELECT COUNT(DISTINCT status) FROM dorders",
            "SELECT COUNT(DISTINCT user_id) FROM dorders",
            "SELECT status, COUNT(*) FROM dorders GROUP BY status HAVING COUNT(*) > 390 ORDER BY status",
            "SELECT score, COUNT(*) FROM dusers GROUP BY score HAVING score > 100 ORDER BY score",
            "SELECT MAX(amount) - MIN(amount) FROM dorders",
            "SELECT SUM(amount) / COUNT(*) FROM dorders",
            "SELECT GROUP_CONCAT(id ORDER BY id) FROM dusers WHERE id < 10",
            "SELECT STDDEV(score), VARIANCE(score) FROM dusers",
            "SELECT BIT_OR(score), BIT_AND(score), BIT_XOR(score) FROM dusers",
            "SELECT JSON_ARRAYAGG(id) FROM dusers WHERE id < 4",
            "SELECT status, COUNT(*) FROM dorders GROUP BY status WITH ROLLUP",
            "SELECT SQL_CALC_FOUND_ROWS id FROM dusers ORDER BY id LIMIT 5",
            "SELECT id, ROW_NUMBER() OVER (ORDER BY id) FROM dusers",
            "SELECT id, SUM(score) OVER () FROM dusers ORDER BY id",
            "SELECT id FROM dusers ORDER BY score DESC, id LIMIT 5",
            "SELECT tag, COUNT(*) FROM dorders GROUP BY tag ORDER BY MAX(amount), tag",
            "SELECT id, score FROM dusers ORDER BY score + 1, id",
            "SELECT u.id, u.score, MAX(o.amount) FROM dusers u JOIN dorders o ON o.user_id = u.id GROUP BY u.id, u.score",
            "SELECT name, COUNT(*) FROM dusers GROUP BY name ORDER BY name",
            "SELECT id, name FROM dusers WHERE score > 100 UNION SELECT id, name FROM dusers WHERE score < -15 ORDER BY id",
            "SELECT MIN(id) FROM dusers WHERE id > (SELECT MAX(user_id) FROM dorders)",
            "SELECT COUNT(*), AVG(score) FROM dusers WHERE id IN (\(list(random)))",
        ]
        for s in hard { add("refusable", s) }
        add("refusable", "SELECT COUNT(*), tag FROM dorders GROUP BY tag, status ORDER BY tag", .orderedBy([1], among: nil))
        add("refusable", "SELECT * FROM dusers ORDER BY RAND() LIMIT 1", .sample(among: "SELECT * FROM dusers"))
        out += formerBugs(for: data)
        return out
    }

    /// Statements that expose a Sleet bug (a different answer than one server gives). Each is asserted
    /// to still mismatch or be refused; once fixed, move it back to `statements(for:)`.
    static func knownBugs(for data: ShardingDataSet) -> [CorpusEntry] {
        []
    }

    /// Statements that once exposed Sleet bugs (now answered exactly or refused): kept in the corpus.
    static func formerBugs(for data: ShardingDataSet) -> [CorpusEntry] {
        [
            // A string that is not a number equals 0 against the BIGINT key, but Sleet hashes it as the
            // string 'x' and asks only that string's shard (s1), while the row with id 0 is on s0.
            // The single server returns user 0; Sleet returns no row.
            CorpusEntry(category: "former bug: non-numeric string key", sql: "SELECT id, name FROM dusers WHERE id = 'x'", compare: .ordered),
            CorpusEntry(category: "former bug: non-numeric string key", sql: "SELECT id, amount FROM dorders WHERE user_id = 'abc' ORDER BY id", compare: .ordered),
            // SUM of DOUBLE values merged by adding the shards' partial sums: floating-point addition
            // in another order gives another last digit (2242.9000000000005 vs 2242.8999999999996).
            CorpusEntry(category: "former bug: SUM of DOUBLE", sql: "SELECT SUM(score * 0.1e0) FROM dusers", compare: .ordered),
            // SUM of a DECIMAL division: each row's quotient carries more digits than the result's scale,
            // each shard rounds its partial sum to that scale, and the rounded partials add up to another
            // last digit (122253.620000 vs 122253.619999; 2863641.687142 vs 2863641.687143).
            CorpusEntry(category: "former bug: SUM of DECIMAL division", sql: "SELECT SUM(amount / 7), SUM(amount * 1.5 / 3) FROM dorders", compare: .ordered),
            CorpusEntry(category: "former bug: SUM of DECIMAL division", sql: "SELECT SUM(balance / 7) FROM dusers", compare: .ordered),
            CorpusEntry(category: "former bug: SUM of DECIMAL division", sql: "SELECT SUM(amount / 3), MIN(amount / 7) FROM dorders", compare: .ordered,
                        setup: ["SET div_precision_increment = 8"]),
            // sql_select_limit caps every shard's result, and the merge does not cap the merged one:
            // 6 rows (3 per shard) where one server returns 3.
            CorpusEntry(category: "former bug: sql_select_limit", sql: "SELECT id FROM dusers ORDER BY id", compare: .ordered,
                        setup: ["SET sql_select_limit = 3"]),
            CorpusEntry(category: "former bug: sql_select_limit", sql: "SELECT id, score FROM dusers ORDER BY score DESC, id", compare: .ordered,
                        setup: ["SET sql_select_limit = 3"]),
            // With binary results (SET NAMES binary, or character_set_results = binary) text columns arrive
            // as collation 63 and Sleet merges them byte by byte, while the servers group and sort by the
            // columns' utf8mb4_general_ci: 'alice' and 'Alice' come back as two groups.
            CorpusEntry(category: "former bug: binary results", sql: "SELECT name, COUNT(*) FROM dusers WHERE \(ShardingDataSet.asciiNames) GROUP BY name",
                        compare: .unordered, folded: [0], setup: ["SET NAMES binary"]),
            CorpusEntry(category: "former bug: binary results", sql: "SELECT name, COUNT(*) FROM dusers WHERE \(ShardingDataSet.asciiNames) GROUP BY name",
                        compare: .unordered, folded: [0], setup: ["SET character_set_results = binary"]),
            // ANSI_QUOTES: "dusers" is a table name, but Sleet reads a string: the statement goes to the
            // default shard alone (COUNT(*) of s0's rows; the lookup on s0 while user 42 is on s1).
            CorpusEntry(category: "former bug: ANSI_QUOTES", sql: "SELECT COUNT(*) FROM \"dusers\"", compare: .ordered,
                        setup: ["SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')"]),
            CorpusEntry(category: "former bug: ANSI_QUOTES", sql: "SELECT \"id\", \"name\" FROM \"dusers\" WHERE \"id\" = 42", compare: .ordered,
                        setup: ["SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')"]),
            // NO_BACKSLASH_ESCAPES: the server reads '\' as a string and `OR id = 42` as SQL; Sleet reads an
            // escaped quote and one long string, routes by id = 3 alone (s0), and user 42 (s1) is missing.
            CorpusEntry(category: "former bug: NO_BACKSLASH_ESCAPES", sql: "SELECT id, name FROM dusers WHERE id = 3 AND name = '\\' OR id = 42 -- '",
                        compare: .unordered, setup: ["SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')"]),
        ]
    }

    /// Statements that have killed Sleet (the whole process, every session): `LIMIT m, n` across shards
    /// pushes `LIMIT m + n` down, and with n near Int64.max that `+` overflowed (a trap). They run only
    /// against a `sleet` subprocess, so that a regression kills that process, not the test run; like the
    /// corpus, each must get the single server's answer or 1235.
    static let processKillers = [
        "SELECT id FROM dusers ORDER BY id LIMIT 5, 9223372036854775807",
        "SELECT id FROM dusers ORDER BY id LIMIT 9223372036854775807 OFFSET 1",
        "SELECT id FROM dusers WHERE id IN (1, 2, 3) ORDER BY id LIMIT 9223372036854775807, 1",
    ]
}
