import EventLog
import Events
import FabriekTestSupport
import Foundation
import PersonalData
import Synchronization
import Testing
@testable import Fabriek
import FabriekTestSupport

/// The application service pipelines commands through group commit: decisions are exact
/// (each sees every command accepted before it), concurrent commands share commits, and
/// nothing decided on top of a failed commit is acknowledged.
@Suite(.serialized) struct PipelinedCommitTests {
    private static func member(_ n: Int) -> UUID { Fixture.id(10_000 + n) }
    private static func kvk(_ n: Int) -> String { String(format: "%08d", 30_000_000 + n) }

    /// Holds appends back, once armed, as a slow first `fdatasync` would hold them: the first
    /// `count` appends wait until all `count` are queued, then go to the log in order, so how
    /// many commits they share does not depend on how fast this machine decides against how
    /// fast it syncs (a full parallel suite once spread 64 commands over 16 commits). A
    /// watchdog releases them after 30 s should fewer ever come: the test then fails, never hangs.
    final class Hold: Sendable {
        typealias Held = (appends: [StreamAppend], chain: AppendChain,
                          completion: @Sendable (Result<AppendResult, any Error>) -> Void)
        let count: Int
        /// nil: not armed, or released (appends go straight to the log).
        private let held = Mutex<[Held]?>(nil)
        init(count: Int) { self.count = count }

        func arm() { held.withLock { $0 = [] } }

        func enqueue(_ log: EventLog, _ appends: [StreamAppend], _ chain: AppendChain,
                     _ completion: @escaping @Sendable (Result<AppendResult, any Error>) -> Void) throws {
            let (released, first): ([Held]?, Bool) = held.withLock { h in
                guard var list = h else { return (nil, false) }
                list.append((appends, chain, completion))
                h = list.count == count ? nil : list
                return (list.count == count ? list : [], list.count == 1)
            }
            guard let released else {
                try log.enqueue(appends, chain: chain, completion: completion)
                return
            }
            if first && count > 1 {
                Thread.detachNewThread { [self] in
                    Thread.sleep(forTimeInterval: 30)
                    if let rest = held.withLock({ h -> [Held]? in defer { h = nil }; return h }) { Self.release(log, rest) }
                }
            }
            // Never answered from within `enqueue`: the pipeline holds its lock here.
            if released.count == count { Thread.detachNewThread { Self.release(log, released) } }
        }

        private static func release(_ log: EventLog, _ list: [Held]) {
            for r in list {
                do {
                    try log.enqueue(r.appends, chain: r.chain, completion: r.completion)
                } catch {
                    r.completion(.failure(error))
                }
            }
        }
    }

    /// A durable log whose service's appends go through a `Hold` of `count`.
    private static func harness(holdingFirst count: Int) throws -> (ServiceHarness, Hold) {
        let hold = Hold(count: count)
        let h = try ServiceHarness(durability: .fsync, makeService: { log, vault in
            try ApplicationService(
                log: log, vault: vault, reference: Fixture.reference, clock: .fixed(ServiceHarness.defaultNow),
                ids: .seeded(1), maxAttempts: 5,
                enqueueAppend: { log, appends, chain, completion in try hold.enqueue(log, appends, chain, completion) })
        })
        return (h, hold)
    }

    /// The first commit is held back (as a slow `fdatasync` would hold it) until every accepted
    /// command is queued behind it, so that how many commits they share does not depend on how
    /// fast this machine decides against how fast it syncs.
    @Test("given 64 concurrent registrations, two per KvK number, when run on a durable log while the first commit is slow, then one of each pair is accepted and they share far fewer than 64 commits")
    func concurrentCommandsShareCommits() async throws {
        let (h, hold) = try Self.harness(holdingFirst: 32)
        hold.arm()
        defer { h.close() }
        // when 64 registrations run at once; members 2k and 2k+1 claim the same KvK number
        let results = await withTaskGroup(of: (Int, Result<CommandOutcome, any Error>).self) { group in
            for i in 0..<64 {
                group.addTask {
                    do {
                        return (i, .success(try await ServiceScenario.register(Self.member(i), kvk: Self.kvk(i / 2), on: h.service)))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        // then exactly one registration per KvK number is accepted, the other refused by the rule
        for pair in 0..<32 {
            let outcomes = [results[2 * pair]!, results[2 * pair + 1]!]
            let accepted = outcomes.filter { if case .success = $0 { true } else { false } }
            #expect(accepted.count == 1, "KvK \(Self.kvk(pair)): \(outcomes)")
            for case .failure(let error) in outcomes {
                guard case .duplicateRegistryId = error as? DomainError else {
                    Issue.record("KvK \(Self.kvk(pair)): refused with \(error), expected duplicateRegistryId")
                    continue
                }
            }
        }
        // and the 32 accepted commands were committed in far fewer than 32 commits (the writer
        // takes everything queued while it wrote the previous commit)
        let head = h.log.head().position
        #expect(head == 32)
        let commits = h.log.commitRanges(from: 1, through: head)
        #expect(commits.count <= 8, "commits: \(commits)")
        // and every acknowledged position holds that member's registration
        for (i, result) in results {
            guard case .success(let outcome) = result else { continue }
            let event = try h.log.event(at: try #require(outcome.positions.first))
            #expect(event.stream == MemberDecider.streamId(Self.member(i)))
        }
    }

    @Test("given 64 concurrent commands on one stream, when run, then versions 2…65 are each acknowledged once, in few commits")
    func concurrentCommandsOnOneStream() async throws {
        let (h, hold) = try Self.harness(holdingFirst: 64)
        defer { h.close() }
        try await ServiceScenario.register(Fixture.a, kvk: ServiceScenario.kvk[0], on: h.service)
        hold.arm()
        let versions = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for i in 0..<64 {
                group.addTask {
                    try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                                command: .setRate(unit: .hour, amountCents: Int64(5_000 + i))).streamVersion
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(versions.sorted() == Array(2...65))
        #expect(try h.log.readStream(MemberDecider.streamId(Fixture.a)).map(\.streamVersion) == Array(1...65))
        let commits = h.log.commitRanges(from: 2, through: h.log.head().position)
        #expect(commits.count < 16, "commits: \(commits)")
    }

    /// The first command (registering member A) is held before the log, with every command
    /// queued after it, until two more are queued on top of it — a rate for A (valid only because
    /// A's registration is pending) and member B's registration (independent); then A's commit
    /// fails as a full disk would, and the held commands go to the log in order, on the same
    /// chain, as the log's own queue would hold them.
    @Test("given a commit that fails while commands decided on top of it wait in the log's queue, then none of them is written or acknowledged: each is decided again on the real state")
    func failedCommitAcknowledgesNothingOnTop() async throws {
        typealias Held = (appends: [StreamAppend], chain: AppendChain,
                          completion: @Sendable (Result<AppendResult, any Error>) -> Void)
        let held = Mutex<[Held]?>([])
        let queued = Mutex(0)
        let injected = LogError.diskFull(path: "injected", errno: 28)
        let h = try ServiceHarness(makeService: { log, vault in
            try ApplicationService(
                log: log, vault: vault, reference: Fixture.reference, clock: .fixed(time("2026-04-01T09:00:00Z")),
                ids: .seeded(5), maxAttempts: 5,
                enqueueAppend: { log, appends, chain, completion in
                    queued.withLock { $0 += 1 }
                    // Holds A's first registration and the two commands after it (nil: held
                    // ones released, later ones go straight to the log).
                    let release: [Held]? = held.withLock { h in
                        guard var list = h else { return nil }
                        list.append((appends, chain, completion))
                        h = list.count == 3 ? nil : list
                        return list.count == 3 ? list : []
                    }
                    guard let release else {
                        try log.enqueue(appends, chain: chain, completion: completion)
                        return
                    }
                    guard !release.isEmpty else { return }
                    // Never answered from within `enqueue`: the pipeline holds its lock here.
                    Thread.detachNewThread {
                        let a = release[0]
                        a.chain.markBroken()  // what the writer does before answering a failed append
                        a.completion(.failure(injected))
                        for r in release.dropFirst() {
                            do {
                                try log.enqueue(r.appends, chain: r.chain, completion: r.completion)
                            } catch {
                                r.completion(.failure(error))
                            }
                        }
                    }
                })
        })
        defer { h.close() }

        // when A's registration is queued and two commands are decided on top of it
        async let registerA = thrownError { try await ServiceScenario.register(Fixture.a, kvk: ServiceScenario.kvk[0], on: h.service) }
        let deadline = ContinuousClock.now + .seconds(30)
        while queued.withLock({ $0 }) == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        async let rateA = thrownError {
            _ = try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                            command: .setRate(unit: .hour, amountCents: 6_500))
        }
        async let registerB = thrownError { try await ServiceScenario.register(Fixture.b, kvk: ServiceScenario.kvk[1], on: h.service) }
        let (a, rate, b) = await (registerA, rateA, registerB)

        // then A's registration fails with the log's error
        #expect(a as? LogError == injected)
        // and the rate, decided on A's pending registration, is decided again: A does not exist
        guard case .notFound = rate as? DomainError else {
            Issue.record("the rate for A should be refused on the real state, got \(String(describing: rate))")
            return
        }
        // and B's registration, independent of A, is decided again and committed
        #expect(b == nil)
        let stored = try h.log.read(from: 1, maxCount: 10)
        #expect(stored.map(\.stream) == [MemberDecider.streamId(Fixture.b)])
        // and the directory forgot A's pending registration
        #expect(h.service.directory.status(of: Fixture.a) == nil)
        #expect(h.service.directory.status(of: Fixture.b) == .active)
        // and nothing is left in flight
        #expect(h.service.pipeline.openCount == 0)
    }

    @Test("given a command with an idempotency key, when it is retried — also by a new service on the reopened log — then the first outcome is returned and nothing is written twice")
    func idempotentRetry() async throws {
        let h = try ServiceHarness()
        defer { h.close() }
        let options = CommandOptions(idempotencyKey: "retry-1", idempotencyScope: "client-a")
        let first = try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                                command: .register(ServiceScenario.registration(Fixture.a, kvk: ServiceScenario.kvk[0])),
                                                options: options)
        let again = try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                                command: .register(ServiceScenario.registration(Fixture.a, kvk: ServiceScenario.kvk[0])),
                                                options: options)
        #expect(again.positions == first.positions)
        #expect(again.wasAlreadyStored)
        let restarted = try ApplicationService(log: h.log, vault: h.vault, reference: Fixture.reference,
                                               clock: .fixed(time("2026-04-01T09:00:00Z")), ids: .seeded(9))
        let afterRestart = try await restarted.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                                       command: .register(ServiceScenario.registration(Fixture.a, kvk: ServiceScenario.kvk[0])),
                                                       options: options)
        #expect(afterRestart.positions == first.positions)
        #expect(afterRestart.streamVersion == 1)
        #expect(h.log.head().position == 1)
        // and another client's same key is another command (refused here: A is registered)
        let other = await thrownError {
            _ = try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                            command: .register(ServiceScenario.registration(Fixture.a, kvk: ServiceScenario.kvk[0])),
                                            options: CommandOptions(idempotencyKey: "retry-1", idempotencyScope: "client-b"))
        }
        #expect(other is DomainError)
    }

    @Test("given an expected version that is not the stream's, then wrongExpectedVersion and nothing written")
    func expectedVersionMismatch() async throws {
        let h = try ServiceHarness()
        defer { h.close() }
        try await ServiceScenario.register(Fixture.a, kvk: ServiceScenario.kvk[0], on: h.service)
        let error = await thrownError {
            _ = try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(Fixture.a),
                                            command: .setRate(unit: .hour, amountCents: 6_500), options: CommandOptions(expectedVersion: 3))
        }
        guard case .wrongExpectedVersion(let stream, let expected, let actual) = error as? ServiceError else {
            Issue.record("expected ServiceError.wrongExpectedVersion, got \(String(describing: error))")
            return
        }
        #expect(stream == MemberDecider.streamId(Fixture.a) && expected == 3 && actual == 1)
        #expect(h.log.head().position == 1)
    }
}
