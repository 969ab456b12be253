import NIOCore

/// One logical MySQL packet: a payload and the sequence id of its first frame.
/// Payloads of 16 MiB - 1 bytes and more travel as several frames; `frameCount` says how many.
public struct MySQLPacket: Sendable, Equatable {
    /// The largest payload one frame carries. A frame of exactly this size is followed by another.
    public static let maxFramePayload = 0xFF_FFFF

    public var sequenceID: UInt8
    public var payload: ByteBuffer
    /// The number of frames this packet used on the wire (the last frame's id is `sequenceID + frameCount - 1`).
    public var frameCount: Int
    /// The packet exactly as it arrived (header included) when it came in one frame: forwarding it
    /// needs no copy. Nil for packets built in memory or joined from several frames.
    public var frame: ByteBuffer?

    public init(sequenceID: UInt8, payload: ByteBuffer, frameCount: Int = 1, frame: ByteBuffer? = nil) {
        self.sequenceID = sequenceID; self.payload = payload; self.frameCount = frameCount; self.frame = frame
    }

    /// Equal when the logical packets are: `frame` (how it arrived) does not count.
    public static func == (a: MySQLPacket, b: MySQLPacket) -> Bool {
        a.sequenceID == b.sequenceID && a.payload == b.payload && a.frameCount == b.frameCount
    }

    /// The sequence id of the last frame of this packet.
    public var lastSequenceID: UInt8 { sequenceID &+ UInt8(truncatingIfNeeded: frameCount - 1) }

    /// Number of frames needed for `payloadLength` bytes (a payload that is an exact multiple of
    /// 0xFFFFFF is followed by an empty frame).
    public static func frameCount(forPayloadLength n: Int) -> Int { n / maxFramePayload + 1 }
}

extension ByteBuffer {
    /// Writes `payload` as one or more frames starting at `sequenceID`. Returns the next sequence id.
    @discardableResult
    public mutating func writeMySQLPacket(_ payload: ByteBuffer, sequenceID: UInt8) -> UInt8 {
        var seq = sequenceID
        var rest = payload
        while true {
            let n = Swift.min(rest.readableBytes, MySQLPacket.maxFramePayload)
            writeInteger(UInt32(n) | UInt32(seq) << 24, endianness: .little)
            if n > 0, var chunk = rest.readSlice(length: n) { writeBuffer(&chunk) }
            seq &+= 1
            if n < MySQLPacket.maxFramePayload { return seq }
        }
    }

    /// Writes a packet whose payload is produced by `body`, patching the 3-byte length afterwards.
    /// Payloads must stay under 16 MiB (Sleet's own packets always do).
    @discardableResult
    public mutating func writeMySQLPacket(sequenceID: UInt8, _ body: (inout ByteBuffer) -> Void) -> UInt8 {
        let headerIndex = writerIndex
        writeInteger(UInt32(0), endianness: .little)
        let start = writerIndex
        body(&self)
        let length = writerIndex - start
        precondition(length < MySQLPacket.maxFramePayload, "Sleet-generated packet too large")
        setInteger(UInt32(length) | UInt32(sequenceID) << 24, at: headerIndex, endianness: .little)
        return sequenceID &+ 1
    }
}
