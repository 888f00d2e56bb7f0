@testable import FabriekServer
import Foundation
import Logging
import Testing

/// The request log's file gets its write-back started every `threshold` bytes, off the
/// caller's thread; nothing is lost or reordered, and a pipe or terminal is left alone.
@Suite struct LogWritebackTests {
    @Test("given the handler writing into a regular file with write-back every 4 KiB, when 10 lines of 1,000 bytes are logged, then write-back was started and the file holds every line in order")
    func regularFileWrittenBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("writeback-\(UUID().uuidString).log").path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        try #require(fd >= 0)
        defer { close(fd); unlink(path) }
        let writeback = LogWriteback(fileDescriptor: fd, threshold: 4_096)
        #expect(writeback.isActive)
        let handler = LineLogHandler(label: "fabriek", fileDescriptor: fd, writeback: writeback)
        let filler = String(repeating: "x", count: 1_000)
        for i in 0..<10 {
            handler.log(level: .info, message: "\(i) \(filler)", metadata: nil, source: "test", file: #file, function: #function, line: #line)
        }
        #expect(writeback.started() >= 1)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10)
        for (i, line) in lines.enumerated() { #expect(line.hasSuffix(" info fabriek: \(i) \(filler)")) }
    }

    @Test("given fewer bytes written than the threshold, then no write-back is started")
    func belowThreshold() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("writeback-\(UUID().uuidString).log").path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        try #require(fd >= 0)
        defer { close(fd); unlink(path) }
        let writeback = LogWriteback(fileDescriptor: fd, threshold: 1 << 20)
        let handler = LineLogHandler(label: "fabriek", fileDescriptor: fd, writeback: writeback)
        handler.log(level: .info, message: "one line", metadata: nil, source: "test", file: #file, function: #function, line: #line)
        #expect(writeback.started() == 0)
    }

    @Test("given a pipe, then write-back is not active and none is started however much is written")
    func pipeLeftAlone() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let writeback = LogWriteback(fileDescriptor: fds[1], threshold: 1)
        #expect(!writeback.isActive)
        writeback.wrote(10_000)
        #expect(writeback.started() == 0)
    }
}
