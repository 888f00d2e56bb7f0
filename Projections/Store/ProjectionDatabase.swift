import EventLog
import Foundation
import Glibc
import GRDB
import Synchronization

/// One projection SQLite file, opened as a GRDB `DatabasePool` (WAL): the runner writes through
/// it, queries read through it concurrently.
///
/// A serving file uses `synchronous=NORMAL`: a process crash never loses a committed batch (WAL
/// is durable against process death; only a power loss may drop the last batches, and then rows
/// and checkpoint roll back together, so the runner simply re-applies them).
///
/// A rebuild file (`Durability.untilSynced`) uses `synchronous=OFF`: still safe against a process
/// crash (the rebuild resumes from its checkpoint), but after a power loss it may be damaged,
/// so it is fsynced before it is swapped in or closed, and a rebuild file left unsynced by an
/// earlier boot is discarded (`ProjectionFiles.unsyncedMarker`). A serving file built from nothing
/// is written the same way until it first reaches the head of the log.
final class ProjectionDatabase: Sendable {
    let path: String
    let pool: DatabasePool
    /// Set before the pool is closed by a swap: a read that fails on a retired pool is retried
    /// on the new one.
    let retired = Atomic<Bool>(false)

    /// How a file's commits reach the disk.
    enum Durability: Sendable {
        /// `synchronous=NORMAL`: the serving file.
        case serving
        /// `synchronous=OFF` until the file is fsynced: a rebuild file (not live until its
        /// swap), or a serving file built from nothing until it first reaches the head
        /// (`makeDurable()`).
        case untilSynced
    }

    /// Page cache of the writing connection (SQLite's default is 2 MiB): rebuilds insert rows
    /// at random keys (ids) into tables of a hundred megabytes and more (the tender board and
    /// the programme KPIs over a million events), and with a smaller cache most of those
    /// inserts would reread and spill pages. It is an upper bound, taken as used: at most the
    /// file's size.
    static let writerCacheKiB = 256 * 1024

    /// Page size of a new projection file (SQLite's default is 4 KiB; an existing file keeps
    /// its own). A build writes every page it dirtied to the WAL at each commit, one frame of
    /// page + 24 bytes per page: with 4 KiB pages those frames straddle the kernel's pages, and
    /// at 1M domain events the WAL writes (two `pwrite`s per frame, each partly zeroing a page
    /// of the page cache) were 17% of the five read models' rebuild samples. 16 KiB pages make
    /// a quarter of the frames and shallower B-trees: over the 1M domain log the five read
    /// models took a median 16.1 against 19.5 µs CPU per event (README, issue 12). 64 KiB
    /// pages made the workload read model's small commits (1,000 events) much slower.
    static let newFilePageSize = 16_384

    /// WAL bytes after which a file written with `synchronous=OFF` is checkpointed (SQLite's
    /// default is 1,000 pages): 1 GiB. Over the 1M domain log no read model's WAL reaches it
    /// before the head, where the build's one checkpoint folds it into the file.
    static let untilSyncedCheckpointBytes = 1 << 30

    /// WAL bytes after which a serving file (`synchronous=NORMAL`) is checkpointed: 32 MiB
    /// instead of SQLite's 4 MiB (1,000 pages of 4 KiB). Each checkpoint fsyncs the file on the
    /// writer's thread, and a runner catching up commits a batch every few milliseconds: with
    /// 4 MiB it stalled on an fsync every few batches (the workload rebuild spent 40% of its
    /// time waiting on them).
    static let servingCheckpointBytes = 32 << 20

    /// WAL bytes after which a serving file that follows the log live is checkpointed
    /// (`followLive()`): 8 MiB. A checkpoint fsyncs the WAL, every page written since the last
    /// one: with 32 MiB, under the load benchmark's command mix each live projection fsynced
    /// 32 MiB every second or two, and the log's `fdatasync` of a commit queued behind those
    /// writes. With 8 MiB the bursts are a quarter: commands' p99 19.0-19.8 against 28.4-30.9 ms
    /// in an A/B on disk at the same rate (4 MiB: 18.0-20.2 ms but ~10% more CPU per command,
    /// 2 MiB: 19.2-29.6 ms; more checkpoints each copy the pages changed since into the file).
    static let liveCheckpointBytes = 8 << 20

    /// Whether `followLive()` has set this file's live checkpoint size.
    private let followsLive = Atomic<Bool>(false)

    /// Once the serving file has reached the head and follows the log: checkpoints every
    /// `liveCheckpointBytes` from then on (a catch-up before keeps `servingCheckpointBytes`).
    /// Costs nothing after the first call.
    func followLive() async throws {
        guard !followsLive.exchange(true, ordering: .relaxed) else { return }
        try await pool.writeWithoutTransaction { try Self.setCheckpoint(bytes: Self.liveCheckpointBytes, $0) }
    }

    /// `PRAGMA wal_autocheckpoint` (in pages of this connection's file) for `bytes` of WAL.
    static func setCheckpoint(bytes: Int, _ db: Database) throws {
        let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(1, bytes / max(512, pageSize)))")
    }

    private init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
    }

    /// Opens `path` and returns its metadata, or nil when the file is new or was never
    /// initialised (it is then wiped and initialised for `projector`; its schema migrated).
    /// An existing, initialised file is returned unmigrated: the caller decides from its version.
    static func open(path: String, projector: any Projector, readers: Int,
                     durability: Durability = .serving) throws -> (ProjectionDatabase, ProjectionMetadata) {
        if ProjectionFiles.exists(path) {
            let db = try ProjectionDatabase(path: path, pool: makePool(path, readers: readers, durability: durability))
            if let meta = try db.pool.read({ try ProjectionMetadata.read($0) }) {
                guard meta.name == projector.name else {
                    try? db.pool.close()
                    throw ProjectionError.foreignFile(path: path, reason: "it belongs to projection '\(meta.name)'")
                }
                return (db, meta)
            }
            try db.pool.close()
            try ProjectionFiles.removeDatabase(path)
        }
        return try create(path: path, projector: projector, readers: readers, durability: durability)
    }

    /// Creates a fresh file for `projector` (removing any file at `path`), with its schema.
    static func create(path: String, projector: any Projector, readers: Int,
                       durability: Durability = .serving) throws -> (ProjectionDatabase, ProjectionMetadata) {
        try ProjectionFiles.removeDatabase(path)
        let db = try ProjectionDatabase(path: path, pool: makePool(path, readers: readers, durability: durability))
        do {
            try db.pool.writeWithoutTransaction {
                try $0.execute(sql: "PRAGMA application_id = \(ProjectionFileCheck.applicationID)")
            }
            try db.pool.write { try ProjectionMetadata.create($0, name: projector.name, version: projector.version) }
            try db.migrate(projector)
            return (db, ProjectionMetadata(name: projector.name, version: projector.version, position: 0))
        } catch {
            try? db.pool.close()
            throw error
        }
    }

    /// Runs the projector's migrations that this file has not seen yet.
    func migrate(_ projector: any Projector) throws {
        var migrator = DatabaseMigrator()
        projector.registerMigrations(in: &migrator)
        try migrator.migrate(pool)
    }

    func metadata() throws -> ProjectionMetadata? {
        try pool.read { try ProjectionMetadata.read($0) }
    }

    /// Folds the WAL into the file and closes every connection, waiting for reads in flight.
    /// Afterwards the file stands alone (no `-wal`/`-shm`) and may be renamed.
    func closeForRename() throws {
        _ = try pool.barrierWriteWithoutTransaction { try $0.checkpoint(.truncate) }
        try pool.close()
        for p in [path + "-wal", path + "-shm"] where unlink(p) != 0 && errno != ENOENT {
            throw ProjectionError.io(operation: "unlink", path: p, errno: errno)
        }
    }

    /// Makes a serving file written with `synchronous=OFF` durable and switches its writer to
    /// `synchronous=NORMAL`: waits for reads in flight, folds the WAL into the file, fsyncs it.
    func makeDurable() throws {
        try pool.barrierWriteWithoutTransaction { db in
            try db.checkpoint(.truncate)
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try Self.setCheckpoint(bytes: Self.servingCheckpointBytes, db)
        }
        try Self.syncToDisk(path)
    }

    /// Makes the closed file durable: fsyncs it (a rebuild file, written with
    /// `synchronous=OFF`, before it is swapped in or left for a later run).
    static func syncToDisk(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ProjectionError.io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ProjectionError.io(operation: "fsync", path: path, errno: errno) }
    }

    private static func makePool(_ path: String, readers: Int, durability: Durability) throws -> DatabasePool {
        var config = Configuration()
        config.maximumReaderCount = max(1, readers)
        config.label = (path as NSString).lastPathComponent
        config.prepareDatabase { db in
            if !db.configuration.readonly {
                // Takes effect only on a new, empty file (GRDB turns WAL on after this).
                try db.execute(sql: "PRAGMA page_size = \(newFilePageSize)")
                try db.execute(sql: "PRAGMA cache_size = -\(writerCacheKiB)")
            }
            switch durability {
            case .serving:
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                try setCheckpoint(bytes: servingCheckpointBytes, db)
            case .untilSynced:
                try db.execute(sql: "PRAGMA synchronous = OFF")
                // Checkpoint when the WAL passes 1 GiB instead of 4 MiB: a build's commits
                // rewrite most pages of its indexes, and a page committed several times between
                // two checkpoints is copied into the file once.
                try setCheckpoint(bytes: untilSyncedCheckpointBytes, db)
            }
        }
        return try DatabasePool(path: path, configuration: config)
    }
}
