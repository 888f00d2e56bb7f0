import Foundation

/// Request bodies and small steps the route tests share (members A and B of the harness).
extension ServerHarness {
    static var a: String { memberA.uuidString.lowercased() }
    static var b: String { memberB.uuidString.lowercased() }
    static var tenderKey: String { tender.uuidString.lowercased() }

    static func consortiumBody(_ id: UUID, lead: String = a, members: [String] = [a, b]) -> String {
        let list = members.map { #"{"memberId": "\#($0)", "acceptedJointLiability": true, "acceptedAt": "2026-03-30T10:00:00Z"}"# }
        return #"{"consortiumId": "\#(id.uuidString.lowercased())", "name": "Groen Wyck", "lead": "\#(lead)", "members": [\#(list.joined(separator: ", "))]}"#
    }

    static func crossBorderBody(_ id: UUID, member: String = a, startsOn: String = "2026-05-01", endsOn: String = "2026-09-30") -> String {
        """
        {"assignmentId": "\(id.uuidString.lowercased())", "memberId": "\(member)", "residenceCountry": "NL", "workCountry": "BE",
         "emrRegion": "BE_LIMBURG", "clientKind": "business", "startsOn": "\(startsOn)", "endsOn": "\(endsOn)",
         "sbiActivity": "81300", "socialSecurityBasis": "residence"}
        """
    }

    static func trainingBody(_ id: UUID, attending: [String] = [a]) -> String {
        """
        {"activityId": "\(id.uuidString.lowercased())", "title": "Offertes schrijven", "focusAreas": ["lerend"],
         "activityType": "training", "heldOn": "2026-03-25", "durationMinutes": 180, "buurt": "Wyck",
         "attendingMemberIds": [\(attending.map { "\"\($0)\"" }.joined(separator: ", "))]}
        """
    }

    /// Publishes the harness's tender (as the municipality) and returns the answer's position.
    @discardableResult
    func publishTender() async throws -> String {
        let reply = try await call("POST", "/api/v1/tenders", role: .municipality, body: ServerHarness.tenderBody)
        guard reply.status == 201, let position = reply.header("Fabriek-Position") else {
            throw TestFailure("publishing the tender: \(reply.status) \(reply.text)")
        }
        return position
    }
}
