import EventLog
import Foundation

/// The award of one lot: intended, then (after the standstill period) final.
public struct AwardState: Sendable, Hashable {
    public var lot: UInt32
    public var bidId: UUID
    public var valueCents: Int64
    public var standstillEndsAt: Timestamp
    public var isFinal: Bool
}
