/* test_digit.c - preparing drawings in MNIST's form: inversion, cropping,
 * area-averaged scaling into the 20x20 box, centring by centre of mass, and
 * the real path from an MNIST digit saved as PGM and read back, and the whole
 * MNIST test set, which is already in that form. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "nnart.h"
#include "test.h"

/* A w x h grey map filled with bg and a rectangle of fg at (x, y), rw x rh. */
static int make_blob(nn_greymap *g, size_t w, size_t h, float bg, size_t x, size_t y, size_t rw,
                     size_t rh, float fg)
{
    g->width = w;
    g->height = h;
    g->v = malloc(w * h * sizeof *g->v);
    if (!g->v)
        return 0;
    for (size_t r = 0; r < h; r++)
        for (size_t c = 0; c < w; c++)
            g->v[r * w + c] = r >= y && r < y + rh && c >= x && c < x + rw ? fg : bg;
    return 1;
}

/* Bounding box of the values > 0 and centre of mass (pixel-index
 * coordinates) of a rows x cols field. */
typedef struct shape {
    size_t x0, x1, y0, y1; /* inclusive */
    double cx, cy, mass;
} shape;

static shape measure(const float *v, size_t rows, size_t cols)
{
    shape s = {cols, 0, rows, 0, 0, 0, 0};
    double mx = 0, my = 0;
    for (size_t y = 0; y < rows; y++)
        for (size_t x = 0; x < cols; x++) {
            double p = v[y * cols + x];
            if (p > 0) {
                s.x0 = x < s.x0 ? x : s.x0;
                s.x1 = x > s.x1 ? x : s.x1;
                s.y0 = y < s.y0 ? y : s.y0;
                s.y1 = y > s.y1 ? y : s.y1;
            }
            s.mass += p;
            mx += p * (double)x;
            my += p * (double)y;
        }
    s.cx = s.mass > 0 ? mx / s.mass : -1;
    s.cy = s.mass > 0 ? my / s.mass : -1;
    return s;
}

static int in_unit_range(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(v[i] >= 0.0f && v[i] <= 1.0f))
            return 0;
    return 1;
}

static void test_dark_on_light_blob(void)
{
    /* A black 12 x 30 bar, off centre on a white 40 x 60 page.  Auto-invert
     * (white border) makes it a white bar on black; it is cropped and scaled
     * by 20/30 to 8 x 20, every output pixel fully inside the bar (the
     * boundaries of the 1.5-pixel source cells fall on the bar's edges), and
     * its centre (3.5, 9.5) is moved by round(14 - 3.5) = 11 (half away from
     * zero) and round(14 - 9.5) = 5 to (14.5, 14.5). */
    nn_greymap g;
    CHECK(make_blob(&g, 40, 60, 1.0f, 3, 25, 12, 30, 0.0f));
    float out[28 * 28];
    nn_error err = {0};
    CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, out, &err), &err);
    CHECK(in_unit_range(out, 784));
    shape s = measure(out, 28, 28);
    CHECK(s.y1 - s.y0 + 1 == 20 && s.x1 - s.x0 + 1 == 8);
    CHECK(s.x0 == 11 && s.y0 == 5);
    CHECK_NEAR(s.mass, 160.0, 1e-4);
    CHECK(fabs(s.cx - 14.0) <= 0.5 && fabs(s.cy - 14.0) <= 0.5);
    /* An explicit invert = 1 is the same; invert = 0 looks for ink lighter
     * than the white page and finds none. */
    float same[28 * 28], raw[28 * 28];
    CHECK_OK(nn_digit_prepare(&g, 1, 28, 28, same, &err), &err);
    CHECK(memcmp(same, out, sizeof out) == 0);
    CHECK(nn_digit_prepare(&g, 0, 28, 28, raw, &err) == NN_ERR_FORMAT);
    CHECK_MSG(err.msg, "no pixel is lighter than the background");
    nn_greymap_free(&g);

    /* The light-on-dark version is left alone by auto and by invert = 0. */
    CHECK(make_blob(&g, 40, 60, 0.0f, 3, 25, 12, 30, 1.0f));
    CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, same, &err), &err);
    CHECK(memcmp(same, out, sizeof out) == 0);
    CHECK_OK(nn_digit_prepare(&g, 0, 28, 28, same, &err), &err);
    CHECK(memcmp(same, out, sizeof out) == 0);
    nn_greymap_free(&g);
}

static void test_area_averaging(void)
{
    /* A 3 x 30 bar with columns 1, 0.5, 1 scales by 2/3 to 2 x 20.  Each
     * output column covers 1.5 source columns: (1 * 1 + 0.5 * 0.5) / 1.5 =
     * 0.8333 and (0.5 * 0.5 + 1 * 1) / 1.5 = 0.8333. */
    nn_greymap g;
    CHECK(make_blob(&g, 9, 40, 0.0f, 3, 5, 3, 30, 1.0f));
    for (size_t y = 5; y < 35; y++)
        g.v[y * 9 + 4] = 0.5f;
    float out[28 * 28];
    nn_error err = {0};
    CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, out, &err), &err);
    shape s = measure(out, 28, 28);
    CHECK(s.x1 - s.x0 + 1 == 2 && s.y1 - s.y0 + 1 == 20);
    int ok = 1;
    for (size_t y = s.y0; y <= s.y1; y++)
        for (size_t x = s.x0; x <= s.x1; x++)
            ok &= fabs(out[y * 28 + x] - 2.5 / 3.0) < 1e-5;
    CHECK(ok);
    CHECK(fabs(s.cx - 14.0) <= 0.5 && fabs(s.cy - 14.0) <= 0.5);
    nn_greymap_free(&g);

    /* A single white pixel is blown up to fill the 20 x 20 box; in a 14 x 14
     * field the box is round(20/28 * 14) = 10. */
    CHECK(make_blob(&g, 5, 5, 0.0f, 1, 3, 1, 1, 1.0f));
    CHECK_OK(nn_digit_prepare(&g, 0, 28, 28, out, &err), &err);
    s = measure(out, 28, 28);
    CHECK(s.x1 - s.x0 + 1 == 20 && s.y1 - s.y0 + 1 == 20);
    CHECK_NEAR(s.mass, 400.0, 1e-3);
    float small[14 * 14];
    CHECK_OK(nn_digit_prepare(&g, 0, 14, 14, small, &err), &err);
    s = measure(small, 14, 14);
    CHECK(s.x1 - s.x0 + 1 == 10 && s.y1 - s.y0 + 1 == 10);
    CHECK(fabs(s.cx - 7.0) <= 0.5 && fabs(s.cy - 7.0) <= 0.5);
    nn_greymap_free(&g);
}

static void test_centre_of_mass(void)
{
    /* An L shape, 20 x 30 with bars 6 thick: its centre of mass lies left of
     * and below its box's centre, and it is the centre of mass that lands
     * within half a pixel of (14, 14).  Scaled by 2/3 the box is 13 x 20;
     * centred, it would start at (7 or 8, 4). */
    nn_greymap g;
    CHECK(make_blob(&g, 50, 50, 0.0f, 10, 10, 6, 30, 0.9f));
    for (size_t y = 34; y < 40; y++)
        for (size_t x = 10; x < 30; x++)
            g.v[y * 50 + x] = 0.9f;
    float out[28 * 28];
    nn_error err = {0};
    CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, out, &err), &err);
    CHECK(in_unit_range(out, 784));
    shape s = measure(out, 28, 28);
    CHECK(s.x1 - s.x0 + 1 == 13 && s.y1 - s.y0 + 1 == 20);
    CHECK(fabs(s.cx - 14.0) <= 0.5 && fabs(s.cy - 14.0) <= 0.5);
    CHECK(s.x0 >= 9 && s.y0 <= 2); /* the box moved right and up */
    nn_greymap_free(&g);
}

static void test_errors(void)
{
    nn_greymap g;
    float out[28 * 28];
    nn_error err = {0};
    /* Blank pages, light and dark, and faint noise below the ink threshold. */
    CHECK(make_blob(&g, 20, 20, 1.0f, 0, 0, 0, 0, 0.0f));
    for (int inv = -1; inv <= 1; inv += 2) {
        memset(&err, 0, sizeof err);
        CHECK(nn_digit_prepare(&g, inv, 28, 28, out, &err) == NN_ERR_FORMAT);
        CHECK_MSG(err.msg, "blank");
    }
    for (size_t i = 0; i < 400; i++)
        g.v[i] = (float)(i % 5) * 0.01f;
    CHECK(nn_digit_prepare(&g, -1, 28, 28, out, &err) == NN_ERR_FORMAT);
    CHECK_MSG(err.msg, "blank");
    CHECK(strchr(err.msg, '\n') == NULL);
    /* Arguments out of range. */
    CHECK(nn_digit_prepare(&g, 2, 28, 28, out, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "invert");
    CHECK(nn_digit_prepare(&g, -2, 28, 28, out, &err) == NN_ERR_ARG);
    CHECK(nn_digit_prepare(&g, 0, 0, 28, out, &err) == NN_ERR_ARG);
    nn_greymap_free(&g);
    CHECK(nn_digit_prepare(&g, 0, 28, 28, out, &err) == NN_ERR_ARG);
}

/* What is not ink: a lighting gradient alone is a blank page; a dark bar on
 * a page lit from 1.0 down to 0.6, drawn in a grey of half the paper's
 * brightness, with specks of dust, comes out as the same bar in black on
 * white does. */
static void test_background_and_specks(void)
{
    nn_greymap g;
    float out[28 * 28], clean[28 * 28];
    nn_error err = {0};
    CHECK(make_blob(&g, 80, 80, 1.0f, 0, 0, 0, 0, 0.0f));
    for (size_t y = 0; y < 80; y++)
        for (size_t x = 0; x < 80; x++)
            g.v[y * 80 + x] = 1.0f - 0.4f * (float)(x + y) / 158.0f;
    CHECK(nn_digit_prepare(&g, -1, 28, 28, out, &err) == NN_ERR_FORMAT);
    CHECK_MSG(err.msg, "blank");
    nn_greymap_free(&g);

    CHECK(make_blob(&g, 80, 80, 1.0f, 30, 20, 9, 30, 0.0f));
    CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, clean, &err), &err);
    for (size_t y = 0; y < 80; y++)
        for (size_t x = 0; x < 80; x++) {
            float light = 1.0f - 0.4f * (float)(x + y) / 158.0f;
            g.v[y * 80 + x] = light * (g.v[y * 80 + x] > 0.5f ? 1.0f : 0.5f);
        }
    g.v[5 * 80 + 70] = g.v[70 * 80 + 8] = g.v[60 * 80 + 60] = 0.2f; /* specks */
    CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, out, &err), &err);
    CHECK(in_unit_range(out, 784));
    /* the same 6 x 20 bar of full ink; its centre of mass sits on a rounding
     * boundary (x.5), so the bar may land a pixel to either side */
    shape a = measure(clean, 28, 28), b = measure(out, 28, 28);
    printf("a grey bar under a gradient, with specks: %zu x %zu, mass %.2f (clean %zu x %zu, "
           "%.2f)\n", b.x1 - b.x0 + 1, b.y1 - b.y0 + 1, b.mass, a.x1 - a.x0 + 1,
           a.y1 - a.y0 + 1, a.mass);
    CHECK(b.x1 - b.x0 == a.x1 - a.x0 && b.y1 - b.y0 == a.y1 - a.y0);
    CHECK(fabs(b.mass - a.mass) < 0.02 * a.mass);
    CHECK(fabs(b.cx - 14.0) <= 0.5 && fabs(b.cy - 14.0) <= 0.5);
    nn_greymap_free(&g);
}

/* The real path: the first MNIST test image, already in MNIST's form, saved
 * as PGM, read back and prepared again, comes out (almost) unchanged. */
static void test_mnist_round_trip(void)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    nn_error err = {0};
    CHECK_OK(nn_read_file("data/t10k-images-idx3-ubyte", &buf, &len, (size_t)1 << 24, &err),
             &err);
    CHECK(len == 16 + 10000 * 784);
    if (len < 16 + 784) {
        free(buf);
        return;
    }
    nn_image img;
    CHECK_OK(nn_image_create(&img, 28, 28, 1, &err), &err);
    memcpy(img.px, buf + 16, 784);
    free(buf);
    char dir[] = "/tmp/nnart-digit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/seven.pgm", dir);
    CHECK_OK(nn_image_save(path, &img, &err), &err);
    nn_greymap g;
    CHECK_OK(nn_pnm_load(path, &g, &err), &err);
    remove(path);
    rmdir(dir);
    CHECK(g.width == 28 && g.height == 28);
    float out[784];
    CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, out, &err), &err);
    double mad = 0, worst = 0;
    for (size_t i = 0; i < 784; i++) {
        double d = fabs(out[i] - img.px[i] / 255.0);
        mad += d / 784;
        worst = d > worst ? d : worst;
    }
    printf("MNIST test image 0: mean |difference| %.2g, largest %.2g\n", mad, worst);
    CHECK(mad < 0.005);
    CHECK(worst < 0.05);
    /* Drawn dark on light (as on paper), it is inverted back to the same. */
    for (size_t i = 0; i < 784; i++)
        g.v[i] = 1.0f - g.v[i];
    float inv[784];
    CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, inv, &err), &err);
    int same = 1;
    for (size_t i = 0; i < 784; i++)
        same &= fabs(inv[i] - out[i]) < 1e-6;
    CHECK(same);
    nn_greymap_free(&g);
    nn_image_free(&img);
}

/* Every 4th of the 10,000 MNIST test digits (2,500, a quarter of the time of
 * all), prepared again: most come out identical; the
 * rest differ where faint edge pixels (ink <= 0.05) widened the original's
 * box, where a fragment of a few pixels was taken for a speck, or where the
 * centre of mass sat on a rounding boundary. */
static void test_mnist_all(void)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    nn_error err = {0};
    CHECK_OK(nn_read_file("data/t10k-images-idx3-ubyte", &buf, &len, (size_t)1 << 24, &err),
             &err);
    if (len != 16 + 10000 * 784) {
        CHECK(len == 16 + 10000 * 784);
        free(buf);
        return;
    }
    float v[784], out[784];
    nn_greymap g = {28, 28, v};
    double mad = 0;
    size_t identical = 0;
    const size_t n = 2500;
    for (size_t k = 0; k < 10000; k += 10000 / n) {
        for (size_t i = 0; i < 784; i++)
            v[i] = buf[16 + k * 784 + i] / 255.0f;
        CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, out, &err), &err);
        double worst = 0;
        for (size_t i = 0; i < 784; i++) {
            double d = fabs(out[i] - v[i]);
            mad += d / (784.0 * (double)n);
            worst = d > worst ? d : worst;
        }
        identical += worst < 1e-6;
    }
    free(buf);
    printf("MNIST test set, every 4th digit prepared again: %zu of %zu identical, mean "
           "|difference| %.2g\n",
           identical, n, mad);
    CHECK(identical >= n * 9 / 10);
    CHECK(mad < 1e-3);
}


/* ---- drawings on real paper ------------------------------------------------
 * Pages synthesised deterministically: a digit stroked with a round pen of
 * width w (coverage: how much of each pixel the pen covers, anti-aliased over
 * one pixel) on paper lit unevenly, under a soft shadow, with grain and a few
 * specks; or in chalk on a dark board.  Each pixel is light(x, y) times the
 * surface's reflectance plus grain, as a camera or scanner sees it. */

/* xorshift64*: the grain's generator, uniform in [0, 1). */
static double uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

/* Roughly normal, mean 0 and standard deviation 1 (Irwin-Hall of 12). */
static double normal(uint64_t *s)
{
    double sum = 0;
    for (int i = 0; i < 12; i++)
        sum += uniform(s);
    return sum - 6.0;
}

/* A digit as polylines in a unit box (x across, y down); a point at (-1, -1)
 * lifts the pen. */
typedef struct glyph_path {
    int digit;
    size_t n;
    float p[24][2];
} glyph_path;

static const glyph_path DIGITS[] = {
    {7, 3, {{0.05f, 0.05f}, {0.95f, 0.05f}, {0.40f, 0.97f}}},
    {1, 2, {{0.58f, 0.03f}, {0.42f, 0.97f}}},
    {4, 6, {{0.15f, 0.03f}, {0.08f, 0.60f}, {0.92f, 0.60f}, {-1, -1}, {0.72f, 0.10f},
            {0.72f, 0.97f}}},
    {2, 7, {{0.08f, 0.25f}, {0.25f, 0.05f}, {0.62f, 0.03f}, {0.90f, 0.20f}, {0.84f, 0.45f},
            {0.08f, 0.95f}, {0.95f, 0.95f}}},
    {0, 0, {{0}}}, /* an ellipse, made by ellipse() */
};

/* The 0: an ellipse as a closed polyline of 23 segments. */
static glyph_path ellipse(void)
{
    glyph_path e = {0, 24, {{0}}};
    for (size_t i = 0; i < 24; i++) {
        double a = 2.0 * 3.14159265358979 * (double)i / 23.0;
        e.p[i][0] = (float)(0.5 + 0.42 * sin(a));
        e.p[i][1] = (float)(0.5 - 0.46 * cos(a));
    }
    return e;
}

/* Distance from (x, y) to the segment (ax, ay)-(bx, by). */
static double seg_dist(double x, double y, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = x - ax - t * dx, ey = y - ay - t * dy;
    return sqrt(ex * ex + ey * ey);
}

/* The pen's coverage of pixel (x, y) for digit path d drawn in the box of
 * bw x bh at (bx, by) with a pen of width w: 1 inside the stroke, falling
 * to 0 over one pixel at its edge. */
static double coverage(const glyph_path *d, double x, double y, double bx, double by,
                       double bw, double bh, double w)
{
    double best = 1e30;
    for (size_t i = 0; i + 1 < d->n; i++) {
        if (d->p[i][0] < 0 || d->p[i + 1][0] < 0)
            continue;
        double dist = seg_dist(x, y, bx + d->p[i][0] * bw, by + d->p[i][1] * bh,
                               bx + d->p[i + 1][0] * bw, by + d->p[i + 1][1] * bh);
        best = dist < best ? dist : best;
    }
    double c = w / 2 + 0.5 - best;
    return c < 0 ? 0 : c > 1 ? 1 : c;
}

/* What a page looks like. */
typedef struct page {
    size_t w, h;          /* pixels */
    double x, y, size;    /* the digit's box: top-left corner and height (width 0.65 of it) */
    double light, falloff; /* light at the top-left, and how much of it is lost at the far corner */
    double shadow;        /* the shadow over the bottom-left corner takes this much light */
    double surface, ink;  /* reflectance of the paper (or board) and of the pencil (or chalk) */
    double grain;         /* standard deviation of the grain */
    double patchy;        /* 0..1: how unevenly the pen lays its ink (chalk) */
    double specks;        /* fraction of pixels with a speck of dust (half as bright) */
    uint64_t seed;
} page;

/* Draws digit d on page p into g. */
static int draw_page(nn_greymap *g, const page *p, const glyph_path *d)
{
    g->width = p->w, g->height = p->h;
    g->v = malloc(p->w * p->h * sizeof *g->v);
    if (!g->v)
        return 0;
    uint64_t s = p->seed;
    double bw = 0.65 * p->size, pen = 0.11 * p->size;
    for (size_t y = 0; y < p->h; y++)
        for (size_t x = 0; x < p->w; x++) {
            double u = (double)x / (double)p->w, v = (double)y / (double)p->h;
            /* light falling off across the page, and a soft-edged shadow over
             * the corner below the line u - v = -0.45 */
            double light = p->light * (1.0 - p->falloff * (0.6 * u + 0.4 * v));
            double e = (u - v + 0.45) / 0.08;
            double in_shadow = e >= 1 ? 0 : e <= -1 ? 1 : 0.5 - 0.5 * sin(e * 1.5707963);
            light *= 1.0 - p->shadow * in_shadow;
            double c = coverage(d, (double)x, (double)y, p->x, p->y, bw, p->size, pen);
            c *= 1.0 - p->patchy * uniform(&s);
            double refl = p->surface + c * (p->ink - p->surface);
            double val = light * refl + p->grain * normal(&s);
            if (uniform(&s) < p->specks)
                val = 0.5 * val;
            g->v[y * p->w + x] = (float)(val < 0 ? 0 : val > 1 ? 1 : val);
        }
    return 1;
}

/* The pages: pencil on off-white paper with grain, uneven light and a soft
 * shadow, at three sizes; chalk on a dark board, as in a photo; and clean
 * black ink on white, which the preparation must not spoil. */
static const page PAGES[] = {
    {240, 320, 70, 90, 140, 0.97, 0.30, 0.40, 0.93, 0.50, 0.035, 0.25, 0.0005, 11},
    {420, 300, 250, 60, 80, 0.95, 0.35, 0.45, 0.92, 0.55, 0.030, 0.25, 0.0005, 12},
    {500, 500, 120, 80, 300, 0.98, 0.25, 0.35, 0.94, 0.45, 0.040, 0.30, 0.0005, 13},
    {360, 280, 130, 50, 170, 0.95, 0.35, 0.20, 0.18, 0.85, 0.040, 0.45, 0.0005, 14},
    {200, 200, 50, 30, 140, 1.00, 0.00, 0.00, 1.00, 0.00, 0.000, 0.00, 0.0, 15},
};
static const char *const PAGE_NAMES[] = {"pencil, small page", "pencil, wide page, small digit",
                                         "pencil, large page", "chalk on a board",
                                         "clean ink"};

/* A 784-10-10-10 model trained as `nnart train` trains one, or 0 if the
 * MNIST training set is not there. */
static int train_model(nn_model *m)
{
    nn_dataset d;
    nn_error err = {0};
    memset(&d, 0, sizeof d);
    CHECK_OK(nn_dataset_load("data/train-images-idx3-ubyte", "data/train-labels-idx1-ubyte",
                             &d, &err),
             &err);
    if (d.n == 0)
        return 0;
    const size_t sizes[4] = {784, 10, 10, 10};
    const nn_activation act[3] = {NN_ACT_RELU, NN_ACT_RELU, NN_ACT_SOFTMAX};
    nn_train_config c;
    nn_train_config_default(&c);
    c.threads = 1;
    c.epochs = 3; /* reads every page as well as ten epochs do, in a third of the time */
    CHECK_OK(nn_model_create(m, 3, sizes, act, &err), &err);
    CHECK_OK(nn_train_seeded(m, &d, &c, NULL, NULL, NULL, &err), &err);
    nn_dataset_free(&d);
    return 1;
}

/* The class the model gives drawing g, and its probability in *p. */
static size_t read_digit(const nn_model *m, const nn_greymap *g, float *p)
{
    float x[784];
    nn_error err = {0};
    nn_work w;
    size_t k = 99;
    CHECK_OK(nn_digit_prepare(g, -1, 28, 28, x, &err), &err);
    CHECK_OK(nn_work_create(&w, m, 1, &err), &err);
    const float *y = nn_forward(m, &w, x, 1);
    nn_argmax_rows(&k, y, 1, 10);
    *p = y[k];
    nn_work_free(&w);
    return k;
}

/* Every digit on every page is read as itself.  NNART_DIGIT_PAGES=DIR writes
 * the pages there as PGM, to look at. */
static void test_paper_and_chalk(void)
{
    nn_model m;
    if (!train_model(&m))
        return;
    const char *dump = getenv("NNART_DIGIT_PAGES");
    for (size_t k = 0; k < sizeof DIGITS / sizeof *DIGITS; k++) {
        glyph_path d = DIGITS[k].n ? DIGITS[k] : ellipse();
        for (size_t i = 0; i < sizeof PAGES / sizeof *PAGES; i++) {
            nn_greymap g;
            CHECK(draw_page(&g, &PAGES[i], &d));
            float p = 0;
            size_t got = read_digit(&m, &g, &p);
            printf("%d on %s: read as %zu (p %.3f)\n", d.digit, PAGE_NAMES[i], got, (double)p);
            CHECK(got == (size_t)d.digit);
            if (dump) {
                nn_image img;
                nn_error err;
                char path[512];
                snprintf(path, sizeof path, "%s/digit%d-page%zu.pgm", dump, d.digit, i);
                CHECK_OK(nn_image_create(&img, g.width, g.height, 1, &err), &err);
                for (size_t q = 0; q < g.width * g.height; q++)
                    img.px[q] = (uint8_t)lround(g.v[q] * 255.0);
                CHECK_OK(nn_image_save(path, &img, &err), &err);
                nn_image_free(&img);
            }
            nn_greymap_free(&g);
        }
    }
    nn_model_free(&m);
}

int main(void)
{
    RUN(test_dark_on_light_blob);
    RUN(test_area_averaging);
    RUN(test_centre_of_mass);
    RUN(test_errors);
    RUN(test_background_and_specks);
    RUN(test_mnist_round_trip);
    RUN(test_mnist_all);
    RUN(test_paper_and_chalk);
    return t_summary();
}
