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
/// keys are sorted. Costs a few microseconds per line: the request log writes one line per
/// request, and `StreamLogHandler` (local time through `localtime_r` and `strftime`, metadata
/// pretty-printed through several intermediate strings) took about a tenth of the CPU of a
/// cached read (profiled under load).
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
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
        bytes.withUnsafeBytes { buffer in
            var rest = buffer
            while !rest.isEmpty {
                let n = Foundation.write(STDERR_FILENO, rest.baseAddress, rest.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            }
        }
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
