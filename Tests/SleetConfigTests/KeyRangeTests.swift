import Testing
@testable import SleetConfig

@Suite("Key ranges")
struct KeyRangeTests {
    @Test(arguments: [
        ("-", UInt64(0), UInt64?.none),
        ("-80", 0, 0x8000_0000_0000_0000),
        ("80-", 0x8000_0000_0000_0000, nil),
        ("40-80", 0x4000_0000_0000_0000, 0x8000_0000_0000_0000),
        ("8-", 0x8000_0000_0000_0000, nil),
        ("-c", 0, 0xC000_0000_0000_0000),
        ("-C0", 0, 0xC000_0000_0000_0000),
        ("a0-a8", 0xA000_0000_0000_0000, 0xA800_0000_0000_0000),
        ("-0001", 0, 0x0001_0000_0000_0000),
        ("4000000000000001-", 0x4000_0000_0000_0001, nil),
        ("-ffffffffffffffff", 0, 0xFFFF_FFFF_FFFF_FFFF),
    ])
    func parses(_ text: String, _ start: UInt64, _ end: UInt64?) throws {
        let range = try #require(KeyRange(parsing: text))
        #expect(range == KeyRange(start: start, end: end, text: text))
    }

    @Test(arguments: [
        ("80", "expected Vitess-style hex bounds like '-80', '80-', '40-80', or '-' for the whole keyspace"),
        ("", "expected Vitess-style hex bounds like '-80', '80-', '40-80', or '-' for the whole keyspace"),
        ("-80-", "expected Vitess-style hex bounds like '-80', '80-', '40-80', or '-' for the whole keyspace"),
        ("x-", "'x' is not a hex prefix of 1 to 16 digits"),
        ("-0x80", "'0x80' is not a hex prefix of 1 to 16 digits"),
        ("10000000000000000-", "'10000000000000000' is not a hex prefix of 1 to 16 digits"),
        ("80-40", "the start must be below the end"),
        ("80-80", "the start must be below the end"),
        ("-0", "the start must be below the end"),
    ])
    func rejects(_ text: String, _ reason: String) {
        #expect(KeyRange(parsing: text) == nil)
        #expect(KeyRange.parse(text) == .failure(.init(message: "invalid key_range '\(text)': \(reason)")))
    }

    @Test func contains() throws {
        let range = try #require(KeyRange(parsing: "40-80"))
        #expect(!range.contains(0x3FFF_FFFF_FFFF_FFFF))
        #expect(range.contains(0x4000_0000_0000_0000))
        #expect(range.contains(0x7FFF_FFFF_FFFF_FFFF))
        #expect(!range.contains(0x8000_0000_0000_0000))
        #expect(KeyRange.all.contains(.max) && KeyRange.all.contains(0))
        #expect(range.hexDescription == "[0x4000000000000000, 0x8000000000000000)")
    }

    @Test(arguments: [
        (["-"], [String]()),
        (["-80", "80-"], []),
        (["80-", "-40", "40-80"], []),
        (["-40", "80-"], ["s1: key ranges leave a gap from 0x4000000000000000 to 0x8000000000000000"]),
        (["40-"], ["s0: key ranges leave a gap from 0x0000000000000000 to 0x4000000000000000"]),
        (["-40", "40-c0"], ["s1: key ranges leave a gap from 0xc000000000000000 to the end of the keyspace"]),
        (["-90", "80-"], ["s0: key_range '-90' of shard s0 overlaps '80-' of shard s1"]),
        (["-", "80-"], ["s0: key_range '-' of shard s0 overlaps '80-' of shard s1"]),
        (["-80", "-80", "80-"], ["s0: key_range '-80' of shard s0 overlaps '-80' of shard s1"]),
        (["-80", "40-60", "80-"], ["s0: key_range '-80' of shard s0 overlaps '40-60' of shard s1"]),
        (["-40", "80-c0"], ["s1: key ranges leave a gap from 0x4000000000000000 to 0x8000000000000000",
                            "s1: key ranges leave a gap from 0xc000000000000000 to the end of the keyspace"]),
    ])
    func coverage(_ texts: [String], _ expected: [String]) throws {
        let shards = try texts.enumerated().map { index, text in
            (name: "s\(index)", range: try #require(KeyRange(parsing: text)), position: Position(line: index + 1, column: 1))
        }
        let problems = KeyRange.coverageProblems(shards).map { "s\($0.0.line - 1): \($0.1)" }
        #expect(problems == expected)
    }
}

@Suite("Environment substitution")
struct EnvironmentTests {
    static let env = ["A": "alpha", "EMPTY": "", "PORT": "3306", "_X1": "x"]

    @Test(arguments: [
        ("plain", "plain"),
        ("${A}", "alpha"),
        ("pre-${A}-post", "pre-alpha-post"),
        ("${A}${A}", "alphaalpha"),
        ("${EMPTY}", ""),
        ("db:${PORT}", "db:3306"),
        ("${_X1}", "x"),
        ("$${A}", "${A}"),
        ("$$${A}", "$${A}"),   // left to right: "$", then "$${" = a literal "${"
        ("cost: $5 $$ {A}", "cost: $5 $$ {A}"),
        ("$", "$"),
    ])
    func substitutes(_ input: String, _ output: String) {
        #expect(YAMLReader.substitute(input, environment: Self.env) == .success(output))
    }

    @Test(arguments: [
        ("${NOPE}", "environment variable NOPE is not set"),
        ("x ${A} ${NOPE}", "environment variable NOPE is not set"),
        ("${A", "unterminated '${' (write '$${' for a literal '${')"),
        ("${}", "invalid environment variable name '' in '${}'"),
        ("${1A}", "invalid environment variable name '1A' in '${1A}'"),
        ("${A B}", "invalid environment variable name 'A B' in '${A B}'"),
    ])
    func rejects(_ input: String, _ message: String) {
        #expect(YAMLReader.substitute(input, environment: Self.env) == .failure(.init(message: message)))
    }

    @Test func substitutesInQuotedAndPlainScalarsAndReportsPosition() throws {
        let yaml = """
        listen: ${HOST}:${PORT}
        backend:
          user: '${USER}'
          password: "${PW}"
        shards: [{ primary: "${HOST}:23306" }]
        \(authSection)
        """
        let env = ["HOST": "10.1.2.3", "PORT": "3307", "USER": "sleet", "PW": "p$${w}"]
        let config = try SleetConfig.parse(yaml: yaml, path: "t.yaml", environment: env)
        #expect(config.listen == HostPort(host: "10.1.2.3", port: 3307))
        #expect(config.backend.user == "sleet")
        #expect(config.backend.password == "p$${w}") // values from the environment are not re-substituted
        #expect(config.shards[0].primary == HostPort(host: "10.1.2.3", port: 23306))

        #expect(loadErrors(yaml, environment: ["HOST": "h", "PORT": "1", "USER": "u"])
                == ["4:13: environment variable PW is not set"])
    }
}
