import EventLog
import Events
import Foundation

/// The terms of a new job. Defaults follow DOMAIN.md: best price-quality ratio, single
/// participation, 20 days standstill.
public struct PublishTender: Sendable, Hashable {
    public var tenderId: UUID
    public var buyer: Buyer
    public var title: String
    public var description: String
    public var category: ProcurementCategory
    public var procedure: ProcedureType
    public var estimatedValueCents: Int64
    /// Main CPV code, `^\d{8}-\d$`.
    public var mainCpv: String
    /// At least one; numbers from 1, unique; buurten from the reference data.
    public var lots: [Lot]
    /// Must lie after the server's `now`.
    public var submissionDeadline: Timestamp
    public var awardCriterion: AwardCriterion
    public var participationRule: ParticipationRule
    /// Calendar days between intended and final award; at least 20 above the EU threshold.
    public var standstillDays: UInt32
    /// Social return share in basis points (0…10,000).
    public var sroiBasisPoints: UInt32

    public init(tenderId: UUID, buyer: Buyer, title: String, description: String = "",
                category: ProcurementCategory, procedure: ProcedureType, estimatedValueCents: Int64,
                mainCpv: String, lots: [Lot], submissionDeadline: Timestamp,
                awardCriterion: AwardCriterion = .bestePrijsKwaliteit,
                participationRule: ParticipationRule = .singleParticipation,
                standstillDays: UInt32 = 20, sroiBasisPoints: UInt32 = 0) {
        self.tenderId = tenderId
        self.buyer = buyer
        self.title = title
        self.description = description
        self.category = category
        self.procedure = procedure
        self.estimatedValueCents = estimatedValueCents
        self.mainCpv = mainCpv
        self.lots = lots
        self.submissionDeadline = submissionDeadline
        self.awardCriterion = awardCriterion
        self.participationRule = participationRule
        self.standstillDays = standstillDays
        self.sroiBasisPoints = sroiBasisPoints
    }
}
