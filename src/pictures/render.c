/* render.c - laying out nnart's pictures (see nn_render.h).
 *
 * Sizes are computed with saturating arithmetic: an impossible layout becomes
 * an image too large for nn_image_create, which refuses it with a message. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t mul_sat(size_t a, size_t b)
{
    return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

static size_t max_sz(size_t a, size_t b)
{
    return a > b ? a : b;
}

void nn_render_style_default(nn_render_style *s, size_t scale)
{
    s->cmap = NN_CMAP_HOT;
    s->scale = scale;
    s->range = NN_RANGE_DATA;
    s->set_vmin = s->set_vmax = 0;
    s->vmin = 0.0f;
    s->vmax = 1.0f;
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
    if (s->range != NN_RANGE_DATA && s->range != NN_RANGE_SYMMETRIC &&
        s->range != NN_RANGE_TILE && s->range != NN_RANGE_TILE_SYMMETRIC)
        return nn_fail(err, NN_ERR_ARG, "render: unknown range mode %d", (int)s->range);
    if ((s->set_vmin && !isfinite(s->vmin)) || (s->set_vmax && !isfinite(s->vmax)))
        return nn_fail(err, NN_ERR_ARG, "render: vmin and vmax must be finite");
    return NN_OK;
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
    if (s->set_vmin)
        *lo = s->vmin;
    if (s->set_vmax)
        *hi = s->vmax;
    if (*lo > *hi)
        return nn_fail(err, NN_ERR_ARG, "render: vmin %g is above vmax %g", (double)*lo,
                       (double)*hi);
    return NN_OK;
}

/* Draws a rows x cols array at (x, y), each value a bw x bh block coloured
 * cmap(normalize(v, lo, hi)). */
static void draw_values(nn_image *img, size_t x, size_t y, const float *v, size_t rows,
                        size_t cols, size_t bw, size_t bh, nn_colormap cmap, float lo, float hi)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            uint8_t rgb[3];
            nn_colormap_rgb(cmap, nn_normalize(v[r * cols + c], lo, hi), rgb);
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

/* The labels of a colour bar: vmin and vmax. */
static void bar_labels(float lo, float hi, char a[32], char b[32])
{
    snprintf(a, 32, "%.4g", (double)lo);
    snprintf(b, 32, "%.4g", (double)hi);
}

/* The narrowest colour bar whose two labels do not meet. */
static size_t bar_min_width(float lo, float hi, size_t fs)
{
    char a[32], b[32];
    bar_labels(lo, hi, a, b);
    return text_w(a, fs) + text_w(b, fs) + 12 * fs;
}

/* Height of a colour bar of bar height h with its labels. */
static size_t bar_height(size_t h, size_t fs)
{
    return h + max_sz(2, fs * 3) + text_h(fs);
}

/* A horizontal colour bar of w x h at (x, y): column i shows cmap(i / (w - 1)),
 * with vmin written under its left end and vmax under its right end. */
static void colour_bar(nn_image *img, size_t x, size_t y, size_t w, size_t h, nn_colormap cmap,
                       float lo, float hi, size_t fs)
{
    for (size_t i = 0; i < w; i++) {
        uint8_t rgb[3];
        nn_colormap_rgb(cmap, w > 1 ? (float)i / (float)(w - 1) : 0.0f, rgb);
        nn_image_fill_rect(img, x + i, y, 1, h, rgb);
    }
    frame(img, x, y, w, h, 1, GRID);
    char a[32], b[32];
    bar_labels(lo, hi, a, b);
    size_t ty = y + h + max_sz(2, fs * 3);
    nn_image_draw_text(img, x, ty, a, fs, DIM);
    nn_image_draw_text(img, x + w > text_w(b, fs) ? x + w - text_w(b, fs) : 0, ty, b, fs, DIM);
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
    int rc = check_style(s, err);
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
        draw_values(img, 0, r * s->scale, v + r * cols, 1, cols, s->scale, s->scale, s->cmap,
                    lo, hi);
    }
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

int nn_render_poster(nn_image *img, const nn_poster *p, const nn_render_style *s,
                     nn_error *err)
{
    memset(img, 0, sizeof *img);
    int rc = check_style(s, err);
    if (rc)
        return rc;
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
    float glo = 0.0f, ghi = 0.0f; /* the colour bar's scale */
    if (!per_tile(s) && (rc = limits(s, p->probs, N * C, p->probs, N * C, &glo, &ghi, err)))
        return rc;

    /* Geometry: S the cell side, fs the font scale, line the grid lines
     * (also the predicted frame), M the outer margin.  Columns from the left:
     * sample number, input image, cells, true class; the colour bar under the
     * cells. */
    const size_t S = s->scale, fs = max_sz(1, S / 16), line = max_sz(1, S / 16);
    const size_t M = max_sz(6, S / 2), gap = max_sz(3, M / 2), rowgap = max_sz(2, S / 8);
    const size_t th = text_h(fs);
    size_t max_index = 0;
    for (size_t i = 0; p->index && i < N; i++)
        max_index = max_sz(max_index, p->index[i]);
    size_t idx_w = p->index ? mul_sat(6 * fs, 1 + n_digits(max_index)) : 0;
    size_t in_w = p->inputs ? max_sz(S, text_w("in", fs)) : 0;
    size_t true_w = max_sz(text_w("true", fs), mul_sat(6 * fs, n_digits(C - 1))) + 6 * fs;
    size_t cells_w = mul_sat(C, add_sat(S, line)) - line;
    size_t bar_w = per_tile(s) ? 0 : max_sz(cells_w, bar_min_width(glo, ghi, fs));
    size_t x_index = M, x_input = p->index ? add_sat(M, idx_w + gap) : M;
    size_t x_cells = add_sat(x_input, (p->inputs ? in_w + gap : 0) + line);
    size_t x_true = add_sat(x_cells, cells_w + line + gap);
    size_t width = max_sz(p->labels ? add_sat(x_true, true_w) : x_cells + cells_w + line,
                          add_sat(x_cells, bar_w));
    width = add_sat(width, M);
    size_t y_rows = M + th + gap + line;
    size_t rows_h = mul_sat(N, add_sat(S, rowgap)) - rowgap;
    size_t bar_h = max_sz(4, S / 4), y_bar = add_sat(y_rows, rows_h + line + gap);
    size_t height = per_tile(s) ? add_sat(y_rows, rows_h + line + M)
                                : add_sat(y_bar, bar_height(bar_h, fs) + M);
    if ((rc = canvas(img, width, height, err)))
        return rc;

    /* Header: class numbers over the cells, column titles. */
    for (size_t c = 0; c < C; c++) {
        char t[24];
        snprintf(t, sizeof t, "%zu", c);
        text_centered(img, x_cells + c * (S + line), M, S, th, t, fs, TEXT);
    }
    if (p->index)
        text_right(img, x_index + idx_w, M, th, "#", fs, DIM);
    if (p->inputs)
        text_centered(img, x_input, M, in_w, th, "in", fs, DIM);
    if (p->labels)
        text_centered(img, x_true, M, true_w, th, "true", fs, DIM);

    for (size_t i = 0; i < N; i++) {
        const float *pr = p->probs + i * C;
        size_t y = y_rows + i * (S + rowgap), pred;
        float lo, hi;
        if ((rc = limits(s, p->probs, N * C, pr, C, &lo, &hi, err))) {
            nn_image_free(img);
            return rc;
        }
        nn_argmax_rows(&pred, pr, 1, C);
        if (p->index) {
            char t[32];
            snprintf(t, sizeof t, "#%zu", p->index[i]);
            text_right(img, x_index + idx_w, y, S, t, fs, DIM);
        }
        if (p->inputs) {
            size_t x = x_input + (in_w - S) / 2;
            draw_grey(img, x, y, p->inputs + i * p->in_rows * p->in_cols, p->in_rows,
                      p->in_cols, S, S);
            frame(img, x, y, S, S, 1, GRID);
        }
        /* The cells on a grid-coloured tray: the gaps become grid lines. */
        nn_image_fill_rect(img, x_cells - line, y - line, cells_w + 2 * line, S + 2 * line, GRID);
        frame(img, x_cells + pred * (S + line), y, S, S, line, MARK);
        for (size_t c = 0; c < C; c++)
            draw_values(img, x_cells + c * (S + line), y, pr + c, 1, 1, S, S, s->cmap, lo, hi);
        if (p->labels && p->labels[i] >= 0) {
            char t[16];
            snprintf(t, sizeof t, "%d", p->labels[i]);
            if ((size_t)p->labels[i] != pred) {
                nn_image_fill_rect(img, x_true, y, true_w, S, WRONG);
                text_centered(img, x_true, y, true_w, S, t, fs, WHITE);
            } else {
                text_centered(img, x_true, y, true_w, S, t, fs, RIGHT);
            }
        }
    }
    if (!per_tile(s))
        colour_bar(img, x_cells, y_bar, bar_w, bar_h, s->cmap, glo, ghi, fs);
    return NN_OK;
}

int nn_render_tiles(nn_image *img, const nn_tiles *t, const nn_render_style *s, nn_error *err)
{
    memset(img, 0, sizeof *img);
    int rc = check_style(s, err);
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
        draw_values(img, x, y + label_h, v, t->rows, t->cols, s->scale, s->scale, s->cmap, lo,
                    hi);
    }
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
    float *v = malloc(C * C * sizeof *v);
    if (!v)
        return nn_fail(err, NN_ERR_NOMEM, "render: out of memory");
    size_t most = 0;
    for (size_t i = 0; i < C * C; i++) {
        v[i] = (float)counts[i];
        most = max_sz(most, counts[i]);
    }
    float glo = 0.0f, ghi = 0.0f; /* the colour bar's scale */
    if (!per_tile(s) && (rc = limits(s, v, C * C, v, C * C, &glo, &ghi, err))) {
        free(v);
        return rc;
    }
    /* Geometry: S the cell side; counts in the largest font scale that fits
     * the widest count in a cell, axis text in fa.  "true" runs down the
     * left, one letter under the other, then the class numbers, the grid;
     * "predicted" and the class numbers above; the colour bar below. */
    const size_t S = s->scale, line = max_sz(1, S / 32), fa = max_sz(1, S / 20);
    const size_t M = max_sz(8, S / 2), gap = max_sz(4, S / 5), tha = text_h(fa);
    char widest[32];
    snprintf(widest, sizeof widest, "%zu", most);
    size_t fc = max_sz(1, S / 16);
    while (fc > 1 && text_w(widest, fc) + 4 > S)
        fc--;
    const size_t num_w = mul_sat(6 * fa, n_digits(C - 1));
    const size_t x_true = M, x_nums = M + 6 * fa + 2 * gap;
    const size_t x_grid = add_sat(x_nums, num_w + gap + line);
    const size_t y_title = M, y_nums = M + tha + gap, y_grid = y_nums + tha + gap + line;
    const size_t grid = mul_sat(C, add_sat(S, line)) - line;
    const size_t bar_w = per_tile(s) ? 0 : max_sz(grid, bar_min_width(glo, ghi, fa));
    const size_t bar_h = max_sz(4, S / 4), y_bar = add_sat(y_grid, grid + line + gap);
    size_t width = add_sat(x_grid, max_sz(max_sz(grid + line, text_w("predicted", fa)), bar_w));
    width = add_sat(width, M);
    size_t height = per_tile(s) ? add_sat(y_grid, grid + line + M)
                                : add_sat(y_bar, bar_height(bar_h, fa) + M);
    height = max_sz(height, add_sat(y_grid, 4 * 8 * fa + M));
    if ((rc = canvas(img, width, height, err))) {
        free(v);
        return rc;
    }
    text_centered(img, x_grid, y_title, grid, tha, "predicted", fa, DIM);
    const char *vert = "true";
    size_t vy = y_grid + (grid > 4 * 8 * fa ? (grid - 4 * 8 * fa) / 2 : 0);
    for (size_t k = 0; vert[k]; k++) {
        char ch[2] = {vert[k], 0};
        text_centered(img, x_true, vy + k * 8 * fa, 5 * fa, tha, ch, fa, DIM);
    }
    nn_image_fill_rect(img, x_grid - line, y_grid - line, grid + 2 * line, grid + 2 * line, GRID);
    for (size_t t = 0; t < C; t++) {
        char num[32];
        snprintf(num, sizeof num, "%zu", t);
        text_centered(img, x_grid + t * (S + line), y_nums, S, tha, num, fa, TEXT);
        text_right(img, x_nums + num_w, y_grid + t * (S + line), S, num, fa, TEXT);
        float lo, hi;
        if ((rc = limits(s, v, C * C, v + t * C, C, &lo, &hi, err))) {
            free(v);
            nn_image_free(img);
            return rc;
        }
        for (size_t p = 0; p < C; p++) {
            size_t x = x_grid + p * (S + line), y = y_grid + t * (S + line);
            uint8_t rgb[3];
            nn_colormap_rgb(s->cmap, nn_normalize(v[t * C + p], lo, hi), rgb);
            nn_image_fill_rect(img, x, y, S, S, rgb);
            /* Text colour by the cell's luma (ITU-R BT.601): dark on light. */
            double luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
            snprintf(num, sizeof num, "%zu", counts[t * C + p]);
            text_centered(img, x, y, S, S, num, fc, luma > 128.0 ? BLACK : WHITE);
        }
    }
    if (!per_tile(s))
        colour_bar(img, x_grid, y_bar, bar_w, bar_h, s->cmap, glo, ghi, fa);
    free(v);
    return NN_OK;
}
