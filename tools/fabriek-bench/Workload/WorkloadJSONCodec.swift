import Foundation

/// The baseline's payload format: JSON text, written with Foundation's `JSONEncoder`
/// (`.sortedKeys`, for stable bytes) and read back with `JSONDecoder` — what a Swift user storing
/// events in an SQLite table would pick. One instance per thread (encoder and decoder are
/// reference types with settings).
struct WorkloadJSONCodec {
    private let encoder: JSONEncoder
    private let decoder = JSONDecoder()

    init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    /// The payload as a JSON object (UTF-8), without the envelope (stream, version, type).
    func encode(_ event: WorkloadEvent) throws -> Data {
        switch event {
        case .memberJoined(let e): return try encoder.encode(e)
        case .memberProfileUpdated(let e): return try encoder.encode(e)
        case .tenderPublished(let e): return try encoder.encode(e)
        case .tenderClosed(let e): return try encoder.encode(e)
        case .tenderAwarded(let e): return try encoder.encode(e)
        case .bidSubmitted(let e): return try encoder.encode(e)
        case .crossBorderWorkRegistered(let e): return try encoder.encode(e)
        }
    }

    /// Decodes a payload of the given type. Throws `DecodingError` for JSON that does not match.
    func decode(_ kind: WorkloadEventKind, from json: Data) throws -> WorkloadEvent {
        switch kind {
        case .memberJoined: return .memberJoined(try decoder.decode(MemberJoined.self, from: json))
        case .memberProfileUpdated:
            return .memberProfileUpdated(try decoder.decode(MemberProfileUpdated.self, from: json))
        case .tenderPublished: return .tenderPublished(try decoder.decode(TenderPublished.self, from: json))
        case .tenderClosed: return .tenderClosed(try decoder.decode(TenderClosed.self, from: json))
        case .tenderAwarded: return .tenderAwarded(try decoder.decode(TenderAwarded.self, from: json))
        case .bidSubmitted: return .bidSubmitted(try decoder.decode(BidSubmitted.self, from: json))
        case .crossBorderWorkRegistered:
            return .crossBorderWorkRegistered(try decoder.decode(CrossBorderWorkRegistered.self, from: json))
        }
    }
}
