import Events
import Foundation

/// The decider of the Consortium aggregate (invariant 6): at least two active members, exactly
/// one lead who is a member, all accepting joint and several liability, and a composition that
/// is locked while the consortium has a live bid (asked of `ConsortiumDirectory.liveBid(of:)`).
public enum ConsortiumDecider: Decider {
    public static let initialState = ConsortiumState.initial
    /// The fewest members a consortium may have.
    public static let minimumMembers = 2

    /// The stream of a consortium.
    public static func streamId(_ id: UUID) -> String { StreamID.consortium(id) }

    public static func decide(_ command: ConsortiumCommand, state: ConsortiumState,
                              context: DecisionContext) throws(DomainError) -> [ConsortiumEvent] {
        if case .form(let f) = command {
            guard state.consortiumId == nil else { throw .alreadyExists(stream: streamId(f.consortiumId)) }
            return [.formed(try form(f, context: context))]
        }
        guard let id = state.consortiumId, let lead = state.leadMemberId else { throw .notFound(stream: "consortium") }
        guard !state.isDissolved else { throw .consortiumDissolved(consortium: id) }
        if let bid = context.consortia.liveBid(of: id) { throw .compositionLocked(consortium: id, liveBid: bid) }

        switch command {
        case .form:
            preconditionFailure("handled above")

        case let .addMember(membership):
            guard !state.memberIds.contains(membership.memberId) else {
                throw .alreadyAConsortiumMember(member: membership.memberId)
            }
            guard membership.acceptedJointLiability else {
                throw .jointLiabilityNotAccepted(member: membership.memberId)
            }
            try requireActive(membership.memberId, context: context)
            return [.memberAdded(ConsortiumMemberAdded(consortiumId: id, member: membership))]

        case let .removeMember(member, reason):
            guard state.memberIds.contains(member) else { throw .notAConsortiumMember(member: member) }
            guard member != lead else { throw .cannotRemoveLead(member: member) }
            let remaining = state.members.count - 1
            guard remaining >= minimumMembers else { throw .tooFewMembers(count: remaining, minimum: minimumMembers) }
            return [.memberRemoved(ConsortiumMemberRemoved(consortiumId: id, memberId: member, reason: reason))]

        case let .changeLead(newLead):
            guard newLead != lead else { return [] }
            guard state.memberIds.contains(newLead) else { throw .leadNotAMember(lead: newLead, members: state.memberIds) }
            try requireActive(newLead, context: context)
            return [.leadChanged(ConsortiumLeadChanged(consortiumId: id, leadMemberId: newLead, previousLeadMemberId: lead))]

        case let .dissolve(reason):
            return [.dissolved(ConsortiumDissolved(consortiumId: id, reason: reason))]
        }
    }

    public static func evolve(_ state: ConsortiumState, _ event: ConsortiumEvent) -> ConsortiumState {
        var s = state
        switch event {
        case .formed(let e):
            s.consortiumId = e.consortiumId
            s.leadMemberId = e.leadMemberId
            s.members = e.members
        case .memberAdded(let e):
            s.members.append(e.member)
        case .memberRemoved(let e):
            s.members.removeAll { $0.memberId == e.memberId }
        case .leadChanged(let e):
            s.leadMemberId = e.leadMemberId
        case .dissolved:
            s.isDissolved = true
        }
        return s
    }

    /// Checks in this order: name, distinct members, at least two, a lead, the lead among the
    /// members, liability accepted by all, all active.
    private static func form(_ f: FormConsortium, context: DecisionContext) throws(DomainError) -> ConsortiumFormed {
        guard !f.name.trimmingWhitespace.isEmpty else {
            throw .validation(ValidationError(field: "name", rule: .required, value: f.name))
        }
        if f.scope == .singleTender, f.tenderId == nil {
            throw .validation(ValidationError(field: "tenderId", rule: .required, value: ""))
        }
        var seen: Set<UUID> = []
        for m in f.members where !seen.insert(m.memberId).inserted { throw .duplicateMember(member: m.memberId) }
        guard f.members.count >= minimumMembers else {
            throw .tooFewMembers(count: f.members.count, minimum: minimumMembers)
        }
        guard let lead = f.lead else { throw .missingLead }
        guard seen.contains(lead) else { throw .leadNotAMember(lead: lead, members: f.members.map(\.memberId)) }
        for m in f.members where !m.acceptedJointLiability { throw .jointLiabilityNotAccepted(member: m.memberId) }
        for m in f.members { try requireActive(m.memberId, context: context) }
        return ConsortiumFormed(consortiumId: f.consortiumId, name: f.name, scope: f.scope,
                                tenderId: f.scope == .singleTender ? f.tenderId : nil,
                                leadMemberId: lead, members: f.members)
    }
}
