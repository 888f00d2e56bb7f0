import CSQLite

/// Process-wide SQLite settings for many projection writers running at once.
///
/// Debian's SQLite is built without lookaside memory and keeps memory statistics, so every
/// small allocation a statement makes (a bound id, a record being built) goes through
/// `sqlite3Malloc`, which takes one mutex for the whole process to count it. Five projection
/// writers on their own threads then spend much of a rebuild waiting for each other on that
/// mutex (futex calls: 13% of a domain rebuild's samples). Turning the statistics off removes
/// the mutex; nothing in Fabriek reads them (`sqlite3_memory_used`, soft heap limits).
public enum SQLiteProcessSettings {
    /// Turns SQLite's memory statistics off. Effective only before the process opens its first
    /// SQLite connection (SQLite's own rule): executables call it first thing, and
    /// `ProjectionRunner.init` calls it for programs that open no other database before. Later
    /// calls change nothing. Returns whether the statistics are off in this process.
    @discardableResult
    public static func configure() -> Bool { applied }

    private static let applied: Bool = fabriek_sqlite3_disable_memstatus() == SQLITE_OK
}
