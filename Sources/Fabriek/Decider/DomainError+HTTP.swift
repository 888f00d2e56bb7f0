extension DomainError {
    /// The HTTP status the API should answer with: 404 when the addressed aggregate does not
    /// exist, 410 for an erased member, 409 when the command conflicts with the aggregate's
    /// current state (retrying later or after another change may succeed), 422 when the command
    /// itself is invalid.
    public var httpStatus: Int {
        switch self {
        case .notFound:
            404
        case .memberErased:
            410
        case .alreadyExists, .membershipEnded, .duplicateRegistryId, .compositionLocked, .consortiumDissolved,
             .tenderNotOpen, .bidAfterDeadline, .participationConflict, .bidAlreadyExists, .bidWithdrawn,
             .alreadyInvited, .deadlineNotPassed, .submissionNotClosed, .bidAlreadyEvaluated, .lotAlreadyAwarded,
             .awardAlreadyFinalised, .standstillNotOver, .lotHasLiveBids, .tenderHasFinalAward, .assignmentEnded,
             .goalStreamMismatch:
            409
        default:
            422
        }
    }
}
