import EventLog
import Events
import Foundation

/// What the tender decider knows of a tender's stream: its terms, invitations, bids and awards.
public struct TenderState: Sendable, Hashable {
    public var tenderId: UUID?
    public var status: TenderStatus
    public var buyer: Buyer?
    public var category: ProcurementCategory
    public var procedure: ProcedureType
    public var estimatedValueCents: Int64
    public var lots: [Lot]
    public var submissionDeadline: Timestamp
    public var participationRule: ParticipationRule
    public var standstillDays: UInt32
    public var invited: [PartyRef]
    /// Bids in submission order.
    public var bids: [BidState]
    /// Awards by lot number.
    public var awards: [UInt32: AwardState]

    public static let initial = TenderState(
        tenderId: nil, status: .unpublished, buyer: nil, category: .diensten, procedure: .nationaalOpenbaar,
        estimatedValueCents: 0, lots: [], submissionDeadline: Timestamp(microsecondsSinceEpoch: 0),
        participationRule: .singleParticipation, standstillDays: 0, invited: [], bids: [], awards: [:])

    public func bid(_ id: UUID) -> BidState? { bids.first { $0.bidId == id } }

    /// Live bids (not withdrawn, not disqualified) that cover `lot`.
    public func liveBids(onLot lot: UInt32) -> [BidState] {
        bids.filter { $0.isLive && $0.lots.contains(lot) }
    }
}
