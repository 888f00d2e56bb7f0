extension PhaseRunner {
    /// Rebuild: the workload read model from the batch-loaded store into a new file, timed from
    /// creating the file to the last commit; then (untimed) its content digest.
    func rebuild<Store: BenchStore>(_ store: Store, into figures: inout StoreFigures) async throws {
        let name = Store.name
        let dir = try freshDirectory(name, "rebuild")
        let timer = PhaseTimer()
        let (seconds, file) = try await store.rebuildReadModel(into: dir)
        let cpu = timer.cpuDescription
        figures.rebuildEPS = Double(workload.count) / seconds
        let digest = try ReadModelDigest.compute(file: file, generator: generator)
        figures.readModelDigest = digest
        report(name, "rebuild", "\(workload.count) events in \(ms(seconds)) ms, \(cpu), digest \(digest)", figures.rebuildEPS)
        removeStore(dir)
    }
}
