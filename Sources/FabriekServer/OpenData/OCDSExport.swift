import EventLog
import Events
import Fabriek
import Foundation

/// Every published job as an OCDS 1.1 release package: tender (lots, items by CPV, value,
/// tender period, tenderers), buyer, parties and awards. A consortium's award lists each of its
/// members as a supplier, as in the standard's worked example for joint bids.
///
/// Built by folding the log up to `position` (so it works beside a running server and gives
/// the same bytes for the same position). Only public facts appear: party names are buyers'
/// names and consortium names; a member is named by a pseudonym of its id (`Lid 1a2b3c4d`),
/// never by legal name or trade name (often the member's own name: sealed personal data since
/// `MemberRegistered` v2), contact details or target groups, none of which is read.
public struct OCDSExport {
    public static let ocidPrefix = "ocds-fabriek"
    let log: EventLog

    public init(log: EventLog) { self.log = log }

    private struct Tender {
        var published: TenderPublished
        var publishedAt: Timestamp
        var lastChange: Timestamp
        var bids: [UUID: BidSubmitted] = [:]
        var withdrawn: Set<UUID> = []
        var awards: [UInt32: (intended: AwardIntended, at: Timestamp, final: Bool)] = [:]
        var closed = false
        var cancelled = false
    }

    /// The package of releases of jobs published at or after `since` (all when nil), as of
    /// `position` (the head when nil). Keys sorted, so equal inputs give equal bytes.
    public func package(since: Timestamp? = nil, asOf position: UInt64? = nil) throws -> [String: Any] {
        let last = position ?? log.head().position
        var tenders: [UUID: Tender] = [:]
        var order: [UUID] = []
        var consortia: [UUID: (name: String, members: [UUID])] = [:]
        if last > 0 {
            try log.forEachEvent(from: 1, through: last) { view in
                guard let entry = EventCatalogue.entry(typeBytes: view.typeBytes),
                      entry.aggregate == .tender || entry.aggregate == .consortium else { return }
                let event = try EventCatalogue.decode(typeBytes: view.typeBytes, schemaVersion: view.schemaVersion, payload: view.payload)
                let at = view.recordedAt
                switch event {
                case .consortium(.formed(let f)):
                    consortia[f.consortiumId] = (f.name, f.members.map(\.memberId))
                case .consortium(.memberAdded(let a)):
                    consortia[a.consortiumId]?.members.append(a.member.memberId)
                case .consortium(.memberRemoved(let r)):
                    consortia[r.consortiumId]?.members.removeAll { $0 == r.memberId }
                case .tender(.published(let p)):
                    if tenders[p.tenderId] == nil { order.append(p.tenderId) }
                    tenders[p.tenderId] = Tender(published: p, publishedAt: at, lastChange: at)
                case .tender(.bidSubmitted(let b)):
                    tenders[b.tenderId]?.bids[b.bidId] = b
                    tenders[b.tenderId]?.lastChange = at
                case .tender(.bidWithdrawn(let w)):
                    tenders[w.tenderId]?.withdrawn.insert(w.bidId)
                    tenders[w.tenderId]?.lastChange = at
                case .tender(.submissionClosed(let c)):
                    tenders[c.tenderId]?.closed = true
                    tenders[c.tenderId]?.lastChange = at
                case .tender(.awardIntended(let a)):
                    tenders[a.tenderId]?.awards[a.lot] = (a, at, false)
                    tenders[a.tenderId]?.lastChange = at
                case .tender(.awardFinalised(let f)):
                    tenders[f.tenderId]?.awards[f.lot]?.final = true
                    tenders[f.tenderId]?.lastChange = at
                case .tender(.cancelled(let c)):
                    tenders[c.tenderId]?.cancelled = true
                    tenders[c.tenderId]?.lastChange = at
                case .member, .consortium, .tender, .crossBorder, .programme, .historyImport:
                    break
                }
            }
        }
        let head = log.head(at: last) ?? log.head()
        var releases: [[String: Any]] = []
        for id in order {
            guard let t = tenders[id] else { continue }
            if let since, t.publishedAt < since { continue }
            releases.append(release(t, consortia: consortia))
        }
        return [
            "uri": "urn:fabriek:ocds:\(head.position):\(head.hash.hex)",
            "version": "1.1",
            "publishedDate": Self.date(head.position == 0 ? Timestamp(microsecondsSinceEpoch: 0) : (try? log.event(at: head.position).recordedAt) ?? Timestamp(microsecondsSinceEpoch: 0)),
            "publisher": ["name": "ZZP fabriek Maastricht"],
            "releases": releases,
        ]
    }

    /// The package as JSON bytes (keys sorted).
    public func bytes(since: Timestamp? = nil, asOf position: UInt64? = nil) throws -> Data {
        try JSONSerialization.data(withJSONObject: package(since: since, asOf: position), options: [.sortedKeys, .withoutEscapingSlashes])
    }

    private func release(_ t: Tender, consortia: [UUID: (name: String, members: [UUID])]) -> [String: Any] {
        let p = t.published
        let tenderID = p.tenderId.uuidString.lowercased()
        let buyerID = "buyer-" + (p.buyer.organisationId ?? Self.slug(p.buyer.name))
        var parties: [String: [String: Any]] = [buyerID: ["id": buyerID, "name": p.buyer.name, "roles": ["buyer", "procuringEntity"]]]
        func memberParty(_ id: UUID, role: String) -> [String: Any] {
            let key = "member-" + id.uuidString.lowercased()
            var party = parties[key] ?? ["id": key, "name": "Lid \(id.uuidString.prefix(8).lowercased())", "roles": [String]()]
            var roles = party["roles"] as? [String] ?? []
            if !roles.contains(role) { roles.append(role) }
            party["roles"] = roles
            parties[key] = party
            return ["id": key, "name": party["name"]!]
        }
        let liveBids = t.bids.values.filter { !t.withdrawn.contains($0.bidId) }.sorted { $0.bidId.uuidString < $1.bidId.uuidString }
        var tenderers: [[String: Any]] = []
        for b in liveBids {
            for m in b.participatingMemberIds.isEmpty ? [b.bidder.id] : b.participatingMemberIds {
                let ref = memberParty(m, role: "tenderer")
                if !tenderers.contains(where: { $0["id"] as? String == ref["id"] as? String }) { tenderers.append(ref) }
            }
        }
        var awards: [[String: Any]] = []
        for (lot, award) in t.awards.sorted(by: { $0.key < $1.key }) {
            guard let bid = t.bids[award.intended.bidId] else { continue }
            // A consortium's award names each member as a supplier (the standard's joint-bid example).
            let members = bid.bidder.kind == .consortium ? (bid.participatingMemberIds.isEmpty ? consortia[bid.bidder.id]?.members ?? [] : bid.participatingMemberIds)
                                                         : [bid.bidder.id]
            var a: [String: Any] = [
                "id": "\(tenderID)-lot-\(lot)",
                "status": award.final ? "active" : "pending",
                "date": Self.date(award.at),
                "value": ["amount": Double(award.intended.valueCents) / 100, "currency": "EUR"],
                "suppliers": members.map { memberParty($0, role: "supplier") },
                "relatedLots": ["\(lot)"],
                "relatedBid": award.intended.bidId.uuidString.lowercased(),
            ]
            if bid.bidder.kind == .consortium, let c = consortia[bid.bidder.id] {
                a["description"] = "Gezamenlijke inschrijving van consortium \(c.name)"
            }
            awards.append(a)
        }
        let status = t.cancelled ? "cancelled" : (t.awards.values.contains { $0.final } || t.closed ? "complete" : "active")
        var tender: [String: Any] = [
            "id": tenderID,
            "title": p.title,
            "description": p.description,
            "status": status,
            "procurementMethod": Self.method(p.procedure),
            "procurementMethodDetails": p.procedure.rawValue,
            "mainProcurementCategory": Self.category(p.category),
            "value": ["amount": Double(p.estimatedValueCents) / 100, "currency": "EUR"],
            "tenderPeriod": ["startDate": Self.date(t.publishedAt), "endDate": Self.date(p.submissionDeadline)],
            "numberOfTenderers": tenderers.count,
            "tenderers": tenderers,
            "lots": p.lots.map { lot -> [String: Any] in
                var l: [String: Any] = ["id": "\(lot.number)", "title": lot.title]
                if let v = lot.estimatedValueCents { l["value"] = ["amount": Double(v) / 100, "currency": "EUR"] }
                return l
            },
            "items": p.lots.map { lot -> [String: Any] in
                ["id": "\(lot.number)", "description": lot.title, "relatedLot": "\(lot.number)",
                 "classification": ["scheme": "CPV", "id": String(p.mainCpv.prefix(8))]]
            },
        ]
        if p.lots.isEmpty { tender["lots"] = nil; tender["items"] = nil }
        var release: [String: Any] = [
            "ocid": "\(Self.ocidPrefix)-\(tenderID)",
            "id": "\(tenderID)-\(t.lastChange.microsecondsSinceEpoch)",
            "date": Self.date(t.lastChange),
            "tag": awards.isEmpty ? (t.cancelled ? ["tenderCancellation"] : ["tender"]) : ["tender", "award"],
            "initiationType": "tender",
            "language": "nl",
            "buyer": ["id": buyerID, "name": p.buyer.name],
            "parties": parties.keys.sorted().map { parties[$0]! },
            "tender": tender,
        ]
        if !awards.isEmpty { release["awards"] = awards }
        return release
    }

    static func method(_ procedure: ProcedureType) -> String {
        switch procedure {
        case .nationaalOpenbaar, .europeesOpenbaar: "open"
        case .nationaalNietOpenbaar, .europeesNietOpenbaar: "selective"
        case .meervoudigOnderhands: "limited"
        case .enkelvoudigOnderhands, .vrijeInkoopPrivaat: "direct"
        }
    }

    static func category(_ category: ProcurementCategory) -> String {
        switch category {
        case .werken: "works"
        case .leveringen: "goods"
        case .diensten: "services"
        }
    }

    static func date(_ t: Timestamp) -> String {
        let seconds = t.microsecondsSinceEpoch / 1_000_000
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func slug(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
