import EventLog
import Events
@testable import FabriekDemo
import FabriekTestSupport
import Foundation
import Testing
@testable import Fabriek

/// A realistic history (hundreds of members, consortia, tenders with lots and awards, YouRegion
/// work, activities) replays to the same states, and the same seed generates the same log.
///
/// The two logs are not byte-identical: personal data is sealed with a random key per member and
/// a random nonce per seal (AES-GCM), so `MemberRegistered` and `MemberTargetGroupsDeclared`
/// payloads — and therefore the chain hashes — differ. Everything else is equal, and the sealed
/// fields open to equal plaintext.
@Suite struct HistoryReplayTests {
    private static let scale = HistoryScale(members: 250, consortia: 10, tenders: 50, crossBorderAssignments: 15,
                                            activities: 25, membershipEnds: 10, erasures: 3)

    private func generate(seed: UInt64) async throws -> (ServiceHarness, HistorySummary) {
        let generator = HistoryGenerator(seed: seed, scale: Self.scale)
        let harness = try ServiceHarness(logClock: generator.clock.logClock) { log, vault in
            try generator.makeService(log: log, vault: vault, reference: ServiceHarness.reference)
        }
        return (harness, try await generator.run(on: harness.service))
    }

    /// Every stream's state, folded by its decider.
    private func states(_ service: ApplicationService) throws -> [String: AnyHashable] {
        var streams: [String] = []
        var seen: Set<String> = []
        try service.log.forEachEvent(from: 1) { view in
            let s = view.stream
            if seen.insert(s).inserted { streams.append(s) }
        }
        var result: [String: AnyHashable] = [:]
        for s in streams {
            if s.hasPrefix("member-") { result[s] = try service.state(MemberDecider.self, stream: s).state }
            else if s.hasPrefix("consortium-") { result[s] = try service.state(ConsortiumDecider.self, stream: s).state }
            else if s.hasPrefix("tender-") { result[s] = try service.state(TenderDecider.self, stream: s).state }
            else if s.hasPrefix("xborder-") { result[s] = try service.state(CrossBorderDecider.self, stream: s).state }
            else if s.hasPrefix("activity-") { result[s] = try service.state(ActivityDecider.self, stream: s).state }
            else if s.hasPrefix("goal-") { result[s] = try service.state(GoalDecider.self, stream: s).state }
            else { Issue.record("unexpected stream \(s)") }
        }
        return result
    }

    @Test func sameSeedGivesSameHistoryAndStates() async throws {
        let (first, summary) = try await generate(seed: 11)
        defer { first.close() }
        let (second, again) = try await generate(seed: 11)
        defer { second.close() }

        // the history is realistic and every command was accepted as planned
        #expect(summary.unexpectedRefusals.isEmpty)
        #expect(summary.members == 250 && summary.tenders >= 45 && summary.bids > 50 && summary.consortiumBids > 0)
        #expect(summary.awardsFinalised > 20 && summary.crossBorderRegistrations > 10 && summary.activities > 20)
        #expect(summary.erasures == 3 && summary.membershipsEnded > 0 && summary.a1Records > 0 && summary.invitations > 0)
        #expect(first.log.verify().isIntact)

        // the same seed gives the same commands: equal summaries, equal envelopes, equal facts
        #expect(summary.description.split(separator: "\n").dropFirst().elementsEqual(again.description.split(separator: "\n").dropFirst()))
        #expect(first.log.head().position == second.log.head().position)
        let a = try first.log.read(from: 1, maxCount: .max)
        let b = try second.log.read(from: 1, maxCount: .max)
        #expect(a.count == b.count)
        var sealedEvents = 0
        for (x, y) in zip(a, b) {
            #expect(x.id == y.id && x.stream == y.stream && x.streamVersion == y.streamVersion && x.type == y.type
                    && x.recordedAt == y.recordedAt && x.metadata == y.metadata)
            if x.payload != y.payload {
                sealedEvents += 1
                let jx = try EventCatalogue.decode(x).canonicalJSON(context: JSONContext(vault: first.vault))
                let jy = try EventCatalogue.decode(y).canonicalJSON(context: JSONContext(vault: second.vault))
                #expect(jx == jy, "\(x.type) at \(x.position)")
                #expect(x.type == MemberRegistered.typeName || x.type == MemberRegistryVerified.typeName
                        || x.type == MemberTargetGroupsDeclared.typeName)
            }
        }
        #expect(sealedEvents > 0)

        // folding every stream twice gives the same states, and the two logs fold alike
        let once = try states(first.service)
        let twice = try states(first.service)
        #expect(once == twice)
        #expect(once == (try states(second.service)))
        #expect(once.count > 300)

        // the recorded times lie in the programme period
        #expect(a.first!.recordedAt >= HistoryGenerator.instant(HistoryGenerator.programmeStart, hour: 0))
        #expect(a.last!.recordedAt <= HistoryGenerator.instant(HistoryGenerator.programmeEnd.adding(days: 1), hour: 0))
    }

    @Test func anotherSeedGivesAnotherHistory() async throws {
        let (first, _) = try await generate(seed: 11)
        defer { first.close() }
        let (other, summary) = try await generate(seed: 12)
        defer { other.close() }
        #expect(summary.unexpectedRefusals.isEmpty)
        #expect(try first.log.read(from: 1, maxCount: 1).first?.id != other.log.read(from: 1, maxCount: 1).first?.id)
    }

    @Test func generatedIdentifiersPassTheValidators() throws {
        var random = HistoryRandom(seed: 99)
        for _ in 0..<500 {
            #expect(throws: Never.self) { try KvKNumber(HistoryIdentifiers.kvk(&random)) }
            #expect(throws: Never.self) { try NLVATNumber(HistoryIdentifiers.soleTraderVAT(&random)) }
            #expect(throws: Never.self) { try NLVATNumber(HistoryIdentifiers.rsinVAT(&random)) }
            #expect(throws: Never.self) { try BEEnterpriseNumber(HistoryIdentifiers.belgianEnterprise(&random)) }
            #expect(throws: Never.self) { try DEVATNumber(HistoryIdentifiers.germanVAT(&random)) }
        }
        for skill in HistorySkills.all {
            for code in [skill.cpv] + skill.cpvInterests { #expect(throws: Never.self) { try CPVCode(code) } }
            #expect(throws: Never.self) { try SBICode(skill.sbi) }
        }
    }

    @Test func serviceWithAnotherClockIsRefused() async throws {
        let generator = HistoryGenerator(seed: 1, scale: .small)
        let h = try ServiceHarness()
        defer { h.close() }
        await #expect(throws: HistoryError.serviceClockNotStepping) { _ = try await generator.run(on: h.service) }
    }
}
