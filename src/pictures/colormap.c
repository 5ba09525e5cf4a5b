/* colormap.c - matplotlib's 'hot', 'bwr' and 'gray', byte for byte (see nn_image.h).
 *
 * matplotlib builds a LinearSegmentedColormap from "segment data": per channel
 * a list of points (x, y0, y1), linear in between (y0 is the value arriving at
 * x from the left, y1 the value leaving it to the right).  It samples that into
 * a 256-entry table (colors._create_lookup_table) and looks a value up in it
 * (Colormap.__call__ with bytes=True).  Both steps are copied here operation
 * for operation in double precision, because the table's bytes come from
 * truncating channel * 255 and a last-bit difference moves some entries by one:
 * matplotlib's gray entry 33, for instance, is 32.99999999999999 * 255 -> 32.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nn_image.h"

#define LUT_N 256 /* matplotlib's default table size (rcParams['image.lut']) */

typedef struct point {
    double x, y0, y1;
} point;

typedef struct segment {
    const point *p;
    size_t n;
} segment;

/* matplotlib _cm.py, _hot_data. */
static const point hot_r[] = {{0.0, 0.0416, 0.0416}, {0.365079, 1.0, 1.0}, {1.0, 1.0, 1.0}};
static const point hot_g[] = {
    {0.0, 0.0, 0.0}, {0.365079, 0.0, 0.0}, {0.746032, 1.0, 1.0}, {1.0, 1.0, 1.0}};
static const point hot_b[] = {{0.0, 0.0, 0.0}, {0.746032, 0.0, 0.0}, {1.0, 1.0, 1.0}};

/* matplotlib _cm.py, _bwr_data = blue, white, red at x = 0, 0.5, 1
 * (LinearSegmentedColormap.from_list spaces the colours evenly). */
static const point bwr_r[] = {{0.0, 0.0, 0.0}, {0.5, 1.0, 1.0}, {1.0, 1.0, 1.0}};
static const point bwr_g[] = {{0.0, 0.0, 0.0}, {0.5, 1.0, 1.0}, {1.0, 0.0, 0.0}};
static const point bwr_b[] = {{0.0, 1.0, 1.0}, {0.5, 1.0, 1.0}, {1.0, 0.0, 0.0}};

/* matplotlib _cm.py, _gray_data: the same ramp on every channel. */
static const point gray_c[] = {{0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}};

#define SEG(a) {a, sizeof a / sizeof a[0]}

/* Segment data of a map: red, green, blue. */
static void map_segments(nn_colormap c, segment s[3])
{
    static const segment hot[3] = {SEG(hot_r), SEG(hot_g), SEG(hot_b)};
    static const segment bwr[3] = {SEG(bwr_r), SEG(bwr_g), SEG(bwr_b)};
    static const segment gray[3] = {SEG(gray_c), SEG(gray_c), SEG(gray_c)};
    const segment *m = c == NN_CMAP_HOT ? hot : c == NN_CMAP_BWR ? bwr : gray;
    memcpy(s, m, 3 * sizeof *s);
}

/* Entry i of the LUT_N-entry table of one channel, as _create_lookup_table
 * computes it:
 *   x    = points' x * (N - 1)
 *   xind = (N - 1) * linspace(0, 1, N)      with linspace[i] = i * (1 / (N - 1))
 *   k    = searchsorted(x, xind[i])         first k with x[k] >= xind[i]
 *   d    = (xind[i] - x[k-1]) / (x[k] - x[k-1])
 *   lut  = d * (y0[k] - y1[k-1]) + y1[k-1]  (entry 0 is y1[0], entry N-1 is y0[-1])
 * clipped to [0, 1].  Separate statements keep the compiler from fusing the
 * multiply-add, which numpy does not do. */
static double lut_entry(const segment *s, size_t i)
{
    double v;
    if (i == 0) {
        v = s->p[0].y1;
    } else if (i == LUT_N - 1) {
        v = s->p[s->n - 1].y0;
    } else {
        double step = 1.0 / (LUT_N - 1);
        double t = (double)i * step;
        double xi = (LUT_N - 1) * t;
        size_t k = 1;
        while (k < s->n - 1 && s->p[k].x * (LUT_N - 1) < xi)
            k++;
        double x0 = s->p[k - 1].x * (LUT_N - 1);
        double x1 = s->p[k].x * (LUT_N - 1);
        double d = (xi - x0) / (x1 - x0);
        double dy = s->p[k].y0 - s->p[k - 1].y1;
        double m = d * dy;
        v = m + s->p[k - 1].y1;
    }
    return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

void nn_colormap_rgb(nn_colormap c, float v, uint8_t rgb[3])
{
    /* Colormap.__call__: xa = v * N; xa == N counts as N - 1; xa < 0 is
     * "under" (entry 0), xa >= N "over" (entry N - 1), NaN "bad" (transparent
     * black); otherwise entry int(xa), i.e. floor for xa >= 0. */
    if (isnan(v)) {
        rgb[0] = rgb[1] = rgb[2] = 0;
        return;
    }
    double xa = (double)v * LUT_N;
    size_t i;
    if (xa < 0.0)
        i = 0;
    else if (xa >= LUT_N)
        i = LUT_N - 1;
    else
        i = (size_t)xa;
    segment s[3];
    map_segments(c, s);
    /* bytes=True: (lut * 255).astype(uint8), a truncation. */
    for (int ch = 0; ch < 3; ch++) {
        double b = lut_entry(&s[ch], i) * 255.0;
        rgb[ch] = (uint8_t)b;
    }
}

const char *nn_colormap_name(nn_colormap c)
{
    switch (c) {
    case NN_CMAP_HOT: return "hot";
    case NN_CMAP_BWR: return "bwr";
    case NN_CMAP_GRAY: return "gray";
    }
    return "unknown";
}

int nn_colormap_from_name(const char *name, nn_colormap *out)
{
    static const nn_colormap all[] = {NN_CMAP_HOT, NN_CMAP_BWR, NN_CMAP_GRAY};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(name, nn_colormap_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

float nn_normalize(float x, float vmin, float vmax)
{
    /* matplotlib Normalize: (x - vmin) / (vmax - vmin) in the data's type
     * (float32 here), and 0 everywhere when vmin == vmax. */
    if (vmin == vmax)
        return 0.0f;
    float num = x - vmin;
    float den = vmax - vmin;
    return num / den;
}
