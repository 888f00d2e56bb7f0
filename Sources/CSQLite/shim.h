#ifndef FABRIEK_CSQLITE_SHIM_H
#define FABRIEK_CSQLITE_SHIM_H
#include <sqlite3.h>

/// `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)`: `sqlite3_config` is variadic, which Swift
/// cannot call. Only effective before SQLite is initialised (the first connection opened in
/// the process); returns SQLITE_MISUSE after.
static inline int fabriek_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
