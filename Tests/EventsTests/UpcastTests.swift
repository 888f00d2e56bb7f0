import EventLog
import Events
import Foundation
import Testing

@Suite struct UpcastTests {
    @Test func memberRateSetV1InEurosIsReadAsV2InCents() throws {
        let v1 = MemberRateSetV1(memberId: Fixtures.member, unit: .hour, amountEuros: 45)
        let recorded = RecordedEvent(position: 7, id: Fixtures.id(77), stream: "member-x", streamVersion: 3,
                                     type: "MemberRateSet", schemaVersion: 1, recordedAt: Fixtures.time,
                                     metadata: [:], payload: v1.encodePayload())
        let decoded = try EventCatalogue.decode(recorded)
        #expect(decoded == MemberRateSet(memberId: Fixtures.member, unit: .hour, amountCents: 4_500).domainEvent)
        #expect(MemberRateSet.schemaVersion == 2)
    }

    @Test func registryChainsAndReportsGaps() throws {
        let registry = UpcasterRegistry([
            Upcaster(typeName: "T", fromVersion: 1) { $0 + [1] },
            Upcaster(typeName: "T", fromVersion: 2) { $0 + [2] },
        ])
        #expect(try registry.upcast(type: "T", payload: [0], from: 1, to: 3) == [0, 1, 2])
        #expect(try registry.upcast(type: "T", payload: [0], from: 3, to: 3) == [0])
        #expect(throws: UpcastError.missingUpcaster(type: "T", fromVersion: 3)) {
            _ = try registry.upcast(type: "T", payload: [0], from: 1, to: 4)
        }
    }

    @Test func overflowingEurosAreRefused() {
        let v1 = MemberRateSetV1(memberId: Fixtures.member, unit: .fixed, amountEuros: .max / 10)
        #expect(throws: UpcastError.self) {
            _ = try v1.encodePayload().withUnsafeBytes {
                try EventCatalogue.decode(type: "MemberRateSet", schemaVersion: 1, payload: $0)
            }
        }
    }
}
