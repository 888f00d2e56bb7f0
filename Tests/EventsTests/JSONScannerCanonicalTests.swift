import EventLog
import Events
import Foundation
import Testing

/// What the typed reader of the canonical JSON form (`EventCatalogue.Entry.scanJSON`) takes is
/// canonical: whenever it gives an event, that event's canonical rendering is, byte for byte,
/// the bytes it read. Import's fast path trusts a scanned event on this (no rendering again),
/// so the property is checked over the generated samples of every type (CatalogueSamples.swift)
/// and, for each, variants near the canonical form: numbers, ids, times, days and base64 written
/// otherwise, sealed fields emptied, white space, escapes, and random edits.
@Suite struct JSONScannerCanonicalTests {
    static let modes: [SampleValues.Mode] = [.least, .most] + (1...120).map { .random(seed: $0) }

    static func render(_ event: DomainEvent) -> [UInt8]? {
        var w = JSONWriter()
        guard (try? event.writeJSON(to: &w, context: .sealed)) != nil else { return nil }
        return w.bytes
    }

    /// SplitMix64, seeded: the same variants on every run.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static func isHex(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x61...0x66).contains(b) || (0x41...0x46).contains(b) }
    static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }

    /// Forms near `json` that the scanner must refuse unless they are canonical themselves.
    static func variants(of json: [UInt8], _ random: inout Random) -> [[UInt8]] {
        var out: [[UInt8]] = []
        let n = json.count
        func replacing(_ range: Range<Int>, with bytes: [UInt8]) -> [UInt8] {
            Array(json[..<range.lowerBound]) + bytes + Array(json[range.upperBound...])
        }
        for k in 0..<n {
            let b = json[k]
            // a UUID in upper case, or with one upper-case digit
            if k + 36 <= n, json[k + 8] == 0x2D, json[k + 13] == 0x2D, json[k + 18] == 0x2D, json[k + 23] == 0x2D,
               (0..<36).allSatisfy({ [8, 13, 18, 23].contains($0) || isHex(json[k + $0]) }) {
                let id = Array(json[k..<(k + 36)])
                out.append(replacing(k..<(k + 36), with: Array(String(decoding: id, as: UTF8.self).uppercased().utf8)))
                if let i = id.firstIndex(where: { (0x61...0x66).contains($0) }) {
                    var one = id
                    one[i] -= 0x20
                    out.append(replacing(k..<(k + 36), with: one))
                }
            }
            // a time with fewer fraction digits, or none; a day with a digit less
            if k + 27 <= n, json[k + 10] == UInt8(ascii: "T"), json[k + 19] == UInt8(ascii: "."), json[k + 26] == UInt8(ascii: "Z") {
                out.append(replacing((k + 25)..<(k + 26), with: []))
                out.append(replacing((k + 19)..<(k + 26), with: []))
                out.append(replacing((k + 26)..<(k + 27), with: Array("+00:00".utf8)))
            }
            if k + 10 <= n, json[k + 4] == 0x2D, json[k + 7] == 0x2D, isDigit(json[k]), isDigit(json[k + 9]) {
                out.append(replacing((k + 8)..<(k + 9), with: []))
                out.append(replacing(k..<k, with: Array("+".utf8)))
            }
            // numbers: a minus, a minus zero, a leading zero, a fraction, an exponent
            if b == UInt8(ascii: ":") || b == UInt8(ascii: ",") || b == UInt8(ascii: "[") {
                if k + 1 < n, isDigit(json[k + 1]) {
                    out.append(replacing((k + 1)..<(k + 1), with: Array("-".utf8)))
                    out.append(replacing((k + 1)..<(k + 1), with: Array("0".utf8)))
                    var e = k + 1
                    while e < n, isDigit(json[e]) { e += 1 }
                    out.append(replacing(e..<e, with: Array(".0".utf8)))
                    out.append(replacing(e..<e, with: Array("e0".utf8)))
                    if json[k + 1] == UInt8(ascii: "0") { out.append(replacing((k + 1)..<(k + 2), with: Array("-0".utf8))) }
                }
            }
            // base64: its padding removed, the unused bits of its last character set, emptied
            if b == UInt8(ascii: "="), k + 1 < n, json[k + 1] == UInt8(ascii: "\"") {
                var p = k
                while json[p - 1] == UInt8(ascii: "=") { p -= 1 }
                out.append(replacing(p..<(k + 1), with: []))
                var bits = json
                bits[p - 1] = bits[p - 1] == UInt8(ascii: "z") ? UInt8(ascii: "y") : bits[p - 1] + 1
                out.append(bits)
            }
            if k + 10 <= n, json[k..<(k + 10)].elementsEqual("\"sealed\":\"".utf8) {
                var e = k + 10
                while json[e] != UInt8(ascii: "\"") { e += 1 }
                out.append(replacing((k + 10)..<e, with: []))
            }
        }
        // white space, an escaped letter, and random edits
        if n > 2 {
            for _ in 0..<24 {
                let k = 1 + random.next(n - 1)
                switch random.next(5) {
                case 0: out.append(replacing(k..<k, with: [0x20]))
                case 1:
                    if let i = json[k...].firstIndex(where: { (0x61...0x7A).contains($0) }) {
                        out.append(replacing(i..<(i + 1), with: Array("\\u00\(String(json[i], radix: 16))".utf8)))
                    }
                case 2: out.append(replacing(k..<(k + 1), with: []))
                case 3: out.append(replacing(k..<k, with: [json[k - 1]]))
                default:
                    var flipped = json
                    flipped[k] ^= UInt8(1 << random.next(8))
                    out.append(flipped)
                }
            }
        }
        return out
    }

    @Test(arguments: SampleValues.events.map(\.typeName))
    func whatTheScannerTakesRendersToItsBytes(_ typeName: String) throws {
        let make = try #require(SampleValues.events.first { $0.typeName == typeName }).make
        let entry = try #require(EventCatalogue.entry(named: typeName))
        var random = Random(state: UInt64(typeName.utf8.count))
        var canonicalScanned = 0, variantsTried = 0
        for mode in Self.modes {
            // Given a sample event of the type and its canonical rendering,
            var values = SampleValues(mode)
            let event = make(&values)
            guard let json = Self.render(event) else { continue }
            // when the rendering and forms near it are scanned,
            let scanned = json.withUnsafeBytes { entry.scanJSON($0, .sealed) }
            if let scanned {
                // then an event scanned is the sample itself
                #expect(scanned == event, "\(typeName), \(mode)")
                canonicalScanned += 1
            }
            for variant in Self.variants(of: json, &random) {
                variantsTried += 1
                // and any form the scanner takes renders to exactly its bytes.
                if let other = variant.withUnsafeBytes({ entry.scanJSON($0, .sealed) }) {
                    #expect(Self.render(other) == variant,
                            "\(typeName), \(mode): scanned \(String(decoding: variant, as: UTF8.self))")
                }
            }
        }
        // The canonical forms without escapes scan: the property is not met by refusing everything.
        #expect(canonicalScanned > Self.modes.count / 8, "\(typeName): \(canonicalScanned) of \(Self.modes.count)")
        #expect(variantsTried > 0)
    }
}
