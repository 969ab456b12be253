import Testing
@testable import SQLSyntax

// Shared helpers for the parser suites: a canonical one-line rendering of a parsed statement, so
// that table rows stay short and exact.
//
// Expressions:  column `t.c` · literal `42`, `'x'`, `1.5`, `0x2A`, `NULL`, `TRUE` · placeholder `?0`
//   and(..) or(..) not(..) · comparisons eq ne neq lt le gt ge nseq (`<>` is ne, `!=` is neq)
//   in(l,[..]) notin(l,[..]) · sub(SELECT ..) · function `COUNT(*)`, `COUNT(DISTINCT x)`, `SUM(x) OVER`
//   anything else other(..)
// Names made of anything but letters, digits, `_` and `$` are shown in backticks.

enum Render {
    static func name(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "$"
        }
        return plain ? s : "`" + s + "`"
    }

    static func table(_ t: TableName) -> String { (t.schema.map { name($0) + "." } ?? "") + name(t.name) }

    static func column(_ c: ColumnName) -> String { (c.qualifier + [c.name]).map(name).joined(separator: ".") }

    static let ops = ["=": "eq", "<>": "ne", "!=": "neq", "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "<=>": "nseq"]

    static func expr(_ e: Expr) -> String {
        switch e {
        case .column(let c): return column(c)
        case .literal(let l, _): return l.description
        case .placeholder(let n): return "?\(n)"
        case .and(let c): return "and(" + c.map(expr).joined(separator: ",") + ")"
        case .or(let c): return "or(" + c.map(expr).joined(separator: ",") + ")"
        case .not(let x): return "not(" + expr(x) + ")"
        case .comparison(let op, let l, let r): return (ops[op] ?? op) + "(" + expr(l) + "," + expr(r) + ")"
        case .inList(let l, let items, _, _, let negated):
            return (negated ? "notin(" : "in(") + expr(l) + ",[" + items.map(expr).joined(separator: ",") + "])"
        case .subquery(let s): return "sub(" + select(s) + ")"
        case .function(let n, let args, let distinct, let star, let over):
            let inner = star ? "*" : args.map(expr).joined(separator: ",")
            return n + "(" + (distinct ? "DISTINCT " : "") + inner + ")" + (over ? " OVER" : "")
        case .other(let c): return "other(" + c.map(expr).joined(separator: ",") + ")"
        }
    }

    static func item(_ i: SelectItem) -> String {
        let base = i.isStar ? i.normalized : i.expr.map(expr) ?? "nil"
        return base + (i.alias.map { " AS " + name($0) } ?? "")
    }

    static func ref(_ r: TableRef) -> String {
        var s = r.table.map(table) ?? r.derived.map { "(" + select($0) + ")" } ?? "?"
        if let a = r.alias { s += " " + name(a) }
        return s
    }

    static func from(_ f: [FromEntry]) -> String {
        "[" + f.map { e -> String in
            var s = ""
            switch e.join {
            case nil: break
            case .inner?: s = "JOIN "
            case .left?: s = "LEFT "
            case .right?: s = "RIGHT "
            case .natural?: s = "NATURAL "
            }
            s += ref(e.ref)
            if let on = e.on { s += " ON " + expr(on) }
            return s
        }.joined(separator: ", ") + "]"
    }

    static func order(_ o: [OrderItem]) -> String {
        "[" + o.map { expr($0.expr) + ($0.descending ? " DESC" : "") }.joined(separator: ",") + "]"
    }

    static func limit(_ l: LimitClause) -> String {
        "limit=" + (l.count.map(String.init) ?? "_") + (l.offset.map { ",off=\($0)" } ?? "")
    }

    static func assignments(_ a: [Assignment]) -> String {
        "[" + a.map { column($0.column) + "=" + expr($0.value) }.joined(separator: ",") + "]"
    }

    static func select(_ s: SelectStatement) -> String {
        var p = ["SELECT"]
        if !s.ctes.isEmpty { p.append("with=[" + s.ctes.map { name($0.name) + ":(" + select($0.body) + ")" }.joined(separator: ",") + "]") }
        if s.distinct { p.append("distinct") }
        if s.calcFoundRows { p.append("calc") }
        p.append("[" + s.items.map(item).joined(separator: ",") + "]")
        if !s.from.isEmpty { p.append("from=" + from(s.from)) }
        if let w = s.whereClause { p.append("where=" + expr(w)) }
        if !s.groupBy.isEmpty { p.append("group=" + order(s.groupBy)) }
        if s.withRollup { p.append("rollup") }
        if let h = s.having { p.append("having=" + expr(h)) }
        if s.hasWindowClause { p.append("window") }
        if !s.setOperations.isEmpty { p.append("set=[" + s.setOperations.map(select).joined(separator: " | ") + "]") }
        if !s.orderBy.isEmpty { p.append("order=" + order(s.orderBy)) }
        if let l = s.limit { p.append(limit(l)) }
        if s.locking { p.append("lock") }
        if s.into { p.append("into") }
        return p.joined(separator: " ")
    }

    static func statement(_ st: Statement) -> String {
        switch st {
        case .select(let s): return select(s)
        case .insert(let s):
            var p = [s.replace ? "REPLACE" : "INSERT", table(s.table)]
            if let c = s.columns { p.append("cols=[" + c.map(name).joined(separator: ",") + "]") }
            if !s.rows.isEmpty { p.append("rows=[" + s.rows.map { "(" + $0.map(expr).joined(separator: ",") + ")" }.joined(separator: ",") + "]") }
            if let a = s.setAssignments { p.append("set=" + assignments(a)) }
            if let sel = s.select { p.append("select=(" + select(sel) + ")") }
            if !s.onDuplicateKeyUpdate.isEmpty { p.append("odku=" + assignments(s.onDuplicateKeyUpdate)) }
            if s.returning { p.append("returning") }
            return p.joined(separator: " ")
        case .update(let s):
            var p = ["UPDATE", from(s.from), "set=" + assignments(s.assignments)]
            if let w = s.whereClause { p.append("where=" + expr(w)) }
            if s.hasOrderBy { p.append("order") }
            if let l = s.limit { p.append(limit(l)) }
            return p.joined(separator: " ")
        case .delete(let s):
            var p = ["DELETE"]
            if !s.targets.isEmpty { p.append("targets=[" + s.targets.map(table).joined(separator: ",") + "]") }
            p.append(from(s.from))
            if let w = s.whereClause { p.append("where=" + expr(w)) }
            if s.hasOrderBy { p.append("order") }
            if let l = s.limit { p.append(limit(l)) }
            if s.returning { p.append("returning") }
            return p.joined(separator: " ")
        case .ddl(let d):
            var p = ["DDL", d.verb, "\(d.object)"]
            if !d.tables.isEmpty { p.append("[" + d.tables.map(table).joined(separator: ",") + "]") }
            if let db = d.database { p.append("db=" + name(db)) }
            if let s = d.select { p.append("select=(" + select(s) + ")") }
            return p.joined(separator: " ")
        case .set(let global): return global ? "SET global" : "SET"
        case .use(let db): return "USE " + name(db)
        case .transaction(let t):
            switch t {
            case .begin(let ro): return ro ? "BEGIN READ ONLY" : "BEGIN"
            case .commit: return "COMMIT"
            case .rollback: return "ROLLBACK"
            case .savepoint: return "SAVEPOINT"
            case .xa: return "XA"
            }
        case .show: return "SHOW"
        case .describe(let t): return "DESCRIBE" + (t.map { " " + table($0) } ?? "")
        case .explain(let inner): return "EXPLAIN(" + (inner.map(statement) ?? "?") + ")"
        case .call: return "CALL"
        case .tableStatement(let verb, let tables): return verb + " [" + tables.map(table).joined(separator: ",") + "]"
        case .unlockTables: return "UNLOCK TABLES"
        case .kill(let id, let q): return (q ? "KILL QUERY " : "KILL ") + "\(id)"
        case .other(let w): return "OTHER " + w
        case .empty: return "EMPTY"
        }
    }

    static func result(_ r: Result<Statement, ParseError>) -> String {
        switch r {
        case .success(let s): return statement(s)
        case .failure: return "ERROR"
        }
    }

    /// Every statement of the text, joined with " ; ".
    static func all(_ sql: String) -> String { Parser.parseAll(sql).map(result).joined(separator: " ; ") }
}

/// A row: SQL text and its expected rendering.
struct ParseCase: Sendable, CustomTestStringConvertible {
    var sql: String
    var expected: String
    init(_ sql: String, _ expected: String) { self.sql = sql; self.expected = expected }
    var testDescription: String { sql.debugDescription }
}

/// Checks a row, and that every byte range the parser reports lies inside the text and cuts it
/// at the right place (a literal's range re-parses to the same literal; an IN list is `( ... )`).
func checkParse(_ c: ParseCase, sourceLocation: SourceLocation = #_sourceLocation) {
    let results = Parser.parseAll(c.sql)
    let got = results.map(Render.result).joined(separator: " ; ")
    #expect(got == c.expected, "\(c.sql)", sourceLocation: sourceLocation)
    let bytes = Array(c.sql.utf8)
    for r in results {
        guard case .success(let st) = r else { continue }
        RangeCheck(bytes: bytes).statement(st, sourceLocation: sourceLocation)
    }
}

struct RangeCheck {
    var bytes: [UInt8]
    /// Off (for random input): only check that ranges lie inside the text.
    var strict = true

    func text(_ r: Range<Int>) -> String? {
        guard r.lowerBound >= 0, r.upperBound <= bytes.count, !r.isEmpty else { return nil }
        return String(decoding: bytes[r], as: UTF8.self)
    }

    func statement(_ st: Statement, sourceLocation: SourceLocation) {
        switch st {
        case .select(let s): select(s, sourceLocation)
        case .insert(let s):
            #expect(s.rows.count == s.rowRanges.count, sourceLocation: sourceLocation)
            for r in s.rowRanges {
                let t = text(r)
                #expect(t != nil && (!strict || t!.hasPrefix("(") && t!.hasSuffix(")")), "row range \(r): \(t ?? "out of bounds")", sourceLocation: sourceLocation)
            }
            for row in s.rows { for e in row { expr(e, sourceLocation) } }
            for a in (s.setAssignments ?? []) + s.onDuplicateKeyUpdate { expr(a.value, sourceLocation) }
            if let sel = s.select { select(sel, sourceLocation) }
        case .update(let s):
            from(s.from, sourceLocation)
            for a in s.assignments { expr(a.value, sourceLocation) }
            if let w = s.whereClause { expr(w, sourceLocation) }
            if let l = s.limit { limit(l, sourceLocation) }
        case .delete(let s):
            from(s.from, sourceLocation)
            if let w = s.whereClause { expr(w, sourceLocation) }
            if let l = s.limit { limit(l, sourceLocation) }
        case .ddl(let d): if let s = d.select { select(s, sourceLocation) }
        case .explain(let inner?): statement(inner, sourceLocation: sourceLocation)
        default: break
        }
    }

    func limit(_ l: LimitClause, _ loc: SourceLocation) {
        let t = text(l.range)
        #expect(t.map { !strict || $0.uppercased().hasPrefix("LIMIT") } == true, "limit range \(l.range): \(t ?? "out of bounds")", sourceLocation: loc)
    }

    func from(_ f: [FromEntry], _ loc: SourceLocation) {
        for e in f {
            if let d = e.ref.derived { select(d, loc) }
            if let on = e.on { expr(on, loc) }
        }
    }

    func select(_ s: SelectStatement, _ loc: SourceLocation) {
        for i in s.items { if let e = i.expr { expr(e, loc) } }
        from(s.from, loc)
        if let w = s.whereClause { expr(w, loc) }
        if let h = s.having { expr(h, loc) }
        for o in s.groupBy + s.orderBy { expr(o.expr, loc) }
        if let l = s.limit { limit(l, loc) }
        for o in s.setOperations { select(o, loc) }
        for c in s.ctes { select(c.body, loc) }
    }

    func expr(_ e: Expr, _ loc: SourceLocation) {
        switch e {
        case .literal(let lit, let r):
            // The literal's text, parsed alone, is the same literal.
            let t = text(r)
            if !strict { #expect(t != nil, "literal range \(r) out of bounds", sourceLocation: loc); return }
            var again: Literal?
            if let t, case .success(.select(let s)) = Parser.parse("SELECT " + t), s.items.count == 1,
               case .literal(let l, _)? = s.items[0].expr {
                again = l
            }
            #expect(again == lit, "literal range \(r): \(t ?? "out of bounds") for \(lit)", sourceLocation: loc)
        case .inList(let l, let items, let ranges, let list, _):
            let t = text(list)
            #expect(t != nil && (!strict || t!.hasPrefix("(") && t!.hasSuffix(")")), "IN list range \(list): \(t ?? "out of bounds")", sourceLocation: loc)
            #expect(items.count == ranges.count, sourceLocation: loc)
            for r in ranges { #expect(list.contains(r.lowerBound) && r.upperBound <= list.upperBound, sourceLocation: loc) }
            expr(l, loc)
            for i in items { expr(i, loc) }
        case .and(let c), .or(let c), .other(let c): for x in c { expr(x, loc) }
        case .not(let x): expr(x, loc)
        case .comparison(_, let a, let b): expr(a, loc); expr(b, loc)
        case .function(_, let args, _, _, _): for x in args { expr(x, loc) }
        case .subquery(let s): select(s, loc)
        case .column, .placeholder: break
        }
    }
}

/// A WHERE condition, checked inside `SELECT * FROM t WHERE ...`; "ERROR" when it must not parse.
struct WhereCase: Sendable, CustomTestStringConvertible {
    var condition: String
    var expected: String
    init(_ condition: String, _ expected: String) { self.condition = condition; self.expected = expected }
    var testDescription: String { condition.debugDescription }
    var parseCase: ParseCase {
        ParseCase("SELECT * FROM t WHERE " + condition, expected == "ERROR" ? expected : "SELECT [*] from=[t] where=" + expected)
    }
}

/// WHERE trees: precedence, literals, IN lists, subqueries, and text that only looks like SQL.
/// Routing narrows on these, so a wrong tree here is a wrong shard.
@Suite("Parser: WHERE")
struct ParserWhereTests {
    static let literals: [WhereCase] = [
        WhereCase("id = 42", "eq(id,42)"),
        WhereCase("42 = id", "eq(42,id)"),
        WhereCase("id = '42'", "eq(id,'42')"),
        WhereCase("id = -5", "eq(id,-5)"),
        WhereCase("id = - 5", "eq(id,-5)"),
        WhereCase("id = +5", "eq(id,5)"),
        WhereCase("id = 0", "eq(id,0)"),
        WhereCase("id = 007", "eq(id,007)"),
        WhereCase("id = 1.5", "eq(id,1.5)"),
        WhereCase("id = -1.5", "eq(id,-1.5)"),
        WhereCase("id = .5", "eq(id,.5)"),
        WhereCase("id = 1e3", "eq(id,1e3)"),
        WhereCase("id = 0x2A", "eq(id,0x2A)"),
        WhereCase("id = X'2A'", "eq(id,X'2A')"),
        WhereCase("id = b'101'", "eq(id,b'101')"),
        WhereCase("id = 0b101", "eq(id,0b101)"),
        WhereCase("id = -0x2A", "eq(id,other(0x2A))"),
        WhereCase("id = 18446744073709551616", "eq(id,18446744073709551616)"),
        WhereCase("id = -9223372036854775809", "eq(id,-9223372036854775809)"),
        WhereCase("name = _utf8mb4'x'", "eq(name,'x')"),
        WhereCase("name = _utf8mb4 'x'", "eq(name,'x')"),
        WhereCase("name = _binary'x'", "eq(name,'x')"),
        WhereCase("name = _latin1 X'41'", "eq(name,other())"),
        WhereCase("name = N'x'", "eq(name,'x')"),
        WhereCase("name = \"x\"", "eq(name,'x')"),
        WhereCase("name = 'a' 'b'", "eq(name,'ab')"),
        WhereCase("name = ''", "eq(name,'')"),
        WhereCase("name = 'a;b'", "eq(name,'a;b')"),
        WhereCase("name = 'it\\'s'", "eq(name,'it\\'s')"),
        WhereCase("name = \"say \"\"hi\"\"\"", "eq(name,'say \"hi\"')"),
        WhereCase("name = 'é✓'", "eq(name,'é✓')"),
        WhereCase("id = NULL", "eq(id,NULL)"),
        WhereCase("id <=> NULL", "nseq(id,NULL)"),
        WhereCase("flag = TRUE", "eq(flag,TRUE)"),
        WhereCase("flag = false", "eq(flag,FALSE)"),
        WhereCase("id = ?", "eq(id,?0)"),
        WhereCase("id = @v", "eq(id,other())"),
        WhereCase("d = DATE '2020-01-01'", "eq(d,other())"),
        WhereCase("d = TIMESTAMP '2020-01-01 00:00:00'", "eq(d,other())"),
        WhereCase("d = {d '2020-01-01'}", "eq(d,other())"),
        WhereCase("TRUE", "TRUE"),
        WhereCase("1", "1"),
        WhereCase("id", "id"),
    ]

    static let comparisons: [WhereCase] = [
        WhereCase("id <> 1", "ne(id,1)"),
        WhereCase("id != 1", "neq(id,1)"),
        WhereCase("id < 1", "lt(id,1)"),
        WhereCase("id <= 1", "le(id,1)"),
        WhereCase("id > 1", "gt(id,1)"),
        WhereCase("id >= 1", "ge(id,1)"),
        WhereCase("t.id = 1", "eq(t.id,1)"),
        WhereCase("shop.t.id = 1", "eq(shop.t.id,1)"),
        WhereCase("`id` = 1", "eq(id,1)"),
        WhereCase("`odd col` = 1", "eq(`odd col`,1)"),
        WhereCase("`t`.`id` = 1", "eq(t.id,1)"),
        WhereCase("value = 1", "eq(value,1)"),
        WhereCase("(id) = 1", "eq(id,1)"),
        WhereCase("id = (1)", "eq(id,1)"),
        WhereCase("((id = 1))", "eq(id,1)"),
        WhereCase("(id, k) = (1, 2)", "eq(other(id,k),other(1,2))"),
        WhereCase("id = 1 + 1", "eq(id,other(1,1))"),
        WhereCase("id = 1-1", "eq(id,other(1,1))"),
        WhereCase("id = --1", "eq(id,other(-1))"),
        WhereCase("id = -id2", "eq(id,other(id2))"),
        WhereCase("id = ~1", "eq(id,other(1))"),
        WhereCase("id = 5 DIV 2", "eq(id,other(5,2))"),
        WhereCase("id = 5 MOD 2", "eq(id,other(5,2))"),
        WhereCase("id = 5 % 2", "eq(id,other(5,2))"),
        WhereCase("id = 1 << 2", "eq(id,other(1,2))"),
        WhereCase("id = 1 | 2 & 3 ^ 4", "eq(id,other(other(other(1,2),3),4))"),
        WhereCase("id + 0 = 5", "eq(other(id,0),5)"),
        WhereCase("id = 1 = 1", "eq(eq(id,1),1)"),
        WhereCase("id = 5 IS TRUE", "other(eq(id,5))"),
        WhereCase("id IS NULL", "other(id)"),
        WhereCase("id IS NOT NULL", "other(id)"),
        WhereCase("id IS NOT FALSE", "other(id)"),
        WhereCase("id IS UNKNOWN", "other(id)"),
        WhereCase("id = ABS(-5)", "eq(id,ABS(-5))"),
        WhereCase("LOWER(name) = 'x'", "eq(LOWER(name),'x')"),
        WhereCase("id = CAST('5' AS UNSIGNED)", "eq(id,CAST())"),
        WhereCase("id = CONVERT('5', SIGNED)", "eq(id,CONVERT())"),
        WhereCase("id = '1' COLLATE utf8mb4_bin", "eq(id,other('1'))"),
        WhereCase("name COLLATE utf8mb4_bin = 'x'", "eq(other(name),'x')"),
        WhereCase("id = BINARY 'x'", "eq(id,other('x'))"),
        WhereCase("id = CASE WHEN a = 1 THEN 2 ELSE 3 END", "eq(id,other(eq(a,1),2,3))"),
        WhereCase("CASE WHEN a = 1 THEN b ELSE c END = 5", "eq(other(eq(a,1),b,c),5)"),
        WhereCase("d > NOW() - INTERVAL 1 DAY AND id = 5", "and(gt(d,other(NOW(),other(1))),eq(id,5))"),
        WhereCase("d > DATE_SUB(NOW(), INTERVAL 1 DAY)", "gt(d,DATE_SUB())"),
        WhereCase("INTERVAL 1 DAY + d < NOW()", "lt(other(other(1),d),NOW())"),
        WhereCase("j->'$.id' = 5", "eq(other(j,'$.id'),5)"),
        WhereCase("name LIKE 'a%'", "other(name,'a%')"),
        WhereCase("name NOT LIKE 'a%' ESCAPE '!'", "other(name,'a%')"),
        WhereCase("name REGEXP '^a'", "other(name,'^a')"),
        WhereCase("name NOT RLIKE '^a'", "other(name,'^a')"),
        WhereCase("name SOUNDS LIKE 'x'", "other(name,'x')"),
        WhereCase("1 MEMBER OF (j)", "other(1,j)"),
        WhereCase("MATCH (a) AGAINST ('x') AND id = 1", "and(other(),eq(id,1))"),
        WhereCase("@v := 1", "other(other(),1)"),
    ]

    static let precedence: [WhereCase] = [
        WhereCase("a = 1 OR b = 2 AND c = 3", "or(eq(a,1),and(eq(b,2),eq(c,3)))"),
        WhereCase("a = 1 AND b = 2 OR c = 3", "or(and(eq(a,1),eq(b,2)),eq(c,3))"),
        WhereCase("(a = 1 OR b = 2) AND c = 3", "and(or(eq(a,1),eq(b,2)),eq(c,3))"),
        WhereCase("a = 1 AND (b = 2 OR c = 3)", "and(eq(a,1),or(eq(b,2),eq(c,3)))"),
        WhereCase("a = 1 AND b = 2 AND c = 3", "and(eq(a,1),eq(b,2),eq(c,3))"),
        WhereCase("a = 1 OR b = 2 OR c = 3", "or(eq(a,1),eq(b,2),eq(c,3))"),
        WhereCase("a = 1 && b = 2 || c = 3", "or(and(eq(a,1),eq(b,2)),eq(c,3))"),
        WhereCase("a = 1 AND b = 2 || c = 3 AND d = 4", "or(and(eq(a,1),eq(b,2)),and(eq(c,3),eq(d,4)))"),
        WhereCase("id = 'x' || 'y'", "or(eq(id,'x'),'y')"),
        WhereCase("a = 1 XOR b = 2", "other(eq(a,1),eq(b,2))"),
        WhereCase("a = 1 XOR b = 2 OR c = 3", "or(other(eq(a,1),eq(b,2)),eq(c,3))"),
        WhereCase("a = 1 AND b = 2 XOR c = 3", "other(and(eq(a,1),eq(b,2)),eq(c,3))"),
        WhereCase("id = 2 XOR 3", "other(eq(id,2),3)"),
        WhereCase("NOT a = 1", "not(eq(a,1))"),
        WhereCase("NOT a = 1 AND b = 2", "and(not(eq(a,1)),eq(b,2))"),
        WhereCase("NOT id = 1 OR x = 2", "or(not(eq(id,1)),eq(x,2))"),
        WhereCase("NOT (a = 1 OR b = 2)", "not(or(eq(a,1),eq(b,2)))"),
        WhereCase("NOT NOT a = 1", "not(not(eq(a,1)))"),
        WhereCase("NOT a IN (1, 2)", "not(in(a,[1,2]))"),
        WhereCase("NOT a BETWEEN 1 AND 2", "not(other(a,1,2))"),
        WhereCase("! a = 1", "eq(other(a),1)"),
        WhereCase("!(a = 1)", "other(eq(a,1))"),
        WhereCase("id = 1 OR 1 = 1", "or(eq(id,1),eq(1,1))"),
        WhereCase("id = '1' OR 1=1", "or(eq(id,'1'),eq(1,1))"),
        WhereCase("id = 1 OR 1", "or(eq(id,1),1)"),
        WhereCase("id = 1 OR TRUE", "or(eq(id,1),TRUE)"),
        WhereCase("name = 'x' AND 1", "and(eq(name,'x'),1)"),
        WhereCase("id = 1 AND 'x' = name", "and(eq(id,1),eq('x',name))"),
        WhereCase("id = 5 AND id = 6", "and(eq(id,5),eq(id,6))"),
        WhereCase("id = 1 OR (x = 2 AND y = 3)", "or(eq(id,1),and(eq(x,2),eq(y,3)))"),
        WhereCase("id = 1 OR id = 2 AND NOT x = 3 OR y IN (4)", "or(eq(id,1),and(eq(id,2),not(eq(x,3))),in(y,[4]))"),
        WhereCase("id BETWEEN 1 AND 5", "other(id,1,5)"),
        WhereCase("id BETWEEN 1 AND 5 AND x = 2", "and(other(id,1,5),eq(x,2))"),
        WhereCase("x = 2 AND id BETWEEN 1 AND 5", "and(eq(x,2),other(id,1,5))"),
        WhereCase("id NOT BETWEEN 1 AND 5", "other(id,1,5)"),
        WhereCase("id BETWEEN 1 AND 5 OR id = 9", "or(other(id,1,5),eq(id,9))"),
        WhereCase("id BETWEEN (1) AND (5)", "other(id,1,5)"),
        WhereCase("id BETWEEN 1 + 1 AND 5 - 1 AND k = 3", "and(other(id,other(1,1),other(5,1)),eq(k,3))"),
        WhereCase("id BETWEEN 1 OR 5", "ERROR"),
    ]

    static let lists: [WhereCase] = [
        WhereCase("id IN (1, 2, 3)", "in(id,[1,2,3])"),
        WhereCase("id IN (1)", "in(id,[1])"),
        WhereCase("id IN (1, '2', -3, 0x4, NULL, 1.5, _utf8mb4'x')", "in(id,[1,'2',-3,0x4,NULL,1.5,'x'])"),
        WhereCase("id IN (1, a)", "in(id,[1,a])"),
        WhereCase("id IN (1 + 1, 2)", "in(id,[other(1,1),2])"),
        WhereCase("id IN (-1, +2)", "in(id,[-1,2])"),
        WhereCase("id IN (?, ?)", "in(id,[?0,?1])"),
        WhereCase("id NOT IN (1, 2)", "notin(id,[1,2])"),
        WhereCase("id IN (1, 2) AND id IN (3)", "and(in(id,[1,2]),in(id,[3]))"),
        WhereCase("id IN ('a', 'b') OR x = 1", "or(in(id,['a','b']),eq(x,1))"),
        WhereCase("(a, b) IN ((1, 2), (3, 4))", "in(other(a,b),[other(1,2),other(3,4)])"),
        WhereCase("id IN ((1), (2))", "in(id,[1,2])"),
        WhereCase("id IN ()", "ERROR"),
        WhereCase("id IN (1, 2", "ERROR"),
        WhereCase("id IN (1,)", "ERROR"),
        WhereCase("id IN 1", "ERROR"),
    ]

    static let subqueries: [WhereCase] = [
        WhereCase("id IN (SELECT x FROM u)", "other(id,sub(SELECT [x] from=[u]))"),
        WhereCase("id IN ((SELECT x FROM u))", "other(id,sub(SELECT [x] from=[u]))"),
        WhereCase("id NOT IN (SELECT x FROM u)", "other(id,sub(SELECT [x] from=[u]))"),
        WhereCase("id IN (SELECT x FROM u UNION SELECT y FROM v)", "other(id,sub(SELECT [x] from=[u] set=[SELECT [y] from=[v]]))"),
        WhereCase("id = ANY (SELECT x FROM u)", "other(id,sub(SELECT [x] from=[u]))"),
        WhereCase("id > ALL (SELECT x FROM u)", "other(id,sub(SELECT [x] from=[u]))"),
        WhereCase("id = SOME (SELECT x FROM u)", "other(id,sub(SELECT [x] from=[u]))"),
        WhereCase("id = (SELECT MAX(x) FROM u)", "eq(id,sub(SELECT [MAX(x)] from=[u]))"),
        WhereCase("EXISTS (SELECT 1 FROM u WHERE u.id = t.id)", "other(sub(SELECT [1] from=[u] where=eq(u.id,t.id)))"),
        WhereCase("NOT EXISTS (SELECT 1 FROM u)", "not(other(sub(SELECT [1] from=[u])))"),
        WhereCase("id = 1 AND EXISTS (SELECT 1 FROM u)", "and(eq(id,1),other(sub(SELECT [1] from=[u])))"),
        WhereCase("id = 1 AND (SELECT COUNT(*) FROM u) > 0", "and(eq(id,1),gt(sub(SELECT [COUNT(*)] from=[u]),0))"),
        WhereCase("id IN (SELECT x FROM (SELECT x FROM u) d)", "other(id,sub(SELECT [x] from=[(SELECT [x] from=[u]) d]))"),
        WhereCase("id = (SELECT 1", "ERROR"),
        WhereCase("id IN (SELECT)", "ERROR"),
        WhereCase("id = ANY (1, 2)", "ERROR"),
        // A subquery inside something the parser skips must parse, or its tables would be hidden.
        WhereCase("CAST((SELECT x FROM s) AS CHAR) = 'a'", "eq(CAST(sub(SELECT [x] from=[s])),'a')"),
        WhereCase("CAST((SELECT x FROM s WHERE) AS CHAR) = 'a'", "ERROR"),
        WhereCase("GROUP_CONCAT(a, (SELECT x FROM s WHERE)) = 'a'", "ERROR"),
        WhereCase("f(a b, (SELECT x FROM s)) = 1", "eq(F(sub(SELECT [x] from=[s])),1)"),
        WhereCase("f(a b, (SELECT x FROM s WHERE)) = 1", "ERROR"),
        WhereCase("CAST(1 + SELECT 1 AS CHAR) = 1", "ERROR"),
    ]

    /// Placeholders are numbered by position, even inside text the parser skips.
    static let placeholders: [WhereCase] = [
        WhereCase("id = ? AND x IN (?, ?)", "and(eq(id,?0),in(x,[?1,?2]))"),
        WhereCase("DATE_ADD(d, INTERVAL ? DAY) > NOW() AND id = ?", "and(gt(DATE_ADD(),NOW()),eq(id,?1))"),
        WhereCase("CAST(? AS CHAR) = x AND id = ?", "and(eq(CAST(),x),eq(id,?1))"),
        WhereCase("ROW(?, ?) = ROW(a, b) AND id = ?", "and(eq(other(),other()),eq(id,?2))"),
        WhereCase("MATCH (a) AGAINST (?) AND id = ?", "and(other(),eq(id,?1))"),
        WhereCase("TRIM(?) = a AND id = ?", "and(eq(TRIM(),a),eq(id,?1))"),
        WhereCase("f(a b, ?) = 1 AND id = ?", "and(eq(F(),1),eq(id,?1))"),
        WhereCase("id = ? OR id IN (SELECT x FROM u WHERE y = ?) OR id = ?", "or(eq(id,?0),other(id,sub(SELECT [x] from=[u] where=eq(y,?1))),eq(id,?2))"),
        WhereCase("a IN (SELECT b FROM u LIMIT ?) AND id = ?", "and(other(a,sub(SELECT [b] from=[u] limit=_)),eq(id,?1))"),
        WhereCase("((SELECT ?) + ?) = id AND k = ?", "and(eq(other(sub(SELECT [?0]),?1),id),eq(k,?2))"),
    ]

    /// Text that looks like SQL inside strings and comments; executable comments are SQL.
    static let adversarial: [WhereCase] = [
        WhereCase("name = 'x'' OR id=1'", "eq(name,'x\\' OR id=1')"),
        WhereCase("name = 'x\\' OR id=1'", "eq(name,'x\\' OR id=1')"),
        WhereCase("name = 'x\\\\' OR id = 1", "or(eq(name,'x\\\\'),eq(id,1))"),
        WhereCase("name = \"x\\\" OR id=1\"", "eq(name,'x\" OR id=1')"),
        WhereCase("name = '' OR id = 1", "or(eq(name,''),eq(id,1))"),
        WhereCase("name = '/*' AND id = 1 AND x = '*/'", "and(eq(name,'/*'),eq(id,1),eq(x,'*/'))"),
        WhereCase("name = '-- ' OR id = 1", "or(eq(name,'-- '),eq(id,1))"),
        WhereCase("name = '#' OR id = 1", "or(eq(name,'#'),eq(id,1))"),
        WhereCase("`a' OR 1=1 --` = 1", "eq(`a' OR 1=1 --`,1)"),
        WhereCase("id = 1 /* OR id = 2 */", "eq(id,1)"),
        WhereCase("id = 1 /* AND x = 2 */ OR id = 2", "or(eq(id,1),eq(id,2))"),
        WhereCase("id = 1 -- OR x = 2\n OR id = 2", "or(eq(id,1),eq(id,2))"),
        WhereCase("id = 1 # OR x = 2\n OR id = 2", "or(eq(id,1),eq(id,2))"),
        WhereCase("id = 1 -- '", "eq(id,1)"),
        WhereCase("id = 1 OR 1 = 1 -- '", "or(eq(id,1),eq(1,1))"),
        WhereCase("id = 1--1", "eq(id,other(1,-1))"),
        WhereCase("id =/**/1", "eq(id,1)"),
        WhereCase("id/**/=/**/1/**/OR/**/id=2", "or(eq(id,1),eq(id,2))"),
        WhereCase("id = 1 /*!50000 OR id = 2 */", "or(eq(id,1),eq(id,2))"),
        WhereCase("id = 1 /*!OR id = 2*/", "or(eq(id,1),eq(id,2))"),
        WhereCase("id = 1 /*M!100100 OR id = 2 */", "or(eq(id,1),eq(id,2))"),
        WhereCase("/*!id = 1*/", "eq(id,1)"),
        WhereCase("id = 1 /*+ OR id = 2 */", "eq(id,1)"),
        WhereCase("id = 1 /* unterminated OR id = 2", "eq(id,1)"),
        WhereCase("name = 'unterminated OR id = 2", "eq(name,'unterminated OR id = 2')"),
    ]

    static let errors: [WhereCase] = [
        WhereCase("id = 1 OR", "ERROR"),
        WhereCase("id = 1 AND", "ERROR"),
        WhereCase("id =", "ERROR"),
        WhereCase("", "ERROR"),
        WhereCase("id 1", "ERROR"),
        WhereCase("id = 1 id2 = 2", "ERROR"),
        WhereCase("(id = 1", "ERROR"),
        WhereCase("id = 1)", "ERROR"),
        WhereCase("id NOT 1", "ERROR"),
        WhereCase("id IS 5", "ERROR"),
        WhereCase("key = 1", "ERROR"),
        WhereCase("id = = 1", "ERROR"),
        WhereCase("id = 1 NOT", "ERROR"),
        WhereCase("id = INTERVAL 1", "ERROR"),
        WhereCase("CASE WHEN a THEN b", "ERROR"),
        WhereCase("id = {d '2020-01-01'", "ERROR"),
        WhereCase("a.b.c.d = 1", "ERROR"),
        WhereCase("id = 1 COLLATE", "ERROR"),
    ]

    @Test(arguments: literals) func literal(_ c: WhereCase) { checkParse(c.parseCase) }
    @Test(arguments: comparisons) func comparison(_ c: WhereCase) { checkParse(c.parseCase) }
    @Test(arguments: precedence) func precedenceOf(_ c: WhereCase) { checkParse(c.parseCase) }
    @Test(arguments: lists) func inList(_ c: WhereCase) { checkParse(c.parseCase) }
    @Test(arguments: subqueries) func subquery(_ c: WhereCase) { checkParse(c.parseCase) }
    @Test(arguments: placeholders) func placeholder(_ c: WhereCase) { checkParse(c.parseCase) }
    @Test(arguments: adversarial) func looksLikeSQL(_ c: WhereCase) { checkParse(c.parseCase) }
    @Test(arguments: errors) func error(_ c: WhereCase) { checkParse(c.parseCase) }

    @Test func inListRangesCutTheText() throws {
        let sql = "SELECT * FROM t WHERE id IN ( 1 , 'a''b' , -3 ,?) AND k = _utf8mb4'x'"
        let bytes = Array(sql.utf8)
        func cut(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        guard case .success(.select(let s)) = Parser.parse(sql), case .and(let parts)? = s.whereClause,
              case .inList(_, let items, let ranges, let list, let negated) = parts[0],
              case .comparison(_, _, .literal(let k, let kr)) = parts[1] else {
            Issue.record("unexpected tree"); return
        }
        #expect(!negated)
        #expect(cut(list) == "( 1 , 'a''b' , -3 ,?)")
        #expect(ranges.map(cut) == ["1", "'a''b'", "-3", "?"])
        #expect(items.count == 4)
        #expect(k == .string("x"))
        #expect(cut(kr) == "_utf8mb4'x'")
    }

    @Test func literalRangesCoverSignsAndIntroducers() throws {
        let sql = "SELECT * FROM t WHERE a = - 5 AND b = +7 AND c = 'p' 'q' AND d = _utf8mb4 'z'"
        let bytes = Array(sql.utf8)
        guard case .success(.select(let s)) = Parser.parse(sql), case .and(let parts)? = s.whereClause else {
            Issue.record("unexpected tree"); return
        }
        let cuts: [String] = parts.compactMap {
            guard case .comparison(_, _, .literal(_, let r)) = $0 else { return nil }
            return String(decoding: bytes[r], as: UTF8.self)
        }
        #expect(cuts == ["- 5", "+7", "'p' 'q'", "_utf8mb4 'z'"])
    }
}

/// Rows that need a lexer change (Lexer.swift belongs to another piece of work): recorded as known
/// issues, so they neither fail now nor go unnoticed once fixed.
@Suite("Parser: waiting on the lexer")
struct ParserLexerDependentTests {
    static let rows: [ParseCase] = [
        // lexer: `/*!NNNNN ... */` is lexed as SQL whatever NNNNN is. MySQL skips the content when it
        // is older than NNNNN (MariaDB compares its own 6-digit version, so runs `/*!99999`): the
        // WHERE may not exist, and routing on it would be narrower than the truth. Safe: an error.
        ParseCase("DELETE FROM t /*!99999 WHERE id = 1 */", "ERROR"),
        ParseCase("UPDATE t SET a = 1 /*!90000 WHERE id = 1 */", "ERROR"),
        ParseCase("SELECT * FROM t WHERE a = 1 /*M!999999 AND id = 1 */", "ERROR"),
    ]

    @Test(arguments: rows) func versionedExecutableComment(_ c: ParseCase) {
        withKnownIssue("lexer: the version of an executable comment is not checked", isIntermittent: true) {
            checkParse(c)
        }
    }
}
