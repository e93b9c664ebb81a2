// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "tanfang",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tanfang", targets: ["tanfang"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Domain values and rules: no SQL, no terminal, `today` always injected.
        .target(name: "TanfangCore"),
        // The ledger: GRDB over the system SQLite.
        .target(
            name: "TanfangStore",
            dependencies: [
                "TanfangCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Office files in and out: CSV (UTF-8, GB18030), .xlsx workbooks, roster import parsing.
        .target(
            name: "TanfangIO",
            dependencies: [
                "TanfangCore",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // Screens as pure state machines rendering into a cell grid.
        .target(name: "TanfangUI", dependencies: ["TanfangCore"]),
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // The ncursesw backend that draws a grid and reads keys.
        .target(name: "TanfangTerminal", dependencies: ["CNcursesw", "TanfangUI"]),
        .executableTarget(
            name: "tanfang",
            dependencies: [
                "TanfangCore", "TanfangStore", "TanfangIO", "TanfangUI", "TanfangTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // County-scale timings (issue 6); run through scripts/bench.
        .executableTarget(name: "TanfangBench", dependencies: ["TanfangCore", "TanfangStore", "TanfangUI"]),
        .testTarget(name: "TanfangCoreTests", dependencies: ["TanfangCore"]),
        .testTarget(name: "TanfangStoreTests", dependencies: ["TanfangStore", "TanfangCore"]),
        .testTarget(
            name: "TanfangIOTests",
            dependencies: ["TanfangIO", "TanfangCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "TanfangUITests", dependencies: ["TanfangUI", "TanfangCore"]),
        .testTarget(name: "TanfangTerminalTests", dependencies: ["TanfangTerminal", "TanfangUI"]),
        .testTarget(name: "TanfangCLITests", dependencies: ["tanfang"]),
    ]
)
