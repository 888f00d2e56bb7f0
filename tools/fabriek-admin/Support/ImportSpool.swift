import EventLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The checked lines of an import, between its two passes: the first pass parses and checks
/// every line and writes the events to append here (binary, in file order, grouped into the
/// commits they will form); the second reads them back one commit at a time and appends. So a
/// bad line anywhere means nothing was appended, and memory stays bounded whatever the file's
/// size. The file sits in the data directory and is removed when the import ends.
final class ImportSpool {
    struct Entry {
        var line: Int
        var stream: String
        var expected: ExpectedVersion
        var event: ProposedEvent
    }

    /// Entries of one commit.
    struct Group {
        var entries: [Entry] = []
        var firstLine: Int { entries.first?.line ?? 0 }
        var lastLine: Int { entries.last?.line ?? 0 }
    }

    let path: String
    private var fd: Int32
    private var out: [UInt8] = []
    /// Bytes of the file already written (`out` follows them).
    private var flushed: Int64 = 0
    private(set) var count = 0
    private(set) var groups = 0

    init(directory: String) throws {
        path = directory + "/import-\(getpid()).spool"
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            throw AdminError.failure("cannot create \(path): \(String(cString: strerror(errno))); check that \(directory) is writable")
        }
        out.reserveCapacity(1 << 20)
    }

    deinit {
        if fd >= 0 { close(fd) }
        unlink(path)
    }

    /// Appends an entry; `startsCommit` begins a new commit. Returns the entry's offset (for
    /// `entry(at:)`).
    @discardableResult
    func write(_ e: Entry, startsCommit: Bool) throws -> UInt64 {
        try write(line: e.line, body: Self.body(stream: e.stream, expected: e.expected, event: e.event), startsCommit: startsCommit)
    }

    /// Appends an entry whose `body` (everything after its line number) was encoded before,
    /// e.g. on the threads that parse lines.
    @discardableResult
    func write(line: Int, body: [UInt8], startsCommit: Bool) throws -> UInt64 {
        let offset = UInt64(flushed) + UInt64(out.count)
        out.append(startsCommit ? 1 : 0)
        Self.put(UInt64(line), to: &out)
        out.append(contentsOf: body)
        count += 1
        if startsCommit { groups += 1 }
        if out.count >= 1 << 20 { try flush() }
        return offset
    }

    /// The encoding of an entry after its commit flag and line number (as `Reader.next` reads it).
    static func body(stream: String, expected: ExpectedVersion, event: ProposedEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(event.payload.count + stream.utf8.count + event.type.utf8.count + 48)
        put(stream, to: &out)
        switch expected {
        case .any: out.append(0); put(0, to: &out)
        case .noStream: out.append(1); put(0, to: &out)
        case .exact(let v): out.append(2); put(v, to: &out)
        }
        withUnsafeBytes(of: event.id.uuid) { out.append(contentsOf: $0) }
        put(event.type, to: &out)
        put(UInt64(event.schemaVersion), to: &out)
        put(UInt64(event.metadata.count), to: &out)
        for (k, v) in event.metadata.sorted(by: { $0.key < $1.key }) { put(k, to: &out); put(v, to: &out) }
        put(UInt64(event.payload.count), to: &out)
        out.append(contentsOf: event.payload)
        if let t = event.recordedAt { out.append(1); put(UInt64(bitPattern: t.microsecondsSinceEpoch), to: &out) } else { out.append(0) }
        return out
    }

    /// The entry written at `offset` (a value `write` returned).
    func entry(at offset: UInt64) throws -> Entry {
        if Int64(offset) >= flushed { try flush() }
        var reader = Reader(fd: fd, path: path, position: Int64(offset), chunk: 4096)
        guard let (_, entry) = try reader.next() else { throw AdminError.failure("\(path) ends early") }
        return entry
    }

    private static func put(_ v: UInt64, to out: inout [UInt8]) {
        var v = v
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    private static func put(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { put(UInt64($0.count), to: &out); out.append(contentsOf: $0) }
    }

    private func flush() throws {
        var done = 0
        while done < out.count {
            let n = out.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(flushed + Int64(done))) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AdminError.failure("cannot write \(path): \(String(cString: strerror(errno))) (free space in the data directory); nothing was imported")
            }
            done += n
        }
        flushed += Int64(out.count)
        out.removeAll(keepingCapacity: true)
    }

    /// Calls `body` for every commit written, in order, reading the file in bounded memory.
    func forEachGroup(_ body: (Group) async throws -> Void) async throws {
        try flush()
        var reader = Reader(fd: fd, path: path, position: 0, chunk: 1 << 20)
        var group = Group()
        while let (starts, entry) = try reader.next() {
            if starts && !group.entries.isEmpty {
                try await body(group)
                group = Group()
            }
            group.entries.append(entry)
        }
        if !group.entries.isEmpty { try await body(group) }
    }

    private struct Reader {
        let fd: Int32
        let path: String
        /// The file offset after `buffer`.
        var position: Int64
        let chunk: Int
        var buffer = [UInt8]()
        var at = 0
        var eof = false

        init(fd: Int32, path: String, position: Int64, chunk: Int) {
            self.fd = fd
            self.path = path
            self.position = position
            self.chunk = chunk
        }

        /// Makes `n` bytes available from `at`; false at the end of the file.
        mutating func need(_ n: Int) throws -> Bool {
            if buffer.count - at >= n { return true }
            buffer.removeFirst(at)
            at = 0
            while buffer.count < n && !eof {
                var bytes = [UInt8](repeating: 0, count: max(chunk, n))
                let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(position)) }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw AdminError.failure("cannot read back \(path): \(String(cString: strerror(errno)))")
                }
                if got == 0 { eof = true } else { buffer.append(contentsOf: bytes[0..<got]); position += Int64(got) }
            }
            return buffer.count >= n
        }

        mutating func byte() throws -> UInt8 {
            guard try need(1) else { throw AdminError.failure("\(path) ends early") }
            defer { at += 1 }
            return buffer[at]
        }

        mutating func varint() throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = try byte()
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }

        mutating func bytes(_ n: Int) throws -> [UInt8] {
            guard try need(n) else { throw AdminError.failure("\(path) ends early") }
            defer { at += n }
            return Array(buffer[at..<(at + n)])
        }

        mutating func string() throws -> String {
            String(decoding: try bytes(Int(try varint())), as: UTF8.self)
        }

        mutating func next() throws -> (Bool, Entry)? {
            guard try need(1) else { return nil }
            let starts = try byte() == 1
            let line = Int(try varint())
            let stream = try string()
            let kind = try byte()
            let v = try varint()
            let expected: ExpectedVersion = kind == 0 ? .any : kind == 1 ? .noStream : .exact(v)
            let u = try bytes(16)
            let id = UUID(uuid: (u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]))
            let type = try string()
            let schema = UInt32(try varint())
            var metadata: [String: String] = [:]
            for _ in 0..<(try varint()) { let k = try string(); metadata[k] = try string() }
            let payload = try bytes(Int(try varint()))
            var recordedAt: Timestamp?
            if try byte() == 1 { recordedAt = Timestamp(microsecondsSinceEpoch: Int64(bitPattern: try varint())) }
            let event = ProposedEvent(id: id, type: type, schemaVersion: schema, metadata: metadata, payload: payload,
                                      recordedAt: recordedAt)
            return (starts, Entry(line: line, stream: stream, expected: expected, event: event))
        }
    }
}
