import NIOCore

/// Finds where a backend's reply to one command ends, looking only at packet headers and
/// first bytes, so replies can be forwarded unchanged. Also tracks the server status flags.
///
/// Feed it every frame of the reply in order with `consume(frameLength:payload:)`; the payload
/// passed may be just the frame's first 21 bytes (at most the whole frame): an OK packet's status
/// flags follow two length-encoded integers of up to 9 bytes each.
public struct CommandResponseTracker: Sendable {
    public enum Expectation: Sendable, Equatable {
        /// COM_QUERY, also COM_STMT_EXECUTE in text-like framing: OK | ERR | result sets, chained by MORE_RESULTS.
        case resultSets
        /// A single OK or ERR (COM_INIT_DB, COM_PING, COM_RESET_CONNECTION, ...).
        case okOrError
        /// A single packet of any kind (COM_STATISTICS, COM_SET_OPTION).
        case singlePacket
        /// Column definitions ended by EOF (or OK under DEPRECATE_EOF), or an ERR (COM_FIELD_LIST).
        case fieldList
    }

    public enum Progress: Sendable, Equatable {
        case needMore
        /// The reply is complete. `error` is set when it ended with an ERR packet.
        case done
    }

    private enum State: Sendable, Equatable {
        case start
        case columns(remaining: UInt64)
        case columnsEOF
        case rows
        case fieldList
        case single
        case okOrError
        case finished
    }

    public let deprecateEOF: Bool
    private var state: State
    /// Frames still to skip because they continue a logical packet of 16 MiB and more.
    private var inContinuation = false
    /// Status flags of the last OK/EOF seen.
    public private(set) var lastStatus: ServerStatus?
    /// Set when the reply contained an ERR packet (it ends the reply).
    public private(set) var sawError = false
    /// The number of result sets with rows that finished.
    public private(set) var resultSetsSeen = 0
    /// The sequence id expected for the next frame.
    public private(set) var nextSequenceID: UInt8
    /// True while the reply is between packets where an ERR packet would be valid for the client
    /// (at the start of a result or among rows).
    public var errorWouldBeValid: Bool {
        switch state {
        case .start, .rows, .okOrError, .single, .fieldList: !inContinuation
        default: false
        }
    }

    public init(expecting: Expectation, deprecateEOF: Bool, firstSequenceID: UInt8 = 1) {
        self.deprecateEOF = deprecateEOF
        self.nextSequenceID = firstSequenceID
        switch expecting {
        case .resultSets: state = .start
        case .okOrError: state = .okOrError
        case .singlePacket: state = .single
        case .fieldList: state = .fieldList
        }
    }

    public var isFinished: Bool { state == .finished }

    /// Consumes one frame (header already removed). `payload` holds at least the first 21 bytes of
    /// the frame when the frame is that long (the whole frame is fine), `frameLength` the frame's size.
    public mutating func consume(frameLength: Int, sequenceID: UInt8, payload: ByteBuffer) throws(MySQLProtocolError) -> Progress {
        guard state != .finished else { throw .malformed("packet after the end of a reply") }
        nextSequenceID = sequenceID &+ 1
        if inContinuation {
            inContinuation = frameLength == MySQLPacket.maxFramePayload
            return .needMore
        }
        inContinuation = frameLength == MySQLPacket.maxFramePayload
        let large = inContinuation
        let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
        switch state {
        case .finished:
            throw .malformed("packet after the end of a reply")
        case .single:
            if first == 0xFF { sawError = true }
            return finish()
        case .okOrError:
            if first == 0xFF { sawError = true; return finish() }
            if first == 0x00 || first == 0xFE {
                if let s = OKPacket.status(of: payload) { lastStatus = s }
                return finish()
            }
            throw .malformed("expected OK or ERR, got 0x\(String(first ?? 0, radix: 16))")
        case .fieldList:
            if first == 0xFF, !large { sawError = true; return finish() }
            if first == 0xFE, isTerminator(frameLength) {
                lastStatus = terminatorStatus(payload)
                return finish()
            }
            return .needMore
        case .start:
            guard let first else { throw .malformed("empty reply packet") }
            switch first {
            case 0x00 where !large:
                guard let s = OKPacket.status(of: payload) else { throw .malformed("OK packet") }
                lastStatus = s
                return s.contains(.moreResultsExist) ? .needMore : finish()
            case 0xFF where !large:
                sawError = true
                return finish()
            case 0xFB where !large:
                throw .malformed("LOCAL INFILE request (CLIENT_LOCAL_FILES was not negotiated)")
            default:
                guard let (count, _) = payload.getLengthEncodedInteger(at: payload.readerIndex), count > 0 else {
                    throw .malformed("column count")
                }
                state = .columns(remaining: count)
                return .needMore
            }
        case .columns(let remaining):
            if remaining > 1 { state = .columns(remaining: remaining - 1) }
            else { state = deprecateEOF ? .rows : .columnsEOF }
            return .needMore
        case .columnsEOF:
            guard first == 0xFE, frameLength < 9 else { throw .malformed("expected EOF after column definitions") }
            state = .rows
            return .needMore
        case .rows:
            if first == 0xFF, !large { sawError = true; return finish() }
            if first == 0xFE, isTerminator(frameLength) {
                resultSetsSeen += 1
                let s = terminatorStatus(payload)
                lastStatus = s
                if let s, s.contains(.moreResultsExist) { state = .start; return .needMore }
                return finish()
            }
            return .needMore
        }
    }

    private func isTerminator(_ frameLength: Int) -> Bool {
        deprecateEOF ? frameLength < MySQLPacket.maxFramePayload : frameLength < 9
    }

    private func terminatorStatus(_ payload: ByteBuffer) -> ServerStatus? {
        deprecateEOF ? OKPacket.status(of: payload) : EOFPacket.status(of: payload)
    }

    private mutating func finish() -> Progress {
        state = .finished
        return .done
    }
}
