import Foundation
import Synchronization
import Testing
@testable import EventLog

/// `enqueue(_:chain:completion:)`: appends decided on each other are answered in order, each
/// once durable, and nothing queued after one that was not written is attempted.
@Suite struct AppendChainTests {
    static func event(_ text: String) -> ProposedEvent { ProposedEvent(type: "T", payload: Array(text.utf8)) }

    /// The answers of chained appends, by number, in the order they came.
    final class Answers: Sendable {
        private let list = Mutex<[(Int, Result<AppendResult, any Error>)]>([])
        func add(_ n: Int, _ result: Result<AppendResult, any Error>) { list.withLock { $0.append((n, result)) } }
        var all: [(Int, Result<AppendResult, any Error>)] { list.withLock { $0 } }
    }

    /// Queues `appends` on `chain` and records each answer under its number in `answers`.
    static func enqueue(_ log: EventLog, _ chain: AppendChain, _ appends: [(Int, StreamAppend)], into answers: Answers) throws {
        for (n, append) in appends {
            try log.enqueue([append], chain: chain) { result in answers.add(n, result) }
        }
    }

    static func waitFor(_ count: Int, _ answers: Answers) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while answers.all.count < count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test("given 200 chained appends on a durable log, when queued at once, then each is answered in order with its own positions, in far fewer commits, and the commit figures count them all")
    func chainedAppendsShareCommitsInOrder() async throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temp) }
        let log = try EventLog.open(directory: temp, options: .init(durability: .fsync))
        let figures = Mutex<(commits: Int, appends: Int, events: Int)>((0, 0, 0))
        let chain = AppendChain { appends, events, _ in figures.withLock { $0.commits += 1; $0.appends += appends; $0.events += events } }
        let answers = Answers()
        // when 200 appends, stream s-(i % 4) at its next version, are queued without waiting
        try Self.enqueue(log, chain, (0..<200).map { i in
            (i, StreamAppend(stream: "s-\(i % 4)", expectedVersion: i < 4 ? .noStream : .exact(UInt64(i / 4)),
                             events: [Self.event("event \(i)")]))
        }, into: answers)
        try await Self.waitFor(200, answers)
        // (the writer reports a commit's figures right after answering its appends)
        let deadline = ContinuousClock.now + .seconds(30)
        while figures.withLock({ $0.appends }) < 200 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        let got = answers.all
        // then they are answered in the order queued, each with the next position
        #expect(got.map(\.0) == Array(0..<200))
        #expect(try got.map { try $0.1.get().positions } == (1...200).map { [UInt64($0)] })
        // and they share commits, each counted once in the chain's figures
        let commits = log.commitRanges(from: 1, through: 200).count
        #expect(commits < 200, "commits: \(commits)")
        let counted = figures.withLock { $0 }
        #expect(counted.commits == commits && counted.appends == 200 && counted.events == 200)
        try log.close()
    }

    @Test("given a chained append refused for its expected version, then no later append of that chain is attempted, appends outside it are, and a new chain continues")
    func aRefusedAppendBreaksTheChain() async throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temp) }
        let log = try EventLog.open(directory: temp, options: .init(durability: .fsync))
        let chain = AppendChain()
        let answers = Answers()
        // when the second of four chained appends expects a version its stream does not have
        try Self.enqueue(log, chain, [
            (0, StreamAppend(stream: "a", expectedVersion: .noStream, events: [Self.event("a1")])),
            (1, StreamAppend(stream: "b", expectedVersion: .exact(7), events: [Self.event("b1")])),
            (2, StreamAppend(stream: "c", expectedVersion: .noStream, events: [Self.event("c1")])),
            (3, StreamAppend(stream: "a", expectedVersion: .exact(1), events: [Self.event("a2")])),
        ], into: answers)
        // and an append outside the chain is made meanwhile
        let outside = try await log.append(stream: "d", expectedVersion: .noStream, events: [Self.event("d1")])
        try await Self.waitFor(4, answers)
        let got = answers.all
        #expect(got.map(\.0) == [0, 1, 2, 3])
        // then the first is written, the second refused, and the two after it are not attempted
        #expect((try? got[0].1.get()) != nil)
        guard case .failure(LogError.wrongExpectedVersion) = got[1].1 else {
            Issue.record("the second append was not refused for its version: \(got[1].1)")
            return
        }
        for (n, result) in got.suffix(2) {
            guard case .failure(let error) = result, error is AppendChainBroken else {
                Issue.record("append \(n) after the refused one was attempted: \(result)")
                continue
            }
        }
        #expect(chain.isBroken)
        // and the log holds only the first chained append and the one outside the chain
        #expect(try log.read(from: 1, maxCount: 10).map(\.stream).sorted() == ["a", "d"])
        #expect(outside.positions.count == 1)
        // and a later append of the broken chain is not attempted either, while a new chain is
        let late = Answers()
        try Self.enqueue(log, chain, [(4, StreamAppend(stream: "e", expectedVersion: .noStream, events: [Self.event("e1")]))], into: late)
        try Self.enqueue(log, AppendChain(), [(5, StreamAppend(stream: "a", expectedVersion: .exact(1), events: [Self.event("a2")]))], into: late)
        try await Self.waitFor(2, late)
        let after = late.all
        #expect(after.map(\.0) == [4, 5])
        #expect(after.first.map { if case .failure(let e) = $0.1 { e is AppendChainBroken } else { false } } == true)
        #expect(try after.last?.1.get().streamVersions["a"] == 2)
        #expect(log.head().position == 3)
        try log.close()
    }

    @Test("given a closed log, when a chained append is queued, then it throws closed and is never answered")
    func closedLogRefusesAtOnce() async throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temp) }
        let log = try EventLog.open(directory: temp, options: .init(durability: .none))
        try log.close()
        let answered = Mutex(false)
        #expect(throws: LogError.closed) {
            try log.enqueue([StreamAppend(stream: "a", expectedVersion: .noStream, events: [Self.event("a1")])],
                            chain: AppendChain()) { _ in answered.withLock { $0 = true } }
        }
        #expect(!answered.withLock { $0 })
    }
}
