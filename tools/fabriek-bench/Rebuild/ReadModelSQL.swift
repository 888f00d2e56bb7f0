/// The workload read model of WORKLOAD.md ("The read model of phase 4"): its schema and the
/// statements that maintain it, shared by Fabriek's projector and the baseline's replay so that
/// both do exactly the same SQL work.
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
}
