/* test_colormap.c - matplotlib's hot, bwr and gray, and Normalize.
 *
 * Expected colours are worked out by hand from matplotlib's segment data
 * (table entry i is sampled at x = i / 255; bytes are floor(channel * 255)).
 * Where the real-number answer is an exact integer, matplotlib's double
 * arithmetic can land just below it and truncate one lower; those entries are
 * listed from a reimplementation of numpy's operations in Python (and agree
 * with matplotlib issue #12071, where gray entry 33 * 255 = 32.99999999999999).
 */
#include <stdint.h>

#include "nn_image.h"
#include "test.h"

/* The colour of table entry i, looked up from the middle of its interval. */
static void entry(nn_colormap c, int i, uint8_t rgb[3])
{
    nn_colormap_rgb(c, ((float)i + 0.5f) / 256.0f, rgb);
}

static int is_rgb(const uint8_t rgb[3], int r, int g, int b)
{
    if (rgb[0] == r && rgb[1] == g && rgb[2] == b)
        return 1;
    fprintf(stderr, "got (%d, %d, %d), expected (%d, %d, %d)\n", rgb[0], rgb[1], rgb[2], r, g, b);
    return 0;
}

static int hot_is(int i, int r, int g, int b)
{
    uint8_t rgb[3];
    entry(NN_CMAP_HOT, i, rgb);
    return is_rgb(rgb, r, g, b);
}

static void test_hot_entries(void)
{
    /* red: 0.0416 -> 1 over x in [0, 0.365079]; green: 0 -> 1 over
     * [0.365079, 0.746032]; blue: 0 -> 1 over [0.746032, 1]. */
    CHECK(hot_is(0, 10, 0, 0));        /* 0.0416 * 255 = 10.608 */
    CHECK(hot_is(1, 13, 0, 0));        /* 0.0416 + 0.010742 * 0.9584 = 0.051895 -> 13.23 */
    CHECK(hot_is(92, 252, 0, 0));      /* 0.0416 + 0.988236 * 0.9584 = 0.988725 -> 252.13 */
    CHECK(hot_is(93, 254, 0, 0));      /* x = 0.364706 < 0.365079: 0.999021 -> 254.75; green 0 */
    CHECK(hot_is(94, 255, 2, 0));      /* x = 0.368627 > 0.365079: red 1; green
                                        * 0.003548 / 0.380953 = 0.009315 -> 2.38 */
    CHECK(hot_is(127, 255, 89, 0));    /* green 0.133941 / 0.380953 = 0.349020 -> 89.0001 */
    CHECK(hot_is(128, 255, 91, 0));    /* green 0.136882 / 0.380953 = 0.359315 -> 91.63 */
    CHECK(hot_is(190, 255, 254, 0));   /* x = 0.745098 < 0.746032: green 0.997549 -> 254.37 */
    CHECK(hot_is(191, 255, 255, 2));   /* x = 0.749020 > 0.746032: blue
                                        * 0.002988 / 0.253968 = 0.011764 -> 2.9997 */
    CHECK(hot_is(254, 255, 255, 251)); /* blue 0.250046 / 0.253968 = 0.984557 -> 251.06 */
    CHECK(hot_is(255, 255, 255, 255));

    /* Over the whole table every channel rises, red saturates and green starts
     * at entry 94 (the first x = i / 255 above 0.365079), green saturates and
     * blue starts at 191 (the first above 0.746032). */
    uint8_t prev[3] = {0, 0, 0}, c[3];
    int rising = 1, edges = 1;
    for (int i = 0; i < 256; i++) {
        entry(NN_CMAP_HOT, i, c);
        for (int k = 0; k < 3; k++)
            rising &= c[k] >= prev[k];
        edges &= (c[0] == 255) == (i >= 94) && (c[1] > 0) == (i >= 94);
        edges &= (c[1] == 255) == (i >= 191) && (c[2] > 0) == (i >= 191);
        memcpy(prev, c, 3);
    }
    CHECK(rising);
    CHECK(edges);
}

static void test_lookup(void)
{
    uint8_t c[3];
    /* Entry min(floor(v * 256), 255). */
    nn_colormap_rgb(NN_CMAP_HOT, 0.0f, c);
    CHECK(is_rgb(c, 10, 0, 0));
    nn_colormap_rgb(NN_CMAP_HOT, 1.0f, c);
    CHECK(is_rgb(c, 255, 255, 255));
    nn_colormap_rgb(NN_CMAP_HOT, 93.0f / 256.0f, c); /* exactly the start of entry 93 */
    CHECK(is_rgb(c, 254, 0, 0));
    nn_colormap_rgb(NN_CMAP_HOT, nextafterf(93.0f / 256.0f, 0.0f), c); /* still 92 */
    CHECK(is_rgb(c, 252, 0, 0));
    nn_colormap_rgb(NN_CMAP_HOT, 0.365079f, c); /* 0.365079 * 256 = 93.46: entry 93 */
    CHECK(is_rgb(c, 254, 0, 0));
    nn_colormap_rgb(NN_CMAP_HOT, 0.746032f, c); /* 0.746032 * 256 = 190.98: entry 190 */
    CHECK(is_rgb(c, 255, 254, 0));
    nn_colormap_rgb(NN_CMAP_HOT, 255.0f / 256.0f, c);
    CHECK(is_rgb(c, 255, 255, 255));
    nn_colormap_rgb(NN_CMAP_HOT, nextafterf(255.0f / 256.0f, 0.0f), c); /* entry 254 */
    CHECK(is_rgb(c, 255, 255, 251));
    /* Under (entry 0), over (entry 255), bad (black). */
    nn_colormap_rgb(NN_CMAP_HOT, -0.0f, c);
    CHECK(is_rgb(c, 10, 0, 0));
    nn_colormap_rgb(NN_CMAP_HOT, -1e-9f, c);
    CHECK(is_rgb(c, 10, 0, 0));
    nn_colormap_rgb(NN_CMAP_HOT, -INFINITY, c);
    CHECK(is_rgb(c, 10, 0, 0));
    nn_colormap_rgb(NN_CMAP_HOT, nextafterf(1.0f, 2.0f), c);
    CHECK(is_rgb(c, 255, 255, 255));
    nn_colormap_rgb(NN_CMAP_HOT, INFINITY, c);
    CHECK(is_rgb(c, 255, 255, 255));
    nn_colormap_rgb(NN_CMAP_HOT, NAN, c);
    CHECK(is_rgb(c, 0, 0, 0));
    nn_colormap_rgb(NN_CMAP_BWR, NAN, c);
    CHECK(is_rgb(c, 0, 0, 0));
}

/* Is i one of the n entries in list? */
static int listed(int i, const int *list, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (list[k] == i)
            return 1;
    return 0;
}

static void test_gray(void)
{
    /* Entry i is i / 255 * 255 = i, except where the double arithmetic lands
     * just below i (issue #12071: entry 33 gives 32.99999999999999). */
    static const int low[] = {33,  37,  41,  45,  49,  53,  57,  61,  66,  74,  82,  90,
                              98,  106, 114, 122, 132, 148, 164, 180, 196, 212, 228, 244};
    int ok = 1;
    for (int i = 0; i < 256; i++) {
        uint8_t c[3];
        entry(NN_CMAP_GRAY, i, c);
        int want = listed(i, low, sizeof low / sizeof low[0]) ? i - 1 : i;
        ok &= c[0] == want && c[1] == want && c[2] == want;
        if (c[0] != want)
            fprintf(stderr, "gray %d: got %d, expected %d\n", i, c[0], want);
    }
    CHECK(ok);
}

static void test_bwr(void)
{
    /* Blue (0, 0, 1) at x = 0, white at 0.5, red (1, 0, 0) at 1.  Below 0.5:
     * red = green = 2x, so entry i has 2i (i / 255 * 2 * 255); above 0.5:
     * green = blue = 2 - 2x, 510 - 2i.  The listed entries come out one lower
     * in double arithmetic, as in gray. */
    static const int low_blue_side[] = {33, 37, 41, 45, 49, 53, 57, 61,
                                        66, 74, 82, 90, 98, 106, 114, 122};
    static const int low_red_side[] = {149, 157, 165, 173, 181, 189, 194, 198,
                                       202, 206, 210, 214, 218, 222, 226, 230,
                                       234, 238, 242, 246, 250, 254};
    int ok = 1;
    for (int i = 0; i < 256; i++) {
        uint8_t c[3];
        entry(NN_CMAP_BWR, i, c);
        int r, g, b;
        if (i <= 127) {
            r = g = 2 * i - listed(i, low_blue_side, sizeof low_blue_side / sizeof(int));
            b = 255;
        } else {
            r = 255;
            g = b = 510 - 2 * i - listed(i, low_red_side, sizeof low_red_side / sizeof(int));
        }
        if (!(c[0] == r && c[1] == g && c[2] == b)) {
            fprintf(stderr, "bwr %d: ", i);
            is_rgb(c, r, g, b);
            ok = 0;
        }
    }
    CHECK(ok);
    /* The ends and the middle, by hand. */
    uint8_t c[3];
    nn_colormap_rgb(NN_CMAP_BWR, 0.0f, c);
    CHECK(is_rgb(c, 0, 0, 255));
    nn_colormap_rgb(NN_CMAP_BWR, 0.5f, c); /* entry 128: x = 0.50196 -> (255, 254, 254) */
    CHECK(is_rgb(c, 255, 254, 254));
    nn_colormap_rgb(NN_CMAP_BWR, 1.0f, c);
    CHECK(is_rgb(c, 255, 0, 0));
}

static void test_names(void)
{
    nn_colormap c;
    CHECK(nn_colormap_from_name("hot", &c) == 0 && c == NN_CMAP_HOT);
    CHECK(nn_colormap_from_name("bwr", &c) == 0 && c == NN_CMAP_BWR);
    CHECK(nn_colormap_from_name("gray", &c) == 0 && c == NN_CMAP_GRAY);
    CHECK(nn_colormap_from_name("viridis", &c) == -1);
    CHECK(nn_colormap_from_name("", &c) == -1);
    CHECK(nn_colormap_from_name("hot ", &c) == -1);
    CHECK(nn_colormap_from_name("Hot", &c) == -1);
    CHECK(strcmp(nn_colormap_name(NN_CMAP_HOT), "hot") == 0);
    CHECK(strcmp(nn_colormap_name(NN_CMAP_BWR), "bwr") == 0);
    CHECK(strcmp(nn_colormap_name(NN_CMAP_GRAY), "gray") == 0);
}

static void test_normalize(void)
{
    CHECK(nn_normalize(5.0f, 0.0f, 10.0f) == 0.5f);
    CHECK(nn_normalize(0.0f, 0.0f, 10.0f) == 0.0f);
    CHECK(nn_normalize(10.0f, 0.0f, 10.0f) == 1.0f);
    CHECK(nn_normalize(-1.0f, -2.0f, 2.0f) == 0.25f);
    /* Outside [vmin, vmax] the value leaves [0, 1]: the colormap's under and
     * over colours handle it. */
    CHECK(nn_normalize(-5.0f, 0.0f, 10.0f) == -0.5f);
    CHECK(nn_normalize(15.0f, 0.0f, 10.0f) == 1.5f);
    /* vmin == vmax maps everything to 0. */
    CHECK(nn_normalize(3.0f, 3.0f, 3.0f) == 0.0f);
    CHECK(nn_normalize(-7.0f, 3.0f, 3.0f) == 0.0f);
    /* In single precision: (0.3 - 0.1) / (0.7 - 0.1) = 1/3 to float accuracy. */
    CHECK_NEAR(nn_normalize(0.3f, 0.1f, 0.7f), 1.0 / 3.0, 1e-7);
    CHECK(isnan(nn_normalize(NAN, 0.0f, 1.0f)));
}

int main(void)
{
    RUN(test_hot_entries);
    RUN(test_lookup);
    RUN(test_gray);
    RUN(test_bwr);
    RUN(test_names);
    RUN(test_normalize);
    return t_summary();
}
