import EventLog
import Fabriek

/// What a generated history holds, counted as the commands were accepted.
public struct HistorySummary: Sendable, Hashable, CustomStringConvertible {
    public var commands = 0
    public var events = 0
    /// Commands refused on purpose (a late bid, a duplicate KvK number): nothing was written.
    public var expectedRefusals = 0
    /// Commands refused although the generator thought them valid, by rule; empty in a sound run.
    public var unexpectedRefusals: [String: Int] = [:]
    /// Planned steps that found no fitting candidate.
    public var skippedSteps = 0

    public var members = 0
    public var membersByCountry: [String: Int] = [:]
    public var registryVerifications = 0
    public var targetGroupDeclarations = 0
    public var targetGroupWithdrawals = 0
    public var membershipsEnded = 0
    public var erasures = 0

    public var consortiaFormed = 0
    public var singleTenderConsortia = 0
    public var consortiumChanges = 0
    public var consortiaDissolved = 0

    public var tenders = 0
    public var municipalTenders = 0
    public var businessTenders = 0
    public var tendersByProcedure: [String: Int] = [:]
    public var lots = 0
    public var invitations = 0
    public var bids = 0
    public var consortiumBids = 0
    public var bidsWithdrawn = 0
    public var bidsDisqualified = 0
    public var tendersAmended = 0
    public var tendersCancelled = 0
    public var awardsIntended = 0
    public var awardsFinalised = 0

    public var crossBorderRegistrations = 0
    public var crossBorderByDirection: [String: Int] = [:]
    public var a1Records = 0
    public var crossBorderEnded = 0

    public var activities = 0
    public var activitiesByType: [String: Int] = [:]
    public var attendances = 0
    public var trainingRecords = 0
    public var goalsSet = 0

    public var firstInstant: Timestamp?
    public var lastInstant: Timestamp?
    public var head: LogHead = .empty

    public init() {}

    public var description: String {
        func sorted(_ d: [String: Int]) -> String { d.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        return """
        \(commands) commands, \(events) events, head \(head)
        members \(members) (\(sorted(membersByCountry))), verified \(registryVerifications), \
        target groups \(targetGroupDeclarations) (-\(targetGroupWithdrawals)), ended \(membershipsEnded), erased \(erasures)
        consortia \(consortiaFormed) (single-tender \(singleTenderConsortia)), changes \(consortiumChanges), dissolved \(consortiaDissolved)
        tenders \(tenders) (municipal \(municipalTenders), business \(businessTenders); \(sorted(tendersByProcedure))), lots \(lots), \
        invitations \(invitations), amended \(tendersAmended), cancelled \(tendersCancelled)
        bids \(bids) (consortium \(consortiumBids)), withdrawn \(bidsWithdrawn), disqualified \(bidsDisqualified), \
        awards intended \(awardsIntended), finalised \(awardsFinalised)
        cross-border \(crossBorderRegistrations) (\(sorted(crossBorderByDirection))), A1 records \(a1Records), ended \(crossBorderEnded)
        activities \(activities) (\(sorted(activitiesByType))), attendances \(attendances), training records \(trainingRecords), goals \(goalsSet)
        refusals expected \(expectedRefusals), unexpected \(sorted(unexpectedRefusals)); skipped steps \(skippedSteps)
        """
    }
}
