import Events
import Foundation
import Testing

/// The payload fuzzer's corpus (Tests/FuzzCorpus/payload: seeds, inputs libFuzzer kept, and
/// every input that once crashed, named `crash-*`), replayed through the same entry point in the
/// normal test build: each input decodes or throws, none crashes.
@Suite("Payload fuzz corpus replay")
struct PayloadFuzzCorpusTests {
    @Test("given the payload corpus, when each input is decoded as its catalogue type, then every one returns")
    func payloadCorpus() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus/payload").path
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        for name in files {
            let data = try #require(FileManager.default.contents(atPath: dir + "/" + name), "\(name)")
            data.withUnsafeBytes { PayloadFuzzTarget.run($0) }
        }
        #expect(files.count > 0)
    }
}
