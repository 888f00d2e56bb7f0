import EventLog
import FabriekReference

/// Everything a decider may consult besides the stream's own state: the service's clock and
/// read-only views of other aggregates and of reference data.
///
/// The application service builds one per command. `now` comes from the service's injected
/// clock, never from the client; tests use a fixed instant so decisions replay exactly.
public struct DecisionContext: Sendable {
    /// The server's time of the decision.
    public var now: Timestamp
    /// Status and registry ids of members (invariants 5, 10, 11).
    public var members: any MemberDirectory
    /// Composition and live bids of consortia (invariants 4, 6).
    public var consortia: any ConsortiumDirectory
    /// Seals personal data with the data subject's key.
    public var sealer: any PersonalDataSealer
    /// Thresholds, geography, focus areas, KPI codes.
    public var reference: ReferenceData

    public init(now: Timestamp, members: any MemberDirectory, consortia: any ConsortiumDirectory,
                sealer: any PersonalDataSealer, reference: ReferenceData) {
        self.now = now
        self.members = members
        self.consortia = consortia
        self.sealer = sealer
        self.reference = reference
    }
}
