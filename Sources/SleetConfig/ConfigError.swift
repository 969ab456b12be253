import Foundation

/// One problem in a config file, with the position of the key or value concerned.
///
/// `line` and `column` are 1-based (as Yams/libyaml report them). A problem that has no
/// position (the file cannot be read) has `line == 0` and prints as `FILE: message`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}

/// Every problem found in a config file, in file order.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors }

    /// One error per line, `FILE:LINE:COLUMN: message`.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
    public var errorDescription: String? { description }
}
