import Events
import Foundation

/// What the member decider needs to know of a member's history.
public struct MemberState: Sendable, Hashable {
    /// `nil` until `MemberRegistered`.
    public var memberId: UUID?
    public var status: MemberStatus
    /// The register entries the member registered with (`RegistryKey`: digests since v2).
    public var registryKeys: [RegistryKey]
    /// Consent ids of target-group declarations in force.
    public var activeConsents: Set<UUID>

    public static let initial = MemberState(memberId: nil, status: .active, registryKeys: [], activeConsents: [])

    public var exists: Bool { memberId != nil }
}
