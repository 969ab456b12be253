// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "sleet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sleet", targets: ["sleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
    ],
    targets: [
        // Wire protocol: framing, messages, auth scrambles. No I/O.
        .target(name: "MySQLWire", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // MySQL-dialect lexer and classifier. Imports nothing.
        .target(name: "SQLSyntax"),
        // YAML config model and validation with FILE:LINE:COLUMN errors.
        .target(name: "SleetConfig", dependencies: [
            .product(name: "Yams", package: "Yams"),
        ]),
        // Pure routing: statement + session + config -> RoutePlan.
        .target(name: "ShardRouting", dependencies: ["SQLSyntax", "SleetConfig"]),
        // libmysqlclient (MariaDB Connector/C): control plane only, never on an event loop.
        .systemLibrary(name: "CMySQL", pkgConfig: "mysqlclient", providers: [.apt(["default-libmysqlclient-dev"])]),
        .target(name: "MySQLControl", dependencies: ["CMySQL"]),
        .target(name: "Monitor", dependencies: [
            "MySQLControl",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Backend connections: the client side of the protocol on NIO.
        .target(name: "Backend", dependencies: [
            "MySQLWire", "SleetConfig",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "PluginAPI", dependencies: ["MySQLWire", "SQLSyntax", "ShardRouting", "SleetConfig"]),
        .target(name: "AuthFile", dependencies: ["PluginAPI", "MySQLWire", "SleetConfig"], path: "Plugins/AuthFile"),
        .target(name: "ProxyServer", dependencies: [
            "MySQLWire", "SQLSyntax", "SleetConfig", "ShardRouting", "Backend", "Monitor", "PluginAPI",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "sleet", dependencies: [
            "ProxyServer", "AuthFile", "SleetConfig", "MySQLControl", "ShardRouting", "SQLSyntax", "MySQLWire",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Micro-benchmarks of the codec and classifier (run in release: scripts/bench --micro).
        .executableTarget(name: "sleet-microbench", dependencies: [
            "MySQLWire", "SQLSyntax", "ShardRouting", "SleetConfig",
            .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Benchmarks/SleetMicrobench"),
        .testTarget(name: "MySQLWireTests", dependencies: [
            "MySQLWire",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOTestUtils", package: "swift-nio"),
        ]),
        .testTarget(name: "SQLSyntaxTests", dependencies: ["SQLSyntax"]),
        .testTarget(name: "SleetConfigTests", dependencies: ["SleetConfig"]),
        .testTarget(name: "ShardRoutingTests", dependencies: ["ShardRouting", "SQLSyntax", "SleetConfig"],
                    exclude: ["Golden"]),
        .testTarget(name: "MySQLControlTests", dependencies: [
            "MySQLControl", "Monitor", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Shared by the integration suites: the fleet, Sleet in-process, the mariadb CLI.
        .target(name: "TestSupport", dependencies: [
            "ProxyServer", "AuthFile", "PluginAPI", "MySQLControl", "SleetConfig", "MySQLWire",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "IntegrationTests", dependencies: [
            "TestSupport", "ProxyServer", "AuthFile", "MySQLControl", "MySQLWire", "SleetConfig",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
