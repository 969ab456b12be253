import MySQLWire
import NIOCore
import SQLSyntax
import ShardRouting

/// Sleet's own SQL commands (SPEC.md "Admin commands"), answered without a backend.
enum AdminCommand: Equatable {
    /// `EXPLAIN ROUTE <statement>`: the statement starts at this byte offset.
    case explainRoute(offset: Int)
    case showShards
    /// `SHOW PROXY <what>` that this version does not have yet.
    case showUnknown(String)

    static func couldMatch(_ head: [Token]) -> Bool {
        head.count >= 2 && ((head[0].isWord("EXPLAIN") && head[1].isWord("ROUTE")) || (head[0].isWord("SHOW") && head[1].isWord("PROXY")))
    }

    static func match(_ head: [Token]) -> AdminCommand? {
        guard couldMatch(head) else { return nil }
        if head[0].isWord("EXPLAIN") {
            guard head.count >= 3 else { return nil }
            return .explainRoute(offset: head[2].offset)
        }
        guard head.count >= 3, head[2].kind == .word else { return nil }
        let rest = head.dropFirst(3).filter { !($0.kind == .symbol && $0.text == ";") }
        guard rest.isEmpty else { return nil }
        return head[2].text == "SHARDS" ? .showShards : .showUnknown(head[2].text)
    }
}

extension ClientSession {
    func runAdmin(_ command: AdminCommand, sql: String, sequenceID: UInt8) {
        guard account?.admin == true else { return replyError(.adminRequired(), sequenceID: sequenceID) }
        switch command {
        case .explainRoute(let offset):
            let bytes = Array(sql.utf8)
            var inner = String(decoding: bytes[min(offset, bytes.count)...], as: UTF8.self)
            while let last = inner.last, last == ";" || last == " " || last == "\n" { inner.removeLast() }
            let rows = router.explainRows(sql: inner, database: database)
            writeTable(["shard", "role", "backend", "statement", "reason"], rows: rows, sequenceID: sequenceID)
        case .showShards:
            let rows: [[String?]] = config.shards.map { s in
                [s.name, s.keyRange.text, s.primary.description, s.replicas.map(\.description).joined(separator: ","),
                 s.name == runtime.defaultShard.name ? "serving (default shard)" : "serving"]
            }
            writeTable(["shard", "key_range", "primary", "replicas", "status"], rows: rows, sequenceID: sequenceID)
        case .showUnknown(let what):
            replyError(.unsupported("SHOW PROXY \(what) yet"), sequenceID: sequenceID)
        }
    }

    func writeTable(_ names: [String], rows: [[String?]], sequenceID: UInt8) {
        let columns = names.map { ColumnDefinition41(name: $0, characterSet: 33, columnLength: 1024, type: .varString) }
        let status = sessionStatus
        write(sequenceID: nil, flush: true) { out in
            ReplyEncoder.writeResultSet(columns: columns, rows: rows, deprecateEOF: deprecateEOF, status: status, sequenceID: sequenceID, into: &out)
        }
        commandDone()
    }
}
