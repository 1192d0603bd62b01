#include "ccurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

parley_curl_functions parley_curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready = 0;
static char load_error[512];

static void load(void) {
    // RTLD_LAZY: a library not built for immediate binding (Kerberos, SASL...) has its functions bound
    // at their first call, as in curl itself; the others (libcurl, OpenSSL, GnuTLS) bind at load either
    // way. RTLD_NOW made the loader look up ~1,800 more symbols on the way to the first request.
    void *library = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error, "libcurl cannot be opened: %s", dlerror());
        return;
    }
#define BIND(field, name)                                                              \
    if (!(*(void **)&parley_curl.field = dlsym(library, #name))) {                     \
        snprintf(load_error, sizeof load_error, "libcurl has no %s (too old?)", #name); \
        return;                                                                        \
    }
    PARLEY_CURL_FUNCTIONS(BIND)
#undef BIND
    if (parley_curl.global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "libcurl could not start (curl_global_init failed)");
        return;
    }
    ready = 1;
}

int parley_curl_load(void) {
    pthread_once(&once, load);
    return ready;
}

const char *parley_curl_load_error(void) { return load_error; }

static void *preload(void *unused) {
    (void)unused;
    parley_curl_load();
    return NULL;
}

static int started = 0;

void parley_curl_await_preload(void) {
    if (started) parley_curl_load();
}

void parley_curl_preload(void) {
    if (started) return;
    started = 1;
    pthread_t thread;
    if (pthread_create(&thread, NULL, preload, NULL) == 0) pthread_detach(thread);
}
