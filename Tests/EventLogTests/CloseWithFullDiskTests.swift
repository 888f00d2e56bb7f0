import EventLog
import Foundation
import Testing

/// Given a bulk (`Durability.none`) writer in a child process whose file-size limit drops to 64
/// bytes after its appends, when it closes, then the close succeeds: the stream index and the
/// its recorded head are derived data, so failing to write them is reported as a problem, not as an
/// error that would make the caller believe its acknowledged commits were lost. The reopened
/// log holds every acknowledged event, verifies, and takes appends again.
@Suite("Close with a full disk")
struct CloseWithFullDiskTests {
    @Test("given a full disk at close, when a bulk writer closes, then the close succeeds, reports the unsaved index, and every event is kept")
    func derivedFilesFailToSave() async throws {
        let executable = try #require(ChildProcess.executable(), "eventlog-crash-child not found next to the test bundle; build with `swift build --build-tests`")
        let tmp = TemporaryDirectory("close-full")
        defer { tmp.remove() }
        let directory = tmp.sub("log")

        let run = try await ChildProcess.run(executable: executable, arguments: [directory, "closefull", "120"],
                                             stderrPath: tmp.sub("stderr.txt"))
        #expect(!run.killedBySignal && run.exitStatus == 0 && run.lines.last == "DONE",
                "the child did not finish (status \(run.exitStatus)): \(run.standardError.suffix(600))")
        let close = try #require(run.lines.first { $0.hasPrefix("CLOSE ") }, "\(run.lines.suffix(4))")
        #expect(close.hasPrefix("CLOSE ok"), "close failed although every commit was written: \(close)")
        let problems = run.lines.filter { $0.hasPrefix("PROBLEM ") }
        #expect(problems.contains { $0.contains("stream index was not saved") }, "\(problems)")
        #expect(!problems.contains { $0.contains("acknowledged") }, "a problem claims commits were not acknowledged: \(problems)")

        var acknowledged: [UInt64: UUID] = [:]
        for ack in run.acknowledgements { acknowledged[ack.position] = ack.id }
        #expect(acknowledged.count == 120)
        let log = try EventLog.open(directory: directory)
        try LogChecks.check(log, acknowledged: acknowledged, context: "after a close on a full disk")
        #expect(log.head().position == 120)
        let more = try await log.append(stream: "after", expectedVersion: .noStream, events: Fixture.events(2))
        #expect(more.positions == [121, 122])
        try log.close()
    }
}
