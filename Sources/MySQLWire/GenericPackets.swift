import NIOCore

/// OK_Packet (header 0x00, or 0xFE when it ends a result set under CLIENT_DEPRECATE_EOF).
public struct OKPacket: Sendable, Equatable {
    public var header: UInt8 = 0x00
    public var affectedRows: UInt64
    public var lastInsertID: UInt64
    public var status: ServerStatus
    public var warnings: UInt16
    public var info: String

    public init(header: UInt8 = 0x00, affectedRows: UInt64 = 0, lastInsertID: UInt64 = 0, status: ServerStatus = .autocommit, warnings: UInt16 = 0, info: String = "") {
        self.header = header; self.affectedRows = affectedRows; self.lastInsertID = lastInsertID
        self.status = status; self.warnings = warnings; self.info = info
    }

    public func encode(into b: inout ByteBuffer) {
        b.writeInteger(header)
        b.writeLengthEncodedInteger(affectedRows)
        b.writeLengthEncodedInteger(lastInsertID)
        b.writeInteger(status.rawValue, endianness: .little)
        b.writeInteger(warnings, endianness: .little)
        // Servers send the info as a length-encoded string and clients read it that way.
        if !info.isEmpty { b.writeLengthEncodedString(info) }
    }

    /// Decodes an OK packet (protocol 4.1, without session-state info).
    public static func decode(_ payload: ByteBuffer) -> OKPacket? {
        var b = payload
        guard let h = b.readInteger(as: UInt8.self), h == 0x00 || h == 0xFE,
              let affected = b.readLengthEncodedInteger(), let id = b.readLengthEncodedInteger(),
              let status = b.readInteger(endianness: .little, as: UInt16.self) else { return nil }
        let warnings = b.readInteger(endianness: .little, as: UInt16.self) ?? 0
        let info = b.readableBytes > 0 ? (b.readLengthEncodedString() ?? b.readString(length: b.readableBytes) ?? "") : ""
        return OKPacket(header: h, affectedRows: affected, lastInsertID: id, status: ServerStatus(rawValue: status), warnings: warnings, info: info)
    }

    /// Only the status flags of an OK packet, without allocating.
    public static func status(of payload: ByteBuffer) -> ServerStatus? {
        var b = payload
        guard b.readInteger(as: UInt8.self) != nil, b.readLengthEncodedInteger() != nil, b.readLengthEncodedInteger() != nil,
              let status = b.readInteger(endianness: .little, as: UInt16.self) else { return nil }
        return ServerStatus(rawValue: status)
    }
}

/// ERR_Packet.
public struct ERRPacket: Sendable, Equatable {
    public var code: UInt16
    public var sqlState: String
    public var message: String
    public init(code: UInt16, sqlState: String, message: String) { self.code = code; self.sqlState = sqlState; self.message = message }
    public init(_ error: MySQLError) { self.init(code: error.code, sqlState: error.sqlState, message: error.message) }
    public var error: MySQLError { MySQLError(code: code, sqlState: sqlState, message: message) }

    public func encode(into b: inout ByteBuffer) {
        b.writeInteger(UInt8(0xFF))
        b.writeInteger(code, endianness: .little)
        b.writeInteger(UInt8(ascii: "#"))
        var state = Array(sqlState.utf8.prefix(5))
        while state.count < 5 { state.append(UInt8(ascii: "0")) }
        b.writeBytes(state)
        b.writeString(message)
    }

    public static func decode(_ payload: ByteBuffer, capabilities: CapabilityFlags) -> ERRPacket? {
        var b = payload
        guard b.readInteger(as: UInt8.self) == 0xFF, let code = b.readInteger(endianness: .little, as: UInt16.self) else { return nil }
        var state = "HY000"
        if capabilities.contains(.protocol41), b.getInteger(at: b.readerIndex, as: UInt8.self) == UInt8(ascii: "#") {
            b.moveReaderIndex(forwardBy: 1)
            state = b.readString(length: 5) ?? state
        }
        return ERRPacket(code: code, sqlState: state, message: b.readString(length: b.readableBytes) ?? "")
    }

    static func decodeOrGeneric(_ payload: ByteBuffer, capabilities: CapabilityFlags) -> ERRPacket {
        decode(payload, capabilities: capabilities) ?? ERRPacket(code: 2027, sqlState: "HY000", message: "Malformed packet")
    }
}

/// EOF_Packet (0xFE, payload under 9 bytes), used when CLIENT_DEPRECATE_EOF is not negotiated.
public struct EOFPacket: Sendable, Equatable {
    public var warnings: UInt16
    public var status: ServerStatus
    public init(warnings: UInt16 = 0, status: ServerStatus = .autocommit) { self.warnings = warnings; self.status = status }
    public func encode(into b: inout ByteBuffer) {
        b.writeInteger(UInt8(0xFE))
        b.writeInteger(warnings, endianness: .little)
        b.writeInteger(status.rawValue, endianness: .little)
    }
    public static func status(of payload: ByteBuffer) -> ServerStatus? {
        guard payload.readableBytes >= 5, let s = payload.getInteger(at: payload.readerIndex + 3, endianness: .little, as: UInt16.self) else { return nil }
        return ServerStatus(rawValue: s)
    }
}

/// Column types (Protocol::ColumnType), the ones Sleet produces itself.
public enum ColumnType: UInt8, Sendable {
    case decimal = 0x00, tiny = 0x01, short = 0x02, long = 0x03, float = 0x04, double = 0x05, null = 0x06
    case timestamp = 0x07, longlong = 0x08, int24 = 0x09, date = 0x0A, time = 0x0B, datetime = 0x0C, year = 0x0D
    case varchar = 0x0F, bit = 0x10, json = 0xF5, newdecimal = 0xF6, enumType = 0xF7, set = 0xF8
    case tinyBlob = 0xF9, mediumBlob = 0xFA, longBlob = 0xFB, blob = 0xFC, varString = 0xFD, string = 0xFE, geometry = 0xFF
}

/// Protocol::ColumnDefinition41.
public struct ColumnDefinition41: Sendable, Equatable {
    public var catalog = "def"
    public var schema: String
    public var table: String
    public var orgTable: String
    public var name: String
    public var orgName: String
    public var characterSet: UInt16
    public var columnLength: UInt32
    public var type: UInt8
    public var flags: UInt16
    public var decimals: UInt8

    public init(schema: String = "", table: String = "", orgTable: String = "", name: String, orgName: String = "",
                characterSet: UInt16 = 45, columnLength: UInt32 = 1024, type: ColumnType = .varString, flags: UInt16 = 0, decimals: UInt8 = 0) {
        self.schema = schema; self.table = table; self.orgTable = orgTable; self.name = name; self.orgName = orgName
        self.characterSet = characterSet; self.columnLength = columnLength; self.type = type.rawValue; self.flags = flags; self.decimals = decimals
    }

    public func encode(into b: inout ByteBuffer) {
        b.writeLengthEncodedString(catalog)
        b.writeLengthEncodedString(schema)
        b.writeLengthEncodedString(table)
        b.writeLengthEncodedString(orgTable)
        b.writeLengthEncodedString(name)
        b.writeLengthEncodedString(orgName)
        b.writeLengthEncodedInteger(0x0C)
        b.writeInteger(characterSet, endianness: .little)
        b.writeInteger(columnLength, endianness: .little)
        b.writeInteger(type)
        b.writeInteger(flags, endianness: .little)
        b.writeInteger(decimals)
        b.writeInteger(UInt16(0), endianness: .little)
    }

    public static func decode(_ payload: ByteBuffer) -> ColumnDefinition41? {
        var b = payload
        guard let catalog = b.readLengthEncodedString(), let schema = b.readLengthEncodedString(),
              let table = b.readLengthEncodedString(), let orgTable = b.readLengthEncodedString(),
              let name = b.readLengthEncodedString(), let orgName = b.readLengthEncodedString(),
              b.readLengthEncodedInteger() != nil,
              let cs = b.readInteger(endianness: .little, as: UInt16.self),
              let len = b.readInteger(endianness: .little, as: UInt32.self),
              let type = b.readInteger(as: UInt8.self),
              let flags = b.readInteger(endianness: .little, as: UInt16.self),
              let decimals = b.readInteger(as: UInt8.self) else { return nil }
        var c = ColumnDefinition41(schema: schema, table: table, orgTable: orgTable, name: name, orgName: orgName,
                                   characterSet: cs, columnLength: len, flags: flags, decimals: decimals)
        c.catalog = catalog
        c.type = type
        return c
    }
}

/// Encodes whole replies Sleet answers itself (admin commands, OK/ERR) into a buffer of frames.
public enum ReplyEncoder {
    /// Writes a text result set. Returns the next sequence id.
    @discardableResult
    public static func writeResultSet(columns: [ColumnDefinition41], rows: [[String?]], deprecateEOF: Bool,
                                      status: ServerStatus = .autocommit, sequenceID: UInt8, into out: inout ByteBuffer) -> UInt8 {
        var seq = out.writeMySQLPacket(sequenceID: sequenceID) { $0.writeLengthEncodedInteger(UInt64(columns.count)) }
        for c in columns { seq = out.writeMySQLPacket(sequenceID: seq) { c.encode(into: &$0) } }
        if !deprecateEOF { seq = out.writeMySQLPacket(sequenceID: seq) { EOFPacket(status: status).encode(into: &$0) } }
        for row in rows {
            var payload = ByteBuffer()
            for v in row {
                if let v { payload.writeLengthEncodedString(v) } else { payload.writeInteger(UInt8(0xFB)) }
            }
            seq = out.writeMySQLPacket(payload, sequenceID: seq)
        }
        if deprecateEOF {
            seq = out.writeMySQLPacket(sequenceID: seq) { OKPacket(header: 0xFE, status: status).encode(into: &$0) }
        } else {
            seq = out.writeMySQLPacket(sequenceID: seq) { EOFPacket(status: status).encode(into: &$0) }
        }
        return seq
    }

    @discardableResult
    public static func writeOK(_ ok: OKPacket = OKPacket(), sequenceID: UInt8, into out: inout ByteBuffer) -> UInt8 {
        out.writeMySQLPacket(sequenceID: sequenceID) { ok.encode(into: &$0) }
    }

    @discardableResult
    public static func writeError(_ error: MySQLError, sequenceID: UInt8, into out: inout ByteBuffer) -> UInt8 {
        out.writeMySQLPacket(sequenceID: sequenceID) { ERRPacket(error).encode(into: &$0) }
    }
}
