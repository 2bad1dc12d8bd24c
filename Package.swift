// swift-tools-version:6.0
// Cinnabar: a Redis-compatible in-memory data store.
// Targets follow the layers in docs/architecture.md: protocol → storage → commands → network server → executable.
import PackageDescription

/// Runtime exclusivity checks cost 30–50 % of user-space instructions per request on the hot path
/// (../shared/PERFORMANCE.md); the single-event-loop design already rules out concurrent access.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "Cinnabar",
    products: [
        .executable(name: "cinnabar-server", targets: ["cinnabar-server"]),
        .library(name: "CinnabarServer", targets: ["CinnabarServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
    ],
    targets: [
        // MARK: - Targets
        .target(
            name: "CinnabarRESP",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "CinnabarStorage",
            dependencies: ["CCinnabarShims"],
            swiftSettings: hotPathSettings
        ),
        .target(name: "CCinnabarShims"),
        // Lua 5.1 from the system (Debian's liblua5.1-0-dev, lua-cjson-dev, lua-bitop-dev; `make` installs them)
        // and the C half of Cinnabar's Lua environment: every function a script can call that may raise a Lua
        // error lives here, because a Lua error is a longjmp that must never cross Swift frames.
        .target(
            name: "CCinnabarLua",
            linkerSettings: [
                .linkedLibrary("lua5.1"), .linkedLibrary("lua5.1-cjson"), .linkedLibrary("lua5.1-bitop"),
                .linkedLibrary("m"),
            ]
        ),
        .target(
            name: "CinnabarCommands",
            dependencies: [
                "CinnabarRESP", "CinnabarStorage", "CCinnabarShims", "CCinnabarLua",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "CinnabarServer",
            dependencies: [
                "CinnabarCommands", "CinnabarRESP", "CinnabarStorage", "CCinnabarShims",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPathSettings
        ),
        .executableTarget(
            name: "cinnabar-server",
            dependencies: ["CinnabarServer"],
            swiftSettings: hotPathSettings
        ),
        // MARK: - Tests
        .testTarget(name: "CinnabarRESPTests", dependencies: ["CinnabarRESP"]),
        .testTarget(name: "CinnabarStorageTests", dependencies: ["CinnabarStorage"]),
        .testTarget(name: "CinnabarCommandsTests", dependencies: ["CinnabarCommands"]),
        .testTarget(name: "CinnabarIntegrationTests", dependencies: ["CinnabarServer"]),
    ],
    swiftLanguageModes: [.v5]
)
