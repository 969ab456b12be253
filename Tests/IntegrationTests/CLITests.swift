import Foundation
import MySQLControl
import Testing
import TestSupport

/// Functional tests with the `mariadb` command-line client (and `mariadb-admin`) against Sleet
/// started in-process in front of the local fleet. The CLI runs as a child process; waiting for it
/// happens on a dedicated thread (``Functional/blocking(_:)``).
@Suite(.enabled(if: Fleet.shouldRun), .serialized)
struct CLITests {
    static let version = "10.11.19-Sleet-0.1"

    @Test func authAcceptedAndDeniedThroughTheCLI() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let ok = try sleet.cli(["-N", "-B", "-e", "SELECT 1 + 1"])
                #expect(ok.status == 0, "\(ok.stderr)")
                #expect(ok.stdout == "2\n")
                #expect(ok.stderr == "")

                let wrong = try sleet.cli(["-e", "SELECT 1"], password: "not-the-password")
                #expect(wrong.status == 1)
                #expect(wrong.stdout == "")
                #expect(wrong.stderr == "ERROR 1045 (28000): Access denied for user 'app'@'127.0.0.1' (using password: YES)\n")

                let unknown = try sleet.cli(["-e", "SELECT 1"], user: "it_func_nobody", password: "app-pw")
                #expect(unknown.status == 1)
                #expect(unknown.stderr == "ERROR 1045 (28000): Access denied for user 'it_func_nobody'@'127.0.0.1' (using password: YES)\n")

                // `--password=` is an empty password (a bare -p would prompt).
                let empty = try CLI.run(["-h", "127.0.0.1", "-P", "\(sleet.port)", "-u", "app", "--password=", "-e", "SELECT 1"])
                #expect(empty.status == 1)
                #expect(empty.stderr == "ERROR 1045 (28000): Access denied for user 'app'@'127.0.0.1' (using password: NO)\n")

                let ops = try sleet.cli(["-N", "-B", "-e", "SELECT 'ops in'"], user: SleetInstance.opsUser, password: SleetInstance.opsPassword)
                #expect(ops.status == 0 && ops.stdout == "ops in\n", "\(ops.stderr)")

                let noDB = try sleet.cli(["-e", "SELECT 1", "it_func_no_such_db"])
                #expect(noDB.status == 1)
                #expect(noDB.stderr == "ERROR 1049 (42000): Unknown database 'it_func_no_such_db'\n")
            }
        }
    }

    @Test func versionConnectionIDAndStatusThroughTheCLI() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let v = try sleet.cli(["-N", "-B", "-e", "select @@version"])
                #expect(v.status == 0, "\(v.stderr)")
                #expect(v.stdout == "\(Self.version)\n")
                #expect(try sleet.cli(["-N", "-B", "-e", "SELECT VERSION()"]).stdout == "\(Self.version)\n")

                // The CLI's `status` shows the handshake's connection id and Sleet's version, and uses
                // COM_STATISTICS for the uptime line; CONNECTION_ID() in the same session agrees.
                let s = try sleet.cli(["-e", "status; SELECT CONNECTION_ID() AS id;"])
                #expect(s.status == 0, "\(s.stderr)")
                let lines = s.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let statusID = lines.first { $0.hasPrefix("Connection id:") }?.split(separator: "\t").last.map(String.init)
                let idIndex = lines.firstIndex(of: "id")
                let selectedID = idIndex.flatMap { $0 + 1 < lines.count ? lines[$0 + 1] : nil }
                #expect(statusID != nil && statusID == selectedID, "\(s.stdout)")
                #expect(lines.contains { $0.hasPrefix("Server version:") && $0.contains(Self.version) }, "\(s.stdout)")
                #expect(lines.contains { $0.hasPrefix("Uptime:") }, "\(s.stdout)")
                #expect(lines.contains { $0.hasPrefix("Threads:") && $0.contains("Questions:") }, "\(s.stdout)")
            }
        }
    }

    @Test func crudAndUseThroughTheCLI() async throws {
        try Fleet.require()
        let t = Functional.table("cli_crud")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let script = """
                    USE app;
                    SELECT DATABASE();
                    CREATE TABLE \(t) (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), qty INT);
                    INSERT INTO \(t) (name, qty) VALUES ('a', 1), ('b', 2), ('c', 3);
                    SELECT ROW_COUNT(), LAST_INSERT_ID();
                    UPDATE \(t) SET qty = qty * 10 WHERE id >= 2;
                    SELECT ROW_COUNT();
                    DELETE FROM \(t) WHERE name = 'a';
                    SELECT id, name, qty FROM \(t) ORDER BY id;
                    SET @x := 42;
                    SELECT @x, NULL, '';
                    """
                let r = try sleet.cli(["-B"], stdin: script)
                #expect(r.status == 0, "\(r.stderr)")
                #expect(r.stderr == "")
                #expect(r.stdout == """
                    DATABASE()
                    app
                    ROW_COUNT()\tLAST_INSERT_ID()
                    3\t1
                    ROW_COUNT()
                    2
                    id\tname\tqty
                    2\tb\t20
                    3\tc\t30
                    @x\tNULL\t
                    42\tNULL\t

                    """)
                let direct = try Fleet.direct(database: "app")
                #expect(try direct.query("SELECT id, name, qty FROM \(t) ORDER BY id")[0].rows == [["2", "b", "20"], ["3", "c", "30"]])
            }
        }
    }

    @Test func errorsThroughTheCLI() async throws {
        try Fleet.require()
        let t = Functional.table("cli_err")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let script = """
                    CREATE TABLE \(t) (id INT PRIMARY KEY);
                    INSERT INTO \(t) VALUES (1);
                    INSERT INTO \(t) VALUES (1);
                    SELEC 1;
                    SELECT COUNT(*) AS n FROM \(t);
                    """
                let dropTable = "DROP TABLE IF EXISTS \(t)"
                // Without --force the CLI stops at the first error: the same output as straight from MariaDB.
                let stop = try sleet.cli(["-B", "app"], stdin: script)
                try Fleet.direct(database: "app").execute(dropTable)
                let stopDirect = try Functional.directCLI(["-B", "app"], stdin: script)
                #expect(stop.status == 1)
                #expect(stop.stdout == "")
                #expect(stop.stderr.hasSuffix("ERROR 1062 (23000) at line 3: Duplicate entry '1' for key 'PRIMARY'\n"), "\(stop.stderr)")
                #expect(stop.status == stopDirect.status && stop.stdout == stopDirect.stdout && stop.stderr == stopDirect.stderr,
                        "through Sleet: \(stop), directly: \(stopDirect)")

                // With --force it reports each error and goes on in the same session.
                try Fleet.direct(database: "app").execute(dropTable)
                let force = try sleet.cli(["-B", "--force", "app"], stdin: script)
                try Fleet.direct(database: "app").execute(dropTable)
                let forceDirect = try Functional.directCLI(["-B", "--force", "app"], stdin: script)
                #expect(force.stderr.contains("ERROR 1062 (23000) at line 3: Duplicate entry '1' for key 'PRIMARY'\n"), "\(force.stderr)")
                #expect(force.stderr.contains("ERROR 1064 (42000) at line 4: You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'SELEC 1' at line 1\n"), "\(force.stderr)")
                #expect(force.status == forceDirect.status && force.stdout == forceDirect.stdout && force.stderr == forceDirect.stderr,
                        "through Sleet: \(force), directly: \(forceDirect)")
                #expect(force.stdout == "n\n1\n")
            }
        }
    }

    @Test func utf8mb4ThroughTheCLI() async throws {
        try Fleet.require()
        let t = Functional.table("cli_utf8")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let text = "emoji 🙂 漢字かな 한국어 é"
                let script = """
                    SET NAMES utf8mb4;
                    CREATE TABLE \(t) (id INT PRIMARY KEY, s VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin);
                    INSERT INTO \(t) VALUES (1, '\(text)');
                    SELECT s, HEX(s), CHAR_LENGTH(s) FROM \(t);
                    SELECT @@character_set_client, @@character_set_results;
                    """
                let r = try sleet.cli(["-N", "-B", "--default-character-set=latin1", "app"], stdin: script)
                #expect(r.status == 0, "\(r.stderr)")
                #expect(r.stdout == "\(text)\t\(Functional.hex(Array(text.utf8)))\t\(text.unicodeScalars.count)\nutf8mb4\tutf8mb4\n")
                let direct = try Fleet.direct(database: "app")
                #expect(try direct.query("SELECT s FROM \(t)")[0].rawRows == [[Array(text.utf8)]])
            }
        }
    }

    @Test func multiStatementsThroughTheCLI() async throws {
        try Fleet.require()
        let t = Functional.table("cli_multi")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                try Fleet.direct(database: "app").execute("CREATE TABLE \(t) (id INT AUTO_INCREMENT PRIMARY KEY, v INT)")
                // The CLI splits on `;` itself: one COM_QUERY per statement.
                let split = try sleet.cli(["-B", "app", "-e", "SELECT 1 AS a; SELECT 2 AS b; INSERT INTO \(t) (v) VALUES (1); SELECT 3 AS c"])
                #expect(split.status == 0, "\(split.stderr)")
                #expect(split.stdout == "a\n1\nb\n2\nc\n3\n")
                // With another delimiter the whole text is one COM_QUERY: a real multi-statement.
                let multi = try sleet.cli(["-B", "app"], stdin: """
                    DELIMITER //
                    SELECT 1 AS a; SELECT 2 AS b, 'two' AS c; INSERT INTO \(t) (v) VALUES (2), (3); SELECT 3 AS d //
                    DELIMITER ;
                    SELECT COUNT(*) AS n FROM \(t);
                    """)
                #expect(multi.status == 0, "\(multi.stderr)")
                #expect(multi.stdout == "a\n1\nb\tc\n2\ttwo\nd\n3\nn\n3\n")
            }
        }
    }

    @Test func storedProcedureThroughTheCLI() async throws {
        try Fleet.require()
        let p = Functional.table("cli_proc")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { _ = try? Fleet.direct(database: "app").execute("DROP PROCEDURE IF EXISTS \(p)") }
                let r = try sleet.cli(["-B", "app"], stdin: """
                    DELIMITER //
                    CREATE PROCEDURE \(p)(IN n INT, OUT total INT)
                    BEGIN
                      SELECT n AS first;
                      SELECT n * 2 AS second, 'two' AS label;
                      SET total = n * 10;
                    END //
                    DELIMITER ;
                    CALL \(p)(4, @total);
                    SELECT @total AS total;
                    DROP PROCEDURE \(p);
                    """)
                #expect(r.status == 0, "\(r.stderr)")
                #expect(r.stdout == "first\n4\nsecond\tlabel\n8\ttwo\ntotal\n40\n")
            }
        }
    }

    @Test func autoRehashUsesFieldListThroughTheCLI() async throws {
        try Fleet.require()
        let t = Functional.table("cli_rehash")
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                defer { Functional.drop(tables: [t]) }
                let direct = try Fleet.direct(database: "app")
                try direct.execute("CREATE TABLE \(t) (id INT PRIMARY KEY, rehash_col VARCHAR(10))")
                func fieldLists() throws -> Int {
                    Int(try direct.query("SHOW GLOBAL STATUS LIKE 'Com_show_fields'")[0].rows.first?[1] ?? "") ?? -1
                }
                let before = try fieldLists()
                // Completion (auto-rehash) is built only in interactive mode: run the CLI on a pseudo-terminal.
                let command = "mariadb -h 127.0.0.1 -P \(sleet.port) -u app -papp-pw --auto-rehash"
                let r = try CLI.run(["30", "script", "-q", "-e", "-c", command, "/dev/null"],
                                    stdin: "use app\nselect 'after-rehash' as x;\nquit\n", executable: "timeout")
                #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
                #expect(r.stdout.contains("Reading table information for completion"), "\(r.stdout)")
                #expect(r.stdout.contains("| after-rehash |"), "\(r.stdout)")
                #expect(r.stdout.contains("Bye"), "\(r.stdout)")
                #expect(try fieldLists() > before, "the CLI sent COM_FIELD_LIST through Sleet")
            }
        }
    }

    @Test func mariadbAdminPingStatusAndKill() async throws {
        try Fleet.require()
        try await Functional.withSleet { sleet in
            try await Functional.blocking {
                let base = ["-h", "127.0.0.1", "-P", "\(sleet.port)", "-u", "app", "-papp-pw"]
                let ping = try CLI.run(base + ["ping"], executable: "mariadb-admin")
                #expect(ping.status == 0, "\(ping.stderr)")
                #expect(ping.stdout == "mysqld is alive\n")

                let status = try CLI.run(base + ["status"], executable: "mariadb-admin")
                #expect(status.status == 0, "\(status.stderr)")
                #expect(status.stdout.hasPrefix("Uptime: "), "\(status.stdout)")

                let version = try CLI.run(base + ["version"], executable: "mariadb-admin")
                #expect(version.stdout.contains("Server version\t\t\(Self.version)"), "\(version.stdout)")

                // `mariadb-admin kill` sends COM_PROCESS_KILL.
                let victim = try sleet.connect()
                _ = try victim.query("SELECT 1")
                let kill = try CLI.run(base + ["kill", "\(victim.threadId)"], executable: "mariadb-admin")
                #expect(kill.status == 0, "\(kill.stderr)")
                let gone = Functional.mysqlError { _ = try victim.query("SELECT 1") }
                #expect(Functional.isLostConnection(gone), "\(String(describing: gone))")

                let unknown = try CLI.run(base + ["kill", "999999"], executable: "mariadb-admin")
                #expect(unknown.status != 0)
                #expect(unknown.stderr.contains("Unknown thread id: 999999"), "\(unknown.stderr)")

                // (`ping` exits 0 even when access is denied: the server is alive. `status` does not.)
                let denied = try CLI.run(["-h", "127.0.0.1", "-P", "\(sleet.port)", "-u", "app", "-pwrong", "status"], executable: "mariadb-admin")
                #expect(denied.status != 0)
                #expect(denied.stderr.contains("Access denied for user 'app'@'127.0.0.1' (using password: YES)"), "\(denied.stderr)")
            }
        }
    }
}
