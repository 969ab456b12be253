import NIOCore

/// Length-encoded integers and strings, NUL-terminated strings: the primitives of the protocol.
extension ByteBuffer {
    /// Reads a length-encoded integer. Returns nil (and consumes nothing) if incomplete or 0xFF/0xFB.
    public mutating func readLengthEncodedInteger() -> UInt64? {
        guard let first = getInteger(at: readerIndex, as: UInt8.self) else { return nil }
        switch first {
        case 0..<0xFB:
            moveReaderIndex(forwardBy: 1)
            return UInt64(first)
        case 0xFC:
            guard let v = getInteger(at: readerIndex + 1, endianness: .little, as: UInt16.self) else { return nil }
            moveReaderIndex(forwardBy: 3)
            return UInt64(v)
        case 0xFD:
            guard let bytes = getBytes(at: readerIndex + 1, length: 3) else { return nil }
            moveReaderIndex(forwardBy: 4)
            return UInt64(bytes[0]) | UInt64(bytes[1]) << 8 | UInt64(bytes[2]) << 16
        case 0xFE:
            guard let v = getInteger(at: readerIndex + 1, endianness: .little, as: UInt64.self) else { return nil }
            moveReaderIndex(forwardBy: 9)
            return v
        default:
            return nil
        }
    }

    /// Peeks a length-encoded integer at `index`: its value and encoded size.
    public func getLengthEncodedInteger(at index: Int) -> (value: UInt64, size: Int)? {
        var copy = self
        guard index >= readerIndex, index <= writerIndex else { return nil }
        copy.moveReaderIndex(to: index)
        guard let v = copy.readLengthEncodedInteger() else { return nil }
        return (v, copy.readerIndex - index)
    }

    @discardableResult
    public mutating func writeLengthEncodedInteger(_ value: UInt64) -> Int {
        switch value {
        case 0..<251:
            return writeInteger(UInt8(value))
        case 251..<(1 << 16):
            return writeInteger(UInt8(0xFC)) + writeInteger(UInt16(value), endianness: .little)
        case (1 << 16)..<(1 << 24):
            return writeBytes([0xFD, UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF)])
        default:
            return writeInteger(UInt8(0xFE)) + writeInteger(value, endianness: .little)
        }
    }

    public mutating func readLengthEncodedString() -> String? {
        let save = readerIndex
        guard let len = readLengthEncodedInteger(), len <= UInt64(readableBytes), let s = readString(length: Int(len)) else {
            moveReaderIndex(to: save)
            return nil
        }
        return s
    }

    public mutating func readLengthEncodedSlice() -> ByteBuffer? {
        let save = readerIndex
        guard let len = readLengthEncodedInteger(), len <= UInt64(readableBytes), let s = readSlice(length: Int(len)) else {
            moveReaderIndex(to: save)
            return nil
        }
        return s
    }

    @discardableResult
    public mutating func writeLengthEncodedString(_ string: String) -> Int {
        writeLengthEncodedInteger(UInt64(string.utf8.count)) + writeString(string)
    }

    @discardableResult
    public mutating func writeLengthEncodedBytes<Bytes: Collection>(_ bytes: Bytes) -> Int where Bytes.Element == UInt8 {
        writeLengthEncodedInteger(UInt64(bytes.count)) + writeBytes(bytes)
    }

    // `readNullTerminatedString()` and `writeNullTerminatedString(_:)` come from NIOCore (same
    // behaviour); redeclaring them here made every caller importing both modules ambiguous.

    public mutating func readNullTerminatedBytes() -> [UInt8]? {
        guard let nul = readableBytesView.firstIndex(of: 0) else { return nil }
        let s = readBytes(length: nul - readerIndex)
        moveReaderIndex(forwardBy: 1)
        return s
    }
}
