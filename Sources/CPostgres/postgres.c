// libpq behind a few functions, opened with dlopen on first use.
#include "cpostgres.h"
#include <dlfcn.h>
#include <pthread.h>
#include <libpq-fe.h>

#define PQ_FUNCTIONS(X) X(PQconnectdb) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQhost) X(PQport) X(PQdb) X(PQuser) \
    X(PQexecParams) X(PQexec) X(PQresultStatus) X(PQresultErrorMessage) X(PQresultErrorField) X(PQntuples) X(PQnfields) \
    X(PQgetisnull) X(PQgetvalue) X(PQgetlength) X(PQclear) X(PQreset)
#define FUNCTION(name) __typeof__(name) *name;
#define BIND(name) && (*(void **)&pq.name = dlsym(library, #name)) != NULL

static struct { PQ_FUNCTIONS(FUNCTION) } pq;
static const char *load_error = "libpq was not opened";
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        load_error = "libpq.so.5 could not be opened (apt install libpq5)";
        return;
    }
    if (1 PQ_FUNCTIONS(BIND)) load_error = NULL;
    else load_error = "libpq.so.5 lacks a function parley needs";
}

const char *parley_pq_load(void) {
    pthread_once(&once, load);
    return load_error;
}

void *parley_pq_connect(const char *conninfo) { return pq.PQconnectdb(conninfo); }
int parley_pq_connected(const void *connection) { return pq.PQstatus(connection) == CONNECTION_OK; }
const char *parley_pq_error(const void *connection) { return pq.PQerrorMessage(connection); }
void parley_pq_finish(void *connection) { if (connection != NULL) pq.PQfinish(connection); }
int parley_pq_reset(void *connection) {
    pq.PQreset(connection);
    return pq.PQstatus(connection) == CONNECTION_OK;
}
const char *parley_pq_host(const void *connection) { return pq.PQhost(connection); }
const char *parley_pq_port(const void *connection) { return pq.PQport(connection); }
const char *parley_pq_db(const void *connection) { return pq.PQdb(connection); }
const char *parley_pq_user(const void *connection) { return pq.PQuser(connection); }

void *parley_pq_exec(void *connection, const char *sql, int count, const char *const *values, const int *lengths, const int *formats) {
    return pq.PQexecParams(connection, sql, count, NULL, values, lengths, formats, 0);
}

void *parley_pq_exec_script(void *connection, const char *sql) { return pq.PQexec(connection, sql); }

int parley_pq_ok(const void *result) {
    if (result == NULL) return 0;
    ExecStatusType status = pq.PQresultStatus(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

const char *parley_pq_result_error(const void *result) { return result == NULL ? "no result" : pq.PQresultErrorMessage(result); }

const char *parley_pq_sqlstate(const void *result) {
    const char *state = result == NULL ? NULL : pq.PQresultErrorField(result, PG_DIAG_SQLSTATE);
    return state == NULL ? "" : state;
}

int parley_pq_rows(const void *result) { return pq.PQntuples(result); }
int parley_pq_fields(const void *result) { return pq.PQnfields(result); }
int parley_pq_is_null(const void *result, int row, int column) { return pq.PQgetisnull(result, row, column); }
const char *parley_pq_value(const void *result, int row, int column) { return pq.PQgetvalue(result, row, column); }
int parley_pq_length(const void *result, int row, int column) { return pq.PQgetlength(result, row, column); }
void parley_pq_clear(void *result) { if (result != NULL) pq.PQclear(result); }
