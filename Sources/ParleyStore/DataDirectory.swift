import Foundation

/// Where parley keeps its files: `--data-dir`, else `PARLEY_HOME`, else `$XDG_DATA_HOME/parley`,
/// else `~/.local/share/parley`. Created 0700; files in it are 0600.
public enum DataDirectory {
    public static func resolve(flag: String?, environment: [String: String]) -> URL {
        func expand(_ path: String) -> URL {
            guard path == "~" || path.hasPrefix("~/") else { return URL(fileURLWithPath: path) }
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            return URL(fileURLWithPath: home + path.dropFirst())
        }
        if let flag, !flag.isEmpty { return expand(flag) }
        if let home = environment["PARLEY_HOME"], !home.isEmpty { return expand(home) }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return expand(xdg).appendingPathComponent("parley") }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/parley")
    }

    /// Creates the directory (0700) if needed; false when it cannot be written.
    @discardableResult
    public static func prepare(_ url: URL) -> Bool {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: url.path)
        } catch {
            return false
        }
        return manager.isWritableFile(atPath: url.path)
    }

    /// Writes `data` to `url` readable and writable by the user alone (0600), replacing it atomically;
    /// a failure says why, in the system's words.
    public static func writePrivate(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid())").path
        let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard file >= 0 else { throw DataDirectoryError(path: url.path, code: errno) }
        var failure = fchmod(file, 0o600) == 0 ? 0 : errno
        data.withUnsafeBytes { bytes in
            var offset = 0
            while failure == 0, offset < bytes.count {
                let written = write(file, bytes.baseAddress! + offset, bytes.count - offset)
                if written >= 0 { offset += written } else if errno != EINTR { failure = errno }
            }
        }
        if close(file) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary, url.path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw DataDirectoryError(path: url.path, code: failure)
        }
    }
}

/// A file of parley's that could not be written, and why.
public struct DataDirectoryError: Error, CustomStringConvertible {
    public var path: String
    /// The system's error number.
    public var code: Int32
    /// Why, in the system's words ("Permission denied."), for a sentence that names the file.
    public var description: String { String(cString: strerror(code)) + "." }
}
