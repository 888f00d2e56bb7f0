import EventLog
import Events
import Foundation

/// The cross-aggregate facts the auditor's deciders consult, folded from the events exactly as
/// `WriteSideDirectory` folds them (member status, registry numbers, consortium composition,
/// live bids), but in tables that spill to the auditor's scratch file (`SpillingTable`): the
/// entries that grow with the log (a status and register entries per member, a snapshot per
/// consortium, the finalised lots per tender) stay within their capacity in memory. Live
/// consortium bids stay in memory (they end with their tender).
///
/// Used by one auditor on one thread (`Sendable` as the decider protocols ask; never shared).
public final class AuditDirectory: MemberDirectory, ConsortiumDirectory, @unchecked Sendable {
    private let memberStatuses: SpillingTable<UUID, MemberStatus>
    /// Register entries, by key: the member and the number of directory events applied before
    /// the entry was made (`applied`), so that an erasure removes the entries made before it
    /// (`erasedAt`) without searching the table.
    private let registryHolders: SpillingTable<RegistryKey, RegistryEntry>
    private struct RegistryEntry {
        var holder: UUID
        var made: UInt64
    }
    /// Directory events applied so far.
    private var applied: UInt64 = 0
    /// Erased members and `applied` at their (last) erasure: rare, kept in memory.
    private var erasedAt: [UUID: UInt64] = [:]
    private let consortia: SpillingTable<UUID, ConsortiumSnapshot>
    /// Lots with a finalised award, per tender.
    private let finalisedLots: SpillingTable<UUID, [UInt32]>
    /// A live bid per consortium, if any (`liveBidsOfConsortium`'s first).
    private var liveBids: [UUID: UUID] = [:]
    /// Live consortium bids by id: the consortium that placed it, its tender and its lots.
    private var bidOwners: [UUID: (consortium: UUID, tender: UUID, lots: [UInt32])] = [:]
    /// Live bids of each consortium in submission order.
    private var liveBidsOfConsortium: [UUID: [UUID]] = [:]

    init(spill: AuditSpill?, capacity: Int) {
        func uuidKey(_ id: UUID, _ bytes: inout [UInt8]) { withUnsafeBytes(of: id.uuid) { bytes.append(contentsOf: $0) } }
        memberStatuses = SpillingTable(table: 16, spill: spill, capacity: capacity, keyBytes: uuidKey,
                                       encode: { $1.caseIndex(1, $0) },
                                       decode: { r in
                                           guard let (_, wire) = try r.nextField() else { throw ProtoDecodingError.missingField(message: "MemberStatus", field: 1) }
                                           return try r.caseIndex(wire, as: MemberStatus.self)
                                       })
        registryHolders = SpillingTable(table: 17, spill: spill, capacity: capacity,
                                        keyBytes: { key, bytes in
                                            var w = ProtoWriter(capacity: 48)
                                            switch key {
                                            case .digest(let d): w.message(1, d)
                                            case .plaintext(let id): w.message(2, id)
                                            }
                                            bytes.append(contentsOf: w.bytes)
                                        },
                                        encode: { e, w in
                                            w.uuid(1, e.holder)
                                            w.uint64(2, e.made)
                                        },
                                        decode: { r in
                                            var holder: UUID?, made: UInt64 = 0
                                            while let (field, wire) = try r.nextField() {
                                                switch field {
                                                case 1: holder = try r.uuid(wire)
                                                case 2: made = try r.uint64(wire)
                                                default: try r.skip(wire)
                                                }
                                            }
                                            guard let holder else { throw ProtoDecodingError.missingField(message: "RegistryEntry", field: 1) }
                                            return RegistryEntry(holder: holder, made: made)
                                        })
        consortia = SpillingTable(table: 18, spill: spill, capacity: capacity, keyBytes: uuidKey,
                                  encode: { s, w in
                                      w.uuid(1, s.consortiumId)
                                      w.uuid(2, s.leadMemberId)
                                      for m in s.memberIds { w.uuid(3, m) }
                                      w.enumValue(4, s.scope)
                                      if let t = s.tenderId { w.uuid(5, t) }
                                      w.bool(6, s.isDissolved)
                                  },
                                  decode: { r in
                                      var id: UUID?, lead: UUID?, members: [UUID] = [], scope = ConsortiumScope.standing
                                      var tender: UUID?, dissolved = false
                                      while let (field, wire) = try r.nextField() {
                                          switch field {
                                          case 1: id = try r.uuid(wire)
                                          case 2: lead = try r.uuid(wire)
                                          case 3: members.append(try r.uuid(wire))
                                          case 4: scope = try r.enumValue(wire, as: ConsortiumScope.self)
                                          case 5: tender = try r.uuid(wire)
                                          case 6: dissolved = try r.bool(wire)
                                          default: try r.skip(wire)
                                          }
                                      }
                                      guard let id, let lead else { throw ProtoDecodingError.missingField(message: "ConsortiumSnapshot", field: 1) }
                                      return ConsortiumSnapshot(consortiumId: id, leadMemberId: lead, memberIds: members, scope: scope,
                                                                tenderId: tender, isDissolved: dissolved)
                                  })
        finalisedLots = SpillingTable(table: 19, spill: spill, capacity: capacity, keyBytes: uuidKey,
                                      encode: { lots, w in for lot in lots { w.uint32(1, lot) } },
                                      decode: { r in
                                          var lots: [UInt32] = []
                                          while let (_, wire) = try r.nextField() { try r.appendUint32s(wire, to: &lots) }
                                          return lots
                                      })
    }

    /// See `InvariantAuditor.shrinkResidentStates`.
    func shrinkResidentEntries(to fraction: Double, minimum: Int) {
        memberStatuses.shrink(keeping: fraction, minimum: minimum)
        registryHolders.shrink(keeping: fraction, minimum: minimum)
        consortia.shrink(keeping: fraction, minimum: minimum)
        finalisedLots.shrink(keeping: fraction, minimum: minimum)
    }

    /// Entries held in memory (of the tables that spill).
    var residentEntries: Int {
        memberStatuses.residentCount + registryHolders.residentCount + consortia.residentCount + finalisedLots.residentCount
    }

    /// Applies one event, as `WriteSideDirectory.apply` does.
    func apply(_ event: DomainEvent) {
        applied += 1
        switch event {
        case .member(let e):
            switch e {
            case .registered(let r):
                memberStatuses.set(r.memberId, .active)
                for key in RegistryKey.of(r) { registryHolders.set(key, RegistryEntry(holder: r.memberId, made: applied)) }
            case .registryVerified(let v):
                if let key = RegistryKey.of(v) { registryHolders.set(key, RegistryEntry(holder: v.memberId, made: applied)) }
            case .membershipEnded(let x):
                memberStatuses.set(x.memberId, .ended)
            case .erased(let x):
                // `WriteSideDirectory` removes every register entry of the member here: entries
                // made before this count as removed (`member(holding:)`).
                memberStatuses.set(x.memberId, .erased)
                erasedAt[x.memberId] = applied
            default:
                break
            }
        case .consortium(let e):
            switch e {
            case .formed(let f):
                consortia.set(f.consortiumId, ConsortiumSnapshot(
                    consortiumId: f.consortiumId, leadMemberId: f.leadMemberId, memberIds: f.members.map(\.memberId),
                    scope: f.scope, tenderId: f.tenderId))
            case .memberAdded(let a):
                consortia.box(a.consortiumId)?.value.memberIds.append(a.member.memberId)
            case .memberRemoved(let r):
                consortia.box(r.consortiumId)?.value.memberIds.removeAll { $0 == r.memberId }
            case .leadChanged(let l):
                consortia.box(l.consortiumId)?.value.leadMemberId = l.leadMemberId
            case .dissolved(let d):
                consortia.box(d.consortiumId)?.value.isDissolved = true
            }
        case .tender(let e):
            // A consortium may have live bids on several tenders at once; its composition
            // stays locked until the last of them ends.
            func end(bid: UUID) {
                guard let owner = bidOwners.removeValue(forKey: bid) else { return }
                var live = liveBidsOfConsortium[owner.consortium] ?? []
                live.removeAll { $0 == bid }
                liveBidsOfConsortium[owner.consortium] = live.isEmpty ? nil : live
                liveBids[owner.consortium] = live.first
            }
            func bids(of tender: UUID) -> [UUID] {
                bidOwners.filter { $0.value.tender == tender }.map(\.key)
            }
            switch e {
            case .bidSubmitted(let b) where b.bidder.kind == .consortium:
                bidOwners[b.bidId] = (b.bidder.id, b.tenderId, b.lots)
                liveBidsOfConsortium[b.bidder.id, default: []].append(b.bidId)
                liveBids[b.bidder.id] = liveBidsOfConsortium[b.bidder.id]?.first
            case .bidWithdrawn(let w):
                end(bid: w.bidId)
            case .bidEvaluated(let v) where v.outcome != .valid:
                end(bid: v.bidId)
            case .awardFinalised(let a):
                // A bid stays live until every lot it covers has a final award.
                var finalised = Set(finalisedLots[a.tenderId] ?? [])
                finalised.insert(a.lot)
                finalisedLots.set(a.tenderId, finalised.sorted())
                for bid in bids(of: a.tenderId) where bidOwners[bid]!.lots.allSatisfy(finalised.contains) {
                    end(bid: bid)
                }
            case .cancelled(let c):
                for bid in bids(of: c.tenderId) { end(bid: bid) }
                finalisedLots.remove(c.tenderId)
            default:
                break
            }
        case .crossBorder, .programme, .historyImport:
            break
        }
    }

    public func status(of member: UUID) -> MemberStatus? { memberStatuses[member] }

    public func member(holding key: RegistryKey) -> UUID? {
        guard let entry = registryHolders[key] else { return nil }
        if let erased = erasedAt[entry.holder], entry.made < erased { return nil }
        return entry.holder
    }

    public func consortium(_ id: UUID) -> ConsortiumSnapshot? { consortia[id] }

    public func liveBid(of consortium: UUID) -> UUID? { liveBids[consortium] }
}
