// libpq, opened with dlopen the first time a PostgreSQL store is used (most runs use SQLite, and
// libpq brings in its TLS and Kerberos libraries). Its functions through pointers typed from
// libpq-fe.h; the handles are opaque here.
#ifndef PARLEY_CPOSTGRES_H
#define PARLEY_CPOSTGRES_H
#include <stddef.h>

// NULL when libpq could be opened; else why not.
const char *parley_pq_load(void);

void *parley_pq_connect(const char *conninfo);
int parley_pq_connected(const void *connection);  // 1 when CONNECTION_OK
const char *parley_pq_error(const void *connection);
void parley_pq_finish(void *connection);
// Connects again with the same parameters (after the server went away); 1 when it worked.
int parley_pq_reset(void *connection);
const char *parley_pq_host(const void *connection);
const char *parley_pq_port(const void *connection);
const char *parley_pq_db(const void *connection);
const char *parley_pq_user(const void *connection);

// Runs `sql` (one statement, $1... parameters; lengths and formats per parameter: 1 for binary).
void *parley_pq_exec(void *connection, const char *sql, int count, const char *const *values, const int *lengths, const int *formats);
// Runs one or more statements without parameters (migrations).
void *parley_pq_exec_script(void *connection, const char *sql);
// 1 when the result holds rows or the command succeeded.
int parley_pq_ok(const void *result);
const char *parley_pq_result_error(const void *result);
// The SQLSTATE of a failed result ("42P01"), or "".
const char *parley_pq_sqlstate(const void *result);
int parley_pq_rows(const void *result);
int parley_pq_fields(const void *result);
int parley_pq_is_null(const void *result, int row, int column);
const char *parley_pq_value(const void *result, int row, int column);
int parley_pq_length(const void *result, int row, int column);
void parley_pq_clear(void *result);

#endif
