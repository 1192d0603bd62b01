// libxml2's HTML parser behind a few functions, the library opened with dlopen on first use.
#include "chtml.h"
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

static struct {
    __typeof__(htmlReadMemory) *htmlReadMemory;
    __typeof__(xmlFreeDoc) *xmlFreeDoc;
} libxml;
static int libxml_ready;
static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;

static void libxml_load(void) {
    void *library = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
    libxml_ready = library != NULL
        && (*(void **)&libxml.htmlReadMemory = dlsym(library, "htmlReadMemory")) != NULL
        && (*(void **)&libxml.xmlFreeDoc = dlsym(library, "xmlFreeDoc")) != NULL;
}

int parley_html_available(void) {
    pthread_once(&libxml_once, libxml_load);
    return libxml_ready;
}

void *parley_html_parse(const char *bytes, size_t count, const char *encoding) {
    if (!parley_html_available() || count > 0x7FFFFFFF) return NULL;
    // Recover from the broken HTML real pages have; no network, no messages on stderr.
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
    return libxml.htmlReadMemory(bytes, (int)count, NULL, encoding, options);
}

void parley_html_free(void *document) {
    if (document != NULL && libxml_ready) libxml.xmlFreeDoc((xmlDocPtr)document);
}

const void *parley_html_first(const void *document) { return ((const xmlDoc *)document)->children; }
const void *parley_html_child(const void *node) { return ((const xmlNode *)node)->children; }
const void *parley_html_next(const void *node) { return ((const xmlNode *)node)->next; }
int parley_html_kind(const void *node) { return (int)((const xmlNode *)node)->type; }

const char *parley_html_name(const void *node) {
    const xmlNode *element = node;
    return element->type == XML_ELEMENT_NODE ? (const char *)element->name : NULL;
}

const char *parley_html_text(const void *node) {
    const xmlNode *text = node;
    return text->type == XML_TEXT_NODE || text->type == XML_CDATA_SECTION_NODE ? (const char *)text->content : NULL;
}

const char *parley_html_attribute(const void *node, const char *name) {
    const xmlNode *element = node;
    if (element->type != XML_ELEMENT_NODE) return NULL;
    for (const xmlAttr *attribute = element->properties; attribute != NULL; attribute = attribute->next) {
        if (attribute->name != NULL && strcmp((const char *)attribute->name, name) == 0)
            return attribute->children != NULL ? (const char *)attribute->children->content : "";
    }
    return NULL;
}
