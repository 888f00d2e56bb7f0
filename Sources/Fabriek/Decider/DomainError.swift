import EventLog
import Events
import Foundation

/// Why a command was refused: the rule it breaks and the values that break it. Nothing is
/// written when a decider throws one.
///
/// `rule` is a stable code (`invariant-1.bidAfterDeadline`) the API puts in
/// `application/problem+json`; `description` is a sentence that says what went wrong and what to
/// do. Cases name DOMAIN.md's invariant number in their rule code where one applies.
public enum DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    // MARK: Any aggregate
    /// A field of the command is invalid.
    case validation(ValidationError)
    /// The command creates an aggregate whose stream already has events.
    case alreadyExists(stream: String)
    /// The command acts on an aggregate that does not exist.
    case notFound(stream: String)

    // MARK: Members (invariants 5, 10, 11)
    /// Invariant 11: an erased member accepts no commands.
    case memberErased(member: UUID)
    /// The member's membership ended; only erasure is accepted.
    case membershipEnded(member: UUID)
    /// Invariant 10: another member not erased already holds this registry id.
    case duplicateRegistryId(scheme: RegistryScheme, value: String, existingMember: UUID)
    /// The registry id is not one of the member's.
    case registryIdNotHeld(scheme: RegistryScheme, value: String)
    /// No member with this id exists.
    case unknownMember(member: UUID)
    /// Invariant 5: a participating member must be active.
    case memberNotActive(member: UUID, status: MemberStatus)
    /// A buurt that is not in the Maastricht reference data.
    case unknownBuurt(buurt: String)
    /// A rate must be more than zero cents.
    case rateNotPositive(amountCents: Int64)
    /// No target-group declaration with this consent id is in force.
    case consentNotFound(consentId: UUID)

    // MARK: Consortia (invariant 6)
    /// Invariant 6: fewer than the minimum number of (active) members.
    case tooFewMembers(count: Int, minimum: Int)
    /// Invariant 6: no lead (penvoerder) named.
    case missingLead
    /// Invariant 6: the lead is not one of the members.
    case leadNotAMember(lead: UUID, members: [UUID])
    /// A member listed twice.
    case duplicateMember(member: UUID)
    /// Invariant 6: a member has not accepted joint and several liability.
    case jointLiabilityNotAccepted(member: UUID)
    /// Invariant 6: the composition is locked while the consortium has a live bid.
    case compositionLocked(consortium: UUID, liveBid: UUID)
    /// The lead cannot leave; change the lead first.
    case cannotRemoveLead(member: UUID)
    /// The member is not in the consortium.
    case notAConsortiumMember(member: UUID)
    /// The member is already in the consortium.
    case alreadyAConsortiumMember(member: UUID)
    /// The consortium is dissolved.
    case consortiumDissolved(consortium: UUID)
    /// No consortium with this id exists.
    case unknownConsortium(consortium: UUID)
    /// A single-tender consortium bids on another tender.
    case consortiumBoundToOtherTender(consortium: UUID, boundTo: UUID)

    // MARK: Tenders (invariants 1, 2, 3, 4, 7, 8)
    /// Invariant 1: the tender does not accept this command in its current status.
    case tenderNotOpen(status: TenderStatus)
    /// Invariant 1: a bid at or after the deadline is late (server time).
    case bidAfterDeadline(deadline: Timestamp, now: Timestamp)
    /// Invariant 2: the lot does not exist in the tender.
    case unknownLot(lot: UInt32)
    /// A tender or bid needs at least one lot.
    case noLots
    /// A lot number appears twice, or is 0.
    case invalidLotNumber(lot: UInt32)
    /// Invariant 2: a price must be more than zero euro cents.
    case priceNotPositive(priceCents: Int64)
    /// An amount that may not be negative.
    case amountNegative(field: String, amountCents: Int64)
    /// Invariant 3: in a private (onderhandse) procedure only invited parties bid.
    case notInvited(party: PartyRef, procedure: ProcedureType)
    /// The party was already invited.
    case alreadyInvited(party: PartyRef)
    /// Invariant 4: the member already takes part in a live bid on this lot.
    case participationConflict(member: UUID, lot: UInt32, existingBid: UUID)
    /// A bid with this id already exists.
    case bidAlreadyExists(bid: UUID)
    /// No bid with this id.
    case unknownBid(bid: UUID)
    /// The bid was withdrawn.
    case bidWithdrawn(bid: UUID)
    /// The deadline of a new or amended tender must lie in the future.
    case deadlineNotInFuture(deadline: Timestamp, now: Timestamp)
    /// Submission can be closed only once the deadline has passed.
    case deadlineNotPassed(deadline: Timestamp, now: Timestamp)
    /// Invariant 7: evaluation and award need submission to be closed.
    case submissionNotClosed
    /// The bid was already evaluated.
    case bidAlreadyEvaluated(bid: UUID)
    /// A disqualification needs a reason.
    case disqualificationWithoutReason(bid: UUID)
    /// Invariant 7: only a bid evaluated valid can be awarded (`outcome` nil = not evaluated).
    case bidNotEvaluatedValid(bid: UUID, outcome: BidOutcome?)
    /// The bid does not cover the lot.
    case bidDoesNotCoverLot(bid: UUID, lot: UInt32)
    /// Invariant 7: at most one award per lot.
    case lotAlreadyAwarded(lot: UInt32, existingBid: UUID)
    /// No award was intended for the lot.
    case noAwardIntended(lot: UInt32)
    /// The award of the lot is already final.
    case awardAlreadyFinalised(lot: UInt32)
    /// Invariant 7: the standstill period has not ended.
    case standstillNotOver(endsAt: Timestamp, now: Timestamp)
    /// Invariant 7: above the EU threshold the standstill period is at least 20 days.
    case standstillTooShort(days: UInt32, minimum: UInt32)
    /// Invariant 8: at or above the EU threshold the procedure must be European.
    case europeanProcedureRequired(estimatedValueCents: Int64, thresholdCents: Int64, procedure: ProcedureType)
    /// Invariant 8 cannot be checked: no threshold in the reference data for this day.
    case euThresholdUnknown(category: ProcurementCategory, day: Day)
    /// The procedure does not fit the buyer (`vrijeInkoopPrivaat` is for business clients only,
    /// and business clients use only it).
    case procedureNotForBuyer(procedure: ProcedureType, buyer: BuyerKind)
    /// A lot with live bids cannot be removed by an amendment.
    case lotHasLiveBids(lot: UInt32)
    /// A tender with a final award cannot be cancelled.
    case tenderHasFinalAward(lot: UInt32)

    // MARK: Cross-border work (invariant 9)
    /// Invariant 9: the end lies before the start.
    case endBeforeStart(start: Day, end: Day)
    /// Invariant 9: work country equals residence country (and the client's country).
    case notCrossBorder(residence: CountryCode, work: CountryCode, client: CountryCode?)
    /// Invariant 9: a posting lasts at most 24 months.
    case postingTooLong(start: Day, end: Day, latestEnd: Day)
    /// The EMR region lies in another country than the work.
    case emrRegionMismatch(region: EmrRegion, workCountry: CountryCode)
    /// The assignment already ended.
    case assignmentEnded

    // MARK: Programme
    /// An activity serves at least one focus area.
    case noFocusArea
    /// A duration must be more than zero minutes.
    case durationNotPositive(minutes: UInt32)
    /// An activity is recorded after it was held.
    case activityInFuture(heldOn: Day, today: Day)
    /// The KPI code is not in the reference data.
    case unknownKPI(code: String)
    /// The KPI belongs to another focus area.
    case kpiFocusAreaMismatch(kpi: String, focusArea: FocusArea, expected: String)
    /// A goal's KPI or period differs from its stream's.
    case goalStreamMismatch(expected: String, actual: String)
    /// Training hours are recorded only on trainings and workshops.
    case notATraining(activityType: ActivityType)
    /// Training minutes exceed the activity's duration.
    case trainingMinutesExceedDuration(minutes: UInt32, duration: UInt32)
    /// Target values are not negative.
    case targetNegative(value: Int64)
    /// Training hours are recorded only for members who attended.
    case notAnAttendee(member: UUID)

    public var description: String {
        switch self {
        case .validation(let e): e.description
        case .alreadyExists(let s): "\(s) already exists; use a new id"
        case .notFound(let s): "\(s) does not exist"
        case .memberErased(let m): "member \(m) was erased and accepts no commands"
        case .membershipEnded(let m): "the membership of \(m) ended; only erasure is possible"
        case let .duplicateRegistryId(scheme, value, existing):
            "\(scheme.rawValue) \(value) is already registered to member \(existing); one register entry per number"
        case let .registryIdNotHeld(scheme, value): "the member does not hold \(scheme.rawValue) \(value)"
        case .unknownMember(let m): "member \(m) does not exist"
        case let .memberNotActive(m, status): "member \(m) is \(status.rawValue), not active"
        case .unknownBuurt(let b): "'\(b)' is not a Maastricht buurt in the reference data"
        case .rateNotPositive(let a): "a rate must be more than 0 cents, got \(a)"
        case .consentNotFound(let c): "no target-group declaration with consent \(c) is in force"
        case let .tooFewMembers(count, minimum): "a consortium needs at least \(minimum) active members, has \(count)"
        case .missingLead: "a consortium needs exactly one lead (penvoerder)"
        case let .leadNotAMember(lead, members): "lead \(lead) is not one of the members \(members)"
        case .duplicateMember(let m): "member \(m) is listed twice"
        case .jointLiabilityNotAccepted(let m): "member \(m) has not accepted joint and several liability"
        case let .compositionLocked(c, bid): "consortium \(c) has live bid \(bid); its composition is locked until that bid ends"
        case .cannotRemoveLead(let m): "member \(m) is the lead; change the lead before removing them"
        case .notAConsortiumMember(let m): "member \(m) is not in the consortium"
        case .alreadyAConsortiumMember(let m): "member \(m) is already in the consortium"
        case .consortiumDissolved(let c): "consortium \(c) is dissolved"
        case .unknownConsortium(let c): "consortium \(c) does not exist"
        case let .consortiumBoundToOtherTender(c, t): "consortium \(c) was formed for tender \(t) only"
        case .tenderNotOpen(let s): "the tender is \(s.rawValue); this needs an open tender"
        case let .bidAfterDeadline(d, now): "the deadline was \(d); the bid arrived at \(now), which is late"
        case .unknownLot(let l): "lot \(l) does not exist in the tender"
        case .noLots: "at least one lot is required"
        case .invalidLotNumber(let l): "lot number \(l) is 0 or used twice"
        case .priceNotPositive(let p): "a price must be more than 0 euro cents, got \(p)"
        case let .amountNegative(field, a): "\(field) must not be negative, got \(a)"
        case let .notInvited(p, proc): "\(p.kind.rawValue) \(p.id) was not invited; in \(proc.rawValue) only invited parties bid"
        case .alreadyInvited(let p): "\(p.kind.rawValue) \(p.id) is already invited"
        case let .participationConflict(m, lot, bid): "member \(m) already takes part in live bid \(bid) on lot \(lot)"
        case .bidAlreadyExists(let b): "bid \(b) already exists"
        case .unknownBid(let b): "bid \(b) does not exist in the tender"
        case .bidWithdrawn(let b): "bid \(b) was withdrawn"
        case let .deadlineNotInFuture(d, now): "the deadline \(d) is not after now (\(now))"
        case let .deadlineNotPassed(d, now): "the deadline \(d) has not passed (now \(now))"
        case .submissionNotClosed: "submission is not closed yet"
        case .bidAlreadyEvaluated(let b): "bid \(b) was already evaluated"
        case .disqualificationWithoutReason(let b): "disqualifying bid \(b) needs a reason"
        case let .bidNotEvaluatedValid(b, outcome): "bid \(b) is \(outcome.map { "evaluated \($0.rawValue)" } ?? "not evaluated"); only a valid bid is awarded"
        case let .bidDoesNotCoverLot(b, l): "bid \(b) does not cover lot \(l)"
        case let .lotAlreadyAwarded(l, b): "lot \(l) is already awarded to bid \(b)"
        case .noAwardIntended(let l): "no award was intended for lot \(l)"
        case .awardAlreadyFinalised(let l): "the award of lot \(l) is already final"
        case let .standstillNotOver(end, now): "the standstill period ends at \(end); now is \(now)"
        case let .standstillTooShort(d, min): "above the EU threshold the standstill period is at least \(min) days, got \(d)"
        case let .europeanProcedureRequired(v, t, p):
            "estimated value \(v) cents is at or above the EU threshold \(t) cents; \(p.rawValue) is not a European procedure"
        case let .euThresholdUnknown(c, d): "no EU threshold for \(c.rawValue) on \(d) in the reference data; update eu-thresholds.json"
        case let .procedureNotForBuyer(p, b): "procedure \(p.rawValue) is not for a \(b.rawValue) buyer"
        case .lotHasLiveBids(let l): "lot \(l) has live bids and cannot be removed"
        case .tenderHasFinalAward(let l): "lot \(l) has a final award; the tender cannot be cancelled"
        case let .endBeforeStart(s, e): "the end \(e) lies before the start \(s)"
        case let .notCrossBorder(r, w, c):
            "work in \(w) for a client in \(c?.rawValue ?? w.rawValue) by a resident of \(r) does not cross a border"
        case let .postingTooLong(s, e, latest): "a posting lasts at most 24 months: from \(s) it ends by \(latest), not \(e)"
        case let .emrRegionMismatch(r, w): "EMR region \(r.rawValue) is not in work country \(w)"
        case .assignmentEnded: "the cross-border assignment already ended"
        case .noFocusArea: "an activity serves at least one focus area"
        case .durationNotPositive(let m): "a duration must be more than 0 minutes, got \(m)"
        case let .activityInFuture(h, t): "an activity held on \(h) cannot be recorded on \(t)"
        case .unknownKPI(let k): "KPI \(k) is not in the reference data"
        case let .kpiFocusAreaMismatch(k, f, e): "KPI \(k) belongs to focus area \(e), not \(f.rawValue)"
        case let .goalStreamMismatch(e, a): "this goal stream is for \(e), not \(a)"
        case .notATraining(let t): "training hours are recorded on trainings and workshops, not a \(t.rawValue)"
        case let .trainingMinutesExceedDuration(m, d): "\(m) minutes exceed the activity's \(d) minutes"
        case .targetNegative(let v): "a target must not be negative, got \(v)"
        case .notAnAttendee(let m): "member \(m) is not among the attendees of the activity"
        }
    }
}

extension DomainError {
    /// Runs a validator, turning its `ValidationError` into `.validation`.
    static func validating<T>(_ body: () throws(ValidationError) -> T) throws(DomainError) -> T {
        do { return try body() } catch { throw .validation(error) }
    }
}
