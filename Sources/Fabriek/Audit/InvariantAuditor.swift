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

/// An import that appended an event breaking a rule because the operator accepted it
/// (`fabriek-admin import --accept-violations`, recorded as `ImportViolationsAccepted`).
public struct ImportAcceptance: Sendable, Hashable {
    public var importId: UUID
    /// The imported file's name, as given to the import.
    public var file: String
    /// The stream of the record, `import-{importId}`.
    public var stream: String
    /// The record's position, when it was folded with one.
    public var position: UInt64?
}

/// Replays Fabriek's events and checks each one as the write side would have decided it: the
/// event is turned back into the command that causes it, and the aggregate's decider decides
/// that command on the state folded so far, at the event's recorded time, with the write-side
/// directory (`WriteSideDirectory`) as built up to that event. A refusal is a violation.
/// Then the event is folded, violating or not (the log is the record).
///
/// Every aggregate is covered: members, consortia, tenders, cross-border assignments and the
/// programme (activities and their attendances and training records, goals, issued reports).
/// Besides the deciders' own refusals, an event must sit in its own stream (`activity-{id}`,
/// `goal-{kpi}-{period}`, `report-{id}`, ...), an activity names each attendee once, and an
/// issued report (invariant 12) counts only events before its own position, with the chain
/// hash the log had there (when `chainHead` is given).
///
/// Used by `fabriek-admin audit` (the whole log) and `import` (the lines it would append, after
/// folding what the log already holds). Memory: the state of every aggregate seen, or with a
/// scratch file (`init(reference:recordsAcceptances:scratchFile:residentEntries:)`) at most
/// `residentEntries` of each kind, the rest encoded in that file (`SpillingTable`).
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
    public let directory: AuditDirectory
    private let tenders: SpillingTable<AuditStreamKey, TenderState>
    private let consortia: SpillingTable<AuditStreamKey, ConsortiumState>
    private let crossBorder: SpillingTable<AuditStreamKey, CrossBorderState>
    private let members: SpillingTable<AuditStreamKey, MemberState>
    private let activities: SpillingTable<AuditStreamKey, ActivityState>
    private let goals: SpillingTable<AuditStreamKey, GoalState>
    private let reports: SpillingTable<AuditStreamKey, ReportState>
    /// The scratch file the states past `residentEntries` go to (nil: all stay in memory).
    private let spill: AuditSpill?
    /// The log's head right after the commit ending at a position (`EventLog.head(at:)`), so
    /// that an issued report's head hash is checked against the log (invariant 12); nil (the
    /// default) skips that check. Returns nil for a position that does not end a commit.
    public var chainHead: ((UInt64) -> LogHead?)?
    /// The last position `chainHead` knows (`.max`, the default, for a whole log); reports as
    /// of a later position (lines an import has not appended yet) are not checked against it.
    public var chainKnownThrough: UInt64 = .max
    /// Events an import appended although they break a rule (`ImportViolationsAccepted`,
    /// recorded in the same commit as them), by event id, as of the last event folded; empty
    /// when the auditor was made with `recordsAcceptances: false`.
    public private(set) var acceptances: [UUID: ImportAcceptance] = [:]
    /// Whether `acceptances` is kept (`audit` shows them; `import` does not need them, and they
    /// grow with every violation the log records).
    public let recordsAcceptances: Bool
    /// Members whose `MemberErased` was checked or folded, in order.
    public private(set) var erasedMembers: [UUID] = []

    /// An auditor that keeps every aggregate's state in memory.
    public convenience init(reference: ReferenceData, recordsAcceptances: Bool = true) {
        self.init(reference: reference, recordsAcceptances: recordsAcceptances, spill: nil, residentEntries: .max,
                  residentDirectoryEntries: .max)
    }

    /// An auditor whose memory is bounded whatever the number of aggregates: each table keeps
    /// at most `residentEntries` entries in memory (tenders, consortia, activities, goals,
    /// reports; member and assignment states, which are small, four times that; the
    /// directory's member statuses, register entries, consortia and finalised lots
    /// `residentDirectoryEntries`, by default four times that too), the others encoded in the
    /// scratch file `scratchFile` (`AuditSpill`; created, so it must not exist; deleted when
    /// the auditor goes). `shrinkResidentStates` lowers these numbers later (a caller watching
    /// its memory). Decides exactly as the auditor that keeps
    /// everything in memory; after a failure of the file (`scratchFailure`) its answers are
    /// not reliable.
    /// - Throws: `AuditSpillError` when the file cannot be created.
    public convenience init(reference: ReferenceData, recordsAcceptances: Bool = true, scratchFile: String,
                            residentEntries: Int = InvariantAuditor.defaultResidentEntries,
                            residentDirectoryEntries: Int? = nil) throws {
        self.init(reference: reference, recordsAcceptances: recordsAcceptances, spill: try AuditSpill(path: scratchFile),
                  residentEntries: residentEntries, residentDirectoryEntries: residentDirectoryEntries)
    }

    /// Entries per table an auditor with a scratch file keeps in memory by default.
    public static let defaultResidentEntries = 40_000

    private init(reference: ReferenceData, recordsAcceptances: Bool, spill: AuditSpill?, residentEntries: Int,
                 residentDirectoryEntries: Int?) {
        self.reference = reference
        self.recordsAcceptances = recordsAcceptances
        self.spill = spill
        let n = residentEntries
        directory = AuditDirectory(spill: spill, capacity: residentDirectoryEntries ?? (n > Int.max / 4 ? n : n * 4))
        tenders = SpillingTable(states: 1, spill: spill, capacity: n)
        consortia = SpillingTable(states: 2, spill: spill, capacity: n)
        // Member and assignment states are small (no lists that grow): four times as many.
        let small = n > Int.max / 4 ? n : n * 4
        crossBorder = SpillingTable(states: 3, spill: spill, capacity: small)
        members = SpillingTable(states: 4, spill: spill, capacity: small)
        activities = SpillingTable(states: 5, spill: spill, capacity: n)
        goals = SpillingTable(states: 6, spill: spill, capacity: n)
        reports = SpillingTable(states: 7, spill: spill, capacity: n)
    }

    /// Keeps `fraction` of the aggregate states and directory entries now in memory (of each
    /// kind, at least `minimum`), the rest in the scratch file, and no more than that from now
    /// on: what a caller watching its memory does when it runs short. Nothing without a scratch
    /// file.
    public func shrinkResidentStates(to fraction: Double, minimum: Int = 1_000) {
        tenders.shrink(keeping: fraction, minimum: minimum)
        consortia.shrink(keeping: fraction, minimum: minimum)
        crossBorder.shrink(keeping: fraction, minimum: minimum)
        members.shrink(keeping: fraction, minimum: minimum)
        activities.shrink(keeping: fraction, minimum: minimum)
        goals.shrink(keeping: fraction, minimum: minimum)
        reports.shrink(keeping: fraction, minimum: minimum)
        directory.shrinkResidentEntries(to: fraction, minimum: minimum)
    }

    /// Aggregate states and directory entries held in memory.
    public var residentStates: Int {
        tenders.residentCount + consortia.residentCount + crossBorder.residentCount + members.residentCount
            + activities.residentCount + goals.residentCount + reports.residentCount + directory.residentEntries
    }

    /// The first failure of the scratch file (a full disk, a read error), naming it; nil while
    /// it works (and without one).
    public var scratchFailure: String? { spill?.failure }

    /// The entries of the scratch file's index, its bytes in memory (0 without a scratch
    /// file), and the file's size.
    public var scratchBytes: (entries: Int, index: Int, file: UInt64) {
        (spill?.count ?? 0, spill?.indexBytes ?? 0, spill?.fileBytes ?? 0)
    }

    /// Aggregate states written to the scratch file and read back from it so far.
    public var spilledStates: (evicted: Int, loaded: Int) {
        let tables: [(Int, Int)] = [(tenders.evictions, tenders.loads), (consortia.evictions, consortia.loads),
                                    (crossBorder.evictions, crossBorder.loads), (members.evictions, members.loads),
                                    (activities.evictions, activities.loads), (goals.evictions, goals.loads),
                                    (reports.evictions, reports.loads)]
        return tables.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
    }

    /// Checks `event`, recorded (or to be recorded) in `stream` at `recordedAt` and at `position`
    /// (nil when not known yet), then folds it. Returns the violation, nil when the decider
    /// would have decided this event.
    public func check(_ event: DomainEvent, stream: String, recordedAt: Timestamp, position: UInt64? = nil) -> InvariantViolation? {
        check(event, stream: stream, key: AuditStreamKey(stream), recordedAt: recordedAt, position: position)
    }

    /// `check(_:stream:recordedAt:position:)` with the stream's key found before
    /// (`AuditStreamKey(stream)`, e.g. on another thread): it is found once, for the decision
    /// and the fold.
    public func check(_ event: DomainEvent, stream: String, key: AuditStreamKey, recordedAt: Timestamp,
                      position: UInt64? = nil) -> InvariantViolation? {
        let violation = judge(event, stream: stream, key: key, recordedAt: recordedAt, position: position)
        fold(event, stream: stream, key: key, position: position)
        return violation
    }

    /// Folds `event`, at `position` when known, without checking it (history already stored
    /// and audited).
    public func fold(_ event: DomainEvent, stream: String, position: UInt64? = nil) {
        fold(event, stream: stream, key: AuditStreamKey(stream), position: position)
    }

    private func fold(_ event: DomainEvent, stream: String, key: AuditStreamKey, position: UInt64?) {
        switch event {
        case .member(let e):
            members.evolve(key, from: MemberDecider.initialState) { MemberDecider.evolve($0, e) }
            if case .erased(let x) = e { erasedMembers.append(x.memberId) }
        case .consortium(let e):
            consortia.evolve(key, from: ConsortiumDecider.initialState) { ConsortiumDecider.evolve($0, e) }
        case .tender(let e):
            tenders.evolve(key, from: TenderDecider.initialState) { TenderDecider.evolve($0, e) }
        case .crossBorder(let e):
            crossBorder.evolve(key, from: CrossBorderDecider.initialState) { CrossBorderDecider.evolve($0, e) }
        case .programme(let e):
            switch e {
            case .activityHeld, .trainingHoursRecorded:
                activities.evolve(key, from: ActivityDecider.initialState) { ActivityDecider.evolve($0, e) }
            case .goalSet:
                goals.evolve(key, from: GoalDecider.initialState) { GoalDecider.evolve($0, e) }
            case .reportIssued:
                reports.evolve(key, from: ReportDecider.initialState) { ReportDecider.evolve($0, e) }
            }
        case .historyImport(.violationsAccepted(let e)) where recordsAcceptances:
            for v in e.violations { acceptances[v.eventId] = ImportAcceptance(importId: e.importId, file: e.file, stream: stream, position: position) }
        case .historyImport:
            break
        }
        directory.apply(event)
    }

    private func judge(_ event: DomainEvent, stream: String, key: AuditStreamKey, recordedAt: Timestamp, position: UInt64?) -> InvariantViolation? {
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
                    _ = try TenderDecider.decide(command, state: tenders[key] ?? TenderDecider.initialState, context: context)
                }
            case .consortium(let e):
                _ = try ConsortiumDecider.decide(Self.command(for: e), state: consortia[key] ?? ConsortiumDecider.initialState,
                                                 context: context)
            case .crossBorder(let e):
                _ = try CrossBorderDecider.decide(Self.command(for: e),
                                                  state: crossBorder[key] ?? CrossBorderDecider.initialState, context: context)
            case .member(let e):
                try checkMember(e, state: members[key] ?? MemberDecider.initialState, stream: stream)
            case .programme(let e):
                if let v = try checkProgramme(e, stream: stream, key: key, position: position, context: context) { return v }
            case .historyImport:
                break  // a record of the import itself: no rule of the domain applies
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
            for key in RegistryKey.of(r) {
                if let holder = directory.member(holding: key), holder != r.memberId, directory.status(of: holder) != .erased {
                    switch key {
                    case .plaintext(let id):
                        throw .duplicateRegistryId(scheme: id.scheme, value: id.value, existingMember: holder)
                    case .digest(let d):  // sealed: the auditor names the digest, never the number
                        throw .duplicateRegistryId(scheme: RegistryScheme(rawValue: d.kind) ?? .other,
                                                   value: "digest " + d.digest.map { String(format: "%02x", $0) }.joined(),
                                                   existingMember: holder)
                    }
                }
            }
            return
        }
        guard let memberId = state.memberId else { throw .notFound(stream: stream) }
        if state.status == .erased { throw .memberErased(member: memberId) }
    }

    /// Programme events are decided again by their deciders (activity, goal, report); what the
    /// deciders take from the service (the stream, a position) is checked here. Returns a
    /// violation the deciders cannot name, throws their refusals.
    private func checkProgramme(_ e: ProgrammeEvent, stream: String, key: AuditStreamKey, position: UInt64?,
                                context: DecisionContext) throws(DomainError) -> InvariantViolation? {
        func violation(_ rule: String, _ invariant: Int?, _ reason: String) -> InvariantViolation {
            InvariantViolation(stream: stream, eventType: e.typeName, rule: rule, invariant: invariant, reason: reason)
        }
        func otherStream(_ expected: String, _ what: String) -> InvariantViolation {
            violation("stream.mismatch", nil, "\(what) belongs in stream '\(expected)', not '\(stream)'")
        }
        switch e {
        case .activityHeld(let h):
            let expected = ActivityDecider.streamId(h.activityId)
            guard stream == expected else { return otherStream(expected, "activity \(h.activityId.uuidString.lowercased())") }
            _ = try ActivityDecider.decide(.hold(HoldActivity(
                activityId: h.activityId, title: h.title, focusAreas: h.focusAreas, activityType: h.activityType, heldOn: h.heldOn,
                durationMinutes: h.durationMinutes, buurt: h.buurt, attendingMemberIds: h.attendingMemberIds,
                externalAttendeeCount: h.externalAttendeeCount, partners: h.partners, crossBorder: h.crossBorder)),
                state: activities[key] ?? ActivityDecider.initialState, context: context)
            var seen = Set<UUID>()
            if let twice = h.attendingMemberIds.first(where: { !seen.insert($0).inserted }) {
                return violation("programme.duplicateAttendee", nil,
                                 "member \(twice.uuidString.lowercased()) is listed twice among the attendees (the decider lists each attendee once, so attendance would count them twice)")
            }
        case .trainingHoursRecorded(let t):
            let expected = ActivityDecider.streamId(t.activityId)
            guard stream == expected else { return otherStream(expected, "training time of activity \(t.activityId.uuidString.lowercased())") }
            let state = activities[key] ?? ActivityDecider.initialState
            guard state.activityId != nil else { throw .notFound(stream: stream) }
            _ = try ActivityDecider.decide(.recordTrainingHours(memberId: t.memberId, durationMinutes: t.durationMinutes),
                                           state: state, context: context)
        case .goalSet(let g):
            let expected = GoalDecider.streamId(kpiCode: g.kpiCode, period: g.period)
            guard stream == expected else { throw .goalStreamMismatch(expected: expected, actual: stream) }
            _ = try GoalDecider.decide(.set(SetGoal(focusArea: g.focusArea, kpiCode: g.kpiCode, period: g.period, startsOn: g.startsOn,
                                                    endsOn: g.endsOn, targetValue: g.targetValue, scale: g.scale)),
                                       state: goals[key] ?? GoalDecider.initialState, context: context)
        case .reportIssued(let r):
            let expected = ReportDecider.streamId(r.reportId)
            guard stream == expected else { return otherStream(expected, "report \(r.reportId.uuidString.lowercased())") }
            _ = try ReportDecider.decide(.issue(r), state: reports[key] ?? ReportDecider.initialState, context: context)
            if let position, r.asOfPosition >= position {
                return violation("invariant-12.asOfNotBefore", 12,
                                 "the report counts events up to position \(r.asOfPosition), but it was issued at position \(position); a report is built only from events before it")
            }
            if let chainHead, r.asOfPosition <= chainKnownThrough {
                guard let head = chainHead(r.asOfPosition) else {
                    return violation("invariant-12.asOfNotACommit", 12,
                                     "position \(r.asOfPosition) does not end a commit of this log, so no head hash exists there to reproduce the report from")
                }
                if head.hash.bytes != r.headHash {
                    let recorded = ChainHash(bytes: r.headHash)?.hex ?? "of \(r.headHash.count) bytes"
                    return violation("invariant-12.headHashMismatch", 12,
                                     "the report records head hash \(recorded) at position \(r.asOfPosition), the log's chain hash there is \(head.hash.hex); it was not computed from this log")
                }
            }
        }
        return nil
    }

    static func streamPrefix(_ aggregate: AggregateKind) -> String? {
        switch aggregate {
        case .member: return "member-"
        case .consortium: return "consortium-"
        case .tender: return "tender-"
        case .crossBorderAssignment: return "xborder-"
        case .programme: return nil
        case .historyImport: return "import-"
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
    func seal(_ registryId: RegistryId, subject: UUID) throws -> SealedData { throw Unavailable() }
    func blindIndexDigest(kind: String, value: String) -> [UInt8] {
        preconditionFailure("the auditor decides programme commands only; member rules are checked on the events")
    }
}

/// A stream name `PREFIX` + a UUID in its canonical lower-case text, for one of the aggregate
/// prefixes, as 17 bytes: the name maps to exactly one key and back (upper-case hex, another
/// prefix or anything else is not such a name: nil).
public struct StreamIDKey: Hashable, Sendable {
    let prefix: UInt8
    let high: UInt64
    let low: UInt64

    static let prefixes: [StaticString] = ["member-", "tender-", "consortium-", "xborder-", "activity-", "report-", "import-"]

    init?(_ stream: String) {
        var name = stream
        guard let key = name.withUTF8({ Self.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = key
    }

    private init(prefix: UInt8, high: UInt64, low: UInt64) {
        self.prefix = prefix
        self.high = high
        self.low = low
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) -> StreamIDKey? {
        let n = bytes.count - 36
        guard n >= 6 else { return nil }
        var prefix: UInt8?
        for (k, p) in prefixes.enumerated() where p.utf8CodeUnitCount == n && memcmp(p.utf8Start, bytes.baseAddress!, n) == 0 {
            prefix = UInt8(k)
            break
        }
        guard let prefix else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        var digits = 0
        for k in n..<bytes.count {
            let c = bytes[k]
            let offset = k - n
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                continue
            }
            let d: UInt64
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt64(c - UInt8(ascii: "a") + 10)
            default: return nil
            }
            if digits < 16 { words.0 = words.0 << 4 | d } else { words.1 = words.1 << 4 | d }
            digits += 1
        }
        return StreamIDKey(prefix: prefix, high: words.0, low: words.1)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(high ^ (low &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(prefix))
    }
}
