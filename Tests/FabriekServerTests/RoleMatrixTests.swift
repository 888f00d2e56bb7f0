import Fabriek
@testable import FabriekServer
import Foundation
import Testing

/// Every route of `RoleMatrix`, called with every role and without a token: the roles the
/// matrix lists are let through (whatever the handler then answers), the others get 403 with
/// rule `role`, and a missing or revoked token gets 401. Every answer's status is one the
/// OpenAPI document lists for that operation.
@Suite(.serialized) struct RoleMatrixTests {
    static func concretePath(_ path: String) -> String {
        path.replacingOccurrences(of: "{memberId}", with: ServerHarness.memberA.uuidString.lowercased())
            .replacingOccurrences(of: "{tenderId}", with: ServerHarness.tender.uuidString.lowercased())
            .replacingOccurrences(of: "{bidId}", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{consortiumId}", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{lot}", with: "1")
            .replacingOccurrences(of: "{kpiCode}", with: "K1")
            .replacingOccurrences(of: "{period}", with: "2026")
            .replacingOccurrences(of: "{assignmentId}", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{activityId}", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{consentId}", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{reportId}", with: UUID().uuidString.lowercased())
    }

    @Test("given each route and each role, then the matrix is enforced and every status is documented")
    func everyRouteEveryRole() async throws {
        let document = try OpenAPITestDocument.load()
        try await ServerHarness.run { h in
            for entry in RoleMatrix.entries {
                var path = Self.concretePath(entry.path)
                if entry.id == "logEvents" { path += "?from=1&limit=1" }
                let method = entry.method.rawValue
                let body = ["POST", "PUT"].contains(method) ? "{}" : nil
                let documented = try document.statuses(path: entry.path, method: method.lowercased())
                switch entry.access {
                case .public:
                    let reply = try await h.call(method, path, body: body)
                    #expect(![401, 403].contains(reply.status), "\(entry.id) is public but answered \(reply.status)")
                    #expect(documented.contains(reply.status), "\(entry.id): status \(reply.status) not in openapi.json \(documented)")
                case .roles(let allowed):
                    let anonymous = try await h.call(method, path, body: body)
                    #expect(anonymous.status == 401, "\(entry.id) without a token: \(anonymous.status)")
                    let forged = try await h.call(method, path, body: body, headers: ["Authorization": "Bearer fbk_not-a-token"])
                    #expect(forged.status == 401, "\(entry.id) with an unknown token: \(forged.status)")
                    for role in Role.allCases {
                        let reply = try await h.call(method, path, role: role, body: body)
                        let refusedByMatrix = reply.status == 403 && reply.json["rule"] as? String == "role"
                        if allowed.contains(role) {
                            #expect(!refusedByMatrix && reply.status != 401, "\(entry.id) should let \(role) through: \(reply.status) \(reply.text)")
                            #expect(reply.status < 500 || reply.status == 503, "\(entry.id) as \(role): \(reply.status) \(reply.text)")
                        } else {
                            #expect(refusedByMatrix, "\(entry.id) should refuse \(role): \(reply.status) \(reply.text)")
                        }
                        #expect(documented.contains(reply.status), "\(entry.id) as \(role): status \(reply.status) not in openapi.json \(documented)")
                    }
                }
            }
        }
    }

    @Test("given a revoked token, then 401 from the next request on")
    func revokedToken() async throws {
        try await ServerHarness.run { h in
            let before = try await h.call("GET", "/api/v1/log/head", role: .auditor)
            #expect(before.status == 200)
            try h.runtime.tokens.revoke(name: "test-auditor")
            let after = try await h.call("GET", "/api/v1/log/head", role: .auditor)
            #expect(after.status == 401)
        }
    }
}
