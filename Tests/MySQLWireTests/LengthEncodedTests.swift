import NIOCore
import Testing
@testable import MySQLWire

struct LengthEncodedIntegerCase: Sendable, CustomTestStringConvertible {
    var value: UInt64
    var encoded: String
    var testDescription: String { "\(value) ↔ \(encoded)" }
}

@Suite("Length-encoded integers and strings")
struct LengthEncodedTests {
    static let integerCases: [LengthEncodedIntegerCase] = [
        .init(value: 0, encoded: "00"),
        .init(value: 1, encoded: "01"),
        .init(value: 250, encoded: "fa"),
        .init(value: 251, encoded: "fcfb00"),
        .init(value: 252, encoded: "fcfc00"),
        .init(value: 65535, encoded: "fcffff"),
        .init(value: 65536, encoded: "fd000001"),
        .init(value: 16_777_215, encoded: "fdffffff"),
        .init(value: 16_777_216, encoded: "fe0000000100000000"),
        .init(value: 0x0102_0304_0506_0708, encoded: "fe0807060504030201"),
        .init(value: UInt64.max, encoded: "feffffffffffffffff"),
    ]

    @Test(arguments: integerCases)
    func integerEncodesToExactBytesAndRoundTrips(_ c: LengthEncodedIntegerCase) {
        var b = ByteBuffer()
        let written = b.writeLengthEncodedInteger(c.value)
        #expect(hexString(b.readableBytesView) == c.encoded)
        #expect(written == c.encoded.count / 2)

        // Followed by a marker byte that must stay unread.
        b.writeInteger(UInt8(0xAA))
        #expect(b.getLengthEncodedInteger(at: b.readerIndex).map { [$0.value, UInt64($0.size)] } == [c.value, UInt64(written)])
        #expect(b.readLengthEncodedInteger() == c.value)
        #expect(b.readableBytes == 1)
        #expect(b.readInteger(as: UInt8.self) == 0xAA)
    }

    @Test(arguments: integerCases)
    func truncatedIntegerReturnsNilWithoutConsuming(_ c: LengthEncodedIntegerCase) {
        let full = hexBytes(c.encoded)
        for cut in 0..<full.count {
            var b = ByteBuffer(bytes: full.prefix(cut))
            #expect(b.readLengthEncodedInteger() == nil, "prefix of \(cut) bytes")
            #expect(b.readableBytes == cut, "prefix of \(cut) bytes must not be consumed")
            #expect(b.getLengthEncodedInteger(at: b.readerIndex) == nil)
        }
    }

    @Test(arguments: ["fb", "ff", "fbaa", "ffffff"])
    func nullAndErrorMarkersAreNotIntegers(_ hex: String) {
        var b = hexBuffer(hex)
        let before = b.readableBytes
        #expect(b.readLengthEncodedInteger() == nil)
        #expect(b.readableBytes == before)
    }

    @Test func getLengthEncodedIntegerOutsideReadableRangeIsNil() {
        var b = hexBuffer("aa05")
        b.moveReaderIndex(forwardBy: 1)
        #expect(b.getLengthEncodedInteger(at: 0) == nil, "before readerIndex")
        #expect(b.getLengthEncodedInteger(at: 2) == nil, "at writerIndex")
        #expect(b.getLengthEncodedInteger(at: 1)?.value == 5)
    }

    /// String lengths at every size class (the prefix is 1, 3, 4 or 9 bytes).
    @Test(arguments: [0, 1, 250, 251, 65535, 65536, 16_777_216])
    func stringRoundTrips(_ length: Int) {
        let s = String(repeating: "x", count: length)
        var b = ByteBuffer()
        let written = b.writeLengthEncodedString(s)
        let prefix = length < 251 ? 1 : length < 65536 ? 3 : length < 16_777_216 ? 4 : 9
        #expect(written == prefix + length)
        #expect(b.readableBytes == prefix + length)
        b.writeString("tail")
        #expect(b.readLengthEncodedString() == s)
        #expect(b.readString(length: b.readableBytes) == "tail")
    }

    @Test func stringWithMultiByteCharactersUsesByteLength() {
        var b = ByteBuffer()
        b.writeLengthEncodedString("héllo ✓")
        #expect(hexString(b.readableBytesView) == "0a68c3a96c6c6f20e29c93")
        #expect(b.readLengthEncodedString() == "héllo ✓")
        #expect(b.readableBytes == 0)
    }

    @Test(arguments: ["05616263", "fc0001" + String(repeating: "61", count: 255), "fd", "fe0100000000000000"])
    func truncatedStringReturnsNilWithoutConsuming(_ hex: String) {
        var b = hexBuffer(hex)
        let before = b.readableBytes
        #expect(b.readLengthEncodedString() == nil)
        #expect(b.readableBytes == before)
        #expect(b.readLengthEncodedSlice() == nil)
        #expect(b.readableBytes == before)
    }

    @Test func sliceAndBytesRoundTrip() {
        var b = ByteBuffer()
        b.writeLengthEncodedBytes([0x00, 0xFE, 0xFF])
        b.writeLengthEncodedBytes([UInt8]())
        #expect(hexString(b.readableBytesView) == "0300feff00")
        #expect(b.readLengthEncodedSlice().map { Array($0.readableBytesView) } == [0x00, 0xFE, 0xFF])
        #expect(b.readLengthEncodedSlice()?.readableBytes == 0)
        #expect(b.readableBytes == 0)
    }

    @Test func nullTerminatedStrings() {
        var b = ByteBuffer()
        b.writeString("junk")
        b.writeNullTerminatedString("root")
        b.writeNullTerminatedString("")
        b.writeString("no-nul")
        b.moveReaderIndex(forwardBy: 4)  // non-zero reader index: indices must be handled relative to it
        #expect(b.readNullTerminatedString() == "root")
        #expect(b.readNullTerminatedBytes() == [])
        let before = b.readableBytes
        #expect(b.readNullTerminatedString() == nil)
        #expect(b.readNullTerminatedBytes() == nil)
        #expect(b.readableBytes == before)
    }
}
