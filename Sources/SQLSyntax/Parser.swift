/// Why a statement could not be parsed (routing then refuses it if it names a sharded table).
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public init(_ message: String, offset: Int) { self.message = message; self.offset = offset }
    public var description: String { "\(message) at byte \(offset)" }
}

/// A recursive-descent parser for the part of MySQL's grammar routing needs. It is conservative:
/// constructs it does not model become `.other` (or a ParseError), never a guess.
public struct Parser {
    public let tokens: [Token]
    public let source: [UInt8]
    var i = 0
    /// Placeholders are numbered by their position among the statement's tokens (not by how many
    /// the parser happened to visit: skipped regions and backtracking must not shift the numbers).
    /// A cursor over the tokens makes that linear: `placeholderCount` `?` tokens lie before `placeholderScan`.
    var placeholderScan = 0
    var placeholderCount = 0
    /// Nesting depth, to refuse pathological input instead of overflowing the stack.
    var depth = 0
    static let maxDepth = 200
    /// Where on the stack parsing began (0 until it does). Frames are large (3-8 KB per nesting
    /// level in release builds, about four times that in debug), so nesting is also bounded by the
    /// stack bytes really used: 256 KB stays clear of a 512 KB thread stack (macOS secondary threads,
    /// Swift concurrency) with room for the caller. That is about 90 levels of parentheses or 35
    /// nested subqueries in release (20 and 10 in debug); `maxDepth` alone allowed 2 MB.
    var stackBase: UInt = 0
    static let maxStackBytes: UInt = 256 * 1024
    /// Work done so far (expressions, SELECTs, skipped tokens): pathological input that would make
    /// the recovery paths retry the same text over and over fails instead of hanging.
    var steps = 0

    public init(tokens: [Token], source: [UInt8]) { self.tokens = tokens; self.source = source }

    var stepBudget: Int { tokens.count * 32 + 4096 }

    mutating func tick() throws(ParseError) {
        steps += 1
        if steps > stepBudget { throw ParseError("statement too complex", offset: offset) }
    }

    /// One more level of nesting: `try enter(); defer { depth -= 1 }` (nothing to undo when it throws).
    mutating func enter() throws(ParseError) {
        if depth >= Parser.maxDepth { throw err("nested too deeply") }
        let here = Parser.stackAddress()
        if stackBase == 0 {
            stackBase = here
        } else if stackBase > here, stackBase - here > Parser.maxStackBytes {
            throw err("nested too deeply")
        }
        try tick()
        depth += 1
    }

    /// The address of a stack slot of this call (the stack grows down).
    @inline(never) static func stackAddress() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }

    /// The number of the placeholder token at `k`: how many `?` tokens come before it.
    mutating func placeholderNumber(at k: Int) -> Int {
        if k < placeholderScan { placeholderScan = 0; placeholderCount = 0 }
        while placeholderScan < k {
            if tokens[placeholderScan].kind == .placeholder { placeholderCount += 1 }
            placeholderScan += 1
        }
        return placeholderCount
    }

    /// Parses one SQL text. A text holding several statements (`a; b`) gives all of them.
    public static func parseAll(_ sql: String) -> [Result<Statement, ParseError>] {
        let lexer = Lexer(sql)
        return parseAll(tokens: lexer.tokens(), source: lexer.bytes)
    }

    public static func parseAll(tokens: [Token], source: [UInt8]) -> [Result<Statement, ParseError>] {
        var out: [Result<Statement, ParseError>] = []
        var start = 0
        var k = 0
        // Split at top-level `;` (the lexer already keeps `;` inside strings and comments out).
        while k <= tokens.count {
            if k == tokens.count || (tokens[k].kind == .symbol && tokens[k].text == ";") {
                let slice = Array(tokens[start..<k])
                if !slice.isEmpty || out.isEmpty && k == tokens.count {
                    var p = Parser(tokens: slice, source: source)
                    do { out.append(.success(try p.parseStatement())) } catch { out.append(.failure(error)) }
                }
                start = k + 1
            }
            k += 1
        }
        return out
    }

    /// Parses a single statement (a trailing `;` is allowed).
    public static func parse(_ sql: String) -> Result<Statement, ParseError> {
        let all = parseAll(sql)
        return all.first ?? .success(.empty)
    }

    // MARK: Token helpers

    var atEnd: Bool { i >= tokens.count }
    var current: Token? { i < tokens.count ? tokens[i] : nil }
    func peek(_ k: Int = 0) -> Token? { i + k < tokens.count ? tokens[i + k] : nil }
    func isWord(_ w: String, _ k: Int = 0) -> Bool { peek(k).map { $0.kind == .word && $0.text == w } ?? false }
    func isSymbol(_ s: String, _ k: Int = 0) -> Bool { peek(k).map { $0.kind == .symbol && $0.text == s } ?? false }
    var offset: Int { current?.offset ?? (tokens.last.map { $0.offset + $0.length } ?? 0) }
    var endOfPrevious: Int { i > 0 ? tokens[i - 1].offset + tokens[i - 1].length : 0 }

    mutating func accept(_ w: String) -> Bool { if isWord(w) { i += 1; return true }; return false }
    mutating func acceptSymbol(_ s: String) -> Bool { if isSymbol(s) { i += 1; return true }; return false }
    mutating func expect(_ w: String) throws(ParseError) { guard accept(w) else { throw err("expected \(w)") } }
    mutating func expectSymbol(_ s: String) throws(ParseError) { guard acceptSymbol(s) else { throw err("expected '\(s)'") } }
    func err(_ m: String) -> ParseError { ParseError(m + (current.map { " near '\($0.text)'" } ?? " at end"), offset: offset) }

    /// The original spelling of a token (identifiers keep their case).
    func spelling(_ t: Token) -> String {
        if t.kind == .word, t.offset + t.length <= source.count {
            return String(decoding: source[t.offset..<(t.offset + t.length)], as: UTF8.self)
        }
        return t.text
    }

    /// Words that are never a bare name. `VALUE`, `OFFSET`, `END` and `DUPLICATE` are not reserved in
    /// MySQL/MariaDB (`SELECT value, offset, end FROM t` is valid) and no clause here needs them to be.
    static let reserved: Set<String> = [
        "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION", "INTERSECT", "EXCEPT", "INTO", "FOR", "LOCK",
        "ON", "USING", "JOIN", "INNER", "LEFT", "RIGHT", "CROSS", "NATURAL", "STRAIGHT_JOIN", "SET", "VALUES",
        "AND", "OR", "NOT", "XOR", "AS", "ASC", "DESC", "WINDOW", "SELECT", "RETURNING", "PROCEDURE", "WHEN", "THEN",
        "ELSE", "IS", "IN", "BETWEEN", "LIKE", "REGEXP", "RLIKE", "SEPARATOR", "USE", "FORCE",
        "IGNORE", "PARTITION", "DIV", "MOD", "COLLATE", "ESCAPE", "SOUNDS", "WITH", "OUTER", "KEY",
        "OVER", "MEMBER", "TABLE", "UPDATE", "DELETE", "INSERT", "DISTINCT", "ALL",
    ]

    /// Character set names, for an introducer written apart from its string (`_utf8mb4 'x'`).
    static let charsets: Set<String> = [
        "ARMSCII8", "ASCII", "BIG5", "BINARY", "CP1250", "CP1251", "CP1256", "CP1257", "CP850", "CP852", "CP866",
        "CP932", "DEC8", "EUCJPMS", "EUCKR", "GB18030", "GB2312", "GBK", "GEOSTD8", "GREEK", "HEBREW", "HP8",
        "KEYBCS2", "KOI8R", "KOI8U", "LATIN1", "LATIN2", "LATIN5", "LATIN7", "MACCE", "MACROMAN", "SJIS", "SWE7",
        "TIS620", "UCS2", "UJIS", "UTF16", "UTF16LE", "UTF32", "UTF8", "UTF8MB3", "UTF8MB4",
    ]

    /// A name: a bare word that is not reserved, or a backticked identifier.
    mutating func identifier() throws(ParseError) -> String {
        guard let t = current else { throw err("expected a name") }
        if t.kind == .quotedIdentifier { i += 1; return t.text }
        if t.kind == .word, !Parser.reserved.contains(t.text) { i += 1; return spelling(t) }
        throw err("expected a name")
    }

    var atIdentifier: Bool {
        guard let t = current else { return false }
        return t.kind == .quotedIdentifier || (t.kind == .word && !Parser.reserved.contains(t.text))
    }

    mutating func tableName() throws(ParseError) -> TableName {
        let first = try identifier()
        if isSymbol("."), let n = peek(1), n.kind == .word || n.kind == .quotedIdentifier {
            i += 1
            let t = current!
            i += 1
            return TableName(schema: first, name: t.kind == .quotedIdentifier ? t.text : spelling(t))
        }
        return TableName(name: first)
    }

    /// Skips a balanced `( ... )` starting at the current `(`; returns subqueries found inside.
    /// A subquery in there that does not parse is an error: skipping it would hide its tables.
    mutating func skipParenthesized() throws(ParseError) -> [Expr] {
        guard isSymbol("(") else { throw err("expected '('") }
        var found: [Expr] = []
        i += 1
        var level = 1
        while let t = current {
            try tick()
            if t.kind == .symbol, t.text == "(" {
                if isWord("SELECT", 1) || isWord("WITH", 1) {
                    // A subquery inside something we don't model: parse it so its tables are seen.
                    i += 1
                    let s = try parseSelectChain()
                    try expectSymbol(")")
                    found.append(.subquery(s))
                    continue
                }
                level += 1
            } else if t.kind == .symbol, t.text == ")" {
                level -= 1
                if level == 0 { i += 1; return found }
            } else if t.kind == .word, t.text == "SELECT" {
                // A SELECT not right after `(` (`CAST(1 + (1) SELECT ...`?): nothing we can model safely.
                throw err("unexpected SELECT")
            }
            i += 1
        }
        throw err("unbalanced parentheses")
    }

    // MARK: Statements

    public mutating func parseStatement() throws(ParseError) -> Statement {
        if stackBase == 0 { stackBase = Parser.stackAddress() }
        guard let first = current else { return .empty }
        if first.kind == .symbol, first.text == "(" {
            let s = try parseSelectChain()
            try expectEnd()
            return .select(s)
        }
        guard first.kind == .word else { throw err("unexpected token") }
        switch first.text {
        case "SELECT", "WITH", "VALUES", "TABLE":
            let s = try parseSelectChain()
            try expectEnd()
            return .select(s)
        case "INSERT", "REPLACE":
            return .insert(try parseInsert())
        case "UPDATE":
            return .update(try parseUpdate())
        case "DELETE":
            return .delete(try parseDelete())
        case "CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME":
            return .ddl(try parseDDL())
        case "SET":
            return try parseSet()
        case "USE":
            i += 1
            let db = try identifier()
            try expectEnd()
            return .use(database: db)
        case "BEGIN":
            i += 1
            _ = accept("WORK")
            try expectEnd()
            return .transaction(.begin(readOnly: false))
        case "START":
            i += 1
            try expect("TRANSACTION")
            var readOnly = false
            if !atEnd {
                // Characteristics separated by commas (a trailing comma is an error, as in MySQL).
                repeat {
                    if accept("READ") {
                        if accept("ONLY") { readOnly = true } else { try expect("WRITE") }
                    } else if accept("WITH") {
                        try expect("CONSISTENT"); try expect("SNAPSHOT")
                    } else {
                        throw err("unexpected")
                    }
                } while acceptSymbol(",")
            }
            try expectEnd()
            return .transaction(.begin(readOnly: readOnly))
        case "COMMIT", "ROLLBACK":
            i += 1
            _ = accept("WORK")
            if first.text == "ROLLBACK", accept("TO") {
                _ = accept("SAVEPOINT")
                _ = try identifier()
                try expectEnd()
                return .transaction(.savepoint)
            }
            if accept("AND") { _ = accept("NO"); try expect("CHAIN") }
            if accept("NO") { try expect("RELEASE") } else { _ = accept("RELEASE") }
            try expectEnd()
            return .transaction(first.text == "COMMIT" ? .commit : .rollback)
        case "SAVEPOINT":
            i += 1
            _ = try identifier()
            try expectEnd()
            return .transaction(.savepoint)
        case "RELEASE":
            i += 1
            try expect("SAVEPOINT")
            _ = try identifier()
            try expectEnd()
            return .transaction(.savepoint)
        case "XA":
            return .transaction(.xa)
        case "SHOW":
            return .show
        case "DESCRIBE", "DESC", "EXPLAIN":
            i += 1
            // DESCRIBE t [col] / EXPLAIN t / EXPLAIN [EXTENDED|PARTITIONS|FORMAT=x|ANALYZE] statement
            // (REPLACE is a reserved word: `EXPLAIN REPLACE INTO t ...` explains a statement.)
            try enter()
            defer { depth -= 1 }
            if atIdentifier, !isWord("EXTENDED"), !isWord("PARTITIONS"), !isWord("FORMAT"), !isWord("ANALYZE"), !isWord("REPLACE") {
                let t = try tableName()
                return .describe(t)
            }
            while accept("EXTENDED") || accept("PARTITIONS") || accept("ANALYZE") {}
            if accept("FORMAT") { try expectSymbol("="); i += 1 }
            if atEnd { throw err("expected a statement") }
            let inner = try? parseStatement()
            return .explain(inner)
        case "CALL":
            return .call
        case "KILL":
            let head = Array(tokens.prefix(8))
            if case .kill(let id, let q) = Classifier.classify(tokens: head, source: source) { return .kill(id: id, queryOnly: q) }
            throw err("bad KILL")
        case "LOCK":
            i += 1
            guard accept("TABLES") || accept("TABLE") else { return .other(firstWord: "LOCK") }
            var tables: [TableName] = []
            repeat {
                tables.append(try tableName())
                _ = accept("AS")
                if atIdentifier, !isWord("READ"), !isWord("WRITE"), !isWord("LOW_PRIORITY") { _ = try identifier() }
                while let t = current, !(t.kind == .symbol && t.text == ",") { i += 1 }
            } while acceptSymbol(",")
            return .tableStatement(verb: "LOCK TABLES", tables: tables)
        case "UNLOCK":
            // UNLOCK TABLES; not UNLOCK INSTANCE / UNLOCK BINLOG.
            i += 1
            guard accept("TABLES") || accept("TABLE") else { return .other(firstWord: "UNLOCK") }
            try expectEnd()
            return .unlockTables
        case "LOAD":
            // LOAD DATA|XML ... INTO TABLE t
            while let t = current, !(t.kind == .word && t.text == "TABLE") { i += 1 }
            guard accept("TABLE") else { throw err("expected INTO TABLE") }
            return .tableStatement(verb: "LOAD DATA", tables: [try tableName()])
        case "ANALYZE", "OPTIMIZE", "CHECK", "REPAIR", "CHECKSUM":
            i += 1
            while accept("NO_WRITE_TO_BINLOG") || accept("LOCAL") {}
            guard accept("TABLE") || accept("TABLES") else { return .other(firstWord: first.text) }
            var tables: [TableName] = []
            repeat { tables.append(try tableName()) } while acceptSymbol(",")
            return .tableStatement(verb: "\(first.text) TABLE", tables: tables)
        default:
            return .other(firstWord: first.text)
        }
    }

    func expectEnd() throws(ParseError) {
        if !atEnd { throw err("unexpected trailing text") }
    }

    // MARK: SELECT

    // Frames here are on the recursion path of nested queries, so the non-recursive work lives in
    // separate `@inline(never)` functions: that keeps each nesting level's stack use small.

    /// A SELECT with its UNION/INTERSECT/EXCEPT parts, an optional WITH, and parentheses.
    mutating func parseSelectChain() throws(ParseError) -> SelectStatement {
        try enter()
        defer { depth -= 1 }
        var ctes: [(name: String, body: SelectStatement)] = []
        if isWord("WITH") { ctes = try parseWith() }
        var terms: [SelectStatement] = []
        var parenthesized: [Bool] = []
        repeat {
            if let last = terms.last {
                // An unparenthesized SELECT before a set operator cannot have its own ORDER BY, LIMIT,
                // INTO or locking clause (MySQL: "Incorrect usage of UNION and LIMIT").
                if !parenthesized[parenthesized.count - 1], Parser.hasTrailingClauses(last) {
                    throw err("ORDER BY, LIMIT, INTO or a locking clause before a set operator needs parentheses")
                }
                i += 1
                _ = accept("ALL") || accept("DISTINCT")
            }
            parenthesized.append(isSymbol("("))
            terms.append(try parseSelectTerm())
        } while isWord("UNION") || isWord("INTERSECT") || isWord("EXCEPT")
        var orderBy: [OrderItem] = []
        var limit: LimitClause?
        if parenthesized[parenthesized.count - 1] {
            // `(SELECT ...) ORDER BY ... LIMIT ...`, `(...) UNION (...) ORDER BY ... LIMIT ...`
            if isWord("ORDER") { orderBy = try parseOrderBy() }
            if isWord("LIMIT") { limit = try parseLimit() }
        }
        return Parser.assemble(terms: terms, lastParenthesized: parenthesized[parenthesized.count - 1],
                               orderBy: orderBy, limit: limit, ctes: ctes)
    }

    /// `WITH [RECURSIVE] name [(columns)] AS (query), ...`
    @inline(never) mutating func parseWith() throws(ParseError) -> [(name: String, body: SelectStatement)] {
        try expect("WITH")
        _ = accept("RECURSIVE")
        var ctes: [(name: String, body: SelectStatement)] = []
        repeat {
            let name = try identifier()
            if isSymbol("(") { _ = try skipParenthesized() } // column list
            try expect("AS")
            try expectSymbol("(")
            let body = try parseSelectChain()
            try expectSymbol(")")
            ctes.append((name, body))
        } while acceptSymbol(",")
        return ctes
    }

    static func hasTrailingClauses(_ s: SelectStatement) -> Bool {
        !s.orderBy.isEmpty || s.limit != nil || s.locking || s.into
    }

    /// One SELECT out of the terms of a set operation, and the ORDER BY / LIMIT read after a
    /// parenthesized last term.
    @inline(never) static func assemble(
        terms: [SelectStatement], lastParenthesized: Bool, orderBy trailingOrder: [OrderItem],
        limit trailingLimit: LimitClause?, ctes: [(name: String, body: SelectStatement)]
    ) -> SelectStatement {
        var first = terms[0]
        var rest = Array(terms.dropFirst())
        var orderBy = trailingOrder
        var limit = trailingLimit
        var into = false
        var locking = false
        if !rest.isEmpty, !lastParenthesized {
            // `... UNION SELECT b FROM u ORDER BY x LIMIT n`: the trailing clauses belong to the
            // whole set operation, not to its last SELECT.
            let k = rest.count - 1
            orderBy = rest[k].orderBy
            limit = rest[k].limit
            into = rest[k].into
            locking = rest[k].locking
            rest[k].orderBy = []
            rest[k].limit = nil
        }
        if !rest.isEmpty {
            if !first.orderBy.isEmpty || first.limit != nil || !first.setOperations.isEmpty || !first.ctes.isEmpty {
                // `(SELECT ... LIMIT 10) UNION ...`: the head's own clauses (or its own set operation,
                // or its CTEs) must not read as the whole's; keep it whole as `SELECT * FROM (...)`.
                first = wrapped(first)
            }
            first.setOperations = rest
            first.orderBy = orderBy
            first.limit = limit
            first.into = first.into || into
            first.locking = first.locking || locking
        } else if !orderBy.isEmpty || limit != nil {
            // `(SELECT ... LIMIT 10) ORDER BY b LIMIT 1`: the inner clauses apply first.
            if !first.orderBy.isEmpty || first.limit != nil { first = wrapped(first) }
            first.orderBy = orderBy
            first.limit = limit
        }
        if !ctes.isEmpty {
            if !first.ctes.isEmpty { first = wrapped(first) }
            first.ctes = ctes
        }
        return first
    }

    /// `SELECT * FROM (s)`: the same rows as `s`, with room for clauses of its own.
    static func wrapped(_ s: SelectStatement) -> SelectStatement {
        var w = SelectStatement()
        w.items = [SelectItem(expr: nil, alias: nil, isStar: true, normalized: "*")]
        w.from = [FromEntry(ref: TableRef(derived: s))]
        return w
    }

    mutating func parseSelectTerm() throws(ParseError) -> SelectStatement {
        if acceptSymbol("(") {
            let s = try parseSelectChain()
            try expectSymbol(")")
            return s
        }
        var s = SelectStatement()
        if isWord("TABLE") { try parseTableTerm(&s); return s }
        if isWord("VALUES") { try parseValuesTerm(&s); return s }
        try expect("SELECT")
        parseSelectModifiers(&s)
        // Select list
        repeat {
            s.items.append(try parseSelectItem())
        } while acceptSymbol(",")
        if isWord("INTO") { try parseInto(); s.into = true }
        if accept("FROM") {
            if accept("DUAL") {} else { s.from = try parseTableReferences() }
        }
        if accept("WHERE") { s.whereClause = try parseExpr() }
        if accept("GROUP") {
            try expect("BY")
            s.groupBy = try parseOrderList()
            if accept("WITH") { try expect("ROLLUP"); s.withRollup = true }
        }
        if accept("HAVING") { s.having = try parseExpr() }
        if isWord("WINDOW") { try parseWindowClause(&s) }
        if isWord("ORDER") { s.orderBy = try parseOrderBy() }
        if isWord("LIMIT") { s.limit = try parseLimit() }
        if isWord("PROCEDURE") { throw err("PROCEDURE is not supported") }
        try parseLockingAndInto(&s)
        return s
    }

    /// `TABLE t [ORDER BY ...] [LIMIT ...]`
    @inline(never) mutating func parseTableTerm(_ s: inout SelectStatement) throws(ParseError) {
        try expect("TABLE")
        s.items = [SelectItem(expr: nil, alias: nil, isStar: true, normalized: "*")]
        s.from = [FromEntry(ref: TableRef(table: try tableName()))]
        if isWord("ORDER") { s.orderBy = try parseOrderBy() }
        if isWord("LIMIT") { s.limit = try parseLimit() }
    }

    /// `VALUES ROW(...), ...`
    @inline(never) mutating func parseValuesTerm(_ s: inout SelectStatement) throws(ParseError) {
        try expect("VALUES")
        repeat {
            _ = accept("ROW")
            _ = try skipParenthesized()
        } while acceptSymbol(",")
        s.items = [SelectItem(expr: .other([]), alias: nil, isStar: false, normalized: "VALUES")]
    }

    static let selectModifiers: Set<String> = [
        "DISTINCT", "DISTINCTROW", "ALL", "HIGH_PRIORITY", "STRAIGHT_JOIN", "SQL_SMALL_RESULT", "SQL_BIG_RESULT",
        "SQL_BUFFER_RESULT", "SQL_CACHE", "SQL_NO_CACHE", "SQL_CALC_FOUND_ROWS",
    ]

    @inline(never) mutating func parseSelectModifiers(_ s: inout SelectStatement) {
        while let t = current, t.kind == .word, Parser.selectModifiers.contains(t.text) {
            if t.text == "DISTINCT" || t.text == "DISTINCTROW" { s.distinct = true }
            if t.text == "SQL_CALC_FOUND_ROWS" { s.calcFoundRows = true }
            i += 1
        }
    }

    @inline(never) mutating func parseWindowClause(_ s: inout SelectStatement) throws(ParseError) {
        try expect("WINDOW")
        s.hasWindowClause = true
        repeat {
            _ = try identifier(); try expect("AS"); _ = try skipParenthesized()
        } while acceptSymbol(",")
    }

    /// `INTO ...`, `FOR UPDATE|SHARE [OF t] [NOWAIT|SKIP LOCKED|WAIT n]`, `LOCK IN SHARE MODE`.
    @inline(never) mutating func parseLockingAndInto(_ s: inout SelectStatement) throws(ParseError) {
        if isWord("INTO") { try parseInto(); s.into = true }
        while true {
            if accept("FOR") {
                if accept("UPDATE") || accept("SHARE") {
                    s.locking = true
                    if accept("OF") { repeat { _ = try tableName() } while acceptSymbol(",") }
                    if accept("NOWAIT") {} else if accept("SKIP") { try expect("LOCKED") } else if accept("WAIT") { i += 1 }
                    continue
                }
                throw err("expected UPDATE or SHARE")
            }
            if accept("LOCK") {
                try expect("IN"); try expect("SHARE"); try expect("MODE")
                s.locking = true
                if accept("NOWAIT") {} else if accept("WAIT") { i += 1 }
                continue
            }
            break
        }
        if isWord("INTO") { try parseInto(); s.into = true }
    }

    mutating func parseInto() throws(ParseError) {
        try expect("INTO")
        if accept("OUTFILE") || accept("DUMPFILE") {
            i += 1 // the file name
            while let t = current, t.kind == .word, !["FROM", "WHERE", "GROUP", "ORDER", "LIMIT", "FOR", "LOCK", "UNION", "HAVING"].contains(t.text) {
                i += 1
                if let n = current, n.kind == .string || n.kind == .number || n.kind == .hexOrBit { i += 1 }
            }
            return
        }
        repeat {
            guard let t = current, t.kind == .variable || t.kind == .word || t.kind == .quotedIdentifier else { throw err("expected a variable") }
            i += 1
        } while acceptSymbol(",")
    }

    mutating func parseSelectItem() throws(ParseError) -> SelectItem {
        let start = i
        if acceptSymbol("*") { return SelectItem(expr: nil, alias: nil, isStar: true, normalized: "*") }
        // t.* / db.t.*
        if atIdentifier, isSymbol(".", 1), isSymbol("*", 2) {
            i += 3
            return SelectItem(expr: nil, alias: nil, isStar: true, normalized: normalizedText(start, i))
        }
        if atIdentifier, isSymbol(".", 1), peek(2).map({ $0.kind == .word || $0.kind == .quotedIdentifier }) == true, isSymbol(".", 3), isSymbol("*", 4) {
            i += 5
            return SelectItem(expr: nil, alias: nil, isStar: true, normalized: normalizedText(start, i))
        }
        let e = try parseExpr()
        let end = i
        var alias: String?
        if accept("AS") {
            guard let t = current, t.kind == .word || t.kind == .quotedIdentifier || t.kind == .string else { throw err("expected an alias") }
            alias = t.kind == .word ? spelling(t) : t.text
            i += 1
        } else if let t = current, t.kind == .quotedIdentifier || t.kind == .string || (t.kind == .word && !Parser.reserved.contains(t.text)) {
            alias = t.kind == .word ? spelling(t) : t.text
            i += 1
        }
        return SelectItem(expr: e, alias: alias, isStar: false, normalized: normalizedText(start, end))
    }

    /// Tokens `a..<b` re-joined with single spaces (words upper-cased, identifiers unquoted).
    func normalizedText(_ a: Int, _ b: Int) -> String {
        var parts: [String] = []
        for k in a..<b {
            let t = tokens[k]
            switch t.kind {
            case .string: parts.append(Literal.string(t.text).description)
            default: parts.append(t.text.uppercasedASCII)
            }
        }
        return parts.joined(separator: " ")
    }

    mutating func parseOrderBy() throws(ParseError) -> [OrderItem] {
        try expect("ORDER")
        try expect("BY")
        return try parseOrderList()
    }

    mutating func parseOrderList() throws(ParseError) -> [OrderItem] {
        var items: [OrderItem] = []
        repeat {
            let start = i
            let e = try parseExpr()
            let end = i
            var desc = false
            if accept("DESC") { desc = true } else { _ = accept("ASC") }
            items.append(OrderItem(expr: e, descending: desc, normalized: normalizedText(start, end)))
        } while acceptSymbol(",")
        return items
    }

    mutating func parseLimit() throws(ParseError) -> LimitClause {
        let start = current?.offset ?? 0
        try expect("LIMIT")
        func value(_ p: inout Parser) throws(ParseError) -> Int? {
            guard let t = p.current else { throw p.err("expected a number") }
            p.i += 1
            if t.kind == .number, let n = Int(t.text) { return n }
            if t.kind == .placeholder { return nil }
            if t.kind == .variable || t.kind == .word { return nil }
            throw p.err("expected a number")
        }
        let a = try value(&self)
        var count = a
        var off: Int? = nil
        var hasOffset = false
        if acceptSymbol(",") { off = a; count = try value(&self); hasOffset = true }
        else if accept("OFFSET") { off = try value(&self); hasOffset = true }
        if hasOffset && off == nil { count = nil }
        if a == nil { count = nil }
        if accept("ROWS") { try expect("EXAMINED"); _ = try value(&self) }
        return LimitClause(count: count, offset: hasOffset ? (off ?? -1) : nil, range: start..<endOfPrevious)
    }

    // MARK: FROM

    mutating func parseTableReferences() throws(ParseError) -> [FromEntry] {
        var entries: [FromEntry] = []
        try parseTableFactorInto(&entries, join: nil)
        while true {
            if acceptSymbol(",") { try parseTableFactorInto(&entries, join: nil); continue }
            var kind: JoinKind?
            if accept("JOIN") || accept("STRAIGHT_JOIN") { kind = .inner }
            else if isWord("INNER") || isWord("CROSS") { i += 1; try expect("JOIN"); kind = .inner }
            else if accept("LEFT") { _ = accept("OUTER"); try expect("JOIN"); kind = .left }
            else if accept("RIGHT") { _ = accept("OUTER"); try expect("JOIN"); kind = .right }
            else if accept("NATURAL") {
                if accept("LEFT") || accept("RIGHT") { _ = accept("OUTER") }
                else { _ = accept("INNER") }
                try expect("JOIN"); kind = .natural
            }
            guard let kind else { break }
            let before = entries.count
            try parseTableFactorInto(&entries, join: kind)
            if accept("ON") {
                let cond = try parseExpr()
                if entries.count > before { entries[before].on = cond }
            } else if accept("USING") {
                _ = try skipParenthesized()
            }
        }
        return entries
    }

    mutating func parseTableFactorInto(_ entries: inout [FromEntry], join: JoinKind?) throws(ParseError) {
        // `((((t))))` recurses here.
        try enter()
        defer { depth -= 1 }
        if isSymbol("(") {
            if isWord("SELECT", 1) || isWord("WITH", 1) || isSymbol("(", 1) && tokensStartSelect(at: i + 1) {
                i += 1
                let sub = try parseSelectChain()
                try expectSymbol(")")
                _ = accept("AS")
                let alias = atIdentifier ? try identifier() : nil
                if isSymbol("(") { _ = try skipParenthesized() } // column list
                entries.append(FromEntry(ref: TableRef(derived: sub, alias: alias), join: join))
                return
            }
            // ( table_references )
            i += 1
            var inner = try parseTableReferences()
            try expectSymbol(")")
            if !inner.isEmpty { inner[0].join = join }
            entries.append(contentsOf: inner)
            return
        }
        if isSymbol("{") { throw err("ODBC join syntax is not supported") }
        let name = try tableName()
        if accept("PARTITION") { _ = try skipParenthesized() }
        var alias: String?
        if accept("AS") { alias = try identifier() } else if atIdentifier { alias = try identifier() }
        // Index hints
        while isWord("USE") || isWord("FORCE") || isWord("IGNORE") {
            i += 1
            guard accept("INDEX") || accept("KEY") else { throw err("expected INDEX") }
            if accept("FOR") {
                if accept("JOIN") {} else if accept("ORDER") || accept("GROUP") { try expect("BY") } else { throw err("bad index hint") }
            }
            _ = try skipParenthesized()
            _ = acceptSymbol(",")
        }
        entries.append(FromEntry(ref: TableRef(table: name, alias: alias), join: join))
    }

    func tokensStartSelect(at k: Int) -> Bool {
        var j = k
        while j < tokens.count, tokens[j].kind == .symbol, tokens[j].text == "(" { j += 1 }
        return j < tokens.count && tokens[j].kind == .word && (tokens[j].text == "SELECT" || tokens[j].text == "WITH")
    }

    // MARK: Expressions

    public mutating func parseExpr() throws(ParseError) -> Expr {
        try enter()
        defer { depth -= 1 }
        var parts = [try parseXor()]
        while accept("OR") || acceptSymbol("||") { parts.append(try parseXor()) }
        if parts.count == 1 { return parts[0] }
        // Assignment `:=` binds lower still.
        return .or(parts)
    }

    mutating func parseXor() throws(ParseError) -> Expr {
        var left = try parseAnd()
        while accept("XOR") { left = .other([left, try parseAnd()]) }
        return left
    }

    mutating func parseAnd() throws(ParseError) -> Expr {
        var parts = [try parseNot()]
        while accept("AND") || acceptSymbol("&&") { parts.append(try parseNot()) }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    mutating func parseNot() throws(ParseError) -> Expr {
        if accept("NOT") {
            try enter()
            defer { depth -= 1 }
            return .not(try parseNot())
        }
        return try parsePredicate()
    }

    static let comparisonOps: Set<String> = ["=", "<=>", "<", ">", "<=", ">=", "<>", "!="]

    mutating func parsePredicate() throws(ParseError) -> Expr {
        var left = try parseBitExpr()
        while let t = current {
            if t.kind == .symbol, Parser.comparisonOps.contains(t.text) {
                i += 1
                if accept("ANY") || accept("SOME") || accept("ALL") {
                    let sub = try parseParenthesizedSubquery()
                    left = .other([left, sub])
                    continue
                }
                let right = try parseBitExpr()
                left = .comparison(t.text, left, right)
                continue
            }
            if t.kind == .symbol, t.text == ":=" {
                i += 1
                left = .other([left, try parseExpr()])
                continue
            }
            guard t.kind == .word else { break }
            var negated = false
            if t.text == "NOT", let n = peek(1), n.kind == .word, ["IN", "BETWEEN", "LIKE", "REGEXP", "RLIKE"].contains(n.text) {
                negated = true
                i += 1
            }
            if accept("IS") {
                _ = accept("NOT")
                guard accept("NULL") || accept("TRUE") || accept("FALSE") || accept("UNKNOWN") else { throw err("expected NULL") }
                left = .other([left])
                continue
            }
            if accept("IN") {
                left = try parseInTail(left, negated: negated)
                continue
            }
            if accept("BETWEEN") {
                let a = try parseBitExpr()
                try expect("AND")
                let b = try parseBitExpr()
                left = .other([left, a, b])
                continue
            }
            if accept("LIKE") || accept("REGEXP") || accept("RLIKE") {
                let r = try parseBitExpr()
                if accept("ESCAPE") { _ = try parseBitExpr() }
                left = .other([left, r])
                continue
            }
            if negated { throw err("unexpected NOT") }
            if accept("SOUNDS") {
                try expect("LIKE")
                left = .other([left, try parseBitExpr()])
                continue
            }
            if accept("MEMBER") {
                try expect("OF")
                left = .other([left, try parseParenthesizedExpr()])
                continue
            }
            break
        }
        return left
    }

    mutating func parseInTail(_ left: Expr, negated: Bool) throws(ParseError) -> Expr {
        let listStart = current?.offset ?? 0
        try expectSymbol("(")
        if isWord("SELECT") || isWord("WITH") || (isSymbol("(") && tokensStartSelect(at: i)) {
            let sub = try parseSelectChain()
            try expectSymbol(")")
            return .other([left, .subquery(sub)])
        }
        var items: [Expr] = []
        var ranges: [Range<Int>] = []
        repeat {
            let a = current?.offset ?? 0
            items.append(try parseExpr())
            ranges.append(a..<endOfPrevious)
        } while acceptSymbol(",")
        try expectSymbol(")")
        return .inList(left, items: items, itemRanges: ranges, list: listStart..<endOfPrevious, negated: negated)
    }

    mutating func parseParenthesizedSubquery() throws(ParseError) -> Expr {
        try expectSymbol("(")
        let s = try parseSelectChain()
        try expectSymbol(")")
        return .subquery(s)
    }

    mutating func parseParenthesizedExpr() throws(ParseError) -> Expr {
        try expectSymbol("(")
        let e = try parseExpr()
        try expectSymbol(")")
        return e
    }

    static let bitOps: Set<String> = ["|", "&", "<<", ">>", "+", "-", "*", "/", "%", "^", "->", "->>"]

    mutating func parseBitExpr() throws(ParseError) -> Expr {
        var left = try parseUnary()
        while let t = current {
            if t.kind == .symbol, Parser.bitOps.contains(t.text) {
                i += 1
                left = .other([left, try parseUnary()])
                continue
            }
            if t.kind == .word, t.text == "DIV" || t.text == "MOD" {
                i += 1
                left = .other([left, try parseUnary()])
                continue
            }
            if t.kind == .word, t.text == "COLLATE" {
                i += 1
                guard let n = current, n.kind == .word || n.kind == .string || n.kind == .quotedIdentifier else { throw err("expected a collation") }
                i += 1
                left = .other([left])
                continue
            }
            break
        }
        return left
    }

    static let prefixSymbols: Set<String> = ["-", "+", "~", "!"]
    static let prefixWords: Set<String> = ["BINARY", "INTERVAL", "EXISTS"]

    mutating func parseUnary() throws(ParseError) -> Expr {
        guard let t = current else { throw err("expected an expression") }
        // This frame is on every nesting level; prefix operators (rare) get their own.
        if t.kind == .symbol ? Parser.prefixSymbols.contains(t.text) : t.kind == .word && Parser.prefixWords.contains(t.text) {
            return try parsePrefixed()
        }
        return try parsePrimary()
    }

    @inline(never) mutating func parsePrefixed() throws(ParseError) -> Expr {
        guard let t = current else { throw err("expected an expression") }
        // `- - - ... 1`, `~~~~x`, `BINARY BINARY ...` recurse here.
        try enter()
        defer { depth -= 1 }
        if t.kind == .symbol {
            switch t.text {
            case "-":
                i += 1
                // Fold `-number` into the literal.
                if let n = current, n.kind == .number, !isBitOperatorAfterNumber() {
                    i += 1
                    let lit = Parser.numberLiteral(n.text, negative: true)
                    return .literal(lit, range: t.offset..<(n.offset + n.length))
                }
                return .other([try parseUnary()])
            case "+":
                i += 1
                if let n = current, n.kind == .number {
                    i += 1
                    return .literal(Parser.numberLiteral(n.text, negative: false), range: t.offset..<(n.offset + n.length))
                }
                return .other([try parseUnary()])
            case "~", "!":
                i += 1
                return .other([try parseUnary()])
            default: break
            }
        }
        if t.kind == .word {
            switch t.text {
            case "BINARY":
                if let n = peek(1), !(n.kind == .symbol && (n.text == "(" || n.text == ")" || n.text == ",")) {
                    i += 1
                    return .other([try parseUnary()])
                }
            case "INTERVAL":
                i += 1
                let e = try parseExpr()
                guard let u = current, u.kind == .word else { throw err("expected an interval unit") }
                i += 1
                return .other([e])
            case "EXISTS":
                if isSymbol("(", 1) {
                    i += 1
                    return .other([try parseParenthesizedSubquery()])
                }
            default: break
            }
        }
        return try parsePrimary()
    }

    /// `-1 ...`: always a literal; kept for clarity (MySQL folds unary minus into numbers).
    func isBitOperatorAfterNumber() -> Bool { false }

    static func numberLiteral(_ text: String, negative: Bool) -> Literal {
        let isInt = text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        let t = negative ? "-" + text : text
        return isInt ? .integer(t) : .decimal(t)
    }

    mutating func parsePrimary() throws(ParseError) -> Expr {
        guard let t = current else { throw err("expected an expression") }
        switch t.kind {
        case .number:
            i += 1
            return .literal(Parser.numberLiteral(t.text, negative: false), range: t.offset..<(t.offset + t.length))
        case .string:
            i += 1
            var value = t.text
            var end = t.offset + t.length
            // Adjacent strings concatenate: 'a' 'b' = 'ab'.
            while let n = current, n.kind == .string { value += n.text; end = n.offset + n.length; i += 1 }
            return .literal(.string(value), range: t.offset..<end)
        case .hexOrBit:
            i += 1
            return .literal(.hexOrBit(t.text), range: t.offset..<(t.offset + t.length))
        case .placeholder:
            let n = placeholderNumber(at: i)
            i += 1
            return .placeholder(n)
        case .variable:
            i += 1
            return .other([])
        case .symbol:
            if t.text == "(" {
                if isWord("SELECT", 1) || isWord("WITH", 1) {
                    return try parseParenthesizedSubquery()
                }
                if isSymbol("(", 1) && tokensStartSelect(at: i + 1) {
                    // `((SELECT 1) UNION (SELECT 2))` is a subquery; `((SELECT 1) + 1)` is an expression.
                    let save = i
                    do { return try parseParenthesizedSubquery() } catch { i = save }
                }
                i += 1
                var items = [try parseExpr()]
                while acceptSymbol(",") { items.append(try parseExpr()) }
                try expectSymbol(")")
                return items.count == 1 ? items[0] : .other(items)
            }
            if t.text == "{" {
                // ODBC escape {d '2020-01-01'}
                var level = 0
                while let c = current {
                    i += 1
                    if c.kind == .symbol, c.text == "{" { level += 1 }
                    if c.kind == .symbol, c.text == "}" { level -= 1; if level == 0 { return .other([]) } }
                }
                throw err("unbalanced braces")
            }
            throw err("unexpected symbol")
        case .quotedIdentifier, .word:
            return try parseWordPrimary()
        }
    }

    mutating func parseWordPrimary() throws(ParseError) -> Expr {
        let t = current!
        if t.kind == .word {
            switch t.text {
            case "NULL": i += 1; return .literal(.null, range: t.offset..<(t.offset + t.length))
            case "TRUE": i += 1; return .literal(.boolean(true), range: t.offset..<(t.offset + t.length))
            case "FALSE": i += 1; return .literal(.boolean(false), range: t.offset..<(t.offset + t.length))
            case "CASE":
                i += 1
                var children: [Expr] = []
                if !isWord("WHEN") { children.append(try parseExpr()) }
                while accept("WHEN") {
                    children.append(try parseExpr())
                    try expect("THEN")
                    children.append(try parseExpr())
                }
                if accept("ELSE") { children.append(try parseExpr()) }
                try expect("END")
                return .other(children)
            case "DATE", "TIME", "TIMESTAMP":
                if let n = peek(1), n.kind == .string { i += 2; return .other([]) }
            case _ where t.text.hasPrefix("_") && Parser.charsets.contains(String(t.text.dropFirst())):
                // `_utf8mb4 'x'`: an introducer apart from its string (adjacent ones are lexed as one string).
                if let n = peek(1), n.kind == .string {
                    i += 1
                    guard case .literal(let lit, let r) = try parsePrimary() else { throw err("expected a string") }
                    return .literal(lit, range: t.offset..<r.upperBound)
                }
                if let n = peek(1), n.kind == .hexOrBit { i += 2; return .other([]) }
            case "ROW":
                if isSymbol("(", 1) { i += 1; return .other(try skipParenthesized()) }
            case "MATCH":
                if isSymbol("(", 1) {
                    i += 1
                    var found = try skipParenthesized()
                    try expect("AGAINST")
                    found += try skipParenthesized()
                    return .other(found)
                }
            default:
                if Parser.reserved.contains(t.text), !isSymbol("(", 1) { throw err("unexpected keyword") }
            }
        }
        // Function call?
        if t.kind == .word, isSymbol("(", 1) {
            return try parseFunction()
        }
        // Column reference: a[.b[.c]]
        i += 1
        var parts = [t.kind == .quotedIdentifier ? t.text : spelling(t)]
        while isSymbol("."), let n = peek(1), n.kind == .word || n.kind == .quotedIdentifier {
            i += 2
            parts.append(n.kind == .quotedIdentifier ? n.text : spelling(n))
        }
        if parts.count > 3 { throw err("too many name parts") }
        let name = parts.removeLast()
        return .column(ColumnName(qualifier: parts, name: name))
    }

    static let specialFunctions: Set<String> = [
        "CAST", "CONVERT", "EXTRACT", "TRIM", "SUBSTRING", "SUBSTR", "POSITION", "GROUP_CONCAT", "CHAR", "WEIGHT_STRING",
        "JSON_TABLE", "JSON_VALUE", "JSON_QUERY", "GET_FORMAT", "TIMESTAMPADD", "TIMESTAMPDIFF", "DATE_ADD", "DATE_SUB",
        "ADDDATE", "SUBDATE", "JSON_ARRAYAGG", "JSON_OBJECTAGG", "COLUMN_CREATE", "COLUMN_GET", "LISTAGG", "CURSOR",
    ]

    mutating func parseFunction() throws(ParseError) -> Expr {
        let nameToken = current!
        let name = nameToken.text
        i += 1
        var args: [Expr] = []
        var distinct = false
        var star = false
        if Parser.specialFunctions.contains(name) {
            args = try skipParenthesized()
            if name == "GROUP_CONCAT" { distinct = true } // never mergeable
        } else {
            let open = i
            try expectSymbol("(")
            if acceptSymbol(")") {
                // no arguments
            } else {
                if accept("DISTINCT") || accept("DISTINCTROW") { distinct = true } else { _ = accept("ALL") }
                if acceptSymbol("*") {
                    star = true
                    try expectSymbol(")")
                } else {
                    do {
                        repeat { args.append(try parseExpr()) } while acceptSymbol(",")
                        try expectSymbol(")")
                    } catch {
                        // Unusual argument syntax: keep what matters (subqueries) and move on.
                        i = open
                        args = try skipParenthesized()
                    }
                }
            }
        }
        var over = false
        if accept("OVER") {
            over = true
            if isSymbol("(") { _ = try skipParenthesized() } else { _ = try identifier() }
        }
        return .function(name: name, args: args, distinct: distinct, star: star, over: over)
    }

    // MARK: INSERT / UPDATE / DELETE

    mutating func parseInsert() throws(ParseError) -> InsertStatement {
        var s = InsertStatement()
        s.replace = accept("REPLACE")
        if !s.replace { try expect("INSERT") }
        while accept("LOW_PRIORITY") || accept("DELAYED") || accept("HIGH_PRIORITY") || accept("IGNORE") {}
        _ = accept("INTO")
        s.table = try tableName()
        if accept("PARTITION") { _ = try skipParenthesized() }
        if isSymbol("("), !(isWord("SELECT", 1) || isWord("WITH", 1)) {
            i += 1
            var cols: [String] = []
            if !isSymbol(")") {
                repeat {
                    var name = try identifier()
                    // t.col
                    while acceptSymbol(".") { name = try identifier() }
                    cols.append(name)
                } while acceptSymbol(",")
            }
            try expectSymbol(")")
            s.columns = cols
        }
        if accept("VALUES") || accept("VALUE") {
            repeat {
                _ = accept("ROW")
                let start = current?.offset ?? 0
                try expectSymbol("(")
                var row: [Expr] = []
                if !isSymbol(")") {
                    repeat {
                        if accept("DEFAULT") { row.append(.other([])) } else { row.append(try parseExpr()) }
                    } while acceptSymbol(",")
                }
                try expectSymbol(")")
                s.rows.append(row)
                s.rowRanges.append(start..<endOfPrevious)
            } while acceptSymbol(",")
            if accept("AS") {
                _ = try identifier()
                if isSymbol("(") { _ = try skipParenthesized() }
            }
        } else if accept("SET") {
            s.setAssignments = try parseAssignments()
        } else if isWord("SELECT") || isWord("WITH") || isWord("TABLE") || isSymbol("(") || isWord("VALUES") {
            s.select = try parseSelectChain()
        } else {
            throw err("expected VALUES, SET or SELECT")
        }
        if accept("ON") {
            try expect("DUPLICATE"); try expect("KEY"); try expect("UPDATE")
            s.onDuplicateKeyUpdate = try parseAssignments()
        }
        if accept("RETURNING") {
            s.returning = true
            repeat { _ = try parseSelectItem() } while acceptSymbol(",")
        }
        try expectEnd()
        return s
    }

    mutating func parseAssignments() throws(ParseError) -> [Assignment] {
        var out: [Assignment] = []
        repeat {
            guard case .column(let c) = try parseWordPrimaryOrThrow() else { throw err("expected a column") }
            guard acceptSymbol("=") || acceptSymbol(":=") else { throw err("expected '='") }
            let v: Expr = accept("DEFAULT") ? .other([]) : try parseExpr()
            out.append(Assignment(column: c, value: v))
        } while acceptSymbol(",")
        return out
    }

    mutating func parseWordPrimaryOrThrow() throws(ParseError) -> Expr {
        guard let t = current, t.kind == .word || t.kind == .quotedIdentifier else { throw err("expected a column") }
        if t.kind == .word, Parser.reserved.contains(t.text) { throw err("expected a column") }
        return try parseWordPrimary()
    }

    mutating func parseUpdate() throws(ParseError) -> UpdateStatement {
        try expect("UPDATE")
        var s = UpdateStatement()
        while accept("LOW_PRIORITY") || accept("IGNORE") {}
        s.from = try parseTableReferences()
        try expect("SET")
        s.assignments = try parseAssignments()
        if accept("WHERE") { s.whereClause = try parseExpr() }
        if isWord("ORDER") { _ = try parseOrderBy(); s.hasOrderBy = true }
        if isWord("LIMIT") { s.limit = try parseLimit() }
        try expectEnd()
        return s
    }

    mutating func parseDelete() throws(ParseError) -> DeleteStatement {
        try expect("DELETE")
        var s = DeleteStatement()
        while accept("LOW_PRIORITY") || accept("QUICK") || accept("IGNORE") {}
        if accept("FROM") {
            // DELETE FROM t [AS a] ... | DELETE FROM t1, t2 USING refs ...
            var names: [TableName] = []
            repeat {
                names.append(try tableName())
                if acceptSymbol(".") { try expectSymbol("*") }
            } while acceptSymbol(",")
            if accept("USING") {
                s.targets = names
                s.from = try parseTableReferences()
            } else {
                guard names.count == 1 else { throw err("expected USING") }
                var alias: String?
                if accept("AS") { alias = try identifier() } else if atIdentifier { alias = try identifier() }
                if accept("PARTITION") { _ = try skipParenthesized() }
                s.from = [FromEntry(ref: TableRef(table: names[0], alias: alias))]
            }
        } else {
            // DELETE t1[.*], t2 FROM refs ...
            repeat {
                s.targets.append(try tableName())
                if acceptSymbol(".") { try expectSymbol("*") }
            } while acceptSymbol(",")
            try expect("FROM")
            s.from = try parseTableReferences()
        }
        if accept("WHERE") { s.whereClause = try parseExpr() }
        if isWord("ORDER") { _ = try parseOrderBy(); s.hasOrderBy = true }
        if isWord("LIMIT") { s.limit = try parseLimit() }
        if accept("RETURNING") {
            s.returning = true
            repeat { _ = try parseSelectItem() } while acceptSymbol(",")
        }
        try expectEnd()
        return s
    }

    // MARK: DDL

    mutating func parseDDL() throws(ParseError) -> DDLStatement {
        let verb = current!.text
        i += 1
        if verb == "TRUNCATE" {
            _ = accept("TABLE")
            return DDLStatement(verb: verb, object: .table, tables: [try tableName()])
        }
        if verb == "RENAME" {
            guard accept("TABLE") || accept("TABLES") else { return DDLStatement(verb: verb, object: .other) }
            var tables: [TableName] = []
            repeat {
                tables.append(try tableName())
                try expect("TO")
                tables.append(try tableName())
            } while acceptSymbol(",")
            return DDLStatement(verb: verb, object: .table, tables: tables)
        }
        if accept("OR") { try expect("REPLACE") }
        while accept("ONLINE") || accept("OFFLINE") || accept("IGNORE") || accept("TEMPORARY") || accept("UNIQUE")
                || accept("FULLTEXT") || accept("SPATIAL") {}
        if accept("TABLE") || accept("TABLES") {
            if accept("IF") { _ = accept("NOT"); try expect("EXISTS") }
            var tables = [try tableName()]
            if verb == "DROP" { while acceptSymbol(",") { tables.append(try tableName()) } }
            if verb == "ALTER" {
                // Other tables an ALTER TABLE names: `RENAME [TO|AS] u`, `EXCHANGE PARTITION p WITH TABLE u`.
                var level = 0
                while let t = current {
                    if t.kind == .symbol, t.text == "(" { level += 1 }
                    if t.kind == .symbol, t.text == ")" { level -= 1 }
                    i += 1
                    guard level == 0, t.kind == .word else { continue }
                    if t.text == "RENAME", !(isWord("COLUMN") || isWord("INDEX") || isWord("KEY") || isWord("CONSTRAINT")) {
                        _ = accept("TO") || accept("AS")
                        tables.append(try tableName())
                    } else if t.text == "WITH", accept("TABLE") {
                        tables.append(try tableName())
                    }
                }
            }
            var select: SelectStatement?
            if verb == "CREATE" {
                // CREATE TABLE t LIKE u / (LIKE u) / ... [AS] SELECT
                if accept("LIKE") { tables.append(try tableName()) }
                else if isSymbol("("), isWord("LIKE", 1) { i += 2; tables.append(try tableName()); try expectSymbol(")") }
                else {
                    // Skip the definition; find a SELECT at the top level.
                    while let t = current {
                        if t.kind == .symbol, t.text == "(", tokensStartSelect(at: i) { select = try parseSelectChain(); break }
                        if t.kind == .symbol, t.text == "(" { _ = try skipParenthesized(); continue }
                        if t.kind == .word, t.text == "SELECT" || t.text == "WITH" { select = try parseSelectChain(); break }
                        i += 1
                    }
                }
            }
            return DDLStatement(verb: verb, object: .table, tables: tables, select: select)
        }
        if accept("INDEX") || accept("KEY") {
            if accept("IF") { _ = accept("NOT"); try expect("EXISTS") }
            _ = try identifier()
            if verb == "ALTER" { return DDLStatement(verb: verb, object: .index) }
            while let t = current, !(t.kind == .word && t.text == "ON") { i += 1 }
            try expect("ON")
            return DDLStatement(verb: verb, object: .index, tables: [try tableName()])
        }
        if accept("DATABASE") || accept("SCHEMA") {
            if accept("IF") { _ = accept("NOT"); try expect("EXISTS") }
            // `ALTER DATABASE CHARACTER SET ...` alters the default database: no name.
            let options: Set<String> = ["DEFAULT", "CHARACTER", "CHARSET", "COLLATE", "ENCRYPTION", "READ", "COMMENT"]
            if atEnd || (verb == "ALTER" && current.map { $0.kind == .word && options.contains($0.text) } == true) {
                return DDLStatement(verb: verb, object: .database)
            }
            return DDLStatement(verb: verb, object: .database, database: try identifier())
        }
        if accept("VIEW") {
            return DDLStatement(verb: verb, object: .view)
        }
        return DDLStatement(verb: verb, object: .other)
    }

    // MARK: SET

    mutating func parseSet() throws(ParseError) -> Statement {
        try expect("SET")
        if accept("STATEMENT") {
            // MariaDB `SET STATEMENT var = value [, ...] FOR statement`: the statement is what runs
            // (with the variables set for its duration), so it is what routing must see.
            var level = 0
            while let t = current {
                if t.kind == .symbol, t.text == "(" { level += 1 }
                if t.kind == .symbol, t.text == ")" { level -= 1 }
                i += 1
                if level == 0, t.kind == .word, t.text == "FOR" {
                    if atEnd { break }
                    try enter()
                    defer { depth -= 1 }
                    return try parseStatement()
                }
            }
            throw err("expected FOR and a statement")
        }
        // SET GLOBAL x / SET @@global.x / SET PERSIST ... / SET @@persist.x: not session state.
        for t in tokens {
            if t.kind == .word, t.text == "GLOBAL" || t.text == "PERSIST" || t.text == "PERSIST_ONLY" { return .set(global: true) }
            if t.kind == .variable {
                let v = t.text.lowercased()
                if v.hasPrefix("@@global.") || v.hasPrefix("@@persist.") || v.hasPrefix("@@persist_only.") { return .set(global: true) }
            }
        }
        return .set(global: false)
    }
}

extension String {
    var uppercasedASCII: String {
        String(decoding: utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
}
