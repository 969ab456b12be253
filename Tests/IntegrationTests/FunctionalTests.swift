#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MySQLControl
import MySQLWire
import NIOCore
import SleetConfig
import Synchronization
import Testing
import TestSupport

/// Functional tests with a real client (libmysqlclient, through `MySQLControl`) against Sleet
/// started in-process in front of the local fleet. Every blocking libmysqlclient call runs on a
/// dedicated thread (``Functional/blocking(_:)``), never on Swift's cooperative pool.
///
/// Each test uses its own scratch tables in database `app` (`it_func_<what>_<random>`), dropped
/// at the end through a direct connection to shard s0's primary.
@Suite(.enabled(if: Fleet.shouldRun), .serialized)
struct FunctionalTests {
    static let version = "10.11.19-Sleet-0.1"

    // MARK: Authentication

    @Test func authAcceptedAndDeniedThroughLibmysqlclient() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                // Accepted: every account of the config.
                for (user, password) in [(SleetInstance.appUser, SleetInstance.appPassword),
                                         (SleetInstance.opsUser, SleetInstance.opsPassword),
                                         (SleetInstance.otherUser, SleetInstance.otherPassword)] {
                    let c = try sleet.connect(user: user, password: password)
                    #expect(try c.query("SELECT 1 + 1 AS two")[0].rows == [["2"]], "\(user)")
                    c.close()
                }

                let wrong = Functional.mysqlError { _ = try sleet.connect(password: "not-the-password") }
                #expect(wrong == MySQLClientError(errno: 1045, sqlState: "28000",
                                                  message: "Access denied for user 'app'@'127.0.0.1' (using password: YES)"))

                let unknown = Functional.mysqlError { _ = try sleet.connect(user: "it_func_nobody", password: "app-pw") }
                #expect(unknown == MySQLClientError(errno: 1045, sqlState: "28000",
                                                    message: "Access denied for user 'it_func_nobody'@'127.0.0.1' (using password: YES)"))

                let empty = Functional.mysqlError { _ = try sleet.connect(password: "") }
                #expect(empty == MySQLClientError(errno: 1045, sqlState: "28000",
                                                  message: "Access denied for user 'app'@'127.0.0.1' (using password: NO)"))

                // Another account's password is not accepted for `app`.
                let crossed = Functional.mysqlError { _ = try sleet.connect(password: SleetInstance.otherPassword) }
                #expect(crossed?.errno == 1045)

                // A database named at login must exist.
                let noDB = Functional.mysqlError { _ = try sleet.connect(database: "it_func_no_such_db") }
                #expect(noDB == MySQLClientError(errno: 1049, sqlState: "42000", message: "Unknown database 'it_func_no_such_db'"))

                // Failed logins leave Sleet serving others.
                let c = try sleet.connect(database: "app")
                #expect(try c.query("SELECT DATABASE()")[0].rows == [["app"]])
            }
        }
    }

    // MARK: Version and connection id

    @Test func versionAndConnectionIDAreSleets() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let c = try sleet.connect()
                #expect(c.serverVersion == Self.version)
                #expect(try c.query("SELECT @@version")[0].rows == [[Self.version]])
                #expect(try c.query("SELECT VERSION() AS v")[0].columns == ["v"])
                #expect(try c.query("SELECT VERSION() AS v")[0].rows == [[Self.version]])

                // CONNECTION_ID() is the proxy connection id of the handshake (mysql_thread_id), the id KILL takes.
                #expect(c.threadId > 0)
                #expect(try c.query("SELECT CONNECTION_ID()")[0].rows == [[String(c.threadId)]])
                // Still after the session has a backend connection (whose own id differs).
                _ = try c.query("SELECT 1")
                #expect(try c.query("SELECT CONNECTION_ID()")[0].rows == [[String(c.threadId)]])

                let other = try sleet.connect()
                #expect(other.threadId != c.threadId)
                #expect(try other.query("SELECT CONNECTION_ID()")[0].rows == [[String(other.threadId)]])
            }
        }
    }

    // MARK: CRUD

    @Test func crudWithAffectedRowsAndInsertIDsLandsOnS0Primary() async throws {
        try Fleet.require()
        let t = Functional.table("crud")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let c = try sleet.connect(database: "app")
                try c.execute("CREATE TABLE \(t) (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL, qty INT NOT NULL) ENGINE=InnoDB")

                var r = try c.execute("INSERT INTO \(t) (name, qty) VALUES ('apple', 3)")
                #expect(r.affectedRows == 1)
                #expect(r.insertId == 1)
                r = try c.execute("INSERT INTO \(t) (name, qty) VALUES ('pear', 5), ('plum', 7), ('fig', 9)")
                #expect(r.affectedRows == 3)
                #expect(r.insertId == 2, "the first id generated by a multi-row insert")
                #expect(try c.info() == "Records: 3  Duplicates: 0  Warnings: 0")
                #expect(try c.query("SELECT LAST_INSERT_ID()")[0].rows == [["2"]])
                r = try c.execute("INSERT INTO \(t) (id, name, qty) VALUES (100, 'kiwi', 1)")
                #expect(r.affectedRows == 1)
                #expect(r.insertId == 100)
                r = try c.execute("INSERT INTO \(t) (name, qty) VALUES ('lime', 2)")
                #expect(r.insertId == 101)

                r = try c.execute("UPDATE \(t) SET qty = qty + 10 WHERE name IN ('pear', 'plum')")
                #expect(r.affectedRows == 2)
                #expect(try c.info() == "Rows matched: 2  Changed: 2  Warnings: 0")
                r = try c.execute("UPDATE \(t) SET qty = 1 WHERE name = 'kiwi'")
                #expect(r.affectedRows == 0, "unchanged row: libmysqlclient does not ask for CLIENT_FOUND_ROWS")
                #expect(try c.info() == "Rows matched: 1  Changed: 0  Warnings: 0")
                r = try c.execute("INSERT INTO \(t) (id, name, qty) VALUES (1, 'apple', 4) ON DUPLICATE KEY UPDATE qty = VALUES(qty)")
                #expect(r.affectedRows == 2)
                r = try c.execute("DELETE FROM \(t) WHERE name = 'fig'")
                #expect(r.affectedRows == 1)
                r = try c.execute("DELETE FROM \(t) WHERE name = 'no such fruit'")
                #expect(r.affectedRows == 0)

                let expected: [[String?]] = [["1", "apple", "4"], ["2", "pear", "15"], ["3", "plum", "17"],
                                             ["100", "kiwi", "1"], ["101", "lime", "2"]]
                let select = "SELECT id, name, qty FROM \(t) ORDER BY id"
                let through = try c.query(select)
                #expect(through.count == 1)
                #expect(through[0].columns == ["id", "name", "qty"])
                #expect(through[0].rows == expected)
                #expect(through[0].affectedRows == 5)

                // The rows really are on shard s0's primary...
                let direct = try Fleet.direct(database: "app")
                #expect(try direct.query(select)[0].rows == expected)
                // ...and the table exists only there (not on s1).
                let s1 = try Fleet.direct(port: Fleet.s1Primary)
                #expect(try s1.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'app' AND table_name = '\(t)'")[0].rows == [["0"]])

                // A row written directly is read through Sleet.
                try direct.execute("INSERT INTO \(t) (name, qty) VALUES ('direct', 42)")
                #expect(try c.query("SELECT id, name FROM \(t) WHERE qty = 42")[0].rows == [["102", "direct"]])
            }
        }
    }

    // MARK: Errors

    @Test func backendErrorsPassThroughUnchangedAndTheSessionSurvives() async throws {
        try Fleet.require()
        let t = Functional.table("errors")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let c = try sleet.connect(database: "app")
                let direct = try Fleet.direct(database: "app")
                try c.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, u VARCHAR(10) UNIQUE)")
                try c.execute("INSERT INTO \(t) VALUES (1, 'one')")

                // Duplicate key: errno, SQLSTATE and MariaDB's own message, the same as a direct connection gets.
                let dup = Functional.mysqlError { try c.execute("INSERT INTO \(t) VALUES (1, 'uno')") }
                #expect(dup == MySQLClientError(errno: 1062, sqlState: "23000", message: "Duplicate entry '1' for key 'PRIMARY'"))
                #expect(dup == Functional.mysqlError { try direct.execute("INSERT INTO \(t) VALUES (1, 'uno')") })
                let dupUnique = Functional.mysqlError { try c.execute("INSERT INTO \(t) VALUES (2, 'one')") }
                #expect(dupUnique == MySQLClientError(errno: 1062, sqlState: "23000", message: "Duplicate entry 'one' for key 'u'"))
                #expect(try c.query("SELECT id, u FROM \(t)")[0].rows == [["1", "one"]])

                // Syntax error.
                let syntax = Functional.mysqlError { _ = try c.query("SELEC 1") }
                #expect(syntax == MySQLClientError(errno: 1064, sqlState: "42000", message:
                    "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'SELEC 1' at line 1"))
                #expect(syntax == Functional.mysqlError { _ = try direct.query("SELEC 1") })
                #expect(try c.query("SELECT 2")[0].rows == [["2"]])

                // Unknown table and column.
                let noTable = Functional.mysqlError { _ = try c.query("SELECT * FROM it_func_no_such_table") }
                #expect(noTable == MySQLClientError(errno: 1146, sqlState: "42S02", message: "Table 'app.it_func_no_such_table' doesn't exist"))
                let noColumn = Functional.mysqlError { _ = try c.query("SELECT nope FROM \(t)") }
                #expect(noColumn?.errno == 1054 && noColumn?.sqlState == "42S22", "\(String(describing: noColumn))")
                #expect(noColumn == Functional.mysqlError { _ = try direct.query("SELECT nope FROM \(t)") })

                // An error in the middle of a multi-statement: the statements before it ran, the session stays in sync.
                let mid = Functional.mysqlError { _ = try c.query("INSERT INTO \(t) VALUES (3, 'three'); INSERT INTO \(t) VALUES (1, 'dup'); INSERT INTO \(t) VALUES (4, 'four')") }
                #expect(mid?.errno == 1062)
                #expect(try c.query("SELECT id FROM \(t) ORDER BY id")[0].rows == [["1"], ["3"]])

                // Warnings pass through (count in the EOF/OK packet, text with SHOW WARNINGS).
                let warned = try c.query("SELECT CAST('12abc' AS SIGNED) AS n")
                #expect(warned[0].rows == [["12"]])
                #expect(warned[0].warnings == 1)
                let shown = try c.query("SHOW WARNINGS")[0]
                #expect(shown.rows == [["Warning", "1292", "Truncated incorrect INTEGER value: '12abc'"]])

                #expect(c.ping())
                #expect(try c.query("SELECT CONNECTION_ID()")[0].rows == [[String(c.threadId)]])
            }
        }
    }

    // MARK: Transactions

    @Test func transactionsRollBackAndCommit() async throws {
        try Fleet.require()
        let t = Functional.table("txn")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let c = try sleet.connect(database: "app")
                let direct = try Fleet.direct(database: "app")
                try c.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB")
                let count = "SELECT COUNT(*) FROM \(t)"

                try c.execute("BEGIN")
                #expect(try c.serverStatus() & Functional.statusInTransaction != 0)
                #expect(try c.query("SELECT @@in_transaction")[0].rows == [["1"]])
                try c.execute("INSERT INTO \(t) VALUES (1, 'rolled')")
                #expect(try c.query(count)[0].rows == [["1"]], "the transaction sees its own row")
                #expect(try direct.query(count)[0].rows == [["0"]], "others do not before COMMIT")
                try c.execute("ROLLBACK")
                #expect(try c.serverStatus() & Functional.statusInTransaction == 0)
                #expect(try c.query(count)[0].rows == [["0"]])
                #expect(try direct.query(count)[0].rows == [["0"]])

                try c.execute("BEGIN")
                try c.execute("INSERT INTO \(t) VALUES (2, 'kept')")
                #expect(try direct.query(count)[0].rows == [["0"]])
                try c.execute("COMMIT")
                #expect(try c.serverStatus() & Functional.statusInTransaction == 0)
                #expect(try c.query("SELECT id, v FROM \(t)")[0].rows == [["2", "kept"]])
                #expect(try direct.query("SELECT id, v FROM \(t)")[0].rows == [["2", "kept"]])

                // START TRANSACTION, several statements, rollback of all of them.
                try c.execute("START TRANSACTION")
                try c.execute("INSERT INTO \(t) VALUES (3, 'a')")
                try c.execute("UPDATE \(t) SET v = 'changed' WHERE id = 2")
                try c.execute("DELETE FROM \(t) WHERE id = 2")
                try c.execute("ROLLBACK")
                #expect(try c.query("SELECT id, v FROM \(t)")[0].rows == [["2", "kept"]])

                // A transaction in one multi-statement.
                _ = try c.query("BEGIN; INSERT INTO \(t) VALUES (4, 'multi'); COMMIT")
                #expect(try direct.query("SELECT v FROM \(t) WHERE id = 4")[0].rows == [["multi"]])
            }
        }
    }

    @Test func autocommitOffSession() async throws {
        try Fleet.require()
        let t = Functional.table("autocommit")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let c = try sleet.connect(database: "app")
                let direct = try Fleet.direct(database: "app")
                try c.execute("CREATE TABLE \(t) (id INT PRIMARY KEY) ENGINE=InnoDB")
                let ids = "SELECT id FROM \(t) ORDER BY id"

                try c.execute("SET autocommit = 0")
                #expect(try c.query("SELECT @@autocommit")[0].rows == [["0"]])
                #expect(try c.serverStatus() & Functional.statusAutocommit == 0)
                try c.execute("INSERT INTO \(t) VALUES (1)")
                #expect(try c.serverStatus() & Functional.statusInTransaction != 0, "a statement opens a transaction")
                #expect(try direct.query(ids)[0].rows == [])
                try c.execute("ROLLBACK")
                #expect(try c.query(ids)[0].rows == [])

                try c.execute("INSERT INTO \(t) VALUES (2)")
                try c.execute("INSERT INTO \(t) VALUES (3)")
                #expect(try direct.query(ids)[0].rows == [])
                try c.execute("COMMIT")
                #expect(try direct.query(ids)[0].rows == [["2"], ["3"]])

                try c.execute("INSERT INTO \(t) VALUES (4)")
                #expect(try direct.query(ids)[0].rows == [["2"], ["3"]])
                try c.execute("SET autocommit = 1")  // commits the open transaction
                #expect(try c.serverStatus() & Functional.statusAutocommit != 0)
                #expect(try direct.query(ids)[0].rows == [["2"], ["3"], ["4"]])
                try c.execute("INSERT INTO \(t) VALUES (5)")
                #expect(try direct.query(ids)[0].rows == [["2"], ["3"], ["4"], ["5"]])
            }
        }
    }

    // MARK: USE, SET, COM_INIT_DB

    @Test func useDatabaseIsCarried() async throws {
        try Fleet.require()
        let t = Functional.table("use")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let direct = try Fleet.direct(database: "app")
                try direct.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, v VARCHAR(10))")
                try direct.execute("INSERT INTO \(t) VALUES (7, 'seven')")

                let c = try sleet.connect()
                #expect(try c.query("SELECT DATABASE()")[0].rows == [[nil]])
                let none = Functional.mysqlError { _ = try c.query("SELECT v FROM \(t)") }
                #expect(none == MySQLClientError(errno: 1046, sqlState: "3D000", message: "No database selected"))

                try c.execute("USE app")
                #expect(try c.query("SELECT DATABASE()")[0].rows == [["app"]])
                #expect(try c.query("SELECT v FROM \(t)")[0].rows == [["seven"]])
                try c.execute("INSERT INTO \(t) VALUES (8, 'eight')")
                #expect(try direct.query("SELECT v FROM \(t) WHERE id = 8")[0].rows == [["eight"]])

                try c.execute("USE `mysql`")
                #expect(try c.query("SELECT DATABASE()")[0].rows == [["mysql"]])
                #expect(Functional.mysqlError { _ = try c.query("SELECT v FROM \(t)") }?.errno == 1146)
                try c.execute("use app;")
                #expect(try c.query("SELECT COUNT(*) FROM \(t)")[0].rows == [["2"]])

                let unknown = Functional.mysqlError { try c.execute("USE it_func_no_such_db") }
                #expect(unknown == MySQLClientError(errno: 1049, sqlState: "42000", message: "Unknown database 'it_func_no_such_db'"))
                #expect(try c.query("SELECT DATABASE()")[0].rows == [["app"]], "a failed USE changes nothing")
            }
        }
    }

    @Test func userVariablesAndSessionSettingsAreCarried() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let c = try sleet.connect()
                try c.execute("SET @x := 42")
                #expect(try c.query("SELECT @x")[0].rows == [["42"]])
                let both = try c.query("SET @y = 'abc'; SELECT @y, @x")
                #expect(both.count == 2)
                #expect(both[1].rows == [["abc", "42"]])

                // sql_mode: ANSI_QUOTES makes "x" an identifier.
                let quoted = "SELECT \"x\" FROM (SELECT 1 AS x) AS d"
                #expect(try c.query(quoted)[0].rows == [["x"]], "a string without ANSI_QUOTES")
                try c.execute("SET SESSION sql_mode = 'ANSI_QUOTES'")
                #expect(try c.query("SELECT @@SESSION.sql_mode")[0].rows == [["ANSI_QUOTES"]])
                #expect(try c.query(quoted)[0].rows == [["1"]], "an identifier with ANSI_QUOTES")
                let mode = Functional.mysqlError { _ = try c.query("SELECT \"nope\"") }
                #expect(mode?.errno == 1054 && mode?.sqlState == "42S22", "\(String(describing: mode))")
                #expect(mode?.message.hasPrefix("Unknown column 'nope' in ") == true, "\(String(describing: mode))")

                try c.execute("SET time_zone = '+05:00'")
                #expect(try c.query("SELECT @@session.time_zone")[0].rows == [["+05:00"]])

                // Another session is not affected.
                let d = try sleet.connect()
                #expect(try d.query("SELECT @x")[0].rows == [[nil]])
                #expect(try d.query(quoted)[0].rows == [["x"]])
                #expect(try d.query("SELECT @@session.time_zone = @@global.time_zone")[0].rows == [["1"]])
                // ...and the first still has everything.
                #expect(try c.query("SELECT @x, @y, @@SESSION.sql_mode, @@session.time_zone")[0].rows == [["42", "abc", "ANSI_QUOTES", "+05:00"]])
            }
        }
    }

    @Test func comInitDBSelectsTheDatabase() async throws {
        try Fleet.require()
        let t = Functional.table("initdb")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let direct = try Fleet.direct(database: "app")
                try direct.execute("CREATE TABLE \(t) (id INT PRIMARY KEY)")
                try direct.execute("INSERT INTO \(t) VALUES (11)")

                let c = try sleet.connect()
                try c.selectDB("app")
                #expect(try c.query("SELECT DATABASE()")[0].rows == [["app"]])
                #expect(try c.query("SELECT id FROM \(t)")[0].rows == [["11"]])

                let unknown = Functional.mysqlError { try c.selectDB("it_func_no_such_db") }
                #expect(unknown == MySQLClientError(errno: 1049, sqlState: "42000", message: "Unknown database 'it_func_no_such_db'"))
                #expect(try c.query("SELECT DATABASE()")[0].rows == [["app"]])

                try c.selectDB("mysql")
                #expect(try c.query("SELECT DATABASE()")[0].rows == [["mysql"]])
                try c.selectDB("app")
                #expect(try c.query("SELECT COUNT(*) FROM \(t)")[0].rows == [["1"]])

                // Before the session has any backend connection.
                let fresh = try sleet.connect()
                try fresh.selectDB("app")
                #expect(try fresh.query("SELECT id FROM \(t)")[0].rows == [["11"]])
            }
        }
    }

    // MARK: Character sets and exact values

    @Test func setNamesUtf8mb4RoundTripsEmojiAndCJK() async throws {
        try Fleet.require()
        let t = Functional.table("utf8mb4")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                // Log in with latin1 so that it is SET NAMES that switches the session to utf8mb4.
                let c = try MySQLConnection(host: "127.0.0.1", port: sleet.port, user: SleetInstance.appUser,
                                            password: SleetInstance.appPassword, database: "app", charset: "latin1")
                #expect(try c.query("SELECT @@character_set_client, @@character_set_results")[0].rows == [["latin1", "latin1"]])
                try c.execute("SET NAMES utf8mb4")
                #expect(try c.query("SELECT @@character_set_client, @@character_set_connection, @@character_set_results")[0].rows
                        == [["utf8mb4", "utf8mb4", "utf8mb4"]])

                try c.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, s VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL) ENGINE=InnoDB")
                let texts = ["🙂", "emoji 🙂😀👩‍👩‍👧 flag 🇫🇷", "漢字かなカナ한국어中文", "é ü ß ø ñ", "𝄞 music 𐍈", "mixed: a🙂b漢c"]
                for (i, s) in texts.enumerated() {
                    let r = try c.execute("INSERT INTO \(t) VALUES (\(i), '\(s)')")
                    #expect(r.affectedRows == 1)
                }
                let read = try c.query("SELECT s, HEX(s), CHAR_LENGTH(s), LENGTH(s) FROM \(t) ORDER BY id")[0]
                #expect(read.rawRows.count == texts.count)
                for (i, s) in texts.enumerated() where i < read.rawRows.count {
                    let row = read.rawRows[i]
                    #expect(row[0] == Array(s.utf8), "\(s): bytes")
                    #expect(read.rows[i][1] == Functional.hex(Array(s.utf8)), "\(s): stored bytes")
                    #expect(read.rows[i][2] == String(s.unicodeScalars.count), "\(s): characters")
                    #expect(read.rows[i][3] == String(s.utf8.count), "\(s): length")
                }
                // The same bytes on the backend, read directly.
                let direct = try Fleet.direct(database: "app")
                #expect(try direct.query("SELECT s FROM \(t) ORDER BY id")[0].rawRows == texts.map { [Array($0.utf8)] })
                // A literal without a table.
                #expect(try c.query("SELECT '🙂 漢字' AS t")[0].rawRows == [[Array("🙂 漢字".utf8)]])
                #expect(try c.query("SELECT s FROM \(t) WHERE s = '🙂'")[0].rows == [["🙂"]])
            }
        }
    }

    @Test func nullEmptyStringAndAllByteValuesStayExact() async throws {
        try Fleet.require()
        let t = Functional.table("exact")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let c = try sleet.connect(database: "app")
                try c.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, s VARCHAR(10) NULL, vb VARBINARY(512) NULL, bl BLOB NULL)")
                try c.execute("INSERT INTO \(t) VALUES (1, NULL, NULL, NULL), (2, '', X'', ''), (3, 'a', X'00', X'FF')")
                let r = try c.query("SELECT s, vb, bl FROM \(t) ORDER BY id")[0]
                #expect(r.rawRows == [[nil, nil, nil], [[], [], []], [[0x61], [0x00], [0xFF]]])
                #expect(r.rows[0] == [nil, nil, nil])
                #expect(r.rows[1] == ["", "", ""])
                #expect(try c.query("SELECT id FROM \(t) WHERE s IS NULL")[0].rows == [["1"]])
                #expect(try c.query("SELECT id FROM \(t) WHERE s = ''")[0].rows == [["2"]])
                #expect(try c.query("SELECT NULL, '', 'NULL'")[0].rawRows == [[nil, [], Array("NULL".utf8)]])

                // All 256 byte values, in both orders.
                let all = (0...255).map { UInt8($0) }
                let reversed = Array(all.reversed())
                try c.execute("INSERT INTO \(t) (id, vb, bl) VALUES (4, X'\(Functional.hex(all))', X'\(Functional.hex(reversed))')")
                let bin = try c.query("SELECT vb, bl, LENGTH(vb), HEX(bl) FROM \(t) WHERE id = 4")[0]
                #expect(bin.rawRows.first?[0] == all)
                #expect(bin.rawRows.first?[1] == reversed)
                #expect(bin.rows.first?[2] == "256")
                #expect(bin.rows.first?[3] == Functional.hex(reversed))
                #expect(try c.query("SELECT X'\(Functional.hex(all))' AS b")[0].rawRows == [[all]])
                let direct = try Fleet.direct(database: "app")
                #expect(try direct.query("SELECT vb, bl FROM \(t) WHERE id = 4")[0].rawRows == [[all, reversed]])
            }
        }
    }

    @Test func twentyMegabyteBlobRoundTrip() async throws {
        try Fleet.require()
        let t = Functional.table("blob")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let size = 20 << 20
                var state: UInt64 = 0x9E37_79B9_7F4A_7C15
                let blob: [UInt8] = (0..<size).map { _ in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    return UInt8(truncatingIfNeeded: state >> 33)
                }
                let c = try sleet.connect(database: "app", readTimeoutSeconds: 120)
                try c.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, b LONGBLOB NOT NULL) ENGINE=InnoDB")
                // A 40 MiB statement: several 16 MiB frames from the client.
                let r = try c.execute("INSERT INTO \(t) VALUES (1, X'\(Functional.hex(blob))')")
                #expect(r.affectedRows == 1)
                #expect(try c.query("SELECT LENGTH(b) FROM \(t) WHERE id = 1")[0].rows == [[String(size)]])
                // A 20 MiB row: several 16 MiB frames to the client. (Read with forEachRow: `query` also
                // decodes every value as UTF-8, which takes minutes for 20 MiB of binary in a debug build.)
                var back: [[UInt8]?] = []
                let rows = try c.forEachRow("SELECT b, LENGTH(b) FROM \(t) WHERE id = 1") { back = $0 }
                #expect(rows == 1)
                #expect(back.count == 2)
                #expect(back.first??.count == size)
                #expect(back.last == .some(Array(String(size).utf8)))
                let sameBack = back.first == .some(blob)
                #expect(sameBack, "the blob comes back byte for byte")
                let direct = try Fleet.direct(database: "app")
                var stored: [UInt8]?
                try direct.forEachRow("SELECT b FROM \(t) WHERE id = 1") { stored = $0[0] }
                let same = stored == blob
                #expect(same, "the blob is stored byte for byte")
                // A blob written directly comes back through Sleet too, with more results after it.
                try direct.execute("INSERT INTO \(t) SELECT 2, REVERSE(b) FROM \(t) WHERE id = 1")
                var reversed: [UInt8]?
                try c.forEachRow("SELECT b FROM \(t) WHERE id = 2; SELECT 'after' AS a; DO 1") { reversed = $0[0] }
                let reversedBack = reversed == Array(blob.reversed())
                #expect(reversedBack, "a 20 MiB row followed by more results")
                #expect(try c.query("SELECT 'in sync' AS a")[0].rows == [["in sync"]])
                #expect(c.ping())
            }
        }
    }

    // MARK: Multi-statements, stored procedures

    @Test func multiStatementsReturnEveryResultInOrder() async throws {
        try Fleet.require()
        let t = Functional.table("multi")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let c = try sleet.connect(database: "app")
                try c.execute("CREATE TABLE \(t) (id INT AUTO_INCREMENT PRIMARY KEY, v INT)")
                let r = try c.query("SELECT 1 AS a; SELECT 2 AS b, 'two' AS c; INSERT INTO \(t) (v) VALUES (10), (20); SELECT 3 AS d")
                try #require(r.count == 4)
                #expect(r[0].isResultSet && r[0].columns == ["a"] && r[0].rows == [["1"]])
                #expect(r[1].isResultSet && r[1].columns == ["b", "c"] && r[1].rows == [["2", "two"]])
                #expect(!r[2].isResultSet)
                #expect(r[2].affectedRows == 2)
                #expect(r[2].insertId == 1)
                #expect(r[3].isResultSet && r[3].columns == ["d"] && r[3].rows == [["3"]])

                // Empty result sets, OKs, and rows in one go.
                let mixed = try c.query("SELECT v FROM \(t) WHERE v > 100; UPDATE \(t) SET v = v + 1; SELECT v FROM \(t) ORDER BY id; DO 1")
                try #require(mixed.count == 4)
                #expect(mixed[0].isResultSet && mixed[0].rows == [])
                #expect(!mixed[1].isResultSet && mixed[1].affectedRows == 2)
                #expect(mixed[2].rows == [["11"], ["21"]])
                #expect(!mixed[3].isResultSet)
                #expect(try c.query("SELECT COUNT(*) FROM \(t)")[0].rows == [["2"]], "in sync after the multi-statement")

                // COM_SET_OPTION switches multi-statements off and on again.
                try c.setMultiStatements(false)
                let off = Functional.mysqlError { _ = try c.query("SELECT 1; SELECT 2") }
                #expect(off?.errno == 1064, "\(String(describing: off))")
                #expect(try c.query("SELECT 5")[0].rows == [["5"]])
                try c.setMultiStatements(true)
                #expect(try c.query("SELECT 6; SELECT 7").map(\.rows) == [[["6"]], [["7"]]])
            }
        }
    }

    @Test func storedProcedureWithTwoResultSets() async throws {
        try Fleet.require()
        let t = Functional.table("proc")
        let p = Functional.table("proc_p")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer {
                    if let d = try? Fleet.direct(database: "app") { _ = try? d.execute("DROP PROCEDURE IF EXISTS \(p)") }
                    Functional.drop(tables: [t])
                }
                let c = try sleet.connect(database: "app")
                try c.execute("CREATE TABLE \(t) (id INT AUTO_INCREMENT PRIMARY KEY, v INT)")
                try c.execute("""
                    CREATE PROCEDURE \(p)(IN n INT, OUT total INT)
                    BEGIN
                      SELECT n AS first;
                      SELECT n * 2 AS second, 'two' AS label UNION ALL SELECT n * 3, 'three';
                      INSERT INTO \(t) (v) VALUES (n), (n + 1);
                      SET total = n * 10;
                    END
                    """)
                let r = try c.query("CALL \(p)(5, @total)")
                try #require(r.count == 3, "two result sets and the final status")
                #expect(r[0].columns == ["first"])
                #expect(r[0].rows == [["5"]])
                #expect(r[1].columns == ["second", "label"])
                #expect(r[1].rows == [["10", "two"], ["15", "three"]])
                #expect(!r[2].isResultSet)
                #expect(try c.query("SELECT @total")[0].rows == [["50"]])
                #expect(try c.query("SELECT v FROM \(t) ORDER BY id")[0].rows == [["5"], ["6"]])

                // The final status is the backend's own: compare with a direct CALL.
                let direct = try Fleet.direct(database: "app")
                let d = try direct.query("CALL \(p)(5, @total)")
                #expect(d.map(\.columns) == r.map(\.columns))
                #expect(d.map(\.rows) == r.map(\.rows))
                #expect(d.map(\.isResultSet) == r.map(\.isResultSet))
                #expect(d[2].affectedRows == r[2].affectedRows)
                #expect(d[2].warnings == r[2].warnings)

                // CALL followed by more statements in one multi-statement, and a CALL without result sets.
                let m = try c.query("CALL \(p)(1, @t1); SELECT @t1 AS t1")
                #expect(m.count == 4)
                #expect(m.last?.rows == [["10"]])
                try c.execute("CREATE PROCEDURE \(p)_quiet() BEGIN UPDATE \(t) SET v = v + 100 WHERE v < 3; END")
                defer { _ = try? c.execute("DROP PROCEDURE IF EXISTS \(p)_quiet") }
                let quiet = try c.query("CALL \(p)_quiet()")
                #expect(quiet.count == 1)
                #expect(quiet.first?.isResultSet == false)
                #expect(quiet.first?.affectedRows == 2)
                try c.execute("DROP PROCEDURE \(p)")
                #expect(Functional.mysqlError { _ = try c.query("CALL \(p)(1, @x)") }?.errno == 1305)
                #expect(c.ping())
            }
        }
    }

    // MARK: Utility commands

    @Test func pingAndStatistics() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let c = try sleet.connect()
                #expect(c.ping(), "COM_PING before any statement")
                let stat = try c.stat()
                #expect(stat.contains("Uptime:"), "\(stat)")
                #expect(stat.contains("Threads:") && stat.contains("Questions:"), "\(stat)")
                #expect(try c.query("SELECT 1")[0].rows == [["1"]])
                #expect(c.ping())
                #expect(try c.stat().hasPrefix("Uptime: "))
                #expect(try c.query("SELECT 2")[0].rows == [["2"]], "in sync after COM_STATISTICS")
            }
        }
    }

    @Test func resetConnectionClearsTheSession() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let c = try sleet.connect(database: "app")
                try c.execute("SET @v = 'before'")
                try c.execute("SET SESSION sql_mode = 'ANSI_QUOTES'")
                try c.execute("CREATE TEMPORARY TABLE it_func_tmp_reset (i INT)")
                try c.execute("BEGIN")
                #expect(try c.query("SELECT @v, @@SESSION.sql_mode")[0].rows == [["before", "ANSI_QUOTES"]])

                try c.resetConnection()
                #expect(try c.query("SELECT @v")[0].rows == [[nil]], "user variable gone")
                #expect(try c.query("SELECT @@SESSION.sql_mode = @@GLOBAL.sql_mode")[0].rows == [["1"]])
                #expect(Functional.mysqlError { _ = try c.query("SELECT * FROM it_func_tmp_reset") }?.errno == 1146)
                #expect(try c.serverStatus() & Functional.statusInTransaction == 0)
                #expect(try c.query("SELECT DATABASE()")[0].rows == [["app"]], "the database stays")
                #expect(try c.query("SELECT CONNECTION_ID()")[0].rows == [[String(c.threadId)]], "the connection id stays")

                // A reset before any statement (no backend connection yet).
                let fresh = try sleet.connect()
                try fresh.resetConnection()
                #expect(try fresh.query("SELECT @v, 3")[0].rows == [[nil, "3"]])
            }
        }
    }

    @Test func changeUserStartsANewSession() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                // A wrong password (or an unknown user) for COM_CHANGE_USER is access denied.
                let denied = try sleet.connect()
                let wrong = Functional.mysqlError { try denied.changeUser(user: SleetInstance.otherUser, password: "wrong") }
                #expect(wrong == MySQLClientError(errno: 1045, sqlState: "28000",
                                                  message: "Access denied for user 'other'@'127.0.0.1' (using password: YES)"))
                let unknown = try sleet.connect()
                let nobody = Functional.mysqlError { try unknown.changeUser(user: "it_func_nobody", password: "x") }
                #expect(nobody == MySQLClientError(errno: 1045, sqlState: "28000",
                                                   message: "Access denied for user 'it_func_nobody'@'127.0.0.1' (using password: YES)"))

                let c = try sleet.connect(database: "app")
                try c.execute("SET @who = 'app'")
                try c.execute("SET SESSION sql_mode = 'ANSI_QUOTES'")
                #expect(try c.query("SELECT @who")[0].rows == [["app"]])

                // The right password must be accepted. (The same call straight to MariaDB succeeds:
                // libmysqlclient answers an AuthSwitchRequest during mysql_change_user with a token
                // computed over the greeting's scramble, not over the one in the switch request.)
                let switched = Functional.mysqlError {
                    try c.changeUser(user: SleetInstance.otherUser, password: SleetInstance.otherPassword, database: "app")
                }
                #expect(switched == nil, "mysql_change_user to 'other' with its password: \(String(describing: switched))")
                try #require(switched == nil)
                #expect(try c.query("SELECT @who")[0].rows == [[nil]], "the user variable of the old session is gone")
                #expect(try c.query("SELECT @@SESSION.sql_mode = @@GLOBAL.sql_mode")[0].rows == [["1"]])
                #expect(try c.query("SELECT DATABASE()")[0].rows == [["app"]])
                #expect(try c.query("SELECT CONNECTION_ID()")[0].rows == [[String(c.threadId)]])

                // The session now belongs to `other`: `app` may not kill it, `other` may.
                let app = try sleet.connect()
                let notOwner = Functional.mysqlError { try app.execute("KILL QUERY \(c.threadId)") }
                #expect(notOwner?.errno == 1095)
                let other = try sleet.connect(user: SleetInstance.otherUser, password: SleetInstance.otherPassword)
                try other.execute("KILL QUERY \(c.threadId)")
                #expect(try c.query("SELECT 1")[0].rows == [["1"]])

                // Without a database, then back to app.
                try c.changeUser(user: SleetInstance.appUser, password: SleetInstance.appPassword, database: nil)
                #expect(try c.query("SELECT DATABASE()")[0].rows == [[nil]])
                #expect(try c.query("SELECT @who")[0].rows == [[nil]])
            }
        }
    }

    @Test func fieldListReturnsTheColumns() async throws {
        try Fleet.require()
        let t = Functional.table("fields")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let c = try sleet.connect(database: "app")
                try c.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, name VARCHAR(20) DEFAULT 'n', created DATETIME NULL, note TEXT)")
                #expect(try c.listFields(table: t) == ["id", "name", "created", "note"])
                #expect(try c.listFields(table: t, wildcard: "n%") == ["name", "note"])
                let missing = Functional.mysqlError { _ = try c.listFields(table: "it_func_no_such_table") }
                #expect(missing == MySQLClientError(errno: 1146, sqlState: "42S02", message: "Table 'app.it_func_no_such_table' doesn't exist"))
                #expect(try c.query("SELECT 1")[0].rows == [["1"]], "in sync after COM_FIELD_LIST")
                #expect(try c.listFields(table: t).count == 4)

                let noDB = try sleet.connect()
                let e = Functional.mysqlError { _ = try noDB.listFields(table: t) }
                #expect(e?.errno == 1046)
                try noDB.selectDB("app")
                #expect(try noDB.listFields(table: t) == ["id", "name", "created", "note"])
            }
        }
    }

    // MARK: KILL

    @Test func killQueryInterruptsTheStatementAndKeepsTheSession() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            let a = try await Functional.blocking { try sleet.connect(database: "app") }
            _ = try await Functional.blocking { try a.query("SELECT 1") }  // the session has a backend connection
            let marker = "it_func_kill_\(UInt32.random(in: 0...UInt32.max))"
            async let sleeping: (outcome: Result<[[String?]], MySQLClientError>, seconds: Double) = Functional.blocking {
                let start = ContinuousClock.now
                let outcome: Result<[[String?]], MySQLClientError>
                do throws(MySQLClientError) {
                    outcome = .success(try a.query("SELECT SLEEP(30) AS \(marker)")[0].rows)
                } catch {
                    outcome = .failure(error)
                }
                let d = ContinuousClock.now - start
                return (outcome, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            }
            try await Functional.blocking {
                try Functional.waitForBackendQuery(containing: marker)
                let b = try sleet.connect()
                let r = try b.execute("KILL QUERY \(a.threadId)")
                #expect(r.affectedRows == 0)
                #expect(try b.query("SELECT 1")[0].rows == [["1"]])
            }
            let (outcome, seconds) = try await sleeping
            switch outcome {
            case .success(let rows): #expect(rows == [["1"]], "SLEEP returns 1 when interrupted")
            case .failure(let e):
                #expect(e == MySQLClientError(errno: 1317, sqlState: "70100", message: "Query execution was interrupted"))
            }
            #expect(seconds < 10, "interrupted after \(seconds) s")
            try await Functional.blocking { () throws -> Void in
                #expect(try a.query("SELECT 2")[0].rows == [["2"]], "the session stays usable")
                #expect(try a.query("SELECT CONNECTION_ID()")[0].rows == [[String(a.threadId)]])
            }
        }
    }

    @Test func killPermissionsFollowTheProxyUser() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let victim = try sleet.connect(user: SleetInstance.otherUser, password: SleetInstance.otherPassword)
                _ = try victim.query("SELECT 1")
                let app = try sleet.connect()
                let id = victim.threadId

                let notOwner = Functional.mysqlError { try app.execute("KILL \(id)") }
                #expect(notOwner == MySQLClientError(errno: 1095, sqlState: "HY000", message: "You are not owner of thread \(id)"))
                let notOwnerQuery = Functional.mysqlError { try app.execute("KILL QUERY \(id)") }
                #expect(notOwnerQuery?.errno == 1095)
                let notOwnerConnection = Functional.mysqlError { try app.execute("KILL CONNECTION \(id)") }
                #expect(notOwnerConnection?.errno == 1095)
                let notOwnerCommand = Functional.mysqlError { try app.kill(connectionId: id) }
                #expect(notOwnerCommand?.errno == 1095, "COM_PROCESS_KILL")
                let alive = try victim.query("SELECT 'alive'")[0].rows
                #expect(alive == [["alive"]])

                let unknown = Functional.mysqlError { try app.execute("KILL 999999") }
                #expect(unknown == MySQLClientError(errno: 1094, sqlState: "HY000", message: "Unknown thread id: 999999"))
                let unknownQuery = Functional.mysqlError { try app.execute("KILL QUERY 999999") }
                #expect(unknownQuery?.errno == 1094)
                let three = try app.query("SELECT 3")[0].rows
                #expect(three == [["3"]])

                // The admin user may kill anyone's session.
                let ops = try sleet.connect(user: SleetInstance.opsUser, password: SleetInstance.opsPassword)
                try ops.execute("KILL QUERY \(id)")
                let stillAlive = try victim.query("SELECT 'still alive'")[0].rows
                #expect(stillAlive == [["still alive"]])
                try ops.execute("KILL \(id)")
                let gone = Functional.mysqlError { _ = try victim.query("SELECT 1") }
                #expect(Functional.isLostConnection(gone), "\(String(describing: gone))")
                let again = Functional.mysqlError { try ops.execute("KILL \(id)") }
                #expect(again?.errno == 1094, "the id is gone")
            }
        }
    }

    @Test func killConnectionClosesTheTarget() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let target = try sleet.connect()
                _ = try target.query("SELECT 1")
                let killer = try sleet.connect()
                let r = try killer.execute("KILL CONNECTION \(target.threadId)")
                #expect(r.affectedRows == 0)
                let gone = Functional.mysqlError { _ = try target.query("SELECT 1") }
                #expect(Functional.isLostConnection(gone), "\(String(describing: gone))")
                #expect(try killer.query("SELECT 'killer fine'")[0].rows == [["killer fine"]])

                // Plain KILL of a session that never ran a statement.
                let idle = try sleet.connect()
                try killer.execute("KILL \(idle.threadId)")
                let idleGone = Functional.mysqlError { _ = try idle.query("SELECT 1") }
                #expect(Functional.isLostConnection(idleGone), "\(String(describing: idleGone))")

                // COM_PROCESS_KILL (mysql_kill) does the same.
                let third = try sleet.connect()
                try killer.kill(connectionId: third.threadId)
                let thirdGone = Functional.mysqlError { _ = try third.query("SELECT 1") }
                #expect(Functional.isLostConnection(thirdGone), "\(String(describing: thirdGone))")

                // Killing one's own connection.
                let me = Functional.mysqlError { try killer.execute("KILL \(killer.threadId)") }
                #expect(me.map { [1927, 2006, 2013].contains($0.errno) } == true, "\(String(describing: me))")
                #expect(Functional.mysqlError { _ = try killer.query("SELECT 1") } != nil)
            }
        }
    }

    /// The semantics of COM_CHANGE_USER with a client that answers Sleet's AuthSwitchRequest over
    /// the new scramble (libmysqlclient does not: see changeUserStartsANewSession).
    @Test func changeUserWithAClientThatFollowsTheAuthSwitch() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let raw = try RawClient(port: sleet.port)
                defer { raw.close() }
                #expect(try raw.login(user: SleetInstance.appUser, password: SleetInstance.appPassword).ok != nil)
                #expect(try raw.query("SET @who = 'app'").results.first?.ok != nil)
                #expect(try raw.query("SELECT @who").results.first?.resultSet?.rows == [["app"]])

                let ok = try raw.changeUser(user: SleetInstance.otherUser, password: SleetInstance.otherPassword, database: "app")
                #expect(OKPacket.decode(ok) != nil, "\(ERRPacket.decode(ok, capabilities: .protocol41).map { "\($0.error)" } ?? "not OK")")
                #expect(try raw.query("SELECT @who").results.first?.resultSet?.rows == [[nil]], "the user variable of the old session is gone")
                #expect(try raw.query("SELECT DATABASE()").results.first?.resultSet?.rows == [["app"]])

                let wrong = try raw.changeUser(user: SleetInstance.appUser, password: "wrong", database: nil)
                #expect(ERRPacket.decode(wrong, capabilities: .protocol41)
                        == ERRPacket(code: 1045, sqlState: "28000", message: "Access denied for user 'app'@'127.0.0.1' (using password: YES)"))
            }
        }
    }

    /// CONNECTION_ID() must be the proxy's connection id (the one KILL takes) wherever it appears,
    /// not only in the exact statement `SELECT CONNECTION_ID()`.
    @Test func connectionIDInsideALargerStatementIsTheProxyID() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let c = try sleet.connect(database: "app")
                let id = String(c.threadId)
                #expect(try c.query("SELECT CONNECTION_ID()")[0].rows == [[id]])
                #expect(try c.query("SELECT CONNECTION_ID(), 1")[0].rows == [[id, "1"]])
                #expect(try c.query("SELECT DATABASE(), CONNECTION_ID()")[0].rows == [["app", id]])
                #expect(try c.query("SELECT CONNECTION_ID() + 0 AS id")[0].rows == [[id]])
            }
        }
    }

    // Unknown command bytes (1047/08S01): RobustnessProtocolTests, with the raw client.

    // MARK: Concurrency

    @Test func twoHundredConcurrentClientsEachRunningAHundredStatements() async throws {
        try Fleet.require()
        let t = Functional.table("concurrent")
        let clients = 200, statements = 100
        try await Functional.withSleet({ $0.handshakeTimeoutMs = 30_000 }) { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let direct = try Fleet.direct(database: "app")
                try direct.execute("CREATE TABLE \(t) (id BIGINT AUTO_INCREMENT PRIMARY KEY, client INT NOT NULL, n INT NOT NULL, v VARCHAR(40) NOT NULL, UNIQUE KEY (client, n)) ENGINE=InnoDB")

                let log = ConcurrentLog()
                let group = DispatchGroup()
                let start = ContinuousClock.now
                for client in 0..<clients {
                    group.enter()
                    let thread = Thread {
                        MySQLClientLibrary.threadInit()
                        defer { MySQLClientLibrary.threadEnd(); group.leave() }
                        func fail(_ s: String) { log.failures.withLock { $0.append("client \(client): \(s)") } }
                        do {
                            let c = try sleet.connect(database: "app", readTimeoutSeconds: 120)
                            defer { c.close() }
                            var inserted = 0
                            var ids: [UInt64] = []
                            for n in 0..<statements {
                                switch n % 4 {
                                case 1:
                                    let r = try c.execute("INSERT INTO \(t) (client, n, v) VALUES (\(client), \(n), 'c\(client)-n\(n)')")
                                    if r.affectedRows != 1 || r.insertId == 0 { fail("insert \(n): affected \(r.affectedRows), id \(r.insertId)") }
                                    ids.append(r.insertId)
                                    inserted += 1
                                case 3:
                                    let r = try c.query("SELECT COUNT(*), COALESCE(SUM(n), 0), \(n) FROM \(t) WHERE client = \(client)")
                                    let sum = (0..<n).filter { $0 % 4 == 1 }.reduce(0, +)
                                    if r.count != 1 || r[0].rows != [[String(inserted), String(sum), String(n)]] {
                                        fail("count \(n): \(r.map(\.rows)), expected \(inserted), \(sum)")
                                    }
                                default:
                                    let r = try c.query("SELECT \(n), 'c\(client)-n\(n)', \(client) * 1000 + \(n)")
                                    if r.count != 1 || r[0].rows != [[String(n), "c\(client)-n\(n)", String(client * 1000 + n)]] || r[0].columns.count != 3 {
                                        fail("select \(n): \(r.map(\.rows))")
                                    }
                                }
                                log.checked.add(1, ordering: .relaxed)
                            }
                            log.insertIDs.withLock { $0.append(contentsOf: ids) }
                        } catch {
                            fail("\(error)")
                        }
                    }
                    thread.stackSize = 1 << 20
                    thread.start()
                }
                group.wait()
                let elapsed = ContinuousClock.now - start
                let f = log.failures.withLock { $0 }
                print("FunctionalTests: \(clients) concurrent clients x \(statements) statements through Sleet in \(elapsed) (\(log.checked.load(ordering: .relaxed)) statements checked, \(f.count) failures)")
                #expect(f.isEmpty, "\(f.count) failures, first: \(f.prefix(20).joined(separator: "\n"))")
                #expect(log.checked.load(ordering: .relaxed) == clients * statements)

                // Every insert got its own id, and every row landed on s0's primary.
                let ids = log.insertIDs.withLock { $0 }
                let perClient = statements / 4
                #expect(ids.count == clients * perClient)
                #expect(Set(ids).count == ids.count, "insert ids are never mixed up between sessions")
                let summary = try direct.query("SELECT COUNT(*), COUNT(DISTINCT client), SUM(n), SUM(v = CONCAT('c', client, '-n', n)) FROM \(t)")[0].rows
                let sumPerClient = (0..<statements).filter { $0 % 4 == 1 }.reduce(0, +)
                #expect(summary == [[String(clients * perClient), String(clients), String(clients * sumPerClient), String(clients * perClient)]])
            }
        }
    }
}

// MARK: - Support

/// Helpers of the functional suites (FunctionalTests, CLITests).
enum Functional {
    static let statusInTransaction: UInt32 = 0x0001
    static let statusAutocommit: UInt32 = 0x0002

    /// Runs `body` against a fresh in-process Sleet (with the test config, changed by `configure`)
    /// and stops it afterwards, also when `body` throws.
    static func withSleet<T: Sendable>(_ configure: (inout SleetConfig) -> Void = { _ in },
                                       _ body: (SleetInstance) async throws -> T) async throws -> T {
        try await SleetInstance.with(configure, body)
    }

    /// Runs blocking client work (libmysqlclient, the `mariadb` CLI) on a dedicated thread.
    static func blocking<T: Sendable>(_ body: @Sendable () throws -> T) async throws -> T {
        try await MySQLClientLibrary.runOnDedicatedThread(name: "it-functional", body)
    }

    /// The libmysqlclient error `body` throws, or `nil` (recording an issue for any other error).
    static func mysqlError(_ body: () throws -> Void) -> MySQLClientError? {
        do {
            try body()
            return nil
        } catch let e as MySQLClientError {
            return e
        } catch {
            Issue.record("expected a MySQLClientError, got \(error)")
            return nil
        }
    }

    /// Runs the `mariadb` CLI straight against s0's primary as fleet_admin (to compare with Sleet).
    static func directCLI(_ args: [String], stdin: String? = nil) throws -> CLIResult {
        try CLI.run(["-h", Fleet.host, "-P", "\(Fleet.s0Primary)", "-u", Fleet.adminUser, "-p\(Fleet.adminPassword)"] + args, stdin: stdin)
    }

    /// Whether `error` is libmysqlclient's "lost connection" (2013) or "server has gone away" (2006).
    static func isLostConnection(_ error: MySQLClientError?) -> Bool {
        guard let error else { return false }
        return error.errno == 2006 || error.errno == 2013
    }

    /// A unique scratch table name in database `app`.
    static func table(_ what: String) -> String {
        "it_func_\(what)_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    /// Drops scratch tables on s0's primary (directly, so that it works whatever state Sleet is in).
    static func drop(tables: [String]) {
        guard let d = try? Fleet.direct(database: "app") else { return }
        for t in tables { _ = try? d.execute("DROP TABLE IF EXISTS \(t)") }
        d.close()
    }

    /// Upper-case hex, as MariaDB's HEX() prints it.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Waits (up to 10 s) until a statement containing `marker` runs on s0's primary.
    static func waitForBackendQuery(containing marker: String) throws {
        let d = try Fleet.direct()
        defer { d.close() }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let n = try d.query("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE '%\(marker)%' AND info NOT LIKE '%processlist%'")
            if n.first?.rows == [["1"]] { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw FunctionalError("the statement with \(marker) never reached the backend")
    }
}

/// What the client threads of the concurrency test report.
final class ConcurrentLog: Sendable {
    let failures = Mutex<[String]>([])
    let insertIDs = Mutex<[UInt64]>([])
    let checked = Atomic<Int>(0)
}

struct FunctionalError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
