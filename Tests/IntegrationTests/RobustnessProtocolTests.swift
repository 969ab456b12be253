import Foundation
import MySQLControl
import MySQLWire
import Testing
import TestSupport

/// Protocol-level behaviour seen by a raw client: DEPRECATE_EOF framing, auth switch, unknown commands.
extension RobustnessTests {
    typealias Kind = RawClient.PacketInfo.Kind

    /// Packet kinds of one text result set with `columns` columns and `rows` rows.
    static func resultSetKinds(columns: Int, rows: Int, deprecateEOF: Bool) -> [Kind] {
        [.columnCount] + Array(repeating: .column, count: columns) + (deprecateEOF ? [] : [.eof])
            + Array(repeating: .row, count: rows) + [deprecateEOF ? .terminatorOK : .eof]
    }

    @Test("text result framing with and without CLIENT_DEPRECATE_EOF", arguments: [true, false])
    func textResultFraming(deprecateEOF: Bool) async throws {
        try Fleet.require()
        try Robust.ensureTable()
        try await Robust.withSleet { sleet in
            try await Robust.onThread {
                var caps = RawClient.defaultCapabilities
                if deprecateEOF { caps.insert(.deprecateEOF) }
                let c = try RawClient(port: sleet.port)
                let login = try c.login(user: Robust.app, password: Robust.appPassword, database: "app", capabilities: caps)
                #expect(login.ok != nil, "login: \(String(describing: login.error))")
                #expect(login.greeting.capabilities.contains(.deprecateEOF), "Sleet offers DEPRECATE_EOF")
                #expect(login.greeting.serverVersion.contains("Sleet"), "\(login.greeting.serverVersion)")
                #expect(c.negotiated.contains(.deprecateEOF) == deprecateEOF)
                let seqs = { (r: RawClient.Reply) in r.packets.map(\.sequenceID) }

                // SELECT 1, 'a', NULL
                let r1 = try c.query("SELECT 1, 'a', NULL")
                let k1 = Self.resultSetKinds(columns: 3, rows: 1, deprecateEOF: deprecateEOF)
                #expect(r1.kinds == k1, "packets: \(r1.packets)")
                #expect(seqs(r1) == (1...UInt8(k1.count)).map { $0 })
                #expect(r1.results.count == 1)
                let rs1 = try #require(r1.results.first?.resultSet, "\(r1.results)")
                #expect(rs1.columnNames == ["1", "a", "NULL"])
                #expect(rs1.rows == [["1", "a", nil]])
                #expect(rs1.columns[1].type == ColumnType.varString.rawValue)
                #expect(rs1.columns[2].type == ColumnType.null.rawValue)
                #expect(rs1.eofAfterColumns == !deprecateEOF)
                #expect(rs1.terminatorHeader == 0xFE)
                #expect(!rs1.terminatorStatus.contains(.moreResultsExist))
                #expect(rs1.terminatorStatus.contains(.autocommit))
                if deprecateEOF {
                    let ok = try #require(rs1.terminatorOK)
                    #expect(ok.header == 0xFE)
                    #expect(rs1.terminatorLength >= 7, "an OK packet, not a 5-byte EOF")
                } else {
                    #expect(rs1.terminatorLength == 5)
                    #expect(rs1.terminatorOK == nil)
                }

                // Multi-statement: two result sets chained by SERVER_MORE_RESULTS_EXISTS.
                let r2 = try c.query("SELECT 1; SELECT 2")
                let k2 = Self.resultSetKinds(columns: 1, rows: 1, deprecateEOF: deprecateEOF)
                #expect(r2.kinds == k2 + k2, "packets: \(r2.packets)")
                #expect(seqs(r2) == (1...UInt8(2 * k2.count)).map { $0 })
                #expect(r2.results.count == 2)
                let a = try #require(r2.results.first?.resultSet)
                let b = try #require(r2.results.last?.resultSet)
                #expect(a.rows == [["1"]])
                #expect(b.rows == [["2"]])
                #expect(a.terminatorStatus.contains(.moreResultsExist))
                #expect(!b.terminatorStatus.contains(.moreResultsExist))

                // Empty result set.
                let r3 = try c.query("SELECT id, v FROM \(Robust.table) WHERE 1 = 0")
                let k3 = Self.resultSetKinds(columns: 2, rows: 0, deprecateEOF: deprecateEOF)
                #expect(r3.kinds == k3, "packets: \(r3.packets)")
                #expect(seqs(r3) == (1...UInt8(k3.count)).map { $0 })
                let rs3 = try #require(r3.results.first?.resultSet)
                #expect(rs3.rows.isEmpty)
                #expect(rs3.columnNames == ["id", "v"])
                #expect(rs3.columns.map(\.schema) == ["app", "app"])
                #expect(rs3.columns.map(\.orgTable) == ["robustness_raw", "robustness_raw"])

                // INSERT: one OK packet with header 0x00.
                let marker = "raw-\(deprecateEOF)-\(UInt32.random(in: 0...UInt32.max))"
                let r4 = try c.query("INSERT INTO \(Robust.table) (v) VALUES ('\(marker)')")
                #expect(r4.kinds == [.ok], "packets: \(r4.packets)")
                #expect(seqs(r4) == [1])
                let ok = try #require(r4.results.first?.ok)
                #expect(ok.header == 0x00)
                #expect(ok.affectedRows == 1)
                #expect(ok.lastInsertID > 0)
                let r5 = try c.query("SELECT v FROM \(Robust.table) WHERE id = \(ok.lastInsertID)")
                #expect(r5.results.first?.resultSet?.rows == [[marker]])

                // A multi-statement mixing an OK between result sets.
                let r6 = try c.query("SELECT 'x'; DO 1; SELECT 'y', 'z'")
                let k6 = Self.resultSetKinds(columns: 1, rows: 1, deprecateEOF: deprecateEOF) + [.ok]
                    + Self.resultSetKinds(columns: 2, rows: 1, deprecateEOF: deprecateEOF)
                #expect(r6.kinds == k6, "packets: \(r6.packets)")
                #expect(r6.results.count == 3)
                #expect(r6.results.first?.resultSet?.rows == [["x"]])
                #expect(r6.results.dropFirst().first?.ok?.status.contains(.moreResultsExist) == true)
                #expect(r6.results.last?.resultSet?.rows == [["y", "z"]])

                // Answered by Sleet itself: must follow the same framing.
                let r7 = try c.query("SELECT @@version")
                let k7 = Self.resultSetKinds(columns: 1, rows: 1, deprecateEOF: deprecateEOF)
                #expect(r7.kinds == k7, "packets: \(r7.packets)")
                #expect(seqs(r7) == (1...UInt8(k7.count)).map { $0 })
                let rs7 = try #require(r7.results.first?.resultSet)
                #expect(rs7.columnNames == ["@@version"])
                #expect(rs7.rows == [[login.greeting.serverVersion]])
                #expect(rs7.rows.first?.first??.contains("Sleet") == true)
                if deprecateEOF { #expect(rs7.terminatorLength >= 7) } else { #expect(rs7.terminatorLength == 5) }

                // An error keeps its shape and the session goes on.
                let r8 = try c.query("SELECT * FROM app.robustness_no_such_table")
                #expect(r8.kinds == [.err])
                #expect(r8.results.first?.error?.code == 1146)
                #expect(r8.results.first?.error?.sqlState == "42S02")
                #expect(try c.query("SELECT 'still here'").results.first?.resultSet?.rows == [["still here"]])
            }
        }
    }

    @Test("a client starting with caching_sha2_password is switched to mysql_native_password")
    func authSwitchFromCachingSHA2() async throws {
        try Fleet.require()
        try await Robust.withSleet { sleet in
            try await Robust.onThread {
                let c = try RawClient(port: sleet.port)
                let login = try c.login(user: Robust.app, password: Robust.appPassword, authPlugin: AuthScramble.cachingSHA2)
                let request = try #require(login.authSwitch, "Sleet must send an AuthSwitchRequest")
                #expect(request.pluginName == AuthScramble.nativePassword)
                #expect(request.pluginData.count == 20)
                #expect(request.pluginData == login.greeting.authPluginData, "the switch reuses the greeting's scramble")
                #expect(login.ok != nil, "login after the switch: \(String(describing: login.error))")
                #expect(login.error == nil)
                let r = try c.query("SELECT 'switched', CURRENT_USER() LIKE 'sleet@%'")
                #expect(r.results.first?.resultSet?.rows == [["switched", "1"]])

                // The same with a wrong password: switched, then refused with 1045.
                let bad = try RawClient(port: sleet.port)
                let denied = try bad.login(user: Robust.app, password: "wrong", authPlugin: AuthScramble.cachingSHA2)
                #expect(denied.authSwitch?.pluginName == AuthScramble.nativePassword)
                #expect(denied.ok == nil)
                #expect(denied.error?.code == 1045)
                #expect(denied.error?.sqlState == "28000")
                #expect(denied.error?.message.hasPrefix("Access denied for user 'app'@'") == true, "\(String(describing: denied.error))")
                #expect(bad.waitForClose(timeout: 2).closedAfter != nil, "a refused login is disconnected")

                // A client naming a plugin Sleet does not know is switched too.
                let odd = try RawClient(port: sleet.port)
                let other = try odd.login(user: Robust.app, password: Robust.appPassword, authPlugin: "client_ed25519")
                #expect(other.authSwitch?.pluginName == AuthScramble.nativePassword)
                #expect(other.ok != nil)
                #expect(try odd.query("SELECT 3").results.first?.resultSet?.rows == [["3"]])
            }
        }
    }

    @Test("an unknown command byte gets ERR 1047 (08S01) and the session stays usable")
    func unknownCommand() async throws {
        try Fleet.require()
        try await Robust.withSleet { sleet in
            try await Robust.onThread {
                for deprecateEOF in [false, true] {
                    var caps = RawClient.defaultCapabilities
                    if deprecateEOF { caps.insert(.deprecateEOF) }
                    let c = try Robust.rawLogin(sleet, capabilities: caps)
                    for payload: [UInt8] in [[0x60], [0x60, 0x01, 0x02, 0x03, 0x04], [0xFF, 0x00], [0x1D]] {
                        let r = try c.command(payload)
                        #expect(r.kinds == [.err], "command 0x\(String(payload[0], radix: 16)): \(r.packets)")
                        #expect(r.packets.first?.sequenceID == 1)
                        let err = try #require(r.results.first?.error)
                        #expect(err.code == 1047, "\(err)")
                        #expect(err.sqlState == "08S01")
                        #expect(err.message == "Unknown command")
                    }
                    // Still usable: a query and a ping.
                    let q = try c.query("SELECT 'usable', 1 + 1")
                    #expect(q.results.first?.resultSet?.rows == [["usable", "2"]])
                    let ping = try c.command([Command.ping.rawValue])
                    #expect(ping.kinds == [.ok])
                    #expect(c.waitForClose(timeout: 0.2).closedAfter == nil, "the session must stay open")
                }
            }
        }
    }
}
