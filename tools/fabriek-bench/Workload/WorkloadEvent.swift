import Foundation

/// One event of the benchmark workload (`shared/bench/gen_workload.py`) as a typed Swift value.
///
/// The cases mirror the generator's seven event types field for field. Closed sets of strings
/// (country, bidder kind, close reason, ...) are enums with the workload's spelling as raw value,
/// so their JSON form is unchanged; free text, ids and timestamps stay `String`.
/// The payload types (`WorkloadPayloads.swift`) are `Codable` to and from exactly the workload's
/// JSON object for each payload.
enum WorkloadEvent: Sendable, Hashable {
    case memberJoined(MemberJoined)
    case memberProfileUpdated(MemberProfileUpdated)
    case tenderPublished(TenderPublished)
    case tenderClosed(TenderClosed)
    case tenderAwarded(TenderAwarded)
    case bidSubmitted(BidSubmitted)
    case crossBorderWorkRegistered(CrossBorderWorkRegistered)

    /// The event type name as written in the workload and stored in each log.
    var typeName: String { kind.name }

    /// The payload's type tag.
    var kind: WorkloadEventKind {
        switch self {
        case .memberJoined: return .memberJoined
        case .memberProfileUpdated: return .memberProfileUpdated
        case .tenderPublished: return .tenderPublished
        case .tenderClosed: return .tenderClosed
        case .tenderAwarded: return .tenderAwarded
        case .bidSubmitted: return .bidSubmitted
        case .crossBorderWorkRegistered: return .crossBorderWorkRegistered
        }
    }

    /// A number taken from the payload, used by the benchmark's trivial fold so that loads and
    /// typed replays cannot skip decoding: the amount, rate, budget or day count the event
    /// carries, or the length of its timestamp when it has none.
    var foldValue: Int {
        switch self {
        case .memberJoined(let e): return e.hourlyRateEur
        case .memberProfileUpdated(let e): return e.changes.hourlyRateEur ?? e.updatedAt.utf8.count
        case .tenderPublished(let e): return e.budgetEur
        case .tenderClosed(let e): return e.bidsReceived
        case .tenderAwarded(let e): return e.amountEur
        case .bidSubmitted(let e): return e.amountEur
        case .crossBorderWorkRegistered(let e): return e.days
        }
    }
}

/// The seven event type names of the workload.
enum WorkloadEventKind: UInt8, Sendable, CaseIterable {
    case memberJoined, memberProfileUpdated, tenderPublished, tenderClosed, tenderAwarded,
         bidSubmitted, crossBorderWorkRegistered

    var name: String {
        switch self {
        case .memberJoined: return "MemberJoined"
        case .memberProfileUpdated: return "MemberProfileUpdated"
        case .tenderPublished: return "TenderPublished"
        case .tenderClosed: return "TenderClosed"
        case .tenderAwarded: return "TenderAwarded"
        case .bidSubmitted: return "BidSubmitted"
        case .crossBorderWorkRegistered: return "CrossBorderWorkRegistered"
        }
    }

    private static let utf8Names: [[UInt8]] = allCases.map { Array($0.name.utf8) }

    init?(name: String) {
        var name = name
        guard let kind = name.withUTF8({ Self(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = kind
    }

    /// Recognises a type name given as UTF-8 bytes (as a log hands them out) without building a
    /// `String`; nil for any other name.
    init?(utf8 bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else { return nil }
        let candidate: WorkloadEventKind
        switch (bytes.count, first) {
        case (12, UInt8(ascii: "M")): candidate = .memberJoined
        case (20, UInt8(ascii: "M")): candidate = .memberProfileUpdated
        case (15, UInt8(ascii: "T")): candidate = .tenderPublished
        case (12, UInt8(ascii: "T")): candidate = .tenderClosed
        case (13, UInt8(ascii: "T")): candidate = .tenderAwarded
        case (12, UInt8(ascii: "B")): candidate = .bidSubmitted
        case (25, UInt8(ascii: "C")): candidate = .crossBorderWorkRegistered
        default: return nil
        }
        let matches = Self.utf8Names[Int(candidate.rawValue)].withUnsafeBytes { name in
            memcmp(name.baseAddress!, bytes.baseAddress!, name.count) == 0
        }
        guard matches else { return nil }
        self = candidate
    }
}
