// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Fabriek",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "Events", targets: ["Events"]),
        .library(name: "PersonalData", targets: ["PersonalData"]),
        .library(name: "FabriekReference", targets: ["FabriekReference"]),
        .library(name: "Fabriek", targets: ["Fabriek"]),
        .library(name: "FabriekDemo", targets: ["FabriekDemo"]),
        .library(name: "FabriekServer", targets: ["FabriekServer"]),
        .executable(name: "fabriek", targets: ["fabriek"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            path: "Sources/CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "CCRC32C", path: "Sources/CCRC32C"),
        .target(
            name: "EventLog",
            dependencies: [
                "CLZ4", "CCRC32C",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/EventLog",
            exclude: ["FORMAT.md"]
        ),
        .target(
            name: "Events",
            dependencies: ["EventLog"],
            path: "Events",
            exclude: ["CATALOGUE.md", "events.proto"]
        ),
        .target(
            name: "PersonalData",
            dependencies: [
                "EventLog", "Events", "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/PersonalData"
        ),
        .target(
            name: "FabriekReference",
            dependencies: ["EventLog", "Events"],
            path: "Sources/FabriekReference",
            resources: [.copy("Reference")]
        ),
        .target(
            name: "Fabriek",
            dependencies: ["EventLog", "Events", "PersonalData", "FabriekReference",
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Fabriek"
        ),
        .target(
            name: "FabriekDemo",
            dependencies: ["EventLog", "Events", "PersonalData", "FabriekReference", "Fabriek"],
            path: "Sources/FabriekDemo"
        ),
        .target(
            name: "Projections",
            dependencies: ["EventLog", "Events", "PersonalData", "FabriekReference", "CSQLite", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Projections"
        ),
        .executableTarget(
            name: "fabriek-bench",
            dependencies: ["EventLog", "Events", "PersonalData", "FabriekReference", "Fabriek", "FabriekDemo", "Projections", "CSQLite",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "tools/fabriek-bench",
            exclude: ["RESULTS-1M.md", "scale-run"]
        ),
        // The fuzzers' host: replays corpus files through the entry points in a normal build,
        // fuzzes with libFuzzer when built with -sanitize=fuzzer -DFUZZING (tools/fuzz).
        .executableTarget(
            name: "fabriek-fuzz",
            dependencies: ["EventLog", "Events"],
            path: "tools/fabriek-fuzz"
        ),
        .target(
            name: "FabriekServer",
            dependencies: [
                "EventLog", "Events", "PersonalData", "FabriekReference", "Fabriek", "FabriekDemo", "Projections",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/FabriekServer",
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "fabriek",
            dependencies: [
                "FabriekServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/fabriek"
        ),
        // The load benchmark's ceiling: a plain Hummingbird route returning a constant
        // (tools/load/run.sh; not a test).
        .executableTarget(
            name: "fabriek-load-ceiling",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "tools/load/ceiling"
        ),
        .testTarget(
            name: "FabriekServerTests",
            dependencies: [
                "FabriekServer", "Fabriek", "FabriekDemo", "FabriekReference", "PersonalData", "Events", "EventLog", "Projections", "fabriek",
                "fabriek-admin",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/FabriekServerTests"
        ),
        .executableTarget(
            name: "fabriek-admin",
            dependencies: [
                "EventLog", "Events", "PersonalData", "FabriekReference", "Fabriek", "FabriekDemo", "Projections",
                "FabriekServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "tools/fabriek-admin"
        ),
        .testTarget(
            name: "FabriekAdminTests",
            dependencies: ["fabriek-admin", "FaultInjection", "Projections", "EventLog", "Events", "PersonalData"],
            path: "Tests/FabriekAdminTests"
        ),
        .testTarget(
            name: "FabriekBenchTests",
            dependencies: ["fabriek-bench"],
            path: "Tests/FabriekBenchTests"
        ),
        .executableTarget(
            name: "eventlog-crash-child",
            dependencies: ["EventLog"],
            path: "Tests/EventLogCrashChild"
        ),
        // The LD_PRELOAD system-call fault shim (C, compiled by the tests that use it) and its
        // Swift side, shared by the log's and the admin CLI's fault tests.
        .target(
            name: "FaultInjection",
            path: "Tests/FaultInjection",
            exclude: ["faultshim.c"]
        ),
        .testTarget(
            name: "EventLogTests",
            dependencies: ["EventLog", "eventlog-crash-child", "CLZ4", "CCRC32C", "FaultInjection"],
            path: "Tests/EventLogTests"
        ),
        .executableTarget(
            name: "projection-crash-child",
            dependencies: ["Projections", "EventLog", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/ProjectionCrashChild"
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: ["Projections", "EventLog", "Events", "PersonalData", "FabriekReference", "Fabriek", "FabriekDemo", "projection-crash-child"],
            path: "Tests/ProjectionsTests",
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "EventsTests",
            dependencies: ["Events", "EventLog"],
            path: "Tests/EventsTests"
        ),
        .testTarget(
            name: "PersonalDataTests",
            dependencies: ["PersonalData", "Events", "EventLog", "CSQLite"],
            path: "Tests/PersonalDataTests"
        ),
        .testTarget(
            name: "FabriekReferenceTests",
            dependencies: ["FabriekReference", "Events", "EventLog"],
            path: "Tests/FabriekReferenceTests"
        ),
        // The service harness (a log, a vault and a service in a temporary directory), shared by
        // the write-side and the demo tests.
        .target(
            name: "FabriekTestSupport",
            dependencies: ["Fabriek", "FabriekReference", "PersonalData", "Events", "EventLog"],
            path: "Tests/FabriekTestSupport"
        ),
        .testTarget(
            name: "FabriekTests",
            dependencies: ["Fabriek", "FabriekReference", "FabriekDemo", "FabriekTestSupport", "PersonalData", "Events", "EventLog", "CSQLite"],
            path: "Tests/FabriekTests"
        ),
        .testTarget(
            name: "FabriekDemoTests",
            dependencies: ["FabriekDemo", "Fabriek", "FabriekTestSupport", "Events", "EventLog"],
            path: "Tests/FabriekDemoTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
