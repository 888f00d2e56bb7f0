extension SQLiteBaseline {
    /// A replay of the events table into a separate SQLite file (`BaselineReadModelRebuild`).
    func rebuildReadModel(into directory: String) async throws -> (seconds: Double, file: String) {
        let result = try BaselineReadModelRebuild.run(eventsPath: path, into: directory + "/readmodel.sqlite")
        return (result.seconds, result.file)
    }
}
