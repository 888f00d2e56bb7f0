extension DomainError {
    /// How a refusal is answered: the HTTP status of the API and the exit code of the CLI.
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// The command itself is invalid (HTTP 422).
        case invalid
        /// The command conflicts with the aggregate's current state; retrying later or after
        /// another change may succeed (HTTP 409).
        case conflict
        /// The addressed aggregate does not exist (HTTP 404).
        case notFound
        /// The addressed member was erased (HTTP 410).
        case gone

        public var httpStatus: Int {
            switch self {
            case .invalid: 422
            case .conflict: 409
            case .notFound: 404
            case .gone: 410
            }
        }

        /// The exit code of a command-line tool that reports the refusal (`fabriek-admin`
        /// documents 1 for a refused or failed command).
        public var exitCode: Int32 {
            switch self {
            case .invalid, .conflict, .notFound, .gone: 1
            }
        }
    }

    /// Each case's stable rule code (`invariant-1.bidAfterDeadline`, the `type` of the API's
    /// `application/problem+json`) and kind, in one exhaustive switch: a new case does not
    /// compile until it has both.
    public var classification: (rule: String, kind: Kind) {
        switch self {
        case .validation(let error): ("validation.\(error.rule.rawValue)", .invalid)
        case .alreadyExists: ("aggregate.alreadyExists", .conflict)
        case .notFound: ("aggregate.notFound", .notFound)
        case .memberErased: ("invariant-11.memberErased", .gone)
        case .membershipEnded: ("member.membershipEnded", .conflict)
        case .duplicateRegistryId: ("invariant-10.duplicateRegistryId", .conflict)
        case .registryIdNotHeld: ("member.registryIdNotHeld", .invalid)
        case .unknownMember: ("member.unknown", .invalid)
        case .memberNotActive: ("invariant-5.memberNotActive", .invalid)
        case .unknownBuurt: ("reference.unknownBuurt", .invalid)
        case .rateNotPositive: ("member.rateNotPositive", .invalid)
        case .consentNotFound: ("member.consentNotFound", .invalid)
        case .tooFewMembers: ("invariant-6.tooFewMembers", .invalid)
        case .missingLead: ("invariant-6.missingLead", .invalid)
        case .leadNotAMember: ("invariant-6.leadNotAMember", .invalid)
        case .duplicateMember: ("consortium.duplicateMember", .invalid)
        case .jointLiabilityNotAccepted: ("invariant-6.jointLiabilityNotAccepted", .invalid)
        case .compositionLocked: ("invariant-6.compositionLocked", .conflict)
        case .cannotRemoveLead: ("consortium.cannotRemoveLead", .invalid)
        case .notAConsortiumMember: ("consortium.notAMember", .invalid)
        case .alreadyAConsortiumMember: ("consortium.alreadyAMember", .invalid)
        case .consortiumDissolved: ("consortium.dissolved", .conflict)
        case .unknownConsortium: ("consortium.unknown", .invalid)
        case .consortiumBoundToOtherTender: ("consortium.boundToOtherTender", .invalid)
        case .tenderNotOpen: ("invariant-1.tenderNotOpen", .conflict)
        case .bidAfterDeadline: ("invariant-1.bidAfterDeadline", .conflict)
        case .unknownLot: ("invariant-2.unknownLot", .invalid)
        case .noLots: ("tender.noLots", .invalid)
        case .invalidLotNumber: ("tender.invalidLotNumber", .invalid)
        case .priceNotPositive: ("invariant-2.priceNotPositive", .invalid)
        case .amountNegative: ("tender.amountNegative", .invalid)
        case .notInvited: ("invariant-3.notInvited", .invalid)
        case .alreadyInvited: ("tender.alreadyInvited", .conflict)
        case .participationConflict: ("invariant-4.participationConflict", .conflict)
        case .bidAlreadyExists: ("tender.bidAlreadyExists", .conflict)
        case .unknownBid: ("tender.unknownBid", .invalid)
        case .bidWithdrawn: ("tender.bidWithdrawn", .conflict)
        case .deadlineNotInFuture: ("tender.deadlineNotInFuture", .invalid)
        case .deadlineNotPassed: ("tender.deadlineNotPassed", .conflict)
        case .submissionNotClosed: ("invariant-7.submissionNotClosed", .conflict)
        case .bidAlreadyEvaluated: ("tender.bidAlreadyEvaluated", .conflict)
        case .disqualificationWithoutReason: ("tender.disqualificationWithoutReason", .invalid)
        case .bidNotEvaluatedValid: ("invariant-7.bidNotEvaluatedValid", .invalid)
        case .bidDoesNotCoverLot: ("tender.bidDoesNotCoverLot", .invalid)
        case .lotAlreadyAwarded: ("invariant-7.lotAlreadyAwarded", .conflict)
        case .noAwardIntended: ("tender.noAwardIntended", .invalid)
        case .awardAlreadyFinalised: ("tender.awardAlreadyFinalised", .conflict)
        case .standstillNotOver: ("invariant-7.standstillNotOver", .conflict)
        case .standstillTooShort: ("invariant-7.standstillTooShort", .invalid)
        case .europeanProcedureRequired: ("invariant-8.europeanProcedureRequired", .invalid)
        case .euThresholdUnknown: ("invariant-8.euThresholdUnknown", .invalid)
        case .procedureNotForBuyer: ("tender.procedureNotForBuyer", .invalid)
        case .lotHasLiveBids: ("tender.lotHasLiveBids", .conflict)
        case .tenderHasFinalAward: ("tender.hasFinalAward", .conflict)
        case .endBeforeStart: ("invariant-9.endBeforeStart", .invalid)
        case .notCrossBorder: ("invariant-9.notCrossBorder", .invalid)
        case .postingTooLong: ("invariant-9.postingTooLong", .invalid)
        case .emrRegionMismatch: ("crossBorder.emrRegionMismatch", .invalid)
        case .assignmentEnded: ("crossBorder.assignmentEnded", .conflict)
        case .noFocusArea: ("programme.noFocusArea", .invalid)
        case .durationNotPositive: ("programme.durationNotPositive", .invalid)
        case .activityInFuture: ("programme.activityInFuture", .invalid)
        case .unknownKPI: ("programme.unknownKPI", .invalid)
        case .kpiFocusAreaMismatch: ("programme.kpiFocusAreaMismatch", .invalid)
        case .goalStreamMismatch: ("programme.goalStreamMismatch", .conflict)
        case .notATraining: ("programme.notATraining", .invalid)
        case .trainingMinutesExceedDuration: ("programme.trainingMinutesExceedDuration", .invalid)
        case .targetNegative: ("programme.targetNegative", .invalid)
        case .notAnAttendee: ("programme.notAnAttendee", .invalid)
        }
    }

    /// The stable rule code.
    public var rule: String { classification.rule }

    /// What kind of refusal this is.
    public var kind: Kind { classification.kind }

    /// The HTTP status the API answers with (see `Kind`).
    public var httpStatus: Int { classification.kind.httpStatus }

    /// The exit code of a command-line tool (see `Kind`).
    public var exitCode: Int32 { classification.kind.exitCode }
}
