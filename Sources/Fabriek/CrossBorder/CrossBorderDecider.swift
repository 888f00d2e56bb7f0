import Events
import Foundation

/// The decider of a YouRegion cross-border assignment (invariant 9): the end is not before the
/// start, the work crosses a border, and a posting lasts at most 24 months.
public enum CrossBorderDecider: Decider {
    public static let initialState = CrossBorderState.initial
    /// The longest posting, in months (EU Regulation 883/2004, art. 12).
    public static let maximumPostingMonths = 24

    /// The stream of an assignment.
    public static func streamId(_ id: UUID) -> String { StreamID.crossBorder(id) }

    /// The last day a posting starting on `start` may last: 24 months later, less one day
    /// (2026-01-01 → 2027-12-31).
    public static func latestPostingEnd(startingOn start: Day) -> Day {
        start.adding(months: maximumPostingMonths).adding(days: -1)
    }

    public static func decide(_ command: CrossBorderCommand, state: CrossBorderState,
                              context: DecisionContext) throws(DomainError) -> [CrossBorderEvent] {
        if case .register(let r) = command {
            guard state.assignmentId == nil else { throw .alreadyExists(stream: streamId(r.assignmentId)) }
            return [.workRegistered(try register(r, context: context))]
        }
        guard let id = state.assignmentId else { throw .notFound(stream: "xborder") }
        if let member = state.memberId, context.members.status(of: member) == .erased {
            throw .memberErased(member: member)
        }

        switch command {
        case .register:
            preconditionFailure("handled above")

        case let .recordA1(status, issuer, from, until):
            if let from, let until, until < from { throw .endBeforeStart(start: from, end: until) }
            return [.a1CertificateRecorded(A1CertificateRecorded(assignmentId: id, status: status, issuer: issuer,
                                                                 validFrom: from, validUntil: until))]

        case let .end(endedOn, reason):
            guard !state.isEnded else { throw .assignmentEnded }
            guard endedOn >= state.startsOn else { throw .endBeforeStart(start: state.startsOn, end: endedOn) }
            if state.socialSecurityBasis == .posting {
                let latest = latestPostingEnd(startingOn: state.startsOn)
                guard endedOn <= latest else {
                    throw .postingTooLong(start: state.startsOn, end: endedOn, latestEnd: latest)
                }
            }
            return [.workEnded(CrossBorderWorkEnded(assignmentId: id, endedOn: endedOn, reason: reason))]
        }
    }

    public static func evolve(_ state: CrossBorderState, _ event: CrossBorderEvent) -> CrossBorderState {
        var s = state
        switch event {
        case .workRegistered(let e):
            s.assignmentId = e.assignmentId
            s.memberId = e.memberId
            s.startsOn = e.startsOn
            s.endsOn = e.endsOn
            s.socialSecurityBasis = e.socialSecurityBasis
        case .a1CertificateRecorded(let e):
            s.a1Status = e.status
        case .workEnded:
            s.isEnded = true
        }
        return s
    }

    /// Checks in this order: countries well-formed, member active (invariant 5), end ≥ start,
    /// a border crossed, posting ≤ 24 months, EMR region in the work country, SBI code.
    private static func register(_ r: RegisterCrossBorderWork,
                                 context: DecisionContext) throws(DomainError) -> CrossBorderWorkRegistered {
        try validateCountry(r.residenceCountry, field: "residenceCountry")
        try validateCountry(r.workCountry, field: "workCountry")
        if let client = r.clientCountry { try validateCountry(client, field: "clientCountry") }
        try requireActive(r.memberId, context: context)
        guard r.endsOn >= r.startsOn else { throw .endBeforeStart(start: r.startsOn, end: r.endsOn) }
        let crossesByWork = r.workCountry != r.residenceCountry
        let crossesByClient = r.clientCountry.map { $0 != r.residenceCountry } ?? false
        guard crossesByWork || crossesByClient else {
            throw .notCrossBorder(residence: r.residenceCountry, work: r.workCountry, client: r.clientCountry)
        }
        if r.socialSecurityBasis == .posting {
            let latest = latestPostingEnd(startingOn: r.startsOn)
            guard r.endsOn <= latest else { throw .postingTooLong(start: r.startsOn, end: r.endsOn, latestEnd: latest) }
        }
        if r.emrRegion != .outsideEmr {
            let regionCountry = context.reference.emrRegions.region(r.emrRegion.rawValue)?.country
            guard regionCountry == r.workCountry.rawValue else {
                throw .emrRegionMismatch(region: r.emrRegion, workCountry: r.workCountry)
            }
        }
        let sbi = try DomainError.validating { () throws(ValidationError) in
            try SBICode(r.sbiActivity, field: "sbiActivity")
        }
        return CrossBorderWorkRegistered(assignmentId: r.assignmentId, memberId: r.memberId,
                                         residenceCountry: r.residenceCountry, workCountry: r.workCountry,
                                         emrRegion: r.emrRegion, clientKind: r.clientKind, startsOn: r.startsOn,
                                         endsOn: r.endsOn, sbiActivity: sbi.value,
                                         socialSecurityBasis: r.socialSecurityBasis, clientCountry: r.clientCountry)
    }
}
