/// The workload read model of WORKLOAD.md ("The read model of phase 4"): its schema and the
/// statements that maintain it. The baseline's replay runs one statement per change; Fabriek's
/// projector runs the same statements for rows, and sums counters per batch (the `…Sum`
/// statements), which leaves the same rows.
enum ReadModelSQL {
    /// The four tables, column for column as WORKLOAD.md specifies them.
    static let schema = """
        CREATE TABLE member(kvk TEXT PRIMARY KEY, neighbourhood TEXT NOT NULL, country TEXT NOT NULL);
        CREATE TABLE members_per_neighbourhood(neighbourhood TEXT PRIMARY KEY, members INTEGER NOT NULL);
        CREATE TABLE tender(tender_id TEXT PRIMARY KEY, status TEXT NOT NULL, bids INTEGER NOT NULL, awarded_bid TEXT);
        CREATE TABLE crossborder_days(country TEXT PRIMARY KEY, days INTEGER NOT NULL, registrations INTEGER NOT NULL);
        """

    /// ?1 kvk, ?2 neighbourhood, ?3 country.
    static let insertMember = "INSERT INTO member(kvk, neighbourhood, country) VALUES (?1, ?2, ?3)"
    /// ?1 kvk → the member's current neighbourhood.
    static let memberNeighbourhood = "SELECT neighbourhood FROM member WHERE kvk = ?1"
    /// ?1 kvk, ?2 neighbourhood, ?3 country (NULL keeps the current one).
    static let moveMember = "UPDATE member SET neighbourhood = ?2, country = coalesce(?3, country) WHERE kvk = ?1"
    /// ?1 neighbourhood: one member more.
    static let addToNeighbourhood = """
        INSERT INTO members_per_neighbourhood(neighbourhood, members) VALUES (?1, 1)
        ON CONFLICT(neighbourhood) DO UPDATE SET members = members + 1
        """
    /// ?1 neighbourhood: one member less.
    static let removeFromNeighbourhood = "UPDATE members_per_neighbourhood SET members = members - 1 WHERE neighbourhood = ?1"
    /// ?1 tender_id.
    static let insertTender = "INSERT INTO tender(tender_id, status, bids, awarded_bid) VALUES (?1, 'open', 0, NULL)"
    /// ?1 tender_id.
    static let countBid = "UPDATE tender SET bids = bids + 1 WHERE tender_id = ?1"
    /// ?1 tender_id.
    static let closeTender = "UPDATE tender SET status = 'closed' WHERE tender_id = ?1"
    /// ?1 tender_id, ?2 bid_id.
    static let awardTender = "UPDATE tender SET status = 'awarded', awarded_bid = ?2 WHERE tender_id = ?1"
    /// ?1 country, ?2 days.
    static let addCrossBorderDays = """
        INSERT INTO crossborder_days(country, days, registrations) VALUES (?1, ?2, 1)
        ON CONFLICT(country) DO UPDATE SET days = days + ?2, registrations = registrations + 1
        """

    /// ?1 tender_id, ?2 bids received in a batch.
    static let countBidsSum = "UPDATE tender SET bids = bids + ?2 WHERE tender_id = ?1"
    /// ?1 neighbourhood, ?2 change of its member count in a batch that moved a member into it.
    static let addToNeighbourhoodSum = """
        INSERT INTO members_per_neighbourhood(neighbourhood, members) VALUES (?1, ?2)
        ON CONFLICT(neighbourhood) DO UPDATE SET members = members + ?2
        """
    /// ?1 neighbourhood, ?2 change of its member count in a batch that only moved members out.
    static let changeNeighbourhoodSum = "UPDATE members_per_neighbourhood SET members = members + ?2 WHERE neighbourhood = ?1"
    /// ?1 country, ?2 days, ?3 registrations in a batch.
    static let addCrossBorderDaysSum = """
        INSERT INTO crossborder_days(country, days, registrations) VALUES (?1, ?2, ?3)
        ON CONFLICT(country) DO UPDATE SET days = days + ?2, registrations = registrations + ?3
        """
}
