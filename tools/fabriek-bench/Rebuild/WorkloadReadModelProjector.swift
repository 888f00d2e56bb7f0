import EventLog
import Projections
import Synchronization

/// The workload read model (`ReadModelSQL`) as a Fabriek `Projector`: payloads decoded with the
/// bench's binary `WorkloadCodec` (ahead, on the log's reading thread, in long scans), rows changed through prepared statements bound directly
/// (`Statement.run`). Counters that many events of a batch change (bids per tender, members per
/// neighbourhood, days per country) are summed in memory and written once in `finishBatch`; the
/// rows come out as if each event had been applied on its own (the bench checks the digest).
///
/// Keeps the sums of the batch in progress: give each runner its own instance.
struct WorkloadReadModelProjector: DecodingProjector {
    let name = "workload-readmodel"
    let version = 1
    private let batch = Batch()

    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: workload read model") { db in
            try db.execute(sql: ReadModelSQL.schema)
        }
    }

    func beginBatch(_ db: Database) throws {
        let statements = try Statements(db)
        batch.state.withLock { $0 = BatchState(statements: statements) }
    }

    /// Runs ahead of `apply` on the log's reading thread in long scans (`DecodingProjector`).
    func decode(_ event: borrowing EventView) throws -> WorkloadEvent {
        guard let kind = WorkloadEventKind(utf8: event.typeBytes) else {
            throw BenchCheckError(description: "workload read model: unknown event type '\(event.type)' at position \(event.position)")
        }
        return try WorkloadCodec.decode(kind, from: event.payload)
    }

    func apply(_ event: borrowing EventView, decoded: WorkloadEvent, _ db: Database) throws {
        try batch.state.withLock { try $0.apply(decoded) }
    }

    func finishBatch(_ db: Database) throws {
        try batch.state.withLock { state in
            try state.flush()
            state = BatchState(statements: nil)
        }
    }

    /// The batch in progress; the runner calls one projection's hooks from one thread at a time.
    private final class Batch: Sendable {
        let state = Mutex(BatchState(statements: nil))
    }

    /// The file's prepared statements (GRDB caches them per connection). Unchecked: they are
    /// used only on the writer's thread, between `beginBatch` and `finishBatch` of one batch.
    private struct Statements: @unchecked Sendable {
        let insertMember, memberNeighbourhood, moveMember, insertTender, closeTender, awardTender: Statement
        let countBids, addToNeighbourhood, changeNeighbourhood, addCrossBorderDays: Statement

        init(_ db: Database) throws {
            insertMember = try db.cachedStatement(sql: ReadModelSQL.insertMember)
            memberNeighbourhood = try db.cachedStatement(sql: ReadModelSQL.memberNeighbourhood)
            moveMember = try db.cachedStatement(sql: ReadModelSQL.moveMember)
            insertTender = try db.cachedStatement(sql: ReadModelSQL.insertTender)
            closeTender = try db.cachedStatement(sql: ReadModelSQL.closeTender)
            awardTender = try db.cachedStatement(sql: ReadModelSQL.awardTender)
            countBids = try db.cachedStatement(sql: ReadModelSQL.countBidsSum)
            addToNeighbourhood = try db.cachedStatement(sql: ReadModelSQL.addToNeighbourhoodSum)
            changeNeighbourhood = try db.cachedStatement(sql: ReadModelSQL.changeNeighbourhoodSum)
            addCrossBorderDays = try db.cachedStatement(sql: ReadModelSQL.addCrossBorderDaysSum)
        }
    }

    private struct BatchState {
        var statements: Statements?
        /// Bids per tender since the batch began (or since the tender was published in it: a
        /// bid before its tender exists changes nothing, as `countBid` would not).
        var bids: [String: Int64] = [:]
        /// Change of each neighbourhood's member count; `insert` once a member moved in (the
        /// row is created then, as `addToNeighbourhood` would).
        var neighbourhoods: [String: (change: Int64, insert: Bool)] = [:]
        var crossBorder: [String: (days: Int64, registrations: Int64)] = [:]

        mutating func apply(_ event: WorkloadEvent) throws {
            guard let s = statements else { throw BenchCheckError(description: "workload read model: apply outside a batch") }
            switch event {
            case .memberJoined(let e):
                try s.insertMember.run { $0.text(1, e.kvk); $0.text(2, e.neighbourhood); $0.text(3, e.country.rawValue) }
                moveIn(e.neighbourhood)
            case .memberProfileUpdated(let e):
                guard let neighbourhood = e.changes.neighbourhood else { return }
                guard let current = try s.memberNeighbourhood.firstText({ $0.text(1, e.kvk) }) else { return }
                if current != neighbourhood {
                    neighbourhoods[current, default: (0, false)].change -= 1
                    moveIn(neighbourhood)
                }
                try s.moveMember.run { $0.text(1, e.kvk); $0.text(2, neighbourhood); $0.text(3, e.changes.country?.rawValue) }
            case .tenderPublished(let e):
                try s.insertTender.run { $0.text(1, e.tenderId) }
                bids[e.tenderId] = nil
            case .bidSubmitted(let e):
                bids[e.tenderId, default: 0] += 1
            case .tenderClosed(let e):
                try s.closeTender.run { $0.text(1, e.tenderId) }
            case .tenderAwarded(let e):
                try s.awardTender.run { $0.text(1, e.tenderId); $0.text(2, e.bidId) }
            case .crossBorderWorkRegistered(let e):
                crossBorder[e.country.rawValue, default: (0, 0)].days += Int64(e.days)
                crossBorder[e.country.rawValue, default: (0, 0)].registrations += 1
            }
        }

        private mutating func moveIn(_ neighbourhood: String) {
            neighbourhoods[neighbourhood, default: (0, false)].change += 1
            neighbourhoods[neighbourhood]!.insert = true
        }

        /// Writes the sums: each changed row once.
        func flush() throws {
            guard let s = statements else { return }
            for (tender, n) in bids { try s.countBids.run { $0.text(1, tender); $0.int(2, n) } }
            for (neighbourhood, c) in neighbourhoods {
                try (c.insert ? s.addToNeighbourhood : s.changeNeighbourhood).run { $0.text(1, neighbourhood); $0.int(2, c.change) }
            }
            for (country, c) in crossBorder {
                try s.addCrossBorderDays.run { $0.text(1, country); $0.int(2, c.days); $0.int(3, c.registrations) }
            }
        }
    }
}
