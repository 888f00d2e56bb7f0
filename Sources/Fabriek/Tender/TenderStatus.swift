/// Where a tender is in its life.
public enum TenderStatus: String, Hashable, Sendable, CaseIterable {
    /// No `TenderPublished` yet.
    case unpublished
    /// Published; bids accepted until the deadline (server time).
    case open
    /// `SubmissionClosed`: evaluation and award.
    case closed
    /// `TenderCancelled`: accepts no commands.
    case cancelled
}
