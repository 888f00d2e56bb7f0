import Events
import Foundation

/// A bid as the tender decider tracks it.
public struct BidState: Sendable, Hashable {
    public var bidId: UUID
    public var lots: [UInt32]
    public var bidder: PartyRef
    /// The members taking part, as at submission.
    public var participants: [UUID]
    public var priceCents: Int64
    public var isWithdrawn: Bool
    /// `nil` until evaluated.
    public var outcome: BidOutcome?

    /// Counts for single participation: not withdrawn and not disqualified.
    public var isLive: Bool { !isWithdrawn && outcome != .disqualified }
}
