import Events
import Foundation

/// A consortium's composition as other aggregates see it.
public struct ConsortiumSnapshot: Hashable, Sendable {
    public var consortiumId: UUID
    public var leadMemberId: UUID
    public var memberIds: [UUID]
    public var scope: ConsortiumScope
    /// The tender a `singleTender` consortium was formed for.
    public var tenderId: UUID?
    public var isDissolved: Bool

    public init(consortiumId: UUID, leadMemberId: UUID, memberIds: [UUID], scope: ConsortiumScope = .standing,
                tenderId: UUID? = nil, isDissolved: Bool = false) {
        self.consortiumId = consortiumId
        self.leadMemberId = leadMemberId
        self.memberIds = memberIds
        self.scope = scope
        self.tenderId = tenderId
        self.isDissolved = isDissolved
    }
}

/// Read-only view of consortia for the tender decider (who bids through a consortium) and of
/// live bids for the consortium decider (composition lock, invariant 6).
///
/// A bid is *live* from `BidSubmitted` until it is withdrawn, disqualified, its tender is
/// cancelled, or every lot it covers has a finalised award.
///
/// Answers come from a read model and may lag the log. A consortium whose composition changes
/// while one of its bids is being decided can therefore slip past the lock; an application
/// service that needs the guarantee appends the bid in one commit with an expected version of
/// the consortium's stream (the log commits several streams atomically).
public protocol ConsortiumDirectory: Sendable {
    /// The consortium's current composition, or `nil` when it does not exist.
    func consortium(_ id: UUID) -> ConsortiumSnapshot?

    /// A live bid the consortium is the bidder of, if any.
    func liveBid(of consortium: UUID) -> UUID?
}
