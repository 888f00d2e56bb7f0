@testable import fabriek_admin
import Events
import Foundation
import PersonalData
import Testing

/// The import line parser against arbitrary bytes: the corpus (Tests/FuzzCorpus/import-line:
/// lines of an export and hand-written ones, and every input that once crashed, named
/// `crash-*`) and a bounded structured mutation of it (deterministic: bytes flipped, inserted,
/// deleted, JSON tokens spliced in). Every input parses or throws `AdminError`; none crashes.
@Suite("Import line parser fuzzing")
struct ImportLineFuzzTests {
    static let tokens: [String] = ["\"", "{", "}", "[", "]", ",", ":", "null", "true", "1.5", "-1", "1e308", "\"\\u0000\"",
                                   "\"version\":", "\"data\":{}", "\"payload\":\"AAAA\"", "\"schemaVersion\":99",
                                   "\"id\":\"00000000-0000-4000-8000-000000000001\"", "\"recordedAt\":\"2020-02-30T12:00:00Z\"",
                                   "\"commit\":0", "\"metadata\":{\"a\":1}", "18446744073709551616", "\"\\ud800\"", "é"]

    static func corpus() throws -> [[UInt8]] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus/import-line").path
        return try FileManager.default.contentsOfDirectory(atPath: dir).sorted().map {
            [UInt8](try #require(FileManager.default.contents(atPath: dir + "/" + $0)))
        }
    }

    /// Parses one input as line 1 of a file; true when it parsed.
    static func parse(_ bytes: [UInt8], context: inout JSONContext, vault: PersonalDataVault) -> Bool {
        bytes.withUnsafeBytes { raw in
            (try? ImportLine.parse(raw, number: 1, context: &context, vault: { vault })) != nil
        }
    }

    @Test("given the import-line corpus and 20,000 mutations of it, when each is parsed, then it parses or is refused, never crashes")
    func corpusAndMutations() throws {
        let temp = TemporaryDirectory()
        let vault = try PersonalDataVault.open(directory: temp.path)
        var context = JSONContext()
        let corpus = try Self.corpus()
        try #require(!corpus.isEmpty)
        var parsed = 0
        for input in corpus where Self.parse(input, context: &context, vault: vault) { parsed += 1 }
        #expect(parsed > 0, "no corpus line parses: the seeds are stale")
        var random = SplitMix(seed: 0x1F2E3D4C)
        for _ in 0..<20_000 {
            var bytes = corpus[Int(random.next() % UInt64(corpus.count))]
            for _ in 0...(random.next() % 4) {
                let at = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: if !bytes.isEmpty { bytes[at] ^= UInt8(1 << (random.next() % 8)) }
                case 1: if !bytes.isEmpty { bytes[at] = UInt8(truncatingIfNeeded: random.next()) }
                case 2: if !bytes.isEmpty { bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 8))) }
                case 3: bytes.insert(contentsOf: Array(Self.tokens[Int(random.next() % UInt64(Self.tokens.count))].utf8), at: at)
                default: bytes = Array(bytes.prefix(at))
                }
            }
            _ = Self.parse(bytes, context: &context, vault: vault)
        }
    }

    @Test("given a line whose data nests a million arrays (the libFuzzer find), when it is parsed, then it is refused naming the depth rule, without overflowing the stack")
    func deepNestingIsRefused() throws {
        let temp = TemporaryDirectory()
        let vault = try PersonalDataVault.open(directory: temp.path)
        var context = JSONContext()
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            for key in ["data", "metadata", "unknownKey"] {
                let line = "{\"stream\":\"x\",\"type\":\"ProgrammeGoalSet\",\"\(key)\":" + String(repeating: open, count: 1_000_000)
                    + String(repeating: close, count: 1_000_000) + "}"
                let message = Array(line.utf8).withUnsafeBytes { raw -> String in
                    do { _ = try ImportLine.parse(raw, number: 1, context: &context, vault: { vault }); return "parsed" } catch { return "\(error)" }
                }
                #expect(message.contains("nested deeper than 64"), "\(key) \(open): \(message)")
            }
        }
        // A value nested to the limit still parses as JSON.
        let limit = String(repeating: "[", count: LineJSON.maximumDepth) + String(repeating: "]", count: LineJSON.maximumDepth)
        #expect(throws: Never.self) { _ = try Array(limit.utf8).withUnsafeBytes { try LineJSON.parse($0) } }
    }

    @Test("given strings of every length up to 40 with a quote, a backslash, a control character or a byte of 0x80 and up at every place, when read as a JSON string, then the end, the escape flag and the refusals are what a byte-by-byte reading finds")
    func stringScanMatchesByteByByte() throws {
        /// What a byte-by-byte reading of `content` after an opening quote gives: the content's
        /// end and whether it has an escape, or the offset and reason of its refusal.
        func reference(_ bytes: [UInt8]) -> String {
            var k = 1, escaped = false
            while k < bytes.count {
                let b = bytes[k]
                if b == 0x22 { return "end \(k) escaped \(escaped) next \(k + 1)" }
                if b == 0x5C { escaped = true; k += 2; continue }
                if b < 0x20 { return "refused at \(k): a control character inside a string (escape it)" }
                k += 1
            }
            return "refused at \(k): a string is not closed"
        }
        func scanned(_ bytes: [UInt8]) -> String {
            bytes.withUnsafeBytes { raw in
                var p = LineJSON(raw)
                do {
                    let s = try p.stringBytes()
                    return "end \(s.end) escaped \(s.escaped) next \(p.i)"
                } catch let e as LineJSON.Failure {
                    return "refused at \(e.offset): \(e.reason)"
                } catch {
                    return "\(error)"
                }
            }
        }
        var checked = 0
        for length in 0...40 {
            for special: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x0A, 0x20, 0x7F, 0x80, 0xC3, 0xFF] {
                for at in 0...max(0, length - 1) {
                    var content = (0..<length).map { UInt8(0x61 + $0 % 26) }
                    if length > 0 { content[at] = special }
                    for tail: [UInt8] in [[0x22], [0x22, 0x7D], [], [0x5C]] {
                        let bytes = [0x22] + content + tail
                        #expect(scanned(bytes) == reference(bytes), "\(bytes)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 10_000)
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
