import EventLog
import Foundation
import GRDB
import Hummingbird
import Projections

/// Reads a projection for a request, honouring `minPosition` with a bounded wait (then 503
/// with `Retry-After`), and answers with `Fabriek-Position` = the position the read reflects
/// (the checkpoint of the snapshot read).
struct QueryResponder: Sendable {
    let runtime: ServerRuntime
    /// How long a query waits for its `minPosition`.
    var wait: Duration = .seconds(2)

    func read<T: Sendable>(_ projection: String, request: Request, atLeast: UInt64? = nil,
                           _ body: @escaping @Sendable (Database) throws -> T) async throws -> (T, UInt64) {
        try await readAtPosition(projection, request: request, atLeast: atLeast) { db, _ in try body(db) }
    }

    /// `read`, giving `body` the checkpoint of the snapshot it reads too (to key a cache by it).
    func readAtPosition<T: Sendable>(_ projection: String, request: Request, atLeast: UInt64? = nil,
                                     _ body: @escaping @Sendable (Database, UInt64) throws -> T) async throws -> (T, UInt64) {
        let asked = try request.minPosition()
        let minPosition = [asked, atLeast].compactMap { $0 }.max()
        return try await runtime.runner.readAtPosition(projection, atLeast: minPosition, timeout: wait) { db, position in
            (try body(db, position), position)
        }
    }

    /// What a cached read route computes: the body, headers besides `Content-Type` and
    /// `Fabriek-Position`, and the instant the answer changes without a commit (if any).
    struct Answer: Sendable {
        var body: ByteBuffer
        var headers: HTTPFields = [:]
        var validUntil: Timestamp?
    }

    /// The answer of read route `operation` for `parameters` (as parsed) and `visibility`:
    /// from `ResponseCache` while `projection` still serves the file and checkpoint it was
    /// computed from, else from `compute` on a read of the projection (then stored). Either way
    /// the answer reflects at least the request's `minPosition` and `atLeast` (waited for
    /// first, up to `wait`, then 503), and carries `Fabriek-Position` = the checkpoint it
    /// reflects; `extra` headers are added to it (they are not stored).
    func cached(_ operation: String, projection: String, parameters: some Hashable & Sendable,
                visibility: ResponseCache.Visibility = .public, request: Request, atLeast: UInt64? = nil,
                headers extra: HTTPFields = [:],
                _ compute: @escaping @Sendable (Database, UInt64) throws -> Answer) async throws -> Response {
        try await cached(operation, projection: projection, parameters: parameters, visibility: visibility, request: request,
                         atLeast: atLeast, headers: extra) {
            try await runtime.runner.readAtPosition(projection) { db, position in (try compute(db, position), position) }
        }
    }

    /// `cached`, with an answer computed by `answer` (returning the checkpoint it reflects,
    /// read from `projection` after the wait).
    func cached(_ operation: String, projection: String, parameters: some Hashable & Sendable,
                visibility: ResponseCache.Visibility = .public, request: Request, atLeast: UInt64? = nil,
                headers extra: HTTPFields = [:],
                answer: @escaping @Sendable () async throws -> (Answer, UInt64)) async throws -> Response {
        let asked = try request.minPosition()
        if let minPosition = [asked, atLeast].compactMap({ $0 }).max() {
            try await runtime.runner.waitUntil(projection, reached: minPosition, timeout: wait)
        }
        let key = ResponseCache.Key(operation: operation, parameters: .init(parameters), visibility: visibility)
        let before = try runtime.runner.served(projection)
        let entry: ResponseCache.Entry
        if let hit = runtime.responses.lookup(key, served: before, now: runtime.clock.now()) {
            entry = hit
        } else {
            let (computed, position) = try await answer()
            entry = ResponseCache.Entry(served: ServedCheckpoint(file: before.file, position: position), body: computed.body,
                                        headers: computed.headers, validUntil: computed.validUntil)
            // Stored only when no swap came in between: then the read was of file `before.file`.
            if try runtime.runner.served(projection).file == before.file { runtime.responses.store(key, entry) }
        }
        var headers = entry.headers
        headers[.contentType] = "application/json"
        headers[.fabriekPosition] = "\(entry.served.position)"
        for field in extra { headers[field.name] = field.value }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: entry.body))
    }
}
