import CSQLite
import Foundation

/// Rebuilds the workload read model from the baseline's SQLite events table, as a Swift user of
/// that store would: one cursor over the events in position order, each payload decoded with
/// the baseline's `JSONDecoder` (`WorkloadJSONCodec`), the read model in a separate SQLite file
/// (WAL, `synchronous=NORMAL`), one transaction per 1,000 events that also stores the position
/// reached (`checkpoint` table). Driven through the C API with statements prepared once.
final class BaselineReadModelRebuild {
    static let batchSize = 1_000

    private let model: SQLiteConnection
    private let json = WorkloadJSONCodec()
    private let insertMember, memberNeighbourhood, moveMember, addToNeighbourhood, removeFromNeighbourhood,
                insertTender, countBid, closeTender, awardTender, addCrossBorderDays,
                saveCheckpoint, begin, commit: SQLiteStatement

    /// Creates the read model file at `path` with its schema and checkpoint table.
    private init(path: String) throws {
        model = try SQLiteConnection(path: path)
        try model.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        try model.exec(ReadModelSQL.schema)
        try model.exec("CREATE TABLE checkpoint(id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL); INSERT INTO checkpoint VALUES (1, 0);")
        insertMember = try model.prepare(ReadModelSQL.insertMember)
        memberNeighbourhood = try model.prepare(ReadModelSQL.memberNeighbourhood)
        moveMember = try model.prepare(ReadModelSQL.moveMember)
        addToNeighbourhood = try model.prepare(ReadModelSQL.addToNeighbourhood)
        removeFromNeighbourhood = try model.prepare(ReadModelSQL.removeFromNeighbourhood)
        insertTender = try model.prepare(ReadModelSQL.insertTender)
        countBid = try model.prepare(ReadModelSQL.countBid)
        closeTender = try model.prepare(ReadModelSQL.closeTender)
        awardTender = try model.prepare(ReadModelSQL.awardTender)
        addCrossBorderDays = try model.prepare(ReadModelSQL.addCrossBorderDays)
        saveCheckpoint = try model.prepare("UPDATE checkpoint SET position = ?1 WHERE id = 1")
        begin = try model.prepare("BEGIN")
        commit = try model.prepare("COMMIT")
    }

    /// Replays the events database `eventsPath` into a new read model at `path`; returns the
    /// number of events, the seconds from creating the file to the last commit, and the path.
    static func run(eventsPath: String, into path: String) throws -> (events: Int, seconds: Double, file: String) {
        let events = try SQLiteConnection(path: eventsPath)
        let select = try events.prepare("SELECT position, type, data FROM events ORDER BY position")
        let start = monotonicNanoseconds()
        let rebuild = try BaselineReadModelRebuild(path: path)
        var count = 0
        var inBatch = 0
        var position: Int64 = 0
        try rebuild.begin.run()
        while try select.step() {
            guard let kind = WorkloadEventKind(utf8: select.text(1)) else {
                throw BenchCheckError(description: "baseline rebuild: unknown event type '\(select.string(1))' at position \(select.int64(0))")
            }
            position = select.int64(0)
            try rebuild.apply(try rebuild.json.decode(kind, from: Data(select.text(2))))
            count += 1
            inBatch += 1
            if inBatch == batchSize {
                try rebuild.checkpoint(position)
                try rebuild.begin.run()
                inBatch = 0
            }
        }
        select.reset()
        // The last (possibly empty) batch stores the final position too.
        try rebuild.checkpoint(position)
        let seconds = secondsSince(start)
        withExtendedLifetime(select) {}
        events.close()
        rebuild.close()
        return (count, seconds, path)
    }

    private func checkpoint(_ position: Int64) throws {
        saveCheckpoint.bind(1, position)
        try saveCheckpoint.run()
        try commit.run()
    }

    private func close() {
        model.close()
    }

    private func apply(_ event: WorkloadEvent) throws {
        switch event {
        case .memberJoined(let e):
            insertMember.bind(1, e.kvk)
            insertMember.bind(2, e.neighbourhood)
            insertMember.bind(3, e.country.rawValue)
            try insertMember.run()
            try add(e.neighbourhood)
        case .memberProfileUpdated(let e):
            guard let neighbourhood = e.changes.neighbourhood else { return }
            memberNeighbourhood.bind(1, e.kvk)
            guard try memberNeighbourhood.step() else {
                memberNeighbourhood.reset()
                return
            }
            let current = memberNeighbourhood.string(0)
            memberNeighbourhood.reset()
            if current != neighbourhood {
                removeFromNeighbourhood.bind(1, current)
                try removeFromNeighbourhood.run()
                try add(neighbourhood)
            }
            moveMember.bind(1, e.kvk)
            moveMember.bind(2, neighbourhood)
            if let country = e.changes.country {
                moveMember.bind(3, country.rawValue)
            } else {
                sqlite3_bind_null(moveMember.handle, 3)
            }
            try moveMember.run()
        case .tenderPublished(let e):
            insertTender.bind(1, e.tenderId)
            try insertTender.run()
        case .bidSubmitted(let e):
            countBid.bind(1, e.tenderId)
            try countBid.run()
        case .tenderClosed(let e):
            closeTender.bind(1, e.tenderId)
            try closeTender.run()
        case .tenderAwarded(let e):
            awardTender.bind(1, e.tenderId)
            awardTender.bind(2, e.bidId)
            try awardTender.run()
        case .crossBorderWorkRegistered(let e):
            addCrossBorderDays.bind(1, e.country.rawValue)
            addCrossBorderDays.bind(2, Int64(e.days))
            try addCrossBorderDays.run()
        }
    }

    private func add(_ neighbourhood: String) throws {
        addToNeighbourhood.bind(1, neighbourhood)
        try addToNeighbourhood.run()
    }
}
