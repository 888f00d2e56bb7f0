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
