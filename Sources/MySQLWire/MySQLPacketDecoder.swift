import NIOCore

/// Frames bytes into logical packets, joining continuation frames (16 MiB and more).
/// A logical packet larger than `maxPacketSize` is an error: `PacketTooLargeError`.
public struct MySQLPacketDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = MySQLPacket

    public let maxPacketSize: Int
    /// Continuation frames gathered so far.
    private var pending: ByteBuffer?
    private var pendingSeq: UInt8 = 0
    private var pendingFrames = 0

    public init(maxPacketSize: Int = 1 << 30) { self.maxPacketSize = maxPacketSize }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MySQLPacket? {
        while true {
            guard let header = buffer.getInteger(at: buffer.readerIndex, endianness: .little, as: UInt32.self) else { return nil }
            let length = Int(header & 0xFF_FFFF)
            let seq = UInt8(header >> 24)
            let already = pending?.readableBytes ?? 0
            if already + length > maxPacketSize {
                throw PacketTooLargeError(limit: maxPacketSize)
            }
            guard buffer.readableBytes >= 4 + length else { return nil }
            if pending != nil, seq != pendingSeq &+ UInt8(truncatingIfNeeded: pendingFrames) {
                throw PacketOutOfOrderError(expected: pendingSeq &+ UInt8(truncatingIfNeeded: pendingFrames), got: seq)
            }
            if length < MySQLPacket.maxFramePayload, pending == nil {
                // The common case: a whole packet in one frame. Keep the frame for zero-copy forwarding.
                guard let frame = buffer.readSlice(length: 4 + length) else { return nil }
                return MySQLPacket(sequenceID: seq, payload: frame.getSlice(at: frame.readerIndex + 4, length: length)!,
                                   frameCount: 1, frame: frame)
            }
            buffer.moveReaderIndex(forwardBy: 4)
            guard var chunk = buffer.readSlice(length: length) else { return nil }
            if length == MySQLPacket.maxFramePayload {
                // More frames follow: accumulate.
                if pending == nil {
                    var acc = ByteBufferAllocator().buffer(capacity: length * 2)
                    acc.writeBuffer(&chunk)
                    pending = acc; pendingSeq = seq; pendingFrames = 1
                } else {
                    pending!.writeBuffer(&chunk)
                    pendingFrames += 1
                }
                continue
            }
            if var acc = pending {
                acc.writeBuffer(&chunk)
                pending = nil
                return MySQLPacket(sequenceID: pendingSeq, payload: acc, frameCount: pendingFrames + 1)
            }
            return MySQLPacket(sequenceID: seq, payload: chunk, frameCount: 1)
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MySQLPacket? {
        try decode(buffer: &buffer)
    }
}

public struct PacketTooLargeError: Error, Sendable, Equatable {
    public var limit: Int
}

/// A continuation frame whose sequence id does not follow the previous frame's.
public struct PacketOutOfOrderError: Error, Sendable, Equatable {
    public var expected: UInt8
    public var got: UInt8
}

/// Encodes outbound `MySQLPacket`s (splitting payloads of 16 MiB and more into frames).
public struct MySQLPacketEncoder: MessageToByteEncoder {
    public typealias OutboundIn = MySQLPacket
    public init() {}
    public func encode(data: MySQLPacket, out: inout ByteBuffer) throws {
        out.writeMySQLPacket(data.payload, sequenceID: data.sequenceID)
    }
}
