#ifndef FABRIEK_CSQLITE_SHIM_H
#define FABRIEK_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
