import Fabriek
import FabriekServer
import Foundation
import Testing

/// Training hours over HTTP: recorded for an attendee of a training, refused otherwise.
@Suite(.serialized) struct TrainingHoursRouteTests {
    @Test("given a training A attended, when staff record 120 minutes for A, then TrainingHoursRecorded; for B, who did not attend, it is refused")
    func recordTrainingHours() async throws {
        try await ServerHarness.run { h in
            let id = UUID()
            let held = try await h.call("POST", "/api/v1/activities", role: .coordinator, body: ServerHarness.trainingBody(id))
            #expect(held.status == 201, "\(held.text)")
            let path = "/api/v1/activities/\(id.uuidString.lowercased())/training-hours"
            let recorded = try await h.call("POST", path, role: .coordinator, body: #"{"memberId": "\#(ServerHarness.a)", "durationMinutes": 120}"#)
            #expect(recorded.status == 200, "\(recorded.text)")
            #expect(recorded.json["events"] as? [String] == ["TrainingHoursRecorded"])
            let notAttending = try await h.call("POST", path, role: .admin, body: #"{"memberId": "\#(ServerHarness.b)", "durationMinutes": 60}"#)
            #expect(notAttending.status == 422, "\(notAttending.text)")
            #expect(notAttending.json["rule"] as? String == "programme.notAnAttendee")
            let tooLong = try await h.call("POST", path, role: .coordinator, body: #"{"memberId": "\#(ServerHarness.a)", "durationMinutes": 999}"#)
            #expect(tooLong.status == 422)
            #expect(tooLong.json["rule"] as? String == "programme.trainingMinutesExceedDuration")
        }
    }
}
