import CSQLite

/// Process-wide SQLite settings for many projection writers running at once.
///
/// Debian's SQLite is built without lookaside memory and keeps memory statistics, so every
/// small allocation a statement makes (a bound id, a record being built) goes through
/// `sqlite3Malloc`, which takes one mutex for the whole process to count it. Five projection
/// writers on their own threads then spend much of a rebuild waiting for each other on that
/// mutex (futex calls: 13% of a domain rebuild's samples). Turning the statistics off removes
/// the mutex; nothing in Fabriek reads them (`sqlite3_memory_used`, soft heap limits).
///
/// A statement that changes several rows inside a transaction (an `INSERT ... SELECT`, an
/// `UPDATE` of many rows, every write to a full-text table) keeps the pages it changes in a
/// statement journal, to undo that one statement if it fails. SQLite moves that journal to a
/// temporary file once it passes 64 KiB, which with 16 KiB pages is four pages: under the load
/// benchmark's command mix the live projections opened, wrote (a fifth of their WAL bytes
/// again) and deleted such a file for most of their batches. Statement journals now stay in
/// memory up to `statementJournalSpillBytes`.
public enum SQLiteProcessSettings {
    /// Statement journals up to this size stay in memory (SQLite's default is 64 KiB): 4 MiB,
    /// at most one per writing connection at a time.
    public static let statementJournalSpillBytes: Int32 = 4 << 20

    /// Turns SQLite's memory statistics off and keeps statement journals in memory up to
    /// `statementJournalSpillBytes`. Effective only before the process opens its first
    /// SQLite connection (SQLite's own rule): executables call it first thing, and
    /// `ProjectionRunner.init` calls it for programs that open no other database before. Later
    /// calls change nothing. Returns whether the settings apply in this process.
    @discardableResult
    public static func configure() -> Bool { applied }

    private static let applied: Bool = fabriek_sqlite3_disable_memstatus() == SQLITE_OK
        && fabriek_sqlite3_statement_journal_spill(statementJournalSpillBytes) == SQLITE_OK
}
