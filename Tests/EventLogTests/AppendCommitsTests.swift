import Foundation
import Testing
@testable import EventLog

/// `appendCommits`: many commits handed to the writer at once keep their own boundaries and
/// chain hashes, and a refused one stops the rest.
@Suite struct AppendCommitsTests {
    static func commit(_ i: Int, expected: ExpectedVersion = .any) -> [StreamAppend] {
        [StreamAppend(stream: "s-\(i % 3)", expectedVersion: expected,
                      events: [ProposedEvent(type: "T", payload: Array("event \(i)".utf8)),
                               ProposedEvent(type: "T", payload: Array("event \(i) b".utf8))])]
    }

    @Test("given 50 commits, when appended with appendCommits, then the log has the same commits and head as 50 awaited appends")
    func commitsKeepTheirBoundaries() async throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("commits-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temp) }
        let clock: @Sendable () -> Timestamp = { Timestamp(microsecondsSinceEpoch: 1_700_000_000_000_000) }
        let one = try EventLog.open(directory: temp + "/one", options: .init(durability: .none, clock: clock))
        let bulk = try EventLog.open(directory: temp + "/bulk", options: .init(durability: .none, clock: clock))
        let commits = (0..<50).map { Self.commit($0) }
        for c in commits { _ = try await one.append(c) }
        let results = try await bulk.appendCommits(commits)
        #expect(results.count == 50)
        let positions = try results.map { try $0.get().positions }
        #expect(positions.first == [1, 2] && positions.last == [99, 100])
        #expect(bulk.commitRanges(from: 1, through: 100).count == 50)
        #expect(bulk.head() == one.head())
        try one.close()
        try bulk.close()
    }

    @Test("given a commit refused in the middle, when appended with appendCommits, then the ones before are stored and the later ones not attempted")
    func aRefusedCommitStopsTheRest() async throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("commits-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temp) }
        let log = try EventLog.open(directory: temp, options: .init(durability: .none))
        var commits = (0..<6).map { Self.commit($0) }
        commits[3] = Self.commit(3, expected: .exact(99))
        let results = try await log.appendCommits(commits)
        #expect(results.prefix(3).allSatisfy { (try? $0.get()) != nil })
        guard case .failure(let refused) = results[3], case LogError.wrongExpectedVersion = refused else {
            Issue.record("commit 4 was not refused: \(results[3])")
            return
        }
        for later in results.suffix(2) {
            guard case .failure(LogError.invalidAppend(field: "commits", _)) = later else {
                Issue.record("a later commit was attempted: \(later)")
                continue
            }
        }
        #expect(log.head().position == 6)
        try log.close()
    }
}
