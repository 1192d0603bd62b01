import FuzzDriver
import ParleyShell

/// A config file's text through `ConfigFile.parse`:
/// - nothing crashes: a file is read, or refused with its path and a sentence;
/// - what is read holds: the default profile is one of the file's, and each profile is filed under its
///   own name.
@main
enum FuzzConfig {
    static func main() {
        runFuzzer(check)
    }

    static func check(_ input: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: input, as: UTF8.self)
        let path = "/fuzz/config.toml"
        do {
            let config = try ConfigFile.parse(text, path: path)
            if let name = config.defaultProfile { require(config.profiles[name] != nil, "the default profile \(name) is not defined") }
            for (name, profile) in config.profiles {
                require(profile.name == name, "the profile \(profile.name) is filed under \(name)")
            }
        } catch {
            require(error.description.contains(path), "the refusal does not name the file: \(error)")
        }
    }
}
