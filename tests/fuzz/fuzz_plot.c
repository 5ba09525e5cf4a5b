/* fuzz_plot.c - libFuzzer target for the layout arithmetic of the training
 * charts (pictures/plot.h) on any doubles, and for the chart drawn from them,
 * both directly and through the history reader.
 *
 * Input: one byte of settings, then doubles as 8 little-endian bytes each
 * (any bit pattern: NaN, infinities, denormals, values a bit apart).
 *   settings & 15: the ticks wanted, 1..16; & 16: a minimum step of 1;
 *   & 32: epochs made increasing; & 64: validation columns; & 128: the
 *   history drawn through its CSV rather than directly (one chart per input:
 *   a chart is most of the time an input takes).
 * Each pair of doubles is an axis range, checked for: finite limits around
 * the values, a positive finite step, at most NNI_PLOT_MAX_TICKS (and about
 * the wanted number of) ticks in increasing order inside it, pixels between
 * the axis ends for any value, labels that read back within half a step.
 * The doubles, three (or five) per row, are also a history of up to 8 rows,
 * drawn as given, or written as CSV, read back and drawn. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz.h"
#include "nn_plot.h"
#include "pictures/plot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DOUBLES 40
#define MAX_ROWS 8

static double read_double(const uint8_t *p)
{
    uint64_t bits = 0;
    for (int i = 7; i >= 0; i--)
        bits = bits << 8 | p[i];
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* The value an axis is built around: clamped as nni_plot_axis does. */
static double clamped(double v)
{
    if (isnan(v))
        return 0.0;
    return fmax(-NNI_PLOT_LIMIT, fmin(NNI_PLOT_LIMIT, v));
}

static void check_pixel(const nni_axis *a, double v)
{
    long p = nni_axis_pixel(a, v), lo = a->p0 < a->p1 ? a->p0 : a->p1;
    long hi = a->p0 < a->p1 ? a->p1 : a->p0;
    FUZZ_ASSERT(p >= lo && p <= hi);
}

/* The label of tick v reads back as v, to within half a step. */
static void check_label(double v, double step)
{
    char s[32];
    nni_tick_label(s, sizeof s, v, step);
    FUZZ_ASSERT(s[0] != '\0' && strlen(s) < sizeof s - 1);
    char *end;
    double back = strtod(s, &end);
    FUZZ_ASSERT(*end == '\0');
    FUZZ_ASSERT(fabs(back - v) <= 0.5 * step * (1.0 + 1e-9) + 1e-15 * fabs(v));
}

static void check_axis(double lo, double hi, double want, double min_step, const double *vs,
                       size_t n_vs)
{
    nni_axis a = nni_plot_axis(lo, hi, want, min_step, 338, 44);
    FUZZ_ASSERT(isfinite(a.lo) && isfinite(a.hi) && a.lo < a.hi && isfinite(a.hi - a.lo));
    FUZZ_ASSERT(isfinite(a.step) && a.step > 0.0 && a.step >= min_step);
    double vlo = fmin(clamped(lo), clamped(hi)), vhi = fmax(clamped(lo), clamped(hi));
    FUZZ_ASSERT(a.lo < vlo && a.hi > vhi);
    double ticks[NNI_PLOT_MAX_TICKS];
    size_t n = nni_axis_ticks(&a, ticks);
    FUZZ_ASSERT(n <= NNI_PLOT_MAX_TICKS && (double)n <= want + 2.0);
    if (want >= 3.0 && min_step == 0.0)
        FUZZ_ASSERT(n >= 1);
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(ticks[i] <= a.hi && ticks[i] >= a.lo - a.step);
        FUZZ_ASSERT(i == 0 || ticks[i] > ticks[i - 1]);
        check_pixel(&a, ticks[i]);
        check_label(ticks[i], a.step);
    }
    for (size_t i = 0; i < n_vs; i++)
        check_pixel(&a, vs[i]);
}

/* Draws h; a history nn_plot_history refuses must have a bad value. */
static void draw(const nn_history *h)
{
    nn_image img;
    nn_error err = {0};
    if (nn_plot_history(h, &img, &err) == NN_OK) {
        FUZZ_ASSERT(img.width == NN_PLOT_WIDTH && img.height == NN_PLOT_HEIGHT && img.px);
        nn_image_free(&img);
        return;
    }
    FUZZ_ASSERT(img.px == NULL && err.msg[0] != '\0');
    int bad = 0;
    for (size_t i = 0; i < h->n; i++) {
        bad |= !isfinite(h->epoch[i]) || !isfinite(h->loss[i]) || !isfinite(h->accuracy[i]);
        bad |= h->has_val && (!isfinite(h->val_loss[i]) || !isfinite(h->val_accuracy[i]));
        bad |= i > 0 && !(h->epoch[i] > h->epoch[i - 1]);
    }
    FUZZ_ASSERT(bad);
}

/* h as nnart train's CSV, read back and drawn. */
static void draw_csv(const nn_history *h)
{
    char csv[MAX_ROWS * 5 * 26 + 64];
    size_t len = (size_t)snprintf(csv, sizeof csv, "epoch,loss,accuracy,val_loss,val_accuracy\n");
    for (size_t i = 0; i < h->n; i++) {
        len += (size_t)snprintf(csv + len, sizeof csv - len, "%.17g,%.17g,%.17g", h->epoch[i],
                                h->loss[i], h->accuracy[i]);
        if (h->has_val)
            len += (size_t)snprintf(csv + len, sizeof csv - len, ",%.17g,%.17g\n",
                                    h->val_loss[i], h->val_accuracy[i]);
        else
            len += (size_t)snprintf(csv + len, sizeof csv - len, ",,\n");
    }
    FUZZ_ASSERT(len < sizeof csv);
    nn_history back;
    nn_error err = {0};
    if (nn_history_parse((const uint8_t *)csv, len, "h.csv", &back, &err) != NN_OK) {
        fuzz_check_message(&err, "h.csv");
        return;
    }
    FUZZ_ASSERT(back.n == h->n);
    for (size_t i = 0; i < h->n; i++)
        FUZZ_ASSERT(back.epoch[i] == h->epoch[i] && back.loss[i] == h->loss[i]);
    draw(&back);
    nn_history_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned settings = data[0];
    double want = (double)(settings % 16 + 1), min_step = settings & 16 ? 1.0 : 0.0;
    double v[MAX_DOUBLES];
    size_t n = 0;
    for (size_t at = 1; at + 8 <= size && n < MAX_DOUBLES; at += 8)
        v[n++] = read_double(data + at);
    for (size_t i = 0; i + 1 < n || i == 0; i += 2)
        check_axis(n > i ? v[i] : 0.0, n > i + 1 ? v[i + 1] : (n > i ? v[i] : 0.0), want,
                   min_step, v, n);

    /* Rows of epoch, loss, accuracy (and val_loss, val_accuracy). */
    int has_val = (settings & 64) != 0;
    size_t per_row = has_val ? 5 : 3, rows = n / per_row;
    if (rows == 0)
        return 0;
    if (rows > MAX_ROWS)
        rows = MAX_ROWS;
    double col[5][MAX_ROWS];
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < per_row; c++)
            col[c][r] = v[r * per_row + c];
    for (size_t r = 1; (settings & 32) && r < rows; r++)
        if (!(col[0][r] > col[0][r - 1]) && isfinite(col[0][r - 1]) && col[0][r - 1] < DBL_MAX)
            col[0][r] = nextafter(col[0][r - 1], INFINITY);
    nn_history h = {.n = rows, .has_val = has_val, .epoch = col[0], .loss = col[1],
                    .accuracy = col[2], .val_loss = has_val ? col[3] : NULL,
                    .val_accuracy = has_val ? col[4] : NULL};
    if (settings & 128)
        draw_csv(&h);
    else
        draw(&h);
    return 0;
}
