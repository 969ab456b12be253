import NIOCore

/// The server's greeting (Protocol::HandshakeV10).
public struct HandshakeV10: Sendable, Equatable {
    public var protocolVersion: UInt8 = 10
    public var serverVersion: String
    public var connectionID: UInt32
    /// The 20-byte scramble (auth-plugin-data parts 1 and 2, without the trailing NUL).
    public var authPluginData: [UInt8]
    public var capabilities: CapabilityFlags
    public var characterSet: UInt8
    public var statusFlags: ServerStatus
    public var authPluginName: String
    /// MariaDB's extended capabilities (only meaningful when bit 0 of `capabilities` is clear).
    public var mariaDBExtendedCapabilities: UInt32 = 0

    public init(serverVersion: String, connectionID: UInt32, authPluginData: [UInt8], capabilities: CapabilityFlags,
                characterSet: UInt8, statusFlags: ServerStatus, authPluginName: String) {
        self.serverVersion = serverVersion; self.connectionID = connectionID; self.authPluginData = authPluginData
        self.capabilities = capabilities; self.characterSet = characterSet; self.statusFlags = statusFlags
        self.authPluginName = authPluginName
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(protocolVersion)
        buffer.writeNullTerminatedString(serverVersion)
        buffer.writeInteger(connectionID, endianness: .little)
        buffer.writeBytes(authPluginData.prefix(8))
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt16(truncatingIfNeeded: capabilities.rawValue), endianness: .little)
        buffer.writeInteger(characterSet)
        buffer.writeInteger(statusFlags.rawValue, endianness: .little)
        buffer.writeInteger(UInt16(truncatingIfNeeded: capabilities.rawValue >> 16), endianness: .little)
        buffer.writeInteger(UInt8(capabilities.contains(.pluginAuth) ? authPluginData.count + 1 : 0))
        buffer.writeRepeatingByte(0, count: 6)
        buffer.writeInteger(mariaDBExtendedCapabilities, endianness: .little)
        if capabilities.contains(.secureConnection) {
            let part2 = authPluginData.dropFirst(8)
            buffer.writeBytes(part2)
            // Part 2 is at least 13 bytes, NUL-terminated.
            buffer.writeRepeatingByte(0, count: max(13 - part2.count, 1))
        }
        if capabilities.contains(.pluginAuth) {
            buffer.writeNullTerminatedString(authPluginName)
        }
    }

    public static func decode(_ payload: ByteBuffer) throws(MySQLProtocolError) -> HandshakeV10 {
        var b = payload
        guard let proto = b.readInteger(as: UInt8.self) else { throw .truncated("HandshakeV10") }
        if proto == 0xFF { throw .unexpectedError(ERRPacket.decodeOrGeneric(payload, capabilities: .protocol41)) }
        guard proto == 10 else { throw .malformed("unsupported protocol version \(proto)") }
        guard let version = b.readNullTerminatedString(),
              let connID = b.readInteger(endianness: .little, as: UInt32.self),
              let part1 = b.readBytes(length: 8),
              b.readInteger(as: UInt8.self) != nil,
              let capLow = b.readInteger(endianness: .little, as: UInt16.self)
        else { throw .truncated("HandshakeV10") }
        var caps = CapabilityFlags(rawValue: UInt32(capLow))
        var charset: UInt8 = 45
        var status = ServerStatus()
        var pluginDataLength = 0
        var ext: UInt32 = 0
        var scramble = part1
        var plugin = "mysql_native_password"
        if let cs = b.readInteger(as: UInt8.self) {
            charset = cs
            guard let st = b.readInteger(endianness: .little, as: UInt16.self),
                  let capHigh = b.readInteger(endianness: .little, as: UInt16.self),
                  let pdl = b.readInteger(as: UInt8.self),
                  b.readBytes(length: 6) != nil,
                  let e = b.readInteger(endianness: .little, as: UInt32.self)
            else { throw .truncated("HandshakeV10") }
            status = ServerStatus(rawValue: st)
            caps.rawValue |= UInt32(capHigh) << 16
            pluginDataLength = Int(pdl)
            ext = e
            if caps.contains(.secureConnection) {
                let n = max(13, pluginDataLength - 8)
                guard let part2 = b.readBytes(length: min(n, b.readableBytes)) else { throw .truncated("HandshakeV10") }
                // Drop the trailing NUL.
                scramble += part2.last == 0 ? Array(part2.dropLast()) : part2
            }
            if caps.contains(.pluginAuth) {
                plugin = b.readNullTerminatedString() ?? b.readString(length: b.readableBytes) ?? plugin
            }
        }
        var h = HandshakeV10(serverVersion: version, connectionID: connID, authPluginData: scramble,
                             capabilities: caps, characterSet: charset, statusFlags: status, authPluginName: plugin)
        h.mariaDBExtendedCapabilities = ext
        return h
    }
}

/// The client's answer to the greeting (Protocol::HandshakeResponse41).
public struct HandshakeResponse41: Sendable, Equatable {
    public var capabilities: CapabilityFlags
    public var maxPacketSize: UInt32
    public var characterSet: UInt8
    public var username: String
    public var authResponse: [UInt8]
    public var database: String?
    public var authPluginName: String?
    public var attributes: [(String, String)]

    public init(capabilities: CapabilityFlags, maxPacketSize: UInt32, characterSet: UInt8, username: String,
                authResponse: [UInt8], database: String?, authPluginName: String?, attributes: [(String, String)] = []) {
        self.capabilities = capabilities; self.maxPacketSize = maxPacketSize; self.characterSet = characterSet
        self.username = username; self.authResponse = authResponse; self.database = database
        self.authPluginName = authPluginName; self.attributes = attributes
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.capabilities == b.capabilities && a.maxPacketSize == b.maxPacketSize && a.characterSet == b.characterSet
            && a.username == b.username && a.authResponse == b.authResponse && a.database == b.database
            && a.authPluginName == b.authPluginName && a.attributes.elementsEqual(b.attributes, by: { $0 == $1 })
    }

    /// True for the 32-byte SSLRequest a client sends before TLS.
    public static func isSSLRequest(_ payload: ByteBuffer) -> Bool {
        guard payload.readableBytes == 32, let caps = payload.getInteger(at: payload.readerIndex, endianness: .little, as: UInt32.self) else { return false }
        return CapabilityFlags(rawValue: caps).contains(.ssl)
    }

    public static func decode(_ payload: ByteBuffer) throws(MySQLProtocolError) -> HandshakeResponse41 {
        var b = payload
        guard let capsRaw = b.readInteger(endianness: .little, as: UInt32.self) else { throw .truncated("HandshakeResponse41") }
        let caps = CapabilityFlags(rawValue: capsRaw)
        guard caps.contains(.protocol41) else { throw .malformed("client does not speak protocol 4.1") }
        guard let maxPacket = b.readInteger(endianness: .little, as: UInt32.self),
              let charset = b.readInteger(as: UInt8.self),
              b.readBytes(length: 23) != nil,
              let user = b.readNullTerminatedString()
        else { throw .truncated("HandshakeResponse41") }
        var auth: [UInt8] = []
        if caps.contains(.pluginAuthLenencClientData) {
            guard let n = b.readLengthEncodedInteger(), n <= UInt64(b.readableBytes), let bytes = b.readBytes(length: Int(n)) else { throw .truncated("auth response") }
            auth = bytes
        } else if caps.contains(.secureConnection) {
            guard let n = b.readInteger(as: UInt8.self), let bytes = b.readBytes(length: Int(n)) else { throw .truncated("auth response") }
            auth = bytes
        } else {
            auth = b.readNullTerminatedBytes() ?? []
        }
        var db: String?
        if caps.contains(.connectWithDB), b.readableBytes > 0 {
            db = b.readNullTerminatedString() ?? b.readString(length: b.readableBytes)
            if db == "" { db = nil }
        }
        var plugin: String?
        if caps.contains(.pluginAuth), b.readableBytes > 0 {
            plugin = b.readNullTerminatedString() ?? b.readString(length: b.readableBytes)
        }
        var attrs: [(String, String)] = []
        if caps.contains(.connectAttrs), b.readableBytes > 0 {
            if let total = b.readLengthEncodedInteger(), total <= UInt64(b.readableBytes), var kv = b.readSlice(length: Int(total)) {
                while kv.readableBytes > 0 {
                    guard let k = kv.readLengthEncodedString(), let v = kv.readLengthEncodedString() else { break }
                    attrs.append((k, v))
                }
            }
        }
        return HandshakeResponse41(capabilities: caps, maxPacketSize: maxPacket, characterSet: charset, username: user,
                                   authResponse: auth, database: db, authPluginName: plugin, attributes: attrs)
    }

    public func encode(into b: inout ByteBuffer) {
        b.writeInteger(capabilities.rawValue, endianness: .little)
        b.writeInteger(maxPacketSize, endianness: .little)
        b.writeInteger(characterSet)
        b.writeRepeatingByte(0, count: 23)
        b.writeNullTerminatedString(username)
        if capabilities.contains(.pluginAuthLenencClientData) {
            b.writeLengthEncodedBytes(authResponse)
        } else if capabilities.contains(.secureConnection) {
            b.writeInteger(UInt8(authResponse.count))
            b.writeBytes(authResponse)
        } else {
            b.writeBytes(authResponse)
            b.writeInteger(UInt8(0))
        }
        if capabilities.contains(.connectWithDB) {
            b.writeNullTerminatedString(database ?? "")
        }
        if capabilities.contains(.pluginAuth) {
            b.writeNullTerminatedString(authPluginName ?? "")
        }
        if capabilities.contains(.connectAttrs) {
            var kv = ByteBuffer()
            for (k, v) in attributes { kv.writeLengthEncodedString(k); kv.writeLengthEncodedString(v) }
            b.writeLengthEncodedInteger(UInt64(kv.readableBytes))
            b.writeBuffer(&kv)
        }
    }
}

/// `0xFE` + plugin name + plugin data: the server asks the client to authenticate with another plugin.
public struct AuthSwitchRequest: Sendable, Equatable {
    public var pluginName: String
    public var pluginData: [UInt8]
    public init(pluginName: String, pluginData: [UInt8]) { self.pluginName = pluginName; self.pluginData = pluginData }

    public func encode(into b: inout ByteBuffer) {
        b.writeInteger(UInt8(0xFE))
        b.writeNullTerminatedString(pluginName)
        b.writeBytes(pluginData)
        b.writeInteger(UInt8(0))
    }

    public static func decode(_ payload: ByteBuffer) throws(MySQLProtocolError) -> AuthSwitchRequest {
        var b = payload
        guard b.readInteger(as: UInt8.self) == 0xFE, let name = b.readNullTerminatedString() else { throw .malformed("AuthSwitchRequest") }
        var data = b.readBytes(length: b.readableBytes) ?? []
        if data.last == 0 { data.removeLast() }
        return AuthSwitchRequest(pluginName: name, pluginData: data)
    }
}

/// A protocol violation: the peer sent something that cannot be understood. Closes the connection.
public enum MySQLProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated(String)
    case malformed(String)
    case unexpectedError(ERRPacket)

    public var description: String {
        switch self {
        case .truncated(let what): "truncated \(what)"
        case .malformed(let what): "malformed \(what)"
        case .unexpectedError(let err): "server error \(err.code) (\(err.sqlState)): \(err.message)"
        }
    }
}
