import EventLog
import Events
import FabriekReference
import Foundation

/// An event that breaks a rule of DOMAIN.md: the rule's stable code (the write side's
/// `DomainError.rule`, e.g. `invariant-4.participationConflict` or `tender.invalidLotNumber`),
/// the invariant it enforces (1-11, nil for the aggregate's own consistency) and a readable
/// reason.
public struct InvariantViolation: Error, Sendable, Hashable, CustomStringConvertible {
    public var stream: String
    public var eventType: String
    public var rule: String
    public var invariant: Int?
    public var reason: String

    public var description: String { "\(rule), \(eventType) in \(stream): \(reason)" }
}

/// Replays Fabriek's events and checks each one as the write side would have decided it: the
/// event is turned back into the command that causes it, and the aggregate's decider decides
/// that command on the state folded so far, at the event's recorded time, with the write-side
/// directory (`WriteSideDirectory`) as built up to that event. A refusal is a violation.
/// Then the event is folded, violating or not (the log is the record).
///
/// Used by `fabriek-admin audit` (the whole log) and `import` (the lines it would append, after
/// folding what the log already holds). Memory: the state of every aggregate seen.
///
/// ```swift
/// let auditor = InvariantAuditor(reference: try .load())
/// try log.forEachEvent(from: 1) { view in
///     let event = try EventCatalogue.decode(typeBytes: view.typeBytes, schemaVersion: view.schemaVersion, payload: view.payload)
///     if let v = auditor.check(event, stream: view.stream, recordedAt: view.recordedAt) { print(view.position, v) }
/// }
/// ```
public final class InvariantAuditor {
    public let reference: ReferenceData
    /// The cross-aggregate facts as of the last event checked or folded.
    public let directory = WriteSideDirectory()
    private var tenders: [String: TenderState] = [:]
    private var consortia: [String: ConsortiumState] = [:]
    private var crossBorder: [String: CrossBorderState] = [:]
    private var members: [String: MemberState] = [:]
    /// Members whose `MemberErased` was checked or folded, in order.
    public private(set) var erasedMembers: [UUID] = []

    public init(reference: ReferenceData) {
        self.reference = reference
    }

    /// Checks `event`, recorded (or to be recorded) in `stream` at `recordedAt`, then folds it.
    /// Returns the violation, nil when the decider would have decided this event.
    public func check(_ event: DomainEvent, stream: String, recordedAt: Timestamp) -> InvariantViolation? {
        let violation = judge(event, stream: stream, recordedAt: recordedAt)
        fold(event, stream: stream)
        return violation
    }

    /// Folds `event` without checking it (history already stored and audited).
    public func fold(_ event: DomainEvent, stream: String) {
        switch event {
        case .member(let e):
            members[stream] = MemberDecider.evolve(members[stream] ?? MemberDecider.initialState, e)
            if case .erased(let x) = e { erasedMembers.append(x.memberId) }
        case .consortium(let e):
            consortia[stream] = ConsortiumDecider.evolve(consortia[stream] ?? ConsortiumDecider.initialState, e)
        case .tender(let e):
            tenders[stream] = TenderDecider.evolve(tenders[stream] ?? TenderDecider.initialState, e)
        case .crossBorder(let e):
            crossBorder[stream] = CrossBorderDecider.evolve(crossBorder[stream] ?? CrossBorderDecider.initialState, e)
        case .programme:
            break
        }
        directory.apply(event)
    }

    private func judge(_ event: DomainEvent, stream: String, recordedAt: Timestamp) -> InvariantViolation? {
        if let expected = Self.streamPrefix(event.aggregate), !stream.hasPrefix(expected) {
            return InvariantViolation(stream: stream, eventType: event.typeName, rule: "stream.otherAggregate", invariant: nil,
                                      reason: "a \(event.aggregate.rawValue) event belongs in a '\(expected)…' stream")
        }
        let context = DecisionContext(now: recordedAt, members: directory, consortia: directory,
                                      sealer: NoSealing(), reference: reference)
        do {
            switch event {
            case .tender(let e):
                if let command = Self.command(for: e) {
                    _ = try TenderDecider.decide(command, state: tenders[stream] ?? TenderDecider.initialState, context: context)
                }
            case .consortium(let e):
                _ = try ConsortiumDecider.decide(Self.command(for: e), state: consortia[stream] ?? ConsortiumDecider.initialState,
                                                 context: context)
            case .crossBorder(let e):
                _ = try CrossBorderDecider.decide(Self.command(for: e),
                                                  state: crossBorder[stream] ?? CrossBorderDecider.initialState, context: context)
            case .member(let e):
                try checkMember(e, state: members[stream] ?? MemberDecider.initialState, stream: stream)
            case .programme:
                break
            }
        } catch {
            return InvariantViolation(stream: stream, eventType: event.typeName, rule: error.rule, invariant: error.invariant,
                                      reason: error.description)
        }
        return nil
    }

    /// Member events carry sealed personal data, so they are not decided again; the member
    /// rules are checked directly: a new stream for a registration, one register entry per
    /// registry number among members not erased (10), nothing after erasure (11).
    private func checkMember(_ e: MemberEvent, state: MemberState, stream: String) throws(DomainError) {
        if case .registered(let r) = e {
            guard !state.exists else { throw .alreadyExists(stream: stream) }
            for id in r.registryIds {
                if let holder = directory.member(holding: id), holder != r.memberId, directory.status(of: holder) != .erased {
                    throw .duplicateRegistryId(scheme: id.scheme, value: id.value, existingMember: holder)
                }
            }
            return
        }
        guard let memberId = state.memberId else { throw .notFound(stream: stream) }
        if state.status == .erased { throw .memberErased(member: memberId) }
    }

    static func streamPrefix(_ aggregate: AggregateKind) -> String? {
        switch aggregate {
        case .member: return "member-"
        case .consortium: return "consortium-"
        case .tender: return "tender-"
        case .crossBorderAssignment: return "xborder-"
        case .programme: return nil
        }
    }

    /// The command that causes `e` (nil for none: every tender event has one).
    static func command(for e: TenderEvent) -> TenderCommand? {
        switch e {
        case .published(let p):
            return .publish(PublishTender(
                tenderId: p.tenderId, buyer: p.buyer, title: p.title, description: p.description, category: p.category,
                procedure: p.procedure, estimatedValueCents: p.estimatedValueCents, mainCpv: p.mainCpv, lots: p.lots,
                submissionDeadline: p.submissionDeadline, awardCriterion: p.awardCriterion,
                participationRule: p.participationRule, standstillDays: p.standstillDays, sroiBasisPoints: p.sroiBasisPoints))
        case .amended(let a):
            return .amend(title: a.title, description: a.description, submissionDeadline: a.submissionDeadline,
                          estimatedValueCents: a.estimatedValueCents, lots: a.lots, reason: a.reason)
        case .participantInvited(let i):
            return .invite(i.participant, isLocal: i.isLocal, reason: i.reason)
        case .bidSubmitted(let b):
            return .submitBid(bidId: b.bidId, lots: b.lots, bidder: b.bidder, priceCents: b.priceCents, priceBasis: b.priceBasis)
        case .bidWithdrawn(let w):
            return .withdrawBid(bidId: w.bidId, reason: w.reason)
        case .submissionClosed:
            return .closeSubmission
        case .bidEvaluated(let v):
            return .evaluateBid(bidId: v.bidId, outcome: v.outcome, disqualificationReason: v.disqualificationReason,
                                scoreHundredths: v.scoreHundredths, rank: v.rank)
        case .awardIntended(let a):
            return .intendAward(lot: a.lot, bidId: a.bidId, valueCents: a.valueCents)
        case .awardFinalised(let f):
            return .finaliseAward(lot: f.lot)
        case .cancelled(let c):
            return .cancel(reason: c.reason)
        }
    }

    static func command(for e: ConsortiumEvent) -> ConsortiumCommand {
        switch e {
        case .formed(let f):
            return .form(FormConsortium(consortiumId: f.consortiumId, name: f.name, scope: f.scope, tenderId: f.tenderId,
                                        lead: f.leadMemberId, members: f.members))
        case .memberAdded(let a): return .addMember(a.member)
        case .memberRemoved(let r): return .removeMember(r.memberId, reason: r.reason)
        case .leadChanged(let l): return .changeLead(l.leadMemberId)
        case .dissolved(let d): return .dissolve(reason: d.reason)
        }
    }

    static func command(for e: CrossBorderEvent) -> CrossBorderCommand {
        switch e {
        case .workRegistered(let r):
            return .register(RegisterCrossBorderWork(
                assignmentId: r.assignmentId, memberId: r.memberId, residenceCountry: r.residenceCountry,
                workCountry: r.workCountry, emrRegion: r.emrRegion, clientKind: r.clientKind, clientCountry: r.clientCountry,
                startsOn: r.startsOn, endsOn: r.endsOn, sbiActivity: r.sbiActivity, socialSecurityBasis: r.socialSecurityBasis))
        case .a1CertificateRecorded(let a):
            return .recordA1(status: a.status, issuer: a.issuer, validFrom: a.validFrom, validUntil: a.validUntil)
        case .workEnded(let w):
            return .end(endedOn: w.endedOn, reason: w.reason)
        }
    }
}

/// The auditor decides commands that never seal anything; sealing is refused, not faked.
private struct NoSealing: PersonalDataSealer {
    struct Unavailable: Error {}
    func seal(_ details: PersonalDetails, subject: UUID) throws -> SealedData { throw Unavailable() }
    func seal(_ details: TargetGroupDetails, subject: UUID) throws -> SealedData { throw Unavailable() }
}
