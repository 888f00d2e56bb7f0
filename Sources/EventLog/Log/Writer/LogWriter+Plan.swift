import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LogWriter {
    /// Checks one append call against the committed state plus what this group already accepted;
    /// on acceptance adds its events to `planned`. Kept to a few hash lookups per event: this is
    /// on the path of every append.
    ///
    /// Idempotency: an append whose event ids are already stored (anywhere in the log, or
    /// accepted earlier in this group) returns the original result and writes nothing, whatever
    /// its expected version; one whose ids are partly stored is refused. A `checked` request
    /// (`EventLog.appendCommits(_:checked:)`) is trusted on both: its ids are new and its exact
    /// expected versions right, so neither index is read for it.
    static func plan(_ appends: [StreamAppend], checked: Bool = false, state s: LogState, pendingVersions: inout KeyedTable<UInt64>,
                             eventIDs: inout EventIDIndex, nextPosition: inout UInt64, running: inout Int64, now: Int64,
                             planned: inout [PlannedEvent]) -> Outcome {
        var total = 0
        for a in appends {
            if a.stream.isEmpty || a.stream.utf8.count > 1024 {
                return .refused(.invalidAppend(field: "stream", rule: "must be 1 to 1024 bytes of UTF-8"))
            }
            for e in a.events where e.type.isEmpty || e.type.utf8.count > 256 {
                return .refused(.invalidAppend(field: "type", rule: "must be 1 to 256 bytes of UTF-8"))
            }
            total += a.events.count
        }
        if total == 0 { return .refused(.invalidAppend(field: "events", rule: "must not be empty")) }
        if total > 1 {
            var seen = Set<UUID>(minimumCapacity: total)
            for a in appends {
                for e in a.events where !seen.insert(e.id).inserted {
                    return .refused(.duplicateEventInAppend(eventID: e.id.uuidString))
                }
            }
        }

        // Expected versions (a stream may appear twice in one call) and retries. Each stream is
        // hashed once, here; `local` and `pendingVersions` are keyed by that hash.
        var local = KeyedTable<UInt64>(minimumCapacity: appends.count)
        var currents: [UInt64] = []
        currents.reserveCapacity(appends.count)
        var keys: [IndexHashing.Key] = []
        keys.reserveCapacity(appends.count)
        // The non-empty appends, by their index in `appends`.
        var order: [Int] = []
        order.reserveCapacity(appends.count)
        // The ids of each non-empty append `k`: `ids[idStart[k]..<idStart[k + 1]]`.
        var ids: [UUID] = []
        ids.reserveCapacity(total)
        var idStart: [Int] = [0]
        idStart.reserveCapacity(appends.count + 1)
        for (i, a) in appends.enumerated() where !a.events.isEmpty {
            keys.append(IndexHashing.key(a.stream))
            order.append(i)
            for e in a.events { ids.append(e.id) }
            idStart.append(ids.count)
        }
        // The lookups below meet cache misses in the stream index and the event-id index (hash
        // tables and mapped files of hundreds of MB at 10M events), each waiting for the one
        // before. Prefetched in two steps a few appends ahead, they overlap.
        let ahead = 4, nearer = 2
        var storedPositions: [UInt64] = []
        var storedVersions: [String: UInt64] = [:]
        var storedAppends = 0
        var firstStoredID: UUID?
        // The lookups read the indexes through these constants, bound once per call: read
        // through the `inout` and the state in the loop, the indexes were copied, and so their
        // arrays and files retained and released, per event. They end with this scope, before
        // the inserts below mutate the id index.
        do {
            let idIndex = eventIDs, streamIndex = s.index, ids = ids, idStart = idStart, keys = keys
            func prefetch(_ k: Int) {
                streamIndex.prefetch(keys[k])
                for j in idStart[k]..<idStart[k + 1] { idIndex.prefetch(ids[j]) }
            }
            func prefetchDeeper(_ k: Int) {
                streamIndex.prefetchDeeper(keys[k])
                for j in idStart[k]..<idStart[k + 1] { idIndex.prefetchDeeper(ids[j]) }
            }
            if !checked {
                for k in 0..<min(ahead, order.count) { prefetch(k) }
                for k in 0..<min(nearer, order.count) { prefetchDeeper(k) }
            }
            for (k, i) in order.enumerated() {
                if !checked {
                    if k + ahead < order.count { prefetch(k + ahead) }
                    if k + nearer < order.count { prefetchDeeper(k + nearer) }
                }
                let a = appends[i]
                let key = keys[k]
                // A checked request's exact versions are trusted: no index is read for them.
                let trusted: UInt64?
                switch a.expectedVersion {
                case .noStream where checked: trusted = 0
                case .exact(let v) where checked: trusted = v
                default: trusted = nil
                }
                let current = trusted ?? local.value(for: key) ?? pendingVersions.value(for: key) ?? streamIndex.version(of: key)
                // Already stored ids win over the expected version: a retry gets its original result.
                let match: Match
                do {
                    match = checked ? .none : try findAnywhere(a, eventIDs: idIndex, state: s, planned: planned)
                } catch {
                    return .refused(error as? LogError ?? .writerFailed(reason: "\(error)"))
                }
                if case .none = match {
                    let n: UInt64?
                    switch a.expectedVersion {
                    case .any: n = nil
                    case .noStream: n = 0
                    case .exact(let v): n = v
                    }
                    if let n, current != n {
                        return .refused(.wrongExpectedVersion(stream: a.stream, expected: a.expectedVersion, actual: current))
                    }
                }
                switch match {
                case .partial(let id, let position):
                    return .refused(.partiallyStored(eventID: id.uuidString, position: position))
                case .all(let positions, let stream, let lastVersion):
                    storedAppends += 1
                    if firstStoredID == nil { firstStoredID = a.events[0].id }
                    storedPositions.append(contentsOf: positions)
                    storedVersions[stream] = max(storedVersions[stream] ?? 0, lastVersion)
                    currents.append(current)
                case .none:
                    currents.append(current)
                    local.set(key, current + UInt64(a.events.count))
                }
            }
        }
        if storedAppends == order.count { return .alreadyStored(positions: storedPositions, versions: storedVersions) }
        if storedAppends > 0, let id = firstStoredID, let p = storedPositions.first {
            return .refused(.partiallyStored(eventID: id.uuidString, position: p))
        }

        // Recorded-at: never decreasing; imports keep their own time.
        var time = running
        var times: [Int64] = []
        times.reserveCapacity(total)
        for a in appends {
            for e in a.events {
                if let given = e.recordedAt?.microsecondsSinceEpoch {
                    guard given >= time || (s.head.position == 0 && planned.isEmpty && times.isEmpty) else {
                        return .refused(.recordedAtGoesBackwards(
                            given: Timestamp(microsecondsSinceEpoch: given), last: Timestamp(microsecondsSinceEpoch: time)))
                    }
                    time = given
                } else {
                    time = max(time, now)
                }
                times.append(time)
            }
        }
        running = time

        var positions: [UInt64] = []
        positions.reserveCapacity(total)
        var versions: [String: UInt64] = [:]
        versions.reserveCapacity(local.count)
        var i = 0
        for (k, index) in order.enumerated() {
            let a = appends[index]
            var v = currents[k]
            for e in a.events {
                v += 1
                planned.append(PlannedEvent(event: e, stream: a.stream, key: keys[k], streamVersion: v,
                                            position: nextPosition, recordedAt: times[i]))
                positions.append(nextPosition)
                nextPosition += 1
                i += 1
            }
            versions[a.stream] = v  // a stream's later append in the call ends higher
        }
        for entry in local.entries { pendingVersions.set(entry.key, entry.value) }
        // The ids' slots, loaded during the lookups above, may have left the caches since:
        // prefetched again a few inserts ahead.
        let added = planned.count - total
        for k in added..<min(added + ahead, planned.count) { eventIDs.prefetchSlot(planned[k].event.id) }
        for k in added..<planned.count {
            if k + ahead < planned.count { eventIDs.prefetchSlot(planned[k + ahead].event.id) }
            eventIDs.insert(planned[k].event.id, position: planned[k].position)
        }
        return .accepted(positions: positions, versions: versions)
    }

}
