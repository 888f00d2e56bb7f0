import GRDB

extension Database {
    /// Runs `sql` as a cached prepared statement with `arguments`: the fast path for `apply`.
    func execute(cached sql: String, _ arguments: StatementArguments) throws {
        let statement = try cachedStatement(sql: sql)
        statement.setUncheckedArguments(arguments)
        try statement.execute()
    }
}
