import Foundation

extension EventLog {
    /// Rechecks the log from the bytes on disk: every segment header, every record's CRC, every
    /// block's decompression and event structure, position continuity, the SHA-256 chain (and
    /// the hash the last writer closed at), and the stream index against the events. With
    /// `digest`, checks only up to that position and that the chain hash there equals it.
    ///
    /// A commit whose content no longer hashes to what the next record says is named as the
    /// first bad commit (its positions in `failure.positions`); `verifiedHead` is the end of the
    /// commit before it. Also reports a torn tail left in place, quarantine files beside the
    /// segments, and a stream index that does not match the log (which a writable log rebuilds).
    /// Costs a full read of the log (or of the prefix up to the digest).
    public func verify(upTo digest: LogHead? = nil) -> VerificationReport {
        let snapshot = state.withLock { $0 }
        let ids = EventIDIndexFile.openMatching(path: idIndexPath, state: snapshot).0
        var report = ChainCheck.walk(snapshot, upTo: digest, indexedHead: indexedHead, index: snapshot.index, ids: ids)
        // A tail a read-only open found may have been a commit a writer was still writing.
        report.tail = recovery.tail.filter { !$0.wasCut && Recovery.stillTorn($0, directory: segmentsDirectory) }
        report.quarantined = Recovery.quarantineFiles(in: segmentsDirectory)
        if report.indexProblem != nil && !options.readOnly {
            do {
                try rebuildStreamIndex()
                report.indexProblem! += "; rebuilt from the segments"
            } catch {
                report.indexProblem! += "; rebuilding it failed: \(error)"
            }
        }
        if report.idIndexProblem != nil && !options.readOnly {
            state.withLock { $0.idIndexRejected = true }
            report.idIndexProblem! += "; the writer reads the ids from the segments again"
        }
        if !report.findings.isEmpty { report.isIntact = false }
        return report
    }

    /// The state of the check a writable open runs in the background (`.notRun` for read-only
    /// opens). Servers report it in their readiness.
    public var openVerification: OpenVerification {
        backgroundCheck?.status ?? .notRun
    }

    /// Replaces the stream index by one built from the segments, and removes the index file so
    /// that it is not trusted again (close writes a new one). Costs a scan of the whole log.
    func rebuildStreamIndex() throws {
        let snapshot = state.withLock { $0 }
        var index = try Recovery.catchUp(StreamIndex(file: nil), state: snapshot)
        // Under the index files' lock: a checkpoint of the index found wrong, in flight, does
        // not save its file after this removes the old one.
        try indexFiles.lock.withLock { _ throws in
            try state.withLock { s in
                // Commits made meanwhile: the writer records them only under this lock.
                index = try Recovery.catchUp(index, state: s)
                s.index = index
                indexFiles.streamsEpoch.add(1, ordering: .relaxed)
            }
            if !options.readOnly { unlink(indexPath) }
        }
    }

    /// Waits for the index checkpoint the writer runs, if any (tests: its files are then saved).
    func waitForIndexCheckpoint() {
        indexFiles.latest.withLock { $0.checkpoint }?.wait()
    }
}
