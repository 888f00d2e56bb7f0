extension DomainError {
    /// The number of the DOMAIN.md invariant this refusal enforces (1-11), or nil for a refusal
    /// that guards the aggregate's own consistency (an unknown bid, a stream that exists, ...).
    public var invariant: Int? {
        switch self {
        case .tenderNotOpen, .bidAfterDeadline: return 1
        case .unknownLot, .noLots, .invalidLotNumber, .priceNotPositive: return 2
        case .notInvited: return 3
        case .participationConflict: return 4
        case .memberNotActive, .membershipEnded, .unknownMember: return 5
        case .tooFewMembers, .missingLead, .leadNotAMember, .duplicateMember, .jointLiabilityNotAccepted,
             .compositionLocked, .cannotRemoveLead, .notAConsortiumMember, .alreadyAConsortiumMember,
             .consortiumDissolved, .unknownConsortium, .consortiumBoundToOtherTender:
            return 6
        case .submissionNotClosed, .bidNotEvaluatedValid, .bidDoesNotCoverLot, .lotAlreadyAwarded,
             .noAwardIntended, .awardAlreadyFinalised, .standstillNotOver, .standstillTooShort:
            return 7
        case .europeanProcedureRequired, .euThresholdUnknown, .procedureNotForBuyer: return 8
        case .endBeforeStart, .notCrossBorder, .postingTooLong, .emrRegionMismatch: return 9
        case .duplicateRegistryId: return 10
        case .memberErased: return 11
        case .validation, .alreadyExists, .notFound, .registryIdNotHeld, .unknownBuurt, .rateNotPositive,
             .consentNotFound, .amountNegative, .alreadyInvited, .bidAlreadyExists, .unknownBid, .bidWithdrawn,
             .deadlineNotInFuture, .deadlineNotPassed, .bidAlreadyEvaluated, .disqualificationWithoutReason,
             .lotHasLiveBids, .tenderHasFinalAward, .assignmentEnded, .noFocusArea, .durationNotPositive,
             .activityInFuture, .unknownKPI, .kpiFocusAreaMismatch, .goalStreamMismatch, .notATraining,
             .trainingMinutesExceedDuration, .targetNegative, .notAnAttendee:
            return nil
        }
    }
}
