// libxml2's HTML parser, opened with dlopen the first time a page is read (most runs read none).
// Nodes are opaque here; Swift walks them through these accessors.
#ifndef PARLEY_CHTML_H
#define PARLEY_CHTML_H
#include <stddef.h>

// The parsed document (free it with parley_html_free), or NULL when libxml2 cannot be opened (see
// parley_html_available) or the bytes hold no document. `encoding` is the charset the server named,
// or NULL for the page's own <meta charset> (else UTF-8 or Latin-1 as libxml2 guesses).
void *parley_html_parse(const char *bytes, size_t count, const char *encoding);
int parley_html_available(void);
void parley_html_free(void *document);

// The document's first node, and a node's first child and next sibling (NULL at the end).
const void *parley_html_first(const void *document);
const void *parley_html_child(const void *node);
const void *parley_html_next(const void *node);
// 1 element, 3 text, 4 CDATA; libxml2's xmlElementType for the rest.
int parley_html_kind(const void *node);
// An element's lower-case name; NULL for other nodes.
const char *parley_html_name(const void *node);
// A text node's UTF-8 text; NULL for other nodes.
const char *parley_html_text(const void *node);
// The value of an element's attribute `name` (its first text), or NULL.
const char *parley_html_attribute(const void *node, const char *name);

#endif
