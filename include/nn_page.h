/* nn_page.h - a model as one self-contained web page: draw a digit and watch
 * the network read it.
 *
 * The page (HTML with its style sheet, script, data and pictures inline, so
 * that it opens from disk with no network) holds the model's parameters and
 * runs the forward pass itself, in float32 in the order of nnart's generic
 * kernels; it prepares a drawing as nn_digit_prepare does (nn_image.h).  It
 * shows the drawing pad, the 28 x 28 input the network sees, the
 * probabilities in matplotlib's 'hot', each hidden layer's activations, the
 * network picture of nn_network.h redrawn as one draws, the class dreams
 * (nn_dream.h), the first-layer weights, the embedded test digits and the
 * training settings.
 *
 * Opened with the fragment #selftest the page runs its forward pass on the
 * embedded test digits and writes, into the text of the element with id
 * "selftest", [{"index": I, "probabilities": [p0, ...]}, ...] (I the test-set
 * index); it then draws strokes on its pad through its own pointer-event
 * handlers and writes into element "selftest-drawing" a JSON object with the
 * pad's grey pixels ("width", "height", "pixels": base64 of one byte each),
 * the 28 x 28 "input" and its "probabilities".
 */
#ifndef NN_PAGE_H
#define NN_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_io.h"
#include "nn_model.h"
#include "nn_train.h"

#define NN_PAGE_MAX_DIGITS 1000 /* most test digits a page embeds */

/* What the page is made from; everything stays the caller's. */
typedef struct nn_page {
    const char *title;          /* shown as the page's title (the model's file name, say) */
    const nn_model *model;      /* its inputs a rows x cols image */
    size_t rows, cols;          /* the input's shape: rows * cols = sizes[0] */
    const nn_train_info *info;  /* how it was trained, or NULL */
    size_t n_digits;            /* test digits, 0..NN_PAGE_MAX_DIGITS */
    const uint8_t *pixels;      /* (n_digits, sizes[0]) bytes, input = byte / 255 */
    const int *labels;          /* (n_digits) their classes, -1 where unknown; or NULL */
    const size_t *index;        /* (n_digits) their numbers in the test set */
} nn_page;

/* Appends the page to out (HTML, UTF-8).  Computes the dreams of every class
 * (nn_dream_config_default from a blank start) on the way.  Fails with
 * NN_ERR_ARG for a model the page cannot show (an input that is not rows x
 * cols, more than 256 classes for a dream, a layer wider than NN_MAX_WIDTH)
 * and NN_ERR_NOMEM; out is then left as it was given. */
int nn_page_html(const nn_page *p, nn_buf *out, nn_error *err);

#endif
