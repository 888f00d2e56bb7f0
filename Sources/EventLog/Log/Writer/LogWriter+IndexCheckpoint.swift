extension LogWriter {
    /// Persists the stream index and the event-id index when many events are indexed only in
    /// memory, so a later open after a crash has little to rescan and the writer's memory stays
    /// bounded.
    func checkpointIndexIfLarge(log: EventLog) {
        if eventIDs.isLoaded && eventIDs.inMemoryEvents >= options.indexCheckpointEvents {
            let head = log.state.withLock { $0.head }
            if head.position == eventIDs.count {
                // Derived data: failing to save it keeps the ids in memory, nothing more.
                try? eventIDs.checkpoint(head: head, path: log.idIndexPath, directory: log.indexDirectory)
            }
        }
        let snapshot: (StreamIndex, LogHead)? = log.state.withLock { s in
            s.index.inMemoryEvents >= self.options.indexCheckpointEvents ? (s.index, s.head) : nil
        }
        guard let (index, head) = snapshot else { return }
        do {
            try StreamIndexFile.write(index, covered: head, path: log.indexPath, directory: log.indexDirectory)
            if let file = try StreamIndexFile.open(path: log.indexPath) {
                log.state.withLock { s in
                    if s.head == head { s.index = StreamIndex(file: file) }
                }
            }
        } catch {
            // The index is derived data: failing to persist it costs a longer open, nothing more.
        }
    }
}
