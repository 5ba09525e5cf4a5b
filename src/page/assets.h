/* assets.h - the page's own text, carried in the library: src/page/digit.html
 * (the markup around the data), digit.css and digit.js, made into byte arrays
 * at build time by src/page/embed/embed.c.  Each ends with a 0 byte not
 * counted in its _len. */
#ifndef NNI_PAGE_ASSETS_H
#define NNI_PAGE_ASSETS_H

#include <stddef.h>

#include "internal.h"

NNI_HIDDEN extern const unsigned char nni_page_html[];
NNI_HIDDEN extern const size_t nni_page_html_len;
NNI_HIDDEN extern const unsigned char nni_page_css[];
NNI_HIDDEN extern const size_t nni_page_css_len;
NNI_HIDDEN extern const unsigned char nni_page_js[];
NNI_HIDDEN extern const size_t nni_page_js_len;

#endif
