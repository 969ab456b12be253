import NIOCore

/// Byte fixtures captured once from the local MariaDB 10.11 fleet (127.0.0.1:23306) and from the
/// `mariadb` 10.11 command-line client (libmariadb 3.3.20), with a raw-socket Python script.
/// Payloads only (no 4-byte frame header) unless the name says `Frames`.
enum Fixture {
    /// The greeting of MariaDB 10.11.19 (connection id 504).
    static let mariaDBGreeting = """
        0a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275312d6c6f6700f801000059233e4e4f21525d00fef72d02\
        00ff81150000000000001d0000005b332c215d3531334b612637006d7973716c5f6e61746976655f70617373776f726400
        """
    /// The 20-byte scramble inside `mariaDBGreeting` (parts 1 and 2).
    static let mariaDBGreetingScramble = "59233e4e4f21525d5b332c215d3531334b612637"

    /// What `mariadb -h127.0.0.1 -P<port> -uapp -papp-pw app` sent (sequence id 1) after being
    /// handed `mariaDBGreeting`.
    static let mariaDBCLIResponse = """
        8ca2bf000000100021000000000000000000000000000000000000001d0000006170700014bedd7469a2399afe6fa6a97221698f481b14\
        e281617070006d7973716c5f6e61746976655f70617373776f7264007f035f6f73054c696e75780c5f636c69656e745f6e616d650a6c69\
        626d617269616462045f7069640531323637350f5f636c69656e745f76657273696f6e06332e332e3230095f706c6174666f726d067838\
        365f36340c70726f6772616d5f6e616d65056d7973716c0c5f7365727665725f686f7374093132372e302e302e31
        """

    /// MariaDB's answer to a HandshakeResponse41 asking for `caching_sha2_password`.
    static let authSwitch = "fe6d7973716c5f6e61746976655f70617373776f72640059233e4e4f21525d5b332c215d3531334b61263700"

    /// OK after `INSERT INTO app.sleet_cap (v) VALUES ('a')` (AUTO_INCREMENT id 1).
    static let okInsert = "00010102000000"
    /// OK after a two-row INSERT whose generated id is 42: carries an info string.
    static let okInsertWithInfo = "00022a02000000265265636f7264733a203220204475706c6963617465733a203020205761726e696e67733a2030"
    /// ERR 1062 after inserting a duplicate primary key.
    static let errDuplicate = "ff26042332333030304475706c696361746520656e7472792027312720666f72206b657920275052494d41525927"
    /// Column definitions of `SELECT id, v FROM app.sleet_cap` (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10)).
    static let columnID = "036465660361707009736c6565745f63617009736c6565745f6361700269640269640c3f000b000000030342000000"
    static let columnV = "036465660361707009736c6565745f63617009736c6565745f636170017601760c2d0028000000fd0000000000"
    /// Column definition of `SELECT 1 AS one` (no schema or table).
    static let columnOne = "03646566000000036f6e65000c3f0001000000038100000000"

    /// Whole replies, as (sequence id, payload hex) per frame.
    /// `SELECT id, v FROM app.sleet_cap ORDER BY id` → 3 rows, without CLIENT_DEPRECATE_EOF.
    static let selectFramesEOF: [(UInt8, String)] = [
        (1, "02"), (2, columnID), (3, columnV), (4, "fe00002200"),
        (5, "01310161"), (6, "0234310162"), (7, "0234320163"), (8, "fe00002200"),
    ]
    /// The same with CLIENT_DEPRECATE_EOF.
    static let selectFramesDeprecateEOF: [(UInt8, String)] = [
        (1, "02"), (2, columnID), (3, columnV),
        (4, "01310161"), (5, "0234310162"), (6, "0234320163"), (7, "fe000022000000"),
    ]
    /// An empty result set (`... WHERE id < 0`).
    static let emptySelectFramesEOF: [(UInt8, String)] = [
        (1, "02"), (2, columnID), (3, columnV), (4, "fe00000200"), (5, "fe00000200"),
    ]
    static let emptySelectFramesDeprecateEOF: [(UInt8, String)] = [
        (1, "02"), (2, columnID), (3, columnV), (4, "fe000002000000"),
    ]
    /// `DO 1; SELECT 1 AS one, NULL AS n` (multi statements): OK with MORE_RESULTS, then a result set.
    static let multiFramesEOF: [(UInt8, String)] = [
        (1, "0000000a000000"), (2, "02"), (3, columnOne), (4, "03646566000000016e000c3f0000000000068000000000"),
        (5, "fe00000200"), (6, "0131fb"), (7, "fe00000200"),
    ]
    static let multiFramesDeprecateEOF: [(UInt8, String)] = [
        (1, "0000000a000000"), (2, "02"), (3, columnOne), (4, "03646566000000016e000c3f0000000000068000000000"),
        (5, "0131fb"), (6, "fe000002000000"),
    ]
}

/// Hex → buffer; fixtures are constants, so a bad one is a test bug worth a loud failure.
func hexBuffer(_ hex: String) -> ByteBuffer {
    let clean = hex.filter { !$0.isWhitespace }
    do { return try ByteBuffer(plainHexEncodedBytes: clean) } catch { preconditionFailure("bad hex fixture: \(hex)") }
}

func hexBytes(_ hex: String) -> [UInt8] { Array(hexBuffer(hex).readableBytesView) }

func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// Frames (with headers) for a list of (sequence id, payload hex).
func wire(_ frames: [(UInt8, String)]) -> ByteBuffer {
    var out = ByteBuffer()
    for (seq, hex) in frames {
        let payload = hexBuffer(hex)
        out.writeInteger(UInt32(payload.readableBytes) | UInt32(seq) << 24, endianness: .little)
        out.writeImmutableBuffer(payload)
    }
    return out
}

/// One frame as the wire sees it.
struct Frame {
    var length: Int
    var sequenceID: UInt8
    var payload: ByteBuffer
}

/// Splits a buffer of frames without joining continuations (what the reply tracker sees).
func splitFrames(_ buffer: ByteBuffer) -> [Frame] {
    var b = buffer
    var frames: [Frame] = []
    while let header = b.readInteger(endianness: .little, as: UInt32.self) {
        let n = Int(header & 0xFF_FFFF)
        guard let payload = b.readSlice(length: n) else { preconditionFailure("truncated frame in test data") }
        frames.append(Frame(length: n, sequenceID: UInt8(header >> 24), payload: payload))
    }
    precondition(b.readableBytes == 0, "trailing bytes in test data")
    return frames
}

/// Deterministic generator (SplitMix64) so random tests replay identically.
struct SplitMix64: RandomNumberGenerator {
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
