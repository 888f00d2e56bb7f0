import EventLog
import Events
import FabriekTestSupport
import Foundation
import Testing
@testable import Fabriek

/// The application service's retry on a version conflict: another writer appends to the stream
/// between the service's load and its append; the service reloads, decides again on the new
/// state and appends after the other writer's event. Nothing is lost or duplicated.
///
/// Serialized: the interloper blocks one cooperative thread while its append completes; two such
/// tests at once could block both threads of a 2-core machine.
@Suite(.serialized) struct ServiceConflictRetryTests {
    /// Appends a `MemberRateSet` directly to the log (behind the service's back) the next
    /// `times` times the service reads its clock, i.e. between loading the stream and appending.
    final class Interloper: @unchecked Sendable {
        // @unchecked: `remaining` and `log` are touched only under `lock`.
        private let lock = NSLock()
        private var remaining = 0
        private var log: EventLog?
        private let stream = MemberDecider.streamId(Fixture.a)
        private(set) var appended: [Int64] = []

        func arm(times: Int, log: EventLog) {
            lock.withLock { remaining = times; self.log = log }
        }

        func fire() {
            let next: (EventLog, Int64)? = lock.withLock {
                guard remaining > 0, let log else { return nil }
                remaining -= 1
                let amount = Int64(9_000 + appended.count)
                appended.append(amount)
                return (log, amount)
            }
            guard let (log, amount) = next else { return }
            let event = DomainEvent.member(.rateSet(MemberRateSet(memberId: Fixture.a, unit: .hour, amountCents: amount)))
            let done = DispatchSemaphore(value: 0)
            let stream = stream
            Task.detached {
                _ = try? await log.append(stream: stream, expectedVersion: .any, events: [event.proposed()])
                done.signal()
            }
            done.wait()
        }
    }

    private func harness(interloper: Interloper, maxAttempts: Int) throws -> ServiceHarness {
        try ServiceHarness(makeService: { log, vault in
            try ApplicationService(log: log, vault: vault, reference: Fixture.reference,
                                   clock: ServiceClock { interloper.fire(); return time("2026-04-01T09:00:00Z") },
                                   ids: .seeded(3), maxAttempts: maxAttempts)
        })
    }

    private func rates(_ log: EventLog) throws -> [Int64] {
        try log.readStream(MemberDecider.streamId(Fixture.a)).compactMap {
            if case .member(.rateSet(let r)) = try EventCatalogue.decode($0) { return r.amountCents }
            return nil
        }
    }

    @Test func conflictIsRetriedOnTheNewState() async throws {
        let interloper = Interloper()
        let h = try harness(interloper: interloper, maxAttempts: 5)
        defer { h.close() }
        // given member A (version 1)
        try await ServiceScenario.register(Fixture.a, kvk: ServiceScenario.kvk[0], on: h.service)
        // when another writer appends between the service's load and append, twice
        interloper.arm(times: 2, log: h.log)
        let outcome = try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                                  command: .setRate(unit: .hour, amountCents: 6_500))
        // then the command lands after both interlopers' events, at version 4
        #expect(outcome.streamVersion == 4)
        #expect(try rates(h.log) == [9_000, 9_001, 6_500])
        #expect(try h.log.readStream(MemberDecider.streamId(Fixture.a)).map(\.streamVersion) == [1, 2, 3, 4])
    }

    @Test func tooManyConflictsWriteNothingOfTheCommand() async throws {
        let interloper = Interloper()
        let h = try harness(interloper: interloper, maxAttempts: 3)
        defer { h.close() }
        try await ServiceScenario.register(Fixture.a, kvk: ServiceScenario.kvk[0], on: h.service)
        interloper.arm(times: 3, log: h.log)
        let error = await thrownError {
            _ = try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                            command: .setRate(unit: .hour, amountCents: 6_500))
        }
        guard case let .tooManyConflicts(stream, attempts)? = error as? ServiceError else {
            Issue.record("expected tooManyConflicts, got \(String(describing: error))")
            return
        }
        #expect(stream == MemberDecider.streamId(Fixture.a) && attempts == 3)
        #expect(try rates(h.log) == [9_000, 9_001, 9_002])
    }

    /// Two service instances on one log (each with its own gate) issue commands to one stream
    /// at the same time: every command is stored once, versions are 1…n without gaps, and each
    /// outcome reports its own version.
    @Test func twoInstancesOnOneStreamLoseNothing() async throws {
        let h = try ServiceHarness()
        defer { h.close() }
        try await ServiceScenario.register(Fixture.a, kvk: ServiceScenario.kvk[0], on: h.service)
        let first = try ApplicationService(log: h.log, vault: h.vault, reference: Fixture.reference,
                                           clock: .fixed(time("2026-04-01T09:00:00Z")), ids: .seeded(10), maxAttempts: 100)
        let second = try ApplicationService(log: h.log, vault: h.vault, reference: Fixture.reference,
                                            clock: .fixed(time("2026-04-01T09:00:00Z")), ids: .seeded(20), maxAttempts: 100)
        let perInstance = 25
        let versions = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for i in 0..<(2 * perInstance) {
                let service = i.isMultiple(of: 2) ? first : second
                group.addTask {
                    try await service.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                              command: .setRate(unit: .hour, amountCents: Int64(5_000 + i))).streamVersion
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let n = UInt64(2 * perInstance)
        #expect(versions.sorted() == Array(2...(n + 1)))
        #expect(try h.log.readStream(MemberDecider.streamId(Fixture.a)).map(\.streamVersion) == Array(1...(n + 1)))
        #expect(try rates(h.log).sorted() == (0..<(2 * perInstance)).map { Int64(5_000 + $0) })
        #expect(h.log.verify().isIntact)
    }
}
