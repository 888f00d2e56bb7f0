import EventLog
import Events
import Foundation
import Synchronization

/// The cross-aggregate facts deciders consult (member status, registry numbers, consortium
/// composition, live bids), kept by the application service from the log itself: built by one
/// replay at start, then updated with every event the service appends. The service is the
/// log's only writer (the log's writer lock), so this view is never behind its own commits.
public final class WriteSideDirectory: MemberDirectory, ConsortiumDirectory, Sendable {
    private struct Model {
        var directory = InMemoryDirectory()
        /// Live consortium bids by id: the consortium that placed it, its tender and its lots.
        var bidOwners: [UUID: (consortium: UUID, tender: UUID, lots: [UInt32])] = [:]
        /// Live bids of each consortium in submission order; `directory.liveBids` shows the first.
        var liveBidsOfConsortium: [UUID: [UUID]] = [:]
        /// Lots with a finalised award, per tender.
        var finalisedLots: [UUID: Set<UInt32>] = [:]
    }

    private let model = Mutex(Model())

    public init() {}

    /// Folds every member, consortium and tender event of `log`; returns the member ids whose
    /// erasure is recorded (so their keys can be checked destroyed).
    @discardableResult
    public func rebuild(from log: EventLog) throws -> [UUID] {
        var erased: [UUID] = []
        try log.forEachEvent(from: 1) { view in
            guard let entry = EventCatalogue.entry(typeBytes: view.typeBytes), entry.aggregate != .crossBorderAssignment,
                  entry.aggregate != .programme, entry.aggregate != .historyImport else { return }
            let event = try EventCatalogue.decode(typeBytes: view.typeBytes, schemaVersion: view.schemaVersion,
                                                  payload: view.payload)
            if case .member(.erased(let e)) = event { erased.append(e.memberId) }
            apply(event)
        }
        return erased
    }

    /// Makes this directory hold exactly what `other` holds (dropping facts of events that
    /// were accepted but never written).
    public func reset(to other: WriteSideDirectory) {
        let snapshot = other.model.withLock { $0 }
        model.withLock { $0 = snapshot }
    }

    /// Applies one appended event.
    public func apply(_ event: DomainEvent) {
        model.withLock { m in
            switch event {
            case .member(let e):
                switch e {
                case .registered(let r):
                    m.directory.memberStatuses[r.memberId] = .active
                    for key in RegistryKey.of(r) { m.directory.registryHolders[key] = r.memberId }
                case .registryVerified(let v):
                    if let key = RegistryKey.of(v) { m.directory.registryHolders[key] = v.memberId }
                case .membershipEnded(let x):
                    m.directory.memberStatuses[x.memberId] = .ended
                case .erased(let x):
                    m.directory.memberStatuses[x.memberId] = .erased
                    m.directory.registryHolders = m.directory.registryHolders.filter { $0.value != x.memberId }
                default:
                    break
                }
            case .consortium(let e):
                switch e {
                case .formed(let f):
                    m.directory.consortia[f.consortiumId] = ConsortiumSnapshot(
                        consortiumId: f.consortiumId, leadMemberId: f.leadMemberId, memberIds: f.members.map(\.memberId),
                        scope: f.scope, tenderId: f.tenderId)
                case .memberAdded(let a):
                    m.directory.consortia[a.consortiumId]?.memberIds.append(a.member.memberId)
                case .memberRemoved(let r):
                    m.directory.consortia[r.consortiumId]?.memberIds.removeAll { $0 == r.memberId }
                case .leadChanged(let l):
                    m.directory.consortia[l.consortiumId]?.leadMemberId = l.leadMemberId
                case .dissolved(let d):
                    m.directory.consortia[d.consortiumId]?.isDissolved = true
                }
            case .tender(let e):
                // A consortium may have live bids on several tenders at once; its composition
                // stays locked until the last of them ends.
                func end(bid: UUID) {
                    guard let owner = m.bidOwners.removeValue(forKey: bid) else { return }
                    var live = m.liveBidsOfConsortium[owner.consortium] ?? []
                    live.removeAll { $0 == bid }
                    m.liveBidsOfConsortium[owner.consortium] = live.isEmpty ? nil : live
                    m.directory.liveBids[owner.consortium] = live.first
                }
                func bids(of tender: UUID) -> [UUID] {
                    m.bidOwners.filter { $0.value.tender == tender }.map(\.key)
                }
                switch e {
                case .bidSubmitted(let b) where b.bidder.kind == .consortium:
                    m.bidOwners[b.bidId] = (b.bidder.id, b.tenderId, b.lots)
                    m.liveBidsOfConsortium[b.bidder.id, default: []].append(b.bidId)
                    m.directory.liveBids[b.bidder.id] = m.liveBidsOfConsortium[b.bidder.id]?.first
                case .bidWithdrawn(let w):
                    end(bid: w.bidId)
                case .bidEvaluated(let v) where v.outcome != .valid:
                    end(bid: v.bidId)
                case .awardFinalised(let a):
                    // A bid stays live until every lot it covers has a final award.
                    m.finalisedLots[a.tenderId, default: []].insert(a.lot)
                    let finalised = m.finalisedLots[a.tenderId] ?? []
                    for bid in bids(of: a.tenderId) where m.bidOwners[bid]!.lots.allSatisfy(finalised.contains) {
                        end(bid: bid)
                    }
                case .cancelled(let c):
                    for bid in bids(of: c.tenderId) { end(bid: bid) }
                    m.finalisedLots[c.tenderId] = nil
                default:
                    break
                }
            case .crossBorder, .programme, .historyImport:
                break
            }
        }
    }

    public func status(of member: UUID) -> MemberStatus? {
        model.withLock { $0.directory.status(of: member) }
    }

    public func member(holding key: RegistryKey) -> UUID? {
        model.withLock { $0.directory.member(holding: key) }
    }

    public func consortium(_ id: UUID) -> ConsortiumSnapshot? {
        model.withLock { $0.directory.consortium(id) }
    }

    public func liveBid(of consortium: UUID) -> UUID? {
        model.withLock { $0.directory.liveBid(of: consortium) }
    }
}
