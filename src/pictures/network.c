/* network.c - the whole network for one input (nn_network.h): layout,
 * anti-aliased lines, cells with their values. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_layers.h"
#include "nn_network.h"
#include "nn_render.h"

/* The palette: the dark board of nnart's other pictures. */
static const uint8_t BG[3] = {22, 22, 28};
static const uint8_t TEXT[3] = {230, 230, 230};
static const uint8_t DIM[3] = {150, 150, 160};
static const uint8_t MARK[3] = {0, 200, 255};   /* frame of the predicted class */
static const uint8_t POS[3] = {240, 70, 60};    /* bwr's red, a little lighter */
static const uint8_t NEG[3] = {70, 130, 255};   /* bwr's blue, lighter on the dark board */
static const uint8_t BLACK[3] = {0, 0, 0};

void nn_network_style_default(nn_network_style *s, size_t rows, size_t cols)
{
    *s = (nn_network_style){.scale = 2, .max_units = 16, .rows = rows, .cols = cols};
}

/* ---- drawing ------------------------------------------------------------ */

/* Pixel (x, y) <- (1 - a) pixel + a rgb. */
static void blend(nn_image *img, size_t x, size_t y, const uint8_t rgb[3], float a)
{
    uint8_t *p = img->px + (y * img->width + x) * 3;
    for (int c = 0; c < 3; c++)
        p[c] = (uint8_t)lrintf((1.0f - a) * p[c] + a * rgb[c]);
}

/* An anti-aliased line of the given width from (x0, y0) to (x1, y1), blended
 * with opacity alpha: each pixel is covered by
 *   cov = clamp(width / 2 + 1/2 - d, 0, 1)
 * with d the distance from its centre to the segment (a box filter one pixel
 * wide across the line's edge). */
static void draw_line(nn_image *img, float x0, float y0, float x1, float y1, float width,
                      const uint8_t rgb[3], float alpha)
{
    float r = width / 2.0f + 1.0f;
    float lx = fminf(x0, x1) - r, hx = fmaxf(x0, x1) + r;
    float ly = fminf(y0, y1) - r, hy = fmaxf(y0, y1) + r;
    if (hx < 0 || hy < 0)
        return;
    size_t ax = lx < 0 ? 0 : (size_t)lx, ay = ly < 0 ? 0 : (size_t)ly;
    size_t bx = hx >= (float)img->width ? img->width - 1 : (size_t)hx;
    size_t by = hy >= (float)img->height ? img->height - 1 : (size_t)hy;
    float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (size_t y = ay; y <= by; y++)
        for (size_t x = ax; x <= bx; x++) {
            /* The nearest point of the segment: p0 + t (p1 - p0), t in [0, 1]. */
            float px = (float)x + 0.5f - x0, py = (float)y + 0.5f - y0;
            float t = len2 > 0 ? (px * dx + py * dy) / len2 : 0.0f;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            float ex = px - t * dx, ey = py - t * dy;
            float cov = width / 2.0f + 0.5f - sqrtf(ex * ex + ey * ey);
            if (cov > 0)
                blend(img, x, y, rgb, alpha * (cov > 1 ? 1 : cov));
        }
}

/* Width of text's visible pixels (the font's cell minus its spacing). */
static size_t text_w(const char *text, size_t fs)
{
    size_t w = nn_text_width(text, fs);
    return w > fs ? w - fs : 0;
}

/* Text centred in the w x h box at (x, y). */
static void text_centered(nn_image *img, size_t x, size_t y, size_t w, size_t h,
                          const char *text, size_t fs, const uint8_t rgb[3])
{
    size_t tw = text_w(text, fs), th = 7 * fs;
    nn_image_draw_text(img, tw < w ? x + (w - tw) / 2 : x, th < h ? y + (h - th) / 2 : y, text,
                       fs, rgb);
}

/* A cell of w x h at (x, y) coloured hot(v01) with text written in it, black
 * on light cells and white on dark ones (BT.601 luma above 128). */
static void cell(nn_image *img, size_t x, size_t y, size_t w, size_t h, float v01,
                 const char *text, size_t fs)
{
    uint8_t rgb[3];
    nn_colormap_rgb(NN_CMAP_HOT, v01, rgb);
    nn_image_fill_rect(img, x, y, w, h, rgb);
    int light = 299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] > 128000;
    static const uint8_t WHITE[3] = {255, 255, 255};
    text_centered(img, x, y, w, h, text, fs, light ? BLACK : WHITE);
}

/* ---- what is drawn ------------------------------------------------------ */

/* The geometry, in pixels; column c = 0 is the input, c = 1..L the layers. */
typedef struct layout {
    size_t u, fs;             /* layout unit, font scale */
    size_t tp, tile;          /* pixels per input pixel of a tile, the tile's side */
    size_t digit, pitch;      /* the input image's side, the distance between cells */
    size_t cw, ch, gap;       /* cell width and height, space between columns */
    size_t top, body;         /* y of the first cell row, height of the cell area */
    size_t x_digit, x_tiles;  /* x of the input image, of the tiles */
    size_t x_col[NN_MAX_LAYERS + 1];
    size_t width, height;
} layout;

/* The units drawn of each layer: shown[c][0..n[c]) in increasing order. */
typedef struct selection {
    size_t n[NN_MAX_LAYERS + 1];
    size_t shown[NN_MAX_LAYERS + 1][NN_NETWORK_MAX_UNITS];
    size_t width[NN_MAX_LAYERS + 1];
} selection;

typedef struct ranked {
    float key;
    size_t i;
} ranked;

/* Larger key first, then lower index. */
static int by_key(const void *a, const void *b)
{
    const ranked *p = a, *q = b;
    if (p->key != q->key)
        return p->key < q->key ? 1 : -1;
    return p->i < q->i ? -1 : p->i > q->i;
}

static int by_size(const void *a, const void *b)
{
    size_t p = *(const size_t *)a, q = *(const size_t *)b;
    return p < q ? -1 : p > q;
}

/* The k of the n values with the largest |v| (all of them if n <= k), in
 * increasing order of index; rank is scratch for n entries. */
static size_t strongest(const float *v, size_t n, size_t k, ranked *rank, size_t *out)
{
    for (size_t i = 0; i < n; i++)
        rank[i] = (ranked){isnan(v[i]) ? 0.0f : fabsf(v[i]), i};
    if (n > k)
        qsort(rank, n, sizeof *rank, by_key);
    size_t m = n < k ? n : k;
    for (size_t i = 0; i < m; i++)
        out[i] = rank[i].i;
    qsort(out, m, sizeof *out, by_size);
    return m;
}

static layout geometry(const nn_model *m, const nn_network_style *s, const selection *sel)
{
    layout g = {.u = s->scale, .fs = s->scale};
    size_t u = g.u, side = s->rows > s->cols ? s->rows : s->cols, most = 1;
    g.tp = u * (side < 28 ? (28 + side - 1) / side : 1);
    g.tile = side * g.tp;
    g.digit = 4 * g.tile;
    g.pitch = g.tile + 4 * u > 24 * u ? g.tile + 4 * u : 24 * u;
    g.cw = 40 * u, g.ch = 18 * u, g.gap = 90 * u;
    for (size_t c = 1; c <= m->n_layers; c++)
        most = sel->n[c] > most ? sel->n[c] : most;
    g.body = most * g.pitch > g.digit ? most * g.pitch : g.digit;
    g.top = 12 * u + 10 * u + 12 * u; /* margin, title, column headings */
    g.x_digit = 10 * u;
    g.x_tiles = g.x_digit + g.digit + 30 * u;
    g.x_col[1] = g.x_tiles + g.tile + 4 * u;
    for (size_t c = 2; c <= m->n_layers; c++)
        g.x_col[c] = g.x_col[c - 1] + g.cw + g.gap;
    g.width = g.x_col[m->n_layers] + g.cw + 30 * u;
    g.height = g.top + g.body + 12 * u + 10 * u * (2 + m->n_layers);
    return g;
}

/* y of the top of cell i of n in a column, the column centred on the body. */
static size_t cell_y(const layout *g, size_t i, size_t n)
{
    return g->top + (g->body - n * g->pitch) / 2 + i * g->pitch + (g->pitch - g->ch) / 2;
}

/* The value written in a cell: as many decimals as fit in six characters. */
static void value_text(char *buf, size_t len, float v, int probability)
{
    float a = fabsf(v);
    snprintf(buf, len, probability ? "%.3f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f",
             (double)v);
}

/* A line to draw: from (x0, y0) to (x1, y1), strength s in [0, 1], sign of w. */
typedef struct line {
    float x0, y0, x1, y1, s;
    int positive;
} line;

static int by_strength(const void *a, const void *b)
{
    float p = ((const line *)a)->s, q = ((const line *)b)->s;
    return p < q ? -1 : p > q;
}

/* Draws the n lines, weakest first, each strength relative to the largest:
 * opacity s, width u (0.5 + 2.5 s); lines below 1% are left out. */
static void draw_lines(nn_image *img, line *ln, size_t n, size_t u)
{
    float most = 0.0f;
    for (size_t i = 0; i < n; i++)
        most = ln[i].s > most ? ln[i].s : most;
    for (size_t i = 0; i < n; i++)
        ln[i].s = most > 0 ? ln[i].s / most : 0.0f;
    qsort(ln, n, sizeof *ln, by_strength);
    for (size_t i = 0; i < n; i++)
        if (ln[i].s >= 0.01f)
            draw_line(img, ln[i].x0, ln[i].y0, ln[i].x1, ln[i].y1,
                      (float)u * (0.5f + 2.5f * ln[i].s), ln[i].positive ? POS : NEG, ln[i].s);
}

/* The lines into column c: from the input image for c = 1 (one per unit: the
 * sum of its contributions, z_0 - b_0), else one per pair of drawn units
 * (contribution w_ok a_k of layer c - 1's unit k to layer c's unit o). */
static void connections(nn_image *img, const nn_model *m, const nn_work *w, const layout *g,
                        const selection *sel, size_t c, line *ln)
{
    size_t n = 0, nk = sel->n[c - 1], no = sel->n[c];
    float ux = (float)g->u;
    for (size_t j = 0; j < no; j++) {
        size_t o = sel->shown[c][j];
        float y1 = (float)(cell_y(g, j, no) + g->ch / 2);
        if (c == 1) {
            float sum = w->z[0][o] - m->params[nn_model_bias_offset(m, 0) + o];
            float y0 = (float)(g->top + (g->body - g->digit) / 2) +
                       (float)g->digit * ((float)j + 0.5f) / (float)no;
            ln[n++] = (line){(float)(g->x_digit + g->digit) + ux, y0, (float)g->x_tiles - ux, y1,
                             fabsf(sum), sum > 0};
            continue;
        }
        const float *W = m->params + nn_model_weight_offset(m, c - 1) + o * m->sizes[c - 1];
        for (size_t i = 0; i < nk; i++) {
            size_t k = sel->shown[c - 1][i];
            float y0 = (float)(cell_y(g, i, nk) + g->ch / 2);
            ln[n++] = (line){(float)(g->x_col[c - 1] + g->cw), y0, (float)g->x_col[c], y1,
                             fabsf(W[k] * w->a[c - 2][k]), W[k] > 0};
        }
    }
    draw_lines(img, ln, n, g->u);
}

/* The input image, and beside each drawn first-layer unit its weights as a
 * tile in bwr, symmetric about 0 per tile. */
static void input_and_tiles(nn_image *img, const nn_model *m, const float *x, const layout *g,
                            const selection *sel, const nn_network_style *s)
{
    size_t R = s->rows, C = s->cols, b = 4 * g->tp;
    size_t y = g->top + (g->body - g->digit) / 2;
    for (size_t i = 0; i < R * C; i++) {
        uint8_t rgb[3];
        nn_colormap_rgb(NN_CMAP_GRAY, x[i], rgb);
        nn_image_fill_rect(img, g->x_digit + (i % C) * b, y + (i / C) * b, b, b, rgb);
    }
    for (size_t j = 0; j < sel->n[1]; j++) {
        const float *W = m->params + nn_model_weight_offset(m, 0) + sel->shown[1][j] * R * C;
        float lo, hi;
        nn_minmax(W, R * C, &lo, &hi);
        float most = fmaxf(fabsf(lo), fabsf(hi));
        size_t ty = cell_y(g, j, sel->n[1]) + g->ch / 2 - R * g->tp / 2;
        for (size_t i = 0; i < R * C; i++) {
            uint8_t rgb[3];
            nn_colormap_rgb(NN_CMAP_BWR, nn_normalize(W[i], -most, most), rgb);
            nn_image_fill_rect(img, g->x_tiles + (i % C) * g->tp, ty + (i / C) * g->tp, g->tp,
                               g->tp, rgb);
        }
    }
}

/* Column c's cells (layer c's drawn units), hot from min(0, the layer's
 * smallest) to its largest activation, or 0 to 1 for a softmax output, the
 * output's class numbers beside them and the predicted class framed. */
static void column(nn_image *img, const nn_model *m, const nn_work *w, const layout *g,
                   const selection *sel, size_t c, size_t predicted)
{
    size_t L = m->n_layers, u = g->u;
    const float *a = w->a[c - 1];
    int prob = c == L && m->act[L - 1] == NN_ACT_SOFTMAX;
    float lo = 0.0f, hi = 1.0f;
    if (!prob) {
        nn_minmax(a, m->sizes[c], &lo, &hi);
        lo = lo < 0 ? lo : 0;
    }
    for (size_t j = 0; j < sel->n[c]; j++) {
        size_t o = sel->shown[c][j], y = cell_y(g, j, sel->n[c]);
        char text[32];
        value_text(text, sizeof text, a[o], prob);
        cell(img, g->x_col[c], y, g->cw, g->ch, nn_normalize(a[o], lo, hi), text, g->fs);
        if (c < L)
            continue;
        snprintf(text, sizeof text, "%zu", o);
        nn_image_draw_text(img, g->x_col[c] + g->cw + 6 * u, y + (g->ch - 7 * g->fs) / 2, text,
                           g->fs, o == predicted ? MARK : TEXT);
        if (o == predicted) {
            nn_image_fill_rect(img, g->x_col[c] - u, y - u, g->cw + 2 * u, u, MARK);
            nn_image_fill_rect(img, g->x_col[c] - u, y + g->ch, g->cw + 2 * u, u, MARK);
            nn_image_fill_rect(img, g->x_col[c] - u, y, u, g->ch, MARK);
            nn_image_fill_rect(img, g->x_col[c] + g->cw, y, u, g->ch, MARK);
        }
    }
}

/* Text centred on x = cx (from the left edge if it does not fit). */
static void heading(nn_image *img, size_t cx, size_t y, const char *text, size_t fs,
                    const uint8_t rgb[3])
{
    size_t tw = text_w(text, fs);
    nn_image_draw_text(img, cx > tw / 2 ? cx - tw / 2 : 0, y, text, fs, rgb);
}

/* The words around the picture: the title, and under it the notes (how to
 * read the lines, which layers show only their strongest units). */
typedef struct words {
    char title[160];
    char notes[NN_MAX_LAYERS + 1][96];
    size_t n_notes;
} words;

static void compose_words(words *t, const nn_model *m, const selection *sel, size_t predicted,
                          float p)
{
    size_t at = 0, L = m->n_layers;
    for (size_t l = 0; l <= L && at < 100; l++)
        at += (size_t)snprintf(t->title + at, sizeof t->title - at, l ? "-%zu" : "%zu",
                               m->sizes[l]);
    snprintf(t->title + at, sizeof t->title - at, "   predicted %zu   p=%.4f", predicted,
             (double)p);
    snprintf(t->notes[0], sizeof t->notes[0],
             "lines: red w > 0, blue w < 0; width and opacity |w * a|");
    t->n_notes = 1;
    for (size_t c = 1; c <= L; c++)
        if (sel->n[c] < m->sizes[c])
            snprintf(t->notes[t->n_notes++], sizeof t->notes[0],
                     "layer %zu: the %zu of %zu units with the largest |a|", c, sel->n[c],
                     m->sizes[c]);
}

static void draw_words(nn_image *img, const nn_model *m, const layout *g, const words *t)
{
    size_t u = g->u, y = 12 * u + 10 * u + 2 * u;
    nn_image_draw_text(img, 10 * u, 12 * u, t->title, g->fs, TEXT);
    heading(img, g->x_digit + g->digit / 2, y, "input", g->fs, DIM);
    for (size_t c = 1; c <= m->n_layers; c++) {
        char h[48];
        snprintf(h, sizeof h, c == m->n_layers ? "output" : "layer %zu", c);
        /* The first layer's heading spans its weight tiles and its cells. */
        size_t left = c == 1 ? g->x_tiles : g->x_col[c];
        heading(img, (left + g->x_col[c] + g->cw) / 2, y, h, g->fs, DIM);
        heading(img, g->x_col[c] + g->cw / 2, g->top + g->body + 4 * u,
                nn_activation_name(m->act[c - 1]), g->fs, DIM);
    }
    for (size_t i = 0; i < t->n_notes; i++)
        nn_image_draw_text(img, 10 * u, g->top + g->body + 16 * u + i * 10 * u, t->notes[i], g->fs,
                           DIM);
}

static int check_network(const nn_model *m, const nn_network_style *s, nn_error *err)
{
    if (s->scale < 1 || s->scale > 16)
        return nn_fail(err, NN_ERR_ARG, "network picture: scale %zu is out of range (1 to 16)",
                       s->scale);
    if (s->max_units < 1 || s->max_units > NN_NETWORK_MAX_UNITS)
        return nn_fail(err, NN_ERR_ARG, "network picture: %zu units per layer is out of range "
                                        "(1 to %d)",
                       s->max_units, NN_NETWORK_MAX_UNITS);
    if (s->rows == 0 || s->cols == 0 || s->rows > 256 || s->cols > 256 ||
        s->rows * s->cols != m->sizes[0])
        return nn_fail(err, NN_ERR_ARG, "network picture: a %zu x %zu image does not fit %zu "
                                        "model inputs",
                       s->rows, s->cols, m->sizes[0]);
    return NN_OK;
}

/* Draws everything on the created image. */
static void draw_network(nn_image *img, const nn_model *m, const nn_work *w, const float *x,
                         const layout *g, const selection *sel, const nn_network_style *s,
                         const words *t, size_t predicted, line *ln)
{
    for (size_t i = 0; i < img->width * img->height; i++)
        memcpy(img->px + 3 * i, BG, 3);
    for (size_t c = 1; c <= m->n_layers; c++)
        connections(img, m, w, g, sel, c, ln);
    input_and_tiles(img, m, x, g, sel, s);
    for (size_t c = 1; c <= m->n_layers; c++)
        column(img, m, w, g, sel, c, predicted);
    draw_words(img, m, g, t);
}

int nn_render_network(nn_image *img, const nn_model *m, const float *x,
                      const nn_network_style *s, nn_error *err)
{
    memset(img, 0, sizeof *img);
    int rc = check_network(m, s, err);
    if (rc)
        return rc;
    size_t L = m->n_layers, widest = 0;
    for (size_t l = 0; l <= L; l++)
        widest = m->sizes[l] > widest ? m->sizes[l] : widest;
    nn_work w;
    selection *sel = nni_alloc(1, sizeof *sel);
    ranked *rank = nni_alloc(widest, sizeof *rank);
    line *ln = nni_alloc(NN_NETWORK_MAX_UNITS * NN_NETWORK_MAX_UNITS, sizeof *ln);
    rc = sel && rank && ln ? nn_work_create(&w, m, 1, err)
                           : nn_fail(err, NN_ERR_NOMEM, "network picture: out of memory");
    if (rc == NN_OK) {
        const float *y = nn_forward(m, &w, x, 1);
        for (size_t c = 1; c <= L; c++)
            sel->n[c] = strongest(w.a[c - 1], m->sizes[c], s->max_units, rank, sel->shown[c]);
        size_t predicted;
        nn_argmax_rows(&predicted, y, 1, m->sizes[L]);
        words t;
        compose_words(&t, m, sel, predicted, y[predicted]);
        layout g = geometry(m, s, sel);
        for (size_t i = 0; i < t.n_notes; i++)
            g.width = 20 * g.u + text_w(t.notes[i], g.fs) > g.width ? 20 * g.u + text_w(t.notes[i], g.fs) : g.width;
        if (20 * g.u + text_w(t.title, g.fs) > g.width)
            g.width = 20 * g.u + text_w(t.title, g.fs);
        g.height = g.top + g.body + 16 * g.u + t.n_notes * 10 * g.u + 6 * g.u;
        if ((rc = nn_image_create(img, g.width, g.height, 3, err)) == NN_OK)
            draw_network(img, m, &w, x, &g, sel, s, &t, predicted, ln);
        nn_work_free(&w);
    }
    free(ln);
    free(rank);
    free(sel);
    return rc;
}
