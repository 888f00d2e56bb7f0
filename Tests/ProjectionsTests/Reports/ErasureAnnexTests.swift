import EventLog
import Events
import Fabriek
import Foundation
import PersonalData
import Testing
@testable import Projections

/// Target-group figures come from sealed data; an issued report keeps its values after an
/// erasure changes what a recomputation can read, and the recomputation's annex says so.
@Suite struct ErasureAnnexTests {
    /// Seven members; six declare `armoede`, two of them also `age55Plus`.
    func history() async throws -> (TestStore, EventLog, PersonalDataVault) {
        try await TargetGroupHistory.make(count: 7) { n in n > 6 ? [] : n <= 2 ? [.armoede, .age55Plus] : [.armoede] }
    }

    @Test func targetGroupsAreCountedAndSmallOnesSuppressed() async throws {
        let (store, log, vault) = try await history()
        defer { store.remove() }
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: vault).report(asOf: log.head().position)
        #expect(report.cell("SOC-1", breakdown: "targetGroup=armoede")?.value == 6)
        #expect(report.cell("SOC-1", breakdown: "measure=share;targetGroup=armoede")?.value == 857)  // 6 of 7
        #expect(report.cell("SOC-1", breakdown: "targetGroup=age55Plus")?.suppressed == true)
        // The read model holds counts, never whose groups they are.
        let db = try InMemoryFold.run(ProgrammeKPIProjector(geography: T.geography, vault: vault), log: log)
        let tables = try db.now { try String.fetchAll($0, sql: "SELECT sql FROM sqlite_master WHERE sql LIKE '%grp%'") }
        #expect(tables.allSatisfy { s in !s.contains("member_id") })
    }

    @Test func withdrawalSubtractsTheGroups() async throws {
        let (store, log, vault) = try await history()
        defer { store.remove() }
        _ = try await log.append(stream: T.stream("member", T.member(3)), expectedVersion: .any, events: [ProposedEvent(
            id: T.id(250), type: MemberTargetGroupsWithdrawn.typeName,
            payload: MemberTargetGroupsWithdrawn(memberId: T.member(3), consentId: T.id(203), withdrawnAt: T.at(2026, 4, 1)).encodePayload(),
            recordedAt: T.at(2026, 4, 1))])
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: vault).report(asOf: log.head().position)
        #expect(report.cell("SOC-1", breakdown: "targetGroup=armoede")?.value == 5)
        #expect(report.cell("SOC-1", period: "2026-Q1", breakdown: "targetGroup=armoede")?.value == 6)
    }

    @Test func issuedReportStaysTheRecordAfterAnErasure() async throws {
        // Given a report issued into the log
        let (store, log, vault) = try await history()
        defer { store.remove() }
        let builder = ProgrammeReportBuilder(log: log, geography: T.geography, vault: vault)
        let position = log.head().position
        let issued = try builder.report(asOf: position)
        let service = try ApplicationService(log: log, vault: vault, reference: T.reference)
        _ = try await service.execute(ReportDecider.self, stream: ReportDecider.streamId(T.id(240)),
                                  command: .issue(issued.issuedEvent(reportId: T.id(240))))
        // a recomputation before any erasure matches it and needs no note
        #expect(try builder.report(asOf: position).notes.isEmpty)
        let recorded = try #require(try IssuedReports.all(in: log).first)
        #expect(recorded.asOfPosition == position && recorded.headHash == issued.asOf.hash.bytes)
        #expect(ChainHash(bytes: recorded.contentHash)?.hex == issued.contentHash)
        #expect(recorded.kpiValues.contains { $0.kpiCode == "SOC-1" && $0.breakdown == "period=programme;targetGroup=armoede" && $0.value == 6 })
        // When member 1 is erased (key destroyed, MemberErased recorded)
        try vault.erase(subject: T.member(1), at: T.at(2026, 3, 1))
        _ = try await log.append(stream: T.stream("member", T.member(1)), expectedVersion: .any, events: [ProposedEvent(
            id: T.id(242), type: MemberErased.typeName,
            payload: MemberErased(memberId: T.member(1), erasedAt: T.at(2026, 3, 1), reason: .dataSubjectRequest).encodePayload())])
        // Then a recomputation as of the same position differs in target-group cells only,
        let recomputed = try builder.report(asOf: position)
        #expect(recomputed.asOf == issued.asOf)
        #expect(recomputed.cell("SOC-1", breakdown: "targetGroup=armoede")?.value == 5)
        #expect(recomputed.cell("SOC-1")?.value == 7)
        // and its annex names the issued report, its content hash and the differing cells.
        let note = try #require(recomputed.notes.first { $0.hasPrefix("Issued report") })
        #expect(note.contains(String(id: T.id(240))) && note.contains(issued.contentHash))
        #expect(note.contains("SOC-1 period=programme;targetGroup=armoede"))
        #expect(!note.contains("FAC-1"))
        #expect(ReportMarkdown.render(recomputed).contains("### Notities"))
        #expect(recomputed.contentHash != issued.contentHash)
    }
}
