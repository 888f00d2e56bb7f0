import Foundation
import Logging
import Synchronization

/// The server's log handler: one line per message on standard error, written at once (one
/// `write`, nothing buffered, so no line is lost when the process dies), in the shape of
/// swift-log's `StreamLogHandler`:
///
///     2026-12-03T23:05:17Z info fabriek: caller=municipality durationMs=0.12 method=GET route=/api/v1/members status=200 request
///
/// The time is UTC with seconds (its text is made once per second, not per line), metadata
/// keys are sorted. When standard error is a regular file, its write-back to the disk is
/// started every megabyte (`LogWriteback`), so that the request log's pages do not pile up and
/// reach the disk all at once, in front of the event log's syncs. Costs a few microseconds per
/// line: the request log writes one line per request, and `StreamLogHandler` (local time through `localtime_r` and `strftime`, metadata
/// pretty-printed through several intermediate strings) took about a tenth of the CPU of a
/// cached read (profiled under load).
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    /// Where lines go: standard error (tests give a pipe or a file).
    private let fileDescriptor: Int32
    /// Starts the file's write-back every so many bytes (shared by the handlers of one file).
    private let writeback: LogWriteback

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, metadataProvider: metadataProvider, fileDescriptor: STDERR_FILENO,
                  writeback: .standardError)
    }

    init(label: String, metadataProvider: Logger.MetadataProvider? = nil, fileDescriptor: Int32,
         writeback: LogWriteback? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.fileDescriptor = fileDescriptor
        self.writeback = writeback ?? LogWriteback(fileDescriptor: fileDescriptor)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        let provided = metadataProvider?.get() ?? [:]
        let bytes = Self.lineBytes(time: Self.clock.text(), level: level, label: label,
                                   layers: [metadata, provided, explicit ?? [:]], message: message)
        write(bytes)
    }

    /// The request log line (`RequestObserverMiddleware`): what `log(level: .info, message:
    /// "request", metadata: fields)` writes for these fields, byte for byte, without the
    /// metadata dictionary, the interpolated values and the merge of layers (one line per
    /// request). False when it wrote nothing because it cannot be written this way (a metadata
    /// provider, or `info` below the handler's level): then log it the usual way.
    func logRequest(_ fields: RequestLogFields) -> Bool {
        guard metadataProvider == nil, logLevel <= .info else { return false }
        write(Self.requestLineBytes(time: Self.clock.text(), label: label, metadata: metadata, fields: fields))
        return true
    }

    /// One `write` per line (nothing buffered, so no line is lost when the process dies).
    private func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var rest = buffer
            while !rest.isEmpty {
                let n = Foundation.write(fileDescriptor, rest.baseAddress, rest.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            }
        }
        writeback.wrote(bytes.count)
    }

    /// `requestLine`'s bytes: the handler's metadata (the request id) merged in key order with
    /// the request's five fields, which win over a handler entry of the same key.
    static func requestLineBytes(time: String, label: String, metadata: Logger.Metadata, fields: RequestLogFields) -> [UInt8] {
        var others: [(key: String, value: Logger.Metadata.Value)] = []
        for (key, value) in metadata where !RequestLogFields.keys.contains(key) { others.append((key, value)) }
        if others.count > 1 { others.sort { $0.key < $1.key } }
        var out: [UInt8] = []
        out.reserveCapacity(192)
        out.append(contentsOf: time.utf8)
        out.append(contentsOf: " info ".utf8)
        out.append(contentsOf: label.utf8)
        out.append(UInt8(ascii: ":"))
        func pair(_ key: String, _ value: (inout [UInt8]) -> Void) {
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: key.utf8)
            out.append(UInt8(ascii: "="))
            value(&out)
        }
        var o = 0
        for (f, key) in RequestLogFields.keys.enumerated() {
            while o < others.count && others[o].key < key {
                let value = others[o].value
                pair(others[o].key) { out in
                    if case .string(let text) = value { out.append(contentsOf: text.utf8) } else { out.append(contentsOf: value.description.utf8) }
                }
                o += 1
            }
            pair(key) { out in fields.write(field: f, into: &out) }
        }
        for (key, value) in others[o...] {
            pair(key) { out in
                if case .string(let text) = value { out.append(contentsOf: text.utf8) } else { out.append(contentsOf: value.description.utf8) }
            }
        }
        out.append(contentsOf: " request\n".utf8)
        return out
    }

    private static let clock = SecondClock()

    /// One line as written: time, level, label, the metadata sorted by key, the message.
    static func line(time: String, level: Logger.Level, label: String, metadata: Logger.Metadata, message: Logger.Message) -> String {
        String(decoding: lineBytes(time: time, level: level, label: label, layers: [metadata], message: message), as: UTF8.self)
    }

    /// `line`'s bytes, with the metadata of several layers (the handler's, the provider's, the
    /// call's; a later layer's value wins) read in place instead of merged into one dictionary
    /// first: the request log writes one line per request.
    static func lineBytes(time: String, level: Logger.Level, label: String, layers: [Logger.Metadata],
                          message: Logger.Message) -> [UInt8] {
        var keys: [String] = []
        keys.reserveCapacity(layers.reduce(0) { $0 + $1.count })
        for (i, layer) in layers.enumerated() {
            for key in layer.keys where !layers[(i + 1)...].contains(where: { $0[key] != nil }) { keys.append(key) }
        }
        keys.sort()
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(contentsOf: time.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: level.rawValue.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: label.utf8)
        out.append(UInt8(ascii: ":"))
        for key in keys {
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: key.utf8)
            out.append(UInt8(ascii: "="))
            let value = layers.last(where: { $0[key] != nil })![key]!
            if case .string(let text) = value {
                out.append(contentsOf: text.utf8)
            } else {
                out.append(contentsOf: value.description.utf8)
            }
        }
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: message.description.utf8)
        out.append(UInt8(ascii: "\n"))
        return out
    }
}

/// The fields of one request log line (never the query, body or token, which may hold
/// personal data).
struct RequestLogFields {
    /// The keys, sorted, in the order of `write(field:into:)`.
    static let keys = ["caller", "durationMs", "method", "route", "status"]

    var caller: String
    var duration: Duration
    var method: String
    var route: String
    var status: Int

    /// As metadata, for a handler other than `LineLogHandler`.
    var metadata: Logger.Metadata {
        ["method": .string(method), "route": .string(route), "status": .string(String(status)),
         "durationMs": .string(Self.milliseconds(duration)), "caller": .string(caller)]
    }

    /// `12.34`: milliseconds with two decimals (without `String(format:)`, once per request).
    static func milliseconds(_ duration: Duration) -> String {
        var out: [UInt8] = []
        appendMilliseconds(duration, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of field `index` (of `keys`) as text.
    func write(field index: Int, into out: inout [UInt8]) {
        switch index {
        case 0: out.append(contentsOf: caller.utf8)
        case 1: Self.appendMilliseconds(duration, to: &out)
        case 2: out.append(contentsOf: method.utf8)
        case 3: out.append(contentsOf: route.utf8)
        default: Self.appendDecimal(Int64(status), to: &out)
        }
    }

    private static func appendMilliseconds(_ duration: Duration, to out: inout [UInt8]) {
        let hundredths = duration.components.seconds * 100_000 + duration.components.attoseconds / 10_000_000_000_000
        appendDecimal(hundredths / 100, to: &out)
        out.append(UInt8(ascii: "."))
        let fraction = UInt8(truncatingIfNeeded: abs(hundredths % 100))
        out.append(UInt8(ascii: "0") + fraction / 10)
        out.append(UInt8(ascii: "0") + fraction % 10)
    }

    private static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var n = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            } while n > 0
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}

/// The current time as `2026-12-03T23:05:17Z`, formatted once per second.
private final class SecondClock: Sendable {
    private let last = Mutex<(second: Int, text: String)>((-1, ""))

    func text() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = now.tv_sec
        if let cached = last.withLock({ $0.second == second ? $0.text : nil }) { return cached }
        var t = second
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let text = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
        last.withLock { $0 = (second, text) }
        return text
    }
}
