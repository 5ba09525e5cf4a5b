/* test_render.c - the pictures: the one-prediction heat-map byte for byte
 * against colours worked out by hand from matplotlib's 'hot' segment data,
 * imshow's scaling rules (global, per row, fixed, symmetric), the marks on a
 * poster, and golden files for each kind of picture.
 *
 * Golden files live in tests/golden/ as gzip-compressed PPM (NAME.ppm.gz).
 * After an intended change of a picture, run from the top of the source tree
 *   NNART_UPDATE_GOLDEN=1 BUILD/tests/test_render
 * which writes the new pictures as tests/golden/NAME.ppm; look at them, then
 *   gzip -9nf tests/golden/render_*.ppm tests/golden/dream_*.ppm */
#include <stdlib.h>

#include "nnart.h"
#include "test.h"
#include "golden.h"

/* The colour of pixel (x, y). */
static const uint8_t *px(const nn_image *img, size_t x, size_t y)
{
    return img->px + (y * img->width + x) * img->channels;
}

static int is_rgb(const uint8_t *p, int r, int g, int b)
{
    return p[0] == r && p[1] == g && p[2] == b;
}

/* Pixels of exactly this colour in the image. */
static size_t count_rgb(const nn_image *img, int r, int g, int b)
{
    size_t n = 0;
    for (size_t y = 0; y < img->height; y++)
        for (size_t x = 0; x < img->width; x++)
            n += is_rgb(px(img, x, y), r, g, b);
    return n;
}

/* 'hot' worked out by hand from matplotlib's _hot_data at the table entry
 * floor(v * 256), sampled at x = i / 255, times 255 truncated:
 *   v = 0:    x = 0,       red 0.0416 -> 10
 *   v = 0.25: x = 64/255,  red 0.0416 + 0.9584 * x / 0.365079 = 0.70047 -> 178
 *   v = 0.5:  x = 128/255, red 1, green (x - 0.365079) / 0.380953 = 0.35932 -> 91
 *   v = 1:    x = 1,       white */
static const uint8_t HOT_0[3] = {10, 0, 0}, HOT_25[3] = {178, 0, 0}, HOT_50[3] = {255, 91, 0},
                     HOT_1[3] = {255, 255, 255};

/* One prediction: exactly imshow(predictions[0], cmap='hot'), each value an
 * S x S block, vmin/vmax the data's min/max (0 and 0.8 here, so 0.2 and 0.4
 * normalise to exactly 0.25 and 0.5 in float32). */
static void test_single_prediction_strip(void)
{
    const float v[10] = {0.4f, 0.0f, 0.8f, 0.2f, 0.0f, 0.0f, 0.4f, 0.2f, 0.8f, 0.0f};
    const size_t S = 4;
    nn_render_style s;
    nn_render_style_default(&s, S);
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_heatmap(&img, v, 1, 10, &s, &err), &err);
    CHECK(img.width == 10 * S && img.height == S && img.channels == 3);
    uint8_t *want = malloc(10 * S * S * 3);
    for (size_t y = 0; y < S; y++)
        for (size_t x = 0; x < 10 * S; x++) {
            float val = v[x / S];
            const uint8_t *c = val == 0.0f ? HOT_0 : val == 0.2f ? HOT_25 : val == 0.4f ? HOT_50
                                                                                  : HOT_1;
            memcpy(want + (y * 10 * S + x) * 3, c, 3);
        }
    CHECK(img.px && memcmp(img.px, want, 10 * S * S * 3) == 0);
    check_golden(&img, "render_strip.ppm");
    free(want);
    nn_image_free(&img);
}

/* imshow scales the whole array by its global min and max; per-row ranges,
 * fixed limits (values beyond them take the ends) and symmetric ranges. */
static void test_heatmap_ranges(void)
{
    const float v[6] = {0.0f, 0.2f, 0.4f,   /* row 0 */
                        0.4f, 0.8f, 0.6f};  /* row 1 */
    nn_render_style s;
    nn_render_style_default(&s, 1);
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_heatmap(&img, v, 2, 3, &s, &err), &err);
    CHECK(img.width == 3 && img.height == 2);
    CHECK(is_rgb(px(&img, 0, 0), 10, 0, 0));    /* global min 0 */
    CHECK(is_rgb(px(&img, 1, 0), 178, 0, 0));   /* 0.2 / 0.8 = 0.25 */
    CHECK(is_rgb(px(&img, 0, 1), 255, 91, 0));  /* 0.5 */
    CHECK(is_rgb(px(&img, 1, 1), 255, 255, 255));
    nn_image_free(&img);

    s.range = NN_RANGE_TILE; /* row 1 alone: 0.4 .. 0.8 */
    CHECK_OK(nn_render_heatmap(&img, v, 2, 3, &s, &err), &err);
    CHECK(is_rgb(px(&img, 2, 0), 255, 255, 255)); /* row 0's max is 0.4 */
    CHECK(is_rgb(px(&img, 0, 1), 10, 0, 0));
    CHECK(is_rgb(px(&img, 2, 1), 255, 91, 0));
    nn_image_free(&img);

    nn_render_style_default(&s, 1);
    s.set_vmin = s.set_vmax = 1;
    s.vmin = 0.2f, s.vmax = 0.6f; /* 0 is under, 0.8 over */
    CHECK_OK(nn_render_heatmap(&img, v, 2, 3, &s, &err), &err);
    CHECK(is_rgb(px(&img, 0, 0), 10, 0, 0));
    CHECK(is_rgb(px(&img, 1, 0), 10, 0, 0));
    CHECK(is_rgb(px(&img, 2, 1), 255, 255, 255));
    CHECK(is_rgb(px(&img, 1, 1), 255, 255, 255));
    nn_image_free(&img);

    /* bwr centred on 0: -m is pure blue, +m pure red. */
    const float w[3] = {-0.5f, 0.25f, 0.5f};
    nn_render_style_default(&s, 1);
    s.cmap = NN_CMAP_BWR, s.range = NN_RANGE_SYMMETRIC;
    CHECK_OK(nn_render_heatmap(&img, w + 1, 1, 1, &s, &err), &err);
    CHECK(is_rgb(px(&img, 0, 0), 255, 0, 0)); /* alone, 0.25 is its own max */
    nn_image_free(&img);
    CHECK_OK(nn_render_heatmap(&img, w, 1, 3, &s, &err), &err);
    CHECK(is_rgb(px(&img, 0, 0), 0, 0, 255));
    CHECK(is_rgb(px(&img, 2, 0), 255, 0, 0));
    nn_image_free(&img);
}

static void test_bad_styles(void)
{
    const float v[2] = {0.0f, 1.0f};
    nn_render_style s;
    nn_image img;
    nn_error err;
    nn_render_style_default(&s, 0);
    CHECK(nn_render_heatmap(&img, v, 1, 2, &s, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "scale 0");
    CHECK(img.px == NULL);
    nn_render_style_default(&s, 2);
    s.set_vmin = s.set_vmax = 1, s.vmin = 2.0f, s.vmax = 1.0f;
    CHECK(nn_render_heatmap(&img, v, 1, 2, &s, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "vmin 2 is above vmax 1");
    CHECK(img.px == NULL);
    s.set_vmax = 0; /* vmin 2 above the data's max 1 */
    CHECK(nn_render_heatmap(&img, v, 1, 2, &s, &err) == NN_ERR_ARG);
    s.vmin = NAN;
    s.set_vmin = 1;
    CHECK(nn_render_heatmap(&img, v, 1, 2, &s, &err) == NN_ERR_ARG);
    nn_render_style_default(&s, 4096);
    CHECK(nn_render_heatmap(&img, v, 1, 10, &s, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "out of range");
    CHECK(img.px == NULL);
}

static void test_minmax_and_square(void)
{
    const float v[5] = {NAN, 3.0f, -1.0f, NAN, 2.0f};
    float lo, hi;
    nn_minmax(v, 5, &lo, &hi);
    CHECK(lo == -1.0f && hi == 3.0f);
    nn_minmax(v, 1, &lo, &hi);
    CHECK(lo == 0.0f && hi == 0.0f);
    size_t side = 0;
    nn_error err;
    CHECK(nn_square_side(784, &side, &err) == NN_OK && side == 28);
    CHECK(nn_square_side(1, &side, &err) == NN_OK && side == 1);
    CHECK(nn_square_side(65536, &side, &err) == NN_OK && side == 256);
    CHECK(nn_square_side(785, &side, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "785 inputs");
    CHECK(nn_square_side(0, &side, &err) == NN_ERR_ARG);
}

/* A poster of three predictions over four classes from 4x4 inputs; the
 * second is misclassified. */
static const float POSTER_PROBS[12] = {0.7f, 0.1f, 0.1f, 0.1f,
                                       0.05f, 0.05f, 0.2f, 0.7f,
                                       0.0f, 0.9f, 0.05f, 0.05f};
static const int POSTER_LABELS[3] = {0, 2, 1};

static void poster_inputs(float *x)
{
    for (size_t i = 0; i < 3 * 16; i++)
        x[i] = (float)((i * 7) % 16) / 15.0f;
}

/* Pixels of the predicted-class frame: one per row, (S + 2t)^2 - S^2 each;
 * the red band only on the misclassified row; nothing red with correct labels. */
static void test_poster_marks(void)
{
    float x[48];
    poster_inputs(x);
    const size_t S = 16, t = 1; /* frame thickness max(1, S / 16) */
    nn_render_style s;
    nn_render_style_default(&s, S);
    nn_poster p = {3, 4, POSTER_PROBS, x, 4, 4, POSTER_LABELS, NULL};
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_poster(&img, &p, &s, &err), &err);
    CHECK(count_rgb(&img, 0, 200, 255) == 3 * ((S + 2 * t) * (S + 2 * t) - S * S));
    CHECK(count_rgb(&img, 214, 39, 40) >= S * S); /* a band S high on row 1 */
    nn_image_free(&img);
    const int right[3] = {0, 3, 1};
    p.labels = right;
    CHECK_OK(nn_render_poster(&img, &p, &s, &err), &err);
    CHECK(count_rgb(&img, 214, 39, 40) == 0);
    nn_image_free(&img);
    const int bad[3] = {0, 4, 1};
    p.labels = bad;
    CHECK(nn_render_poster(&img, &p, &s, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "label 4 of row 1");
    CHECK(img.px == NULL);
}

static void test_poster_golden(void)
{
    float x[48];
    poster_inputs(x);
    const size_t index[3] = {7, 8, 123};
    nn_render_style s;
    nn_render_style_default(&s, 24);
    s.range = NN_RANGE_PROBABILITY;
    nn_poster p = {3, 4, POSTER_PROBS, x, 4, 4, POSTER_LABELS, index};
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_poster(&img, &p, &s, &err), &err);
    check_golden(&img, "render_poster.ppm");
    nn_image_free(&img);
}

/* The strip of one prediction on the fixed probability scale: each cell is
 * hot(p) whatever the other values (0.26 is not drawn as white because it is
 * the largest), its value is written in it in black on light cells and white
 * on dark ones, the class numbers are under it, and the bar says the scale. */
static void test_strip_probability(void)
{
    const float v[4] = {0.25f, 0.5f, 0.0f, 1.0f};
    const size_t S = 32, M = 8; /* margin max(6, S / 4) */
    nn_render_style s;
    nn_render_style_default(&s, S);
    s.range = NN_RANGE_PROBABILITY;
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_strip(&img, v, 4, &s, &err), &err);
    const uint8_t *want[4] = {HOT_25, HOT_50, HOT_0, HOT_1};
    for (size_t c = 0; c < 4; c++) {
        /* the corners are the cell's colour, the middle holds its text */
        size_t x = M + c * S, y = M, ink = 0;
        CHECK(memcmp(px(&img, x, y), want[c], 3) == 0);
        CHECK(memcmp(px(&img, x + S - 1, y + S - 1), want[c], 3) == 0);
        for (size_t q = 0; q < S * S; q++)
            ink += memcmp(px(&img, x + q % S, y + q / S), want[c], 3) != 0;
        CHECK(ink > 20 && ink < S * S / 2);
    }
    /* ".250" on dark red in white, "1.00" on white in black */
    CHECK(count_rgb(&img, 255, 255, 255) > 0 && count_rgb(&img, 0, 0, 0) > 0);
    /* the class numbers: text-coloured pixels in the row under the cells */
    size_t nums = 0;
    for (size_t y = M + S; y < M + S + 16; y++)
        for (size_t x = 0; x < img.width; x++)
            nums += is_rgb(px(&img, x, y), 230, 230, 230);
    CHECK(nums > 4 * 10);
    check_golden(&img, "render_strip_values.ppm");
    nn_image_free(&img);

    /* The same values scaled from the smallest to the largest (imshow's
     * default) make 0.5 the white end. */
    const float w[2] = {0.25f, 0.5f};
    s.range = NN_RANGE_DATA;
    CHECK_OK(nn_render_strip(&img, w, 2, &s, &err), &err);
    CHECK(memcmp(px(&img, M, M), HOT_0, 3) == 0);
    CHECK(memcmp(px(&img, M + S, M), HOT_1, 3) == 0);
    nn_image_free(&img);
    /* Cells too small for text hold their colour alone. */
    nn_render_style_default(&s, 8);
    s.range = NN_RANGE_PROBABILITY;
    CHECK_OK(nn_render_strip(&img, v, 4, &s, &err), &err);
    size_t same = 0;
    for (size_t q = 0; q < 64; q++)
        same += memcmp(px(&img, 6 + q % 8, 6 + q / 8), HOT_25, 3) == 0;
    CHECK(same == 64);
    nn_image_free(&img);
    s.range = NN_RANGE_OFF_DIAGONAL;
    CHECK(nn_render_strip(&img, v, 4, &s, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "confusion matrix");
}

/* Dreams: grey tiles on a fixed [0, 1] scale with labels. */
static void test_tiles_dream_golden(void)
{
    float v[3 * 25];
    for (size_t i = 0; i < 75; i++)
        v[i] = (float)((i * 5) % 11) / 10.0f;
    const char *labels[3] = {"0 p=.9", "1", "2"};
    nn_render_style s;
    nn_render_style_default(&s, 3);
    s.cmap = NN_CMAP_GRAY, s.set_vmin = s.set_vmax = 1;
    nn_tiles t = {3, 5, 5, v, labels, 0};
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_tiles(&img, &t, &s, &err), &err);
    check_golden(&img, "dream_tiles.ppm");
    nn_image_free(&img);
}

/* First-layer weights: bwr, each tile centred on 0 by its own max |w|; two
 * columns of tiles.  Each tile's largest |w| is pure red or pure blue. */
static void test_tiles_weights(void)
{
    float v[4 * 12];
    for (size_t i = 0; i < 48; i++)
        v[i] = ((float)((i * 5) % 13) - 6.0f) * (float)(1 + i / 12);
    const char *labels[4] = {"0", "1", "2", "3"};
    nn_render_style s;
    nn_render_style_default(&s, 2);
    s.cmap = NN_CMAP_BWR, s.range = NN_RANGE_TILE_SYMMETRIC;
    nn_tiles t = {4, 3, 4, v, labels, 2};
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_tiles(&img, &t, &s, &err), &err);
    /* Count the values equal to -max|w| and +max|w| of their tile; each is
     * a 2 x 2 block, and nothing else in the picture is pure blue or red. */
    size_t n_blue = 0, n_red = 0;
    for (size_t k = 0; k < 4; k++) {
        float m = 0.0f;
        for (size_t j = 0; j < 12; j++)
            m = fmaxf(m, fabsf(v[k * 12 + j]));
        for (size_t j = 0; j < 12; j++) {
            n_blue += v[k * 12 + j] == -m;
            n_red += v[k * 12 + j] == m;
        }
    }
    CHECK(count_rgb(&img, 0, 0, 255) == n_blue * 4);
    CHECK(count_rgb(&img, 255, 0, 0) == n_red * 4);
    check_golden(&img, "render_weights.ppm");
    nn_image_free(&img);
}

/* A 3-class confusion matrix: the largest count is white with black digits,
 * zero is hot(0) with white digits. */
static void test_confusion(void)
{
    const size_t counts[9] = {9, 0, 3,
                              2, 7, 1,
                              0, 4, 8};
    nn_render_style s;
    nn_render_style_default(&s, 12);
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_confusion(&img, counts, 3, &s, &err), &err);
    /* The 9 cell: 12 x 12 white minus the black pixels of "9". */
    size_t white = count_rgb(&img, 255, 255, 255), black = count_rgb(&img, 0, 0, 0);
    CHECK(black > 0 && white > 0 && white + black >= 12 * 12);
    check_golden(&img, "render_confusion.ppm");
    nn_image_free(&img);
    CHECK(nn_render_confusion(&img, counts, 0, &s, &err) == NN_ERR_ARG);
}

/* The colour of cell (t, p) of a 3-class confusion matrix at scale 12: its
 * top-left pixel (counts are written in the middle). */
static const uint8_t *cell_px(const nn_image *img, size_t t, size_t p)
{
    /* layout at S = 12: line 1, fa 1, M 8, gap 4, text height 7: the grid
     * starts at x = 8 + 6 + 8 + 6 + 4 + 1 = 33, y = 8 + 7 + 4 + 7 + 4 + 1 = 31 */
    return px(img, 33 + p * 13, 31 + t * 13);
}

/* The scale for errors: 0 to the largest off-diagonal count (4 here), the
 * diagonal clipped white; the logarithmic scale: hot(log(1 + n) / log(10)). */
static void test_confusion_scales(void)
{
    const size_t counts[9] = {9, 0, 3,
                              2, 7, 1,
                              0, 4, 8};
    nn_render_style s;
    nn_render_style_default(&s, 12);
    s.range = NN_RANGE_OFF_DIAGONAL;
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_confusion(&img, counts, 3, &s, &err), &err);
    CHECK(memcmp(cell_px(&img, 0, 0), HOT_1, 3) == 0);
    CHECK(memcmp(cell_px(&img, 1, 1), HOT_1, 3) == 0);
    CHECK(memcmp(cell_px(&img, 2, 1), HOT_1, 3) == 0);  /* 4: the largest error */
    CHECK(memcmp(cell_px(&img, 1, 2), HOT_25, 3) == 0); /* 1 / 4 */
    CHECK(memcmp(cell_px(&img, 0, 1), HOT_0, 3) == 0);
    check_golden(&img, "render_confusion_errors.ppm");
    nn_image_free(&img);

    s.range = NN_RANGE_LOG;
    CHECK_OK(nn_render_confusion(&img, counts, 3, &s, &err), &err);
    for (size_t i = 0; i < 9; i++) {
        uint8_t want[3];
        nn_colormap_rgb(NN_CMAP_HOT, (float)(log(1.0 + (double)counts[i]) / log(10.0)), want);
        CHECK(memcmp(cell_px(&img, i / 3, i % 3), want, 3) == 0);
    }
    nn_image_free(&img);
}

int main(void)
{
    RUN(test_single_prediction_strip);
    RUN(test_heatmap_ranges);
    RUN(test_bad_styles);
    RUN(test_minmax_and_square);
    RUN(test_poster_marks);
    RUN(test_poster_golden);
    RUN(test_strip_probability);
    RUN(test_tiles_dream_golden);
    RUN(test_tiles_weights);
    RUN(test_confusion);
    RUN(test_confusion_scales);
    return t_summary();
}
