// swift-tools-version: 6.0
import PackageDescription

// A file sees the members of the modules it imports, not of those its dependencies
// import: a dependency that imports all of Foundation would otherwise let a `.contains("x")`
// silently resolve to Foundation's overload, linking ICU's 34 MB back into naner.
//
// Concrete generic types (a Dictionary of Strings) get their metadata from accessor
// calls, not by demangling their names at run time: demangling checks each generic
// requirement (`String: Hashable`) by scanning every protocol conformance in the
// binary, about 0.2 M instructions per new pair, millions per command.
let onlyImportedMembers: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"]),
]

let package = Package(
    name: "naner",
    // Builds on Linux only: GitKit uses Glibc and Debian's libgit2 (libgit2-dev).
    products: [
        .executable(name: "naner", targets: ["naner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // scrypt (_CryptoExtras) and AES-GCM for encrypted backup archives. From 4.x it imports
        // FoundationEssentials, not all of Foundation (whose ICU data was 34 MB of naner).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.0"),
    ],
    targets: [
        // libgit2 from the system (Debian: libgit2-dev); only GitKit imports it. Not linked:
        // libgit2_stubs.c (tools/generate-libgit2-stubs) loads it with dlopen on first use,
        // so commands that never open the repository do not pay for loading it.
        .target(name: "CLibgit2"),
        // The thread placement calls Swift's Glibc does not declare (System/BackgroundThreads).
        .target(name: "CNanerThreads"),
        // zlib from the system: pack entries (GitKit) and zip archives (NanerCore). Not
        // "CZlib": ZIPFoundation, which the tests still use, has a module of that name.
        // Linked by GitKit, below, not by this module map.
        .systemLibrary(
            name: "CNanerZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Owned handles, typed errors and callback boxes around libgit2.
        .target(
            name: "GitKit",
            dependencies: ["CLibgit2", "CNanerZlib", .product(name: "Crypto", package: "swift-crypto")],  // SHA-1 of the packs it writes
            swiftSettings: onlyImportedMembers,
            // Release links take zlib1g-dev's archive: a shared library costs every start
            // about 50 microseconds to map and relocate (an empty C program linked with one
            // more), while only commands that read objects or write zip archives use zlib.
            // libgit2, loaded only when needed, brings its own shared zlib.
            linkerSettings: [
                .linkedLibrary("z", .when(configuration: .debug)),
                .unsafeFlags(["-Xlinker", "-l:libz.a"], .when(configuration: .release)),
            ]
        ),
        // Turns the default .syncignore and templates/ into Swift source, so an
        // installed binary needs no files beside it.
        .executableTarget(name: "EmbedResources"),
        .plugin(
            name: "EmbedResourcesPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedResources"]
        ),
        // The domain: managed set, rules, scanning, commits. No libgit2 types leak out of GitKit.
        .target(
            name: "NanerCore",
            dependencies: [
                "GitKit",
                "CNanerZlib",
                "CNanerThreads",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: onlyImportedMembers,
            plugins: ["EmbedResourcesPlugin"]
        ),
        .executableTarget(
            name: "naner",
            dependencies: [
                "NanerCore",
                "GitKit",  // the value types NanerCore's results carry (ObjectID, CommitInfo); never libgit2 itself
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: onlyImportedMembers,
            // libgit2 must find naner's mbedtls_x509_crt_parse_file (CLibgit2/libgit2_loader.c),
            // which defers parsing the CA bundle. Release links are also made for start-up
            // (lld): packed relative relocations, no symbol exported but that one (the Swift
            // runtime's backtracer scans the exported ones at start), libstdc++ linked in
            // (Linker/libstdc++.so says why: with swift-crypto 4, 0.9 million instructions for
            // `naner --version` instead of 4.4), and the code and globals everyday commands
            // touch placed together (Linker/make-symbol-order says why and how).
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=mbedtls_x509_crt_parse_file"]),
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
                              "-Xlinker", "--symbol-ordering-file=" + Context.packageDirectory + "/Linker/symbol-order.txt",
                              "-Xlinker", "--no-warn-symbol-ordering",
                              "-L", Context.packageDirectory + "/Linker"], .when(configuration: .release)),
            ]
        ),
        // ZIPFoundation's inflater opens the zlib-compressed age test vectors (naner itself
        // does not link it: it imports all of Foundation, ICU's data with it).
        .testTarget(name: "NanerCoreTests", dependencies: [
            "NanerCore", "GitKit", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        .testTarget(name: "NanerCLITests", dependencies: ["NanerCore"]),
    ],
    swiftLanguageModes: [.v6]
)
