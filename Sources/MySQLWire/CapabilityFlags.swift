/// Client/server capability flags (the lower 32 bits; MariaDB's extended flags are never negotiated).
public struct CapabilityFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Bit 0: `CLIENT_LONG_PASSWORD` in MySQL, `CLIENT_MYSQL` in MariaDB. Set so MariaDB never uses its extended capabilities.
    public static let longPassword = CapabilityFlags(rawValue: 1 << 0)
    public static let foundRows = CapabilityFlags(rawValue: 1 << 1)
    public static let longFlag = CapabilityFlags(rawValue: 1 << 2)
    public static let connectWithDB = CapabilityFlags(rawValue: 1 << 3)
    public static let noSchema = CapabilityFlags(rawValue: 1 << 4)
    public static let compress = CapabilityFlags(rawValue: 1 << 5)
    public static let odbc = CapabilityFlags(rawValue: 1 << 6)
    public static let localFiles = CapabilityFlags(rawValue: 1 << 7)
    public static let ignoreSpace = CapabilityFlags(rawValue: 1 << 8)
    public static let protocol41 = CapabilityFlags(rawValue: 1 << 9)
    public static let interactive = CapabilityFlags(rawValue: 1 << 10)
    public static let ssl = CapabilityFlags(rawValue: 1 << 11)
    public static let ignoreSigpipe = CapabilityFlags(rawValue: 1 << 12)
    public static let transactions = CapabilityFlags(rawValue: 1 << 13)
    public static let reserved = CapabilityFlags(rawValue: 1 << 14)
    public static let secureConnection = CapabilityFlags(rawValue: 1 << 15)
    public static let multiStatements = CapabilityFlags(rawValue: 1 << 16)
    public static let multiResults = CapabilityFlags(rawValue: 1 << 17)
    public static let psMultiResults = CapabilityFlags(rawValue: 1 << 18)
    public static let pluginAuth = CapabilityFlags(rawValue: 1 << 19)
    public static let connectAttrs = CapabilityFlags(rawValue: 1 << 20)
    public static let pluginAuthLenencClientData = CapabilityFlags(rawValue: 1 << 21)
    public static let canHandleExpiredPasswords = CapabilityFlags(rawValue: 1 << 22)
    public static let sessionTrack = CapabilityFlags(rawValue: 1 << 23)
    public static let deprecateEOF = CapabilityFlags(rawValue: 1 << 24)
    public static let optionalResultsetMetadata = CapabilityFlags(rawValue: 1 << 25)
    public static let zstdCompression = CapabilityFlags(rawValue: 1 << 26)
    public static let queryAttributes = CapabilityFlags(rawValue: 1 << 27)
    public static let sslVerifyServerCert = CapabilityFlags(rawValue: 1 << 30)
    public static let rememberOptions = CapabilityFlags(rawValue: 1 << 31)

    /// What Sleet offers clients: everything it can forward or emulate honestly.
    /// Not offered: SSL, compression, LOCAL INFILE, session tracking, optional metadata, query attributes.
    public static let sleetServer: CapabilityFlags = [
        .longPassword, .foundRows, .longFlag, .connectWithDB, .noSchema, .odbc, .ignoreSpace, .protocol41,
        .interactive, .ignoreSigpipe, .transactions, .secureConnection, .multiStatements, .multiResults,
        .psMultiResults, .pluginAuth, .connectAttrs, .pluginAuthLenencClientData, .canHandleExpiredPasswords,
        .deprecateEOF,
    ]

    /// Flags that describe the shape of replies; a backend connection must share them with the client it serves.
    public static let replyShaping: CapabilityFlags = [.deprecateEOF, .multiStatements, .multiResults, .psMultiResults, .foundRows, .ignoreSpace, .longFlag, .noSchema, .odbc, .interactive]
}

/// Server status flags found in OK and EOF packets.
public struct ServerStatus: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let inTransaction = ServerStatus(rawValue: 0x0001)
    public static let autocommit = ServerStatus(rawValue: 0x0002)
    public static let moreResultsExist = ServerStatus(rawValue: 0x0008)
    public static let noGoodIndexUsed = ServerStatus(rawValue: 0x0010)
    public static let noIndexUsed = ServerStatus(rawValue: 0x0020)
    public static let cursorExists = ServerStatus(rawValue: 0x0040)
    public static let lastRowSent = ServerStatus(rawValue: 0x0080)
    public static let dbDropped = ServerStatus(rawValue: 0x0100)
    public static let noBackslashEscapes = ServerStatus(rawValue: 0x0200)
    public static let metadataChanged = ServerStatus(rawValue: 0x0400)
    public static let queryWasSlow = ServerStatus(rawValue: 0x0800)
    public static let psOutParams = ServerStatus(rawValue: 0x1000)
    public static let inTransactionReadOnly = ServerStatus(rawValue: 0x2000)
    public static let sessionStateChanged = ServerStatus(rawValue: 0x4000)
}

/// Command bytes (first byte of a client packet in the command phase).
public enum Command: UInt8, Sendable {
    case sleep = 0x00
    case quit = 0x01
    case initDB = 0x02
    case query = 0x03
    case fieldList = 0x04
    case createDB = 0x05
    case dropDB = 0x06
    case refresh = 0x07
    case shutdown = 0x08
    case statistics = 0x09
    case processInfo = 0x0A
    case connect = 0x0B
    case processKill = 0x0C
    case debug = 0x0D
    case ping = 0x0E
    case time = 0x0F
    case delayedInsert = 0x10
    case changeUser = 0x11
    case binlogDump = 0x12
    case tableDump = 0x13
    case connectOut = 0x14
    case registerSlave = 0x15
    case stmtPrepare = 0x16
    case stmtExecute = 0x17
    case stmtSendLongData = 0x18
    case stmtClose = 0x19
    case stmtReset = 0x1A
    case setOption = 0x1B
    case stmtFetch = 0x1C
    case daemon = 0x1D
    case binlogDumpGTID = 0x1E
    case resetConnection = 0x1F
}
