import Foundation

/// Threads of this process as Linux shows them (/proc/self/task): for a test that must know a thread
/// has reached a blocking call before it checks what the thread has not done.
public enum ThreadState {
    /// The calling thread's id.
    public static func currentID() -> Int32 {
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
        return Int32(link.split(separator: "/").last ?? "") ?? -1
    }

    /// Whether thread `id` is asleep (state S): blocked on a lock, a condition, a full pipe...; false
    /// while it runs, and once it has ended.
    public static func isAsleep(_ id: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(id)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: end)...].trimmingCharacters(in: .whitespaces).hasPrefix("S")
    }
}
