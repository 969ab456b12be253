import Foundation
import Testing
import SleetConfig

/// Config/sleet.yaml and Config/demo.yaml, found from this file's path.
@Suite("Shipped config files")
struct ConfigFilesTests {
    static let configDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Config")
    static let environment = ["SLEET_BACKEND_PASSWORD": "from-env"]

    @Test(arguments: ["sleet.yaml", "demo.yaml"])
    func loadsWithoutErrors(_ name: String) throws {
        let path = Self.configDirectory.appendingPathComponent(name).path
        do {
            let config = try SleetConfig.load(path: path, environment: Self.environment)
            #expect(config.backend.password == "from-env")
            #expect(config.plugins.authFile?.enabled == true)
            #expect(!config.summary().isEmpty)
        } catch let errors as ConfigErrors {
            Issue.record("\(name) does not load:\n\(errors)")
        }
    }

    @Test func bothNeedTheBackendPassword() {
        for name in ["sleet.yaml", "demo.yaml"] {
            let path = Self.configDirectory.appendingPathComponent(name).path
            #expect(throws: ConfigErrors.self) { try SleetConfig.load(path: path, environment: [:]) }
        }
    }

    @Test func demoFleet() throws {
        let config = try SleetConfig.load(path: Self.configDirectory.appendingPathComponent("demo.yaml").path,
                                          environment: Self.environment)
        let local = { (port: Int) in HostPort(host: "127.0.0.1", port: port) }
        #expect(config.listen == local(3307))
        #expect(config.adminListen == local(3308))
        #expect(config.backend.user == "sleet")
        #expect(config.shards == [
            Shard(name: "s0", keyRange: KeyRange(start: 0, end: 0x8000_0000_0000_0000, text: "-80"),
                  primary: local(23306), replicas: [local(23307)]),
            Shard(name: "s1", keyRange: KeyRange(start: 0x8000_0000_0000_0000, end: nil, text: "80-"),
                  primary: local(23316), replicas: [local(23317)]),
        ])
        #expect(config.tables == Tables(defaultShard: "s0",
                                        sharded: ["users": ShardedTable(key: "id"), "orders": ShardedTable(key: "user_id")],
                                        reference: ["countries"]))
        #expect(config.plugins == Plugins(order: ["auth_file"], authFile: AuthFileSettings(enabled: true, users: [
            .init(user: "app", passwordHash: "*3A00909D5D61D96C3F0D9AFB40590637C5CEC018" /* sleet-demo */),
            .init(user: "ops", passwordHash: "*F3C489465A30B8742F8E917693A33DD8936A1A7A" /* ops-pw */, admin: true),
        ])))
    }
}
