import Foundation

/// Who a bearer token speaks for.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    /// Staff of the cooperative: register members, form consortia, publish jobs, record activities.
    case coordinator
    /// One freelancer, bound to their member id: their own profile and bids.
    case member
    /// The municipality: publishes jobs, searches the register, reviews the programme.
    case municipality
    /// Reads the log, verifies it, reproduces reports.
    case auditor
    /// Everything.
    case admin
}

/// The caller of one request, from its bearer token.
public struct Principal: Sendable, Hashable {
    public var name: String
    public var role: Role
    /// The member a `member` token is bound to.
    public var memberId: UUID?

    public init(name: String, role: Role, memberId: UUID? = nil) {
        self.name = name
        self.role = role
        self.memberId = memberId
    }

    /// May see personal fields of `member`: the member themself, coordinators and admins.
    public func maySeePersonalData(of member: UUID) -> Bool {
        switch role {
        case .coordinator, .admin: true
        case .member: memberId == member
        case .municipality, .auditor: false
        }
    }
}
