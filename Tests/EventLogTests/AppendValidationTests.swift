import EventLog
import Foundation
import Testing

/// Given an append the log cannot take (no events, an empty or absurdly long stream id or type,
/// the same id twice) or a closed log, then it is refused with a named error and nothing is
/// written; the valid appends around it are unaffected.
@Suite("Append validation")
struct AppendValidationTests {
    @Test("given invalid appends, then invalidAppend / duplicateEventInAppend, and the head does not move")
    func invalidAppendsAreRefused() async throws {
        let tmp = TemporaryDirectory("validation")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        _ = try await log.append(stream: "ok", expectedVersion: .noStream, events: [Fixture.event("first")])
        let head = log.head()

        let long = String(repeating: "x", count: 100_000)
        let cases: [(String, [StreamAppend])] = [
            ("no events", [StreamAppend(stream: "s", expectedVersion: .any, events: [])]),
            ("no streams", []),
            ("empty stream id", [StreamAppend(stream: "", expectedVersion: .any, events: [Fixture.event("a")])]),
            ("huge stream id", [StreamAppend(stream: long, expectedVersion: .any, events: [Fixture.event("a")])]),
            ("empty type", [StreamAppend(stream: "s", expectedVersion: .any, events: [Fixture.event("a", type: "")])]),
            ("huge type", [StreamAppend(stream: "s", expectedVersion: .any, events: [Fixture.event("a", type: long)])]),
            ("an invalid stream next to a valid one", [StreamAppend(stream: "s", expectedVersion: .any, events: [Fixture.event("a")]),
                                                       StreamAppend(stream: "", expectedVersion: .any, events: [Fixture.event("b")])]),
        ]
        for (what, appends) in cases {
            do {
                _ = try await log.append(appends)
                Issue.record("\(what): admitted")
            } catch let error as LogError {
                guard case .invalidAppend = error else { Issue.record("\(what): \(error)"); continue }
            }
            #expect(log.head() == head, "\(what)")
        }

        let twice = Fixture.event("twice")
        for appends in [[StreamAppend(stream: "s", expectedVersion: .any, events: [twice, twice])],
                        [StreamAppend(stream: "s", expectedVersion: .any, events: [twice]),
                         StreamAppend(stream: "t", expectedVersion: .any, events: [twice])]] {
            await #expect(throws: LogError.duplicateEventInAppend(eventID: twice.id.uuidString)) { try await log.append(appends) }
            #expect(log.head() == head)
        }

        // Valid appends concurrent with invalid ones all go through.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<10 {
                group.addTask {
                    if i % 2 == 0 {
                        _ = try await log.append(stream: "ok", expectedVersion: .any, events: [Fixture.event("v\(i)")])
                    } else {
                        _ = try? await log.append(stream: "", expectedVersion: .any, events: [Fixture.event("bad\(i)")])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(log.head().position == head.position + 5)
        #expect(log.streamVersion("") == 0)
        #expect(log.verify().isIntact)
    }

    @Test("given a closed log, then appends and reads throw .closed, and closing again is harmless")
    func closedLog() async throws {
        let tmp = TemporaryDirectory("validation-closed")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        _ = try await log.append(stream: "s", expectedVersion: .any, events: Fixture.events(2))
        try log.close()
        await #expect(throws: LogError.closed) {
            try await log.append(stream: "s", expectedVersion: .any, events: [Fixture.event("late")])
        }
        #expect(throws: LogError.closed) { try log.event(at: 1) }
        #expect(throws: LogError.closed) { try log.read(from: 1, maxCount: 10) }
        #expect(throws: LogError.closed) { try log.readStream("s") }
        try log.close()
        let reopened = try EventLog.open(directory: tmp.path)
        #expect(reopened.head().position == 2)
        try reopened.close()
    }
}
