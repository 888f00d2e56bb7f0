import Events
import Foundation

/// A `MemberDirectory` and `ConsortiumDirectory` held in memory: for tests, demo data and
/// embedded use. Immutable; build a new one (or use the `with…` helpers) to change it.
public struct InMemoryDirectory: MemberDirectory, ConsortiumDirectory, Hashable {
    public var memberStatuses: [UUID: MemberStatus]
    /// Register entries held by members not erased.
    public var registryHolders: [RegistryKey: UUID]
    public var consortia: [UUID: ConsortiumSnapshot]
    /// A live bid per consortium, if any.
    public var liveBids: [UUID: UUID]

    public init(memberStatuses: [UUID: MemberStatus] = [:], registryHolders: [RegistryKey: UUID] = [:],
                consortia: [UUID: ConsortiumSnapshot] = [:], liveBids: [UUID: UUID] = [:]) {
        self.memberStatuses = memberStatuses
        self.registryHolders = registryHolders
        self.consortia = consortia
        self.liveBids = liveBids
    }

    public func status(of member: UUID) -> MemberStatus? { memberStatuses[member] }

    public func member(holding key: RegistryKey) -> UUID? {
        guard let holder = registryHolders[key], memberStatuses[holder] != .erased else { return nil }
        return holder
    }

    public func consortium(_ id: UUID) -> ConsortiumSnapshot? { consortia[id] }

    public func liveBid(of consortium: UUID) -> UUID? { liveBids[consortium] }
}
