import Foundation
import Synchronization

/// One line of the workload: an event and the stream version it must get.
struct WorkloadRecord: Sendable {
    var stream: String
    /// 1-based version of the event in its stream; an appender expects `version - 1`.
    var version: UInt64
    var event: WorkloadEvent
}

/// The parsed workload, held in memory as typed values before any timing starts, with the event
/// ids every store uses (generated once, so both stores store the same ids).
struct Workload: Sendable {
    var records: [WorkloadRecord]
    /// A fresh UUID per record, in record order.
    var ids: [UUID]
    /// Stream ids in order of first appearance.
    var streams: [String]
    /// Number of events of each stream.
    var streamLengths: [String: Int]
    /// The stream with the most events (the first such in appearance order).
    var longestStream: String

    var count: Int { records.count }

    init(records: [WorkloadRecord]) {
        self.records = records
        self.ids = (0..<records.count).map { _ in UUID() }
        var streams: [String] = []
        var lengths: [String: Int] = [:]
        for record in records {
            if lengths[record.stream, default: 0] == 0 { streams.append(record.stream) }
            lengths[record.stream, default: 0] += 1
        }
        self.streams = streams
        self.streamLengths = lengths
        self.longestStream = streams.max(by: { lengths[$0]! < lengths[$1]! }) ?? ""
    }

    /// `count` streams spread evenly over all streams: every (streams/count)-th stream in order
    /// of first appearance (all streams when there are fewer).
    func spreadStreams(_ count: Int) -> [String] {
        guard streams.count > count else { return streams }
        let step = streams.count / count
        return (0..<count).map { streams[$0 * step] }
    }
}

/// Errors of reading or generating the workload file; each names the file or command.
struct WorkloadError: Error, CustomStringConvertible {
    var description: String
}

extension Workload {
    /// Parses a workload JSON Lines file (`{"stream","version","type","data"}` per line) into
    /// typed values, on all cores. Throws `WorkloadError` naming the first line it cannot read.
    static func load(path: String) throws -> Workload {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw WorkloadError(description: "cannot read workload file \(path)")
        }
        var found: [Range<Int>] = []
        found.reserveCapacity(contents.count / 200)
        contents.withUnsafeBytes { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                if end > start { found.append(start..<end) }
                start = end + 1
            }
        }
        let lines = found
        let chunkSize = 10_000
        let chunks = (lines.count + chunkSize - 1) / chunkSize
        let results = Mutex<[Int: Result<[WorkloadRecord], WorkloadError>]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let decoder = JSONDecoder()
            let first = chunk * chunkSize
            var records: [WorkloadRecord] = []
            records.reserveCapacity(chunkSize)
            var result: Result<[WorkloadRecord], WorkloadError>
            do {
                for (offset, range) in lines[first..<min(first + chunkSize, lines.count)].enumerated() {
                    do {
                        let line = try decoder.decode(WorkloadLine.self, from: contents[range])
                        records.append(WorkloadRecord(stream: line.stream, version: line.version, event: line.data))
                    } catch {
                        throw WorkloadError(description: "\(path):\(first + offset + 1): not a workload event: \(error)")
                    }
                }
                result = .success(records)
            } catch {
                result = .failure(error as! WorkloadError)
            }
            results.withLock { $0[chunk] = result }
        }
        var records: [WorkloadRecord] = []
        records.reserveCapacity(lines.count)
        try results.withLock { parsed in
            for chunk in 0..<chunks { records.append(contentsOf: try parsed[chunk]!.get()) }
        }
        return Workload(records: records)
    }

    /// Writes the workload of `events` events to `path` by running the generator with `--check`,
    /// unless `path` already exists. Throws `WorkloadError` when the generator fails.
    static func generate(events: Int, generator: String, path: String) throws {
        if FileManager.default.fileExists(atPath: path) { return }
        guard FileManager.default.fileExists(atPath: generator) else {
            throw WorkloadError(description: "workload generator not found at \(generator); pass --generator PATH or --workload FILE")
        }
        let partial = path + ".partial"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", generator, "--events", String(events), "--out", partial, "--check"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw WorkloadError(description: "python3 \(generator) --events \(events) --check exited with status \(process.terminationStatus)")
        }
        guard rename(partial, path) == 0 else {
            throw WorkloadError(description: "cannot rename \(partial) to \(path): errno \(errno)")
        }
    }

    /// Checks, outside any timing, that both payload formats carry the whole event: the binary
    /// codec round-trips every record, and the JSON encoding of the first `jsonSample` records has
    /// exactly the fields and values of the original line. Returns the mean payload size in each
    /// format (JSON: over the first 20,000 records).
    func checkPayloadFormats(originalPath: String, jsonSample: Int = 2_000) throws -> (binary: Double, json: Double) {
        var buffer: [UInt8] = []
        var binaryBytes = 0
        for (index, record) in records.enumerated() {
            buffer.removeAll(keepingCapacity: true)
            WorkloadCodec.encode(record.event, into: &buffer)
            binaryBytes += buffer.count
            let decoded = try buffer.withUnsafeBytes { try WorkloadCodec.decode(record.event.kind, from: $0) }
            guard decoded == record.event else {
                throw WorkloadError(description: "binary codec does not round-trip record \(index + 1): \(record.event)")
            }
        }
        // The codec's own speed, for reading the phases' figures.
        let sample = records.prefix(100_000)
        var start = threadCPUNanoseconds()
        for record in sample {
            buffer.removeAll(keepingCapacity: true)
            WorkloadCodec.encode(record.event, into: &buffer)
        }
        let encodeNanoseconds = Double(threadCPUNanoseconds() - start) / Double(max(sample.count, 1))
        let encoded = sample.map { record -> [UInt8] in
            var out: [UInt8] = []
            WorkloadCodec.encode(record.event, into: &out)
            return out
        }
        start = threadCPUNanoseconds()
        var sum = 0
        for (record, bytes) in zip(sample, encoded) {
            sum &+= try bytes.withUnsafeBytes { try WorkloadCodec.decode(record.event.kind, from: $0) }.foldValue
        }
        blackHole(sum)
        let decodeNanoseconds = Double(threadCPUNanoseconds() - start) / Double(max(sample.count, 1))
        progress("  binary codec: encode \(Int(encodeNanoseconds)) ns, decode \(Int(decodeNanoseconds)) ns per event (thread cpu time)")

        let json = WorkloadJSONCodec()
        var jsonBytes = 0
        let jsonSized = records.prefix(20_000)
        for record in jsonSized { jsonBytes += try json.encode(record.event).count }

        guard let contents = FileManager.default.contents(atPath: originalPath) else {
            throw WorkloadError(description: "cannot read workload file \(originalPath)")
        }
        let lines = contents.split(separator: UInt8(ascii: "\n"), maxSplits: jsonSample, omittingEmptySubsequences: true)
        for (index, line) in lines.prefix(min(jsonSample, records.count)).enumerated() {
            let original = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            guard let originalData = original?["data"] else {
                throw WorkloadError(description: "\(originalPath):\(index + 1): no data object")
            }
            let ours = try JSONSerialization.jsonObject(with: json.encode(records[index].event))
            let a = try JSONSerialization.data(withJSONObject: originalData, options: [.sortedKeys])
            let b = try JSONSerialization.data(withJSONObject: ours, options: [.sortedKeys])
            guard a == b, original?["type"] as? String == records[index].event.typeName else {
                throw WorkloadError(description: "\(originalPath):\(index + 1): the typed model loses or changes a field:\n  \(String(decoding: a, as: UTF8.self))\n  \(String(decoding: b, as: UTF8.self))")
            }
        }
        return (Double(binaryBytes) / Double(Swift.max(records.count, 1)),
                Double(jsonBytes) / Double(Swift.max(jsonSized.count, 1)))
    }
}

/// A workload line as JSON; `data` is decoded into the case that `type` names.
private struct WorkloadLine: Decodable {
    var stream: String
    var version: UInt64
    var data: WorkloadEvent

    enum CodingKeys: String, CodingKey { case stream, version, type, data }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stream = try c.decode(String.self, forKey: .stream)
        version = try c.decode(UInt64.self, forKey: .version)
        let type = try c.decode(String.self, forKey: .type)
        guard let kind = WorkloadEventKind(name: type) else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown event type \(type)")
        }
        switch kind {
        case .memberJoined: data = .memberJoined(try c.decode(MemberJoined.self, forKey: .data))
        case .memberProfileUpdated: data = .memberProfileUpdated(try c.decode(MemberProfileUpdated.self, forKey: .data))
        case .tenderPublished: data = .tenderPublished(try c.decode(TenderPublished.self, forKey: .data))
        case .tenderClosed: data = .tenderClosed(try c.decode(TenderClosed.self, forKey: .data))
        case .tenderAwarded: data = .tenderAwarded(try c.decode(TenderAwarded.self, forKey: .data))
        case .bidSubmitted: data = .bidSubmitted(try c.decode(BidSubmitted.self, forKey: .data))
        case .crossBorderWorkRegistered:
            data = .crossBorderWorkRegistered(try c.decode(CrossBorderWorkRegistered.self, forKey: .data))
        }
    }
}
