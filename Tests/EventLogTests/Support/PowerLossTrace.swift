import Foundation

/// The calls a run made on its directory, in order, as the fault shim records them with
/// `FAULT_LOG` (format in Tests/FaultInjection/faultshim.c), and what the run printed in between.
struct PowerLossTrace {
    enum Operation: Equatable {
        /// Bytes that reached the file at `offset` (a `write` or `pwrite`).
        case write(path: String, offset: Int, bytes: [UInt8])
        /// A successful `fsync` or `fdatasync` of a file or directory.
        case sync(path: String)
        case truncate(path: String, length: Int)
        /// `open(O_CREAT)` that created the file.
        case create(path: String)
        /// `open(O_TRUNC)` of an existing file.
        case truncateOnOpen(path: String)
        case rename(from: String, to: String)
        case unlink(path: String)
        case makeDirectory(path: String)
        /// A write to standard output: the run's `ACK` lines.
        case output(String)
    }

    var operations: [Operation] = []

    init(file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        var at = 0
        func line() throws -> String {
            guard let end = bytes[at...].firstIndex(of: UInt8(ascii: "\n")) else { throw TraceError.truncated(at) }
            defer { at = end + 1 }
            return String(decoding: bytes[at..<end], as: UTF8.self)
        }
        func payload(_ count: Int) throws -> [UInt8] {
            guard at + count < bytes.count, bytes[at + count] == UInt8(ascii: "\n") else { throw TraceError.truncated(at) }
            defer { at += count + 1 }
            return Array(bytes[at..<(at + count)])
        }
        while at < bytes.count {
            let header = try line()
            guard header.count >= 2 else { throw TraceError.malformed(header) }
            let op = header.first!
            let rest = String(header.dropFirst(2))
            switch op {
            case "W":
                let parts = rest.split(separator: " ", maxSplits: 2).map(String.init)
                guard parts.count == 3, let offset = Int(parts[0]), let count = Int(parts[1]) else { throw TraceError.malformed(header) }
                operations.append(.write(path: parts[2], offset: offset, bytes: try payload(count)))
            case "M":
                guard let count = Int(rest) else { throw TraceError.malformed(header) }
                operations.append(.output(String(decoding: try payload(count), as: UTF8.self)))
            case "S": operations.append(.sync(path: rest))
            case "T":
                let parts = rest.split(separator: " ", maxSplits: 1).map(String.init)
                guard parts.count == 2, let length = Int(parts[0]) else { throw TraceError.malformed(header) }
                operations.append(.truncate(path: parts[1], length: length))
            case "C": operations.append(.create(path: rest))
            case "Z": operations.append(.truncateOnOpen(path: rest))
            case "R":
                let parts = rest.split(separator: "\t", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw TraceError.malformed(header) }
                operations.append(.rename(from: parts[0], to: parts[1]))
            case "U": operations.append(.unlink(path: rest))
            case "D": operations.append(.makeDirectory(path: rest))
            default: throw TraceError.malformed(header)
            }
        }
    }

    enum TraceError: Error, CustomStringConvertible {
        case truncated(Int)
        case malformed(String)

        var description: String {
            switch self {
            case .truncated(let at): return "the shim's trace ends inside a record at byte \(at)"
            case .malformed(let header): return "the shim's trace has a record it does not know: \(header)"
            }
        }
    }
}
