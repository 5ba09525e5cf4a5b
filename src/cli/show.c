/* show.c - `nnart show`: the whole network for one input, as a picture of
 * its activations and of the contributions along its connections. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "internal.h"

typedef struct show_options {
    const char *model, *images, *labels;
    const char *image; /* a drawing instead of a test image */
    size_t index, units;
    int invert, no_invert;
    cli_render render;
    nn_render_style style; /* checks --render's extension */
} show_options;

/* Parses and checks the options into o: returns -1 to go on, or the exit
 * status to return. */
static int parse_options(int argc, char **argv, show_options *o)
{
    *o = (show_options){.model = DEFAULT_MODEL, .units = 16, .render = {.scale = 2}};
    cli_opt opts[] = {
        {.name = "model", .short_name = 'm', .type = OPT_STRING, .dest = &o->model, .metavar = "MODEL", .help = "the model (" DEFAULT_MODEL ")"},
        {.name = "index", .short_name = 'i', .type = OPT_SIZE, .dest = &o->index, .min = 0, .max = 1e9, .metavar = "I", .help = "the test image to show (0)"},
        {.name = "images", .type = OPT_STRING, .dest = &o->images, .metavar = "FILE", .help = "images (IDX; the MNIST test set)"},
        {.name = "labels", .type = OPT_STRING, .dest = &o->labels, .metavar = "FILE", .help = "their labels (IDX; the MNIST test labels with the default images)"},
        {.name = "image", .type = OPT_STRING, .dest = &o->image, .metavar = "FILE", .help = "your own drawing instead (PNG, JPEG, PGM or PPM, any size; - reads standard input; prepared as predict does)"},
        {.name = "invert", .type = OPT_FLAG, .dest = &o->invert, .help = "the drawing is dark on light: invert it (default: decide from its border)"},
        {.name = "no-invert", .type = OPT_FLAG, .dest = &o->no_invert, .help = "the drawing is light on dark: keep it"},
        {.name = "render", .short_name = 'r', .type = OPT_STRING, .dest = &o->render.path, .metavar = "FILE", .help = "the picture to write (.ppm, .pgm or .png)"},
        CLI_RENDER_FORMAT_OPT(o->render),
        {.name = "scale", .short_name = 's', .type = OPT_SIZE, .dest = &o->render.scale, .min = 1, .max = 16, .metavar = "S", .help = "size of the picture: 1 small, 2 about 1000 pixels wide (2)"},
        {.name = "units", .type = OPT_SIZE, .dest = &o->units, .min = 1, .max = NN_NETWORK_MAX_UNITS, .metavar = "N", .help = "most units drawn per layer; a wider layer shows the N with the largest activation (16)"},
    };
    cli_command cmd = {.name = "show", .usage = "nnart show --render FILE [options]",
                       .summary = "Draw the whole network for one input: the digit, each "
                                  "first-layer unit's weights beside it (red: ink there raises "
                                  "the unit, blue: lowers it), each layer's activations as "
                                  "cells with their values, and the connections as lines, red "
                                  "for a positive weight and blue for a negative one, as wide "
                                  "and opaque as the contribution |w * a| they carry; the "
                                  "output's probabilities with the predicted class framed.",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0)
        return st;
    if (!o->render.path) {
        cli_print_error("nnart show: --render FILE is required (.ppm, .pgm or .png)");
        return EXIT_USAGE;
    }
    if (o->invert && o->no_invert) {
        cli_print_error("nnart show: --invert and --no-invert contradict each other");
        return EXIT_USAGE;
    }
    if (o->image && (cli_given(&cmd, "images") || cli_given(&cmd, "labels") ||
                     cli_given(&cmd, "index"))) {
        cli_print_error("nnart show: --image takes the place of --images, --labels and --index");
        return EXIT_USAGE;
    }
    if (!o->image && (o->invert || o->no_invert)) {
        cli_print_error("nnart show: --invert and --no-invert apply to --image only");
        return EXIT_USAGE;
    }
    if (!o->images && !o->labels)
        o->labels = DEFAULT_TEST_LABELS;
    if (!o->images)
        o->images = DEFAULT_TEST_IMAGES;
    return (st = cli_render_style(&cmd, &o->render, &o->style)) ? st : -1;
}

/* Test image --index of the data set into x, its label into *label (-1 if
 * none). */
static int test_image(const show_options *o, const nn_model *m, float *x, int *label)
{
    nn_dataset d;
    memset(&d, 0, sizeof d);
    int st = cli_load_data(o->images, o->labels, 0, &d);
    if (st)
        return st;
    if ((st = cli_check_data(m, &d, o->images, o->labels, o->model)) == EXIT_OK &&
        o->index >= d.n) {
        cli_print_error("nnart show: --index %zu: %s has images 0 to %zu", o->index, o->images,
                        d.n - 1);
        st = EXIT_USAGE;
    }
    if (st == EXIT_OK) {
        nn_dataset_inputs(&d, o->index, 1, x);
        *label = d.labels ? d.labels[o->index] : -1;
    }
    nn_dataset_free(&d);
    return st;
}

/* The drawing, brought into MNIST's form as predict does. */
static int drawing(const show_options *o, size_t side, float *x)
{
    nn_error err;
    nn_greymap g = {0};
    int rc = cli_load_picture(NULL, o->image, &g);
    if (rc)
        return rc;
    rc = nn_digit_prepare(&g, o->invert ? 1 : o->no_invert ? 0 : -1, side, side, x, &err);
    nn_greymap_free(&g);
    if (rc) {
        cli_error("%s: %s", o->image, err.msg);
        return cli_status(rc);
    }
    return EXIT_OK;
}

/* Prints the input's line (index, label, prediction, p) and draws the picture. */
static int render(const show_options *o, const nn_model *m, const float *x, size_t side,
                  int label)
{
    nn_network_style s;
    nn_network_style_default(&s, side, side);
    s.scale = o->render.scale, s.max_units = o->units;
    nn_image img;
    nn_error err;
    int rc = nn_render_network(&img, m, x, &s, &err);
    if (rc) {
        cli_error("%s: %s", o->render.path, err.msg);
        return cli_status(rc);
    }
    float p;
    size_t predicted;
    nn_work w;
    if ((rc = nn_work_create(&w, m, 1, &err))) {
        nn_image_free(&img);
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    const float *y = nn_forward(m, &w, x, 1);
    nn_argmax_rows(&predicted, y, 1, m->sizes[m->n_layers]);
    p = y[predicted];
    nn_work_free(&w);
    char idx[24] = "-", lab[24] = "-";
    if (!o->image)
        snprintf(idx, sizeof idx, "%zu", o->index);
    if (label >= 0)
        snprintf(lab, sizeof lab, "%d", label);
    printf("index  label  predicted       p\n%5s  %5s  %9zu  %6.4f\n", idx, lab, predicted,
           (double)p);
    return cli_save_render(&o->render, &img, 0);
}

/* Loads the model and the input, then draws the network. */
static int show(const show_options *o)
{
    nn_model m;
    int st = cli_load_model(o->model, &m, NULL);
    if (st)
        return st;
    size_t side;
    float *x = NULL;
    int label = -1;
    if (!(st = cli_input_side(o->model, &m, &side))) {
        x = nni_alloc(m.sizes[0], sizeof *x);
        if (!x) {
            cli_error("out of memory");
            st = EXIT_RUNTIME;
        } else {
            st = o->image ? drawing(o, side, x) : test_image(o, &m, x, &label);
        }
    }
    if (!st)
        st = render(o, &m, x, side, label);
    free(x);
    nn_model_free(&m);
    return st;
}

int cmd_show(int argc, char **argv)
{
    show_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : show(&o);
}
