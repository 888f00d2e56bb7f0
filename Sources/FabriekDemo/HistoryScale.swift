import Fabriek
/// How much history to generate. Counts are targets: a step that finds no fitting candidate (for
/// example no free member with the right skill) is skipped and shows as such in the summary.
public struct HistoryScale: Sendable, Hashable {
    /// Members registered over the programme period (NL, BE and DE residents).
    public var members: Int
    /// Standing consortia formed (single-tender consortia come on top, from tenders).
    public var consortia: Int
    /// Jobs published by the municipality and by businesses.
    public var tenders: Int
    /// YouRegion cross-border registrations.
    public var crossBorderAssignments: Int
    /// Meetups, trainings, workshops, advice and matchmaking sessions.
    public var activities: Int
    /// Memberships ended (resigned, ceased trading).
    public var membershipEnds: Int
    /// Members erased (crypto-shredded).
    public var erasures: Int

    public init(members: Int, consortia: Int, tenders: Int, crossBorderAssignments: Int, activities: Int,
                membershipEnds: Int, erasures: Int) {
        self.members = members
        self.consortia = consortia
        self.tenders = tenders
        self.crossBorderAssignments = crossBorderAssignments
        self.activities = activities
        self.membershipEnds = membershipEnds
        self.erasures = erasures
    }

    /// The admin CLI's `demo`: about 2,500 members, 40 consortia and 400 jobs.
    public static let demo = HistoryScale(members: 2_500, consortia: 40, tenders: 400, crossBorderAssignments: 120,
                                          activities: 180, membershipEnds: 100, erasures: 8)

    /// A few hundred members: enough for every kind of fact, quick enough for tests.
    public static let small = HistoryScale(members: 300, consortia: 12, tenders: 60, crossBorderAssignments: 20,
                                           activities: 30, membershipEnds: 12, erasures: 3)
}
