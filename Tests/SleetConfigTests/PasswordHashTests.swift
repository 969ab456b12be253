import Testing
@testable import SleetConfig

@Suite("Password hashes")
struct PasswordHashTests {
    @Test(arguments: [
        ("app-pw", "*72B37E3F4D899EDC98A9363172669E192CE424D5"),
        ("sleet-demo", "*3A00909D5D61D96C3F0D9AFB40590637C5CEC018"),
        ("ops-pw", "*F3C489465A30B8742F8E917693A33DD8936A1A7A"),
        ("reporting-pw", "*75AA065536B25082892295C63811074F1E9D15AA"),
        ("", ""),  // MySQL's PASSWORD('') is '' too
    ])
    func mysqlNativeHash(_ password: String, _ hash: String) {
        #expect(PasswordHash.mysqlNativeHash(password) == hash)
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
        (String(repeating: "a", count: 1000), "291e9a6c66994949b57ba5e650361e98fc36b1ba"),
        (String(repeating: "x", count: 55), "cef734ba81a024479e09eb5a75b6ddae62e6abf1"),
        (String(repeating: "x", count: 64), "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163"),
    ])
    func sha1(_ message: String, _ digest: String) {
        #expect(hex(PasswordHash.sha1(Array(message.utf8))) == digest)
    }

    @Test(arguments: [
        ("*72B37E3F4D899EDC98A9363172669E192CE424D5", true),
        ("*72b37e3f4d899edc98a9363172669e192ce424d5", true),
        ("72B37E3F4D899EDC98A9363172669E192CE424D5", false),
        ("*72B37E3F4D899EDC98A9363172669E192CE424D", false),
        ("*72B37E3F4D899EDC98A9363172669E192CE424D5F", false),
        ("*72B37E3F4D899EDC98A9363172669E192CE424DG", false),
        ("", false),
    ])
    func validity(_ hash: String, _ valid: Bool) {
        #expect(PasswordHash.isValidHash(hash) == valid)
    }
}
