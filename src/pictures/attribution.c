/* attribution.c - the input, the attribution and their overlay, one row per
 * map (nn_attribution.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_attribution.h"

static const uint8_t BG[3] = {22, 22, 28};
static const uint8_t TEXT[3] = {230, 230, 230};
static const uint8_t DIM[3] = {150, 150, 160};
#define DIM_INPUT 0.45 /* the overlay's input: grey times this */

static int by_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

int nn_percentile_abs(const float *v, size_t n, double q, float *out, nn_error *err)
{
    if (n == 0 || !(q >= 0.0 && q <= 1.0))
        return nn_fail(err, NN_ERR_ARG, "percentile: %g of %zu values", q, n);
    float *a = nni_alloc(n, sizeof *a);
    if (!a)
        return nn_fail(err, NN_ERR_NOMEM, "percentile: out of memory for %zu values", n);
    for (size_t i = 0; i < n; i++)
        a[i] = isnan(v[i]) ? 0.0f : fabsf(v[i]);
    qsort(a, n, sizeof *a, by_float);
    /* linear between order statistics: pos = q (n - 1) */
    double pos = q * (double)(n - 1), lo = floor(pos);
    size_t i = (size_t)lo, j = i + 1 < n ? i + 1 : i;
    *out = (float)(a[i] + (pos - lo) * ((double)a[j] - a[i]));
    free(a);
    return NN_OK;
}

/* The colour of attribution v clipped at +-c: bwr at 0.5 + 0.5 v / c. */
static void attr_rgb(float v, float c, uint8_t rgb[3])
{
    double t = c > 0.0f ? (double)v / c : 0.0;
    t = t > 1.0 ? 1.0 : t < -1.0 ? -1.0 : t;
    nn_colormap_rgb(NN_CMAP_BWR, (float)(0.5 + 0.5 * t), rgb);
}

/* One panel at (x, y): 0 the input in grey, 1 the attribution, 2 the
 * overlay: the dimmed input mixed with the attribution's colour by |a| / c. */
static void panel(nn_image *img, size_t x, size_t y, const nn_attribution_sheet *s,
                  const float *a, float c, size_t scale, int kind)
{
    for (size_t r = 0; r < s->rows; r++)
        for (size_t q = 0; q < s->cols; q++) {
            size_t i = r * s->cols + q;
            uint8_t grey[3], col[3], rgb[3];
            nn_colormap_rgb(NN_CMAP_GRAY, s->input[i], grey);
            attr_rgb(a[i], c, col);
            double w = c > 0.0f ? fmin(1.0, fabs((double)a[i]) / c) : 0.0;
            for (int ch = 0; ch < 3; ch++) {
                double g = DIM_INPUT * grey[ch];
                rgb[ch] = kind == 0   ? grey[ch]
                          : kind == 1 ? col[ch]
                                      : (uint8_t)lround((1.0 - w) * g + w * col[ch]);
            }
            nn_image_fill_rect(img, x + q * scale, y + r * scale, scale, scale, rgb);
        }
}

/* Where the parts go: panels of pw x ph, gap between them, margin M, font
 * scale fs, two text lines of height th above each row. */
typedef struct sheet_layout {
    size_t pw, ph, gap, M, fs, th, row_h, width, height;
} sheet_layout;

static sheet_layout sheet_geometry(const nn_attribution_sheet *s, size_t scale,
                                   char (*notes)[96])
{
    sheet_layout g;
    g.pw = s->cols * scale, g.ph = s->rows * scale;
    g.fs = 1 + scale / 10, g.gap = 8 + scale, g.M = 10;
    g.th = nn_text_height(g.fs) + 2;
    size_t w = 3 * g.pw + 2 * g.gap;
    for (size_t i = 0; i < s->n; i++) {
        size_t a = s->labels ? nn_text_width(s->labels[i], g.fs) : 0;
        size_t b = nn_text_width(notes[i], g.fs);
        w = a > w ? a : w;
        w = b > w ? b : w;
    }
    g.row_h = 2 * g.th + 4 + g.ph + g.gap;
    g.width = w + 2 * g.M;
    g.height = 2 * g.M + g.th + s->n * g.row_h;
    return g;
}

/* "st", "nd", "rd" or "th" after the number q (th for a fraction). */
static const char *ordinal(double q)
{
    long n = (long)q;
    if ((double)n != q || (n % 100 >= 11 && n % 100 <= 13))
        return "th";
    return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

static int check_sheet(const nn_attribution_sheet *s, size_t scale, nn_error *err)
{
    if (s->n < 1 || s->n > 64 || s->rows < 1 || s->cols < 1 || s->rows > 4096 ||
        s->cols > 4096 || scale < 1 || scale > 256 || !(s->percentile > 0.0) ||
        s->percentile > 1.0)
        return nn_fail(err, NN_ERR_ARG,
                       "render: %zu attribution maps of %zu x %zu at scale %zu, percentile %g",
                       s->n, s->rows, s->cols, scale, s->percentile);
    return NN_OK;
}

int nn_render_attribution(nn_image *img, const nn_attribution_sheet *s, size_t scale,
                          nn_error *err)
{
    memset(img, 0, sizeof *img);
    int rc = check_sheet(s, scale, err);
    if (rc)
        return rc;
    float clip[64];
    char notes[64][96];
    size_t n = s->rows * s->cols;
    for (size_t i = 0; i < s->n; i++) {
        if ((rc = nn_percentile_abs(s->attr[i], n, s->percentile, &clip[i], err)))
            return rc;
        snprintf(notes[i], sizeof notes[i], "colour at +-%.3g: the %g%s percentile of |a|",
                 (double)clip[i], 100.0 * s->percentile, ordinal(100.0 * s->percentile));
    }
    sheet_layout g = sheet_geometry(s, scale, notes);
    if ((rc = nn_image_create(img, g.width, g.height, 3, err)))
        return rc;
    nn_image_fill_rect(img, 0, 0, g.width, g.height, BG);
    static const char *const heads[3] = {"input", "attribution", "overlay"};
    for (int k = 0; k < 3; k++)
        nn_image_draw_text(img, g.M + k * (g.pw + g.gap), g.M, heads[k], g.fs, DIM);
    for (size_t i = 0; i < s->n; i++) {
        size_t y = g.M + g.th + i * g.row_h;
        if (s->labels)
            nn_image_draw_text(img, g.M, y, s->labels[i], g.fs, TEXT);
        nn_image_draw_text(img, g.M, y + g.th, notes[i], g.fs, DIM);
        for (int k = 0; k < 3; k++)
            panel(img, g.M + k * (g.pw + g.gap), y + 2 * g.th + 4, s, s->attr[i], clip[i],
                  scale, k);
    }
    return NN_OK;
}
