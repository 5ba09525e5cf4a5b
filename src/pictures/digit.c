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
 *
 * A drawing on real paper or a photo of a board is not a clean scan: the
 * paper has grain, the light falls off across the page, a hand or a phone
 * casts a soft shadow, and the pencil is grey, not black.  So before the crop
 * the drawing is separated from its background:
 *   1. the background is the median of each of a grid of blocks, opened
 *      (a minimum, then a maximum over a few blocks) so that strokes drop out
 *      of it while gradients and shadows, which are wider, stay; it is held
 *      within the range of a band along the border, which the drawing is
 *      assumed not to fill (a flat border, a flat background);
 *   2. ink is what stands out from that background by more than the noise:
 *      more than INK_MIN and more than NOISE_K robust standard deviations
 *      (1.4826 times the median absolute deviation) of the band's residual;
 *   3. the drawing is the groups of ink pixels clear of the border band (if
 *      there are any: what reaches the border is a shadow's or the page's
 *      edge) less those smaller than a speck (SPECK of the largest); all else
 *      but the pixels next to them is dropped;
 *   4. the contrast is stretched so that the ink's strong strokes (its
 *      INK_LEVEL quantile) reach 1, unless they reach FULL already, and the
 *      noise floor is 0.
 * A clean drawing (a flat, noiseless border, black strokes) passes through
 * steps 1-4 unchanged, so MNIST's own digits come out as they went in.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_image.h"

#define INK_MIN 0.05f  /* ink stands out from the background by more than this */
#define NOISE_K 5.0    /* ... and by more than this many noise deviations */
#define FLOOR_K 2.0    /* the noise floor, in deviations, mapped to 0 */
#define SPECK 0.02     /* a group of ink pixels under this fraction of the largest is a speck */
#define INK_LEVEL 0.98 /* the quantile of the ink that the stretch maps to 1 */
#define FULL 0.98f     /* ink that reaches this level already has full contrast */
#define MIN_LIGHT 0.02f /* paper darker than this is taken as this bright */
#define BLOCKS 24      /* blocks across the shorter side in which the background is measured */
#define OPEN_R 2       /* the opening that removes strokes from it spans 2 OPEN_R + 1 blocks */

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

/* The k-th smallest of a[0..n) (0-based), reordering a: Wirth's selection. */
static float nth_value(float *a, size_t n, size_t k)
{
    ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    while (l < m) {
        float x = a[kk];
        ptrdiff_t i = l, j = m;
        do {
            while (a[i] < x)
                i++;
            while (x < a[j])
                j--;
            if (i <= j) {
                float t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        } while (i <= j);
        if (j < kk)
            l = i;
        if (kk < i)
            m = j;
    }
    return a[kk];
}

/* The q-quantile of a[0..n) (the order statistic at round(q (n - 1))). */
static float quantile(float *a, size_t n, double q)
{
    return nth_value(a, n, (size_t)lround(q * (double)(n - 1)));
}

/* The width of the border band: 1 pixel up to 100 pixels, then 1%. */
static size_t band_width(const nn_greymap *g)
{
    size_t side = g->width < g->height ? g->width : g->height;
    size_t d = side / 100;
    return d < 1 ? 1 : d;
}

/* Whether (x, y) lies in the border band. */
static int in_band(const nn_greymap *g, size_t d, size_t x, size_t y)
{
    return x < d || y < d || x + d >= g->width || y + d >= g->height;
}

/* Median of the drawing's (not inverted) values in the border band: above
 * one half, the background is light. */
static float border_median(const nn_greymap *g, float *scratch)
{
    size_t d = band_width(g), n = 0;
    for (size_t y = 0; y < g->height; y++)
        for (size_t x = 0; x < g->width; x++)
            if (in_band(g, d, x, y))
                scratch[n++] = ink(g, 0, x, y);
    return quantile(scratch, n, 0.5);
}

/* The background measured in blocks: a grid of gw x gh blocks of b x b
 * pixels (the last ones in a row or column may be smaller), each holding the
 * median of its pixels. */
typedef struct blocks {
    size_t b, gw, gh;
    float *m; /* gh * gw medians, then as much again for the opening */
} blocks;

/* The median of every block of the drawing, in ink. */
static void block_medians(const nn_greymap *g, int inverted, float *scratch, blocks *k)
{
    for (size_t by = 0; by < k->gh; by++)
        for (size_t bx = 0; bx < k->gw; bx++) {
            size_t n = 0;
            for (size_t y = by * k->b; y < (by + 1) * k->b && y < g->height; y++)
                for (size_t x = bx * k->b; x < (bx + 1) * k->b && x < g->width; x++)
                    scratch[n++] = ink(g, inverted, x, y);
            k->m[by * k->gw + bx] = quantile(scratch, n, 0.5);
        }
}

/* One pass of a (2 OPEN_R + 1)-block square minimum (take_max = 0) or
 * maximum filter over the grid, from src into dst. */
static void block_filter(const blocks *k, const float *src, float *dst, int take_max)
{
    for (size_t y = 0; y < k->gh; y++)
        for (size_t x = 0; x < k->gw; x++) {
            float v = src[y * k->gw + x];
            for (size_t yy = y > OPEN_R ? y - OPEN_R : 0; yy <= y + OPEN_R && yy < k->gh; yy++)
                for (size_t xx = x > OPEN_R ? x - OPEN_R : 0; xx <= x + OPEN_R && xx < k->gw;
                     xx++) {
                    float w = src[yy * k->gw + xx];
                    v = take_max ? (w > v ? w : v) : (w < v ? w : v);
                }
            dst[y * k->gw + x] = v;
        }
}

/* The grid's value at pixel (x, y): bilinear between the blocks' centres
 * ((i + 0.5) b - 0.5), constant beyond the outermost ones. */
static float block_at(const blocks *k, const float *m, size_t x, size_t y)
{
    double fx = ((double)x + 0.5) / (double)k->b - 0.5, fy = ((double)y + 0.5) / (double)k->b - 0.5;
    fx = fx < 0 ? 0 : fx > (double)(k->gw - 1) ? (double)(k->gw - 1) : fx;
    fy = fy < 0 ? 0 : fy > (double)(k->gh - 1) ? (double)(k->gh - 1) : fy;
    size_t x0 = (size_t)fx, y0 = (size_t)fy;
    size_t x1 = x0 + 1 < k->gw ? x0 + 1 : x0, y1 = y0 + 1 < k->gh ? y0 + 1 : y0;
    double ax = fx - (double)x0, ay = fy - (double)y0;
    double top = (1 - ax) * m[y0 * k->gw + x0] + ax * m[y0 * k->gw + x1];
    double bottom = (1 - ax) * m[y1 * k->gw + x0] + ax * m[y1 * k->gw + x1];
    return (float)((1 - ay) * top + ay * bottom);
}

/* The background under every pixel (step 1) into bg (W * H values): the
 * block medians, opened (a minimum then a maximum filter over 2 OPEN_R + 1
 * blocks) so that strokes narrower than that drop out while lighting and
 * shadows stay, interpolated between the blocks and held between the
 * border band's 1% and 99% quantiles (a flat border: a flat background).
 * scratch holds W * H values.  Returns NN_ERR_NOMEM or NN_OK. */
static int background(const nn_greymap *g, int inverted, float *scratch, float *bg)
{
    size_t W = g->width, H = g->height, d = band_width(g), n = 0;
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W; x++)
            if (in_band(g, d, x, y))
                scratch[n++] = ink(g, inverted, x, y);
    float lo = quantile(scratch, n, 0.01), hi = quantile(scratch, n, 0.99);
    blocks k;
    k.b = (W < H ? W : H) / BLOCKS;
    k.b = k.b < 1 ? 1 : k.b;
    k.gw = (W + k.b - 1) / k.b, k.gh = (H + k.b - 1) / k.b;
    k.m = nni_alloc(k.gw * k.gh, 2 * sizeof *k.m);
    if (!k.m)
        return NN_ERR_NOMEM;
    float *tmp = k.m + k.gw * k.gh;
    block_medians(g, inverted, scratch, &k);
    block_filter(&k, k.m, tmp, 0);
    block_filter(&k, tmp, k.m, 1);
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W; x++) {
            float v = block_at(&k, k.m, x, y);
            bg[y * W + x] = v < lo ? lo : v > hi ? hi : v;
        }
    free(k.m);
    return NN_OK;
}

/* res[i], how much pixel i stands out from the background (step 1): for
 * light ink on a dark ground ink - background; for dark ink on paper, whose
 * brightness is light times reflectance, the fraction of the paper's light
 * the ink takes away, 1 - v / paper = (ink - background) / (1 - background)
 * (so that uneven light leaves the ink's contrast even).  *noise receives
 * the noise's robust standard deviation, 1.4826 median |r - median r| over
 * the band.  Returns NN_ERR_NOMEM or NN_OK. */
static int residuals(const nn_greymap *g, int inverted, float *scratch, float *res,
                     double *noise)
{
    size_t W = g->width, H = g->height, d = band_width(g), n = 0;
    if (background(g, inverted, scratch, res))
        return NN_ERR_NOMEM;
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W; x++) {
            float *r = res + y * W + x, paper = 1.0f - *r;
            *r = (ink(g, inverted, x, y) - *r) / (inverted ? fmaxf(paper, MIN_LIGHT) : 1.0f);
            if (in_band(g, d, x, y))
                scratch[n++] = *r;
        }
    float mid = quantile(scratch, n, 0.5);
    for (size_t i = 0; i < n; i++)
        scratch[i] = fabsf(scratch[i] - mid);
    *noise = 1.4826 * (double)quantile(scratch, n, 0.5);
    return NN_OK;
}

/* The digit's bounding box [x0, x1] x [y0, y1]. */
typedef struct box {
    size_t x0, x1, y0, y1;
} box;

/* A group of 8-connected ink pixels: its size, and whether it reaches the
 * border band. */
typedef struct group {
    size_t area;
    int edge;
} group;

/* Labels the 8-connected groups of pixels whose res is above t: label[i] is
 * the group's number from 1, or 0.  stack holds W * H pixel numbers; *groups
 * is grown as groups are found.  Returns the number of groups, or -1 when out
 * of memory. */
static long label_groups(const float *res, size_t W, size_t H, size_t d, float t,
                         uint32_t *label, size_t *stack, group **groups)
{
    size_t n = 0, cap = 0;
    memset(label, 0, W * H * sizeof *label);
    for (size_t i = 0; i < W * H; i++) {
        if (label[i] || !(res[i] > t))
            continue;
        if (n == cap) {
            group *a = n < UINT32_MAX - 1 ? realloc(*groups, (cap * 2 + 64) * sizeof *a) : NULL;
            if (!a)
                return -1;
            *groups = a;
            cap = cap * 2 + 64;
        }
        size_t top = 0;
        group gr = {0, 0};
        label[i] = (uint32_t)(n + 1);
        stack[top++] = i;
        while (top) { /* flood fill from i */
            size_t p = stack[--top], px = p % W, py = p / W;
            gr.area++;
            gr.edge |= px < d || py < d || px + d >= W || py + d >= H;
            for (size_t yy = py ? py - 1 : 0; yy <= py + 1 && yy < H; yy++)
                for (size_t xx = px ? px - 1 : 0; xx <= px + 1 && xx < W; xx++) {
                    size_t q = yy * W + xx;
                    if (!label[q] && res[q] > t) {
                        label[q] = (uint32_t)(n + 1);
                        stack[top++] = q;
                    }
                }
        }
        (*groups)[n++] = gr;
    }
    return (long)n;
}

/* Step 3: which of the n groups are the drawing.  If some group stays clear
 * of the border band, the drawing is those (what reaches the border is the
 * edge of a shadow or of the page), else all; of them, the ones of at least
 * SPECK of the largest one's size (the rest are specks). */
static void choose_groups(const group *gr, size_t n, unsigned char *keep)
{
    int interior = 0;
    size_t most = 0;
    for (size_t k = 0; k < n; k++)
        interior |= !gr[k].edge;
    for (size_t k = 0; k < n; k++)
        if (!(interior && gr[k].edge) && gr[k].area > most)
            most = gr[k].area;
    for (size_t k = 0; k < n; k++)
        keep[k] = !(interior && gr[k].edge) && (double)gr[k].area >= SPECK * (double)most;
}

/* Whether pixel i or one of its 8 neighbours belongs to a kept group. */
static int near_ink(const uint32_t *label, const unsigned char *keep, size_t W, size_t H,
                    size_t i)
{
    size_t px = i % W, py = i / W;
    for (size_t yy = py ? py - 1 : 0; yy <= py + 1 && yy < H; yy++)
        for (size_t xx = px ? px - 1 : 0; xx <= px + 1 && xx < W; xx++) {
            uint32_t l = label[yy * W + xx];
            if (l && keep[l - 1])
                return 1;
        }
    return 0;
}

/* Steps 3 and 4: keeps the groups of at least SPECK of the largest one and
 * the pixels next to them (on a noiseless background, f = 0, every pixel
 * but the specks), stretched from the noise floor f to the ink level,
 * everything else 0, in place in res; b receives the kept groups' bounding
 * box.  scratch holds W * H values. */
static void keep_ink(float *res, size_t W, size_t H, const uint32_t *label,
                     const unsigned char *keep, float f, float *scratch, box *b)
{
    size_t n = 0;
    *b = (box){.x0 = W, .x1 = 0, .y0 = H, .y1 = 0};
    for (size_t i = 0; i < W * H; i++) {
        if (!label[i] || !keep[label[i] - 1])
            continue;
        scratch[n++] = res[i];
        size_t x = i % W, y = i / W;
        b->x0 = x < b->x0 ? x : b->x0;
        b->x1 = x > b->x1 ? x : b->x1;
        b->y0 = y < b->y0 ? y : b->y0;
        b->y1 = y > b->y1 ? y : b->y1;
    }
    float level = quantile(scratch, n, INK_LEVEL);
    level = level >= FULL ? 1.0f : level;
    /* the stretch: v = (r - f) / (level - f), clamped to [0, 1] */
    for (size_t i = 0; i < W * H; i++) {
        int kept = label[i] ? keep[label[i] - 1] : f == 0.0f || near_ink(label, keep, W, H, i);
        float v = kept ? (res[i] - f) / (level - f) : 0.0f;
        res[i] = v > 0.0f ? v > 1.0f ? 1.0f : v : 0.0f;
    }
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

/* The ink v (W values a row) inside b, area-averaged to nw x nh: rows
 * first, then columns.  *digit receives a new buffer of nh * nw values (the
 * caller frees it). */
static int scale_crop(const float *v, size_t W, const box *b, size_t nw, size_t nh,
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
            row[x] = v[(b->y0 + y) * W + b->x0 + x];
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

/* The drawing separated from its background (steps 1-4 at the top) into sep
 * (W * H values), with the ink's bounding box in b and the ink threshold in
 * *t.  Returns NN_OK, NN_ERR_FORMAT for a blank drawing or NN_ERR_NOMEM. */
static int separate(const nn_greymap *g, int inverted, float *sep, box *b, float *t)
{
    size_t W = g->width, H = g->height, N = W * H;
    float *scratch = nni_alloc(N, sizeof *scratch);
    uint32_t *label = nni_alloc(N, sizeof *label);
    size_t *stack = nni_alloc(N, sizeof *stack);
    group *groups = NULL;
    unsigned char *keep = NULL;
    int rc = NN_ERR_NOMEM;
    long n_groups = -1;
    double noise = 0;
    if (scratch && label && stack && residuals(g, inverted, scratch, sep, &noise) == NN_OK) {
        *t = fmaxf(INK_MIN, (float)(NOISE_K * noise));
        n_groups = label_groups(sep, W, H, band_width(g), *t, label, stack, &groups);
    }
    if (n_groups == 0)
        rc = NN_ERR_FORMAT;
    if (n_groups > 0 && (keep = nni_alloc((size_t)n_groups, 1))) {
        choose_groups(groups, (size_t)n_groups, keep);
        keep_ink(sep, W, H, label, keep, (float)(FLOOR_K * (*t > INK_MIN ? *t / NOISE_K : 0.0)),
                 scratch, b);
        rc = NN_OK;
    }
    free(scratch);
    free(label);
    free(stack);
    free(groups);
    free(keep);
    return rc;
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
    float *sep = nni_alloc(pixels, sizeof *sep);
    if (!sep)
        return nn_fail(err, NN_ERR_NOMEM, "drawing: out of memory for %zu x %zu pixels",
                       g->width, g->height);
    int inverted = invert == -1 ? border_median(g, sep) > 0.5f : invert;
    box b = {0, 0, 0, 0};
    float t = INK_MIN;
    int rc = separate(g, inverted, sep, &b, &t);
    if (rc == NN_ERR_FORMAT)
        rc = nn_fail(err, NN_ERR_FORMAT,
                     "drawing is blank: no pixel is %s than the background by more than %.2f",
                     inverted ? "darker" : "lighter", (double)t);
    else if (rc)
        rc = nn_fail(err, rc, "drawing: out of memory for %zu x %zu pixels", g->width,
                     g->height);
    size_t nw, nh;
    float *digit = NULL;
    if (rc == NN_OK) {
        fit_size(rows, cols, b.x1 - b.x0 + 1, b.y1 - b.y0 + 1, &nw, &nh);
        rc = scale_crop(sep, g->width, &b, nw, nh, &digit, err);
    }
    if (rc == NN_OK)
        place_by_mass(digit, nw, nh, rows, cols, out);
    free(sep);
    free(digit);
    return rc;
}
