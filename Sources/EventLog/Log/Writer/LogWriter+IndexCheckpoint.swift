extension LogWriter {
    /// Persists the stream index and the event-id index when many events are indexed only in
    /// memory, so a later open after a crash has little to rescan and the writer's memory stays
    /// bounded. The files are written on a thread of their own (`IndexCheckpoint`) from copies
    /// of the indexes; a later commit adopts them: each index then uses the file for what it
    /// covers and keeps in memory only what was recorded since (`StreamIndex.rebased`,
    /// `EventIDIndex.adopt`). One checkpoint at a time.
    func checkpointIndexIfLarge(log: EventLog) {
        adoptCheckpointIfDone(log: log)
        guard checkpoint == nil else { return }
        let threshold = options.indexCheckpointEvents
        let files = log.indexFiles
        var ids: IndexCheckpoint.IDs?
        if eventIDs.isLoaded && eventIDs.inMemoryEvents >= threshold {
            let head = log.state.withLock { $0.head }
            if head.position == eventIDs.count {
                ids = .init(file: eventIDs.file, base: eventIDs.base, fingerprints: eventIDs.fingerprints, head: head,
                            epoch: files.idsEpoch.load(ordering: .relaxed), generation: eventIDs.generation)
            }
        }
        let streams: IndexCheckpoint.Streams? = log.state.withLock { s in
            s.index.inMemoryEvents >= threshold
                ? .init(index: s.index, head: s.head, epoch: files.streamsEpoch.load(ordering: .relaxed)) : nil
        }
        guard streams != nil || ids != nil else { return }
        let job = IndexCheckpoint(streams: streams, ids: ids, keepsFilesResident: options.keepIndexFilesResident)
        checkpoint = job
        job.start(files: files, streamsPath: log.indexPath, idsPath: log.idIndexPath, directory: log.indexDirectory)
    }

    /// Adopts the checkpoint when it has finished (at the start and the end of every commit).
    func adoptCheckpointIfDone(log: EventLog) {
        guard let running = checkpoint, running.isDone else { return }
        adopt(running, log: log)
        checkpoint = nil
    }

    /// Takes the files `job` wrote into the indexes, unless they were replaced since it copied
    /// them.
    private func adopt(_ job: IndexCheckpoint, log: EventLog) {
        let files = log.indexFiles
        // A dropped id index (also one found wrong, which bumps the epoch too) has a new generation.
        if let file = job.idsFile, let ids = job.ids, ids.generation == eventIDs.generation,
           file.coveredPosition == ids.head.position {
            eventIDs.adopt(file)
            if !options.keepIndexFilesResident { file.dropResidentPages() }
        }
        if let file = job.streamsFile, let streams = job.streams, file.coveredPosition == streams.head.position {
            // Only this thread records into the index, and a rebuild bumps the epoch under the
            // lock: rebased outside it, swapped in if nothing replaced it meanwhile.
            let current: StreamIndex? = log.state.withLock { s in
                files.streamsEpoch.load(ordering: .relaxed) == streams.epoch ? s.index : nil
            }
            guard let current, current.coveredPosition == streams.fileCoverage,
                  current.inMemoryEvents >= streams.inMemoryEvents else { return }
            let rebased = current.rebased(onto: file, coveredEvents: streams.inMemoryEvents)
            log.state.withLock { s in
                if files.streamsEpoch.load(ordering: .relaxed) == streams.epoch { s.index = rebased }
            }
            if !options.keepIndexFilesResident { file.dropResidentPages() }
        }
    }

    /// Stops a checkpoint in flight and waits for its thread (at close: close writes the files).
    func cancelCheckpoint() {
        guard let running = checkpoint else { return }
        running.cancel()
        running.wait()
        checkpoint = nil
    }
}
