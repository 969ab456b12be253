import Foundation
import MySQLControl
import Testing
import TestSupport

/// Tests that need no server.
@Suite struct MySQLConnectionOfflineTests {
    @Test func dedicatedThreadRunsOffThePoolAndKeepsTheTestContext() async throws {
        let (name, isMain) = try await MySQLClientLibrary.runOnDedicatedThread(name: "sleet-ctl-probe") {
            (Thread.current.name, Thread.isMainThread)
        }
        #expect(name == "sleet-ctl-probe")
        #expect(!isMain)
        let current = try await MySQLClientLibrary.runOnDedicatedThread { Test.current?.name }
        #expect(current == Test.current?.name)
        #expect(current != nil)
        await #expect(throws: TestError(marker: 7)) {
            try await MySQLClientLibrary.runOnDedicatedThread { () throws -> Int in throw TestError(marker: 7) }
        }
    }

    @Test func connectingToAClosedPortThrowsAClientError() async throws {
        let error = try await onThread { () -> MySQLClientError? in
            do throws(MySQLClientError) {
                _ = try MySQLConnection(host: "127.0.0.1", port: 1, user: "nobody", password: "x", connectTimeoutSeconds: 2)
                return nil
            } catch {
                return error
            }
        }
        let e = try #require(error, "connecting to 127.0.0.1:1 must fail")
        #expect([2002, 2003].contains(e.errno), "\(e)")
        #expect(e.sqlState == "HY000")
        #expect(!e.message.isEmpty)
        #expect(e.description.hasPrefix("ERROR \(e.errno) (HY000): "))
    }

    @Test func anInvalidPortIsRejectedBeforeConnecting() async throws {
        let error = try await onThread { () -> MySQLClientError? in
            do throws(MySQLClientError) {
                _ = try MySQLConnection(host: "127.0.0.1", port: 70000, user: "u", password: "p")
                return nil
            } catch {
                return error
            }
        }
        #expect(error?.errno == 2003)
        #expect(error?.message.contains("70000") == true)
    }
}

@Suite(.enabled(if: Fleet.shouldRun))
struct MySQLConnectionFleetTests {
    @Test func connectAndSelectOne() async throws {
        try Fleet.require()
        try await onThread {
            let connection = try Fleet.connect()
            #expect(connection.serverVersion.contains("MariaDB"), "\(connection.serverVersion)")
            #expect(connection.threadId > 0)
            #expect(connection.endpoint == .tcp(host: Fleet.host, port: Fleet.s0Primary))
            #expect(connection.ping())

            let results = try connection.query("SELECT 1")
            try #require(results.count == 1)
            #expect(results[0].isResultSet)
            #expect(results[0].columns == ["1"])
            #expect(results[0].rows == [["1"]])
            #expect(results[0].rawRows == [[[UInt8(ascii: "1")]]])

            let id = try connection.query("SELECT CONNECTION_ID(), @@port, DATABASE()")[0].rows
            #expect(id == [[String(connection.threadId), String(Fleet.s0Primary), Fleet.database]])

            connection.close()
            #expect(!connection.isOpen)
            #expect(!connection.ping())
            #expect(throws: MySQLClientError.self) { try connection.query("SELECT 1") }
            connection.close()  // idempotent
        }
    }

    @Test func wrongPasswordIsAccessDenied() async throws {
        try Fleet.require()
        let error = try await onThread { () -> MySQLClientError? in
            do throws(MySQLClientError) {
                _ = try MySQLConnection(host: Fleet.host, port: Fleet.s0Primary, user: Fleet.user, password: "wrong")
                return nil
            } catch {
                return error
            }
        }
        #expect(error?.errno == 1045)
        #expect(error?.sqlState == "28000")
        #expect(error?.message.hasPrefix("Access denied for user") == true)
    }

    @Test func multiStatementReturnsOneResultPerStatement() async throws {
        try Fleet.require()
        try await onThread {
            let connection = try Fleet.connect()
            let two = try connection.query("SELECT 1 AS a; SELECT 'x' AS b, 2 AS c")
            try #require(two.count == 2)
            #expect(two[0].columns == ["a"])
            #expect(two[0].rows == [["1"]])
            #expect(two[1].columns == ["b", "c"])
            #expect(two[1].rows == [["x", "2"]])

            let mixed = try connection.query("SET @v := 41; SELECT @v + 1 AS v; DO 1")
            try #require(mixed.count == 3)
            #expect(!mixed[0].isResultSet)
            #expect(mixed[0].columns.isEmpty && mixed[0].rows.isEmpty)
            #expect(mixed[1].isResultSet)
            #expect(mixed[1].rows == [["42"]])
            #expect(!mixed[2].isResultSet)

            // A failing statement in the middle: its error is thrown and the connection stays usable.
            #expect {
                try connection.query("SELECT 1; SELECT * FROM sleet_ctl_no_such_table; SELECT 3")
            } throws: { error in
                (error as? MySQLClientError)?.errno == 1146 && (error as? MySQLClientError)?.sqlState == "42S02"
            }
            #expect(try connection.query("SELECT 4")[0].rows == [["4"]])
        }
    }

    @Test func nullIsDistinctFromEmptyStringAndValuesAreBinarySafe() async throws {
        try Fleet.require()
        try await onThread {
            let connection = try Fleet.connect()
            let result = try connection.query("SELECT NULL AS n, '' AS e, 'a' AS s, X'00FF0A' AS b")[0]
            #expect(result.columns == ["n", "e", "s", "b"])
            #expect(result.rows.count == 1)
            #expect(result.rows[0][0] == nil)
            #expect(result.rows[0][1] == "")
            #expect(result.rows[0][2] == "a")
            #expect(result.rawRows[0][0] == nil)
            #expect(result.rawRows[0][1] == [])
            #expect(result.rawRows[0][3] == [0x00, 0xFF, 0x0A])

            // A NUL byte inside the SQL text reaches the server (mysql_real_query takes a length).
            let nul = try connection.query("SELECT LENGTH('a\u{0}b') AS len, HEX('a\u{0}b') AS h")[0]
            #expect(nul.rows == [["3", "610062"]])
        }
    }

    @Test func utf8mb4EmojiRoundTrip() async throws {
        try Fleet.require()
        try await onThread {
            let connection = try Fleet.connect(admin: true)
            try connection.execute("SET NAMES utf8mb4")
            let emoji = "😀🐬 naïve ✓"
            let direct = try connection.query("SELECT '\(emoji)' AS e, CHAR_LENGTH('\(emoji)') AS c, HEX('😀') AS h")[0]
            #expect(direct.rows == [[emoji, String(emoji.unicodeScalars.count), "F09F9880"]])

            try withScratchDatabase(connection) { db in
                try connection.execute("""
                    CREATE TABLE \(db).t (id INT PRIMARY KEY, v VARCHAR(32) CHARACTER SET utf8mb4 NOT NULL)
                    """)
                try connection.execute("INSERT INTO \(db).t VALUES (1, '\(emoji)')")
                let back = try connection.query("SELECT v, LENGTH(v) FROM \(db).t WHERE id = 1")[0]
                #expect(back.rows == [[emoji, String(emoji.utf8.count)]])
                #expect(back.rawRows[0][0] == Array(emoji.utf8))
            }
        }
    }

    @Test func duplicateKeyCarriesErrnoAndSQLState() async throws {
        try Fleet.require()
        try await onThread {
            let connection = try Fleet.connect(admin: true)
            try withScratchDatabase(connection) { db in
                try connection.execute("CREATE TABLE \(db).t (id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(10) UNIQUE)")
                let first = try connection.execute("INSERT INTO \(db).t (k) VALUES ('a')")
                #expect(first.affectedRows == 1)
                #expect(first.insertId == 1)
                let second = try connection.query("INSERT INTO \(db).t (k) VALUES ('b'), ('c')")
                #expect(second.count == 1)
                #expect(second[0].affectedRows == 2)
                #expect(second[0].insertId == 2)  // first id of a multi-row insert

                var caught: MySQLClientError?
                do throws(MySQLClientError) {
                    try connection.execute("INSERT INTO \(db).t (k) VALUES ('a')")
                } catch {
                    caught = error
                }
                let error = try #require(caught, "a duplicate key must throw")
                #expect(error.errno == 1062)
                #expect(error.sqlState == "23000")
                #expect(error.message.hasPrefix("Duplicate entry 'a'"), "\(error.message)")

                // Warnings are counted.
                let warned = try connection.execute("INSERT IGNORE INTO \(db).t (k) VALUES ('a')")
                #expect(warned.affectedRows == 0)
                #expect(warned.warnings == 1)
            }
        }
    }

    @Test func forEachRowStreams100000Rows() async throws {
        try Fleet.require()
        try await onThread {
            let connection = try Fleet.connect()
            var expected = 1
            var sum = 0
            var mismatches = 0
            let count = try connection.forEachRow("SELECT seq, CONCAT('row-', seq), NULL FROM seq_1_to_100000") { row in
                let seq = Int(String(decoding: row[0] ?? [], as: UTF8.self)) ?? -1
                if seq != expected || row[1] != Array("row-\(seq)".utf8) || row[2] != nil || row.count != 3 {
                    mismatches += 1
                }
                sum += seq
                expected += 1
            }
            #expect(count == 100_000)
            #expect(sum == 5_000_050_000)
            #expect(mismatches == 0)
            // The connection is usable right after.
            #expect(try connection.query("SELECT 2")[0].rows == [["2"]])
        }
    }

    @Test func forEachRowStoppedEarlyLeavesTheConnectionUsable() async throws {
        try Fleet.require()
        try await onThread {
            let connection = try Fleet.connect()
            var seen = 0
            #expect(throws: TestError(marker: 10)) {
                try connection.forEachRow("SELECT seq FROM seq_1_to_50000; SELECT 'second'") { _ in
                    seen += 1
                    if seen == 10 { throw TestError(marker: 10) }
                }
            }
            #expect(seen == 10)
            #expect(try connection.query("SELECT 'after'")[0].rows == [["after"]])

            // A statement without rows streams nothing.
            #expect(try connection.forEachRow("DO 1") { _ in Issue.record("no rows expected") } == 0)
            // A server error is thrown.
            #expect(throws: MySQLClientError.self) {
                try connection.forEachRow("SELECT * FROM sleet_ctl_no_such_table") { _ in }
            }
        }
    }

    @Test func reentrantUseFromARowCallbackIsRefused() async throws {
        try Fleet.require()
        try await onThread {
            let connection = try Fleet.connect()
            var inner: MySQLClientError?
            try connection.forEachRow("SELECT 1") { _ in
                do throws(MySQLClientError) {
                    _ = try connection.query("SELECT 2")
                } catch {
                    inner = error
                }
                #expect(!connection.ping())
            }
            #expect(inner?.errno == 2014)
            #expect(connection.ping())
        }
    }

    @Test(.enabled(if: Fleet.socketPath(server: "s0-primary") != nil, "fleet socket of this checkout"))
    func connectsOverAUnixSocket() async throws {
        try Fleet.require()
        let path = try #require(Fleet.socketPath(server: "s0-primary"))
        try await onThread {
            let connection = try MySQLConnection(socketPath: path, user: Fleet.user, password: Fleet.password)
            #expect(connection.endpoint == .unixSocket(path: path))
            #expect(try connection.query("SELECT @@port")[0].rows == [[String(Fleet.s0Primary)]])
        }
    }
}
