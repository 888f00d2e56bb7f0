// JSON forms of the workload payloads: exactly the generator's field names (snake_case), so
// `JSONDecoder` reads the workload file and `JSONEncoder` writes the same objects back.
// Optional fields are omitted when absent, as in the workload.

extension Bidder: Codable {
    enum CodingKeys: String, CodingKey { case kind, name, kvk }
}

extension MemberJoined: Codable {
    enum CodingKeys: String, CodingKey {
        case kvk, name, email, skills, neighbourhood, city, country
        case hourlyRateEur = "hourly_rate_eur", joinedAt = "joined_at"
    }
}

extension ProfileFields: Codable {
    enum CodingKeys: String, CodingKey {
        case skills, hourlyRateEur = "hourly_rate_eur", neighbourhood, city, country, email
    }
}

extension MemberProfileUpdated: Codable {
    enum CodingKeys: String, CodingKey {
        case kvk, changes, previous, updatedBy = "updated_by", source, updatedAt = "updated_at"
    }
}

extension TenderPublished: Codable {
    enum CodingKeys: String, CodingKey {
        case tenderId = "tender_id", title, client, requiredSkills = "required_skills"
        case neighbourhood, city, budgetEur = "budget_eur", publishedAt = "published_at", deadline
    }
}

extension TenderClosed: Codable {
    enum CodingKeys: String, CodingKey {
        case tenderId = "tender_id", reason, bidsReceived = "bids_received"
        case lowestBidEur = "lowest_bid_eur", highestBidEur = "highest_bid_eur"
        case nextStep = "next_step", closedBy = "closed_by", closedAt = "closed_at"
    }
}

extension TenderAwarded: Codable {
    enum CodingKeys: String, CodingKey {
        case tenderId = "tender_id", bidId = "bid_id", awardedTo = "awarded_to"
        case amountEur = "amount_eur", awardedAt = "awarded_at", justification
    }
}

extension BidSubmitted: Codable {
    enum CodingKeys: String, CodingKey {
        case bidId = "bid_id", tenderId = "tender_id", bidder, amountEur = "amount_eur", hours
        case startDate = "start_date", note, submittedAt = "submitted_at"
    }
}

extension CrossBorderWorkRegistered: Codable {
    enum CodingKeys: String, CodingKey {
        case registrationId = "registration_id", kvk, country, days
        case periodStart = "period_start", periodEnd = "period_end", clientName = "client_name"
        case clientVat = "client_vat", a1Certificate = "a1_certificate"
        case registeredAt = "registered_at"
    }
}
