/* nn_render.h - nnart's pictures laid out into images (nn_image.h): the
 * prediction heat-map, the prediction strip and poster, tiles (dreams,
 * first-layer weights) and the confusion matrix.
 *
 * Every value v becomes a colour as matplotlib's imshow colours it:
 *   colour = cmap(nn_normalize(v, vmin, vmax))
 * with vmin and vmax chosen by the style's range (below); on the logarithmic
 * range colour = cmap(log(1 + v - vmin) / log(1 + vmax - vmin)).  Each value
 * is drawn as a block of pixels, so every picture is an exact enlargement of
 * the data.  Every picture but the bare heat-map and the tiles states its
 * scale under its colour bar.  The functions create the image (RGB) and leave
 * it empty on failure.
 */
#ifndef NN_RENDER_H
#define NN_RENDER_H

#include <stddef.h>

#include "nn_error.h"
#include "nn_image.h"

/* How vmin and vmax are found. */
typedef enum nn_range {
    NN_RANGE_DATA,          /* min and max of all values drawn (imshow's default) */
    NN_RANGE_SYMMETRIC,     /* -m and +m, m = max |v| over all values drawn */
    NN_RANGE_TILE,          /* min and max of each tile (each row of a heat-map) */
    NN_RANGE_TILE_SYMMETRIC, /* -m and +m, m = max |v| of each tile */
    NN_RANGE_PROBABILITY,    /* 0 and 1, whatever the values: probabilities */
    NN_RANGE_OFF_DIAGONAL,   /* 0 and the largest value off the diagonal, larger ones
                                clipped (a confusion matrix's errors; confusion only) */
    NN_RANGE_LOG             /* min and max, coloured by log(1 + v - min) (see above) */
} nn_range;

typedef struct nn_render_style {
    nn_colormap cmap;
    size_t scale;         /* side in pixels of the block drawn for one value, >= 1 */
    nn_range range;
    int set_vmin, set_vmax; /* non-zero: vmin (vmax) below replaces the range's */
    float vmin, vmax;
} nn_render_style;

/* Fills s with: hot, the given scale, NN_RANGE_DATA, no fixed limits. */
void nn_render_style_default(nn_render_style *s, size_t scale);

/* Smallest and largest of v[0..n), NaN ignored (0 and 0 if there is none). */
void nn_minmax(const float *v, size_t n, float *lo, float *hi);

/* The side of the square image a model with n inputs takes (28 for 784);
 * fails with NN_ERR_ARG if n is not a square. */
int nn_square_side(size_t n, size_t *side, nn_error *err);

/* imshow of a rows x cols array, nothing else: (cols * scale) x (rows * scale)
 * pixels.  For one prediction (rows = 1, cols = 10) this is exactly
 * plt.imshow(predictions[0], cmap='hot') without axes. */
int nn_render_heatmap(nn_image *img, const float *v, size_t rows, size_t cols,
                      const nn_render_style *s, nn_error *err);

/* One prediction as a strip: n probabilities as scale x scale cells side by
 * side (the heat-map above, enlarged exactly), each with its value written in
 * it when the cell is large enough (black on light cells, white on dark ones),
 * the class numbers under the cells and a colour bar stating the scale. */
int nn_render_strip(nn_image *img, const float *probs, size_t n, const nn_render_style *s,
                    nn_error *err);

/* Several predictions as a poster, one row per sample: its input image (grey,
 * scaled to the cell height), its n_classes cells coloured by probability
 * (tiles are rows) with their values written in them as on the strip, a frame
 * around the predicted class (the first largest probability), the true class
 * at the row's end on a red band when the prediction is wrong; class numbers
 * along the top and a colour bar below (for a range per tile, the caption
 * alone). */
typedef struct nn_poster {
    size_t n;              /* samples (rows) */
    size_t n_classes;      /* cells per row, 1..100 */
    const float *probs;    /* (n, n_classes) */
    const float *inputs;   /* (n, in_rows * in_cols) values in [0, 1], or NULL */
    size_t in_rows, in_cols;
    const int *labels;     /* (n) true classes, -1 where unknown; or NULL */
    const size_t *index;   /* (n) sample numbers written at the left; or NULL */
} nn_poster;

int nn_render_poster(nn_image *img, const nn_poster *p, const nn_render_style *s,
                     nn_error *err);

/* n tiles of rows x cols values in a grid, each value a scale x scale block,
 * each tile with its label above it. */
typedef struct nn_tiles {
    size_t n;                  /* tiles, >= 1 */
    size_t rows, cols;         /* each tile's shape */
    const float *v;            /* (n, rows * cols) */
    const char *const *labels; /* n labels, or NULL */
    size_t columns;            /* tiles per grid row; 0: n if n <= 10, else ceil(sqrt(n)) */
} nn_tiles;

int nn_render_tiles(nn_image *img, const nn_tiles *t, const nn_render_style *s, nn_error *err);

/* A C x C confusion matrix (counts[true * C + predicted]) as a heat-map of
 * scale x scale cells with the count written in each (black on light cells,
 * white on dark ones), "predicted" and the class numbers along the top, "true"
 * and the class numbers down the left, and a colour bar below (for a range per
 * tile, i.e. per true class, the caption alone). */
int nn_render_confusion(nn_image *img, const size_t *counts, size_t C, const nn_render_style *s,
                        nn_error *err);

#endif
