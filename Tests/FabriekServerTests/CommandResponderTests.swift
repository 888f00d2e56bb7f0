import EventLog
import Events
@testable import Fabriek
@testable import FabriekServer
import Foundation
import Hummingbird
import Testing

/// A command's answer is written field by field, and must be byte for byte what the generic
/// writer gives for the same dictionary (the shape `openapi.json` documents).
@Suite struct CommandResponderTests {
    static let member = UUID(uuidString: "7A3F0000-0000-4000-8000-00000000000A")!

    static func outcome(events: Int, replayed: Bool) -> CommandOutcome {
        let event = DomainEvent.member(.rateSet(MemberRateSet(memberId: member, unit: .hour, amountCents: 6_500)))
        var hash = [UInt8](repeating: 0, count: 32)
        for i in hash.indices { hash[i] = UInt8(i * 7 & 0xFF) }
        return CommandOutcome(stream: "member-\(member.uuidString.lowercased())", streamVersion: 3 + UInt64(events),
                              positions: (0..<UInt64(events)).map { 10_000_000_000 + $0 },
                              head: LogHead(position: 10_000_000_000 + UInt64(events), hash: ChainHash(bytes: hash)!),
                              events: Array(repeating: event, count: events), wasAlreadyStored: replayed)
    }

    /// The dictionary the answer was built from before it was written field by field.
    static func dictionary(_ o: CommandOutcome, extras: [String: Any]) -> [String: Any] {
        var body: [String: Any] = [
            "stream": o.stream, "streamVersion": o.streamVersion, "positions": o.positions, "position": o.head.position,
            "head": ["position": o.head.position, "hash": o.head.hash.hex], "events": o.events.map(\.typeName),
            "replayed": o.wasAlreadyStored,
        ]
        for (k, v) in extras { body[k] = v }
        return body
    }

    @Test("given outcomes with none, one and several events, with and without extra fields, then the body equals the generic writer's")
    func sameBytesAsTheDictionary() throws {
        let extrasCases: [[String: Any]] = [
            [:],
            ["memberId": Self.member.uuidString.lowercased()],
            ["bidId": "b", "awards": [["lot": 1, "bidId": "b"]], "aa": true, "zz": 7],
            ["stream": "replaced", "positions": [1, 2]],  // an extra replaces an outcome field
        ]
        for events in [0, 1, 3] {
            for replayed in [false, true] {
                for extras in extrasCases {
                    let o = Self.outcome(events: events, replayed: replayed)
                    let written = CommandResponder.body(o, extras: extras)
                    let expected = try JSONResponse.body(Self.dictionary(o, extras: extras))
                    #expect(String(buffer: written) == String(buffer: expected))
                }
            }
        }
    }
}
