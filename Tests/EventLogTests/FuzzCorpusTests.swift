import EventLog
import Foundation
import Testing

/// The fuzzers' corpora (Tests/FuzzCorpus/TARGET: the seeds, what libFuzzer kept for new
/// coverage, and every input that once crashed, named `crash-*`), replayed through the same
/// entry points in the normal test build: each input returns, none crashes.
@Suite("Fuzz corpus replay")
struct FuzzCorpusTests {
    /// The files of one target's corpus.
    static func corpus(_ target: String) throws -> [String] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus/\(target)").path
        return try FileManager.default.contentsOfDirectory(atPath: dir).sorted().map { dir + "/" + $0 }
    }

    static func replay(_ target: String, _ entry: (UnsafeRawBufferPointer) -> Void) throws -> Int {
        let files = try corpus(target)
        for file in files {
            let data = try #require(FileManager.default.contents(atPath: file), "\(file)")
            data.withUnsafeBytes { entry($0) }
        }
        return files.count
    }

    @Test("given the segment corpus, when each input is opened as a log's segment and read, then every one returns")
    func segmentCorpus() throws {
        let scratch = LogFuzzTargets.Scratch()
        #expect(try Self.replay("segment") { LogFuzzTargets.segment($0, scratch: scratch) } > 0)
    }

    @Test("given the stream index corpus, when each input is a log's index file, then every one returns")
    func indexCorpus() async throws {
        let scratch = LogFuzzTargets.Scratch()
        try await scratch.prepare()
        #expect(try Self.replay("index") { LogFuzzTargets.streamIndex($0, scratch: scratch) } > 0)
    }

    @Test("given the block corpus, when each input is decompressed and decoded as a block, then every one returns")
    func blockCorpus() throws {
        #expect(try Self.replay("block") { LogFuzzTargets.block($0) } > 0)
    }
}
