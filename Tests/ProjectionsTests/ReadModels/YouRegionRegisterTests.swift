import Foundation
import GRDB
import Testing
@testable import Projections

@Suite struct YouRegionRegisterTests {
    @Test func registrationsByDirectionRegionPeriodAndA1() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let db = try InMemoryFold.run(YouRegionProjector(), log: log)
        try db.now { db throws in
            #expect(try YouRegionRegister.counts(db, by: .direction).map { "\($0.0)=\($0.1)" } == ["BE/DE→NL=1", "NL→BE=1", "NL→DE=1"])
            #expect(try YouRegionRegister.counts(db, by: .period).map { "\($0.0)=\($0.1)" } == ["2026-Q1=1", "2026-Q2=2"])
            #expect(try YouRegionRegister.counts(db, by: .a1Status, period: "2026-Q2").map { "\($0.0)=\($0.1)" } == ["applied=1", "none=1"])
            let toBelgium = try YouRegionRegister.registrations(db, .init(workCountry: "BE"))
            #expect(toBelgium.map(\.region) == ["BE_LIEGE"])
            #expect(toBelgium.first?.a1BeforeStart == true)
            // An A1 applied for after the start does not count as before the start.
            #expect(try YouRegionRegister.registrations(db, .init(direction: "NL→DE")).first?.a1BeforeStart == false)
        }
    }
}
