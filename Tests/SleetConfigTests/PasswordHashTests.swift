import Testing
@testable import SleetConfig

@Suite("Password hashes")
struct PasswordHashTests {
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
