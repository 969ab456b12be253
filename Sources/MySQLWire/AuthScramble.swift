import Crypto
import _CryptoExtras
import NIOCore

/// Authentication plugin arithmetic: `mysql_native_password` and `caching_sha2_password`.
public enum AuthScramble {
    public static let nativePassword = "mysql_native_password"
    public static let cachingSHA2 = "caching_sha2_password"

    /// 20 random bytes suitable for a scramble: printable, never NUL or '$' (as MySQL does).
    public static func randomScramble<G: RandomNumberGenerator>(using g: inout G) -> [UInt8] {
        (0..<20).map { _ in
            var c = UInt8.random(in: 0x21...0x7E, using: &g)
            if c == UInt8(ascii: "$") { c = UInt8(ascii: "#") }
            return c
        }
    }

    public static func randomScramble() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return randomScramble(using: &g)
    }

    /// Client side: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))). Empty password → empty token.
    public static func nativePasswordToken(password: String, scramble: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let stage1 = Array(Insecure.SHA1.hash(data: Array(password.utf8)))
        let stage2 = Array(Insecure.SHA1.hash(data: stage1))
        var h = Insecure.SHA1()
        h.update(data: scramble.prefix(20))
        h.update(data: stage2)
        let mix = Array(h.finalize())
        return zip(stage1, mix).map { $0 ^ $1 }
    }

    /// `*` + 40 upper-case hex of SHA1(SHA1(password)), as MySQL stores it; "" for the empty password.
    public static func nativePasswordHash(password: String) -> String {
        guard !password.isEmpty else { return "" }
        let stage2 = Insecure.SHA1.hash(data: Array(Insecure.SHA1.hash(data: Array(password.utf8))))
        return "*" + stage2.map { hex2($0) }.joined()
    }

    /// Server side: checks a client's token against a stored `*HEX` hash (SHA1(SHA1(password))).
    public static func verifyNativePassword(token: [UInt8], scramble: [UInt8], storedHash: String) -> Bool {
        if storedHash.isEmpty { return token.isEmpty }
        guard token.count == 20, let stage2 = parseStoredHash(storedHash) else { return false }
        var h = Insecure.SHA1()
        h.update(data: scramble.prefix(20))
        h.update(data: stage2)
        let mix = Array(h.finalize())
        let candidateStage1 = zip(token, mix).map { $0 ^ $1 }
        let check = Array(Insecure.SHA1.hash(data: candidateStage1))
        // Constant-time comparison.
        var diff: UInt8 = 0
        for (a, b) in zip(check, stage2) { diff |= a ^ b }
        return diff == 0
    }

    /// Parses `*` + 40 hex digits.
    public static func parseStoredHash(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count == 41, u[0] == UInt8(ascii: "*") else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(20)
        var i = 1
        while i < 41 {
            guard let hi = hexValue(u[i]), let lo = hexValue(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// caching_sha2_password fast path: XOR(SHA256(pw), SHA256(SHA256(SHA256(pw)), scramble)).
    public static func cachingSHA2Token(password: String, scramble: [UInt8]) -> [UInt8] {
        guard !password.isEmpty else { return [] }
        let p1 = Array(SHA256.hash(data: Array(password.utf8)))
        let p2 = Array(SHA256.hash(data: p1))
        var h = SHA256()
        h.update(data: p2)
        h.update(data: scramble.prefix(20))
        let p3 = Array(h.finalize())
        return zip(p1, p3).map { $0 ^ $1 }
    }

    /// caching_sha2_password full path without TLS: (password + NUL) XOR scramble, RSA-OAEP encrypted
    /// with the server's public key (PEM).
    public static func cachingSHA2Encrypted(password: String, scramble: [UInt8], publicKeyPEM: String) throws -> [UInt8] {
        var plain = Array(password.utf8) + [0]
        let s = Array(scramble.prefix(20))
        if !s.isEmpty { for i in plain.indices { plain[i] ^= s[i % s.count] } }
        let key = try _RSA.Encryption.PublicKey(unsafePEMRepresentation: publicKeyPEM)
        return Array(try key.encrypt(plain, padding: .PKCS1_OAEP))
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hex2(_ b: UInt8) -> String {
        let d = Array("0123456789ABCDEF".utf8)
        return String(decoding: [d[Int(b >> 4)], d[Int(b & 0xF)]], as: UTF8.self)
    }
}
