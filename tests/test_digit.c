/* test_digit.c - preparing drawings in MNIST's form: inversion, cropping,
 * area-averaged scaling into the 20x20 box, centring by centre of mass, and
 * the real path from an MNIST digit saved as PGM and read back, and the whole
 * MNIST test set, which is already in that form. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "nn_image.h"
#include "nn_io.h"
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
    /* An explicit invert = 1 is the same; invert = 0 takes the white page as
     * the ink and gives something else entirely. */
    float same[28 * 28], raw[28 * 28];
    CHECK_OK(nn_digit_prepare(&g, 1, 28, 28, same, &err), &err);
    CHECK(memcmp(same, out, sizeof out) == 0);
    CHECK_OK(nn_digit_prepare(&g, 0, 28, 28, raw, &err), &err);
    CHECK(memcmp(raw, out, sizeof out) != 0);
    shape r = measure(raw, 28, 28);
    CHECK(r.y1 - r.y0 + 1 == 20 && r.x1 - r.x0 + 1 == 13); /* the whole 40 x 60 page */
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

/* All 10,000 MNIST test digits, prepared again: most come out identical; the
 * rest differ where faint edge pixels (ink <= 0.05) widened the original's
 * box, or where the centre of mass sat on a rounding boundary. */
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
    for (size_t k = 0; k < 10000; k++) {
        for (size_t i = 0; i < 784; i++)
            v[i] = buf[16 + k * 784 + i] / 255.0f;
        CHECK_OK(nn_digit_prepare(&g, -1, 28, 28, out, &err), &err);
        double worst = 0;
        for (size_t i = 0; i < 784; i++) {
            double d = fabs(out[i] - v[i]);
            mad += d / (784.0 * 10000.0);
            worst = d > worst ? d : worst;
        }
        identical += worst < 1e-6;
    }
    free(buf);
    printf("MNIST test set prepared again: %zu of 10000 identical, mean |difference| %.2g\n",
           identical, mad);
    CHECK(identical >= 9000);
    CHECK(mad < 1e-3);
}

int main(void)
{
    RUN(test_dark_on_light_blob);
    RUN(test_area_averaging);
    RUN(test_centre_of_mass);
    RUN(test_errors);
    RUN(test_mnist_round_trip);
    RUN(test_mnist_all);
    return t_summary();
}
