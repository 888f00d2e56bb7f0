extension FabriekStore {
    /// Through the real `ProjectionRunner`, with `WorkloadReadModelProjector`.
    func rebuildReadModel(into directory: String) async throws -> (seconds: Double, file: String) {
        try await FabriekReadModelRebuild.run(log: log, directory: directory)
    }
}
