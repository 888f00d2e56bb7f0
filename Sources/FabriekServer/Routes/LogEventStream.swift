import EventLog
import Events
import Foundation
import Hummingbird
import PersonalData
import ServiceLifecycle

/// `/api/v1/log/events?from=N` as server-sent events: every event after position `from - 1`
/// (or after `Last-Event-ID`, which wins), then live as commits arrive. Each message has
/// `id:` = the position and `data:` = one JSON object (envelope and the event's canonical
/// JSON with personal fields sealed). `limit` ends the stream after that many events (for
/// scripts); without it the stream follows until the client goes or the server stops: at a
/// graceful shutdown (SIGTERM/SIGINT) the stream ends, so it never holds the shutdown up.
///
/// The events of an erased member's stream are shown without the identifying fields that
/// `MemberRegistered` and `MemberRegistryVerified` written as schema version 1 hold in plaintext
/// (`tradeName`, `registryIds`, `registryId`, `vatId`): after erasure no answer identifies the
/// person. The log's bytes are unchanged (`/log/verify` checks those).
struct LogEventStream {
    let log: EventLog
    let vault: PersonalDataVault

    /// Plaintext fields of member events that identify an erased member (v1 events only: v2
    /// seals them with the member's key).
    static let identifyingFields = ["tradeName", "registryIds", "registryId", "vatId"]

    func response(for request: Request) throws -> Response {
        var after: UInt64 = 0
        if let from = try request.queryPosition("from") { after = from > 0 ? from - 1 : 0 }
        if let raw = request.headers[.lastEventID] {
            guard let last = UInt64(raw) else {
                throw Problem.badRequest("Last-Event-ID must be a log position", field: "Last-Event-ID", rule: "position", value: raw)
            }
            after = last
        }
        let limit = try request.queryInt("limit", default: Int.max, range: 1...Int.max)
        let log = log
        let vault = vault
        let start = after
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var sent = 0
            try await writer.write(ByteBuffer(string: ": fabriek log from \(start + 1)\n\n"))
            for try await event in log.subscribe(after: start).cancelOnGracefulShutdown() {
                try await writer.write(ByteBuffer(string: Self.message(event, vault: vault)))
                sent += 1
                if sent >= limit { break }
            }
            try await writer.finish(nil)
        })
    }

    static func message(_ event: RecordedEvent, vault: PersonalDataVault) -> String {
        var envelope: [String: Any] = [
            "position": event.position, "id": event.id.uuidString.lowercased(), "stream": event.stream,
            "streamVersion": event.streamVersion, "type": event.type, "schemaVersion": event.schemaVersion,
            "recordedAt": event.recordedAt.iso8601,
        ]
        if let decoded = try? EventCatalogue.decode(event), let json = try? decoded.canonicalJSON(context: .sealed),
           var object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] {
            if event.stream.hasPrefix("member-"), let member = UUID(uuidString: String(event.stream.dropFirst(7))),
               vault.isErased(subject: member) {
                for field in identifyingFields { object[field] = nil }
            }
            envelope["data"] = object
        }
        let data = (try? JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return "id: \(event.position)\nevent: \(event.type)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
    }
}
