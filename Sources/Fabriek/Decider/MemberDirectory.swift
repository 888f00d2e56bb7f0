import Events
import Foundation

/// Where a member stands, as far as other aggregates need to know.
public enum MemberStatus: String, Hashable, Sendable, CaseIterable {
    /// In the register and allowed to take part in bids and consortia.
    case active
    /// Suspended by the cooperative (DOMAIN.md invariant 5; reserved: no event sets it yet).
    case suspended
    /// Membership ended (`MembershipEnded`); the entry stays.
    case ended
    /// Erased (`MemberErased`); only the pseudonymous id remains.
    case erased
}

/// Read-only view of the member register that deciders consult for cross-aggregate rules.
///
/// Implementations answer from a read model or an in-memory index; they must not block for
/// long (deciders are called inside the append retry loop). A slightly stale answer is
/// acceptable only where the doc of the rule says so.
public protocol MemberDirectory: Sendable {
    /// The member's status, or `nil` when no such member exists.
    func status(of member: UUID) -> MemberStatus?

    /// The member that holds the register entry `key` among members not erased (invariant 10),
    /// if any. A registration since `MemberRegistered` v2 is known by its digest only; a v1
    /// registration in plaintext (`RegistryKey`): ask for both forms of a number.
    /// Exact under `ApplicationService`: it decides one command at a time (`CommandGate`) and
    /// applies each command's events to its directory before the next decision, and only one
    /// process writes a log (the writer lock), so two registrations with the same number cannot
    /// both pass.
    func member(holding key: RegistryKey) -> UUID?
}

extension MemberDirectory {
    /// The member holding the normalised `id`, known by its blind-index `digest` (v2) or in
    /// plaintext (v1 registrations).
    public func member(holding id: RegistryId, digest: RegistryDigest) -> UUID? {
        member(holding: .digest(digest)) ?? member(holding: .plaintext(id))
    }
}

/// How the write side knows a register entry (invariant 10): by its blind-index digest
/// (`MemberRegistered` v2, `MemberRegistryVerified` v2) or in plaintext (v1 events).
public enum RegistryKey: Hashable, Sendable {
    case digest(RegistryDigest)
    case plaintext(RegistryId)

    /// The keys of the entries a registration names.
    public static func of(_ r: MemberRegistered) -> [RegistryKey] {
        r.registryIds.map { .plaintext($0) } + r.registryDigests.map { .digest($0) }
    }

    /// The key of the entry a verification names, if any.
    public static func of(_ v: MemberRegistryVerified) -> RegistryKey? {
        if let id = v.registryId { return .plaintext(id) }
        return v.registryDigest.map { .digest($0) }
    }
}
