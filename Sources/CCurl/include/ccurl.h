// libcurl, opened at run time rather than linked. Loading libcurl and the thirty-odd libraries it
// needs (TLS, Kerberos, LDAP, SSH, IDN...) costs several milliseconds at every start; opened by a
// thread at start, that time passes while the main thread reads the command line and opens the
// store. Each call goes through a pointer found with dlsym; the typed wrappers below are also what
// lets Swift call curl's variadic functions.
#ifndef PARLEY_CCURL_H
#define PARLEY_CCURL_H
#include <curl/curl.h>

/// Starts opening libcurl and running curl_global_init on a thread of its own; returns at once. The
/// process must not exit before parley_curl_load has returned (exit handlers would run while libraries
/// are still being set up).
void parley_curl_preload(void);
/// Opens libcurl and runs curl_global_init, once (waiting for the preloading thread when it is under
/// way). Returns 1 when libcurl is ready, 0 when not (parley_curl_load_error says why).
int parley_curl_load(void);
/// Waits for the preloading thread's load to end, if it was started; at once otherwise.
void parley_curl_await_preload(void);
const char *parley_curl_load_error(void);

/// The functions parley uses: a field of parley_curl_functions each, named without the `curl_`.
#define PARLEY_CURL_FUNCTIONS(X)                                                                      \
    X(global_init, curl_global_init) X(easy_init, curl_easy_init) X(easy_setopt, curl_easy_setopt)     \
    X(easy_cleanup, curl_easy_cleanup) X(easy_strerror, curl_easy_strerror) X(multi_init, curl_multi_init) \
    X(multi_add_handle, curl_multi_add_handle) X(multi_remove_handle, curl_multi_remove_handle)        \
    X(multi_perform, curl_multi_perform) X(multi_poll, curl_multi_poll) X(multi_wakeup, curl_multi_wakeup) \
    X(multi_info_read, curl_multi_info_read) X(multi_cleanup, curl_multi_cleanup)                       \
    X(slist_append, curl_slist_append) X(slist_free_all, curl_slist_free_all)

/// Each pointer has the type of the function curl.h declares: nothing restated by hand.
#define PARLEY_CURL_POINTER(field, function) __typeof__(function) *field;
typedef struct {
    PARLEY_CURL_FUNCTIONS(PARLEY_CURL_POINTER)
} parley_curl_functions;
#undef PARLEY_CURL_POINTER

/// Filled by parley_curl_load; use only after it returned 1.
extern parley_curl_functions parley_curl;

static inline CURL *parley_curl_easy_init(void) { return parley_curl.easy_init(); }
static inline void parley_curl_easy_cleanup(CURL *h) { parley_curl.easy_cleanup(h); }
static inline const char *parley_curl_easy_strerror(CURLcode c) { return parley_curl.easy_strerror(c); }
static inline CURLM *parley_curl_multi_init(void) { return parley_curl.multi_init(); }
static inline CURLMcode parley_curl_multi_add_handle(CURLM *m, CURL *h) { return parley_curl.multi_add_handle(m, h); }
static inline CURLMcode parley_curl_multi_remove_handle(CURLM *m, CURL *h) { return parley_curl.multi_remove_handle(m, h); }
static inline CURLMcode parley_curl_multi_perform(CURLM *m, int *running) { return parley_curl.multi_perform(m, running); }
static inline CURLMcode parley_curl_multi_poll(CURLM *m, struct curl_waitfd fds[], unsigned int n, int ms, int *ready) {
    return parley_curl.multi_poll(m, fds, n, ms, ready);
}
static inline CURLMcode parley_curl_multi_wakeup(CURLM *m) { return parley_curl.multi_wakeup(m); }
static inline CURLMsg *parley_curl_multi_info_read(CURLM *m, int *left) { return parley_curl.multi_info_read(m, left); }
static inline CURLMcode parley_curl_multi_cleanup(CURLM *m) { return parley_curl.multi_cleanup(m); }
static inline struct curl_slist *parley_curl_slist_append(struct curl_slist *l, const char *s) { return parley_curl.slist_append(l, s); }
static inline void parley_curl_slist_free_all(struct curl_slist *l) { parley_curl.slist_free_all(l); }

static inline CURLcode parley_curl_setopt_long(CURL *h, CURLoption o, long v) { return parley_curl.easy_setopt(h, o, v); }
static inline CURLcode parley_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return parley_curl.easy_setopt(h, o, v); }
static inline CURLcode parley_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return parley_curl.easy_setopt(h, o, v); }

typedef size_t (*parley_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode parley_curl_setopt_write(CURL *h, parley_curl_data_callback f) { return parley_curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, f); }
static inline CURLcode parley_curl_setopt_header(CURL *h, parley_curl_data_callback f) { return parley_curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, f); }
static inline CURLcode parley_curl_setopt_read(CURL *h, parley_curl_data_callback f) { return parley_curl.easy_setopt(h, CURLOPT_READFUNCTION, f); }
static inline CURLcode parley_curl_setopt_seek(CURL *h, curl_seek_callback f) { return parley_curl.easy_setopt(h, CURLOPT_SEEKFUNCTION, f); }

#endif
