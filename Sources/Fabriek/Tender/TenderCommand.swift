import EventLog
import Events
import Foundation

/// What can be asked of a tender (stream `tender-{uuid}`), its bids and its awards.
/// Times are never part of a command: the decider uses the context's `now`.
public enum TenderCommand: Sendable, Hashable {
    /// Publish a job (invariant 8 checked against the EU thresholds in force today).
    case publish(PublishTender)
    /// Change an open tender; `nil` fields and empty `lots` leave things unchanged.
    case amend(title: String?, description: String?, submissionDeadline: Timestamp?,
               estimatedValueCents: Int64?, lots: [Lot], reason: String)
    /// Invite a party (needed to bid in onderhandse procedures, invariant 3).
    case invite(PartyRef, isLocal: Bool, reason: String)
    /// Submit a bid (invariants 1–5).
    case submitBid(bidId: UUID, lots: [UInt32], bidder: PartyRef, priceCents: Int64, priceBasis: PriceBasis)
    /// Withdraw a bid before the deadline.
    case withdrawBid(bidId: UUID, reason: String?)
    /// Close submission once the deadline has passed.
    case closeSubmission
    /// Record a bid's evaluation (after closing).
    case evaluateBid(bidId: UUID, outcome: BidOutcome, disqualificationReason: String?,
                     scoreHundredths: Int64?, rank: UInt32?)
    /// Announce the intended award of a lot; starts the standstill period (invariant 7).
    case intendAward(lot: UInt32, bidId: UUID, valueCents: Int64)
    /// Make the award of a lot final, once the standstill period has ended (invariant 7).
    case finaliseAward(lot: UInt32)
    /// Cancel the tender (not after a final award).
    case cancel(reason: String)
}
