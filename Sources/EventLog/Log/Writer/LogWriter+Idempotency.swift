import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LogWriter {
    enum Match {
        case none
        case partial(UUID, UInt64)
        case all(positions: [UInt64], stream: String, lastVersion: UInt64)
    }

    /// Looks for the ids of `a` anywhere in the log, committed or accepted earlier in this group.
    /// All found, in order, at consecutive positions of one stream: a retry (`.all`); some found,
    /// or not in that shape: `.partial`; none: `.none`.
    static func findAnywhere(_ a: StreamAppend, eventIDs: EventIDIndex, state s: LogState,
                                     planned: [PlannedEvent]) throws -> Match {
        // The common case, new events: no id of `a` has even a fingerprint in the index.
        guard a.events.contains(where: { e in eventIDs.firstPosition(of: e.id, where: { $0.lowerBound }) != nil }) else {
            return .none
        }
        var hits: [(position: UInt64, stream: String, version: UInt64)] = []
        for (k, e) in a.events.enumerated() {
            var hit: (position: UInt64, stream: String, version: UInt64)?
            _ = try eventIDs.firstPosition(of: e.id) { candidates in
                let p = candidates.lowerBound
                if p > s.head.position {
                    let i = Int(p - s.head.position - 1)
                    guard i < planned.count, planned[i].position == p, planned[i].event.id == e.id else { return nil }
                    hit = (p, planned[i].stream, planned[i].streamVersion)
                    return p
                }
                try BatchReader.forEachEvent(in: s, from: p, through: min(candidates.upperBound, s.head.position)) { view in
                    if hit == nil && view.id == e.id { hit = (view.position, view.stream, view.streamVersion) }
                }
                return hit?.position
            }
            if let hit {
                if hits.count != k { return .partial(e.id, hit.position) }
                hits.append(hit)
            } else if let first = hits.first {
                return .partial(a.events[0].id, first.position)
            }
        }
        guard let first = hits.first else { return .none }
        for k in hits.indices.dropFirst()
        where hits[k].position != hits[k - 1].position + 1 || hits[k].stream != first.stream {
            return .partial(a.events[0].id, first.position)
        }
        return .all(positions: hits.map(\.position), stream: first.stream, lastVersion: hits[hits.count - 1].version)
    }
}
