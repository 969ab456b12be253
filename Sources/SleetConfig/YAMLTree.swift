import Foundation
import Yams

/// A position in the config file (1-based).
struct Position: Sendable, Equatable, Comparable {
    var line: Int
    var column: Int
    static let start = Position(line: 1, column: 1)
    init(line: Int, column: Int) { self.line = line; self.column = column }
    init(_ mark: Mark?) { self = mark.map { Position(line: $0.line, column: $0.column) } ?? .start }
    static func < (a: Position, b: Position) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// The YAML document after `${VAR}` substitution, with every node's position.
///
/// Scalars keep their text: the loader does its own typing (so `off` stays a word, `${PORT}` can
/// become a number, and `"4096"` is a number too).
struct YNode {
    enum Kind {
        /// `failed`: the scalar's `${VAR}` substitution failed (already reported); consumers
        /// skip it silently to avoid follow-on errors.
        case scalar(text: String, isNull: Bool, failed: Bool)
        case mapping([(key: YNode, value: YNode)])
        case sequence([YNode])
    }
    var kind: Kind
    var position: Position

    var isNull: Bool { if case .scalar(_, true, _) = kind { return true }; return false }
    var failed: Bool { if case .scalar(_, _, true) = kind { return true }; return false }
    /// The scalar's text (nil for a mapping or sequence, a null, or a failed substitution).
    var text: String? { if case .scalar(let t, false, false) = kind { return t }; return nil }

    /// How this node is described in "got ..." messages.
    var got: String {
        switch kind {
        case .scalar(let text, let isNull, _): return isNull ? "nothing" : "'\(text)'"
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        }
    }
}

enum YAMLReadResult {
    case document(YNode?)
    case syntaxError(Position, String)
}

/// Parses YAML text with Yams' composer and substitutes `${VAR}` in every scalar.
struct YAMLReader {
    var environment: [String: String]
    /// Substitution errors (position, message).
    var errors: [(Position, String)] = []

    init(environment: [String: String]) { self.environment = environment }

    mutating func read(_ yaml: String) -> YAMLReadResult {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return Self.syntaxError(error, yaml: yaml)
        } catch {
            return .syntaxError(.start, "invalid YAML: \(error)")
        }
        return .document(root.map { convert($0) })
    }

    private mutating func convert(_ node: Node) -> YNode {
        switch node {
        case .scalar(let scalar):
            let isNull = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
            let position = Position(scalar.mark)
            if isNull { return YNode(kind: .scalar(text: "", isNull: true, failed: false), position: position) }
            switch Self.substitute(scalar.string, environment: environment) {
            case .success(let text):
                return YNode(kind: .scalar(text: text, isNull: false, failed: false), position: position)
            case .failure(let problem):
                errors.append((position, problem.message))
                return YNode(kind: .scalar(text: scalar.string, isNull: false, failed: true), position: position)
            }
        case .mapping(let mapping):
            var pairs: [(key: YNode, value: YNode)] = []
            var merged: [(key: YNode, value: YNode)] = []
            for (key, value) in mapping {
                // YAML merge keys: `<<: *defaults` or `<<: [*a, *b]`; explicit keys win, then earlier sources.
                if case .scalar(let k) = key, k.string == "<<", k.style == .plain || k.style == .any {
                    let sources = value.sequence.map(Array.init) ?? [value]
                    if sources.allSatisfy({ $0.mapping != nil }) {
                        for source in sources {
                            if case .mapping(let pairs) = convert(source).kind { merged += pairs }
                        }
                        continue
                    }
                }
                pairs.append((key: convert(key), value: convert(value)))
            }
            var seen = Set(pairs.compactMap(\.key.text))
            for pair in merged {
                guard let text = pair.key.text else { continue }
                if seen.insert(text).inserted { pairs.append(pair) }
            }
            return YNode(kind: .mapping(pairs), position: Position(mapping.mark))
        case .sequence(let sequence):
            return YNode(kind: .sequence(sequence.map { convert($0) }), position: Position(sequence.mark))
        }
    }

    struct SubstitutionError: Error, Equatable { var message: String }

    /// Replaces `${NAME}` with `environment[NAME]`; `$${` is a literal `${`.
    static func substitute(_ text: String, environment: [String: String]) -> Result<String, SubstitutionError> {
        guard text.contains("${") else { return .success(text) }
        let chars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "$", i + 2 < chars.count, chars[i + 1] == "$", chars[i + 2] == "{" {
                out.append("$"); out.append("{"); i += 3
                continue
            }
            if c == "$", i + 1 < chars.count, chars[i + 1] == "{" {
                guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                    return .failure(.init(message: "unterminated '${' (write '$${' for a literal '${')"))
                }
                let name = String(String.UnicodeScalarView(chars[(i + 2)..<close]))
                guard isVariableName(name) else {
                    return .failure(.init(message: "invalid environment variable name '\(name)' in '${\(name)}'"))
                }
                guard let value = environment[name] else {
                    return .failure(.init(message: "environment variable \(name) is not set"))
                }
                out.append(contentsOf: value.unicodeScalars)
                i = close + 1
                continue
            }
            out.append(c); i += 1
        }
        return .success(String(out))
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    static func syntaxError(_ error: YamlError, yaml: String) -> YAMLReadResult {
        func describe(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) -> YAMLReadResult {
            if problem == "but found another document" {
                return .syntaxError(Position(mark), "invalid YAML: the config must be a single document, but another one starts here")
            }
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at \(context.mark.line):\(context.mark.column))"
            }
            if problem.contains("cannot start any token"), character(in: yaml, at: mark) == "\t" {
                message += "; tabs are not allowed for indentation"
            }
            return .syntaxError(Position(mark), message)
        }
        switch error {
        case let .scanner(context, problem, mark, _): return describe(context, problem, mark)
        case let .parser(context, problem, mark, _): return describe(context, problem, mark)
        case let .composer(context, problem, mark, _): return describe(context, problem, mark)
        case let .reader(problem, offset, _, _):
            var position = Position.start
            if let offset {
                var line = 1, column = 1
                for ch in yaml.prefix(offset) {
                    if ch == "\n" || ch == "\r\n" { line += 1; column = 1 } else { column += 1 }
                }
                position = Position(line: line, column: column)
            }
            return .syntaxError(position, "invalid YAML: \(problem)")
        default:
            return .syntaxError(.start, "invalid YAML: \(error)")
        }
    }

    private static func character(in yaml: String, at mark: Mark) -> Unicode.Scalar? {
        var line = 1
        var scalars = yaml.unicodeScalars[...]
        while line < mark.line {
            guard let nl = scalars.firstIndex(of: "\n") else { return nil }
            scalars = scalars[scalars.index(after: nl)...]
            line += 1
        }
        let lineScalars = scalars.prefix { $0 != "\n" }
        let index = mark.column - 1
        guard index >= 0, index < lineScalars.count else { return nil }
        return lineScalars[lineScalars.index(lineScalars.startIndex, offsetBy: index)]
    }
}
