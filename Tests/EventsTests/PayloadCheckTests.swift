import EventLog
import Events
import Foundation
import Testing

/// The catalogue's check before every append: no event the readers cannot decode reaches the log.
@Suite struct PayloadCheckTests {
    @Test("given every fixture event, when checked, then it decodes to itself")
    func everyCatalogueEventPasses() throws {
        for event in Fixtures.events {
            #expect(try EventCatalogue.check(event.proposed()) == event)
        }
    }

    @Test("given a BidSubmitted whose payload is AAAA, when checked, then the payload field is refused")
    func undecodablePayloadIsRefused() throws {
        let poison = ProposedEvent(type: "BidSubmitted", schemaVersion: 1, payload: [0, 0, 0])
        #expect {
            _ = try EventCatalogue.check(poison)
        } throws: { error in
            guard let e = error as? PayloadRejection else { return false }
            return e.field == "payload" && e.rule.contains("must decode as BidSubmitted")
        }
    }

    @Test("given schema version 99 or 0, when checked, then schemaVersion is refused")
    func impossibleSchemaVersionsAreRefused() throws {
        let good = Fixtures.events[0].proposed()
        for version: UInt32 in [0, 99] {
            var e = good
            e.schemaVersion = version
            #expect {
                _ = try EventCatalogue.check(e)
            } throws: { ($0 as? PayloadRejection)?.field == "schemaVersion" }
        }
    }

    @Test("given a type the catalogue does not list, when checked, then type is refused")
    func unknownTypeIsRefused() throws {
        #expect {
            _ = try EventCatalogue.check(ProposedEvent(type: "BidSubmited", payload: []))
        } throws: { ($0 as? PayloadRejection)?.field == "type" }
    }

    @Test("given a log, when appendChecked gets one poison event among good ones, then nothing is written")
    func appendCheckedWritesNothingOnPoison() async throws {
        let dir = NSTemporaryDirectory() + "fabriek-payload-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try EventLog.open(directory: dir, options: .init(durability: .none))
        let good = Fixtures.events[0].proposed()
        let poison = ProposedEvent(type: "BidSubmitted", schemaVersion: 1, payload: [0, 0, 0])
        await #expect(throws: PayloadRejection.self) {
            _ = try await log.appendChecked([
                StreamAppend(stream: "member-a", expectedVersion: .any, events: [good]),
                StreamAppend(stream: "tender-b", expectedVersion: .any, events: [poison]),
            ])
        }
        #expect(log.head().position == 0)
        let ok = try await log.appendChecked(stream: "member-a", expectedVersion: .noStream, events: [good])
        #expect(ok.positions == [1])
        try log.close()
    }
}
