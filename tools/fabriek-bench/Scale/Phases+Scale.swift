import Foundation

/// The `scale` phase's figures (fabriek only): the batch-loaded log opened by a writer in a
/// process of its own (`OpenProbe`), `scaleProbeRuns` times; times are medians, memory the
/// largest of the runs.
struct ScaleFigures: Sendable {
    var openMilliseconds: Double
    var firstAppendMilliseconds: Double
    var secondAppendMilliseconds: Double
    /// `RssAnon` (the writer's own memory, not the page cache) after open, after the first append.
    var anonymousAfterOpenMB: Double
    var anonymousAfterFirstAppendMB: Double
    /// Mapped file pages resident after the first append (page cache; informational).
    var fileAfterFirstAppendMB: Double
    var backgroundCheckSeconds: Double?
    var anonymousAfterBackgroundCheckMB: Double
    var peakResidentMB: Double

    init(_ runs: [OpenProbe]) {
        func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }
        openMilliseconds = median(runs.map(\.openMilliseconds))
        firstAppendMilliseconds = median(runs.map(\.firstAppendMilliseconds))
        secondAppendMilliseconds = median(runs.map(\.secondAppendMilliseconds))
        anonymousAfterOpenMB = runs.map(\.afterOpen.anonymous).max() ?? 0
        anonymousAfterFirstAppendMB = runs.map(\.afterFirstAppend.anonymous).max() ?? 0
        fileAfterFirstAppendMB = runs.map(\.afterFirstAppend.file).max() ?? 0
        let checks = runs.compactMap(\.backgroundCheckSeconds)
        backgroundCheckSeconds = checks.count == runs.count ? median(checks) : nil
        anonymousAfterBackgroundCheckMB = runs.map(\.afterBackgroundCheck.anonymous).max() ?? 0
        peakResidentMB = runs.map(\.afterBackgroundCheck.peak).max() ?? 0
    }

    var jsonObject: [String: Any] {
        ["open_ms": (openMilliseconds * 100).rounded() / 100,
         "first_append_ms": (firstAppendMilliseconds * 100).rounded() / 100,
         "second_append_ms": (secondAppendMilliseconds * 100).rounded() / 100,
         "rss_anon_after_open_mb": anonymousAfterOpenMB.rounded(),
         "rss_anon_after_first_append_mb": anonymousAfterFirstAppendMB.rounded(),
         "rss_file_after_first_append_mb": fileAfterFirstAppendMB.rounded(),
         "background_check_s": backgroundCheckSeconds.map { ($0 * 100).rounded() / 100 } ?? NSNull(),
         "rss_anon_after_background_check_mb": anonymousAfterBackgroundCheckMB.rounded(),
         "peak_rss_mb": peakResidentMB.rounded()]
    }

    /// The report's lines for this phase.
    func markdown(events: Int) -> [String] {
        let f = Report.format
        let at10M = events >= 10_000_000
        func judged(_ ok: Bool) -> String { at10M ? (ok ? " (target at 10M met)" : " (**target at 10M missed**)") : "" }
        return [
            "Scale (a writer opening this log in a process of its own, \(PhaseRunner.scaleProbeRuns) runs): "
                + "open \(f(openMilliseconds, 1)) ms\(judged(openMilliseconds <= 300)), "
                + "first append after open \(f(firstAppendMilliseconds, 1)) ms\(judged(firstAppendMilliseconds <= 50)) "
                + "(the next \(f(secondAppendMilliseconds, 1)) ms), writer memory (RssAnon) \(f(anonymousAfterOpenMB, 0)) MiB after open, "
                + "\(f(anonymousAfterFirstAppendMB, 0)) MiB after the first append\(judged(anonymousAfterFirstAppendMB <= 300)) "
                + "(mapped file pages resident: \(f(fileAfterFirstAppendMB, 0)) MiB); background chain check "
                + "\(backgroundCheckSeconds.map { f($0, 1) + " s" } ?? "not finished"), \(f(anonymousAfterBackgroundCheckMB, 0)) MiB "
                + "after it, peak RSS \(f(peakResidentMB, 0)) MiB.",
            "",
        ]
    }
}

extension PhaseRunner {
    static let scaleProbeRuns = 3

    /// The `scale` phase on the closed batch-loaded log in `directory`.
    func scale(directory dir: String, into figures: inout StoreFigures) throws {
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        var runs: [OpenProbe] = []
        for _ in 0..<Self.scaleProbeRuns {
            Files.settle()
            let probe = try OpenProbe.inChildProcess(executable: executable, directory: dir)
            progress("  fabriek scale probe: open \(Report.format(probe.openMilliseconds, 1)) ms, first append "
                     + "\(Report.format(probe.firstAppendMilliseconds, 1)) ms, RssAnon \(Report.format(probe.afterOpen.anonymous, 0)) → "
                     + "\(Report.format(probe.afterFirstAppend.anonymous, 0)) MiB (file pages \(Report.format(probe.afterFirstAppend.file, 0)) MiB), "
                     + "background check \(probe.backgroundCheckSeconds.map { Report.format($0, 1) } ?? "—") s, "
                     + "then RssAnon \(Report.format(probe.afterBackgroundCheck.anonymous, 0)) MiB, peak \(Report.format(probe.afterBackgroundCheck.peak, 0)) MiB")
            runs.append(probe)
        }
        figures.scale = ScaleFigures(runs)
    }
}
