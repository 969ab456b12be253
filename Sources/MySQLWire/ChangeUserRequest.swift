import NIOCore

/// COM_CHANGE_USER: log in again as another user on the same connection.
public struct ChangeUserRequest: Sendable, Equatable {
    public var user: String
    public var authResponse: [UInt8]
    public var database: String?
    public var characterSet: UInt16?
    public var authPluginName: String?

    public static func decode(_ payload: ByteBuffer, capabilities: CapabilityFlags) throws(MySQLProtocolError) -> ChangeUserRequest {
        var b = payload
        guard b.readInteger(as: UInt8.self) == Command.changeUser.rawValue, let user = b.readNullTerminatedString() else {
            throw .malformed("COM_CHANGE_USER")
        }
        var auth: [UInt8] = []
        if capabilities.contains(.secureConnection) {
            guard let n = b.readInteger(as: UInt8.self), let bytes = b.readBytes(length: Int(n)) else { throw .truncated("COM_CHANGE_USER") }
            auth = bytes
        } else {
            auth = b.readNullTerminatedBytes() ?? []
        }
        var db = b.readNullTerminatedString()
        if db == "" { db = nil }
        var cs: UInt16?
        if b.readableBytes >= 2 { cs = b.readInteger(endianness: .little, as: UInt16.self) }
        var plugin: String?
        if capabilities.contains(.pluginAuth), b.readableBytes > 0 { plugin = b.readNullTerminatedString() }
        return ChangeUserRequest(user: user, authResponse: auth, database: db, characterSet: cs, authPluginName: plugin)
    }

    public func encode(into b: inout ByteBuffer, capabilities: CapabilityFlags) {
        b.writeInteger(Command.changeUser.rawValue)
        b.writeNullTerminatedString(user)
        b.writeInteger(UInt8(authResponse.count))
        b.writeBytes(authResponse)
        b.writeNullTerminatedString(database ?? "")
        b.writeInteger(characterSet ?? 45, endianness: .little)
        if capabilities.contains(.pluginAuth) { b.writeNullTerminatedString(authPluginName ?? AuthScramble.nativePassword) }
    }

    public init(user: String, authResponse: [UInt8], database: String?, characterSet: UInt16?, authPluginName: String?) {
        self.user = user; self.authResponse = authResponse; self.database = database
        self.characterSet = characterSet; self.authPluginName = authPluginName
    }
}
