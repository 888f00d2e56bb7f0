import EventLog
import Events
import Foundation
import PersonalData
import Testing
@testable import Projections

/// DOMAIN.md, "Erasure versus reproducibility": an issued report is reproduced from its
/// `ProgrammeReportIssued` byte for byte forever; a report computed afresh says which inputs it
/// could not read and marks the cells that depend on them.
@Suite struct IssuedReportTests {
    /// Six members, each declaring `armoede` (sealed with their key).
    func history() async throws -> (TestStore, EventLog, PersonalDataVault) {
        try await TargetGroupHistory.make(count: 6) { _ in [.armoede] }
    }

    func formats(_ r: Report) -> [String] { [ReportJSON.render(r), ReportCSV.render(r), ReportMarkdown.render(r), ReportHTML.render(r)] }

    @Test func anIssuedReportIsReproducedByteForByteAfterAnErasure() async throws {
        // Given a report issued into the log
        let (store, log, vault) = try await history()
        defer { store.remove() }
        let builder = ProgrammeReportBuilder(log: log, geography: T.geography, vault: vault)
        let position = log.head().position
        let issued = try builder.report(asOf: position)
        #expect(issued.cell("SOC-1", breakdown: "targetGroup=armoede")?.value == 6 && issued.notes.isEmpty)
        try await issue(issued, reportId: T.id(240), log: log, store: store, vault: vault)
        // When member 1 is erased (key destroyed, MemberErased recorded after the position)
        try vault.erase(subject: T.member(1), at: T.at(2026, 3, 1))
        _ = try await log.append(stream: T.stream("member", T.member(1)), expectedVersion: .any, events: [ProposedEvent(
            id: T.id(242), type: MemberErased.typeName,
            payload: MemberErased(memberId: T.member(1), erasedAt: T.at(2026, 3, 1), reason: .dataSubjectRequest).encodePayload())])
        // Then the issued report reproduces every format byte for byte, with or without keys,
        let reproduced = try IssuedReports.report(T.id(240), in: log)
        #expect(formats(reproduced) == formats(issued))
        #expect(reproduced.contentHash == issued.contentHash)
        // while a report computed afresh says it could not read one member's groups and marks the cells.
        let fresh = try builder.report(asOf: position)
        #expect(fresh.cell("SOC-1", breakdown: "targetGroup=armoede")?.value == 5)
        #expect(fresh.cell("SOC-1", breakdown: "targetGroup=armoede")?.incomplete == true)
        #expect(fresh.cell("SOC-1")?.incomplete == false)
        let note = try #require(fresh.notes.first)
        #expect(note.contains("Niet leesbare invoer") && note.contains("van 1 lid is de sleutel sinds deze positie vernietigd"))
        #expect(ReportMarkdown.render(fresh).contains("5*"))
        #expect(ReportJSON.render(fresh).contains("\"incomplete\":true"))
    }

    @Test func aReportWithoutTheKeysSaysSo() async throws {
        // Given the history read without its key store (an export imported without keys.sqlite)
        let (store, log, _) = try await history()
        defer { store.remove() }
        let otherVault = try PersonalDataVault.open(directory: store.root + "/other", environment: ["FABRIEK_MASTER_KEY": String(repeating: "ef", count: 32)])
        for vault in [nil, otherVault] {
            let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: vault).report(asOf: log.head().position)
            // Then no target group is counted, the annex says six members' groups could not be read
            #expect(report.cell("SOC-1", breakdown: "targetGroup=armoede") == nil)
            #expect(report.notes.first?.contains("van 6 leden zijn de doelgroepen versleuteld en is geen sleutel beschikbaar") == true)
            // and the other figures stand.
            #expect(report.cell("SOC-1")?.value == 6)
        }
    }

    @Test func issuedReportsAreListedAndUnknownIdsRefused() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: log.head().position)
        try await issue(report, reportId: T.id(243), log: log, store: store)
        let all = try IssuedReports.all(in: log)
        #expect(all.map(\.reportId) == [T.id(243)] && all.first?.content == report.canonicalContent.bytes)
        #expect(throws: IssuedReportError.notFound(T.id(245))) { _ = try IssuedReports.report(T.id(245), in: log) }
        // The recorded content reads back into the same report.
        #expect(try Report(content: report.canonicalContent.bytes).canonicalContent == report.canonicalContent)
    }
}
