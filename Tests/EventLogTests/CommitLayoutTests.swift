import Foundation
import Testing
@testable import EventLog

/// `commitRanges` and `committedFiles`: what export and backup rely on to reproduce a log.
@Suite struct CommitLayoutTests {
    @Test func commitRangesFollowTheAppendCalls() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try EventLog.open(directory: dir.path, options: Fixture.options(segmentSize: 4096))
        defer { try? log.close() }
        _ = try await log.append(stream: "a", expectedVersion: .any, events: Fixture.events(3, prefix: "a"))
        _ = try await log.append(stream: "b", expectedVersion: .any, events: Fixture.events(1, prefix: "b"))
        _ = try await log.append(stream: "c", expectedVersion: .any, events: Fixture.events(2, prefix: "c"))
        #expect(log.commitRanges(from: 1, through: 6) == [1...3, 4...4, 5...6])
        #expect(log.commitRanges(from: 2, through: 4) == [1...3, 4...4])
        #expect(log.commitRanges(from: 5, through: 100) == [5...6])
        #expect(log.commitRanges(from: 7, through: 9).isEmpty)
    }

    @Test func aCopyOfTheCommittedBytesOpensAtTheSameHead() async throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let log = try EventLog.open(directory: dir.sub("source"), options: Fixture.options(segmentSize: 4096))
        for i in 0..<40 {
            _ = try await log.append(stream: "s\(i % 3)", expectedVersion: .any, events: Fixture.events(5, prefix: "e\(i)-"))
        }
        let files = try log.committedFiles()
        #expect(files.head == log.head())
        #expect(files.segments.count > 1)
        try FileManager.default.createDirectory(atPath: dir.sub("copy/segments"), withIntermediateDirectories: true)
        for s in files.segments {
            let bytes = try Files.read(s.path)
            #expect(bytes.count >= s.committedLength)
            try Files.write(Array(bytes.prefix(s.committedLength)), to: dir.sub("copy/segments/" + s.name))
        }
        _ = try await log.append(stream: "later", expectedVersion: .any, events: Fixture.events(2, prefix: "l"))
        try log.close()
        let copy = try EventLog.open(directory: dir.sub("copy"), options: Fixture.options())
        defer { try? copy.close() }
        #expect(copy.head() == files.head)
        #expect(copy.verify().isIntact)
    }
}
