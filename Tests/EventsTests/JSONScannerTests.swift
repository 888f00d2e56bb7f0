import EventLog
import Events
import Foundation
import Testing

/// `EventCatalogue.Entry.scanJSON`: the typed reader of the canonical JSON form (import's fast
/// path) gives the event `fromJSON` gives for the same bytes, and nil for any other form.
@Suite struct JSONScannerTests {
    static func scan(_ event: DomainEvent, _ json: [UInt8]) -> DomainEvent? {
        let entry = EventCatalogue.entry(named: event.typeName)!
        return json.withUnsafeBytes { entry.scanJSON($0, .sealed) }
    }

    @Test(arguments: Fixtures.events)
    func theCanonicalFormScansToTheEventFromJSONParses(_ event: DomainEvent) throws {
        let json = try event.canonicalJSON()
        let parsed = try EventCatalogue.parseJSON(type: event.typeName, json: json)
        let scanned = Self.scan(event, json)
        // A string with an escape is left to fromJSON; every other fixture scans.
        if !json.contains(UInt8(ascii: "\\")) {
            #expect(scanned == parsed)
        } else {
            #expect(scanned == nil || scanned == parsed)
        }
    }

    @Test(arguments: Fixtures.events)
    func otherFormsAreLeftToFromJSON(_ event: DomainEvent) throws {
        let json = try event.canonicalJSON()
        // white space after the first key's colon
        let colon = json.firstIndex(of: UInt8(ascii: ":"))!
        #expect(Self.scan(event, Array(json[...colon]) + [0x20] + Array(json[(colon + 1)...])) == nil)
        // bytes after the object
        #expect(Self.scan(event, json + Array("{}".utf8)) == nil)
        // a truncated object
        #expect(Self.scan(event, Array(json.dropLast())) == nil)
        // an unknown key at the end
        #expect(Self.scan(event, Array(json.dropLast()) + Array(#","zzUnknown":1}"#.utf8)) == nil)
        // a null where a key is
        #expect(Self.scan(event, Array(json.dropLast()) + Array(#","zzUnknown":null}"#.utf8)) == nil)
    }

    @Test func keysOutOfOrderEscapesAndPlaintextAreLeftToFromJSON() throws {
        let e = MemberAvailabilityChanged(memberId: Fixtures.member, availability: .limited, hoursPerWeek: 16,
                                          effectiveFrom: Fixtures.day, effectiveUntil: nil).domainEvent
        let canonical = #"{"availability":"limited","effectiveFrom":"2026-04-29","hoursPerWeek":16,"memberId":"5a1e0100-1234-4abc-8def-001122334401"}"#
        #expect(Self.scan(e, Array(canonical.utf8)) == e)
        let reordered = #"{"effectiveFrom":"2026-04-29","availability":"limited","hoursPerWeek":16,"memberId":"5a1e0100-1234-4abc-8def-001122334401"}"#
        #expect(Self.scan(e, Array(reordered.utf8)) == nil)
        let escaped = #"{"availability":"limit\u0065d","effectiveFrom":"2026-04-29","hoursPerWeek":16,"memberId":"5a1e0100-1234-4abc-8def-001122334401"}"#
        #expect(Self.scan(e, Array(escaped.utf8)) == nil)
        for bad in ["16.0", "016", "-16", "1e1", "\"16\"", "99999999999"] {
            let json = canonical.replacingOccurrences(of: ":16,", with: ":\(bad),")
            #expect(Self.scan(e, Array(json.utf8)) == nil, "hoursPerWeek \(bad)")
        }
        let wrongEnum = canonical.replacingOccurrences(of: "limited", with: "sometimes")
        #expect(Self.scan(e, Array(wrongEnum.utf8)) == nil)
        let badDay = canonical.replacingOccurrences(of: "2026-04-29", with: "2026-02-30")
        #expect(Self.scan(e, Array(badDay.utf8)) == nil)
    }

    @Test func sealedFieldsScanInTheirVaultlessFormsOnly() throws {
        let member = Fixtures.events.first { $0.typeName == "MemberTargetGroupsDeclared" }!
        let json = String(decoding: try member.canonicalJSON(), as: UTF8.self)
        #expect(json.contains(#"{"sealed":""#))
        #expect(Self.scan(member, Array(json.utf8)) == member)
        let erased = json.replacingOccurrences(of: #"\{"sealed":"[^"]*"\}"#, with: #""erased""#, options: .regularExpression)
        #expect(erased.contains(#""details":"erased""#))
        #expect(Self.scan(member, Array(erased.utf8)) == (try EventCatalogue.parseJSON(type: member.typeName, json: Array(erased.utf8))))
        // A plaintext object where the sealed form is (it needs the vault): left to fromJSON.
        let plaintext = json.replacingOccurrences(of: #"{"sealed":""#, with: #"{"tradeName":""#)
        #expect(Self.scan(member, Array(plaintext.utf8)) == nil)
    }
}
