import MySQLWire
import NIOCore

/// Receives a backend's reply to a forwarded command. All calls happen on the event loop
/// that the client and backend channels share.
public protocol BackendReplySink: AnyObject {
    /// Complete frames of the reply, unchanged, to be written to the client.
    func backendForward(_ bytes: ByteBuffer)
    /// The backend finished a read burst: a good moment to flush the client.
    func backendFlush()
    /// The reply is complete.
    func backendReplyFinished(_ summary: ReplySummary)
    /// The connection failed before the reply was complete. `tracker` tells how far the reply got.
    func backendFailed(_ error: BackendError, tracker: CommandResponseTracker)
}

public struct ReplySummary: Sendable {
    /// Status flags of the last OK/EOF (in transaction, autocommit, ...).
    public var status: ServerStatus?
    public var sawError: Bool
    /// The sequence id the next packet would carry.
    public var nextSequenceID: UInt8
}

/// A reply gathered by Sleet itself (internal statements: session replay, KILL).
public struct CollectedReply: Sendable {
    /// Logical packets of the reply (continuation frames are not joined: internal replies are small).
    public var packets: [ByteBuffer]
    public var summary: ReplySummary
    /// The reply was larger than the caller's limit: `packets` is empty.
    public var overflowed = false
    /// The ERR packet, if the reply ended with one.
    public var error: MySQLError? {
        guard summary.sawError, let last = packets.last else { return nil }
        return ERRPacket.decode(last, capabilities: .protocol41)?.error
    }
}
