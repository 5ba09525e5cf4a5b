/* predict.c - `nnart predict`: the probabilities a model gives test images
 * or a drawing, as a table and as a heat-map or poster; and the helpers every
 * command with --render shares. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_check_render_path(const char *cmd, const char *path)
{
    nn_image_format fmt;
    if (path && nn_image_format_from_path(path, &fmt) != 0) {
        cli_print_error("nnart %s: --render: '%s' has no picture extension (.ppm, .pgm or .png)",
                        cmd, path);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cli_parse_cmap(const char *cmd, const char *name, nn_colormap *out)
{
    if (nn_colormap_parse(name, out) != 0) {
        cli_print_error("nnart %s: --cmap: unknown colormap '%s' (hot, bwr, gray)", cmd, name);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cli_save_image(const char *path, nn_image *img, int quiet)
{
    nn_error err;
    int rc = nn_image_save(path, img, &err);
    if (rc == NN_OK && !quiet)
        printf("wrote %s (%zu x %zu pixels)\n", path, img->width, img->height);
    nn_image_free(img);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    return EXIT_OK;
}

int cli_load_model(const char *path, nn_model *m)
{
    nn_error err;
    int rc = nn_model_load(path, m, NULL, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    return EXIT_OK;
}

int cli_input_side(const char *model_path, const nn_model *m, size_t *side)
{
    nn_error err;
    if (nn_square_side(m->sizes[0], side, &err) != NN_OK) {
        cli_error("%s: %s", model_path, err.msg);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
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
    p->x = malloc(n * dim * sizeof *p->x);
    p->probs = malloc(n * C * sizeof *p->probs);
    p->labels = malloc(n * sizeof *p->labels);
    p->index = malloc(n * sizeof *p->index);
    if (!p->x || !p->probs || !p->labels || !p->index) {
        cli_error("out of memory for %zu predictions", n);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* The user's drawing, brought into MNIST's form and run through the model. */
static int predict_drawing(const char *path, const char *model_path, const nn_model *m,
                           int invert, predictions *p)
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
    nn_error err;
    nn_greymap g = {0};
    int rc = nn_pnm_load(path, &g, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    rc = nn_digit_prepare(&g, invert, side, side, p->x, &err);
    nn_greymap_free(&g);
    nn_work w;
    if (rc == NN_OK && (rc = nn_work_create(&w, m, 1, &err)) == NN_OK) {
        memcpy(p->probs, nn_forward(m, &w, p->x, 1), p->C * sizeof *p->probs);
        nn_work_free(&w);
    }
    if (rc) {
        cli_error("%s: %s", path, err.msg);
        return cli_status(rc);
    }
    return EXIT_OK;
}

/* Samples [first, first + count) of a data set. */
static int predict_dataset(const char *images, const char *labels, const nn_model *m,
                           size_t first, size_t count, predictions *p)
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
    if ((st = alloc_predictions(p, count, d.dim, m->sizes[m->n_layers]))) {
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
        for (size_t j = 0; j < d.dim; j++)
            p->x[i * d.dim + j] = d.pixels[(first + i) * d.dim + j] / 255.0f;
    }
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

static int render(const char *path, const predictions *p, const nn_render_style *s, int poster,
                  int quiet)
{
    nn_image img;
    nn_error err;
    int rc;
    if (p->n == 1 && !poster) {
        rc = nn_render_heatmap(&img, p->probs, 1, p->C, s, &err);
    } else {
        int any_label = 0;
        for (size_t i = 0; i < p->n; i++)
            any_label |= p->labels[i] >= 0;
        nn_poster ps = {p->n, p->C, p->probs, p->rows ? p->x : NULL, p->rows, p->cols,
                        any_label ? p->labels : NULL, p->index};
        rc = nn_render_poster(&img, &ps, s, &err);
    }
    if (rc) {
        cli_error("%s: %s", path, err.msg);
        return cli_status(rc);
    }
    return cli_save_image(path, &img, quiet);
}

int cmd_predict(int argc, char **argv)
{
    const char *model_path = DEFAULT_MODEL, *images = NULL, *labels = NULL, *data_dir = NULL;
    const char *image = NULL, *format = "text", *render_path = NULL, *cmap = "hot";
    size_t index = 0, count = 1, scale = 32;
    float vmin = 0.0f, vmax = 1.0f;
    int invert = 0, no_invert = 0, poster = 0;
    cli_opt opts[] = {
        {"model", 'm', OPT_STRING, &model_path, 0, 0, "MODEL", "the model (" DEFAULT_MODEL ")", 0},
        {"images", 0, OPT_STRING, &images, 0, 0, "FILE", "images (IDX; the MNIST test set)", 0},
        {"labels", 0, OPT_STRING, &labels, 0, 0, "FILE", "their labels (IDX; the MNIST test labels with the default images)", 0},
        {"data", 'd', OPT_STRING, &data_dir, 0, 0, "DIR", "take the test images and labels of the MNIST-format data set in DIR (" NNART_DATADIR ")", 0},
        {"index", 'i', OPT_SIZE, &index, 0, 1e9, "I", "first image (0)", 0},
        {"count", 'n', OPT_SIZE, &count, 1, 10000, "N", "number of images (1)", 0},
        {"image", 0, OPT_STRING, &image, 0, 0, "FILE", "your own drawing instead (PGM or PPM, any size)", 0},
        {"invert", 0, OPT_FLAG, &invert, 0, 0, NULL, "the drawing is dark on light: invert it (default: decide from its border)", 0},
        {"no-invert", 0, OPT_FLAG, &no_invert, 0, 0, NULL, "the drawing is light on dark: keep it", 0},
        {"format", 'f', OPT_STRING, &format, 0, 0, "FMT", "text or csv (text)", 0},
        {"render", 'r', OPT_STRING, &render_path, 0, 0, "FILE", "draw the probabilities (.ppm, .pgm or .png)", 0},
        {"poster", 0, OPT_FLAG, &poster, 0, 0, NULL, "draw a poster (inputs, labels) even for one image", 0},
        {"cmap", 0, OPT_STRING, &cmap, 0, 0, "NAME", "colormap: hot, bwr or gray (hot)", 0},
        {"scale", 's', OPT_SIZE, &scale, 1, 512, "S", "pixels per cell (32)", 0},
        {"vmin", 0, OPT_FLOAT, &vmin, -1e30, 1e30, "V", "value drawn as the colormap's start (default: the smallest drawn)", 0},
        {"vmax", 0, OPT_FLOAT, &vmax, -1e30, 1e30, "V", "value drawn as the colormap's end (default: the largest drawn)", 0},
    };
    cli_command cmd = {"predict", "nnart predict [options]",
                       "Show the probabilities a model gives test images, or your own drawing "
                       "(--image), as a table and as a heat-map (--render).",
                       opts, sizeof opts / sizeof *opts, 0};
    const char *pos[1];
    size_t n_pos;
    int st = cli_parse_or_exit(&cmd, argc, argv, pos, &n_pos);
    if (st >= 0)
        return st;
    int csv = strcmp(format, "csv") == 0;
    if (!csv && strcmp(format, "text") != 0) {
        cli_print_error("nnart predict: --format: unknown format '%s' (text, csv)", format);
        return EXIT_USAGE;
    }
    if (invert && no_invert) {
        cli_print_error("nnart predict: --invert and --no-invert contradict each other");
        return EXIT_USAGE;
    }
    if (image && (cli_given(&cmd, "images") || cli_given(&cmd, "labels") || cli_given(&cmd, "index") ||
                  cli_given(&cmd, "count") || cli_given(&cmd, "data"))) {
        cli_print_error("nnart predict: --image takes the place of --images, --labels, --data, "
                        "--index and --count");
        return EXIT_USAGE;
    }
    if (!image && (invert || no_invert)) {
        cli_print_error("nnart predict: --invert and --no-invert apply to --image only");
        return EXIT_USAGE;
    }
    if (cli_given(&cmd, "vmin") && cli_given(&cmd, "vmax") && vmin > vmax) {
        cli_print_error("nnart predict: --vmin %g is above --vmax %g", (double)vmin,
                (double)vmax);
        return EXIT_USAGE;
    }
    nn_render_style style;
    nn_render_style_default(&style, scale);
    style.set_vmin = cli_given(&cmd, "vmin"), style.vmin = vmin;
    style.set_vmax = cli_given(&cmd, "vmax"), style.vmax = vmax;
    if ((st = cli_check_render_path("predict", render_path)) ||
        (st = cli_parse_cmap("predict", cmap, &style.cmap)))
        return st;
    /* The test set of --data DIR or of the bundled MNIST, with its labels
     * unless --images names other images. */
    char ipath[CLI_PATH_MAX], lpath[CLI_PATH_MAX];
    if (!image) {
        int own_images = images != NULL;
        if ((data_dir && (st = cli_data_dir("predict", data_dir))) ||
            (st = cli_data_option(&images, ipath, sizeof ipath, "predict", data_dir,
                                  TEST_IMAGES_NAME)))
            return st;
        if ((labels || !own_images) &&
            (st = cli_data_option(&labels, lpath, sizeof lpath, "predict", data_dir,
                                  TEST_LABELS_NAME)))
            return st;
    }

    nn_model m;
    if ((st = cli_load_model(model_path, &m)))
        return st;
    predictions p;
    memset(&p, 0, sizeof p);
    if (image)
        st = predict_drawing(image, model_path, &m, invert ? 1 : no_invert ? 0 : -1, &p);
    else
        st = predict_dataset(images, labels, &m, index, count, &p);
    if (st == EXIT_OK) {
        print_table(&p, csv);
        if (render_path)
            st = render(render_path, &p, &style, poster, csv);
    }
    predictions_free(&p);
    nn_model_free(&m);
    return st;
}
