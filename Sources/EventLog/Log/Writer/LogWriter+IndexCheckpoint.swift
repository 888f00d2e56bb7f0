extension LogWriter {
    /// Persists the stream index when many events are indexed only in memory, so a later open
    /// after a crash has little to rescan.
    func checkpointIndexIfLarge(log: EventLog) {
        let snapshot: (StreamIndex, LogHead)? = log.state.withLock { s in
            s.index.inMemoryEvents >= Self.indexCheckpointEvents ? (s.index, s.head) : nil
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
