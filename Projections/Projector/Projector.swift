import EventLog
import GRDB

/// A read model folded from the log into its own SQLite file.
///
/// A projector declares its identity (`name`, `version`), its schema (named, ordered GRDB
/// migrations) and how each event changes its rows. It knows the event types it handles and
/// decodes their payloads itself; the runner knows nothing of the domain. The read models of
/// this build are `HandlerTableProjector`s: one handler per event type in a table, from which
/// `handledTypes` and `apply` follow.
///
/// ```swift
/// struct MembersByBuurt: HandlerTableProjector {
///     let name = "members-by-buurt"
///     let version = 1
///
///     func registerMigrations(in migrator: inout DatabaseMigrator) {
///         migrator.registerMigration("v1: members") { db in
///             try db.execute(sql: "CREATE TABLE members (id TEXT PRIMARY KEY, buurt TEXT)")
///         }
///     }
///
///     // Payloads are protobuf (Events/events.proto): each handler gets its event decoded.
///     static let handlers = EventHandlers<MembersByBuurt>(
///         .on(MemberRegistered.self) { _, e, _, db in
///             try db.run(cached: "INSERT INTO members VALUES (?, ?)") { b in
///                 b.id(1, e.memberId)
///                 b.text(2, e.buurt)
///             }
///         }
///     )
/// }
/// ```
///
/// Requirements:
/// - `apply` is deterministic: the same events give the same rows (rebuilds rely on it; check
///   with `ProjectionConformance`). It must not read the clock, random numbers or other files.
/// - `apply` runs inside the runner's batch transaction: never begin or commit a transaction,
///   never touch the `projection_meta` table. Throwing rolls the whole batch back and puts the
///   projection in the `failed` state; nothing of the batch is kept.
/// - Change `version` whenever the meaning of the rows changes (new tables, new handling of an
///   event): the runner then rebuilds the projection side by side and swaps it in.
/// - For speed, use `db.cachedStatement(sql:)` with `setUncheckedArguments` and `execute()`;
///   avoid Codable records in `apply`. Rows that many events of a batch change (counters,
///   full-text rows) are cheaper written once in `finishBatch`.
public protocol Projector: Sendable {
    /// Unique among the runner's projectors and stable forever: it names the SQLite file.
    /// Letters, digits, `-`, `_` and `.` only.
    var name: String { get }
    /// The schema-and-semantics version; a change triggers a rebuild.
    var version: Int { get }
    /// The event types `apply` cares about, used as a fast filter before `apply` is called.
    /// `nil` (the default) passes every event to `apply`, which then ignores what it does not
    /// handle. A `HandlerTableProjector` derives it from its handler table.
    var handledTypes: Set<String>? { get }
    /// Registers the schema's migrations, named and in order. They run on a fresh file before
    /// the first event, and on an existing file of the same `version` when new ones appear.
    func registerMigrations(in migrator: inout DatabaseMigrator)
    /// Changes rows for one event. The view is valid only during the call.
    func apply(_ event: borrowing EventView, _ db: Database) throws
    /// Called at the start of every batch, inside its transaction, before the first `apply`
    /// (also when no event of the batch is for this projector). Default: nothing.
    func beginBatch(_ db: Database) throws
    /// Called at the end of every batch, inside its transaction, after the last `apply` and
    /// before the checkpoint moves: writes what `apply` deferred to the end of the batch. When
    /// it returns, the rows must be exactly what applying each event on its own would have left
    /// (batches of any size give the same rows), except what `beginBuild` deferred to the end
    /// of a build; nothing may be carried into the next batch in memory. Default: nothing.
    func finishBatch(_ db: Database) throws
    /// Called inside the transaction of the first batch of a build from the first event that
    /// nobody follows until it reaches the head (a side-by-side rebuild, or a serving file
    /// built from nothing over a log that already holds events), before `beginBatch`. The
    /// projector may then leave rows that only serve readers (a full-text index) unwritten
    /// until `finishBuild`, and must record in its own file that it does: a build may be stopped
    /// and resumed by another process. Default: nothing.
    func beginBuild(_ db: Database) throws
    /// Called inside the transaction of every batch that brings the file to the head of the
    /// log, after `finishBatch`: writes what `beginBuild` deferred, so that the rows are again
    /// exactly what applying each event on its own would have left. While live every batch
    /// reaches the head, so this must cost next to nothing when nothing was deferred.
    /// Default: nothing.
    func finishBuild(_ db: Database) throws
}

extension Projector {
    public var handledTypes: Set<String>? { nil }
    public func beginBatch(_ db: Database) throws {}
    public func finishBatch(_ db: Database) throws {}
    public func beginBuild(_ db: Database) throws {}
    public func finishBuild(_ db: Database) throws {}
}
