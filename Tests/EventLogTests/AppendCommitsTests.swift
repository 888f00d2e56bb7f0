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

    @Test("given 3,000 checked commits over a writer that checkpoints its indexes every 500 events and drops their pages, when appended, then the log, its stream versions and its reopened indexes equal those of the same commits appended unchecked")
    func checkedCommitsMatchUnchecked() async throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("commits-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: temp) }
        let clock: @Sendable () -> Timestamp = { Timestamp(microsecondsSinceEpoch: 1_700_000_000_000_000) }
        var options = EventLog.Options(durability: .none, clock: clock, verifyInBackground: false)
        options.indexCheckpointEvents = 500
        options.keepIndexFilesResident = false
        let plain = try EventLog.open(directory: temp + "/plain", options: options)
        let checked = try EventLog.open(directory: temp + "/checked", options: options)
        // Streams s-0 ... s-99, each with the version it has before its commit.
        var versions = [UInt64](repeating: 0, count: 100)
        var commits: [[StreamAppend]] = []
        for i in 0..<3_000 {
            let s = (i &* 37) % 100
            let v = versions[s]
            versions[s] += 2
            commits.append([StreamAppend(stream: "s-\(s)", expectedVersion: v == 0 ? .noStream : .exact(v),
                                         events: [ProposedEvent(type: "T", payload: Array("event \(i)".utf8)),
                                                  ProposedEvent(type: "T", payload: Array("event \(i) b".utf8))])])
        }
        for start in stride(from: 0, to: commits.count, by: 250) {
            let part = Array(commits[start..<(start + 250)])
            for r in try await plain.appendCommits(part) { _ = try r.get() }
            for r in try await checked.appendCommits(part, checked: true) { _ = try r.get() }
        }
        #expect(checked.head() == plain.head())
        for s in 0..<100 {
            #expect(checked.streamVersion("s-\(s)") == versions[s])
        }
        try plain.close()
        try checked.close()
        let reopened = try EventLog.open(directory: temp + "/checked", options: .init(durability: .none, verifyInBackground: false))
        defer { try? reopened.close() }
        let report = reopened.verify()
        #expect(report.isIntact && report.indexProblem == nil && report.idIndexProblem == nil, "\(report)")
        for s in 0..<100 {
            #expect(reopened.streamVersion("s-\(s)") == versions[s])
        }
    }
}
