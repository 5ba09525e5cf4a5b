/* nn_attribution.h - pictures of attributions (nn_explain.h): for each map,
 * the input, the attribution and the two overlaid, side by side.
 *
 * The attribution is drawn in matplotlib's 'bwr', symmetric around zero:
 * white is 0, red raises the explained output, blue lowers it, full colour
 * at +-c, where c is a high percentile of |a| (outliers beyond it are
 * clipped, so that one pixel does not wash out the rest).  The overlay is the
 * dimmed input with the same colours laid over it in proportion to |a| / c.
 * Each map's row is labelled with the caller's text and, below it, the
 * clipping: "colour at +-c: the 99th percentile of |a|".
 */
#ifndef NN_ATTRIBUTION_H
#define NN_ATTRIBUTION_H

#include <stddef.h>

#include "nn_error.h"
#include "nn_image.h"

/* The q-quantile (q in [0, 1]) of |v[0..n)|, interpolated linearly between
 * the order statistics at q (n - 1) (numpy's default). */
int nn_percentile_abs(const float *v, size_t n, double q, float *out, nn_error *err);

typedef struct nn_attribution_sheet {
    size_t rows, cols;         /* the input's shape */
    const float *input;        /* rows * cols values in [0, 1] */
    size_t n;                  /* maps, one row of the picture each, >= 1 */
    const float *const *attr;  /* n maps of rows * cols values */
    const char *const *labels; /* n labels (one line each), or NULL */
    double percentile;         /* clipping quantile of |a| per map, in (0, 1] (0.99) */
} nn_attribution_sheet;

/* Draws the sheet, each value a scale x scale block (scale 1..256). */
int nn_render_attribution(nn_image *img, const nn_attribution_sheet *s, size_t scale,
                          nn_error *err);

#endif
