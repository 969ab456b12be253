import Foundation
import Testing
import _CryptoExtras
@testable import MySQLWire

/// Expected values were computed independently with Python's hashlib:
///   s1 = sha1(pw); s2 = sha1(s1); token = s1 XOR sha1(scramble + s2)
///   sha2: p1 = sha256(pw); p2 = sha256(p1); token = p1 XOR sha256(p2 + scramble)
@Suite("Auth scrambles")
struct AuthScrambleTests {
    static let scramble: [UInt8] = Array(0x01...0x14)

    @Test func nativePasswordTokenVector() {
        let token = AuthScramble.nativePasswordToken(password: "app-pw", scramble: Self.scramble)
        #expect(hexString(token) == "579695bbbad2fbf4bf80e5b06ed0125039a1237e")
        // A trailing NUL after the scramble (as some servers send it) is ignored.
        #expect(AuthScramble.nativePasswordToken(password: "app-pw", scramble: Self.scramble + [0]) == token)
        #expect(AuthScramble.nativePasswordToken(password: "", scramble: Self.scramble) == [])
    }

    @Test func tokenOfTheRealCLIForAnotherScramble() {
        // The token libmariadb computed for -pfleet-admin-pw against the captured greeting's scramble.
        let token = AuthScramble.nativePasswordToken(password: "fleet-admin-pw", scramble: hexBytes(Fixture.mariaDBGreetingScramble))
        #expect(hexString(token) == "5e5a24fd2a781cfa980f859568d9cd23e3ce856d")
    }

    @Test func nativePasswordHash() {
        #expect(AuthScramble.nativePasswordHash(password: "app-pw") == "*72B37E3F4D899EDC98A9363172669E192CE424D5")
        #expect(AuthScramble.nativePasswordHash(password: "sleet-demo") == "*3A00909D5D61D96C3F0D9AFB40590637C5CEC018")
        #expect(AuthScramble.nativePasswordHash(password: "ops-pw") == "*F3C489465A30B8742F8E917693A33DD8936A1A7A")
        #expect(AuthScramble.nativePasswordHash(password: "reporting-pw") == "*75AA065536B25082892295C63811074F1E9D15AA")
        // MySQL's well-known hash of "password"; SPEC.md's example config hash is that of "123456".
        #expect(AuthScramble.nativePasswordHash(password: "password") == "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19")
        #expect(AuthScramble.nativePasswordHash(password: "123456") == "*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9")
        #expect(AuthScramble.nativePasswordHash(password: "") == "")
    }

    static let storedHash = "*72B37E3F4D899EDC98A9363172669E192CE424D5"

    @Test func verifyAcceptsTheRightToken() {
        let token = hexBytes("579695bbbad2fbf4bf80e5b06ed0125039a1237e")
        #expect(AuthScramble.verifyNativePassword(token: token, scramble: Self.scramble, storedHash: Self.storedHash))
        #expect(AuthScramble.verifyNativePassword(token: token, scramble: Self.scramble, storedHash: Self.storedHash.lowercased()))
    }

    struct RejectCase: Sendable, CustomTestStringConvertible {
        var name: String
        var token: [UInt8]
        var scramble: [UInt8]
        var storedHash: String
        var testDescription: String { name }
    }

    static let good = hexBytes("579695bbbad2fbf4bf80e5b06ed0125039a1237e")
    static let rejects: [RejectCase] = [
        RejectCase(name: "one bit flipped", token: { var t = good; t[7] ^= 0x01; return t }(), scramble: scramble, storedHash: storedHash),
        RejectCase(name: "token of another password", token: AuthScramble.nativePasswordToken(password: "app-pW", scramble: scramble), scramble: scramble, storedHash: storedHash),
        RejectCase(name: "another scramble", token: good, scramble: Array(0x02...0x15), storedHash: storedHash),
        RejectCase(name: "19 bytes", token: Array(good.prefix(19)), scramble: scramble, storedHash: storedHash),
        RejectCase(name: "21 bytes", token: good + [0], scramble: scramble, storedHash: storedHash),
        RejectCase(name: "empty token", token: [], scramble: scramble, storedHash: storedHash),
        RejectCase(name: "malformed stored hash", token: good, scramble: scramble, storedHash: "72B37E3F4D899EDC98A9363172669E192CE424D5"),
        RejectCase(name: "non-hex stored hash", token: good, scramble: scramble, storedHash: "*72B37E3F4D899EDC98A9363172669E192CE424DZ"),
        RejectCase(name: "token for an empty password", token: good, scramble: scramble, storedHash: ""),
    ]

    @Test(arguments: rejects)
    func verifyRejects(_ c: RejectCase) {
        #expect(!AuthScramble.verifyNativePassword(token: c.token, scramble: c.scramble, storedHash: c.storedHash))
    }

    @Test func emptyPasswordAccount() {
        #expect(AuthScramble.verifyNativePassword(token: [], scramble: Self.scramble, storedHash: ""))
    }

    @Test func parseStoredHash() {
        #expect(AuthScramble.parseStoredHash(Self.storedHash).map(hexString) == "72b37e3f4d899edc98a9363172669e192ce424d5")
        #expect(AuthScramble.parseStoredHash("*72B3") == nil)
        #expect(AuthScramble.parseStoredHash("") == nil)
        #expect(AuthScramble.parseStoredHash("*" + String(repeating: "g", count: 40)) == nil)
    }

    @Test func randomScrambleIsPrintableWithoutDollar() {
        var g = SplitMix64(seed: 42)
        var seen = Set<UInt8>()
        for _ in 0..<500 {
            let s = AuthScramble.randomScramble(using: &g)
            #expect(s.count == 20)
            #expect(s.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "$") })
            seen.formUnion(s)
        }
        #expect(seen.count > 80, "covers the printable range")
        #expect(AuthScramble.randomScramble() != AuthScramble.randomScramble())
    }

    @Test func cachingSHA2TokenVector() {
        let token = AuthScramble.cachingSHA2Token(password: "app-pw", scramble: Self.scramble)
        #expect(hexString(token) == "4a415d790837373c05e043497ea9bc928c1beac00b3789757fa3fbf4b0ad60f2")
        #expect(AuthScramble.cachingSHA2Token(password: "", scramble: Self.scramble) == [])
    }

    @Test func cachingSHA2EncryptedDecryptsBack() throws {
        let key = try _RSA.Encryption.PrivateKey(keySize: .bits2048)
        let pem = key.publicKey.pemRepresentation
        let first = try AuthScramble.cachingSHA2Encrypted(password: "app-pw", scramble: Self.scramble, publicKeyPEM: pem)
        #expect(first.count == 256)
        let plain = Array(try key.decrypt(first, padding: .PKCS1_OAEP))
        // (password + NUL) XOR scramble (cycled).
        let expected = Array("app-pw\0".utf8).enumerated().map { $0.element ^ Self.scramble[$0.offset % 20] }
        #expect(plain == expected)

        // OAEP is randomised: the same input encrypts differently each time, and still decrypts.
        let second = try AuthScramble.cachingSHA2Encrypted(password: "app-pw", scramble: Self.scramble, publicKeyPEM: pem)
        #expect(second != first)
        #expect(Array(try key.decrypt(second, padding: .PKCS1_OAEP)) == expected)

        // A password longer than the scramble cycles it.
        let long = String(repeating: "p", count: 45)
        let c = try AuthScramble.cachingSHA2Encrypted(password: long, scramble: Self.scramble, publicKeyPEM: pem)
        let longPlain = Array(try key.decrypt(c, padding: .PKCS1_OAEP))
        #expect(longPlain.count == 46)
        #expect(zip(longPlain.indices, longPlain).allSatisfy { i, b in b ^ Self.scramble[i % 20] == (i < 45 ? UInt8(ascii: "p") : 0) })

        #expect(throws: (any Error).self) {
            try AuthScramble.cachingSHA2Encrypted(password: "x", scramble: Self.scramble, publicKeyPEM: "not a key")
        }
    }
}
