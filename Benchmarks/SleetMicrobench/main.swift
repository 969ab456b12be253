// Micro-benchmarks of the hot-path pieces: codec and SQL classifier.
// Run in release mode: swift run -c release sleet-microbench   (or: scripts/bench --micro)
import Foundation
import MySQLWire
import NIOCore
import SQLSyntax
import ShardRouting
import SleetConfig

/// Runs `body` `iterations` times per sample, takes 7 samples, prints the median ns per operation.
@inline(never)
func measure(_ name: String, iterations: Int = 200_000, _ body: () -> Int) -> Double {
    // SLEET_MICROBENCH_FILTER=plan runs only the benchmarks whose name contains "plan" (for perf).
    if let f = ProcessInfo.processInfo.environment["SLEET_MICROBENCH_FILTER"], !name.contains(f) { return 0 }
    var sink = 0
    for _ in 0..<(iterations / 10) { sink &+= body() } // warm up
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<7 {
        let start = clock.now
        for _ in 0..<iterations { sink &+= body() }
        let elapsed = clock.now - start
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        samples.append(ns / Double(iterations))
    }
    samples.sort()
    let median = samples[samples.count / 2]
    let pad = String(repeating: " ", count: max(0, 58 - name.count))
    print("\(name)\(pad)\(String(format: "%9.1f", median)) ns/op   (sink \(sink & 1))")
    return median
}

func framed(_ payload: ByteBuffer, seq: UInt8 = 0) -> ByteBuffer {
    var b = ByteBuffer()
    b.writeMySQLPacket(payload, sequenceID: seq)
    return b
}

let pointSelect = "SELECT c FROM sbtest1 WHERE id=5021"
var queryPayload = ByteBuffer()
queryPayload.writeInteger(Command.query.rawValue)
queryPayload.writeString(pointSelect)
let queryFrame = framed(queryPayload)

print("Sleet micro-benchmarks (median of 7 samples)")

// 1. Decode a COM_QUERY frame into a logical packet.
_ = measure("decode COM_QUERY packet (MySQLPacketDecoder)") {
    var decoder = MySQLPacketDecoder()
    var buf = queryFrame
    return (try? decoder.decode(buffer: &buf))??.payload.readableBytes ?? 0
}

// 2. Lex + classify a point SELECT.
let classifyNs = measure("lex + classify a point SELECT") {
    switch Classifier.classify(pointSelect) {
    case .select: 1
    default: 0
    }
}

// 3. What ClientSession does per COM_QUERY before forwarding: lex the payload once, classify,
//    and the local-answer and CONNECTION_ID() pre-checks.
_ = measure("per-statement SQL work in ClientSession (lex once + checks)") {
    let lexer = queryPayload.withUnsafeReadableBytes { Lexer(bytes: Array(UnsafeRawBufferPointer(rebasing: $0.dropFirst()))) }
    let head = lexer.tokens(limit: 8)
    let local = LocalQuery.couldMatch(head) ? 1 : 0
    let cid = ConnectionIDRewrite.mightContain(bytes: lexer.bytes) ? 1 : 0
    switch Classifier.classify(tokens: head, source: lexer.bytes) {
    case .select: return 1 + local + cid
    default: return local + cid
    }
}

// 4. Encode a 10-column text row.
let rowValues: [String?] = ["1", "alpha", "beta", nil, "12345.678", "2026-11-21 10:00:00", "x", "", "yes", "42"]
_ = measure("encode a 10-column text row") {
    var out = ByteBuffer()
    out.reserveCapacity(128)
    var payload = ByteBuffer()
    payload.reserveCapacity(96)
    for v in rowValues { if let v { payload.writeLengthEncodedString(v) } else { payload.writeInteger(UInt8(0xFB)) } }
    out.writeMySQLPacket(payload, sequenceID: 3)
    return out.readableBytes
}

// 5. Encode a result set of 1,000 rows (10 columns).
let columns = (0..<10).map { ColumnDefinition41(name: "c\($0)") }
let rows = Array(repeating: rowValues, count: 1000)
_ = measure("encode a 1,000-row result set (10 columns)", iterations: 200) {
    var out = ByteBuffer()
    ReplyEncoder.writeResultSet(columns: columns, rows: rows, deprecateEOF: false, sequenceID: 1, into: &out)
    return out.readableBytes
}

// 6. Scan a backend reply (1 column, 1 row) to find where it ends: the per-statement forwarding work.
var reply = ByteBuffer()
ReplyEncoder.writeResultSet(columns: [ColumnDefinition41(name: "c")], rows: [["abc"]], deprecateEOF: false, sequenceID: 1, into: &reply)
_ = measure("scan a 1-row reply (CommandResponseTracker)") {
    var tracker = CommandResponseTracker(expecting: .resultSets, deprecateEOF: false)
    var index = reply.readerIndex
    var n = 0
    while let header = reply.getInteger(at: index, endianness: .little, as: UInt32.self) {
        let length = Int(header & 0xFF_FFFF)
        let payload = reply.getSlice(at: index + 4, length: length)!
        if (try? tracker.consume(frameLength: length, sequenceID: UInt8(header >> 24), payload: payload)) == .done { n += 1; break }
        index += 4 + length
    }
    return n
}

// 7. Sharded routing: lex + parse + plan (what a session does per statement when tables are sharded).
let shardedConfig = SleetConfig(
    path: "bench", listen: HostPort(host: "127.0.0.1", port: 3307), backend: BackendSettings(user: "sleet"),
    shards: [Shard(name: "s0", keyRange: KeyRange(start: 0, end: 1 << 63, text: "-80"), primary: HostPort(host: "127.0.0.1", port: 23306)),
             Shard(name: "s1", keyRange: KeyRange(start: 1 << 63, end: nil, text: "80-"), primary: HostPort(host: "127.0.0.1", port: 23316))],
    tables: Tables(defaultShard: "s0", sharded: ["sbtest1": ShardedTable(key: "id")]))
let router = Router(config: shardedConfig)
let planNs = measure("lex + plan a sharded point SELECT (fast path)", iterations: 50_000) {
    (try? router.plan(sql: pointSelect, database: "app"))?.targets.count ?? 0
}
_ = measure("lex + parse + plan a sharded IN (2 keys) SELECT (full parser)", iterations: 50_000) {
    (try? router.plan(sql: "SELECT c FROM sbtest1 WHERE id IN (5021, 5022)", database: "app"))?.targets.count ?? 0
}
let insert10 = "INSERT INTO sbtest1 (id, k, c, pad) VALUES " + (1...10).map { "(\($0), \($0 * 7), 'c-\($0)', 'pad')" }.joined(separator: ", ")
_ = measure("lex + parse + plan a 10-row INSERT (split over 2 shards)", iterations: 20_000) {
    (try? router.plan(sql: insert10, database: "app"))?.targets.count ?? 0
}
if planNs >= 2000 {
    print("WARNING: lex + parse + plan of a point SELECT is over 2 µs (target: under 2 µs)")
}

if classifyNs >= 1000 {
    print("WARNING: lex + classify of a point SELECT is over 1 µs (target: well under 1 µs)")
}
