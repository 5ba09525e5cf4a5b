/* render.c - laying out nnart's pictures (see nn_render.h).
 *
 * Sizes are computed with saturating arithmetic: an impossible layout becomes
 * an image too large for nn_image_create, which refuses it with a message. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_layers.h"
#include "nn_render.h"

#define MAX_SCALE 4096

/* The palette around the data: a dark background, lighter grid lines. */
static const uint8_t BG[3] = {22, 22, 28};
static const uint8_t GRID[3] = {70, 70, 82};
static const uint8_t TEXT[3] = {230, 230, 230};
static const uint8_t DIM[3] = {150, 150, 160};
static const uint8_t MARK[3] = {0, 200, 255};   /* frame of the predicted class */
static const uint8_t WRONG[3] = {214, 39, 40};  /* band of a misclassified row */
static const uint8_t RIGHT[3] = {80, 200, 100}; /* true class of a correct row */
static const uint8_t BLACK[3] = {0, 0, 0};
static const uint8_t WHITE[3] = {255, 255, 255};

/* a + b and a * b, SIZE_MAX when they overflow. */
static size_t add_sat(size_t a, size_t b)
{
    size_t r;
    return nni_size_add(&r, a, b) ? SIZE_MAX : r;
}

static size_t mul_sat(size_t a, size_t b)
{
    size_t r;
    return nni_size_mul(&r, a, b) ? SIZE_MAX : r;
}

static size_t max_sz(size_t a, size_t b)
{
    return a > b ? a : b;
}

void nn_render_style_default(nn_render_style *s, size_t scale)
{
    *s = (nn_render_style){
        .cmap = NN_CMAP_HOT,
        .scale = scale,
        .range = NN_RANGE_DATA,
        .set_vmin = 0,
        .set_vmax = 0,
        .vmin = 0.0f,
        .vmax = 1.0f,
    };
}

void nn_minmax(const float *v, size_t n, float *lo, float *hi)
{
    int any = 0;
    *lo = *hi = 0.0f;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        if (!any || v[i] < *lo)
            *lo = v[i];
        if (!any || v[i] > *hi)
            *hi = v[i];
        any = 1;
    }
}

int nn_square_side(size_t n, size_t *side, nn_error *err)
{
    size_t r = (size_t)sqrt((double)n);
    while (r * r > n)
        r--;
    while ((r + 1) * (r + 1) <= n)
        r++;
    if (n == 0 || r * r != n)
        return nn_fail(err, NN_ERR_ARG,
                       "the model takes %zu inputs, which is not a square image (28 x 28 = 784)",
                       n);
    *side = r;
    return NN_OK;
}

static int check_style(const nn_render_style *s, nn_error *err)
{
    if (s->scale < 1 || s->scale > MAX_SCALE)
        return nn_fail(err, NN_ERR_ARG, "render: scale %zu is out of range (1-%d)", s->scale,
                       MAX_SCALE);
    if (s->cmap != NN_CMAP_HOT && s->cmap != NN_CMAP_BWR && s->cmap != NN_CMAP_GRAY)
        return nn_fail(err, NN_ERR_ARG, "render: unknown colormap %d", (int)s->cmap);
    if (s->range < NN_RANGE_DATA || s->range > NN_RANGE_LOG)
        return nn_fail(err, NN_ERR_ARG, "render: unknown range mode %d", (int)s->range);
    if ((s->set_vmin && !isfinite(s->vmin)) || (s->set_vmax && !isfinite(s->vmax)))
        return nn_fail(err, NN_ERR_ARG, "render: vmin and vmax must be finite");
    return NN_OK;
}

/* check_style, and the off-diagonal range belongs to a confusion matrix. */
static int check_plain_style(const nn_render_style *s, nn_error *err)
{
    if (s->range == NN_RANGE_OFF_DIAGONAL)
        return nn_fail(err, NN_ERR_ARG, "render: the off-diagonal range needs a confusion "
                                        "matrix");
    return check_style(s, err);
}

static int per_tile(const nn_render_style *s)
{
    return s->range == NN_RANGE_TILE || s->range == NN_RANGE_TILE_SYMMETRIC;
}

/* vmin and vmax for drawing tile (n_tile values) out of all (n_all values),
 * by the style's range, then its fixed limits; fails if vmin > vmax, as
 * matplotlib's Normalize does. */
static int limits(const nn_render_style *s, const float *all, size_t n_all, const float *tile,
                  size_t n_tile, float *lo, float *hi, nn_error *err)
{
    if (per_tile(s))
        nn_minmax(tile, n_tile, lo, hi);
    else
        nn_minmax(all, n_all, lo, hi);
    if (s->range == NN_RANGE_SYMMETRIC || s->range == NN_RANGE_TILE_SYMMETRIC) {
        float m = fmaxf(fabsf(*lo), fabsf(*hi));
        *lo = -m;
        *hi = m;
    }
    if (s->range == NN_RANGE_PROBABILITY) {
        *lo = 0.0f;
        *hi = 1.0f;
    }
    if (s->set_vmin)
        *lo = s->vmin;
    if (s->set_vmax)
        *hi = s->vmax;
    if (*lo > *hi)
        return nn_fail(err, NN_ERR_ARG, "render: vmin %g is above vmax %g", (double)*lo,
                       (double)*hi);
    return NN_OK;
}

/* Where value v falls on the style's scale from lo to hi, 0 to 1 inside it:
 * normalize(v, lo, hi), or log(1 + v - lo) / log(1 + hi - lo) on the
 * logarithmic range. */
static float scale_position(const nn_render_style *s, float v, float lo, float hi)
{
    if (s->range != NN_RANGE_LOG)
        return nn_normalize(v, lo, hi);
    if (!(hi > lo))
        return 0.0f;
    double d = (double)v - (double)lo;
    return (float)(log1p(d > 0.0 ? d : 0.0) / log1p((double)hi - (double)lo));
}

/* Draws a rows x cols array at (x, y), each value a bw x bh block coloured
 * cmap(scale_position(v)). */
static void draw_values(nn_image *img, size_t x, size_t y, const float *v, size_t rows,
                        size_t cols, size_t bw, size_t bh, const nn_render_style *s, float lo,
                        float hi)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            uint8_t rgb[3];
            nn_colormap_rgb(s->cmap, scale_position(s, v[r * cols + c], lo, hi), rgb);
            nn_image_fill_rect(img, x + c * bw, y + r * bh, bw, bh, rgb);
        }
}

/* Draws a rows x cols grey image (values in [0, 1]) resampled to w x h pixels
 * by nearest neighbour. */
static void draw_grey(nn_image *img, size_t x, size_t y, const float *v, size_t rows,
                      size_t cols, size_t w, size_t h)
{
    for (size_t py = 0; py < h; py++)
        for (size_t px = 0; px < w; px++) {
            uint8_t rgb[3];
            nn_colormap_rgb(NN_CMAP_GRAY, v[(py * rows / h) * cols + px * cols / w], rgb);
            nn_image_fill_rect(img, x + px, y + py, 1, 1, rgb);
        }
}

/* An outline of thickness t around the w x h rectangle at (x, y), outside it
 * (callers keep x >= t and y >= t). */
static void frame(nn_image *img, size_t x, size_t y, size_t w, size_t h, size_t t,
                  const uint8_t rgb[3])
{
    nn_image_fill_rect(img, x - t, y - t, w + 2 * t, t, rgb);
    nn_image_fill_rect(img, x - t, y + h, w + 2 * t, t, rgb);
    nn_image_fill_rect(img, x - t, y, t, h, rgb);
    nn_image_fill_rect(img, x + w, y, t, h, rgb);
}

/* Width and height of text's visible pixels (the font's cell minus its spacing). */
static size_t text_w(const char *text, size_t fs)
{
    size_t w = nn_text_width(text, fs);
    return w > fs ? w - fs : 0;
}

static size_t text_h(size_t fs)
{
    return 7 * fs;
}

/* Text centred in the w x h box at (x, y) (left-aligned if it is wider). */
static void text_centered(nn_image *img, size_t x, size_t y, size_t w, size_t h,
                          const char *text, size_t fs, const uint8_t rgb[3])
{
    size_t tw = text_w(text, fs), th = text_h(fs);
    nn_image_draw_text(img, tw < w ? x + (w - tw) / 2 : x, th < h ? y + (h - th) / 2 : y, text,
                       fs, rgb);
}

/* Text whose right edge is at x, vertically centred in h pixels from y. */
static void text_right(nn_image *img, size_t x, size_t y, size_t h, const char *text, size_t fs,
                       const uint8_t rgb[3])
{
    size_t tw = text_w(text, fs), th = text_h(fs);
    nn_image_draw_text(img, tw < x ? x - tw : 0, th < h ? y + (h - th) / 2 : y, text, fs, rgb);
}

/* What a colour bar says: the values at its ends (and at its middle on the
 * logarithmic range), and a caption naming the scale.  A scale per tile has
 * no single bar: its key is the caption alone. */
typedef struct key {
    int bar, log;
    char lo[32], mid[32], hi[32];
    char caption[96];
} key;

/* The caption of style s's scale, whose ends are lo and hi. */
static void key_caption(const nn_render_style *s, float lo, float hi, char *out, size_t len)
{
    if (s->set_vmin || s->set_vmax) {
        snprintf(out, len, "fixed scale %.4g to %.4g%s", (double)lo, (double)hi,
                 s->range == NN_RANGE_LOG ? ", logarithmic" : "");
        return;
    }
    const char *c = "";
    switch (s->range) {
    case NN_RANGE_DATA: c = "smallest to largest value drawn"; break;
    case NN_RANGE_SYMMETRIC: c = "-m to +m, m the largest |value| drawn"; break;
    case NN_RANGE_TILE: c = "each row: its smallest to its largest value"; break;
    case NN_RANGE_TILE_SYMMETRIC: c = "each row: -m to +m, m its largest |value|"; break;
    case NN_RANGE_PROBABILITY: c = "probability, fixed scale 0 to 1"; break;
    case NN_RANGE_OFF_DIAGONAL: c = "0 to the largest error, clipped"; break;
    case NN_RANGE_LOG:
        if (lo != 0.0f) {
            snprintf(out, len, "logarithmic: log(1 + count - %.4g)", (double)lo);
            return;
        }
        c = "logarithmic: log(1 + count)";
        break;
    }
    snprintf(out, len, "%s", c);
}

/* The key of style s drawn from lo to hi. */
static key make_key(const nn_render_style *s, float lo, float hi)
{
    key k;
    k.bar = !per_tile(s);
    k.log = s->range == NN_RANGE_LOG && hi > lo;
    snprintf(k.lo, sizeof k.lo, "%.4g", (double)lo);
    snprintf(k.hi, sizeof k.hi, "%.4g", (double)hi);
    /* the middle of a logarithmic bar: lo + exp(log(1 + hi - lo) / 2) - 1 */
    double mid = (double)lo + expm1(0.5 * log1p((double)hi - (double)lo));
    snprintf(k.mid, sizeof k.mid, "%.3g", k.log ? mid : 0.0);
    key_caption(s, lo, hi, k.caption, sizeof k.caption);
    return k;
}

/* The narrowest key whose labels do not meet and whose caption fits. */
static size_t key_min_width(const key *k, size_t fs)
{
    size_t labels = text_w(k->lo, fs) + text_w(k->hi, fs) + 12 * fs;
    if (k->log)
        labels += text_w(k->mid, fs) + 12 * fs;
    return max_sz(k->bar ? labels : 0, text_w(k->caption, fs));
}

/* Height of a key of bar height h with its labels and caption. */
static size_t key_height(const key *k, size_t h, size_t fs)
{
    size_t caption = text_h(fs);
    return k->bar ? h + 2 * max_sz(2, fs * 3) + text_h(fs) + caption : caption;
}

/* A key of w pixels at (x, y): a horizontal colour bar of w x h whose column i
 * shows cmap(i / (w - 1)), the value at its left end under that end, the
 * value at its right end under that, the caption below. */
static void draw_key(nn_image *img, size_t x, size_t y, size_t w, size_t h, nn_colormap cmap,
                     const key *k, size_t fs)
{
    if (!k->bar) {
        nn_image_draw_text(img, x, y, k->caption, fs, DIM);
        return;
    }
    for (size_t i = 0; i < w; i++) {
        uint8_t rgb[3];
        nn_colormap_rgb(cmap, w > 1 ? (float)i / (float)(w - 1) : 0.0f, rgb);
        nn_image_fill_rect(img, x + i, y, 1, h, rgb);
    }
    frame(img, x, y, w, h, 1, GRID);
    size_t ty = y + h + max_sz(2, fs * 3);
    nn_image_draw_text(img, x, ty, k->lo, fs, DIM);
    if (k->log)
        text_centered(img, x, ty, w, text_h(fs), k->mid, fs, DIM);
    size_t hw = text_w(k->hi, fs);
    nn_image_draw_text(img, x + w > hw ? x + w - hw : 0, ty, k->hi, fs, DIM);
    nn_image_draw_text(img, x, ty + text_h(fs) + max_sz(2, fs * 3), k->caption, fs, DIM);
}

/* Black or white, whichever stands out on a cell of colour rgb: black where
 * the cell's luma (ITU-R BT.601) is above half. */
static const uint8_t *ink_on(const uint8_t rgb[3])
{
    return 299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] > 128000 ? BLACK : WHITE;
}

/* The text of value v written in a w x h cell: the most decimals (3, 2, then
 * 1) whose text leaves two pixels each side, a leading "0" dropped (".260"),
 * at the largest font scale up to max(1, h / 32) that fits.  Returns the font
 * scale, or 0 (and "") when nothing fits. */
static size_t cell_value_text(float v, size_t w, size_t h, char *buf, size_t len)
{
    for (size_t fs = max_sz(1, h / 32); fs >= 1; fs--) {
        if (text_h(fs) + 4 > h)
            continue;
        for (int d = 3; d >= 1; d--) {
            char t[48];
            snprintf(t, sizeof t, "%.*f", d, (double)v);
            const char *s = t;
            if (strncmp(t, "0.", 2) == 0)
                s = t + 1;
            else if (strncmp(t, "-0.", 3) == 0)
                t[1] = '-', s = t + 1;
            if (text_w(s, fs) + 4 <= w) {
                snprintf(buf, len, "%s", s);
                return fs;
            }
        }
    }
    buf[0] = 0;
    return 0;
}

/* Value v written in the cell of w x h at (x, y) coloured rgb, if it fits. */
static void cell_value(nn_image *img, size_t x, size_t y, size_t w, size_t h, float v,
                       const uint8_t rgb[3])
{
    char t[48];
    size_t fs = cell_value_text(v, w, h, t, sizeof t);
    if (fs)
        text_centered(img, x, y, w, h, t, fs, ink_on(rgb));
}

/* Creates the picture's canvas filled with the background. */
static int canvas(nn_image *img, size_t w, size_t h, nn_error *err)
{
    int rc = nn_image_create(img, w, h, 3, err);
    if (rc == NN_OK)
        nn_image_fill_rect(img, 0, 0, w, h, BG);
    return rc;
}

int nn_render_heatmap(nn_image *img, const float *v, size_t rows, size_t cols,
                      const nn_render_style *s, nn_error *err)
{
    memset(img, 0, sizeof *img);
    int rc = check_plain_style(s, err);
    if (rc)
        return rc;
    if ((rc = nn_image_create(img, mul_sat(cols, s->scale), mul_sat(rows, s->scale), 3, err)))
        return rc;
    for (size_t r = 0; r < rows; r++) {
        float lo, hi;
        if ((rc = limits(s, v, rows * cols, v + r * cols, cols, &lo, &hi, err))) {
            nn_image_free(img);
            return rc;
        }
        draw_values(img, 0, r * s->scale, v + r * cols, 1, cols, s->scale, s->scale, s, lo,
                    hi);
    }
    return NN_OK;
}

/* Where a strip's parts go: the cells at (M, M), the class numbers under
 * them, the key under those. */
typedef struct strip_layout {
    size_t S, fs, M, gap, th, cells_w, key_w, bar_h, y_nums, y_key, width, height;
} strip_layout;

static strip_layout strip_geometry(size_t n, const nn_render_style *s, const key *k)
{
    strip_layout g;
    g.S = s->scale;
    g.fs = max_sz(1, g.S / 32);
    g.M = max_sz(6, g.S / 4);
    g.gap = max_sz(3, g.S / 8);
    g.th = text_h(g.fs);
    g.cells_w = mul_sat(n, g.S);
    g.key_w = max_sz(g.cells_w, key_min_width(k, g.fs));
    g.bar_h = max_sz(4, g.S / 4);
    g.y_nums = add_sat(g.M, g.S + g.gap);
    g.y_key = add_sat(g.y_nums, g.th + g.gap + g.gap);
    g.width = add_sat(g.key_w, 2 * g.M);
    g.height = add_sat(g.y_key, key_height(k, g.bar_h, g.fs) + g.M);
    return g;
}

int nn_render_strip(nn_image *img, const float *probs, size_t n, const nn_render_style *s,
                    nn_error *err)
{
    memset(img, 0, sizeof *img);
    int rc = check_plain_style(s, err);
    if (rc)
        return rc;
    if (n == 0 || n > 1000)
        return nn_fail(err, NN_ERR_ARG, "render: a strip of %zu values (1-1000)", n);
    float lo, hi;
    if ((rc = limits(s, probs, n, probs, n, &lo, &hi, err)))
        return rc;
    key k = make_key(s, lo, hi);
    k.bar = 1; /* one row: its own range is the whole picture's */
    strip_layout g = strip_geometry(n, s, &k);
    if ((rc = canvas(img, g.width, g.height, err)))
        return rc;
    frame(img, g.M, g.M, g.cells_w, g.S, 1, GRID);
    for (size_t c = 0; c < n; c++) {
        size_t x = g.M + c * g.S;
        uint8_t rgb[3];
        nn_colormap_rgb(s->cmap, scale_position(s, probs[c], lo, hi), rgb);
        nn_image_fill_rect(img, x, g.M, g.S, g.S, rgb);
        cell_value(img, x, g.M, g.S, g.S, probs[c], rgb);
        char t[24];
        snprintf(t, sizeof t, "%zu", c);
        text_centered(img, x, g.y_nums, g.S, g.th, t, g.fs, TEXT);
    }
    draw_key(img, g.M, g.y_key, g.key_w, g.bar_h, s->cmap, &k, g.fs);
    return NN_OK;
}

/* Number of decimal digits of v. */
static size_t n_digits(size_t v)
{
    size_t n = 1;
    while (v >= 10)
        v /= 10, n++;
    return n;
}

/* The arguments of a poster that the layout relies on. */
static int check_poster(const nn_poster *p, nn_error *err)
{
    size_t C = p->n_classes, N = p->n;
    if (N == 0 || C == 0 || C > 100)
        return nn_fail(err, NN_ERR_ARG, "render: a poster needs 1 or more rows of 1-100 classes");
    if (p->inputs && (p->in_rows == 0 || p->in_cols == 0 || p->in_rows > NN_IMAGE_MAX_SIDE ||
                      p->in_cols > NN_IMAGE_MAX_SIDE))
        return nn_fail(err, NN_ERR_ARG, "render: input images of %zu x %zu", p->in_rows,
                       p->in_cols);
    if (N > NN_IMAGE_MAX_SIDE)
        return nn_fail(err, NN_ERR_ARG, "render: %zu rows do not fit in one picture", N);
    for (size_t i = 0; p->labels && i < N; i++)
        if (p->labels[i] >= (int)C)
            return nn_fail(err, NN_ERR_ARG, "render: label %d of row %zu is not a class (0-%zu)",
                           p->labels[i], i, C - 1);
    return NN_OK;
}

/* Where a poster's parts go.  S is the cell side, fs the font scale, line
 * the grid lines (also the predicted frame), M the outer margin.  Columns
 * from the left: sample number, input image, cells, true class; the colour
 * bar under the cells. */
typedef struct poster_layout {
    size_t S, fs, line, M, gap, rowgap, th;
    size_t idx_w, in_w, true_w, cells_w, bar_w, bar_h; /* widths (bar_h: the bar's height) */
    size_t x_index, x_input, x_cells, x_true;          /* left edges of the columns */
    size_t y_rows, y_bar;                              /* tops of the rows and of the bar */
    size_t width, height;
} poster_layout;

/* The layout of poster p in style s with key k. */
static poster_layout poster_geometry(const nn_poster *p, const nn_render_style *s, const key *k)
{
    poster_layout g;
    size_t C = p->n_classes, N = p->n;
    g.S = s->scale;
    g.fs = max_sz(1, g.S / 16);
    g.line = max_sz(1, g.S / 16);
    g.M = max_sz(6, g.S / 2);
    g.gap = max_sz(3, g.M / 2);
    g.rowgap = max_sz(2, g.S / 8);
    g.th = text_h(g.fs);
    size_t max_index = 0;
    for (size_t i = 0; p->index && i < N; i++)
        max_index = max_sz(max_index, p->index[i]);
    g.idx_w = p->index ? mul_sat(6 * g.fs, 1 + n_digits(max_index)) : 0;
    g.in_w = p->inputs ? max_sz(g.S, text_w("in", g.fs)) : 0;
    g.true_w = max_sz(text_w("true", g.fs), mul_sat(6 * g.fs, n_digits(C - 1))) + 6 * g.fs;
    g.cells_w = mul_sat(C, add_sat(g.S, g.line)) - g.line;
    g.bar_w = max_sz(g.cells_w, key_min_width(k, g.fs));
    g.x_index = g.M;
    g.x_input = p->index ? add_sat(g.M, g.idx_w + g.gap) : g.M;
    g.x_cells = add_sat(g.x_input, (p->inputs ? g.in_w + g.gap : 0) + g.line);
    g.x_true = add_sat(g.x_cells, g.cells_w + g.line + g.gap);
    g.width = max_sz(p->labels ? add_sat(g.x_true, g.true_w) : g.x_cells + g.cells_w + g.line,
                     add_sat(g.x_cells, g.bar_w));
    g.width = add_sat(g.width, g.M);
    g.y_rows = g.M + g.th + g.gap + g.line;
    size_t rows_h = mul_sat(N, add_sat(g.S, g.rowgap)) - g.rowgap;
    g.bar_h = max_sz(4, g.S / 4);
    g.y_bar = add_sat(g.y_rows, rows_h + g.line + g.gap);
    g.height = add_sat(g.y_bar, key_height(k, g.bar_h, g.fs) + g.M);
    return g;
}

/* The header: class numbers over the cells, column titles. */
static void poster_header(nn_image *img, const nn_poster *p, const poster_layout *g)
{
    for (size_t c = 0; c < p->n_classes; c++) {
        char t[24];
        snprintf(t, sizeof t, "%zu", c);
        text_centered(img, g->x_cells + c * (g->S + g->line), g->M, g->S, g->th, t, g->fs, TEXT);
    }
    if (p->index)
        text_right(img, g->x_index + g->idx_w, g->M, g->th, "#", g->fs, DIM);
    if (p->inputs)
        text_centered(img, g->x_input, g->M, g->in_w, g->th, "in", g->fs, DIM);
    if (p->labels)
        text_centered(img, g->x_true, g->M, g->true_w, g->th, "true", g->fs, DIM);
}

/* Row i: sample number, input image, the cells coloured between lo and hi
 * with a frame on the predicted class, and the true class. */
static void poster_row(nn_image *img, const nn_poster *p, const nn_render_style *s,
                       const poster_layout *g, size_t i, float lo, float hi)
{
    size_t C = p->n_classes, S = g->S, line = g->line, pred;
    const float *pr = p->probs + i * C;
    size_t y = g->y_rows + i * (S + g->rowgap);
    nn_argmax_rows(&pred, pr, 1, C);
    if (p->index) {
        char t[32];
        snprintf(t, sizeof t, "#%zu", p->index[i]);
        text_right(img, g->x_index + g->idx_w, y, S, t, g->fs, DIM);
    }
    if (p->inputs) {
        size_t x = g->x_input + (g->in_w - S) / 2;
        draw_grey(img, x, y, p->inputs + i * p->in_rows * p->in_cols, p->in_rows, p->in_cols, S,
                  S);
        frame(img, x, y, S, S, 1, GRID);
    }
    /* The cells on a grid-coloured tray: the gaps become grid lines. */
    nn_image_fill_rect(img, g->x_cells - line, y - line, g->cells_w + 2 * line, S + 2 * line,
                       GRID);
    frame(img, g->x_cells + pred * (S + line), y, S, S, line, MARK);
    for (size_t c = 0; c < C; c++) {
        size_t x = g->x_cells + c * (S + line);
        uint8_t rgb[3];
        nn_colormap_rgb(s->cmap, scale_position(s, pr[c], lo, hi), rgb);
        nn_image_fill_rect(img, x, y, S, S, rgb);
        cell_value(img, x, y, S, S, pr[c], rgb);
    }
    if (p->labels && p->labels[i] >= 0) {
        char t[16];
        snprintf(t, sizeof t, "%d", p->labels[i]);
        if ((size_t)p->labels[i] != pred) {
            nn_image_fill_rect(img, g->x_true, y, g->true_w, S, WRONG);
            text_centered(img, g->x_true, y, g->true_w, S, t, g->fs, WHITE);
        } else {
            text_centered(img, g->x_true, y, g->true_w, S, t, g->fs, RIGHT);
        }
    }
}

int nn_render_poster(nn_image *img, const nn_poster *p, const nn_render_style *s,
                     nn_error *err)
{
    memset(img, 0, sizeof *img);
    int rc = check_plain_style(s, err);
    if (rc == NN_OK)
        rc = check_poster(p, err);
    if (rc)
        return rc;
    size_t C = p->n_classes, N = p->n;
    float glo = 0.0f, ghi = 0.0f; /* the colour bar's scale */
    if (!per_tile(s) && (rc = limits(s, p->probs, N * C, p->probs, N * C, &glo, &ghi, err)))
        return rc;
    key k = make_key(s, glo, ghi);
    poster_layout g = poster_geometry(p, s, &k);
    if ((rc = canvas(img, g.width, g.height, err)))
        return rc;
    poster_header(img, p, &g);
    for (size_t i = 0; i < N; i++) {
        float lo, hi;
        if ((rc = limits(s, p->probs, N * C, p->probs + i * C, C, &lo, &hi, err))) {
            nn_image_free(img);
            return rc;
        }
        poster_row(img, p, s, &g, i, lo, hi);
    }
    draw_key(img, g.x_cells, g.y_bar, g.bar_w, g.bar_h, s->cmap, &k, g.fs);
    return NN_OK;
}

int nn_render_tiles(nn_image *img, const nn_tiles *t, const nn_render_style *s, nn_error *err)
{
    memset(img, 0, sizeof *img);
    int rc = check_plain_style(s, err);
    if (rc)
        return rc;
    if (t->n == 0 || t->rows == 0 || t->cols == 0 || t->rows > NN_IMAGE_MAX_SIDE ||
        t->cols > NN_IMAGE_MAX_SIDE || t->n > NN_IMAGE_MAX_SIDE)
        return nn_fail(err, NN_ERR_ARG, "render: %zu tiles of %zu x %zu", t->n, t->rows,
                       t->cols);
    size_t cols = t->columns;
    if (cols == 0) {
        cols = t->n;
        if (t->n > 10)
            while ((cols - 1) * (cols - 1) >= t->n)
                cols--;
    }
    if (cols > t->n)
        cols = t->n;
    size_t grid_rows = (t->n + cols - 1) / cols;
    /* Geometry: each tile sits centred in a slot wide enough for its label. */
    const size_t tw = mul_sat(t->cols, s->scale), th = mul_sat(t->rows, s->scale);
    const size_t fs = max_sz(1, tw / 100), M = max_sz(8, tw / 8), gap = max_sz(6, tw / 10);
    const size_t label_h = t->labels ? text_h(fs) + max_sz(3, fs * 3) : 0;
    size_t slot = tw;
    for (size_t i = 0; t->labels && i < t->n; i++)
        slot = max_sz(slot, text_w(t->labels[i], fs));
    size_t width = add_sat(mul_sat(cols, add_sat(slot, gap)) - gap, 2 * M);
    size_t height = add_sat(mul_sat(grid_rows, add_sat(add_sat(th, label_h), gap)) - gap, 2 * M);
    if ((rc = canvas(img, width, height, err)))
        return rc;
    size_t per = t->rows * t->cols;
    for (size_t i = 0; i < t->n; i++) {
        size_t x = M + (i % cols) * (slot + gap), y = M + (i / cols) * (th + label_h + gap);
        const float *v = t->v + i * per;
        float lo, hi;
        if ((rc = limits(s, t->v, t->n * per, v, per, &lo, &hi, err))) {
            nn_image_free(img);
            return rc;
        }
        if (t->labels)
            text_centered(img, x, y, slot, text_h(fs), t->labels[i], fs, TEXT);
        x += (slot - tw) / 2;
        frame(img, x, y + label_h, tw, th, 1, GRID);
        draw_values(img, x, y + label_h, v, t->rows, t->cols, s->scale, s->scale, s, lo, hi);
    }
    return NN_OK;
}

/* Where a confusion matrix's parts go.  S is the cell side; counts are
 * written in the largest font scale fc that fits the widest count in a cell,
 * axis text in fa.  "true" runs down the left, one letter under the other,
 * then the class numbers, the grid; "predicted" and the class numbers
 * above; the colour bar below. */
typedef struct confusion_layout {
    size_t S, line, fa, fc, M, gap, tha;
    size_t num_w, grid, bar_w, bar_h;      /* widths (bar_h: the bar's height) */
    size_t x_true, x_nums, x_grid;         /* left edges */
    size_t y_title, y_nums, y_grid, y_bar; /* tops */
    size_t width, height;
} confusion_layout;

/* The layout of a C x C matrix whose largest count is most, in style s,
 * with key k. */
static confusion_layout confusion_geometry(size_t C, size_t most, const nn_render_style *s,
                                           const key *k)
{
    confusion_layout g;
    g.S = s->scale;
    g.line = max_sz(1, g.S / 32);
    g.fa = max_sz(1, g.S / 20);
    g.M = max_sz(8, g.S / 2);
    g.gap = max_sz(4, g.S / 5);
    g.tha = text_h(g.fa);
    char widest[32];
    snprintf(widest, sizeof widest, "%zu", most);
    g.fc = max_sz(1, g.S / 16);
    while (g.fc > 1 && text_w(widest, g.fc) + 4 > g.S)
        g.fc--;
    g.num_w = mul_sat(6 * g.fa, n_digits(C - 1));
    g.x_true = g.M;
    g.x_nums = g.M + 6 * g.fa + 2 * g.gap;
    g.x_grid = add_sat(g.x_nums, g.num_w + g.gap + g.line);
    g.y_title = g.M;
    g.y_nums = g.M + g.tha + g.gap;
    g.y_grid = g.y_nums + g.tha + g.gap + g.line;
    g.grid = mul_sat(C, add_sat(g.S, g.line)) - g.line;
    g.bar_w = max_sz(g.grid, key_min_width(k, g.fa));
    g.bar_h = max_sz(4, g.S / 4);
    g.y_bar = add_sat(g.y_grid, g.grid + g.line + g.gap);
    size_t right = max_sz(max_sz(g.grid + g.line, text_w("predicted", g.fa)), g.bar_w);
    g.width = add_sat(g.x_grid, right);
    g.width = add_sat(g.width, g.M);
    g.height = add_sat(g.y_bar, key_height(k, g.bar_h, g.fa) + g.M);
    g.height = max_sz(g.height, add_sat(g.y_grid, 4 * 8 * g.fa + g.M));
    return g;
}

/* The axis titles, "predicted" over the grid and "true" down its left, and
 * the grid-coloured tray under the cells. */
static void confusion_titles(nn_image *img, const confusion_layout *g)
{
    size_t fa = g->fa;
    text_centered(img, g->x_grid, g->y_title, g->grid, g->tha, "predicted", fa, DIM);
    const char *vert = "true";
    size_t vy = g->y_grid + (g->grid > 4 * 8 * fa ? (g->grid - 4 * 8 * fa) / 2 : 0);
    for (size_t k = 0; vert[k]; k++) {
        char ch[2] = {vert[k], 0};
        text_centered(img, g->x_true, vy + k * 8 * fa, 5 * fa, g->tha, ch, fa, DIM);
    }
    nn_image_fill_rect(img, g->x_grid - g->line, g->y_grid - g->line, g->grid + 2 * g->line,
                       g->grid + 2 * g->line, GRID);
}

/* True class t: its number above its column and left of its row, and its
 * row of cells (v as floats, counts as written) coloured between lo and hi
 * in style s, each with its count in black on light cells and white on dark
 * ones. */
static void confusion_row(nn_image *img, const confusion_layout *g, const float *v,
                          const size_t *counts, size_t C, size_t t, const nn_render_style *s,
                          float lo, float hi)
{
    size_t S = g->S, line = g->line;
    char num[32];
    snprintf(num, sizeof num, "%zu", t);
    text_centered(img, g->x_grid + t * (S + line), g->y_nums, S, g->tha, num, g->fa, TEXT);
    text_right(img, g->x_nums + g->num_w, g->y_grid + t * (S + line), S, num, g->fa, TEXT);
    for (size_t p = 0; p < C; p++) {
        size_t x = g->x_grid + p * (S + line), y = g->y_grid + t * (S + line);
        uint8_t rgb[3];
        nn_colormap_rgb(s->cmap, scale_position(s, v[t * C + p], lo, hi), rgb);
        nn_image_fill_rect(img, x, y, S, S, rgb);
        snprintf(num, sizeof num, "%zu", counts[t * C + p]);
        text_centered(img, x, y, S, S, num, g->fc, ink_on(rgb));
    }
}

/* The style the cells of matrix v are drawn in: s, with the off-diagonal
 * range turned into fixed limits from 0 to the largest count off the
 * diagonal (at least 1, so that a matrix without errors still shows its
 * diagonal), unless --vmin or --vmax fixed them already. */
static nn_render_style cell_style(const nn_render_style *s, const float *v, size_t C)
{
    nn_render_style d = *s;
    if (s->range != NN_RANGE_OFF_DIAGONAL)
        return d;
    float off = 1.0f;
    for (size_t t = 0; t < C; t++)
        for (size_t p = 0; p < C; p++)
            if (p != t && v[t * C + p] > off)
                off = v[t * C + p];
    d.range = NN_RANGE_DATA;
    if (!d.set_vmin)
        d.set_vmin = 1, d.vmin = 0.0f;
    if (!d.set_vmax)
        d.set_vmax = 1, d.vmax = off;
    return d;
}

/* Draws the matrix of counts, also given as floats in v, onto a new canvas. */
static int confusion_draw(nn_image *img, const float *v, const size_t *counts, size_t C,
                          size_t most, const nn_render_style *s, nn_error *err)
{
    nn_render_style d = cell_style(s, v, C);
    float glo = 0.0f, ghi = 0.0f; /* the colour bar's scale */
    int rc;
    if (!per_tile(&d) && (rc = limits(&d, v, C * C, v, C * C, &glo, &ghi, err)))
        return rc;
    key k = make_key(s, glo, ghi);
    confusion_layout g = confusion_geometry(C, most, s, &k);
    if ((rc = canvas(img, g.width, g.height, err)))
        return rc;
    confusion_titles(img, &g);
    for (size_t t = 0; t < C; t++) {
        float lo, hi;
        if ((rc = limits(&d, v, C * C, v + t * C, C, &lo, &hi, err))) {
            nn_image_free(img);
            return rc;
        }
        confusion_row(img, &g, v, counts, C, t, &d, lo, hi);
    }
    draw_key(img, g.x_grid, g.y_bar, g.bar_w, g.bar_h, s->cmap, &k, g.fa);
    return NN_OK;
}

int nn_render_confusion(nn_image *img, const size_t *counts, size_t C, const nn_render_style *s,
                        nn_error *err)
{
    memset(img, 0, sizeof *img);
    int rc = check_style(s, err);
    if (rc)
        return rc;
    if (C == 0 || C > 256)
        return nn_fail(err, NN_ERR_ARG, "render: a confusion matrix of %zu classes", C);
    float *v = nni_alloc(C * C, sizeof *v); /* C <= 256: C * C does not overflow */
    if (!v)
        return nn_fail(err, NN_ERR_NOMEM, "render: out of memory");
    size_t most = 0;
    for (size_t i = 0; i < C * C; i++) {
        v[i] = (float)counts[i];
        most = max_sz(most, counts[i]);
    }
    rc = confusion_draw(img, v, counts, C, most, s, err);
    free(v);
    return rc;
}
