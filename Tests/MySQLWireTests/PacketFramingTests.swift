import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import MySQLWire

/// Runs a decoder over `wire` delivered in chunks of `chunk` bytes; returns every packet decoded.
private func decodeAll(_ wire: ByteBuffer, chunk: Int, maxPacketSize: Int = 1 << 30) throws -> [MySQLPacket] {
    var decoder = MySQLPacketDecoder(maxPacketSize: maxPacketSize)
    var input = wire
    var pending = ByteBuffer()
    var out: [MySQLPacket] = []
    while input.readableBytes > 0 {
        var part = input.readSlice(length: min(chunk, input.readableBytes))!
        pending.writeBuffer(&part)
        while let p = try decoder.decode(buffer: &pending) { out.append(p) }
        pending.discardReadBytes()
    }
    #expect(pending.readableBytes == 0, "decoder left bytes unread")
    return out
}

private func patterned(_ count: Int, salt: Int = 0) -> ByteBuffer {
    // Byte i is (i + salt) % 251: a period that never lines up with frame boundaries.
    let period = (0..<(251 * 64)).map { UInt8(($0 + salt) % 251) }
    var b = ByteBuffer()
    b.reserveCapacity(count)
    while b.readableBytes < count { b.writeBytes(period.prefix(count - b.readableBytes)) }
    return b
}

private func frame(_ seq: UInt8, _ payload: String) -> ByteBuffer {
    var b = ByteBuffer()
    b.writeMySQLPacket(ByteBuffer(string: payload), sequenceID: seq)
    return b
}

private func packet(_ seq: UInt8, _ payload: String) -> MySQLPacket {
    MySQLPacket(sequenceID: seq, payload: ByteBuffer(string: payload))
}

@Suite("Packet framing")
struct PacketFramingTests {
    @Test func frameHeaderBytes() {
        var b = ByteBuffer()
        let next = b.writeMySQLPacket(ByteBuffer(bytes: [0x03, 0x41]), sequenceID: 7)
        #expect(next == 8)
        #expect(hexString(b.readableBytesView) == "0200000703" + "41")

        var empty = ByteBuffer()
        #expect(empty.writeMySQLPacket(ByteBuffer(), sequenceID: 255) == 0, "sequence ids wrap")
        #expect(hexString(empty.readableBytesView) == "000000ff")

        var body = ByteBuffer()
        let n = body.writeMySQLPacket(sequenceID: 3) { $0.writeString("hello") }
        #expect(n == 4)
        #expect(hexString(body.readableBytesView) == "0500000368656c6c6f")
    }

    @Test func verifierOnSmallPackets() throws {
        var twoFrames = frame(0, "first")
        var second = frame(1, "second")
        twoFrames.writeBuffer(&second)
        let long = String(repeating: "z", count: 300)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (frame(0, "\u{03}SELECT 1"), [packet(0, "\u{03}SELECT 1")]),
                (frame(9, ""), [packet(9, "")]),
                (twoFrames, [packet(0, "first"), packet(1, "second")]),
                (frame(200, long), [packet(200, long)]),
                (hexBuffer("0100000100"), [MySQLPacket(sequenceID: 1, payload: ByteBuffer(bytes: [0]))]),
            ],
            decoderFactory: { MySQLPacketDecoder() }
        )
    }

    @Test func incompleteFrameWaitsWithoutConsuming() throws {
        var decoder = MySQLPacketDecoder()
        var b = hexBuffer("050000")
        #expect(try decoder.decode(buffer: &b) == nil)
        #expect(b.readableBytes == 3)
        b.writeBytes([0x00, 0x68, 0x69])
        #expect(try decoder.decode(buffer: &b) == nil)
        #expect(b.readableBytes == 6)
        b.writeBytes([0x6A, 0x6B, 0x6C])
        #expect(try decoder.decode(buffer: &b) == packet(0, "hijkl"))
        #expect(b.readableBytes == 0)
    }

    /// Large payloads: (length, expected frame count).
    static let largeCases: [(Int, Int)] = [
        (0xFF_FFFF - 1, 1),
        (0xFF_FFFF, 2),  // followed by an empty frame
        (20 * 1024 * 1024, 2),  // 20 MiB: one full frame + remainder
        (2 * 0xFF_FFFF, 3),  // two full frames + an empty one
        (2 * 0xFF_FFFF + 4321, 3),  // two full frames + remainder
    ]

    @Test(arguments: largeCases)
    func largePayloadSplitsAndReassembles(length: Int, frames: Int) throws {
        let payload = patterned(length, salt: length)
        var wireBytes = ByteBuffer()
        let next = wireBytes.writeMySQLPacket(payload, sequenceID: 250)
        #expect(next == UInt8(truncatingIfNeeded: 250 + frames), "sequence ids advance per frame and wrap")
        #expect(MySQLPacket.frameCount(forPayloadLength: length) == frames)

        // The frames on the wire: all but the last are full, ids consecutive.
        let split = splitFrames(wireBytes)
        #expect(split.count == frames)
        #expect(split.map(\.sequenceID) == (0..<frames).map { UInt8(truncatingIfNeeded: 250 + $0) })
        #expect(split.dropLast().allSatisfy { $0.length == MySQLPacket.maxFramePayload })
        #expect(split.last?.length == length - (frames - 1) * MySQLPacket.maxFramePayload)

        for chunk in [wireBytes.readableBytes, 1 << 20, 65_537] {
            let decoded = try decodeAll(wireBytes, chunk: chunk)
            #expect(decoded.count == 1)
            guard let p = decoded.first else { continue }
            #expect(p.sequenceID == 250)
            #expect(p.frameCount == frames)
            #expect(p.lastSequenceID == UInt8(truncatingIfNeeded: 250 + frames - 1))
            #expect(p.payload.readableBytes == length)
            #expect(p.payload == payload, "reassembled bytes differ (chunk \(chunk))")
        }
    }

    @Test func largePacketFollowedBySmallOne() throws {
        let payload = patterned(MySQLPacket.maxFramePayload + 10)
        var b = ByteBuffer()
        let next = b.writeMySQLPacket(payload, sequenceID: 0)
        b.writeMySQLPacket(ByteBuffer(string: "after"), sequenceID: next)
        let decoded = try decodeAll(b, chunk: 4 << 20)
        #expect(decoded.count == 2)
        #expect(decoded.first?.payload == payload)
        #expect(decoded.first?.frameCount == 2)
        #expect(decoded.last == MySQLPacket(sequenceID: 2, payload: ByteBuffer(string: "after")))
    }

    @Test func encoderSplitsLikeWriteMySQLPacket() throws {
        let payload = patterned(MySQLPacket.maxFramePayload + 3)
        let channel = EmbeddedChannel(handler: MessageToByteHandler(MySQLPacketEncoder()))
        try channel.writeOutbound(MySQLPacket(sequenceID: 4, payload: payload, frameCount: 2))
        var encoded = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { encoded.writeBuffer(&part) }
        var expected = ByteBuffer()
        expected.writeMySQLPacket(payload, sequenceID: 4)
        #expect(encoded == expected)
        #expect(try decodeAll(encoded, chunk: encoded.readableBytes) == [MySQLPacket(sequenceID: 4, payload: payload, frameCount: 2)])
        _ = try channel.finish()
    }

    @Test func pipelineRoundTrip() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(MySQLPacketDecoder()))
        var b = ByteBuffer()
        b.writeMySQLPacket(ByteBuffer(string: "\u{0e}"), sequenceID: 0)
        b.writeMySQLPacket(patterned(MySQLPacket.maxFramePayload), sequenceID: 1)
        // Deliver in awkward pieces, splitting headers too.
        var rest = b
        var sizes = [1, 2, 3, 5, 4_000_000, 7]
        while rest.readableBytes > 0 {
            let n = min(sizes.isEmpty ? 3_000_000 : sizes.removeFirst(), rest.readableBytes)
            try channel.writeInbound(rest.readSlice(length: n)!)
        }
        let first = try channel.readInbound(as: MySQLPacket.self)
        let second = try channel.readInbound(as: MySQLPacket.self)
        #expect(first == MySQLPacket(sequenceID: 0, payload: ByteBuffer(string: "\u{0e}")))
        #expect(second?.frameCount == 2)
        #expect(second?.sequenceID == 1)
        #expect(second?.lastSequenceID == 2)
        #expect(second?.payload == patterned(MySQLPacket.maxFramePayload))
        #expect(try channel.readInbound(as: MySQLPacket.self) == nil)
        #expect(try channel.finish().isClean)
    }

    // MARK: - Size limit

    @Test func packetOverLimitThrowsFromTheHeader() throws {
        var decoder = MySQLPacketDecoder(maxPacketSize: 100)
        var ok = ByteBuffer()
        ok.writeMySQLPacket(patterned(100), sequenceID: 0)
        #expect(try decoder.decode(buffer: &ok)?.payload.readableBytes == 100, "exactly the limit is fine")

        // Only the header of a 101-byte packet has arrived: the decoder refuses at once.
        var tooBig = hexBuffer("65000001")
        #expect(throws: PacketTooLargeError(limit: 100)) { try decoder.decode(buffer: &tooBig) }
    }

    @Test func packetOverLimitAcrossContinuationFrames() throws {
        let limit = MySQLPacket.maxFramePayload + 10
        var b = ByteBuffer()
        b.writeMySQLPacket(patterned(MySQLPacket.maxFramePayload + 11), sequenceID: 0)
        var decoder = MySQLPacketDecoder(maxPacketSize: limit)
        // First frame alone is under the limit: accepted and held.
        var first = b.readSlice(length: 4 + MySQLPacket.maxFramePayload)!
        #expect(try decoder.decode(buffer: &first) == nil)
        #expect(first.readableBytes == 0)
        // The continuation's header reveals 0xFFFFFF + 11 > limit.
        var rest = b
        #expect(throws: PacketTooLargeError(limit: limit)) { try decoder.decode(buffer: &rest) }

        // Exactly at the limit across frames is fine.
        var exact = ByteBuffer()
        exact.writeMySQLPacket(patterned(limit), sequenceID: 0)
        let decoded = try decodeAll(exact, chunk: 1 << 22, maxPacketSize: limit)
        #expect(decoded.map(\.payload.readableBytes) == [limit])
    }

    @Test func oversizedPacketErrorsThroughTheHandler() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MySQLPacketDecoder(maxPacketSize: 16)))
        #expect(throws: PacketTooLargeError(limit: 16)) {
            try channel.writeInbound(hexBuffer("11000000"))
        }
        _ = try? channel.finish()
    }

    @Test func packetValueHelpers() {
        #expect(MySQLPacket(sequenceID: 255, payload: ByteBuffer(), frameCount: 3).lastSequenceID == 1)
        #expect(MySQLPacket.frameCount(forPayloadLength: 0) == 1)
        #expect(MySQLPacket.frameCount(forPayloadLength: MySQLPacket.maxFramePayload * 3) == 4)
    }
}
