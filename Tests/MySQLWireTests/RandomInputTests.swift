import NIOCore
import Testing
@testable import MySQLWire

/// Random and mutated inputs: nothing that reads network bytes may trap, and what it returns must
/// be self-consistent. Deterministic (seeded).
@Suite("Random input never traps")
struct RandomInputTests {
    static let seeds: [String] = [
        Fixture.mariaDBGreeting, Fixture.mariaDBCLIResponse, Fixture.okInsert, Fixture.okInsertWithInfo,
        Fixture.errDuplicate, Fixture.columnID, Fixture.columnOne, Fixture.authSwitch, GenericPacketTests.capturedChangeUser,
    ]

    /// Half purely random bytes, half captured fixtures with a few bytes changed or cut short.
    static func input(_ i: Int, _ g: inout SplitMix64) -> ByteBuffer {
        if i % 2 == 0 {
            let n = Int.random(in: 0...80, using: &g)
            return ByteBuffer(bytes: (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) })
        }
        var bytes = hexBytes(seeds[Int.random(in: 0..<seeds.count, using: &g)])
        for _ in 0..<Int.random(in: 1...4, using: &g) {
            bytes[Int.random(in: 0..<bytes.count, using: &g)] = UInt8.random(in: 0...255, using: &g)
        }
        if Bool.random(using: &g) { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &g))) }
        return ByteBuffer(bytes: bytes)
    }

    @Test func messageDecoders() {
        var g = SplitMix64(seed: 0x5EED_0001)
        var decoded = [String: Int]()
        for i in 0..<10_000 {
            let b = Self.input(i, &g)
            if let h = try? HandshakeV10.decode(b) {
                decoded["greeting", default: 0] += 1
                var re = ByteBuffer()
                h.encode(into: &re)  // whatever decodes must encode without trapping
                #expect(re.readableBytes > 0)
            }
            if let r = try? HandshakeResponse41.decode(b) {
                decoded["response", default: 0] += 1
                #expect(r.capabilities.contains(.protocol41))
                #expect(r.authResponse.count <= b.readableBytes)
            }
            for caps: CapabilityFlags in [[.protocol41, .secureConnection, .pluginAuth], []] {
                if let c = try? ChangeUserRequest.decode(b, capabilities: caps) {
                    decoded["changeUser", default: 0] += 1
                    #expect(c.authResponse.count <= b.readableBytes)
                }
            }
            if let ok = OKPacket.decode(b) {
                decoded["ok", default: 0] += 1
                #expect(ok.header == 0x00 || ok.header == 0xFE)
                #expect(OKPacket.status(of: b) == ok.status)
            }
            if let err = ERRPacket.decode(b, capabilities: .protocol41) {
                decoded["err", default: 0] += 1
                #expect(b.getInteger(at: 0, as: UInt8.self) == 0xFF)
                _ = err
            }
            if ColumnDefinition41.decode(b) != nil { decoded["column", default: 0] += 1 }
            if (try? AuthSwitchRequest.decode(b)) != nil { decoded["authSwitch", default: 0] += 1 }
            _ = EOFPacket.status(of: b)
            _ = HandshakeResponse41.isSSLRequest(b)
            var copy = b
            let before = copy.readableBytes
            if let v = copy.readLengthEncodedInteger() {
                #expect(copy.readableBytes < before)
                var re = ByteBuffer()
                re.writeLengthEncodedInteger(v)
                #expect(re.readableBytes <= before - copy.readableBytes)
            } else {
                #expect(copy.readableBytes == before)
            }
        }
        // The mutated fixtures must reach the success paths, not only the early exits.
        for kind in ["greeting", "response", "changeUser", "ok", "err", "column", "authSwitch"] {
            #expect(decoded[kind, default: 0] > 50, "\(kind): \(decoded[kind, default: 0])")
        }
    }

    @Test func packetDecoder() throws {
        var g = SplitMix64(seed: 0x5EED_0002)
        var packets = 0
        var tooLarge = 0
        for _ in 0..<10_000 {
            // Small limit so the size check triggers; headers mostly announce short frames.
            let limit = Int.random(in: 0...64, using: &g)
            var decoder = MySQLPacketDecoder(maxPacketSize: limit)
            var b = ByteBuffer()
            for _ in 0..<Int.random(in: 0...6, using: &g) {
                let len = Bool.random(using: &g) ? Int.random(in: 0...40, using: &g) : Int.random(in: 0...0xFF_FFFF, using: &g)
                b.writeInteger(UInt32(len) | UInt32.random(in: 0...255, using: &g) << 24, endianness: .little)
                // Short frames usually arrive whole; others are cut anywhere.
                let present = len <= 64 && Bool.random(using: &g) ? len : min(len, Int.random(in: 0...48, using: &g))
                b.writeBytes((0..<present).map { _ in UInt8.random(in: 0...255, using: &g) })
            }
            do {
                while let p = try decoder.decode(buffer: &b) {
                    packets += 1
                    #expect(p.payload.readableBytes <= limit)
                    #expect(p.frameCount == 1)
                }
                _ = try decoder.decodeLast(buffer: &b, seenEOF: true)
            } catch let e as PacketTooLargeError {
                tooLarge += 1
                #expect(e.limit == limit)
            }
        }
        #expect(packets > 1000)
        #expect(tooLarge > 1000)
    }

    @Test func replyTracker() {
        var g = SplitMix64(seed: 0x5EED_0003)
        let expectations: [CommandResponseTracker.Expectation] = [.resultSets, .okOrError, .singlePacket, .fieldList]
        var finished = 0
        var rejected = 0
        for i in 0..<10_000 {
            var t = CommandResponseTracker(expecting: expectations[i % 4], deprecateEOF: i % 8 < 4)
            do {
                for _ in 0..<Int.random(in: 1...12, using: &g) {
                    let small = Self.input(i, &g)
                    // Sometimes claim a full-size frame so continuation handling is exercised.
                    let length = Int.random(in: 0..<10, using: &g) == 0 ? MySQLPacket.maxFramePayload : small.readableBytes
                    let seq = UInt8.random(in: 0...255, using: &g)
                    _ = try t.consume(frameLength: length, sequenceID: seq, payload: small)
                    #expect(t.nextSequenceID == seq &+ 1)
                    if t.isFinished {
                        finished += 1
                        #expect(!t.errorWouldBeValid)
                        break
                    }
                }
            } catch {
                rejected += 1
            }
        }
        #expect(finished > 1000)
        #expect(rejected > 100)
    }
}
