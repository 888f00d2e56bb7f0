import Foundation

/// One store's results; nil where the phase did not run.
struct StoreFigures: Sendable {
    var appendSingleEPS: Double?
    var appendBatchEPS: Double?
    var appendConcurrentEPS: Double?
    var replayRawEPS: Double?
    var replayTypedEPS: Double?
    /// Rebuild of the workload read model, from creating the file to the last commit.
    var rebuildEPS: Double?
    /// `readmodel_digest.py` of the rebuilt read model.
    var readModelDigest: String?
    var loadP50Microseconds: Double?
    var loadP99Microseconds: Double?
    /// Mean time to read and fold the workload's longest stream (20 reads).
    var loadLongestMeanMicroseconds: Double?
    var bytesPerEvent: Double?
    var openMilliseconds: Double?
    /// The `scale` phase (fabriek only).
    var scale: ScaleFigures?

    /// The JSON keys and values, in the order the issue lists them.
    var jsonFields: [(key: String, value: Double?)] {
        [("append_single_eps", appendSingleEPS.map { $0.rounded() }),
         ("append_batch_eps", appendBatchEPS.map { $0.rounded() }),
         ("append_concurrent_eps", appendConcurrentEPS.map { $0.rounded() }),
         ("replay_raw_eps", replayRawEPS.map { $0.rounded() }),
         ("replay_typed_eps", replayTypedEPS.map { $0.rounded() }),
         ("rebuild_eps", rebuildEPS.map { $0.rounded() }),
         ("load_p50_us", loadP50Microseconds.map { rounded($0, 1) }),
         ("load_p99_us", loadP99Microseconds.map { rounded($0, 1) }),
         ("load_longest_mean_us", loadLongestMeanMicroseconds.map { rounded($0, 1) }),
         ("bytes_per_event", bytesPerEvent.map { rounded($0, 1) }),
         ("open_ms", openMilliseconds.map { rounded($0, 2) })]
    }
}

/// Everything one run measured.
struct BenchFigures: Sendable {
    var workloadEvents: Int
    var workloadStreams: Int
    var longestStream: Int
    var fdatasyncEPS: Double?
    /// 4 KiB overwrites + fdatasync into a pre-zeroed file (informational, no target).
    var fdatasyncPrezeroedEPS: Double?
    var fabriek: StoreFigures?
    var baseline: StoreFigures?
    /// Typed replay of a log of Fabriek's own domain events (goal ≥ 2M events/s).
    var domainReplayTypedEPS: Double?
    /// CPU time (all threads) per event of the domain typed replay, median of the runs.
    var domainReplayTypedCPUMicrosecondsPerEvent: Double?
    var domainBytesPerEvent: Double?
    /// Every Fabriek read-model projector rebuilt over the domain log through one runner.
    var domainRebuildEPS: Double?
    var domainRebuildSeconds: Double?
    /// Events per transaction of the domain rebuild (`--domain-batch`).
    var domainRebuildBatch: Int?
    /// CPU time (all threads) of the domain rebuild per event: steadier than the rate on a
    /// shared machine.
    var domainRebuildCPUMicrosecondsPerEvent: Double?
    /// Projections that failed during the domain rebuild: "name: reason".
    var domainRebuildFailures: [String] = []
    /// Per read model of the domain rebuild, in the runner's order: events per second from
    /// creating the files until that projection reached the head, and its content digest
    /// (`ProjectionDigest`, untimed).
    var domainRebuildProjections: [DomainRebuildProjection] = []

    /// The read model digest a correct rebuild of this workload gives (WORKLOAD.md), if known.
    var referenceDigest: String? { ReadModelDigest.references[workloadEvents] }

    /// `{"workload_events": N, "fdatasync_eps": x, "fdatasync_prezeroed_eps": y, "fabriek": {...},
    /// "baseline": {...}}`; a figure that was not measured is `null`.
    func json() throws -> Data {
        func object(_ figures: StoreFigures?) -> Any {
            guard let figures else { return NSNull() }
            var out: [String: Any] = [:]
            for (key, value) in figures.jsonFields { out[key] = value ?? NSNull() }
            if let scale = figures.scale { out["scale"] = scale.jsonObject }
            return out
        }
        let root: [String: Any] = [
            "workload_events": workloadEvents,
            "fdatasync_eps": fdatasyncEPS.map { $0.rounded() } ?? NSNull(),
            "fdatasync_prezeroed_eps": fdatasyncPrezeroedEPS.map { $0.rounded() } ?? NSNull(),
            "fabriek": object(fabriek),
            "baseline": object(baseline),
            "domain_replay_typed_eps": domainReplayTypedEPS.map { $0.rounded() } ?? NSNull(),
            "domain_replay_typed_cpu_us_per_event": domainReplayTypedCPUMicrosecondsPerEvent.map { rounded($0, 3) } ?? NSNull(),
            "domain_bytes_per_event": domainBytesPerEvent.map { rounded($0, 1) } ?? NSNull(),
            "domain_rebuild_eps": domainRebuildEPS.map { $0.rounded() } ?? NSNull(),
            "domain_rebuild_seconds": domainRebuildSeconds.map { rounded($0, 2) } ?? NSNull(),
            "domain_rebuild_batch": domainRebuildBatch ?? NSNull(),
            "domain_rebuild_cpu_us_per_event": domainRebuildCPUMicrosecondsPerEvent.map { rounded($0, 2) } ?? NSNull(),
            "domain_rebuild_failures": domainRebuildEPS == nil ? NSNull() : domainRebuildFailures,
            "domain_rebuild_projections": domainRebuildEPS == nil ? NSNull() : domainRebuildProjections.map { p in
                ["name": p.name, "eps": p.eventsPerSecond.rounded(), "seconds": rounded(p.seconds, 2),
                 "batch_cpu_us_per_event": rounded(p.cpuMicrosecondsPerEvent, 2), "digest": p.digest ?? NSNull()] as [String: Any]
            },
            "readmodel_digest": fabriek?.readModelDigest ?? NSNull(),
            "readmodel_digest_baseline": baseline?.readModelDigest ?? NSNull(),
            "readmodel_digest_reference": referenceDigest ?? NSNull(),
        ]
        return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
    }
}

private func rounded(_ value: Double, _ decimals: Int) -> Double {
    let scale = pow(10, Double(decimals))
    return (value * scale).rounded() / scale
}

/// One read model of the domain rebuild.
struct DomainRebuildProjection: Sendable {
    var name: String
    /// From creating the files until this projection reached the head (or failed).
    var seconds: Double
    var eventsPerSecond: Double
    /// CPU time of its batches (apply and finishBatch, on its own thread; commits not counted)
    /// per event of the log.
    var cpuMicrosecondsPerEvent: Double
    /// `ProjectionDigest` of its file at the head; nil when it failed.
    var digest: String?
}
