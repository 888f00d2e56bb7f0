// The payloads of the workload's events. Their `Codable` forms use the generator's field names
// (snake_case), so `JSONDecoder` reads the workload file and `JSONEncoder` writes the same objects
// back; optional fields are omitted when absent, as in the workload.

/// A country of the Euregio.
enum Country: String, Sendable, Hashable, Codable {
    case nl = "NL", be = "BE", de = "DE"
}

/// Who bids: one member, or a named consortium of members.
struct Bidder: Sendable, Hashable, Codable {
    enum Kind: String, Sendable, Hashable, Codable { case member, consortium }
    var kind: Kind
    /// Only for a consortium.
    var name: String?
    var kvk: [String]

    enum CodingKeys: String, CodingKey { case kind, name, kvk }
}

struct MemberJoined: Sendable, Hashable, Codable {
    var kvk: String
    var name: String
    var email: String
    var skills: [String]
    var neighbourhood: String
    var city: String
    var country: Country
    var hourlyRateEur: Int
    var joinedAt: String

    enum CodingKeys: String, CodingKey {
        case kvk, name, email, skills, neighbourhood, city, country
        case hourlyRateEur = "hourly_rate_eur", joinedAt = "joined_at"
    }
}

/// The profile fields a `MemberProfileUpdated` changes; absent fields are unchanged.
struct ProfileFields: Sendable, Hashable, Codable {
    var skills: [String]?
    var hourlyRateEur: Int?
    var neighbourhood: String?
    var city: String?
    var country: Country?
    var email: String?

    enum CodingKeys: String, CodingKey {
        case skills, hourlyRateEur = "hourly_rate_eur", neighbourhood, city, country, email
    }
}

struct MemberProfileUpdated: Sendable, Hashable, Codable {
    enum UpdatedBy: String, Sendable, Hashable, Codable { case member, administration }
    enum Source: String, Sendable, Hashable, Codable {
        case memberPortal = "member-portal", mobileApp = "mobile-app"
        case administrationDesk = "administration-desk"
    }
    var kvk: String
    var changes: ProfileFields
    var previous: ProfileFields
    var updatedBy: UpdatedBy
    var source: Source
    var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case kvk, changes, previous, updatedBy = "updated_by", source, updatedAt = "updated_at"
    }
}

struct TenderPublished: Sendable, Hashable, Codable {
    var tenderId: String
    var title: String
    var client: String
    var requiredSkills: [String]
    var neighbourhood: String
    var city: String
    var budgetEur: Int
    var publishedAt: String
    var deadline: String

    enum CodingKeys: String, CodingKey {
        case tenderId = "tender_id", title, client, requiredSkills = "required_skills"
        case neighbourhood, city, budgetEur = "budget_eur", publishedAt = "published_at", deadline
    }
}

struct TenderClosed: Sendable, Hashable, Codable {
    enum Reason: String, Sendable, Hashable, Codable {
        case deadlinePassed = "deadline-passed", withdrawnByClient = "withdrawn-by-client"
    }
    enum NextStep: String, Sendable, Hashable, Codable { case none, evaluation }
    var tenderId: String
    var reason: Reason
    var bidsReceived: Int
    var lowestBidEur: Int
    var highestBidEur: Int
    var nextStep: NextStep
    var closedBy: String
    var closedAt: String

    enum CodingKeys: String, CodingKey {
        case tenderId = "tender_id", reason, bidsReceived = "bids_received"
        case lowestBidEur = "lowest_bid_eur", highestBidEur = "highest_bid_eur"
        case nextStep = "next_step", closedBy = "closed_by", closedAt = "closed_at"
    }
}

struct TenderAwarded: Sendable, Hashable, Codable {
    var tenderId: String
    var bidId: String
    var awardedTo: Bidder
    var amountEur: Int
    var awardedAt: String
    var justification: String

    enum CodingKeys: String, CodingKey {
        case tenderId = "tender_id", bidId = "bid_id", awardedTo = "awarded_to"
        case amountEur = "amount_eur", awardedAt = "awarded_at", justification
    }
}

struct BidSubmitted: Sendable, Hashable, Codable {
    var bidId: String
    var tenderId: String
    var bidder: Bidder
    var amountEur: Int
    var hours: Int
    var startDate: String
    var note: String
    var submittedAt: String

    enum CodingKeys: String, CodingKey {
        case bidId = "bid_id", tenderId = "tender_id", bidder, amountEur = "amount_eur", hours
        case startDate = "start_date", note, submittedAt = "submitted_at"
    }
}

struct CrossBorderWorkRegistered: Sendable, Hashable, Codable {
    var registrationId: String
    var kvk: String
    var country: Country
    var days: Int
    var periodStart: String
    var periodEnd: String
    var clientName: String
    var clientVat: String
    var a1Certificate: String
    var registeredAt: String

    enum CodingKeys: String, CodingKey {
        case registrationId = "registration_id", kvk, country, days
        case periodStart = "period_start", periodEnd = "period_end", clientName = "client_name"
        case clientVat = "client_vat", a1Certificate = "a1_certificate"
        case registeredAt = "registered_at"
    }
}
