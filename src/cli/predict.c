/* predict.c - `nnart predict`: the probabilities a model gives test images
 * or a drawing, as a table and as a heat-map or poster. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "internal.h"

typedef struct predict_options {
    const char *model, *images, *labels, *data_dir;
    const char *image; /* a drawing instead of a data set */
    const char *format;
    const char *range; /* --range: the colour scale */
    size_t index, count;
    int invert, no_invert, raw, poster, bare;
    int csv;    /* --format csv */
    int npy;    /* --format npy: the probabilities as one .npy array on standard output */
    nn_output *npy_out;
    cli_render render;
    nn_render_style style;
    char paths[2][CLI_PATH_MAX]; /* the resolved --images and --labels */
} predict_options;

/* Checks the options cmd has just parsed into o and resolves the data set's
 * files: returns -1 to go on, or the exit status to return. */
static int check_options(const cli_command *cmd, predict_options *o)
{
    o->csv = strcmp(o->format, "csv") == 0;
    o->npy = strcmp(o->format, "npy") == 0;
    if (!o->csv && !o->npy && strcmp(o->format, "text") != 0) {
        cli_print_error("nnart predict: --format: unknown format '%s' (text, csv, npy)",
                        o->format);
        return EXIT_USAGE;
    }
    if (o->invert && o->no_invert) {
        cli_print_error("nnart predict: --invert and --no-invert contradict each other");
        return EXIT_USAGE;
    }
    if (o->image && (cli_given(cmd, "images") || cli_given(cmd, "labels") ||
                     cli_given(cmd, "index") || cli_given(cmd, "count") ||
                     cli_given(cmd, "data"))) {
        cli_print_error("nnart predict: --image takes the place of --images, --labels, --data, "
                        "--index and --count");
        return EXIT_USAGE;
    }
    if (!o->image && (o->invert || o->no_invert || o->raw)) {
        cli_print_error("nnart predict: --invert, --no-invert and --raw apply to --image only");
        return EXIT_USAGE;
    }
    if (o->npy && o->render.path && strcmp(o->render.path, "-") == 0) {
        cli_print_error("nnart predict: --format npy and --render - would both write to "
                        "standard output");
        return EXIT_USAGE;
    }
    int st = cli_render_style(cmd, &o->render, &o->style);
    static const char *const ranges[] = {"probability", "data", "row"};
    if (st || (st = cli_render_range(cmd, o->range, ranges, 3, &o->style)) ||
        (o->npy && (st = cli_output_open("predict", "--format npy", "-", &o->npy_out))))
        return st;
    if (o->poster && o->bare) {
        cli_print_error("nnart predict: --poster and --bare contradict each other");
        return EXIT_USAGE;
    }
    return o->image ? -1
                    : cli_test_set("predict", o->data_dir, &o->images, &o->labels, 0, o->paths);
}

/* Parses and checks the options into o: returns -1 to go on, or the exit
 * status to return. */
static int parse_options(int argc, char **argv, predict_options *o)
{
    *o = (predict_options){.model = DEFAULT_MODEL, .format = "text", .count = 1,
                           .range = "probability",
                           .render = {.cmap = "hot", .scale = 32, .vmax = 1.0f}};
    cli_opt opts[] = {
        {.name = "model", .short_name = 'm', .type = OPT_STRING, .dest = &o->model, .metavar = "MODEL", .help = "the model (" DEFAULT_MODEL ")"},
        {.name = "images", .type = OPT_STRING, .dest = &o->images, .metavar = "FILE", .help = "images (IDX; the MNIST test set)"},
        {.name = "labels", .type = OPT_STRING, .dest = &o->labels, .metavar = "FILE", .help = "their labels (IDX; the MNIST test labels with the default images)"},
        {.name = "data", .short_name = 'd', .type = OPT_STRING, .dest = &o->data_dir, .metavar = "DIR", .help = "take the test images and labels of the MNIST-format data set in DIR (" NNART_DATADIR ")"},
        {.name = "index", .short_name = 'i', .type = OPT_SIZE, .dest = &o->index, .min = 0, .max = 1e9, .metavar = "I", .help = "first image (0)"},
        {.name = "count", .short_name = 'n', .type = OPT_SIZE, .dest = &o->count, .min = 1, .max = 10000, .metavar = "N", .help = "number of images (1)"},
        {.name = "image", .type = OPT_STRING, .dest = &o->image, .metavar = "FILE", .help = "your own drawing instead (PNG, JPEG, PGM or PPM, any size; - reads standard input)"},
        {.name = "invert", .type = OPT_FLAG, .dest = &o->invert, .help = "the drawing is dark on light: invert it (default: decide from its border)"},
        {.name = "no-invert", .type = OPT_FLAG, .dest = &o->no_invert, .help = "the drawing is light on dark: keep it"},
        {.name = "raw", .type = OPT_FLAG, .dest = &o->raw, .help = "the picture is the model's input as it is (28 x 28, white on black, as dream --bare writes it): no preparation"},
        {.name = "format", .short_name = 'f', .type = OPT_STRING, .dest = &o->format, .metavar = "FMT", .help = "text, csv, or npy: one float32 array (images, classes) on standard output (text)"},
        {.name = "render", .short_name = 'r', .type = OPT_STRING, .dest = &o->render.path, .metavar = "FILE", .help = "draw the probabilities (.ppm, .pgm or .png; - for standard output)"},
        CLI_RENDER_FORMAT_OPT(o->render),
        {.name = "poster", .type = OPT_FLAG, .dest = &o->poster, .help = "draw a poster (inputs, labels) even for one image"},
        {.name = "bare", .type = OPT_FLAG, .dest = &o->bare, .help = "draw the bare heat-map: one row of cells per image, nothing else"},
        {.name = "range", .type = OPT_STRING, .dest = &o->range, .metavar = "R", .help = "colour scale: probability (fixed 0 to 1), data (smallest to largest drawn, as imshow) or row (each row its own) (probability)"},
        {.name = "cmap", .type = OPT_STRING, .dest = &o->render.cmap, .metavar = "NAME", .help = "colormap: hot, bwr or gray (hot)"},
        {.name = "scale", .short_name = 's', .type = OPT_SIZE, .dest = &o->render.scale, .min = 1, .max = 512, .metavar = "S", .help = "pixels per cell (32)"},
        {.name = "vmin", .type = OPT_FLOAT, .dest = &o->render.vmin, .min = -1e30, .max = 1e30, .metavar = "V", .help = "value drawn as the colormap's start (default: by --range)"},
        {.name = "vmax", .type = OPT_FLOAT, .dest = &o->render.vmax, .min = -1e30, .max = 1e30, .metavar = "V", .help = "value drawn as the colormap's end (default: by --range)"},
    };
    cli_command cmd = {.name = "predict", .usage = "nnart predict [options]",
                       .summary = "Show the probabilities a model gives test images, or your "
                                  "own drawing (--image), as a table and as a heat-map "
                                  "(--render).",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    return st >= 0 ? st : check_options(&cmd, o);
}

/* What predict shows: n samples of dim inputs (values in [0, 1]) and their
 * probabilities over C classes. */
typedef struct {
    size_t n, dim, C, rows, cols; /* rows x cols: the input's shape, 0 if unknown */
    float *x, *probs;
    int *labels;    /* -1 where unknown */
    size_t *index;  /* sample numbers, NULL for a drawing */
} predictions;

static void predictions_free(predictions *p)
{
    free(p->x);
    free(p->probs);
    free(p->labels);
    free(p->index);
}

static int alloc_predictions(predictions *p, size_t n, size_t dim, size_t C)
{
    p->n = n, p->dim = dim, p->C = C;
    size_t values, cells;
    p->x = nni_size_mul(&values, n, dim) ? NULL : nni_alloc(values, sizeof *p->x);
    p->probs = nni_size_mul(&cells, n, C) ? NULL : nni_alloc(cells, sizeof *p->probs);
    p->labels = nni_alloc(n, sizeof *p->labels);
    p->index = nni_alloc(n, sizeof *p->index);
    if (!p->x || !p->probs || !p->labels || !p->index) {
        cli_error("out of memory for %zu predictions", n);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* The user's drawing, brought into MNIST's form and run through the model. */
/* The model's input from the picture g: prepared as MNIST's digits were
 * (nn_digit_prepare), or with raw taken as it is, which needs g to be the
 * input's size (inverted first if invert is 1). */
static int drawing_input(const nn_greymap *g, int invert, int raw, size_t side, float *x,
                         nn_error *err)
{
    if (!raw)
        return nn_digit_prepare(g, invert, side, side, x, err);
    if (g->width != side || g->height != side)
        return nn_fail(err, NN_ERR_FORMAT,
                       "--raw: the picture is %zu x %zu; the model takes %zu x %zu", g->width,
                       g->height, side, side);
    for (size_t i = 0; i < side * side; i++)
        x[i] = invert == 1 ? 1.0f - g->v[i] : g->v[i];
    return NN_OK;
}

static int predict_drawing(const char *path, const char *model_path, const nn_model *m,
                           int invert, int raw, predictions *p)
{
    size_t side;
    int st = cli_input_side(model_path, m, &side);
    if (st)
        return st;
    if ((st = alloc_predictions(p, 1, m->sizes[0], m->sizes[m->n_layers])))
        return st;
    free(p->index);
    p->index = NULL;
    p->rows = p->cols = side;
    p->labels[0] = -1;
    nn_greymap g = {0};
    if ((st = cli_load_picture(NULL, path, &g)))
        return st;
    nn_error err;
    int rc = drawing_input(&g, invert, raw, side, p->x, &err);
    nn_greymap_free(&g);
    nn_work w;
    if (rc == NN_OK && (rc = nn_work_create(&w, m, 1, &err)) == NN_OK) {
        memcpy(p->probs, nn_forward(m, &w, p->x, 1), p->C * sizeof *p->probs);
        nn_work_free(&w);
    }
    if (rc) {
        cli_error("%s: %s", cli_picture_name(path), err.msg);
        return cli_status(rc);
    }
    return EXIT_OK;
}

/* Samples [first, first + count) of a data set, checked against the model
 * (at model_path) before anything is printed. */
static int predict_dataset(const char *images, const char *labels, const char *model_path,
                           const nn_model *m, size_t first, size_t count, predictions *p)
{
    nn_dataset d;
    memset(&d, 0, sizeof d);
    int st = cli_load_data(images, labels, 0, &d);
    if (st)
        return st;
    if (first >= d.n || count > d.n - first) {
        cli_print_error("nnart predict: --index %zu --count %zu: %s has images 0 to %zu",
                first, count, images, d.n - 1);
        nn_dataset_free(&d);
        return EXIT_USAGE;
    }
    if ((st = cli_check_data(m, &d, images, labels, model_path)) ||
        (st = alloc_predictions(p, count, d.dim, m->sizes[m->n_layers]))) {
        nn_dataset_free(&d);
        return st;
    }
    nn_error err;
    int rc = nn_predict(m, &d, first, count, p->probs, &err);
    if (rc) {
        cli_error("%s: %s", images, err.msg);
        nn_dataset_free(&d);
        return cli_status(rc);
    }
    size_t side;
    if (d.rows > 1 && d.rows * d.cols == d.dim)
        p->rows = d.rows, p->cols = d.cols;
    else if (nn_square_side(d.dim, &side, NULL) == NN_OK)
        p->rows = p->cols = side;
    for (size_t i = 0; i < count; i++) {
        p->index[i] = first + i;
        p->labels[i] = d.labels ? d.labels[first + i] : -1;
    }
    nn_dataset_inputs(&d, first, count, p->x);
    nn_dataset_free(&d);
    return EXIT_OK;
}

static void print_table(const predictions *p, int csv)
{
    if (csv) {
        printf("index,label,predicted");
        for (size_t c = 0; c < p->C; c++)
            printf(",p%zu", c);
        printf("\n");
    } else {
        printf("index  label  predicted");
        for (size_t c = 0; c < p->C; c++) {
            char h[24];
            snprintf(h, sizeof h, "p%zu", c);
            printf("  %6s", h);
        }
        printf("\n");
    }
    for (size_t i = 0; i < p->n; i++) {
        size_t pred;
        const float *pr = p->probs + i * p->C;
        nn_argmax_rows(&pred, pr, 1, p->C);
        char idx[24] = "", lab[24] = "";
        if (p->index)
            snprintf(idx, sizeof idx, "%zu", p->index[i]);
        if (p->labels[i] >= 0)
            snprintf(lab, sizeof lab, "%d", p->labels[i]);
        if (csv) {
            printf("%s,%s,%zu", idx, lab, pred);
            for (size_t c = 0; c < p->C; c++)
                printf(",%.6f", (double)pr[c]);
        } else {
            printf("%5s  %5s  %9zu", idx[0] ? idx : "-", lab[0] ? lab : "-", pred);
            for (size_t c = 0; c < p->C; c++)
                printf("  %6.4f", (double)pr[c]);
        }
        printf("\n");
    }
}

/* The probabilities as one .npy array (n, classes) of float32. */
static int write_npy(nn_output *out, const predictions *p)
{
    size_t shape[2] = {p->n, p->C};
    uint8_t *buf;
    size_t len;
    nn_error err;
    int rc = nn_npy_encode(p->probs, 2, shape, &buf, &len, &err);
    if (rc) {
        cli_error("standard output: %s", err.msg);
        return cli_status(rc);
    }
    int st = cli_output_write(out, buf, len, NULL);
    free(buf);
    return st;
}

/* Draws the predictions as o asks: the bare heat-map (--bare), a strip for
 * one image, else a poster. */
static int render(const predict_options *o, const predictions *p)
{
    const nn_render_style *s = &o->style;
    const char *path = o->render.path;
    nn_image img;
    nn_error err;
    int rc;
    if (o->bare) {
        rc = nn_render_heatmap(&img, p->probs, p->n, p->C, s, &err);
    } else if (p->n == 1 && !o->poster) {
        rc = nn_render_strip(&img, p->probs, p->C, s, &err);
    } else {
        int any_label = 0;
        for (size_t i = 0; i < p->n; i++)
            any_label |= p->labels[i] >= 0;
        nn_poster ps = {.n = p->n, .n_classes = p->C, .probs = p->probs,
                        .inputs = p->rows ? p->x : NULL, .in_rows = p->rows, .in_cols = p->cols,
                        .labels = any_label ? p->labels : NULL, .index = p->index};
        rc = nn_render_poster(&img, &ps, s, &err);
    }
    if (rc) {
        cli_error("%s: %s", path, err.msg);
        return cli_status(rc);
    }
    return cli_save_render(&o->render, &img, o->csv || o->npy);
}

/* Runs the model on the images or the drawing, then prints the
 * probabilities and draws them if asked. */
static int predict(const predict_options *o)
{
    nn_model m;
    int st = cli_load_model(o->model, &m, NULL);
    if (st)
        return st;
    predictions p;
    memset(&p, 0, sizeof p);
    if (o->image)
        st = predict_drawing(o->image, o->model, &m, o->invert ? 1 : o->no_invert ? 0 : -1, o->raw,
                             &p);
    else
        st = predict_dataset(o->images, o->labels, o->model, &m, o->index, o->count, &p);
    if (st == EXIT_OK) {
        if (o->npy)
            st = write_npy(o->npy_out, &p);
        else
            print_table(&p, o->csv);
        if (!st && o->render.path)
            st = render(o, &p);
    }
    predictions_free(&p);
    nn_model_free(&m);
    return st;
}

int cmd_predict(int argc, char **argv)
{
    predict_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : predict(&o);
}
