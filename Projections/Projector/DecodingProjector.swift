import EventLog
import GRDB

/// A projector whose events are decoded ahead of `apply`, off the thread that writes its file.
///
/// In a scan of more than 20,000 events (a rebuild, a first build, a long catch-up) the runner
/// reads the log once for all of the scan's batches and decodes each admitted event on one of
/// the log's reading threads (`EventLog.forEachEvent(from:through:decodedBy:)`) while the writer
/// applies earlier ones; shorter scans decode on the writer's thread. Either way `apply(_:decoded:_:)`
/// gets the events in log order, one at a time, inside the batch's transaction.
///
/// Requirements, besides `Projector`'s: `decode` is pure and thread-safe (it may run on another
/// thread than `apply`, concurrently with it); it must not touch the database, keep the view or
/// depend on what `apply` did. An error it throws about the event (a payload that does not
/// decode) is handled like one thrown by `apply`: the event is skipped and recorded
/// (`SkippedEvents`).
public protocol DecodingProjector: Projector {
    /// What `decode` makes of an event for `apply(_:decoded:_:)`.
    associatedtype Decoded: Sendable
    /// Decodes an event that `handledTypes` admits.
    func decode(_ event: borrowing EventView) throws -> Decoded
    /// Changes rows for one event, as `apply(_:_:)` does, given its decoded value.
    func apply(_ event: borrowing EventView, decoded: Decoded, _ db: Database) throws
}

extension DecodingProjector {
    /// Decodes and applies on the caller's thread (the runner's short scans, `InMemoryFold`).
    public func apply(_ event: borrowing EventView, _ db: Database) throws {
        try apply(event, decoded: try decode(event), db)
    }
}
