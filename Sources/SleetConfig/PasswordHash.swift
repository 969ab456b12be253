/// MySQL `mysql_native_password` hashes, as `CREATE USER ... IDENTIFIED BY` stores them and
/// `sleet hash-password` prints them for `plugins.auth_file.users[].password_hash`.
/// (Computing one is `MySQLWire.AuthScramble.nativePasswordHash`, with swift-crypto.)
public enum PasswordHash {
    /// True if `hash` is `*` followed by exactly 40 hex digits (either case).
    public static func isValidHash(_ hash: String) -> Bool {
        hash.count == 41 && hash.first == "*" && hash.dropFirst().allSatisfy(\.isHexDigit)
    }
}
