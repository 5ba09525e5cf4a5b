/* digit.c - bringing a drawing into MNIST's form (see nn_image.h).
 *
 * MNIST's digits were made from NIST's black-and-white scans like this (LeCun,
 * Cortes, Burges, "The MNIST database"): each digit was size-normalised to fit
 * a 20x20 box keeping its aspect ratio, anti-aliased in the process, and then
 * placed in a 28x28 field so that its centre of mass, computed from the grey
 * levels, lies at the centre of the field.  Over MNIST's test set that centre
 * of mass sits within half a pixel of (14, 14) in pixel-index coordinates
 * (mean 14.01, 13.99), so the translation was a whole number of pixels towards
 * (rows / 2, cols / 2).  This file repeats those steps on a user's drawing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_image.h"

#define INK_MIN 0.05f /* a pixel brighter than this (after inverting) is part of the digit */

/* Pixel (x, y) of the drawing as white-on-black ink in [0, 1]. */
static float ink(const nn_greymap *g, int inverted, size_t x, size_t y)
{
    float v = g->v[y * g->width + x];
    if (!(v > 0.0f)) /* also maps NaN to 0 */
        v = 0.0f;
    if (v > 1.0f)
        v = 1.0f;
    return inverted ? 1.0f - v : v;
}

/* Mean of the outermost pixels: the first and last row and column. */
static double border_mean(const nn_greymap *g)
{
    double sum = 0.0;
    size_t n = 0;
    for (size_t y = 0; y < g->height; y++) {
        int edge_row = y == 0 || y == g->height - 1;
        for (size_t x = 0; x < g->width; x++) {
            if (edge_row || x == 0 || x == g->width - 1) {
                sum += ink(g, 0, x, y);
                n++;
            }
        }
    }
    return sum / (double)n;
}

/* Area-averaging resampling of n source samples (src[0], src[stride], ...)
 * into m: output j covers the source interval [j f, (j + 1) f), f = n / m, and
 * is the mean of the source over it, each source sample i weighted by the
 * length of [i, i + 1) inside that interval:
 *   dst[j] = (1 / f) * sum_i |[i, i + 1) ∩ [j f, (j + 1) f)| * src[i]. */
static void resample(const float *src, size_t n, size_t sstride, float *dst, size_t m,
                     size_t dstride)
{
    double f = (double)n / (double)m;
    for (size_t j = 0; j < m; j++) {
        double a = (double)j * f, b = j + 1 == m ? (double)n : (double)(j + 1) * f;
        size_t i0 = (size_t)a, i1 = (size_t)ceil(b);
        if (i1 > n)
            i1 = n;
        double sum = 0.0;
        for (size_t i = i0; i < i1; i++) {
            double lo = a > (double)i ? a : (double)i;
            double hi = b < (double)(i + 1) ? b : (double)(i + 1);
            if (hi > lo)
                sum += (hi - lo) * src[i * sstride];
        }
        dst[j * dstride] = (float)(sum / (b - a));
    }
}

/* The digit's bounding box [x0, x1] x [y0, y1]: every pixel with ink above
 * INK_MIN.  Returns -1 if there is none (a blank drawing). */
typedef struct box {
    size_t x0, x1, y0, y1;
} box;

static int ink_box(const nn_greymap *g, int inverted, box *b)
{
    *b = (box){.x0 = g->width, .x1 = 0, .y0 = g->height, .y1 = 0};
    for (size_t y = 0; y < g->height; y++) {
        for (size_t x = 0; x < g->width; x++) {
            if (ink(g, inverted, x, y) > INK_MIN) {
                b->x0 = x < b->x0 ? x : b->x0;
                b->x1 = x > b->x1 ? x : b->x1;
                b->y0 = y < b->y0 ? y : b->y0;
                b->y1 = y > b->y1 ? y : b->y1;
            }
        }
    }
    return b->x0 > b->x1 ? -1 : 0;
}

/* The size nw x nh the cw x ch crop is scaled to: it fits into the box (20 x
 * 20 for a 28 x 28 field), aspect kept, scaled by s = min(box_w / cw, box_h /
 * ch), so that the limiting side fills its box. */
static void fit_size(size_t rows, size_t cols, size_t cw, size_t ch, size_t *nw, size_t *nh)
{
    size_t box_h = (size_t)lround(20.0 / 28.0 * (double)rows);
    size_t box_w = (size_t)lround(20.0 / 28.0 * (double)cols);
    box_h = box_h < 1 ? 1 : box_h;
    box_w = box_w < 1 ? 1 : box_w;
    double s = fmin((double)box_w / (double)cw, (double)box_h / (double)ch);
    size_t w = (size_t)lround(s * (double)cw), h = (size_t)lround(s * (double)ch);
    *nw = w < 1 ? 1 : w > box_w ? box_w : w;
    *nh = h < 1 ? 1 : h > box_h ? box_h : h;
}

/* The ink inside b, area-averaged to nw x nh: rows first, then columns.
 * *digit receives a new buffer of nh * nw values (the caller frees it). */
static int scale_crop(const nn_greymap *g, int inverted, const box *b, size_t nw, size_t nh,
                      float **digit, nn_error *err)
{
    size_t cw = b->x1 - b->x0 + 1, ch = b->y1 - b->y0 + 1, n_wide, n_digit;
    *digit = NULL;
    if (nni_size_mul(&n_wide, ch, nw) || nni_size_mul(&n_digit, nh, nw))
        return nn_fail(err, NN_ERR_NOMEM, "drawing: %zu x %zu pixels are too many", cw, ch);
    float *row = nni_alloc(cw, sizeof *row);
    float *wide = nni_alloc(n_wide, sizeof *wide); /* rows resampled: ch x nw */
    float *out = nni_alloc(n_digit, sizeof *out);
    if (!row || !wide || !out) {
        free(row);
        free(wide);
        free(out);
        return nn_fail(err, NN_ERR_NOMEM, "drawing: out of memory scaling %zu x %zu pixels", cw,
                       ch);
    }
    for (size_t y = 0; y < ch; y++) {
        for (size_t x = 0; x < cw; x++)
            row[x] = ink(g, inverted, b->x0 + x, b->y0 + y);
        resample(row, cw, 1, wide + y * nw, nw, 1);
    }
    for (size_t x = 0; x < nw; x++)
        resample(wide + x, ch, nw, out + x, nh, nw);
    free(row);
    free(wide);
    *digit = out;
    return NN_OK;
}

/* Writes the nw x nh digit into the rows x cols field out (cleared first),
 * shifted by whole pixels so that its centre of mass lands at (rows / 2,
 * cols / 2); values are clamped to [0, 1]. */
static void place_by_mass(const float *digit, size_t nw, size_t nh, size_t rows, size_t cols,
                          float *out)
{
    /* Centre of mass in pixel-index coordinates:
     * (cy, cx) = sum v(y, x) (y, x) / sum v(y, x). */
    double m = 0.0, my = 0.0, mx = 0.0;
    for (size_t y = 0; y < nh; y++) {
        for (size_t x = 0; x < nw; x++) {
            double v = digit[y * nw + x];
            m += v;
            my += v * (double)y;
            mx += v * (double)x;
        }
    }
    long oy = lround((double)rows / 2.0 - my / m);
    long ox = lround((double)cols / 2.0 - mx / m);

    memset(out, 0, rows * cols * sizeof *out);
    for (size_t y = 0; y < nh; y++) {
        long ty = (long)y + oy;
        if (ty < 0 || ty >= (long)rows)
            continue;
        for (size_t x = 0; x < nw; x++) {
            long tx = (long)x + ox;
            if (tx < 0 || tx >= (long)cols)
                continue;
            float v = digit[y * nw + x];
            out[(size_t)ty * cols + (size_t)tx] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        }
    }
}

int nn_digit_prepare(const nn_greymap *g, int invert, size_t rows, size_t cols, float *out,
                     nn_error *err)
{
    size_t pixels;
    if (!g->v || g->width < 1 || g->height < 1 || nni_size_mul(&pixels, g->width, g->height))
        return nn_fail(err, NN_ERR_ARG, "drawing: empty or invalid grey map (%zu x %zu)",
                       g->width, g->height);
    if (rows < 1 || rows > NN_IMAGE_MAX_SIDE || cols < 1 || cols > NN_IMAGE_MAX_SIDE)
        return nn_fail(err, NN_ERR_ARG, "drawing: output size %zu x %zu is out of range (1-%d)",
                       rows, cols, NN_IMAGE_MAX_SIDE);
    if (invert < -1 || invert > 1)
        return nn_fail(err, NN_ERR_ARG, "drawing: invert is %d; expected -1, 0 or 1", invert);
    int inverted = invert == -1 ? border_mean(g) > 0.5 : invert;
    box b;
    if (ink_box(g, inverted, &b) != 0)
        return nn_fail(err, NN_ERR_FORMAT,
                       "drawing is blank: no pixel stands out from the %s background by more "
                       "than %.2f",
                       inverted ? "light" : "dark", (double)INK_MIN);
    size_t nw, nh;
    fit_size(rows, cols, b.x1 - b.x0 + 1, b.y1 - b.y0 + 1, &nw, &nh);
    float *digit;
    int rc = scale_crop(g, inverted, &b, nw, nh, &digit, err);
    if (rc != NN_OK)
        return rc;
    place_by_mass(digit, nw, nh, rows, cols, out);
    free(digit);
    return NN_OK;
}
