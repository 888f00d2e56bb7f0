import EventLog
import Events
import Foundation
import PersonalData

/// The inputs of a report computed afresh that it could not read: target-group declarations
/// (sealed personal data) of members still active at the as-of position whose key is absent
/// (a log imported without its `keys.sqlite`, or no vault at all) or destroyed by an erasure
/// recorded after that position. An issued report (`ProgrammeReportIssued`) is not affected:
/// it keeps its own values.
public struct UnreadableInputs: Sendable, Hashable {
    /// Members whose current declaration is sealed and this computation has no key for.
    public var sealedWithoutKeys: Int = 0
    /// Members whose key was destroyed (erased) after the as-of position.
    public var erasedSince: Int = 0

    public var isEmpty: Bool { sealedWithoutKeys == 0 && erasedSince == 0 }

    /// Reads the declarations in force at `position` and tries each member's key. Costs one
    /// pass over `1...position` (only the member events named are decoded).
    public static func find(in log: EventLog, through position: UInt64, vault: PersonalDataVault?) throws -> UnreadableInputs {
        var declared: [UUID: SealedData] = [:]
        guard position > 0 else { return UnreadableInputs() }
        let types: Set<String> = [MemberTargetGroupsDeclared.typeName, MemberTargetGroupsWithdrawn.typeName,
                                  MembershipEnded.typeName, MemberErased.typeName]
        try log.forEachEvent(from: 1, through: position) { e in
            guard types.contains(e.type) else { return }
            switch try e.domainEvent() {
            case .member(.targetGroupsDeclared(let d)): declared[d.memberId] = d.details
            case .member(.targetGroupsWithdrawn(let w)): declared[w.memberId] = nil
            case .member(.membershipEnded(let m)): declared[m.memberId] = nil
            case .member(.erased(let m)): declared[m.memberId] = nil
            default: return
            }
        }
        var found = UnreadableInputs()
        for (member, sealed) in declared {
            guard let vault else { found.sealedWithoutKeys += 1; continue }
            if sealed.isErasedMarker { found.erasedSince += 1; continue }
            switch vault.keyState(subject: member) {
            case .active: continue
            case .destroyed: found.erasedSince += 1
            case .absent: found.sealedWithoutKeys += 1
            }
        }
        return found
    }

    /// The annex note (Dutch), or nil when every input was read.
    public var note: String? {
        guard !isEmpty else { return nil }
        var parts: [String] = []
        if sealedWithoutKeys > 0 {
            parts.append("van \(sealedWithoutKeys) \(sealedWithoutKeys == 1 ? "lid" : "leden") zijn de doelgroepen versleuteld en is geen sleutel beschikbaar (bijvoorbeeld een export ingelezen zonder keys.sqlite)")
        }
        if erasedSince > 0 {
            parts.append("van \(erasedSince) \(erasedSince == 1 ? "lid" : "leden") is de sleutel sinds deze positie vernietigd (verwijderd op verzoek)")
        }
        return "Niet leesbare invoer: " + parts.joined(separator: "; ")
            + ". Deze doelgroepen zijn niet meegeteld; de cellen die ervan afhangen (doelgroepen van SOC-1) zijn gemarkeerd met *. Een uitgegeven rapport (report issued) houdt zijn eigen waarden."
    }
}
