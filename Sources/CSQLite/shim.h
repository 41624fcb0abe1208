#ifndef C_SQLITE_SHIM_H
#define C_SQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a function-pointer macro that Swift cannot import: these bind copies of the value.
static inline int CSQLite_bind_text_transient(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}
static inline int CSQLite_bind_blob_transient(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_TRANSIENT);
}
#endif
