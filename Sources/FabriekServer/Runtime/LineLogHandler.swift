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
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit { all.merge(explicit) { _, new in new } }
        var text = Self.line(time: Self.clock.text(), level: level, label: label, metadata: all, message: message)
        text.withUTF8 { buffer in
            var rest = UnsafeRawBufferPointer(buffer)
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
        var text = time
        text += " "
        text += level.rawValue
        text += " "
        text += label
        text += ":"
        for key in metadata.keys.sorted() {
            text += " "
            text += key
            text += "="
            text += metadata[key]!.description
        }
        text += " "
        text += message.description
        text += "\n"
        return text
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
