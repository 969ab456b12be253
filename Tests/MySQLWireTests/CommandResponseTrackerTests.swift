import NIOCore
import Testing
@testable import MySQLWire

private typealias Progress = CommandResponseTracker.Progress

/// Feeds every frame of `wire` to the tracker. With `prefix`, only the frame's first `prefix`
/// bytes are passed (the tracker promises to need no more than 21).
private func feed(_ wire: ByteBuffer, _ tracker: inout CommandResponseTracker, prefix: Int? = nil) throws -> [Progress] {
    var out: [Progress] = []
    for f in splitFrames(wire) {
        let payload = prefix.map { f.payload.getSlice(at: f.payload.readerIndex, length: min($0, f.length))! } ?? f.payload
        out.append(try tracker.consume(frameLength: f.length, sequenceID: f.sequenceID, payload: payload))
        #expect(tracker.nextSequenceID == f.sequenceID &+ 1)
    }
    return out
}

private func ok(_ status: ServerStatus = .autocommit, affected: UInt64 = 0, id: UInt64 = 0, seq: UInt8 = 1) -> ByteBuffer {
    var b = ByteBuffer()
    ReplyEncoder.writeOK(OKPacket(affectedRows: affected, lastInsertID: id, status: status), sequenceID: seq, into: &b)
    return b
}

private func columns(_ n: Int) -> [ColumnDefinition41] {
    (0..<n).map { ColumnDefinition41(schema: "app", table: "t", orgTable: "t", name: "c\($0)", orgName: "c\($0)") }
}

/// Re-frames logical payloads with consecutive sequence ids (splitting 16 MiB+ payloads).
private func assemble(_ payloads: [ByteBuffer], firstSequenceID: UInt8 = 1) -> ByteBuffer {
    var out = ByteBuffer()
    var seq = firstSequenceID
    for p in payloads { seq = out.writeMySQLPacket(p, sequenceID: seq) }
    return out
}

/// The logical packets (continuations joined) of a buffer of frames.
private func logicalPackets(_ wire: ByteBuffer) throws -> [ByteBuffer] {
    var decoder = MySQLPacketDecoder()
    var b = wire
    var out: [ByteBuffer] = []
    while let p = try decoder.decode(buffer: &b) { out.append(p.payload) }
    return out
}

/// A result set from ReplyEncoder with `extraRows` (raw row payloads) inserted before its terminator.
private func makeResultSet(columns n: Int, rows: [[String?]] = [], extraRows: [ByteBuffer] = [], deprecateEOF: Bool,
                       status: ServerStatus = .autocommit) throws -> ByteBuffer {
    var b = ByteBuffer()
    ReplyEncoder.writeResultSet(columns: columns(n), rows: rows, deprecateEOF: deprecateEOF, status: status, sequenceID: 1, into: &b)
    guard !extraRows.isEmpty else { return b }
    var packets = try logicalPackets(b)
    packets.insert(contentsOf: extraRows, at: packets.count - 1)
    return assemble(packets)
}

/// Replies to COM_QUERY, each valid with and without CLIENT_DEPRECATE_EOF.
enum QueryReply: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case okOnly, okWithHugeIDs, error, resultSet, resultSetWithNulls, emptyResultSet, wideResultSet
    case multiResults, callReply, errorAmongRows, errorAfterMoreResults

    var testDescription: String { rawValue }

    struct Expected { var sawError: Bool; var resultSets: Int; var status: ServerStatus? }

    func build(deprecateEOF dep: Bool) throws -> (ByteBuffer, Expected) {
        switch self {
        case .okOnly:
            return (ok(affected: 1, id: 7), Expected(sawError: false, resultSets: 0, status: .autocommit))
        case .okWithHugeIDs:
            // The status flags sit at offset 19: beyond a 9-byte prefix.
            return (ok([.autocommit, .inTransaction], affected: UInt64.max, id: UInt64.max - 1),
                    Expected(sawError: false, resultSets: 0, status: [.autocommit, .inTransaction]))
        case .error:
            var b = ByteBuffer()
            ReplyEncoder.writeError(.unsupported("this"), sequenceID: 1, into: &b)
            return (b, Expected(sawError: true, resultSets: 0, status: nil))
        case .resultSet:
            let rows: [[String?]] = (0..<5).map { r in (0..<3).map { "r\(r)c\($0)" } }
            return (try makeResultSet(columns: 3, rows: rows, deprecateEOF: dep, status: [.autocommit, .inTransaction]),
                    Expected(sawError: false, resultSets: 1, status: [.autocommit, .inTransaction]))
        case .resultSetWithNulls:
            // Rows whose first byte is 0xFB (NULL) or an empty string.
            return (try makeResultSet(columns: 2, rows: [[nil, nil], ["", nil], [nil, "x"]], deprecateEOF: dep),
                    Expected(sawError: false, resultSets: 1, status: .autocommit))
        case .emptyResultSet:
            return (try makeResultSet(columns: 2, deprecateEOF: dep), Expected(sawError: false, resultSets: 1, status: .autocommit))
        case .wideResultSet:
            // 300 columns: the column count is a 3-byte length-encoded integer (fc 2c 01).
            return (try makeResultSet(columns: 300, rows: [(0..<300).map { "\($0)" }], deprecateEOF: dep),
                    Expected(sawError: false, resultSets: 1, status: .autocommit))
        case .multiResults:
            var b = ok([.autocommit, .moreResultsExist], affected: 1)
            var rs = ByteBuffer()
            ReplyEncoder.writeResultSet(columns: columns(1), rows: [["1"]], deprecateEOF: dep, sequenceID: 2, into: &rs)
            b.writeBuffer(&rs)
            return (b, Expected(sawError: false, resultSets: 1, status: .autocommit))
        case .callReply:
            // CALL p(): two result sets flagged MORE_RESULTS, then the final OK of the CALL itself.
            var b = ByteBuffer()
            var seq = ReplyEncoder.writeResultSet(columns: columns(2), rows: [["a", "b"]], deprecateEOF: dep,
                                                  status: [.autocommit, .moreResultsExist], sequenceID: 1, into: &b)
            seq = ReplyEncoder.writeResultSet(columns: columns(1), rows: [], deprecateEOF: dep,
                                              status: [.autocommit, .moreResultsExist], sequenceID: seq, into: &b)
            ReplyEncoder.writeOK(OKPacket(status: .autocommit), sequenceID: seq, into: &b)
            return (b, Expected(sawError: false, resultSets: 2, status: .autocommit))
        case .errorAmongRows:
            // The server fails while sending rows (e.g. KILL QUERY): an ERR replaces the terminator.
            var packets = try logicalPackets(try makeResultSet(columns: 2, rows: [["1", "2"], ["3", "4"]], deprecateEOF: dep))
            var err = ByteBuffer()
            ERRPacket(code: 1317, sqlState: "70100", message: "Query execution was interrupted").encode(into: &err)
            packets[packets.count - 1] = err
            return (assemble(packets), Expected(sawError: true, resultSets: 0, status: nil))
        case .errorAfterMoreResults:
            var b = ok([.autocommit, .moreResultsExist])
            ReplyEncoder.writeError(.unsupported("x"), sequenceID: 2, into: &b)
            return (b, Expected(sawError: true, resultSets: 0, status: [.autocommit, .moreResultsExist]))
        }
    }
}

@Suite("CommandResponseTracker")
struct CommandResponseTrackerTests {
    @Test(arguments: QueryReply.allCases, [false, true])
    func queryReplies(_ reply: QueryReply, deprecateEOF: Bool) throws {
        let (wire, expected) = try reply.build(deprecateEOF: deprecateEOF)
        let frameCount = splitFrames(wire).count
        for prefix in [nil, 21] as [Int?] {
            var t = CommandResponseTracker(expecting: .resultSets, deprecateEOF: deprecateEOF)
            #expect(!t.isFinished)
            let progress = try feed(wire, &t, prefix: prefix)
            #expect(progress == Array(repeating: .needMore, count: frameCount - 1) + [.done], "ends exactly at the last frame")
            #expect(t.isFinished)
            #expect(t.sawError == expected.sawError)
            #expect(t.resultSetsSeen == expected.resultSets)
            #expect(t.lastStatus == expected.status)
            #expect(t.nextSequenceID == UInt8(truncatingIfNeeded: frameCount + 1))
            #expect(!t.errorWouldBeValid)
            // Anything after the end is a protocol error.
            #expect(throws: MySQLProtocolError.malformed("packet after the end of a reply")) {
                try t.consume(frameLength: 7, sequenceID: UInt8(truncatingIfNeeded: frameCount + 1), payload: hexBuffer("00000002000000"))
            }
        }
    }

    @Test(arguments: [
        (Fixture.selectFramesEOF, false, 1, ServerStatus([.autocommit, .noIndexUsed])),
        (Fixture.selectFramesDeprecateEOF, true, 1, ServerStatus([.autocommit, .noIndexUsed])),
        (Fixture.emptySelectFramesEOF, false, 1, ServerStatus.autocommit),
        (Fixture.emptySelectFramesDeprecateEOF, true, 1, ServerStatus.autocommit),
        (Fixture.multiFramesEOF, false, 1, ServerStatus.autocommit),
        (Fixture.multiFramesDeprecateEOF, true, 1, ServerStatus.autocommit),
    ])
    func capturedMariaDBReplies(frames: [(UInt8, String)], deprecateEOF: Bool, resultSets: Int, status: ServerStatus) throws {
        var t = CommandResponseTracker(expecting: .resultSets, deprecateEOF: deprecateEOF)
        let progress = try feed(wire(frames), &t)
        #expect(progress == Array(repeating: .needMore, count: frames.count - 1) + [.done])
        #expect(t.resultSetsSeen == resultSets)
        #expect(t.lastStatus == status)
        #expect(!t.sawError)
        #expect(t.nextSequenceID == frames.last!.0 + 1)
    }

    @Test func deprecateEOFMismatchIsAProtocolError() {
        var t = CommandResponseTracker(expecting: .resultSets, deprecateEOF: false)
        #expect(throws: MySQLProtocolError.malformed("expected EOF after column definitions")) {
            try feed(wire(Fixture.selectFramesDeprecateEOF), &t)
        }
    }

    @Test(arguments: [
        ("", "empty reply packet"),
        ("fb2f746d702f78", "LOCAL INFILE request (CLIENT_LOCAL_FILES was not negotiated)"),
        ("00fc", "OK packet"),
        ("fe0000000000000000", "column count"),  // zero columns
        ("fe00", "column count"),  // truncated length-encoded count
    ])
    func malformedStarts(hex: String, message: String) throws {
        var t = CommandResponseTracker(expecting: .resultSets, deprecateEOF: true)
        let payload = hexBuffer(hex)
        #expect(throws: MySQLProtocolError.malformed(message)) {
            try t.consume(frameLength: payload.readableBytes, sequenceID: 1, payload: payload)
        }
    }

    @Test func bareErrorHeaderIsAnError() throws {
        var t = CommandResponseTracker(expecting: .resultSets, deprecateEOF: false)
        #expect(try t.consume(frameLength: 1, sequenceID: 1, payload: hexBuffer("ff")) == .done)
        #expect(t.sawError)
    }

    // MARK: Rows of 16 MiB and more

    enum BigRow: String, CaseIterable, Sendable {
        /// One value of 2^24 bytes of 0xFE: the row starts with 0xFE (8-byte length), and its last
        /// frame (10 bytes) starts with 0xFE too: an OK terminator lookalike under DEPRECATE_EOF.
        case feFirstAndLast
        /// Last frame is 5 bytes starting with 0xFE: an EOF lookalike without DEPRECATE_EOF.
        case eofLookalikeTail
        /// Exactly 0xFFFFFF bytes: a full frame followed by an empty one.
        case exactFrame
        /// A 16 MiB string row through ReplyEncoder.
        case replyEncoderString

        func payload() -> ByteBuffer? {
            var b = ByteBuffer()
            switch self {
            case .feFirstAndLast:
                b.writeLengthEncodedInteger(1 << 24)
                b.writeRepeatingByte(0xFE, count: 1 << 24)
            case .eofLookalikeTail:
                let n = MySQLPacket.maxFramePayload - 3
                b.writeLengthEncodedInteger(UInt64(n))
                b.writeRepeatingByte(0xFE, count: n)
                b.writeLengthEncodedString("abc")
                precondition(b.readableBytes == MySQLPacket.maxFramePayload + 5)
            case .exactFrame:
                let n = MySQLPacket.maxFramePayload - 4
                b.writeLengthEncodedInteger(UInt64(n))
                b.writeRepeatingByte(0xFE, count: n)
                precondition(b.readableBytes == MySQLPacket.maxFramePayload)
            case .replyEncoderString:
                return nil
            }
            return b
        }
    }

    @Test(arguments: BigRow.allCases, [false, true])
    func bigRowsDoNotEndTheReply(_ row: BigRow, deprecateEOF: Bool) throws {
        let wireBytes: ByteBuffer
        if let payload = row.payload() {
            wireBytes = try makeResultSet(columns: 2, rows: [["small", nil]], extraRows: [payload, payload], deprecateEOF: deprecateEOF)
        } else {
            var b = ByteBuffer()
            ReplyEncoder.writeResultSet(columns: columns(1), rows: [[String(repeating: "a", count: 1 << 24)], ["b"]],
                                        deprecateEOF: deprecateEOF, sequenceID: 1, into: &b)
            wireBytes = b
        }
        let frames = splitFrames(wireBytes)
        let firstRowFrame = deprecateEOF ? 1 + (row == .replyEncoderString ? 1 : 2) : 2 + (row == .replyEncoderString ? 1 : 2)
        // Make sure the traps are really in the data.
        switch row {
        case .feFirstAndLast:
            #expect(frames[firstRowFrame + 1].payload.getInteger(at: 0, as: UInt8.self) == 0xFE)
            #expect(frames[firstRowFrame + 2].length == 10)
            #expect(frames[firstRowFrame + 2].payload.getInteger(at: 0, as: UInt8.self) == 0xFE)
        case .eofLookalikeTail:
            #expect(frames[firstRowFrame + 2].length == 5)
            #expect(frames[firstRowFrame + 2].payload.getInteger(at: 0, as: UInt8.self) == 0xFE)
        case .exactFrame:
            #expect(frames[firstRowFrame + 2].length == 0)
        case .replyEncoderString:
            #expect(frames[firstRowFrame].length == MySQLPacket.maxFramePayload)
            #expect(frames[firstRowFrame].payload.getInteger(at: 0, as: UInt8.self) == 0xFE)
        }

        for prefix in [nil, 21] as [Int?] {
            var t = CommandResponseTracker(expecting: .resultSets, deprecateEOF: deprecateEOF)
            var progress: [Progress] = []
            var validity: [Bool] = []
            for f in frames {
                let payload = prefix.map { f.payload.getSlice(at: 0, length: min($0, f.length))! } ?? f.payload
                progress.append(try t.consume(frameLength: f.length, sequenceID: f.sequenceID, payload: payload))
                validity.append(t.errorWouldBeValid)
            }
            #expect(progress == Array(repeating: .needMore, count: frames.count - 1) + [.done])
            #expect(t.resultSetsSeen == 1)
            #expect(t.lastStatus == .autocommit)
            #expect(!t.sawError)
            // Inside a multi-frame row an ERR would be read as row data: not valid there.
            for (i, f) in frames.enumerated().dropLast() where i >= firstRowFrame {
                #expect(validity[i] == (f.length < MySQLPacket.maxFramePayload), "frame \(i) of length \(f.length)")
            }
        }
    }

    // MARK: Other expectations

    @Test(arguments: [false, true])
    func fieldList(deprecateEOF: Bool) throws {
        var b = ByteBuffer()
        var seq: UInt8 = 1
        for c in columns(3) { seq = b.writeMySQLPacket(sequenceID: seq) { c.encode(into: &$0) } }
        if deprecateEOF {
            ReplyEncoder.writeOK(OKPacket(header: 0xFE, status: [.autocommit, .inTransaction]), sequenceID: seq, into: &b)
        } else {
            b.writeMySQLPacket(sequenceID: seq) { EOFPacket(status: [.autocommit, .inTransaction]).encode(into: &$0) }
        }
        var t = CommandResponseTracker(expecting: .fieldList, deprecateEOF: deprecateEOF)
        #expect(t.errorWouldBeValid)
        #expect(try feed(b, &t) == [.needMore, .needMore, .needMore, .done])
        #expect(t.lastStatus == [.autocommit, .inTransaction])
        #expect(!t.sawError)
        #expect(t.resultSetsSeen == 0)

        var e = CommandResponseTracker(expecting: .fieldList, deprecateEOF: deprecateEOF)
        var err = ByteBuffer()
        ReplyEncoder.writeError(MySQLError(code: 1146, sqlState: "42S02", message: "Table 'app.nope' doesn't exist"), sequenceID: 1, into: &err)
        #expect(try feed(err, &e) == [.done])
        #expect(e.sawError)
    }

    @Test func okOrError() throws {
        var t = CommandResponseTracker(expecting: .okOrError, deprecateEOF: false)
        #expect(t.errorWouldBeValid)
        #expect(try feed(ok([.autocommit, .inTransaction], affected: 70_000, id: 1 << 40), &t, prefix: 21) == [.done])
        #expect(t.lastStatus == [.autocommit, .inTransaction])
        #expect(!t.errorWouldBeValid)

        var e = CommandResponseTracker(expecting: .okOrError, deprecateEOF: true)
        #expect(try feed(hexBuffer("05000001ff15042331"), &e) == [.done])
        #expect(e.sawError)

        var bad = CommandResponseTracker(expecting: .okOrError, deprecateEOF: true)
        #expect(throws: MySQLProtocolError.malformed("expected OK or ERR, got 0x1")) {
            try bad.consume(frameLength: 1, sequenceID: 1, payload: hexBuffer("01"))
        }
    }

    @Test(arguments: ["fe", "ff1504", "4f70656e2074696d653a2031", ""])
    func singlePacket(hex: String) throws {
        var t = CommandResponseTracker(expecting: .singlePacket, deprecateEOF: true, firstSequenceID: 1)
        #expect(t.errorWouldBeValid)
        let p = hexBuffer(hex)
        #expect(try t.consume(frameLength: p.readableBytes, sequenceID: 1, payload: p) == .done)
        #expect(t.sawError == (hex.hasPrefix("ff")))
        #expect(t.isFinished)
        #expect(t.nextSequenceID == 2)
    }

    /// errorWouldBeValid before each frame of a 2-column, 2-row result set.
    @Test(arguments: [
        (false, [true, false, false, false, true, true, true]),
        (true, [true, false, false, true, true, true]),
    ])
    func errorWouldBeValidByPhase(deprecateEOF: Bool, before: [Bool]) throws {
        let wireBytes = try makeResultSet(columns: 2, rows: [["1", "2"], ["3", "4"]], deprecateEOF: deprecateEOF)
        let frames = splitFrames(wireBytes)
        #expect(frames.count == before.count)
        var t = CommandResponseTracker(expecting: .resultSets, deprecateEOF: deprecateEOF)
        var seen: [Bool] = []
        for f in frames {
            seen.append(t.errorWouldBeValid)
            _ = try t.consume(frameLength: f.length, sequenceID: f.sequenceID, payload: f.payload)
        }
        #expect(seen == before)
        #expect(!t.errorWouldBeValid, "after the end")

        // After an OK with MORE_RESULTS the next result starts: an ERR is valid again.
        var m = CommandResponseTracker(expecting: .resultSets, deprecateEOF: deprecateEOF)
        #expect(try feed(ok([.autocommit, .moreResultsExist]), &m) == [.needMore])
        #expect(m.errorWouldBeValid)
    }

    @Test func sequenceIDs() throws {
        var t = CommandResponseTracker(expecting: .resultSets, deprecateEOF: true, firstSequenceID: 5)
        #expect(t.nextSequenceID == 5)
        var b = ByteBuffer()
        ReplyEncoder.writeResultSet(columns: columns(1), rows: [["x"]], deprecateEOF: true, sequenceID: 254, into: &b)
        #expect(splitFrames(b).map(\.sequenceID) == [254, 255, 0, 1])
        #expect(try feed(b, &t) == [.needMore, .needMore, .needMore, .done])
        #expect(t.nextSequenceID == 2, "wraps past 255")
    }

    // MARK: ReplyEncoder

    @Test(arguments: [false, true])
    func replyEncoderBytes(deprecateEOF: Bool) throws {
        var b = ByteBuffer()
        let next = ReplyEncoder.writeResultSet(columns: [ColumnDefinition41(name: "a")], rows: [["x"], [nil]],
                                               deprecateEOF: deprecateEOF, status: .autocommit, sequenceID: 1, into: &b)
        let col = "03646566" + "00" + "00" + "00" + "0161" + "00" + "0c" + "2d00" + "00040000" + "fd" + "0000" + "00" + "0000"
        let withEOF: [(UInt8, String)] = [(1, "01"), (2, col), (3, "fe00000200"), (4, "0178"), (5, "fb"), (6, "fe00000200")]
        let withoutEOF: [(UInt8, String)] = [(1, "01"), (2, col), (3, "0178"), (4, "fb"), (5, "fe000002000000")]
        let expected = deprecateEOF ? withoutEOF : withEOF
        #expect(b == wire(expected))
        #expect(next == UInt8(expected.count + 1))

        var errBuf = ByteBuffer()
        #expect(ReplyEncoder.writeError(.adminRequired(), sequenceID: 3, into: &errBuf) == 4)
        let frame = try #require(splitFrames(errBuf).first)
        #expect(frame.sequenceID == 3)
        #expect(ERRPacket.decode(frame.payload, capabilities: .protocol41)?.error == .adminRequired())
    }
}
