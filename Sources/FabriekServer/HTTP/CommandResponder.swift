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
        var extras = extra
        for (k, v) in describe?(outcome) ?? [:] { extras[k] = v }
        var headers = HTTPFields()
        headers[.fabriekPosition] = "\(outcome.head.position)"
        headers[.eTag] = "\"\(outcome.streamVersion)\""
        let status: HTTPResponse.Status = created && !outcome.positions.isEmpty && !outcome.wasAlreadyStored ? .created : .ok
        return JSONResponse.make(body: Self.body(outcome, extras: extras), status: status, headers: headers)
    }

    /// The fields every command answers with, in key order.
    static let outcomeFields = ["events", "head", "position", "positions", "replayed", "stream", "streamVersion"]

    /// The answer's body: the outcome's fields (`outcomeFields`) and `extras` in key order, an
    /// extra replacing an outcome field of the same name; byte for byte what `JSONWriter.value`
    /// writes for the same dictionary, without building it (boxing every value as `Any` and
    /// casting it back took ~3% of a command's CPU under load).
    static func body(_ outcome: CommandOutcome, extras: [String: Any]) -> ByteBuffer {
        var w = JSONWriter(capacity: 384 + 24 * outcome.positions.count)
        w.beginObject()
        // The outcome's fields (sorted already) merged with the extras' keys (a few), in order.
        let extraKeys = extras.count == 1 ? [extras.first!.key] : extras.keys.sorted()
        var e = 0
        var o = 0
        while o < outcomeFields.count || e < extraKeys.count {
            if e < extraKeys.count && (o == outcomeFields.count || extraKeys[e] <= outcomeFields[o]) {
                let key = extraKeys[e]
                if o < outcomeFields.count && outcomeFields[o] == key { o += 1 }
                e += 1
                w.key(key)
                w.value(extras[key]!)
                continue
            }
            w.key(outcomeFields[o])
            switch o {  // the index in `outcomeFields`
            case 0: w.array(strings: outcome.events.map(\.typeName))
            case 1:
                w.beginObject()
                w.field("hash", outcome.head.hash.hex)
                w.field("position", Int64(outcome.head.position))
                w.endObject()
            case 2: w.unsigned(outcome.head.position)
            case 3: w.array(unsigned: outcome.positions)
            case 4: w.bool(outcome.wasAlreadyStored)
            case 5: w.string(outcome.stream)
            default: w.unsigned(outcome.streamVersion)
            }
            o += 1
        }
        w.endObject()
        return ByteBuffer(bytes: w.bytes)
    }

    /// The id of the entity a create route makes: `given` (the body's), else derived from the
    /// request's `Idempotency-Key` (so a retry names the same entity and gets the first
    /// answer, also after a restart), else new and time-ordered (`CommandOptions.createdID`).
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
