import GRDB

extension Database {
    /// Runs `sql` (an INSERT, UPDATE or DELETE) as a cached prepared statement whose parameters
    /// `bind` sets straight on the SQLite statement (`Statement.run`): the fast path for `apply`,
    /// with no argument array, no boxing and none of GRDB's per-execution bookkeeping, which
    /// read-model files do not use.
    func run(cached sql: String, _ bind: (Statement.Binder) -> Void = { _ in }) throws {
        try cachedStatement(sql: sql).run(bind)
    }
}

extension Database {
    /// `run(cached:)` with GRDB arguments, for statements off the per-event path.
    func execute(cached sql: String, _ arguments: StatementArguments) throws {
        let statement = try cachedStatement(sql: sql)
        statement.setUncheckedArguments(arguments)
        try statement.run { _ in }
    }
}
