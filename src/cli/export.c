/* export.c - `nnart export`: a model written out in other forms, one function
 * per kind of output: --html, a self-contained web page to draw digits on
 * (nn_page.h), and --npz, NumPy arrays as numpy.savez(f, *model.get_weights())
 * writes them (nn_npy.h).  Any number of them may be asked for at once; all
 * are opened before the model is read, so that a bad path fails first, and
 * everything lands together when the command ends. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "internal.h"

typedef struct export_options {
    const char *model;
    const char *html;                     /* --html FILE, or NULL */
    const char *npz;                      /* --npz FILE, or NULL */
    size_t selftest;                      /* test digits the page embeds */
    size_t first;                         /* the first of them (--index) */
    const char *images, *labels, *data_dir; /* where they come from */
    char paths[2][CLI_PATH_MAX];          /* the resolved --images and --labels */
    nn_output *html_out, *npz_out;        /* opened before the work */
} export_options;

/* Parses and checks the options into o and opens the outputs, so that a bad
 * path fails before the work: returns -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, export_options *o)
{
    *o = (export_options){.model = DEFAULT_MODEL, .selftest = 20};
    cli_opt opts[] = {
        {.name = "model", .short_name = 'm', .type = OPT_STRING, .dest = &o->model, .metavar = "MODEL", .help = "the model (" DEFAULT_MODEL ")"},
        {.name = "html", .type = OPT_STRING, .dest = &o->html, .metavar = "FILE", .help = "write a web page to draw digits on, that runs the model (self-contained: opens from disk, no network)"},
        {.name = "npz", .type = OPT_STRING, .dest = &o->npz, .metavar = "FILE", .help = "write NumPy's .npz of the weights in Keras's get_weights() order and layout"},
        {.name = "selftest", .type = OPT_SIZE, .dest = &o->selftest, .min = 0, .max = NN_PAGE_MAX_DIGITS, .metavar = "N", .help = "test digits the page embeds and checks itself on when opened as FILE#selftest: N of the test set from --index (20)"},
        {.name = "index", .short_name = 'i', .type = OPT_SIZE, .dest = &o->first, .min = 0, .max = 1e9, .metavar = "I", .help = "the first of those test digits (0)"},
        {.name = "images", .type = OPT_STRING, .dest = &o->images, .metavar = "FILE", .help = "test images (IDX; the MNIST test set)"},
        {.name = "labels", .type = OPT_STRING, .dest = &o->labels, .metavar = "FILE", .help = "their labels (IDX; the MNIST test labels with the default images)"},
        {.name = "data", .short_name = 'd', .type = OPT_STRING, .dest = &o->data_dir, .metavar = "DIR", .help = "take the test images and labels of the MNIST-format data set in DIR (" NNART_DATADIR ")"},
    };
    cli_command cmd = {.name = "export", .usage = "nnart export --html FILE | --npz FILE [options]",
                       .summary = "Write a model out in another form: --html, one web page "
                                  "holding the model, where you draw a digit and watch the "
                                  "network read it (its input, every layer's activations, the "
                                  "network picture, its dreams and weights); --npz, its "
                                  "parameters for NumPy (and so Keras's set_weights).",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0)
        return st;
    if (!o->html && !o->npz) {
        cli_print_error("nnart export: nothing to write: give --html FILE or --npz FILE");
        return EXIT_USAGE;
    }
    if (o->html && o->selftest > 0 &&
        (st = cli_test_set("export", o->data_dir, &o->images, &o->labels, 0, o->paths)) >= 0)
        return st;
    if (o->html && (st = cli_output_open("export", "--html", o->html, &o->html_out)))
        return st;
    if (o->npz && (st = cli_output_open("export", "--npz", o->npz, &o->npz_out)))
        return st;
    return -1;
}

/* Test digits [first, first + selftest), checked against m, into the page. */
static int page_digits(const export_options *o, const nn_model *m, nn_dataset *d, nn_page *p)
{
    size_t n = o->selftest;
    int st = cli_load_data(o->images, o->labels, o->first + n, d);
    if (st || (st = cli_check_data(m, d, o->images, o->labels, o->model)))
        return st;
    if (o->first >= d->n || n > d->n - o->first) {
        cli_print_error("nnart export: --index %zu --selftest %zu: %s has images 0 to %zu",
                        o->first, n, o->images, d->n - 1);
        return EXIT_USAGE;
    }
    int *labels = nni_alloc(n, sizeof *labels);
    size_t *index = nni_alloc(n, sizeof *index);
    if (!labels || !index) {
        free(labels);
        free(index);
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    for (size_t i = 0; i < n; i++) {
        labels[i] = d->labels ? d->labels[o->first + i] : -1;
        index[i] = o->first + i;
    }
    p->n_digits = n, p->pixels = d->pixels + o->first * d->dim, p->labels = labels;
    p->index = index;
    return EXIT_OK;
}

/* --html: the page, written to its output. */
static int export_html(const export_options *o, const nn_model *m, const nn_train_info *info)
{
    size_t side;
    int st = cli_input_side(o->model, m, &side);
    if (st)
        return st;
    const char *slash = strrchr(o->model, '/');
    nn_page p = {.title = slash ? slash + 1 : o->model, .model = m, .rows = side, .cols = side,
                 .info = info};
    nn_dataset d;
    memset(&d, 0, sizeof d);
    if (o->selftest > 0 && (st = page_digits(o, m, &d, &p))) {
        nn_dataset_free(&d);
        return st;
    }
    nn_buf html = {0};
    nn_error err;
    int rc = nn_page_html(&p, &html, &err);
    if (rc) {
        cli_error("%s: %s", o->html, err.msg);
        st = cli_status(rc);
    } else {
        char done[CLI_PATH_MAX + 64];
        snprintf(done, sizeof done, "wrote %s (%zu bytes, %zu test digits)",
                 strcmp(o->html, "-") == 0 ? "standard output" : o->html, html.len, p.n_digits);
        st = cli_output_write(o->html_out, html.data, html.len, done);
    }
    nn_buf_free(&html);
    free((void *)p.labels);
    free((void *)p.index);
    nn_dataset_free(&d);
    return st;
}

/* --npz: the .npz archive of m, written to its output. */
static int export_npz(const export_options *o, const nn_model *m)
{
    uint8_t *buf;
    size_t len;
    nn_error err;
    int rc = nn_model_encode_npz(m, &buf, &len, &err);
    if (rc) {
        cli_error("%s: %s", o->npz, err.msg);
        return cli_status(rc);
    }
    char done[CLI_PATH_MAX + 64];
    snprintf(done, sizeof done, "wrote %s (%zu arrays)", o->npz, 2 * m->n_layers);
    int st = cli_output_write(o->npz_out, buf, len, done);
    free(buf);
    return st;
}

/* Loads the model and writes each output asked for. */
static int export_model(const export_options *o)
{
    nn_model m;
    nn_train_info info;
    int st = cli_load_model(o->model, &m, &info);
    if (st)
        return st;
    if (o->html)
        st = export_html(o, &m, &info);
    if (!st && o->npz)
        st = export_npz(o, &m);
    nn_model_free(&m);
    return st;
}

int cmd_export(int argc, char **argv)
{
    export_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : export_model(&o);
}
