import Hummingbird

/// Every route of the server and who may call it: the one place access is decided.
///
/// `Access.public` routes need no token. For the others the bearer token's role must be
/// listed, else 403 (401 without a valid token). Routes that act for one member (a profile, a
/// bid) also check, in their handler, that a `member` token is bound to that member.
/// `RoleMatrixTests` calls every route with every role; `OpenAPIDocumentTests` checks that
/// this list, the router and `openapi.json` name the same routes.
enum RoleMatrix {
    enum Access: Sendable, Hashable {
        case `public`
        case roles(Set<Role>)
    }

    struct Entry: Sendable, Hashable {
        var id: String
        var method: HTTPRequest.Method
        /// OpenAPI form: `/api/v1/members/{memberId}`.
        var path: String
        var access: Access
    }

    private static let everyone: Set<Role> = Set(Role.allCases)
    private static let staff: Set<Role> = [.coordinator, .admin]
    private static let buyers: Set<Role> = [.coordinator, .municipality, .admin]
    private static let readers: Set<Role> = [.coordinator, .member, .municipality, .admin]
    private static let auditors: Set<Role> = [.auditor, .admin]
    /// The member themself (checked in the handler: a member token acts only for its member) and staff.
    private static let ownOrStaff: Set<Role> = [.member, .coordinator, .admin]
    /// Who reviews the programme: its aggregates, reports and the YouRegion register.
    private static let programmeReaders: Set<Role> = [.coordinator, .municipality, .auditor, .admin]

    static let entries: [Entry] = [
        // service
        Entry(id: "healthz", method: .get, path: "/healthz", access: .public),
        Entry(id: "readyz", method: .get, path: "/readyz", access: .public),
        Entry(id: "openapi", method: .get, path: "/openapi.json", access: .public),
        Entry(id: "metrics", method: .get, path: "/metrics", access: .public),
        // web pages (public: aggregates and public profiles only)
        Entry(id: "dashboardPage", method: .get, path: "/", access: .public),
        Entry(id: "registerPage", method: .get, path: "/register", access: .public),
        Entry(id: "memberPage", method: .get, path: "/leden/{memberId}", access: .public),
        Entry(id: "tenderBoardPage", method: .get, path: "/klussen", access: .public),
        Entry(id: "tenderPage", method: .get, path: "/klussen/{tenderId}", access: .public),
        Entry(id: "youRegionPage", method: .get, path: "/youregion", access: .public),
        Entry(id: "reportPage", method: .get, path: "/rapport", access: .public),
        // members
        Entry(id: "registerMember", method: .post, path: "/api/v1/members", access: .roles(staff)),
        Entry(id: "searchMembers", method: .get, path: "/api/v1/members", access: .roles(readers)),
        Entry(id: "getMember", method: .get, path: "/api/v1/members/{memberId}", access: .roles(readers)),
        Entry(id: "updateProfile", method: .put, path: "/api/v1/members/{memberId}/profile", access: .roles(ownOrStaff)),
        Entry(id: "declareSkills", method: .put, path: "/api/v1/members/{memberId}/skills", access: .roles(ownOrStaff)),
        Entry(id: "setRate", method: .put, path: "/api/v1/members/{memberId}/rate", access: .roles(ownOrStaff)),
        Entry(id: "changeAvailability", method: .put, path: "/api/v1/members/{memberId}/availability", access: .roles(ownOrStaff)),
        Entry(id: "endMembership", method: .post, path: "/api/v1/members/{memberId}/end", access: .roles(staff)),
        Entry(id: "verifyRegistry", method: .post, path: "/api/v1/members/{memberId}/registry-verifications", access: .roles(staff)),
        Entry(id: "declareTargetGroups", method: .put, path: "/api/v1/members/{memberId}/target-groups", access: .roles(ownOrStaff)),
        Entry(id: "withdrawTargetGroups", method: .delete, path: "/api/v1/members/{memberId}/target-groups/{consentId}", access: .roles(ownOrStaff)),
        Entry(id: "eraseMember", method: .post, path: "/api/v1/members/{memberId}/erase", access: .roles(staff)),
        Entry(id: "memberBids", method: .get, path: "/api/v1/members/{memberId}/bids", access: .roles(ownOrStaff)),
        Entry(id: "memberConsortia", method: .get, path: "/api/v1/members/{memberId}/consortia", access: .roles(readers)),
        // consortia
        Entry(id: "formConsortium", method: .post, path: "/api/v1/consortia", access: .roles(staff)),
        Entry(id: "getConsortium", method: .get, path: "/api/v1/consortia/{consortiumId}", access: .roles(readers)),
        Entry(id: "addConsortiumMember", method: .post, path: "/api/v1/consortia/{consortiumId}/members", access: .roles(staff)),
        Entry(id: "removeConsortiumMember", method: .delete, path: "/api/v1/consortia/{consortiumId}/members/{memberId}", access: .roles(staff)),
        Entry(id: "changeConsortiumLead", method: .put, path: "/api/v1/consortia/{consortiumId}/lead", access: .roles(staff)),
        Entry(id: "dissolveConsortium", method: .post, path: "/api/v1/consortia/{consortiumId}/dissolve", access: .roles(staff)),
        // tenders
        Entry(id: "publishTender", method: .post, path: "/api/v1/tenders", access: .roles(buyers)),
        Entry(id: "listTenders", method: .get, path: "/api/v1/tenders", access: .roles(readers)),
        Entry(id: "getTender", method: .get, path: "/api/v1/tenders/{tenderId}", access: .roles(readers)),
        Entry(id: "submitBid", method: .post, path: "/api/v1/tenders/{tenderId}/bids", access: .roles(ownOrStaff)),
        Entry(id: "withdrawBid", method: .delete, path: "/api/v1/tenders/{tenderId}/bids/{bidId}", access: .roles(ownOrStaff)),
        Entry(id: "closeSubmission", method: .post, path: "/api/v1/tenders/{tenderId}/close", access: .roles(buyers)),
        Entry(id: "evaluateBid", method: .post, path: "/api/v1/tenders/{tenderId}/bids/{bidId}/evaluation", access: .roles(buyers)),
        Entry(id: "intendAward", method: .post, path: "/api/v1/tenders/{tenderId}/awards", access: .roles(buyers)),
        Entry(id: "finaliseAward", method: .post, path: "/api/v1/tenders/{tenderId}/awards/{lot}/final", access: .roles(buyers)),
        Entry(id: "cancelTender", method: .post, path: "/api/v1/tenders/{tenderId}/cancel", access: .roles(buyers)),
        Entry(id: "amendTender", method: .post, path: "/api/v1/tenders/{tenderId}/amendments", access: .roles(buyers)),
        Entry(id: "inviteParticipant", method: .post, path: "/api/v1/tenders/{tenderId}/invitations", access: .roles(buyers)),
        // cross-border, programme
        Entry(id: "registerCrossBorderWork", method: .post, path: "/api/v1/crossborder", access: .roles(staff)),
        Entry(id: "recordA1Certificate", method: .post, path: "/api/v1/crossborder/{assignmentId}/a1", access: .roles(staff)),
        Entry(id: "endCrossBorderWork", method: .post, path: "/api/v1/crossborder/{assignmentId}/end", access: .roles(staff)),
        Entry(id: "youRegionCounts", method: .get, path: "/api/v1/youregion/counts", access: .roles(programmeReaders)),
        Entry(id: "youRegionRegistrations", method: .get, path: "/api/v1/youregion/registrations", access: .roles(programmeReaders)),
        Entry(id: "holdActivity", method: .post, path: "/api/v1/activities", access: .roles(staff)),
        Entry(id: "recordTrainingHours", method: .post, path: "/api/v1/activities/{activityId}/training-hours", access: .roles(staff)),
        Entry(id: "setGoal", method: .put, path: "/api/v1/goals/{kpiCode}/{period}", access: .roles(staff)),
        Entry(id: "programmeKPIs", method: .get, path: "/api/v1/programme/kpis", access: .roles(programmeReaders)),
        Entry(id: "projectionStatus", method: .get, path: "/api/v1/projections", access: .roles([.coordinator, .auditor, .admin])),
        // open data
        Entry(id: "ocdsReleases", method: .get, path: "/api/v1/ocds/releases", access: .public),
        // auditors
        Entry(id: "logHead", method: .get, path: "/api/v1/log/head", access: .roles(auditors)),
        Entry(id: "logVerify", method: .get, path: "/api/v1/log/verify", access: .roles(auditors)),
        Entry(id: "logEvents", method: .get, path: "/api/v1/log/events", access: .roles(auditors)),
        Entry(id: "programmeReport", method: .get, path: "/api/v1/reports/programme", access: .roles(programmeReaders)),
        Entry(id: "programmeTrace", method: .get, path: "/api/v1/reports/programme/trace", access: .roles(programmeReaders)),
        Entry(id: "issueProgrammeReport", method: .post, path: "/api/v1/reports/programme/issued", access: .roles(staff)),
        Entry(id: "listIssuedReports", method: .get, path: "/api/v1/reports/programme/issued", access: .roles(programmeReaders)),
        Entry(id: "getIssuedReport", method: .get, path: "/api/v1/reports/programme/issued/{reportId}", access: .roles(programmeReaders)),
        Entry(id: "youRegionReport", method: .get, path: "/api/v1/reports/youregion", access: .roles(programmeReaders)),
    ]

    static func entry(_ id: String) -> Entry {
        guard let e = entries.first(where: { $0.id == id }) else {
            preconditionFailure("route '\(id)' is not in RoleMatrix.entries; add it there (and to openapi.json)")
        }
        return e
    }

    /// `/api/v1/members/{memberId}` → `/api/v1/members/:memberId` (Hummingbird's form).
    static func routerPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : Substring(part)
        }.joined(separator: "/")
    }
}
