import EventLog
import Events
import Foundation
import Testing
@testable import Projections

@Suite struct AsOfReportTests {
    @Test func pastReportDoesNotChangeWhenEventsAreAppended() async throws {
        // Given the fixed history and a report as of the end of Q2
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        var writer = try await FixedHistory.write(to: log)
        let builder = ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil)
        let before = try builder.report(at: FixedHistory.endOfQ2)
        // When later events are appended (a new member, another tender and meetup)
        try await writer.append(T.stream("member", T.id(90)), MemberRegistered(
            memberId: T.id(90), kind: .soleTrader, residenceCountry: .nl, personal: T.sealedPlaceholder, buurt: "Wyck",
            joinedOn: T.day(2026, 8, 1)).domainEvent, at: T.at(2026, 8, 1))
        try await writer.append(T.stream("activity", T.id(91)), ProgrammeActivityHeld(
            activityId: T.id(91), title: "Zomerborrel", focusAreas: [.ontmoetend], activityType: .meetup, heldOn: T.day(2026, 6, 20),
            durationMinutes: 60, buurt: "Amby", attendingMemberIds: [T.member(1)], externalAttendeeCount: 0, partners: [],
            crossBorder: false).domainEvent, at: T.at(2026, 8, 2))
        let after = try builder.report(at: FixedHistory.endOfQ2)
        // Then the report as of the end of Q2 is byte for byte the same
        #expect(after.asOf == before.asOf)
        #expect(after.contentHash == before.contentHash)
        #expect(ReportJSON.render(after) == ReportJSON.render(before))
        #expect(ReportHTML.render(after) == ReportHTML.render(before))
        // while a report as of now sees the late-recorded Q2 meetup.
        let now = try builder.report(asOf: log.head().position)
        #expect(now.cell("ONT-1", period: "2026-Q2")?.value == 2)
        #expect(before.cell("ONT-1", period: "2026-Q2")?.value == 1)
    }

    @Test func statesThePositionAndTheChainHashAtIt() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let position = log.position(at: FixedHistory.endOfQ2)
        let report = try YouRegionReportBuilder(log: log).report(asOf: position)
        #expect(report.asOf.position == position)
        // The head hash verifies against the log.
        #expect(log.verify(upTo: report.asOf).isIntact)
        #expect(log.head(at: log.head().position) == log.head())
    }

    @Test func refusesAPositionInsideACommit() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let events = (1...3).map { _ in ProposedEvent(type: "X", payload: [1]) }
        _ = try await log.append(stream: "s", expectedVersion: .any, events: events)
        #expect(throws: ReportError.notACommitEnd(position: 2, head: 3)) {
            _ = try YouRegionReportBuilder(log: log).report(asOf: 2)
        }
    }
}
