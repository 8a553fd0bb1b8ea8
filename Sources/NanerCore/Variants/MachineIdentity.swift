import FoundationEssentials
import Glibc
import GitKit

/// What this machine is, for variants: its host name, its OS and the classes it belongs
/// to. Machine-local: kept in the repository's own config (`naner.host`, `naner.class`),
/// which no sync carries.
public struct MachineIdentity: Equatable, Sendable {
    public var host: String
    public var os: String
    public var classes: [String]

    static let hostKey = "naner.host"
    static let classesKey = "naner.classes"

    public func uses(_ layer: Layer) -> Bool {
        switch layer {
        case .shared: return true
        case .os(let name): return name == os
        case .machineClass(let name): return classes.contains(name)
        case .host(let name): return name == host
        }
    }

    static func load(config: Config) -> MachineIdentity {
        let host = (try? config.string(hostKey)).flatMap { $0 }.flatMap { Layer.isValidName($0) ? $0 : nil } ?? defaultHost
        let classes = ((try? config.string(classesKey)).flatMap { $0 } ?? "").split(separator: " ").map(String.init)
            .filter(Layer.isValidName)
        return MachineIdentity(host: host, os: currentOS, classes: classes)
    }

    /// The hostname up to its first dot, made a valid layer name (other characters become `-`).
    static var defaultHost: String {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let first = name.split(separator: ".").first.map(String.init) ?? ""
        let cleaned = String(first.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "-" })
        return Layer.isValidName(cleaned) ? cleaned : "this-machine"
    }

    /// `linux`, `darwin`: the kernel's name, lowercased, as `uname -s` gives it.
    static var currentOS: String {
        var system = utsname()
        guard uname(&system) == 0 else { return "linux" }
        let name = withUnsafeBytes(of: system.sysname) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return name.isEmpty ? "linux" : name.lowercased()
    }
}
