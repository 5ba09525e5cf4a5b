/* weights.c - `nnart weights`: each first-layer unit's weights drawn as an
 * image, what the unit looks for. */
#include <string.h>

#include "cli.h"
#include "internal.h"

typedef struct weights_options {
    const char *model, *range;
    size_t columns;
    cli_render render;
    nn_render_style style; /* from render and range */
} weights_options;

/* Parses and checks the options into o: returns -1 to go on, or the exit
 * status to return. */
static int parse_options(int argc, char **argv, weights_options *o)
{
    *o = (weights_options){.model = DEFAULT_MODEL, .range = "tile",
                           .render = {.cmap = "bwr", .scale = 4}};
    cli_opt opts[] = {
        {.name = "model", .short_name = 'm', .type = OPT_STRING, .dest = &o->model, .metavar = "MODEL", .help = "the model (" DEFAULT_MODEL ")"},
        {.name = "render", .short_name = 'r', .type = OPT_STRING, .dest = &o->render.path, .metavar = "FILE", .help = "the picture to write (.ppm, .pgm or .png)"},
        CLI_RENDER_FORMAT_OPT(o->render),
        {.name = "cmap", .type = OPT_STRING, .dest = &o->render.cmap, .metavar = "NAME", .help = "colormap: bwr, hot or gray (bwr)"},
        {.name = "range", .type = OPT_STRING, .dest = &o->range, .metavar = "R", .help = "colour scale per tile or global (tile)"},
        {.name = "scale", .short_name = 's', .type = OPT_SIZE, .dest = &o->render.scale, .min = 1, .max = 256, .metavar = "S", .help = "pixels per weight (4)"},
        {.name = "columns", .type = OPT_SIZE, .dest = &o->columns, .min = 1, .max = 4096, .metavar = "N", .help = "tiles per row (all in one row up to 10)"},
    };
    cli_command cmd = {.name = "weights", .usage = "nnart weights --render FILE [options]",
                       .summary = "Draw each first-layer unit's weights as an image: what it "
                                  "looks for (red: ink there raises it, blue: lowers it).",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0)
        return st;
    if (!o->render.path) {
        cli_print_error("nnart weights: --render FILE is required (.ppm, .pgm or .png)");
        return EXIT_USAGE;
    }
    if ((st = cli_render_style(&cmd, &o->render, &o->style)))
        return st;
    if (strcmp(o->range, "tile") != 0 && strcmp(o->range, "global") != 0) {
        cli_print_error("nnart weights: --range: unknown range '%s' (tile, global)", o->range);
        return EXIT_USAGE;
    }
    /* A diverging map is centred on 0; the others span the weights' range. */
    int tile = strcmp(o->range, "tile") == 0;
    if (o->style.cmap == NN_CMAP_BWR)
        o->style.range = tile ? NN_RANGE_TILE_SYMMETRIC : NN_RANGE_SYMMETRIC;
    else
        o->style.range = tile ? NN_RANGE_TILE : NN_RANGE_DATA;
    return -1;
}

/* Draws the units' weights of m, labelled with their numbers. */
static int draw(const weights_options *o, const nn_model *m, size_t side)
{
    size_t units = m->sizes[1];
    char (*labels)[24] = nni_alloc(units, sizeof *labels);
    const char **label_ptr = nni_alloc(units, sizeof *label_ptr);
    int st = EXIT_OK;
    if (!labels || !label_ptr) {
        cli_error("out of memory");
        st = EXIT_RUNTIME;
        goto done;
    }
    for (size_t u = 0; u < units; u++) {
        snprintf(labels[u], sizeof labels[u], "%zu", u);
        label_ptr[u] = labels[u];
    }
    /* W_0 is (sizes[1], sizes[0]) row-major: unit u's weights are row u. */
    nn_tiles t = {.n = units, .rows = side, .cols = side,
                  .v = m->params + nn_model_weight_offset(m, 0), .labels = label_ptr,
                  .columns = o->columns};
    nn_image img;
    nn_error err;
    int rc = nn_render_tiles(&img, &t, &o->style, &err);
    if (rc) {
        cli_error("%s: %s", o->render.path, err.msg);
        st = cli_status(rc);
        goto done;
    }
    st = cli_save_render(&o->render, &img, 0);
done:
    free(label_ptr);
    free(labels);
    return st;
}

/* Loads the model and draws its first layer's weights. */
static int draw_weights(const weights_options *o)
{
    nn_model m;
    int st = cli_load_model(o->model, &m, NULL);
    if (st)
        return st;
    size_t side;
    if (!(st = cli_input_side(o->model, &m, &side)))
        st = draw(o, &m, side);
    nn_model_free(&m);
    return st;
}

int cmd_weights(int argc, char **argv)
{
    weights_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : draw_weights(&o);
}
