import Foundation

/// The printed result: a Markdown table with both stores, their ratio and the issue's targets.
enum Report {
    /// How one metric is shown and judged.
    private struct Row {
        var label: String
        var value: (StoreFigures) -> Double?
        var decimals: Int
        var target: String
        /// nil: no target, or not measurable in this run.
        var met: (BenchFigures) -> Bool?
    }

    private static func rows(_ f: BenchFigures) -> [Row] {
        let fab = f.fabriek, base = f.baseline
        func both(_ a: Double?, _ b: Double?, _ test: (Double, Double) -> Bool) -> Bool? {
            guard let a, let b else { return nil }
            return test(a, b)
        }
        let fsync = f.fdatasyncEPS.map { " (\(format($0 * 0.8, 0)))" } ?? ""
        return [
            Row(label: "append single, durable (ev/s)", value: { $0.appendSingleEPS }, decimals: 0,
                target: "≥ 0.8 × fdatasync\(fsync)",
                met: { _ in both(fab?.appendSingleEPS, f.fdatasyncEPS) { $0 >= 0.8 * $1 } }),
            Row(label: "append batch, 1,000/commit (ev/s)", value: { $0.appendBatchEPS }, decimals: 0,
                target: "≥ 10 × baseline",
                met: { _ in both(fab?.appendBatchEPS, base?.appendBatchEPS) { $0 >= 10 * $1 } }),
            Row(label: "append concurrent, 64 appenders (ev/s)", value: { $0.appendConcurrentEPS }, decimals: 0,
                target: "≥ 10 × fabriek single",
                met: { _ in both(fab?.appendConcurrentEPS, fab?.appendSingleEPS) { $0 >= 10 * $1 } }),
            Row(label: "replay raw (ev/s)", value: { $0.replayRawEPS }, decimals: 0,
                target: "≥ 10,000,000",
                met: { _ in fab?.replayRawEPS.map { $0 >= 10_000_000 } }),
            Row(label: "replay typed (ev/s)", value: { $0.replayTypedEPS }, decimals: 0,
                target: "—", met: { _ in nil }),
            Row(label: "rebuild read model, 1,000/commit (ev/s)", value: { $0.rebuildEPS }, decimals: 0,
                target: "≥ 250,000 and ≥ 2 × baseline",
                met: { _ in
                    guard let eps = fab?.rebuildEPS else { return nil }
                    return eps >= 250_000 && (base?.rebuildEPS).map { eps >= 2 * $0 } ?? true
                }),
            Row(label: "load 2,000 streams, p50 (µs)", value: { $0.loadP50Microseconds }, decimals: 1,
                target: "≤ baseline",
                met: { _ in both(fab?.loadP50Microseconds, base?.loadP50Microseconds) { $0 <= $1 } }),
            Row(label: "load 2,000 streams, p99 (µs)", value: { $0.loadP99Microseconds }, decimals: 1,
                target: "—", met: { _ in nil }),
            Row(label: "load longest stream, mean of 20 (µs)", value: { $0.loadLongestMeanMicroseconds }, decimals: 1,
                target: "—", met: { _ in nil }),
            Row(label: "bytes on disk per event", value: { $0.bytesPerEvent }, decimals: 1,
                target: "≤ 80",
                met: { _ in fab?.bytesPerEvent.map { $0 <= 80 } }),
            Row(label: "open (ms)", value: { $0.openMilliseconds }, decimals: 2,
                target: "≤ 300",
                met: { _ in fab?.openMilliseconds.map { $0 <= 300 } }),
        ]
    }

    /// The table, a line with the raw fdatasync rate, and a note on what the ratio means.
    static func markdown(_ f: BenchFigures) -> String {
        var lines: [String] = []
        lines.append("Workload: \(format(Double(f.workloadEvents), 0)) events, \(format(Double(f.workloadStreams), 0)) streams (longest \(f.longestStream) events). Targets are set for the 1M workload.")
        lines.append("")
        lines.append("| metric | fabriek | baseline | ratio | target | met? |")
        lines.append("|---|---:|---:|---:|---|---|")
        for row in rows(f) {
            let a = f.fabriek.flatMap(row.value), b = f.baseline.flatMap(row.value)
            let ratio: String
            if let a, let b, b > 0 { ratio = format(a / b, 2) + "×" } else { ratio = "—" }
            let met: String
            switch row.met(f) { case true?: met = "yes"; case false?: met = "**no**"; case nil: met = "—" }
            lines.append("| \(row.label) | \(a.map { format($0, row.decimals) } ?? "—") | \(b.map { format($0, row.decimals) } ?? "—") | \(ratio) | \(row.target) | \(met) |")
        }
        lines.append("")
        if let scale = f.fabriek?.scale { lines += scale.markdown(events: f.workloadEvents) }
        if let d = f.domainReplayTypedEPS {
            lines.append("Domain log (\(format(Double(f.workloadEvents), 0)) of Fabriek's own events): typed replay \(format(d, 0)) events/s\(f.domainReplayTypedCPUMicrosecondsPerEvent.map { " (median of the runs; cpu, all threads, " + format($0, 3) + " µs per event)" } ?? "") (target ≥ 2,000,000: \(d >= 2_000_000 ? "yes" : "**no**")), \(f.domainBytesPerEvent.map { format($0, 1) } ?? "—") bytes per event on disk.")
            lines.append("")
        }
        if f.fabriek?.readModelDigest != nil || f.baseline?.readModelDigest != nil {
            func judged(_ digest: String?) -> String {
                guard let digest else { return "—" }
                guard let reference = f.referenceDigest else { return "`\(digest)` (no reference for this size)" }
                return "`\(digest)` (\(digest == reference ? "matches" : "**does not match**"))"
            }
            lines.append("Read model digest: fabriek \(judged(f.fabriek?.readModelDigest)), baseline \(judged(f.baseline?.readModelDigest)); reference `\(f.referenceDigest ?? "—")`.")
            lines.append("")
        }
        if let eps = f.domainRebuildEPS {
            let failures = f.domainRebuildFailures.isEmpty ? "no projection failed"
                : "**failed**: " + f.domainRebuildFailures.joined(separator: "; ")
            lines.append("Domain rebuild (every Fabriek read model over the domain log, one runner, \(f.domainRebuildBatch.map { format(Double($0), 0) } ?? "—") events per transaction): \(format(eps, 0)) events/s, \(f.domainRebuildSeconds.map { format($0, 2) } ?? "—") s, cpu \(f.domainRebuildCPUMicrosecondsPerEvent.map { format($0, 1) } ?? "—") µs per event (target ≥ 100,000: \(eps >= 100_000 && f.domainRebuildFailures.isEmpty ? "yes" : "**no**")); \(failures).")
            if !f.domainRebuildProjections.isEmpty {
                lines.append("")
                lines.append("| read model | events/s until at the head | s | batch cpu µs per log event | digest |")
                lines.append("|---|---:|---:|---:|---|")
                for p in f.domainRebuildProjections {
                    lines.append("| \(p.name) | \(format(p.eventsPerSecond, 0)) | \(format(p.seconds, 2)) | \(format(p.cpuMicrosecondsPerEvent, 2)) | `\(p.digest ?? "—")` |")
                }
            }
            lines.append("")
        }
        lines.append("Raw 4 KiB append + fdatasync in the same run (`fdatasync_eps`): \(f.fdatasyncEPS.map { format($0, 0) } ?? "—") appends/s; into a pre-zeroed file: \(f.fdatasyncPrezeroedEPS.map { format($0, 0) } ?? "—") writes/s. Ratio = fabriek ÷ baseline.")
        return lines.joined(separator: "\n")
    }

    /// `1234567.8` → `1,234,568` (0 decimals) or `1,234,567.8`.
    static func format(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        let fixed = String(format: "%.\(decimals)f", abs(value))
        let parts = fixed.split(separator: ".", maxSplits: 1)
        var digits = Array(parts[0])
        var grouped: [Character] = []
        while digits.count > 3 {
            grouped = [","] + Array(digits.suffix(3)) + grouped
            digits.removeLast(3)
        }
        let integer = String(digits + grouped)
        let sign = value < 0 ? "-" : ""
        return parts.count > 1 ? "\(sign)\(integer).\(parts[1])" : sign + integer
    }
}
