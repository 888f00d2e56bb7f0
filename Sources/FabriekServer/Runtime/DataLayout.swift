import Foundation

/// The layout of a data directory, as `fabriek-admin` uses it: `log/`, `projections/`,
/// `keys.sqlite`, `master.key`, and the server's `tokens.json`.
public struct DataLayout: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    }

    public var logPath: String { path + "/log" }
    public var projectionsPath: String { path + "/projections" }
    public var tokensPath: String { path + "/tokens.json" }
    public var hasLog: Bool { FileManager.default.fileExists(atPath: logPath + "/segments") }

    /// True when the directory is absent or holds no files.
    public var isEmpty: Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return true }
        return entries.isEmpty
    }
}
