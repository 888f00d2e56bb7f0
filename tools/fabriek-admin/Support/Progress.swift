import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress of long work on standard error: on a terminal a bar redrawn in place with count,
/// rate and ETA; otherwise, when asked for (`enabled`, e.g. `--progress`), a plain line every
/// few seconds (logs and pipes stay readable), and nothing when not.
struct Progress {
    let label: String
    var total: UInt64
    /// What is counted ("events", "MB").
    let unit: String
    private let started: Date
    private var lastRate: Double?
    private var lastDraw = Date.distantPast
    private var drawn = false
    private let terminal = isatty(STDERR_FILENO) != 0
    private let enabled: Bool
    private var lastDone: UInt64 = 0

    /// `enabled`: draw also when standard error is not a terminal (a terminal always gets the bar).
    init(label: String, total: UInt64, unit: String = "events", started: Date = Date(), enabled: Bool = true) {
        self.enabled = enabled || terminal
        self.started = started
        self.unit = unit
        self.label = label
        self.total = total
        if !terminal { lastDraw = started }
    }

    /// Reports `done` of `total` units; redraws at most 10 times a second (plain: every 2 s).
    mutating func update(_ done: UInt64, rate: Double? = nil, eta: Double? = nil) {
        lastDone = done
        if let rate { lastRate = rate }
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= (terminal ? 0.1 : 2) else { return }
        lastDraw = now
        draw(done, rate: rate, eta: eta)
    }

    /// Draws the final state and ends the line.
    mutating func finish() {
        guard enabled, drawn || lastDone > 0 else { return }
        if terminal {
            draw(lastDone, rate: lastRate, eta: 0)
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }

    private mutating func draw(_ done: UInt64, rate given: Double?, eta givenETA: Double?) {
        drawn = true
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = given ?? Double(done) / elapsed
        let eta = givenETA ?? (rate > 0 && total > done ? Double(total - done) / rate : 0)
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let perSecond = unit == "events" ? "ev/s" : "\(unit)/s"
        let counts = "\(done)/\(total) \(unit)  \(Int(rate.rounded())) \(perSecond)  ETA \(Self.duration(eta))"
        if terminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(String(format: "%3.0f", fraction * 100))%  \(counts)\u{1B}[K".utf8))
        } else {
            FileHandle.standardError.write(Data("\(label): \(String(format: "%.0f", fraction * 100))%  \(counts)\n".utf8))
        }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s / 60 % 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}

/// `--progress`: a progress line on standard error also when it is not a terminal.
struct ProgressOption: ParsableArguments {
    @Flag(help: "Report progress (count, rate, ETA) on standard error also when it is not a terminal (a terminal always shows the bar).")
    var progress = false

    var show: Bool { progress }
}
