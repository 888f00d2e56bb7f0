import GRDB
import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird

/// Runs a command for a request: `If-Match` as the expected stream version, `Idempotency-Key`
/// (scoped to the token) for safe retries, the caller recorded as the events' actor. Answers
/// once the command is durable, with the positions written in the body and `Fabriek-Position`,
/// and the stream's new version as `ETag`.
struct CommandResponder: Sendable {
    let runtime: ServerRuntime

    /// `extra` fields join the body; so do `describe`'s, read from the outcome (the events
    /// written, or stored by the first of idempotent retries).
    func run<D: Decider>(_ decider: D.Type, stream: String, command: D.Command, request: Request,
                         context: FabriekContext, created: Bool = false, extra: [String: Any] = [:],
                         describe: ((CommandOutcome) -> [String: Any])? = nil) async throws -> Response {
        let caller = try context.caller
        let options = try Self.options(request, caller: caller)
        let outcome = try await runtime.service.execute(
            decider, stream: stream, command: command,
            metadata: CommandMetadata(actor: caller.name, role: caller.role.rawValue), options: options)
        var body: [String: Any] = [
            "stream": outcome.stream,
            "streamVersion": outcome.streamVersion,
            "positions": outcome.positions,
            "position": outcome.head.position,
            "head": ["position": outcome.head.position, "hash": outcome.head.hash.hex],
            "events": outcome.events.map(\.typeName),
            "replayed": outcome.wasAlreadyStored,
        ]
        for (k, v) in extra { body[k] = v }
        for (k, v) in describe?(outcome) ?? [:] { body[k] = v }
        var headers = HTTPFields()
        headers[.fabriekPosition] = "\(outcome.head.position)"
        headers[.eTag] = "\"\(outcome.streamVersion)\""
        let status: HTTPResponse.Status = created && !outcome.positions.isEmpty && !outcome.wasAlreadyStored ? .created : .ok
        return try JSONResponse.make(body, status: status, headers: headers)
    }

    /// The id of the entity a create route makes: `given` (the body's), else derived from the
    /// request's `Idempotency-Key` (so a retry names the same entity and gets the first
    /// answer, also after a restart), else random (`CommandOptions.createdID`).
    static func createdID(_ given: UUID?, field: String, request: Request, context: FabriekContext) throws -> UUID {
        if let given { return given }
        return try options(request, caller: try context.caller).createdID(field)
    }

    /// `If-Match` as the expected version and `Idempotency-Key` scoped to the caller's token.
    private static func options(_ request: Request, caller: Principal) throws -> CommandOptions {
        let key = request.headers[.idempotencyKey]
        if let key, key.isEmpty || key.utf8.count > 200 {
            throw Problem.badRequest("Idempotency-Key must be 1 to 200 characters", field: "Idempotency-Key", rule: "length", value: key)
        }
        return CommandOptions(expectedVersion: try request.ifMatchVersion(), idempotencyKey: key, idempotencyScope: caller.name)
    }
}
