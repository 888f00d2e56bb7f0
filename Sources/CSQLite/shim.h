#ifndef FABRIEK_CSQLITE_SHIM_H
#define FABRIEK_CSQLITE_SHIM_H
#include <sqlite3.h>

/// `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)`: `sqlite3_config` is variadic, which Swift
/// cannot call. Only effective before SQLite is initialised (the first connection opened in
/// the process); returns SQLITE_MISUSE after.
static inline int fabriek_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/// `sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, bytes)`: statement journals stay in memory up
/// to `bytes` before SQLite moves them to a temporary file. Same rule as above: only before
/// SQLite is initialised.
static inline int fabriek_sqlite3_statement_journal_spill(int bytes) {
    return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, bytes);
}
#endif
