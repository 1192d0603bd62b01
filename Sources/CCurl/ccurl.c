#include "ccurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

parley_curl_functions parley_curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready = 0;
static char load_error[512];

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error, "libcurl cannot be opened: %s", dlerror());
        return;
    }
#define BIND(field, name)                                                              \
    if (!(*(void **)&parley_curl.field = dlsym(library, name))) {                      \
        snprintf(load_error, sizeof load_error, "libcurl has no %s (too old?)", name); \
        return;                                                                        \
    }
    BIND(global_init, "curl_global_init")
    BIND(easy_init, "curl_easy_init")
    BIND(easy_setopt, "curl_easy_setopt")
    BIND(easy_getinfo, "curl_easy_getinfo")
    BIND(easy_cleanup, "curl_easy_cleanup")
    BIND(easy_strerror, "curl_easy_strerror")
    BIND(multi_init, "curl_multi_init")
    BIND(multi_add_handle, "curl_multi_add_handle")
    BIND(multi_remove_handle, "curl_multi_remove_handle")
    BIND(multi_perform, "curl_multi_perform")
    BIND(multi_poll, "curl_multi_poll")
    BIND(multi_wakeup, "curl_multi_wakeup")
    BIND(multi_info_read, "curl_multi_info_read")
    BIND(multi_cleanup, "curl_multi_cleanup")
    BIND(multi_setopt, "curl_multi_setopt")
    BIND(slist_append, "curl_slist_append")
    BIND(slist_free_all, "curl_slist_free_all")
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

void parley_curl_preload(void) {
    static int started = 0;
    if (started) return;
    started = 1;
    pthread_t thread;
    if (pthread_create(&thread, NULL, preload, NULL) == 0) pthread_detach(thread);
}
