import Crypto
import GRDB

/// The content digest of a read model: what its rows say, independent of how they were written
/// (batch sizes, insertion order, full-text segment layout) and of the runner's checkpoint.
///
/// Two files of the same projector built from the same log prefix have the same digest whether
/// they were built live in small commits or by a full rebuild; a difference in any row of any
/// table changes it. Cost: every row is read and sorted in memory once.
public enum ProjectionDigest {
    /// The first 16 hex digits of SHA-256 over every table (by name) and its rows in sorted
    /// order, as `ProjectionConformance.dumpTables` lists them.
    public static func compute(_ db: Database) throws -> String {
        var hash = SHA256()
        let tables = try ProjectionConformance.dumpTables(db)
        for name in tables.keys.sorted() {
            hash.update(data: Array("table \(name)\n".utf8))
            for row in tables[name]! { hash.update(data: Array((row + "\n").utf8)) }
        }
        return hash.finalize().prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// The digest of the projection file at `path`, opened read-only.
    public static func compute(file path: String) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { try compute($0) }
    }
}
