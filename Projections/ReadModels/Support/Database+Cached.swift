import GRDB

extension Database {
    /// Runs `sql` (an INSERT, UPDATE or DELETE) as a cached prepared statement with `arguments`:
    /// the fast path for `apply`. Steps the statement directly (`Statement.run`), without
    /// GRDB's per-execution bookkeeping, which read-model files do not use.
    func execute(cached sql: String, _ arguments: StatementArguments) throws {
        let statement = try cachedStatement(sql: sql)
        statement.setUncheckedArguments(arguments)
        try statement.run { _ in }
    }
}
