/* explain.c - `nnart explain`: which pixels made the model decide, by
 * saliency, gradient x input, integrated gradients, SmoothGrad or
 * occlusion, as a text summary, a CSV of the map or a picture. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "internal.h"
#include "nn_attribution.h"

#define BLUR_SIGMA 4.0 /* --baseline blur: the Gaussian's sigma in pixels */

typedef struct explain_options {
    const char *model, *images, *labels, *data_dir, *image;
    const char *method, *baseline, *format;
    size_t index, steps, samples, patch, stride;
    size_t target;
    float noise, percentile;
    uint64_t seed;
    int invert, no_invert, randomize, csv, class_given;
    nn_explain_method methods[NN_EXPLAIN_METHODS];
    size_t n_methods;
    cli_render render;
    nn_render_style style;
    char paths[2][CLI_PATH_MAX]; /* the resolved --images and --labels */
} explain_options;

/* --method NAME or all into o->methods: 0 or an exit status. */
static int parse_method(explain_options *o)
{
    if (strcmp(o->method, "all") == 0) {
        for (int i = 0; i < NN_EXPLAIN_METHODS; i++)
            o->methods[i] = (nn_explain_method)i;
        o->n_methods = NN_EXPLAIN_METHODS;
        return EXIT_OK;
    }
    o->n_methods = 1;
    if (nn_explain_method_from_name(o->method, &o->methods[0]) == 0)
        return EXIT_OK;
    cli_print_error("nnart explain: --method: unknown method '%s' (saliency, gradxinput, ig, "
                    "smoothgrad, occlusion, all)",
                    o->method);
    return EXIT_USAGE;
}

/* Checks the options cmd has just parsed into o: -1 to go on, or an exit
 * status. */
static int check_options(const cli_command *cmd, explain_options *o)
{
    int st = parse_method(o);
    if (st)
        return st;
    o->csv = strcmp(o->format, "csv") == 0;
    o->class_given = cli_given(cmd, "class");
    if (!o->csv && strcmp(o->format, "text") != 0) {
        cli_print_error("nnart explain: --format: unknown format '%s' (text, csv)", o->format);
        return EXIT_USAGE;
    }
    if (o->csv && (o->n_methods > 1 || o->randomize)) {
        cli_print_error("nnart explain: --format csv writes one map: give one --method and no "
                        "--randomize");
        return EXIT_USAGE;
    }
    if (o->invert && o->no_invert) {
        cli_print_error("nnart explain: --invert and --no-invert contradict each other");
        return EXIT_USAGE;
    }
    if (o->image && (cli_given(cmd, "images") || cli_given(cmd, "labels") ||
                     cli_given(cmd, "index") || cli_given(cmd, "data"))) {
        cli_print_error("nnart explain: --image takes the place of --images, --labels, --data "
                        "and --index");
        return EXIT_USAGE;
    }
    if (!o->image && (o->invert || o->no_invert)) {
        cli_print_error("nnart explain: --invert and --no-invert apply to --image only");
        return EXIT_USAGE;
    }
    if ((st = cli_render_style(cmd, &o->render, &o->style)))
        return st;
    return o->image ? -1
                    : cli_test_set("explain", o->data_dir, &o->images, &o->labels, 0, o->paths);
}

#define EXPLAIN_SUMMARY                                                                       \
    "Show which pixels made the model's output for a class (the predicted one, or --class) " \
    "what it is, on a test image or your own drawing (--image). How to read the maps: red "  \
    "pixels raise p, blue ones lower it, white ones do not matter. saliency (|dp/dx|, never " \
    "blue) shows where a small change of a pixel moves p most, either way; gradxinput "       \
    "(x dp/dx) is zero where there is no ink and shows which strokes push p up or down; ig "  \
    "(integrated gradients) splits p(x) - p(baseline) exactly among the pixels: its values "  \
    "add up to it, and a pixel's value is its share; smoothgrad is the gradient averaged "    \
    "over noisy copies, a calmer saliency with signs; occlusion is how much p falls when a "  \
    "patch is painted over with the baseline (red: covering it lowers p). --randomize "       \
    "repeats the map with random weights: a map that hardly changes (rank correlation near "  \
    "1) shows the input, not what the model learnt."

/* Parses and checks the options into o: -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, explain_options *o)
{
    *o = (explain_options){.model = DEFAULT_MODEL, .method = "ig", .baseline = "black",
                           .format = "text", .samples = 50, .noise = 0.15f, .seed = 1,
                           .patch = 4, .stride = 2, .percentile = 99.0f,
                           .render = {.scale = 5}};
    cli_opt opts[] = {
        {.name = "model", .short_name = 'm', .type = OPT_STRING, .dest = &o->model, .metavar = "MODEL", .help = "the model (" DEFAULT_MODEL ")"},
        {.name = "images", .type = OPT_STRING, .dest = &o->images, .metavar = "FILE", .help = "images (IDX; the MNIST test set)"},
        {.name = "labels", .type = OPT_STRING, .dest = &o->labels, .metavar = "FILE", .help = "their labels (IDX; the MNIST test labels with the default images)"},
        {.name = "data", .short_name = 'd', .type = OPT_STRING, .dest = &o->data_dir, .metavar = "DIR", .help = "take the test images and labels of the MNIST-format data set in DIR (" NNART_DATADIR ")"},
        {.name = "index", .short_name = 'i', .type = OPT_SIZE, .dest = &o->index, .min = 0, .max = 1e9, .metavar = "I", .help = "the image to explain (0)"},
        {.name = "image", .type = OPT_STRING, .dest = &o->image, .metavar = "FILE", .help = "your own drawing instead (PNG, JPEG, PGM or PPM, any size; - reads standard input; prepared as predict does)"},
        {.name = "invert", .type = OPT_FLAG, .dest = &o->invert, .help = "the drawing is dark on light: invert it (default: decide from its border)"},
        {.name = "no-invert", .type = OPT_FLAG, .dest = &o->no_invert, .help = "the drawing is light on dark: keep it"},
        {.name = "class", .short_name = 'c', .type = OPT_SIZE, .dest = &o->target, .min = 0, .max = 65535, .metavar = "K", .help = "explain class K's output (the predicted class)"},
        {.name = "method", .type = OPT_STRING, .dest = &o->method, .metavar = "NAME", .help = "saliency, gradxinput, ig, smoothgrad, occlusion, or all side by side (ig)"},
        {.name = "baseline", .type = OPT_STRING, .dest = &o->baseline, .metavar = "B", .help = "ig and occlusion: black, blur (a Gaussian blur of the input, sigma 4 pixels) or a PGM/PPM FILE of the input's size (black)"},
        {.name = "steps", .type = OPT_SIZE, .dest = &o->steps, .min = 1, .max = 1e6, .metavar = "N", .help = "ig: a Riemann sum of N gradients instead of the exact integral"},
        {.name = "samples", .type = OPT_SIZE, .dest = &o->samples, .min = 1, .max = 1e6, .metavar = "N", .help = "smoothgrad: noisy copies (50)"},
        {.name = "noise", .type = OPT_FLOAT, .dest = &o->noise, .min = 0, .max = 100, .metavar = "SIGMA", .help = "smoothgrad: the noise's standard deviation, pixels being 0 to 1 (0.15)"},
        {.name = "seed", .type = OPT_U64, .dest = &o->seed, .min = 0, .max = 1.8e19, .metavar = "N", .help = "smoothgrad's noise and --randomize's weights (1)"},
        {.name = "patch", .type = OPT_SIZE, .dest = &o->patch, .min = 1, .max = 65536, .metavar = "P", .help = "occlusion: side of the square painted over (4)"},
        {.name = "stride", .type = OPT_SIZE, .dest = &o->stride, .min = 1, .max = 65536, .metavar = "S", .help = "occlusion: step between patches (2)"},
        {.name = "randomize", .type = OPT_FLAG, .dest = &o->randomize, .help = "repeat with random weights and print the rank correlation of the two maps"},
        {.name = "format", .short_name = 'f', .type = OPT_STRING, .dest = &o->format, .metavar = "FMT", .help = "text, or csv: row,col,value,attribution for every pixel (text)"},
        {.name = "render", .short_name = 'r', .type = OPT_STRING, .dest = &o->render.path, .metavar = "FILE", .help = "draw input, map and overlay (.ppm, .pgm or .png)"},
        CLI_RENDER_FORMAT_OPT(o->render),
        {.name = "percentile", .type = OPT_FLOAT, .dest = &o->percentile, .min = 1, .max = 100, .metavar = "Q", .help = "full colour at the Q-th percentile of |a|; beyond it clipped (99)"},
        {.name = "scale", .short_name = 's', .type = OPT_SIZE, .dest = &o->render.scale, .min = 1, .max = 256, .metavar = "S", .help = "pixels per input pixel (5)"},
    };
    cli_command cmd = {.name = "explain", .usage = "nnart explain [options]",
                       .summary = EXPLAIN_SUMMARY, .opts = opts,
                       .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    return st >= 0 ? st : check_options(&cmd, o);
}

/* The input being explained, its baseline and the maps. */
typedef struct subject {
    size_t side, n0, C;
    float *x, *baseline; /* baseline NULL: black */
    int label;           /* -1 where unknown */
    size_t target;
    float *attr;                            /* n_methods maps of n0 */
    nn_explain_result res[NN_EXPLAIN_METHODS];
} subject;

static void subject_free(subject *s)
{
    free(s->x);
    free(s->baseline);
    free(s->attr);
}

/* Test image o->index of the data set into s->x. */
static int load_test_image(const explain_options *o, const nn_model *m, subject *s)
{
    nn_dataset d;
    memset(&d, 0, sizeof d);
    int st = cli_load_data(o->images, o->labels, 0, &d);
    if (st || (st = cli_check_data(m, &d, o->images, o->labels, o->model))) {
        nn_dataset_free(&d);
        return st;
    }
    if (o->index >= d.n) {
        cli_print_error("nnart explain: --index %zu: %s has images 0 to %zu", o->index,
                        o->images, d.n - 1);
        nn_dataset_free(&d);
        return EXIT_USAGE;
    }
    nn_dataset_inputs(&d, o->index, 1, s->x);
    s->label = d.labels ? d.labels[o->index] : -1;
    nn_dataset_free(&d);
    return EXIT_OK;
}

/* The drawing o->image, prepared as predict prepares it, into s->x. */
static int load_drawing(const explain_options *o, subject *s)
{
    nn_error err;
    nn_greymap g = {0};
    int rc = cli_load_picture(NULL, o->image, &g);
    if (rc)
        return rc;
    rc = nn_digit_prepare(&g, o->invert ? 1 : o->no_invert ? 0 : -1, s->side, s->side, s->x,
                          &err);
    nn_greymap_free(&g);
    if (rc) {
        cli_error("%s: %s", o->image, err.msg);
        return cli_status(rc);
    }
    s->label = -1;
    return EXIT_OK;
}

/* --baseline: black (none), blur, or a file of the input's size. */
static int load_baseline(const explain_options *o, subject *s)
{
    if (strcmp(o->baseline, "black") == 0)
        return EXIT_OK;
    nn_error err;
    if (!(s->baseline = nni_alloc(s->n0, sizeof *s->baseline))) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    if (strcmp(o->baseline, "blur") == 0) {
        int rc = nn_explain_blur(s->x, s->side, s->side, BLUR_SIGMA, s->baseline, &err);
        if (rc)
            cli_error("%s", err.msg);
        return rc ? cli_status(rc) : EXIT_OK;
    }
    nn_greymap g = {0};
    int rc = cli_load_picture("--baseline", o->baseline, &g);
    if (rc)
        return rc;
    if (g.width != s->side || g.height != s->side) {
        cli_error("--baseline: %s is %zu x %zu; the model takes %zu x %zu", o->baseline,
                  g.width, g.height, s->side, s->side);
        nn_greymap_free(&g);
        return EXIT_RUNTIME;
    }
    memcpy(s->baseline, g.v, s->n0 * sizeof *s->baseline);
    nn_greymap_free(&g);
    return EXIT_OK;
}

/* Sizes, the input, the baseline and the class to explain. */
static int prepare(const explain_options *o, const nn_model *m, subject *s)
{
    int st = cli_input_side(o->model, m, &s->side);
    if (st)
        return st;
    s->n0 = m->sizes[0], s->C = m->sizes[m->n_layers];
    s->x = nni_alloc(s->n0, sizeof *s->x);
    s->attr = nni_alloc(s->n0 * NN_EXPLAIN_METHODS, sizeof *s->attr);
    if (!s->x || !s->attr) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    if (o->patch > s->side) {
        cli_print_error("nnart explain: --patch %zu is larger than the %zu x %zu input",
                        o->patch, s->side, s->side);
        return EXIT_USAGE;
    }
    if (o->class_given && o->target >= s->C) {
        cli_print_error("nnart explain: --class %zu: the model has classes 0 to %zu", o->target,
                        s->C - 1);
        return EXIT_USAGE;
    }
    st = o->image ? load_drawing(o, s) : load_test_image(o, m, s);
    if (st || (st = load_baseline(o, s)))
        return st;
    s->target = o->target;
    nn_work w;
    nn_error err;
    if (!o->class_given) { /* the predicted class, as predict finds it */
        if (nn_work_create(&w, m, 1, &err)) {
            cli_error("%s", err.msg);
            return EXIT_RUNTIME;
        }
        nn_argmax_rows(&s->target, nn_forward(m, &w, s->x, 1), 1, s->C);
        nn_work_free(&w);
    }
    return EXIT_OK;
}

/* Every method asked for, on model m, into maps (n_methods of n0) and res. */
static int run_methods(const explain_options *o, const nn_model *m, subject *s, float *maps,
                       nn_explain_result *res)
{
    nn_explain_options e;
    nn_explain_options_default(&e);
    e.target = s->target, e.baseline = s->baseline, e.steps = o->steps;
    e.samples = o->samples, e.noise = o->noise, e.seed = o->seed;
    e.rows = e.cols = s->side, e.patch = o->patch, e.stride = o->stride;
    for (size_t i = 0; i < o->n_methods; i++) {
        nn_error err;
        e.method = o->methods[i];
        int rc = nn_explain(m, s->x, &e, maps + i * s->n0, &res[i], &err);
        if (rc) {
            cli_error("%s", err.msg);
            return cli_status(rc);
        }
    }
    return EXIT_OK;
}

/* The largest and smallest value of a map, and where. */
static void extremes(const float *a, size_t n, size_t *hi, size_t *lo)
{
    *hi = *lo = 0;
    for (size_t i = 1; i < n; i++) {
        if (a[i] > a[*hi])
            *hi = i;
        if (a[i] < a[*lo])
            *lo = i;
    }
}

/* What a method's numbers mean, on the line under its summary. */
static void print_detail(const explain_options *o, nn_explain_method m,
                         const nn_explain_result *r)
{
    if (m == NN_EXPLAIN_IG) {
        double dp = r->p - r->p_baseline;
        printf("            completeness: sum %.9f, p(x) - p(baseline) = %.9f - %.9f = %.9f, "
               "difference %.1e\n",
               r->sum, r->p, r->p_baseline, dp, r->sum - dp);
        if (o->steps)
            printf("            a Riemann sum of %zu gradients from %s\n", o->steps, o->baseline);
        else if (r->exact)
            printf("            exact: the path from %s in %zu linear pieces\n", o->baseline,
                   r->pieces);
        else
            printf("            adaptive quadrature from %s (hidden units not ReLU: the path "
                   "has no linear pieces)\n",
                   o->baseline);
    } else if (m == NN_EXPLAIN_SMOOTHGRAD) {
        printf("            mean gradient over %zu copies with noise sigma %g (seed %llu)\n",
               o->samples, (double)o->noise, (unsigned long long)o->seed);
    } else if (m == NN_EXPLAIN_OCCLUSION) {
        printf("            %zu patches of %zu x %zu moved by %zu, painted %s; a pixel's value "
               "is the mean over the patches covering it\n",
               r->gradients, o->patch, o->patch, o->stride, o->baseline);
    }
}

static void print_summary(const explain_options *o, const subject *s)
{
    if (o->image)
        printf("drawing %s", o->image);
    else if (s->label >= 0)
        printf("test image %zu (label %d)", o->index, s->label);
    else
        printf("image %zu", o->index);
    printf(": class %zu%s, p = %.6f\n", s->target, o->class_given ? "" : " (predicted)",
           s->res[0].p);
    for (size_t i = 0; i < o->n_methods; i++) {
        const float *a = s->attr + i * s->n0;
        size_t hi, lo;
        extremes(a, s->n0, &hi, &lo);
        printf("%-10s  sum %+.6f  largest %+.3e at (%zu, %zu)  smallest %+.3e at (%zu, %zu)\n",
               nn_explain_method_name(o->methods[i]), s->res[i].sum, (double)a[hi],
               hi / s->side, hi % s->side, (double)a[lo], lo / s->side, lo % s->side);
        print_detail(o, o->methods[i], &s->res[i]);
    }
}

static void print_csv(const subject *s)
{
    printf("row,col,value,attribution\n");
    for (size_t i = 0; i < s->n0; i++)
        printf("%zu,%zu,%.6f,%.9g\n", i / s->side, i % s->side, (double)s->x[i],
               (double)s->attr[i]);
}

/* Spearman's rho of maps a and b (n each), and of their absolute values on
 * the pixels where either is non-zero (off the ink both maps of gradxinput
 * and ig are 0, ties that would say nothing but raise rho) (buf: 2 n floats). */
static int rank_correlations(const float *a, const float *b, size_t n, float *buf, double *rho,
                             double *rho_abs)
{
    nn_error err;
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (a[j] != 0.0f || b[j] != 0.0f)
            buf[m] = fabsf(a[j]), buf[n + m] = fabsf(b[j]), m++;
    int rc = nn_spearman(a, b, n, rho, &err);
    if (!rc)
        rc = nn_spearman(buf, buf + n, m, rho_abs, &err);
    if (rc)
        cli_error("%s", err.msg);
    return rc ? cli_status(rc) : EXIT_OK;
}

/* The same maps with random weights, and their rank correlation with the
 * trained model's (Adebayo et al. 2018): near 0 when the map depends on
 * what the model learnt. */
static int randomized(const explain_options *o, const nn_model *m, subject *s)
{
    nn_model r;
    nn_error err;
    int rc = nn_explain_randomized(m, o->seed, &r, &err), st;
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    size_t n0 = s->n0;
    float *maps = nni_alloc(n0 * (o->n_methods + 2), sizeof *maps);
    nn_explain_result res[NN_EXPLAIN_METHODS];
    if (!maps) {
        cli_error("out of memory");
        st = EXIT_RUNTIME;
    } else if (!(st = run_methods(o, &r, s, maps, res))) {
        printf("random weights (Glorot, seed %llu): Spearman rank correlation with the "
               "trained model's map\n",
               (unsigned long long)o->seed);
        for (size_t i = 0; i < o->n_methods && !st; i++) {
            double rho, rho_abs;
            st = rank_correlations(s->attr + i * n0, maps + i * n0, n0,
                                   maps + o->n_methods * n0, &rho, &rho_abs);
            if (!st)
                printf("%-10s  %+.3f  (of |a| where either is not 0: %+.3f; p = %.6f with random "
                       "weights)\n",
                       nn_explain_method_name(o->methods[i]), rho, rho_abs, res[i].p);
        }
    }
    free(maps);
    nn_model_free(&r);
    return st;
}

/* Input, map and overlay of every method, one row each. */
static int render(const explain_options *o, const subject *s)
{
    char labels[NN_EXPLAIN_METHODS][96];
    const char *label_ptr[NN_EXPLAIN_METHODS];
    const float *maps[NN_EXPLAIN_METHODS];
    for (size_t i = 0; i < o->n_methods; i++) {
        snprintf(labels[i], sizeof labels[i], "%s: class %zu, p %.4f",
                 nn_explain_method_name(o->methods[i]), s->target, s->res[i].p);
        label_ptr[i] = labels[i];
        maps[i] = s->attr + i * s->n0;
    }
    nn_attribution_sheet sheet = {.rows = s->side, .cols = s->side, .input = s->x,
                                  .n = o->n_methods, .attr = maps, .labels = label_ptr,
                                  .percentile = o->percentile / 100.0};
    nn_image img;
    nn_error err;
    int rc = nn_render_attribution(&img, &sheet, o->render.scale, &err);
    if (rc) {
        cli_error("%s: %s", o->render.path, err.msg);
        return cli_status(rc);
    }
    return cli_save_render(&o->render, &img, o->csv);
}

/* Loads the model and the input, explains, reports. */
static int explain(const explain_options *o)
{
    nn_model m;
    int st = cli_load_model(o->model, &m, NULL);
    if (st)
        return st;
    subject s;
    memset(&s, 0, sizeof s);
    if (!(st = prepare(o, &m, &s)) && !(st = run_methods(o, &m, &s, s.attr, s.res))) {
        if (o->csv)
            print_csv(&s);
        else
            print_summary(o, &s);
        if (o->randomize)
            st = randomized(o, &m, &s);
        if (!st && o->render.path)
            st = render(o, &s);
    }
    subject_free(&s);
    nn_model_free(&m);
    return st;
}

int cmd_explain(int argc, char **argv)
{
    explain_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : explain(&o);
}
