// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "parley",
    products: [
        .executable(name: "parley", targets: ["parley"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C libraries, with typed wrappers for their variadic calls.
        // libcurl, opened at run time by a thread at start (libcurl4-openssl-dev for its headers).
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // libpng, libturbojpeg, giflib and libwebp, each opened the first time a picture of its format is
        // decoded (their -dev packages for the headers).
        .target(name: "CImageCodecs", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        // libxml2's HTML parser, opened the first time a web page is attached (libxml2-dev for its headers).
        .target(
            name: "CHTML", cSettings: [.unsafeFlags(["-I/usr/include/libxml2"])],
            linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),

        // libpq, opened the first time a PostgreSQL store is used (libpq-dev for its headers).
        .target(
            name: "CPostgres", cSettings: [.unsafeFlags(["-I/usr/include/postgresql"])],
            linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        // What several modules share: the one lock-protected box for state that threads share.
        .target(name: "ParleyShared"),
        // Bytes over HTTP with libcurl; knows nothing of OpenAI.
        .target(name: "ParleyHTTP", dependencies: ["CCurl", "ParleyShared"]),
        // OpenAI's wire types, the chat settings, image formats, model statuses; pure, no I/O.
        .target(name: "ParleyWire"),
        // The chat client over a transport, the SSE decoder and stream parser, the endpoint and its key,
        // and the error model.
        .target(name: "ParleyAPI", dependencies: ["ParleyWire", "ParleyHTTP"]),
        // Markdown to ANSI, the escape sanitizer; writes to an injected sink.
        .target(name: "ParleyRender"),
        // Web pages as readable text (libxml2), for attachments.
        .target(name: "ParleyContext", dependencies: ["CHTML"]),
        // Image files to pixels, thumbnails, and the sequences that show them (kitty, iTerm2, sixel).
        .target(name: "ParleyPictures", dependencies: ["CImageCodecs", "ParleyWire"]),
        // The line editor (libedit), raw keys, TTY detection, signals.
        .target(name: "ParleyTerminal", dependencies: ["CEditLine"]),
        // Conversations, messages and preferences: in SQLite (GRDB), or in PostgreSQL (libpq).
        .target(name: "ParleyStore", dependencies: [.product(name: "GRDB", package: "GRDB.swift"), "CPostgres", "ParleyShared"]),
        // What /help, Tab and "did you mean" read of the commands (their rows), and the line parser; pure.
        // Each command itself (row, parsing, what it does) is a type in ParleyShell/Commands.
        .target(name: "ParleyCommands", dependencies: ["ParleyRender"]),
        // The pure session state machine and its policy (retries and waits, model choice, cancel);
        // it sees wire types only: neither libcurl nor the store.
        .target(name: "ParleySession", dependencies: ["ParleyWire"]),
        // The loop: reads lines, hands commands to their types and messages to the session, and carries
        // out the session's effects through injected services (Services/).
        .target(
            name: "ParleyShell",
            dependencies: [
                "ParleySession", "ParleyStore", "ParleyCommands", "ParleyWire", "ParleyAPI", "ParleyHTTP", "ParleyRender", "ParleyTerminal",
                "ParleyPictures", "ParleyContext", "ParleyShared",
            ]),
        .executableTarget(
            name: "parley",
            dependencies: [
                "ParleyShell", "ParleyHTTP", "ParleySession",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .target(name: "TestSupport", dependencies: ["ParleyHTTP", "ParleyShared"], path: "Tests/TestSupport"),
        .testTarget(name: "ParleyHTTPTests", dependencies: ["ParleyHTTP", "TestSupport"]),
        .testTarget(
            name: "ParleyAPITests", dependencies: ["ParleyWire", "ParleyAPI", "TestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "ParleyRenderTests", dependencies: ["ParleyRender", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ParleySessionTests", dependencies: ["ParleySession", "ParleyWire"]),
        .testTarget(name: "ParleyPicturesTests", dependencies: ["ParleyPictures"]),
        .testTarget(name: "ParleyContextTests", dependencies: ["ParleyContext"]),
        .testTarget(name: "ParleyTerminalTests", dependencies: ["ParleyTerminal"]),
        .testTarget(name: "ParleyStoreTests", dependencies: ["ParleyStore", "ParleyHTTP", "TestSupport"]),
        .testTarget(
            name: "ParleyShellTests",
            dependencies: [
                "ParleyShell", "ParleyCommands", "ParleySession", "ParleyStore", "ParleyWire", "ParleyAPI", "ParleyRender", "TestSupport",
            ]),
        .testTarget(
            name: "EndToEndTests", dependencies: ["TestSupport", "ParleyHTTP", "ParleyStore"], exclude: ["Images"],
            resources: [.copy("Contracts")]),
    ],
    swiftLanguageModes: [.v6]
)

// Coverage-guided fuzzing (`make fuzz`, scripts/fuzz): libFuzzer targets, declared only when PARLEY_FUZZ is
// set and built into .build-fuzz with coverage and AddressSanitizer, so that the usual build is as it was.
if Context.environment["PARLEY_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzDriver", dependencies: ["ParleyShared"], path: "Fuzz/Driver"),
        .executableTarget(name: "FuzzStream", dependencies: ["FuzzDriver", "ParleyAPI", "ParleyWire"], path: "Fuzz/Stream"),
        .executableTarget(name: "FuzzMarkdown", dependencies: ["FuzzDriver", "ParleyRender"], path: "Fuzz/Markdown"),
        .executableTarget(name: "FuzzCommands", dependencies: ["FuzzDriver", "ParleyShell", "ParleyCommands"], path: "Fuzz/Commands"),
        .executableTarget(name: "FuzzConfig", dependencies: ["FuzzDriver", "ParleyShell"], path: "Fuzz/Config"),
        .executableTarget(
            name: "FuzzImages", dependencies: ["FuzzDriver", "ParleySession", "ParleyWire", "ParleyPictures"], path: "Fuzz/Images"),
    ]
}
