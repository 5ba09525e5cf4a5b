/* test_plot.c - training histories: the CSV reader on nnart's and Keras's
 * files and on malformed ones, and the chart, pixel by pixel where the
 * position of a point can be worked out by hand, and against golden files.
 *
 * Golden files live in tests/golden/ as gzip-compressed PPM (NAME.ppm.gz).
 * After an intended change of the chart, run from the top of the source tree
 *   NNART_UPDATE_GOLDEN=1 BUILD/tests/test_plot
 * which writes tests/golden/plot_*.ppm; look at them, then
 *   gzip -9nf tests/golden/plot_*.ppm */
#include <float.h>
#include <stdlib.h>

#include "nnart.h"
#include "pictures/plot.h"
#include "test.h"
#include "golden.h"

static int parse(const char *csv, nn_history *h, nn_error *err)
{
    return nn_history_parse((const uint8_t *)csv, strlen(csv), "h.csv", h, err);
}

/* Parsing fails with NN_ERR_FORMAT and a one-line message naming the file
 * and containing want; h stays empty. */
static void expect_bad(const char *csv, const char *want)
{
    nn_history h;
    nn_error err = {0};
    CHECK(parse(csv, &h, &err) == NN_ERR_FORMAT);
    CHECK(strncmp(err.msg, "h.csv: ", 7) == 0);
    CHECK(strchr(err.msg, '\n') == NULL && strchr(err.msg, '\r') == NULL);
    CHECK_MSG(err.msg, want);
    CHECK(strstr(err.msg, "--") == NULL); /* the library names no command-line option */
    CHECK(h.n == 0 && h.epoch == NULL && h.loss == NULL && h.val_loss == NULL);
}

static void test_parse_nnart(void)
{
    nn_history h;
    nn_error err = {0};
    CHECK_OK(parse("epoch,loss,accuracy,val_loss,val_accuracy,seconds\n"
                   "1,2.5,0.25,2.0,0.3,0.5\n"
                   "2,1.25,0.5,1.5,0.45,0.25\n",
                   &h, &err),
             &err);
    CHECK(h.n == 2 && h.has_val == 1);
    CHECK(h.epoch[0] == 1 && h.epoch[1] == 2);
    CHECK(h.loss[0] == 2.5 && h.loss[1] == 1.25);
    CHECK(h.accuracy[0] == 0.25 && h.accuracy[1] == 0.5);
    CHECK(h.val_loss[0] == 2.0 && h.val_loss[1] == 1.5);
    CHECK(h.val_accuracy[0] == 0.3 && h.val_accuracy[1] == 0.45);
    nn_history_free(&h);
    CHECK(h.n == 0 && h.epoch == NULL);

    /* Without validation: the columns are there, empty. */
    CHECK_OK(parse("epoch,loss,accuracy,val_loss,val_accuracy,seconds\n1,0.5,0.75,,,0.1\n", &h,
                   &err),
             &err);
    CHECK(h.n == 1 && h.has_val == 0 && h.val_loss == NULL && h.val_accuracy == NULL);
    CHECK(h.loss[0] == 0.5 && h.accuracy[0] == 0.75);
    nn_history_free(&h);
}

/* Keras's CSVLogger: other column order, epochs from 0, CRLF line ends, no
 * newline at the end; and a minimal file. */
static void test_parse_other_layouts(void)
{
    nn_history h;
    nn_error err = {0};
    CHECK_OK(parse("epoch,accuracy,loss,val_accuracy,val_loss\r\n"
                   "0,0.8736666440963745,0.4432,0.9,0.31\r\n"
                   "1,0.9311,0.2378,0.93,0.25",
                   &h, &err),
             &err);
    CHECK(h.n == 2 && h.has_val == 1);
    CHECK(h.epoch[0] == 0 && h.epoch[1] == 1);
    CHECK(h.accuracy[0] == 0.8736666440963745 && h.loss[1] == 0.2378);
    CHECK(h.val_accuracy[1] == 0.93 && h.val_loss[0] == 0.31);
    nn_history_free(&h);
    CHECK_OK(parse("loss,epoch,accuracy\n 3 , 1 ,0.5\n\n2,2,0.6\n\n", &h, &err), &err);
    CHECK(h.n == 2 && h.has_val == 0 && h.loss[0] == 3 && h.epoch[1] == 2);
    nn_history_free(&h);
    /* A lone validation column is ignored. */
    CHECK_OK(parse("epoch,loss,accuracy,val_loss\n1,1,0.5,0.9\n", &h, &err), &err);
    CHECK(h.n == 1 && h.has_val == 0);
    nn_history_free(&h);
}

static void test_parse_errors(void)
{
    expect_bad("", "empty, not a training history");
    expect_bad("\nepoch,loss,accuracy\n", "empty, not a training history");
    expect_bad("epoch,accuracy\n1,0.5\n", "line 1: no 'loss' column (the header reads 'epoch,accuracy'");
    expect_bad("epoch,loss\n1,0.5\n",
               "line 1: no 'accuracy' column (the header reads 'epoch,loss'; nnart train's history "
               "CSV has epoch,loss,accuracy,val_loss,val_accuracy,seconds)");
    expect_bad("epoch,loss,loss,accuracy\n", "line 1: column 'loss' given twice");
    expect_bad("epoch,loss,accuracy\n", "no epochs, only the header line");
    expect_bad("epoch,loss,accuracy\n1,0.5\n", "line 2: 2 fields, the header has 3");
    expect_bad("epoch,loss,accuracy\n1,0.5,0.2,7\n", "line 2: 4 fields, the header has 3");
    expect_bad("epoch,loss,accuracy\n1,abc,0.2\n", "line 2, column 'loss': 'abc' is not a finite number");
    expect_bad("epoch,loss,accuracy\n1,0.5,0.2\n2,nan,0.3\n", "line 3, column 'loss': 'nan'");
    expect_bad("epoch,loss,accuracy\n1,inf,0.2\n", "'inf' is not a finite number");
    expect_bad("epoch,loss,accuracy\n1,1e999,0.2\n", "'1e999' is not a finite number");
    expect_bad("epoch,loss,accuracy\n1,0x10,0.2\n", "'0x10' is not a finite number");
    expect_bad("epoch,loss,accuracy\n1,,0.2\n", "column 'loss': '' is not a finite number");
    expect_bad("epoch,loss,accuracy\n1,0.5\x01\r,0.2\n", "'0.5?" "?' is not a finite number");
    expect_bad("epoch,loss,accuracy\n1,0.00000000001234567890123456789012345678901234567890123456"
               "789012345678901234567890,0.2\n",
               "'0.0000000000123456789012...' is not");
    expect_bad("epoch,loss,accuracy,val_loss,val_accuracy\n1,1,0.5,,\n2,0.9,0.6,0.8,0.7\n",
               "line 3: val_loss is given here but empty on line 2");
    expect_bad("epoch,loss,accuracy,val_loss,val_accuracy\n1,1,0.5,1,0.4\n2,0.9,0.6,,\n",
               "line 3: val_loss is empty here but given on line 2");
    expect_bad("epoch,loss,accuracy,val_loss,val_accuracy\n1,1,0.5,1,\n",
               "line 2: val_accuracy is empty here but given on line 2");
    expect_bad("epoch,loss,accuracy\n2,1,0.5\n2,0.9,0.6\n", "line 3: epoch 2 does not follow epoch 2");
    expect_bad("epoch,loss,accuracy\n3,1,0.5\n1,0.9,0.6\n", "epochs must increase");
    char many[400] = "epoch,loss,accuracy";
    for (int i = 0; i < 70; i++)
        strcat(many, ",x");
    expect_bad(many, "line 1: more than 64 columns");

    nn_history h;
    nn_error err = {0};
    CHECK(nn_history_parse(NULL, 3, "h.csv", &h, &err) == NN_ERR_ARG);
    CHECK(nn_history_load("/nonexistent/h.csv", &h, &err) == NN_ERR_IO);
    CHECK_MSG(err.msg, "/nonexistent/h.csv: cannot open");
}

static const uint8_t *px(const nn_image *img, long x, long y)
{
    return img->px + ((size_t)y * img->width + (size_t)x) * 3;
}

static int is_rgb(const uint8_t *p, int r, int g, int b)
{
    return p[0] == r && p[1] == g && p[2] == b;
}

static size_t count_rgb(const nn_image *img, int r, int g, int b)
{
    size_t n = 0;
    for (size_t i = 0; i < img->width * img->height; i++)
        n += is_rgb(img->px + 3 * i, r, g, b);
    return n;
}

/* Where the points land, worked out by hand.  Plot area of the left panel:
 * x from 78 to 464, y from 338 (bottom) to 44 (top).  Epochs 1..3 with 5%
 * margin: x axis 0.9..3.1, so epoch e is at 78 + (e - 0.9) / 2.2 * 386:
 * 95.5 -> 96, 271, 446.45 -> 446.  Loss 1.0, 0.6, 0.2 (val
 * 0.8, 0.5, 0.4): values 0.2..1.0, axis 0.16..1.04, so v is at
 * 338 - (v - 0.16) / 0.88 * 294: 1.0 -> 57.4 -> 57, 0.6 -> 191, 0.2 -> 324.6
 * -> 325, 0.8 -> 124, 0.5 -> 224.4 -> 224, 0.4 -> 257.8 -> 258. */
static void test_chart_points(void)
{
    nn_history h;
    nn_error err = {0};
    CHECK_OK(parse("epoch,loss,accuracy,val_loss,val_accuracy,seconds\n"
                   "1,1.0,0.5,0.8,0.55,1\n2,0.6,0.7,0.5,0.68,1\n3,0.2,0.9,0.4,0.8,1\n",
                   &h, &err),
             &err);
    nn_image img;
    CHECK_OK(nn_plot_history(&h, &img, &err), &err);
    CHECK(img.width == NN_PLOT_WIDTH && img.height == NN_PLOT_HEIGHT && img.channels == 3);
    if (!img.px) {
        nn_history_free(&h);
        return;
    }
    CHECK(is_rgb(px(&img, 0, 0), 255, 255, 255));
    /* The training loss markers (6 x 6, from 2 before the point): blue. */
    const long tx[3] = {96, 271, 446}, ty[3] = {57, 191, 325}, vy[3] = {124, 224, 258};
    for (int i = 0; i < 3; i++) {
        CHECK(is_rgb(px(&img, tx[i], ty[i]), 31, 119, 180));
        CHECK(is_rgb(px(&img, tx[i] - 2, ty[i] - 2), 31, 119, 180));
        CHECK(is_rgb(px(&img, tx[i] + 3, ty[i] + 3), 31, 119, 180));
        if (i == 0) /* no line comes from the upper left */
            CHECK(is_rgb(px(&img, tx[i] - 3, ty[i] - 3), 255, 255, 255) ||
                  is_rgb(px(&img, tx[i] - 3, ty[i] - 3), 225, 225, 225));
        CHECK(is_rgb(px(&img, tx[i], vy[i]), 255, 127, 14)); /* validation: orange */
    }
    /* The frame of the left plot area. */
    CHECK(is_rgb(px(&img, 78, 200), 0, 0, 0) && is_rgb(px(&img, 464, 200), 0, 0, 0));
    CHECK(is_rgb(px(&img, 300, 44), 0, 0, 0) && is_rgb(px(&img, 300, 338), 0, 0, 0));
    CHECK(is_rgb(px(&img, 300, 43), 255, 255, 255) && is_rgb(px(&img, 300, 339), 255, 255, 255));
    /* Accuracy in the right panel (offset 480): 0.5..0.9, axis 0.48..0.92,
     * 0.5 -> 338 - 0.02 / 0.44 * 294 = 324.6 -> 325, 0.9 -> 57.4 -> 57. */
    CHECK(is_rgb(px(&img, 480 + 96, 325), 31, 119, 180));
    CHECK(is_rgb(px(&img, 480 + 446, 57), 31, 119, 180));
    check_golden(&img, "plot_history.ppm");
    nn_image_free(&img);
    nn_history_free(&h);
}

/* Without validation nothing is orange; one epoch still makes a chart. */
static void test_chart_train_only(void)
{
    nn_history h;
    nn_error err = {0};
    CHECK_OK(parse("epoch,loss,accuracy,val_loss,val_accuracy,seconds\n"
                   "1,2.3,0.11,,,1\n2,1.1,0.6,,,1\n3,0.7,0.78,,,1\n4,0.45,0.86,,,1\n"
                   "5,0.38,0.89,,,1\n6,0.35,0.9,,,1\n",
                   &h, &err),
             &err);
    nn_image img;
    CHECK_OK(nn_plot_history(&h, &img, &err), &err);
    CHECK(count_rgb(&img, 255, 127, 14) == 0);
    CHECK(count_rgb(&img, 31, 119, 180) > 500);
    check_golden(&img, "plot_train.ppm");
    nn_image_free(&img);
    nn_history_free(&h);

    CHECK_OK(parse("epoch,loss,accuracy\n1,0.5,0.5\n", &h, &err), &err);
    CHECK_OK(nn_plot_history(&h, &img, &err), &err);
    /* Flat values: the axis is widened by 10% on each side (loss 0.45..0.55,
     * epoch 0.9..1.1) plus 5%: the point is in the middle of the plot area,
     * at (78 + 386 / 2, 338 - 294 / 2) = (271, 191). */
    CHECK(is_rgb(px(&img, 271, 191), 31, 119, 180));
    nn_image_free(&img);
    nn_history_free(&h);

    nn_history empty = {0};
    CHECK(nn_plot_history(&empty, &img, &err) == NN_ERR_ARG);
    CHECK(img.px == NULL);
}

/* An axis around [lo, hi] is finite and wider than the values, its step
 * positive, its ticks few, increasing, inside, and labelled to within half
 * a step. */
static void check_axis(double lo, double hi, double want, double min_step)
{
    nni_axis a = nni_plot_axis(lo, hi, want, min_step, 338, 44);
    CHECK(isfinite(a.lo) && isfinite(a.hi) && isfinite(a.hi - a.lo) && a.lo < a.hi);
    CHECK(isfinite(a.step) && a.step > 0.0 && a.step >= min_step);
    CHECK(a.lo < fmax(lo, -NNI_PLOT_LIMIT) && a.hi > fmin(hi, NNI_PLOT_LIMIT));
    double ticks[NNI_PLOT_MAX_TICKS];
    size_t n = nni_axis_ticks(&a, ticks);
    CHECK(n <= want + 2.0);
    if (min_step == 0.0)
        CHECK(n >= 1);
    for (size_t i = 0; i < n; i++) {
        char s[32];
        CHECK(ticks[i] >= a.lo - a.step && ticks[i] <= a.hi);
        CHECK(i == 0 || ticks[i] > ticks[i - 1]);
        long y = nni_axis_pixel(&a, ticks[i]);
        CHECK(y >= 44 && y <= 338);
        nni_tick_label(s, sizeof s, ticks[i], a.step);
        CHECK(strlen(s) < 30);
        CHECK(fabs(strtod(s, NULL) - ticks[i]) <= 0.5 * a.step * (1 + 1e-9));
    }
}

/* Values that made the layout loop for ever (an axis wider than the largest
 * double, a step of 0 from a denormal) and others at the edges of double. */
static void test_layout_hostile(void)
{
    check_axis(1.7e308, 1.7e308, 6, 0);    /* widened past DBL_MAX */
    check_axis(-1.7e308, 1.7e308, 6, 0);   /* hi - lo overflows */
    check_axis(-DBL_MAX, DBL_MAX, 8, 1);
    check_axis(5e-324, 5e-324, 6, 0);      /* 10% of it is 0: step 0 */
    check_axis(-1e-301, 1e-301, 6, 0);
    check_axis(1e-310, 1e-310, 6, 0);
    check_axis(1e-300, 1e300, 6, 0);
    check_axis(1.0, nextafter(1.0, 2.0), 6, 0);
    check_axis(1e300, nextafter(1e300, 2e300), 6, 0);
    check_axis(1e300, 1.0000000000001e300, 6, 0);
    check_axis(1e15, 1e15 + 1, 8, 1);
    check_axis(9007199254740992.0, 9007199254740994.0, 8, 1); /* 2^53: k + 1 == k */
    check_axis(0.0, DBL_MIN, 6, 0);
    check_axis(-0.0, 0.0, 6, 0);
    /* the same values as before for ordinary ones: 0.16..1.04, ticks 0.2 apart */
    nni_axis a = nni_plot_axis(0.2, 1.0, 6, 0, 338, 44);
    double ticks[NNI_PLOT_MAX_TICKS];
    CHECK_NEAR(a.lo, 0.16, 1e-15);
    CHECK_NEAR(a.hi, 1.04, 1e-15);
    CHECK(a.step == 0.2 && nni_axis_ticks(&a, ticks) == 5);
    CHECK(nni_axis_pixel(&a, 1.0) == 57 && nni_axis_pixel(&a, 0.2) == 325);
    CHECK(nni_axis_pixel(&a, 1e308) == 44 && nni_axis_pixel(&a, -1e308) == 338);
    CHECK(nni_axis_pixel(&a, NAN) == 338);
    /* labels: fixed while short, else exponents with the step's digits */
    char s[32];
    nni_tick_label(s, sizeof s, 0.4, 0.2);
    CHECK(strcmp(s, "0.4") == 0);
    nni_tick_label(s, sizeof s, -1e-9, 0.2);
    CHECK(strcmp(s, "0.0") == 0);
    nni_tick_label(s, sizeof s, 9.5e299, 5e298);
    CHECK(strcmp(s, "9.5e+299") == 0);
    nni_tick_label(s, sizeof s, 1.05e300, 5e298);
    CHECK(strcmp(s, "1.05e+300") == 0);
    nni_tick_label(s, sizeof s, 3e-300, 1e-300);
    CHECK(strcmp(s, "3e-300") == 0);
}

/* Charts of those values: drawn, with the points where the layout puts
 * them (flat values near 0 in the middle; values beyond 1e307 on the edge). */
static void test_chart_hostile(void)
{
    double epoch[2] = {1, 2}, loss[2], acc[2] = {0.5, 0.5};
    nn_history h = {.n = 1, .epoch = epoch, .loss = loss, .accuracy = acc};
    nn_image img;
    nn_error err = {0};
    const double flat[] = {5e-324, 1e-310, 0.0, -5e-324};
    for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++) {
        loss[0] = flat[i];
        CHECK_OK(nn_plot_history(&h, &img, &err), &err);
        CHECK(img.px && is_rgb(px(&img, 271, 191), 31, 119, 180));
        nn_image_free(&img);
    }
    loss[0] = 1.7e308;
    CHECK_OK(nn_plot_history(&h, &img, &err), &err);
    CHECK(img.px && is_rgb(px(&img, 271, 44), 31, 119, 180));
    nn_image_free(&img);
    h.n = 2;
    loss[0] = -1.7e308;
    loss[1] = 1.7e308;
    epoch[0] = -DBL_MAX;
    epoch[1] = DBL_MAX;
    CHECK_OK(nn_plot_history(&h, &img, &err), &err);
    CHECK(img.px && is_rgb(px(&img, 78, 338), 31, 119, 180) &&
          is_rgb(px(&img, 464, 44), 31, 119, 180));
    nn_image_free(&img);
    epoch[0] = 1e300;
    epoch[1] = nextafter(1e300, 2e300);
    loss[0] = 1e-300;
    loss[1] = 1e300;
    CHECK_OK(nn_plot_history(&h, &img, &err), &err);
    nn_image_free(&img);
}

int main(void)
{
    RUN(test_parse_nnart);
    RUN(test_parse_other_layouts);
    RUN(test_parse_errors);
    RUN(test_chart_points);
    RUN(test_chart_train_only);
    RUN(test_layout_hostile);
    RUN(test_chart_hostile);
    return t_summary();
}
