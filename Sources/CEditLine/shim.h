// Typed wrappers for libedit's variadic calls (el_set, el_get, history), which Swift cannot call.
#ifndef PARLEY_CEDITLINE_SHIM_H
#define PARLEY_CEDITLINE_SHIM_H
#include <stdio.h>
#include <histedit.h>

typedef char *(*parley_el_prompt_fn)(EditLine *);
typedef unsigned char (*parley_el_fn)(EditLine *, int);

static inline FILE *parley_stdin(void) { return stdin; }
static inline FILE *parley_stdout(void) { return stdout; }
static inline FILE *parley_stderr(void) { return stderr; }

static inline int parley_el_set_prompt_esc(EditLine *e, parley_el_prompt_fn f, char marker) { return el_set(e, EL_PROMPT_ESC, f, marker); }
static inline int parley_el_set_editor(EditLine *e, const char *mode) { return el_set(e, EL_EDITOR, mode); }
static inline int parley_el_set_hist(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }
static inline int parley_el_set_signal(EditLine *e, int on) { return el_set(e, EL_SIGNAL, on); }
static inline int parley_el_set_clientdata(EditLine *e, void *data) { return el_set(e, EL_CLIENTDATA, data); }
static inline void *parley_el_get_clientdata(EditLine *e) { void *d = NULL; el_get(e, EL_CLIENTDATA, &d); return d; }
static inline int parley_el_addfn(EditLine *e, const char *name, const char *help, parley_el_fn f) { return el_set(e, EL_ADDFN, name, help, f); }
static inline int parley_el_bind(EditLine *e, const char *keys, const char *fn) { return el_set(e, EL_BIND, keys, fn, NULL); }
static inline int parley_el_setty(EditLine *e, const char *a, const char *b) { return el_set(e, EL_SETTY, a, b, NULL); }
static inline const char *parley_el_get_editor(EditLine *e) { const char *mode = NULL; el_get(e, EL_EDITOR, &mode); return mode; }

static inline int parley_history_setsize(History *h, HistEvent *ev, int n) { return history(h, ev, H_SETSIZE, n); }
static inline int parley_history_setunique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
static inline int parley_history_enter(History *h, HistEvent *ev, const char *line) { return history(h, ev, H_ENTER, line); }
static inline int parley_history_load(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_LOAD, path); }
static inline int parley_history_save(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_SAVE, path); }

typedef int (*parley_el_getc_fn)(EditLine *, wchar_t *);
static inline int parley_el_set_getcfn(EditLine *e, parley_el_getc_fn f) { return el_set(e, EL_GETCFN, f); }
static inline int parley_el_set_unbuffered(EditLine *e, int on) { return el_set(e, EL_UNBUFFERED, on); }
static inline int parley_el_set_prep_term(EditLine *e, int on) { return el_set(e, EL_PREP_TERM, on); }

#endif
