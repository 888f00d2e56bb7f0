import EventLog
import Projections

/// The workload read model (`ReadModelSQL`) as a Fabriek `Projector`: payloads decoded with the
/// bench's binary `WorkloadCodec`, rows changed through GRDB's cached prepared statements.
struct WorkloadReadModelProjector: Projector {
    let name = "workload-readmodel"
    let version = 1

    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: workload read model") { db in
            try db.execute(sql: ReadModelSQL.schema)
        }
    }

    func apply(_ event: borrowing EventView, _ db: Database) throws {
        guard let kind = WorkloadEventKind(utf8: event.typeBytes) else {
            throw BenchCheckError(description: "workload read model: unknown event type '\(event.type)' at position \(event.position)")
        }
        switch try WorkloadCodec.decode(kind, from: event.payload) {
        case .memberJoined(let e):
            try run(ReadModelSQL.insertMember, [e.kvk, e.neighbourhood, e.country.rawValue], db)
            try run(ReadModelSQL.addToNeighbourhood, [e.neighbourhood], db)
        case .memberProfileUpdated(let e):
            guard let neighbourhood = e.changes.neighbourhood else { return }
            let select = try db.cachedStatement(sql: ReadModelSQL.memberNeighbourhood)
            select.setUncheckedArguments([e.kvk])
            guard let current = try String.fetchOne(select) else { return }
            if current != neighbourhood {
                try run(ReadModelSQL.removeFromNeighbourhood, [current], db)
                try run(ReadModelSQL.addToNeighbourhood, [neighbourhood], db)
            }
            try run(ReadModelSQL.moveMember, [e.kvk, neighbourhood, e.changes.country?.rawValue], db)
        case .tenderPublished(let e):
            try run(ReadModelSQL.insertTender, [e.tenderId], db)
        case .bidSubmitted(let e):
            try run(ReadModelSQL.countBid, [e.tenderId], db)
        case .tenderClosed(let e):
            try run(ReadModelSQL.closeTender, [e.tenderId], db)
        case .tenderAwarded(let e):
            try run(ReadModelSQL.awardTender, [e.tenderId, e.bidId], db)
        case .crossBorderWorkRegistered(let e):
            try run(ReadModelSQL.addCrossBorderDays, [e.country.rawValue, e.days], db)
        }
    }

    @inline(__always)
    private func run(_ sql: String, _ arguments: StatementArguments, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: sql)
        statement.setUncheckedArguments(arguments)
        try statement.execute()
    }
}
