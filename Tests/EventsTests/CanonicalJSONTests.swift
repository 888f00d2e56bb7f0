import EventLog
import Events
import Foundation
import Testing

@Suite struct CanonicalJSONTests {
    @Test(arguments: Fixtures.events)
    func renderThenParseGivesTheSameEventAndTheSameBytes(_ event: DomainEvent) throws {
        let json = try event.canonicalJSON()
        let parsed = try EventCatalogue.parseJSON(type: event.typeName, json: json)
        #expect(parsed == event)
        #expect(try parsed.canonicalJSON() == json, "byte-stable through a round trip")
        #expect(try event.canonicalJSON() == json, "deterministic")
    }

    @Test func goldenBytes() throws {
        let e = MemberAvailabilityChanged(memberId: Fixtures.member, availability: .limited, hoursPerWeek: 16,
                                          effectiveFrom: Fixtures.day, effectiveUntil: nil)
        let json = String(decoding: try e.domainEvent.canonicalJSON(), as: UTF8.self)
        #expect(json == #"{"availability":"limited","effectiveFrom":"2026-04-29","hoursPerWeek":16,"memberId":"5a1e0100-1234-4abc-8def-001122334401"}"#)

        let r = MemberRegistryVerified(memberId: Fixtures.member, registryId: RegistryId(scheme: .kvk, value: "695\"99\n084"),
                                       verifiedAt: Fixtures.time, source: nil, registry: .erased)
        let rjson = String(decoding: try r.domainEvent.canonicalJSON(), as: UTF8.self)
        #expect(rjson == #"{"memberId":"5a1e0100-1234-4abc-8def-001122334401","registry":"erased","registryId":{"scheme":"kvk","value":"695\"99\n084"},"verifiedAt":"2026-04-29T10:00:00.123456Z"}"#)
    }

    @Test(arguments: Fixtures.events)
    func keysAreSortedAtEveryLevelAndThereIsNoWhitespace(_ event: DomainEvent) throws {
        let json = try event.canonicalJSON()
        for keys in Self.objectKeys(json) {
            #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) }, "\(keys.map { String(decoding: $0, as: UTF8.self) })")
        }
        #expect(!Self.outsideStrings(json).contains { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D })
    }

    /// The keys of every object (as raw bytes), one list per object.
    static func objectKeys(_ json: [UInt8]) -> [[[UInt8]]] {
        var finished: [[[UInt8]]] = []
        var stack: [[[UInt8]]] = []
        var i = 0
        while i < json.count {
            switch json[i] {
            case UInt8(ascii: "{"): stack.append([])
            case UInt8(ascii: "}"): finished.append(stack.removeLast())
            case UInt8(ascii: "\""):
                var j = i + 1
                while json[j] != UInt8(ascii: "\"") { j += json[j] == UInt8(ascii: "\\") ? 2 : 1 }
                if j + 1 < json.count, json[j + 1] == UInt8(ascii: ":") { stack[stack.count - 1].append(Array(json[(i + 1)..<j])) }
                i = j
            default: break
            }
            i += 1
        }
        return finished
    }

    static func outsideStrings(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < json.count {
            if json[i] == UInt8(ascii: "\"") {
                var j = i + 1
                while json[j] != UInt8(ascii: "\"") { j += json[j] == UInt8(ascii: "\\") ? 2 : 1 }
                i = j + 1
            } else {
                out.append(json[i])
                i += 1
            }
        }
        return out
    }

    @Test("given instants at the edges, when written as canonical JSON and read back, then the same instant in the log's own text")
    func timesAndDaysRoundTripAtTheEdges() throws {
        for us: Int64 in [0, -1, 1, -1_000_000, 253_402_300_799_999_999, -62_135_596_800_000_000, 1_777_456_800_000_000] {
            let t = Timestamp(microsecondsSinceEpoch: us)
            var w = JSONWriter()
            t.writeJSON(to: &w, context: .sealed)
            let json = String(decoding: w.bytes, as: UTF8.self)
            #expect(json == "\"\(t.description)\"", "the same text as the log's own Timestamp.description")
            #expect(try Timestamp.fromJSON(String(json.dropFirst().dropLast()), path: "t", context: .sealed) == t, "\(json)")
        }
        #expect(throws: JSONImportError.self) { try Timestamp.fromJSON("2026-04-29T10:00:00+01:00", path: "t", context: .sealed) }
        #expect(Day(iso: "2026-04-29")?.daysSinceEpoch == 20572)
        #expect(Day(iso: "2024-02-29") != nil && Day(iso: "2025-02-29") == nil)
        for n: Int32 in [-719_162, -1, 0, 1, 20572, 2_900_000] {
            #expect(Day(iso: Day(daysSinceEpoch: n).description)?.daysSinceEpoch == n)
        }
    }

    @Test func importErrorsNameThePath() {
        #expect(throws: JSONImportError.missingKey(path: "$.memberId")) {
            _ = try EventCatalogue.parseJSON(type: "MemberRateSet", json: Array(#"{"unit":"hour","amountCents":1}"#.utf8))
        }
        #expect(throws: JSONImportError.typeMismatch(path: "$.unit", expected: "one of RateUnit's names")) {
            _ = try EventCatalogue.parseJSON(type: "MemberRateSet",
                                             json: Array(#"{"memberId":"5a1e0100-1234-4abc-8def-001122334401","unit":"week","amountCents":1}"#.utf8))
        }
        #expect(throws: JSONImportError.typeMismatch(path: "$.amountCents", expected: "integer")) {
            _ = try EventCatalogue.parseJSON(type: "MemberRateSet",
                                             json: Array(#"{"memberId":"5a1e0100-1234-4abc-8def-001122334401","unit":"hour","amountCents":1.5}"#.utf8))
        }
    }
}
