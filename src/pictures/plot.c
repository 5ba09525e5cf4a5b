/* plot.c - training histories: the CSV reader and the line charts (see
 * nn_plot.h).
 *
 * Chart layout (pixels), for each of the two panels side by side:
 *
 *   +------------------ PANEL_W ------------------+
 *   |                 title                       |  TOP: title
 *   |      +---------------------------------+    |
 *   | tick |  grid, lines, markers, legend   |    |
 *   | text |                                 |    |
 *   |      +---------------------------------+    |
 *   |       tick labels    /    "epoch"           |  BOTTOM
 *   +---------------------------------------------+
 *    LEFT                                    RIGHT
 *
 * A value v on an axis from lo to hi lands on pixel
 *   x = x0 + (v - lo) / (hi - lo) * (x1 - x0)   (y likewise, upwards),
 * rounded to the nearest pixel.  The axis spans the values with 5% to spare
 * on each side, and ticks sit at the whole multiples of a step of 1, 2 or 5
 * times a power of ten, as matplotlib's default locator picks them.  The
 * values come from a file: the layout (plot.h) holds for any finite ones,
 * and every loop in it and in the drawing is bounded by the chart's size or
 * the number of rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pictures/plot.h"
#include "nn_io.h"
#include "nn_plot.h"

/* ---- reading ------------------------------------------------------------- */

enum { COL_EPOCH, COL_LOSS, COL_ACC, COL_VAL_LOSS, COL_VAL_ACC, N_COLS };
static const char *const col_names[N_COLS] = {"epoch", "loss", "accuracy", "val_loss",
                                              "val_accuracy"};

#define MAX_FIELDS 64
#define MAX_FIELD 63 /* longest number accepted, in characters */

/* The next line of buf[*pos..len) (without its \n or \r\n) as [*start, *end);
 * returns 0 at the end of the buffer. */
static int next_line(const uint8_t *buf, size_t len, size_t *pos, size_t *start, size_t *end)
{
    if (*pos >= len)
        return 0;
    const uint8_t *nl = memchr(buf + *pos, '\n', len - *pos);
    *start = *pos;
    *end = nl ? (size_t)(nl - buf) : len;
    *pos = *end + 1;
    if (*end > *start && buf[*end - 1] == '\r')
        (*end)--;
    return 1;
}

/* Splits buf[start..end) at commas into at most MAX_FIELDS fields (offsets
 * into buf, trimmed of spaces).  Returns the number of fields, or
 * MAX_FIELDS + 1 if there are more. */
static size_t split_fields(const uint8_t *buf, size_t start, size_t end, size_t *fs, size_t *fe)
{
    size_t n = 0, at = start;
    for (;;) {
        const uint8_t *comma = memchr(buf + at, ',', end - at);
        size_t stop = comma ? (size_t)(comma - buf) : end;
        if (n == MAX_FIELDS)
            return MAX_FIELDS + 1;
        size_t a = at, b = stop;
        while (a < b && buf[a] == ' ')
            a++;
        while (b > a && buf[b - 1] == ' ')
            b--;
        fs[n] = a;
        fe[n] = b;
        n++;
        if (!comma)
            return n;
        at = stop + 1;
    }
}

/* Copies buf[a..b) for a message: at most 24 characters, anything that is
 * not printable ASCII shown as '?'. */
static void quote(char *out, size_t cap, const uint8_t *buf, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b && n + 4 < cap && n < 24; i++)
        out[n++] = buf[i] >= 0x20 && buf[i] < 0x7F ? (char)buf[i] : '?';
    if (b - a > 24 && n + 4 < cap) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

/* Parses buf[a..b) as a finite number; 0 on success. */
static int parse_number(const uint8_t *buf, size_t a, size_t b, double *v)
{
    char tmp[MAX_FIELD + 1];
    if (b == a || b - a > MAX_FIELD)
        return -1;
    memcpy(tmp, buf + a, b - a);
    tmp[b - a] = '\0';
    /* Decimal notation only: strtod would also take hex, "nan" and "inf". */
    if (strspn(tmp, "0123456789+-.eE") != b - a)
        return -1;
    char *end;
    *v = strtod(tmp, &end);
    return *end == '\0' && isfinite(*v) ? 0 : -1;
}

/* What the header says and what the rows have given so far. */
typedef struct history_rows {
    size_t nf;             /* fields per line: the header's */
    long col[N_COLS];      /* the field holding each column, -1 if there is none */
    int val_cols;          /* both validation columns are present */
    double *v[N_COLS];     /* the values of each column, one per row */
    size_t n;              /* rows read */
    int has_val;           /* the first row gives validation values (so all must) */
    size_t first_row_line; /* the line of the first row */
} history_rows;

/* The header line buf[s..e): the field of each column by its name; epoch,
 * loss and accuracy are required. */
static int read_header(const uint8_t *buf, size_t s, size_t e, const char *name, history_rows *t,
                       nn_error *err)
{
    size_t fs[MAX_FIELDS], fe[MAX_FIELDS];
    t->nf = split_fields(buf, s, e, fs, fe);
    if (t->nf > MAX_FIELDS)
        return nn_fail(err, NN_ERR_FORMAT, "%s: line 1: more than %d columns", name, MAX_FIELDS);
    for (size_t c = 0; c < N_COLS; c++) {
        t->col[c] = -1;
        for (size_t f = 0; f < t->nf; f++) {
            size_t n = strlen(col_names[c]);
            if (fe[f] - fs[f] != n || memcmp(buf + fs[f], col_names[c], n) != 0)
                continue;
            if (t->col[c] >= 0)
                return nn_fail(err, NN_ERR_FORMAT, "%s: line 1: column '%s' given twice",
                               name, col_names[c]);
            t->col[c] = (long)f;
        }
        if (t->col[c] < 0 && c <= COL_ACC) {
            char q[32];
            quote(q, sizeof q, buf, s, e);
            return nn_fail(err, NN_ERR_FORMAT,
                           "%s: line 1: no '%s' column (the header reads '%s'; nnart train's "
                           "history CSV has epoch,loss,accuracy,val_loss,val_accuracy,seconds)",
                           name, col_names[c], q);
        }
    }
    t->val_cols = t->col[COL_VAL_LOSS] >= 0 && t->col[COL_VAL_ACC] >= 0;
    return NN_OK;
}

/* Field [a, b) of a row as column c, into t->v[c][t->n].  The validation
 * columns are either given on every row or empty on every row. */
static int read_value(const uint8_t *buf, size_t a, size_t b, size_t c, size_t line,
                      history_rows *t, const char *name, nn_error *err)
{
    if (c >= COL_VAL_LOSS) {
        if (!t->val_cols) /* a lone validation column is ignored */
            return NN_OK;
        int set = a != b;
        if (t->n == 0 && c == COL_VAL_LOSS) {
            t->has_val = set;
            t->first_row_line = line;
        }
        if (set != t->has_val)
            return nn_fail(err, NN_ERR_FORMAT, "%s: line %zu: %s is %s here but %s on line %zu",
                           name, line, col_names[c], set ? "given" : "empty",
                           set ? "empty" : "given", t->first_row_line);
        if (!set)
            return NN_OK;
    }
    if (parse_number(buf, a, b, &t->v[c][t->n]) != 0) {
        char q[32];
        quote(q, sizeof q, buf, a, b);
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: line %zu, column '%s': '%s' is not a finite number", name, line,
                       col_names[c], q);
    }
    return NN_OK;
}

/* The row on line buf[s..e), line number line: as many fields as the
 * header, each column a number, the epoch above the previous row's. */
static int read_row(const uint8_t *buf, size_t s, size_t e, size_t line, history_rows *t,
                    const char *name, nn_error *err)
{
    size_t fs[MAX_FIELDS], fe[MAX_FIELDS];
    size_t k = split_fields(buf, s, e, fs, fe);
    if (k != t->nf)
        return nn_fail(err, NN_ERR_FORMAT, "%s: line %zu: %s%zu fields, the header has %zu",
                       name, line, k > MAX_FIELDS ? "more than " : "",
                       k > MAX_FIELDS ? (size_t)MAX_FIELDS : k, t->nf);
    for (size_t c = 0; c < N_COLS; c++) {
        if (t->col[c] < 0)
            continue;
        int rc = read_value(buf, fs[t->col[c]], fe[t->col[c]], c, line, t, name, err);
        if (rc != NN_OK)
            return rc;
    }
    const double *epoch = t->v[COL_EPOCH];
    size_t n = t->n;
    if (n > 0 && !(epoch[n] > epoch[n - 1]))
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: line %zu: epoch %g does not follow epoch %g (epochs must "
                       "increase)",
                       name, line, epoch[n], epoch[n - 1]);
    t->n++;
    return NN_OK;
}

int nn_history_parse(const uint8_t *buf, size_t len, const char *name, nn_history *h,
                     nn_error *err)
{
    memset(h, 0, sizeof *h);
    if (!name)
        name = "history";
    if (!buf && len > 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no buffer given for %zu bytes", name, len);
    size_t pos = 0, s, e;
    if (!next_line(buf, len, &pos, &s, &e) || e == s)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: empty, not a training history (CSV with a header line such as "
                       "epoch,loss,accuracy,val_loss,val_accuracy)",
                       name);
    history_rows t = {0};
    int rc = read_header(buf, s, e, name, &t, err);
    if (rc != NN_OK)
        return rc;

    /* At most one row per remaining line. */
    size_t cap = 1;
    for (size_t i = pos; i < len; i++)
        cap += buf[i] == '\n';
    double *mem = nni_alloc(cap, N_COLS * sizeof *mem);
    if (!mem)
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for %zu rows", name, cap);
    for (size_t c = 0; c < N_COLS; c++)
        t.v[c] = mem + c * cap;

    for (size_t line = 2; rc == NN_OK && next_line(buf, len, &pos, &s, &e); line++)
        if (e > s) /* not a blank line */
            rc = read_row(buf, s, e, line, &t, name, err);
    if (rc == NN_OK && t.n == 0)
        rc = nn_fail(err, NN_ERR_FORMAT, "%s: no epochs, only the header line", name);
    if (rc) {
        free(mem);
        return rc;
    }
    *h = (nn_history){
        .n = t.n,
        .has_val = t.has_val,
        .epoch = mem,
        .loss = t.v[COL_LOSS],
        .accuracy = t.v[COL_ACC],
        .val_loss = t.has_val ? t.v[COL_VAL_LOSS] : NULL,
        .val_accuracy = t.has_val ? t.v[COL_VAL_ACC] : NULL,
    };
    return NN_OK;
}

int nn_history_load(const char *path, nn_history *h, nn_error *err)
{
    memset(h, 0, sizeof *h);
    if (!path)
        return nn_fail(err, NN_ERR_ARG, "history: no path given");
    uint8_t *buf;
    size_t len;
    int rc = nn_read_file(path, &buf, &len, (size_t)1 << 28, err);
    if (rc)
        return rc;
    rc = nn_history_parse(buf, len, path, h, err);
    free(buf);
    return rc;
}

void nn_history_free(nn_history *h)
{
    if (!h)
        return;
    free(h->epoch); /* one allocation holds every column */
    memset(h, 0, sizeof *h);
}

/* ---- layout (plot.h) ------------------------------------------------------- */

/* v moved into [-NNI_PLOT_LIMIT, NNI_PLOT_LIMIT]; NaN is taken as 0. */
static double clamp_value(double v)
{
    if (v > NNI_PLOT_LIMIT)
        return NNI_PLOT_LIMIT;
    if (v >= -NNI_PLOT_LIMIT)
        return v;
    return v < 0.0 ? -NNI_PLOT_LIMIT : 0.0;
}

/* Whether [lo, hi] is wide enough for ticks: wider than a millionth of a
 * millionth of its values and than 1e-300, so that the tick step is a
 * normal number and lo / step stays far below 2^53 (whole multiples of the
 * step then differ from one another). */
static int wide_enough(double lo, double hi)
{
    return hi - lo > 1e-12 * (fabs(lo) + fabs(hi)) && hi - lo > 1e-300;
}

/* 1, 2 or 5 times a power of ten: the step that cuts range into about want
 * intervals (the next such number at or above range / want). */
static double nice_step(double range, double want)
{
    double raw = range / want, p = pow(10.0, floor(log10(raw))), f = raw / p;
    return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * p;
}

nni_axis nni_plot_axis(double lo, double hi, double want, double min_step, long p0, long p1)
{
    lo = clamp_value(lo);
    hi = clamp_value(hi);
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    /* Flat values: 10% of their size on each side (half a unit around 0). */
    if (!wide_enough(lo, hi)) {
        double d = fabs(lo) > 0.0 ? fabs(lo) * 0.1 : 0.5;
        lo -= d;
        hi += d;
    }
    /* Values so close to 0 that 10% of them is too little: as if they were 0. */
    if (!wide_enough(lo, hi)) {
        double mid = lo / 2.0 + hi / 2.0;
        lo = mid - 0.5;
        hi = mid + 0.5;
    }
    /* |lo|, |hi| <= 1.1 NNI_PLOT_LIMIT here: the margins below stay finite. */
    double pad = 0.05 * (hi - lo);
    nni_axis a = {.lo = lo - pad, .hi = hi + pad, .p0 = p0, .p1 = p1};
    a.step = nice_step(a.hi - a.lo, want);
    if (a.step < min_step)
        a.step = min_step;
    return a;
}

/* x = p0 + (v - lo) / (hi - lo) * (p1 - p0), rounded, the fraction held to
 * [0, 1] (which NaN becomes 0 of). */
long nni_axis_pixel(const nni_axis *a, double v)
{
    double f = (v - a->lo) / (a->hi - a->lo);
    if (!(f >= 0.0))
        f = 0.0;
    if (f > 1.0)
        f = 1.0;
    return a->p0 + lround(f * (double)(a->p1 - a->p0));
}

/* The whole multiples k * step in [lo, hi], from k = ceil(lo / step) up;
 * counted, so that no arithmetic can make it loop for long. */
size_t nni_axis_ticks(const nni_axis *a, double *ticks)
{
    double k0 = ceil(a->lo / a->step);
    size_t n = 0;
    for (int i = 0; i < NNI_PLOT_MAX_TICKS; i++) {
        double v = (k0 + i) * a->step;
        if (!(v <= a->hi) || (n > 0 && !(v > ticks[n - 1])))
            break;
        ticks[n++] = v;
    }
    return n;
}

void nni_tick_label(char *s, size_t cap, double v, double step)
{
    int decimals = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (fabs(v) < step * 1e-6)
        v = 0.0; /* no "-0.00" */
    int digits = fabs(v) < 1.0 ? 1 : (int)floor(log10(fabs(v))) + 1;
    if (digits + decimals <= 12) {
        snprintf(s, cap, "%.*f", decimals, v);
        return;
    }
    /* significant digits from v's first down to the step's */
    int sig = v == 0.0 ? 1 : (int)floor(log10(fabs(v))) - (int)floor(log10(step)) + 1;
    snprintf(s, cap, "%.*g", sig < 1 ? 1 : sig > 17 ? 17 : sig, v);
}

/* ---- drawing ------------------------------------------------------------- */

#define PANEL_W (NN_PLOT_WIDTH / 2)
#define LEFT 78   /* room for the y tick labels */
#define RIGHT 16
#define TOP 44    /* room for the title */
#define BOTTOM 62 /* room for the x tick labels and the axis label */
#define TEXT 2    /* font scale: 10 x 14 pixel letters */

static const uint8_t WHITE[3] = {255, 255, 255}, BLACK[3] = {0, 0, 0};
static const uint8_t GRID[3] = {225, 225, 225}, FRAME[3] = {160, 160, 160};
/* matplotlib's first two default colours, C0 and C1. */
static const uint8_t BLUE[3] = {31, 119, 180}, ORANGE[3] = {255, 127, 14};

static void fill(nn_image *img, long x, long y, long w, long h, const uint8_t rgb[3])
{
    if (x < 0) {
        w += x;
        x = 0;
    }
    if (y < 0) {
        h += y;
        y = 0;
    }
    if (w > 0 && h > 0)
        nn_image_fill_rect(img, (size_t)x, (size_t)y, (size_t)w, (size_t)h, rgb);
}

static void text(nn_image *img, long x, long y, const char *s, const uint8_t rgb[3])
{
    if (x >= 0 && y >= 0)
        nn_image_draw_text(img, (size_t)x, (size_t)y, s, TEXT, rgb);
}

/* A line two pixels wide from (x0, y0) to (x1, y1): Bresenham's algorithm,
 * a 2 x 2 block at every step. */
static void line(nn_image *img, long x0, long y0, long x1, long y1, const uint8_t rgb[3])
{
    long dx = labs(x1 - x0), dy = -labs(y1 - y0);
    long sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, e = dx + dy;
    for (;;) {
        fill(img, x0, y0, 2, 2, rgb);
        if (x0 == x1 && y0 == y1)
            break;
        long e2 = 2 * e;
        if (e2 >= dy) {
            e += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            e += dx;
            y0 += sy;
        }
    }
}

/* One series: lines between the points, a 6 x 6 marker on each. */
static void series(nn_image *img, const nni_axis *ax, const nni_axis *ay, const double *x,
                   const double *y, size_t n, const uint8_t rgb[3])
{
    for (size_t i = 0; i + 1 < n; i++)
        line(img, nni_axis_pixel(ax, x[i]), nni_axis_pixel(ay, y[i]), nni_axis_pixel(ax, x[i + 1]),
             nni_axis_pixel(ay, y[i + 1]), rgb);
    for (size_t i = 0; i < n; i++)
        fill(img, nni_axis_pixel(ax, x[i]) - 2, nni_axis_pixel(ay, y[i]) - 2, 6, 6, rgb);
}

/* How much of a series falls inside the rectangle [x, x + w) x [y, y + h):
 * its points, and 16 samples along each of its segments. */
static size_t covered(const nni_axis *ax, const nni_axis *ay, const double *xs, const double *ys,
                      size_t n, long x, long y, long w, long h)
{
    size_t hits = 0;
    for (size_t i = 0; i < n; i++) {
        for (int t = 0; t < (i + 1 < n ? 16 : 1); t++) {
            double f = t / 16.0, vx = xs[i], vy = ys[i];
            if (t > 0) {
                vx += f * (xs[i + 1] - xs[i]);
                vy += f * (ys[i + 1] - ys[i]);
            }
            long px = nni_axis_pixel(ax, vx), py = nni_axis_pixel(ay, vy);
            hits += px >= x - 3 && px < x + w + 3 && py >= y - 3 && py < y + h + 3;
        }
    }
    return hits;
}

/* The value axis of a panel: it spans the training values and, if val is
 * not NULL, the validation values. */
static nni_axis value_axis(const double *train, const double *val, size_t n, long p0, long p1)
{
    double lo = train[0], hi = train[0];
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, train[i]);
        hi = fmax(hi, train[i]);
        if (val) {
            lo = fmin(lo, val[i]);
            hi = fmax(hi, val[i]);
        }
    }
    return nni_plot_axis(lo, hi, 6.0, 0.0, p0, p1);
}

/* Grid lines, tick marks and tick labels of both axes, the x axis's label
 * and the frame around the plot area (ax from px0 to px1, ay from py1 up to
 * py0). */
static void axes(nn_image *img, const nni_axis *ax, const nni_axis *ay)
{
    long px0 = ax->p0, px1 = ax->p1, py0 = ay->p1, py1 = ay->p0;
    long ch = (long)nn_text_height(TEXT);
    char s[32];
    double ticks[NNI_PLOT_MAX_TICKS];
    /* y ticks: grid line, tick mark, label right-aligned to the left. */
    for (size_t i = 0, n = nni_axis_ticks(ay, ticks); i < n; i++) {
        long y = nni_axis_pixel(ay, ticks[i]);
        fill(img, px0, y, px1 - px0, 1, GRID);
        fill(img, px0 - 6, y, 6, 1, BLACK);
        nni_tick_label(s, sizeof s, ticks[i], ay->step);
        text(img, px0 - 10 - (long)nn_text_width(s, TEXT) + TEXT, y - ch / 2 + TEXT, s, BLACK);
    }
    /* x ticks: grid line, tick mark, label centred below. */
    for (size_t i = 0, n = nni_axis_ticks(ax, ticks); i < n; i++) {
        long x = nni_axis_pixel(ax, ticks[i]);
        fill(img, x, py0, 1, py1 - py0, GRID);
        fill(img, x, py1, 1, 6, BLACK);
        nni_tick_label(s, sizeof s, ticks[i], ax->step);
        text(img, x - ((long)nn_text_width(s, TEXT) - TEXT) / 2, py1 + 10, s, BLACK);
    }
    text(img, (px0 + px1) / 2 - ((long)nn_text_width("epoch", TEXT) - TEXT) / 2, py1 + 14 + ch,
         "epoch", BLACK);
    fill(img, px0, py0, px1 - px0 + 1, 1, BLACK);
    fill(img, px0, py1, px1 - px0 + 1, 1, BLACK);
    fill(img, px0, py0, 1, py1 - py0 + 1, BLACK);
    fill(img, px1, py0, 1, py1 - py0 + 1, BLACK);
}

/* The legend: a box with a line sample and a name per series, in the first
 * corner of the plot area (top right, bottom right, top left, bottom left)
 * that covers the fewest samples of the series (matplotlib's loc='best',
 * over the four corners). */
static void legend(nn_image *img, const nni_axis *ax, const nni_axis *ay, const double *epoch,
                   const double *train, const double *val, size_t n)
{
    long px0 = ax->p0, px1 = ax->p1, py0 = ay->p1, py1 = ay->p0;
    long cw = (long)nn_text_width("0", TEXT), ch = (long)nn_text_height(TEXT);
    const char *names[2] = {"train", "validation"};
    const uint8_t *colours[2] = {BLUE, ORANGE};
    long entries = val ? 2 : 1, lh = entries * (ch + 6) + 10;
    long lw = 28 + 8 + (long)strlen(names[entries - 1]) * cw + 12;
    long lx = 0, ly = 0;
    size_t best = (size_t)-1;
    for (int corner = 0; corner < 4; corner++) {
        long cx = corner < 2 ? px1 - 10 - lw : px0 + 10;
        long cy = corner % 2 == 0 ? py0 + 10 : py1 - 10 - lh;
        size_t c = covered(ax, ay, epoch, train, n, cx, cy, lw, lh);
        if (val)
            c += covered(ax, ay, epoch, val, n, cx, cy, lw, lh);
        if (c < best) {
            best = c;
            lx = cx;
            ly = cy;
        }
    }
    fill(img, lx, ly, lw, lh, WHITE);
    fill(img, lx, ly, lw, 1, FRAME);
    fill(img, lx, ly + lh - 1, lw, 1, FRAME);
    fill(img, lx, ly, 1, lh, FRAME);
    fill(img, lx + lw - 1, ly, 1, lh, FRAME);
    for (long i = 0; i < entries; i++) {
        long y = ly + 8 + i * (ch + 6);
        fill(img, lx + 8, y + ch / 2 - 2, 28, 2, colours[i]);
        fill(img, lx + 8 + 14 - 3, y + ch / 2 - 3 - 1, 6, 6, colours[i]);
        text(img, lx + 8 + 28 + 8, y, names[i], BLACK);
    }
}

/* One panel at horizontal offset x0: title, axes, the series (validation
 * under training) and the legend. */
static void panel(nn_image *img, long x0, const char *title, const nn_history *h,
                  const double *train, const double *val)
{
    long px0 = x0 + LEFT, px1 = x0 + PANEL_W - RIGHT, py0 = TOP, py1 = NN_PLOT_HEIGHT - BOTTOM;
    nni_axis ay = value_axis(train, val, h->n, py1, py0);
    nni_axis ax = nni_plot_axis(h->epoch[0], h->epoch[h->n - 1], 8.0, 1.0, px0, px1);
    long ch = (long)nn_text_height(TEXT);
    text(img, (px0 + px1) / 2 - (long)nn_text_width(title, TEXT) / 2, (TOP - ch) / 2, title,
         BLACK);
    axes(img, &ax, &ay);
    if (val)
        series(img, &ax, &ay, h->epoch, val, h->n, ORANGE);
    series(img, &ax, &ay, h->epoch, train, h->n, BLUE);
    legend(img, &ax, &ay, h->epoch, train, val, h->n);
}

int nn_plot_history(const nn_history *h, nn_image *img, nn_error *err)
{
    memset(img, 0, sizeof *img);
    if (!h || h->n == 0 || !h->epoch || !h->loss || !h->accuracy ||
        (h->has_val && (!h->val_loss || !h->val_accuracy)))
        return nn_fail(err, NN_ERR_ARG, "plot: empty or incomplete history");
    for (size_t i = 0; i < h->n; i++) {
        int bad = !isfinite(h->epoch[i]) || !isfinite(h->loss[i]) || !isfinite(h->accuracy[i]) ||
                  (h->has_val && (!isfinite(h->val_loss[i]) || !isfinite(h->val_accuracy[i])));
        if (bad || (i > 0 && !(h->epoch[i] > h->epoch[i - 1])))
            return nn_fail(err, NN_ERR_ARG,
                           "plot: row %zu of the history is not finite or its epoch does not "
                           "increase",
                           i + 1);
    }
    int rc = nn_image_create(img, NN_PLOT_WIDTH, NN_PLOT_HEIGHT, 3, err);
    if (rc)
        return rc;
    nn_image_fill_rect(img, 0, 0, NN_PLOT_WIDTH, NN_PLOT_HEIGHT, WHITE);
    panel(img, 0, "loss", h, h->loss, h->has_val ? h->val_loss : NULL);
    panel(img, PANEL_W, "accuracy", h, h->accuracy, h->has_val ? h->val_accuracy : NULL);
    return NN_OK;
}
