/* plot.c - `nnart plot`: a training history (nnart train --history) drawn
 * as loss and accuracy curves. */
#include "cli.h"

typedef struct plot_options {
    const char *history; /* the argument HISTORY.csv */
    cli_render render;   /* --render only */
    int quiet;
} plot_options;

/* Parses and checks the options into o: returns -1 to go on, or the exit
 * status to return. */
static int parse_options(int argc, char **argv, plot_options *o)
{
    *o = (plot_options){.history = NULL};
    cli_opt opts[] = {
        {.name = "render", .short_name = 'r', .type = OPT_STRING, .dest = &o->render.path, .metavar = "FILE", .help = "the chart to write (.png, .ppm or .pgm)"},
        CLI_RENDER_FORMAT_OPT(o->render),
        {.name = "quiet", .short_name = 'q', .type = OPT_FLAG, .dest = &o->quiet, .help = "print nothing but errors"},
    };
    cli_command cmd = {.name = "plot", .usage = "nnart plot HISTORY.csv --render FILE [options]",
                       .summary = "Draw the loss and the accuracy per epoch of a training "
                                  "history (the CSV file nnart train --history writes, or "
                                  "Keras's CSVLogger) as two line charts, training in blue and "
                                  "validation in orange, and print the first and last values.",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts, .arg = &o->history};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0)
        return st;
    if (!o->history) {
        cli_print_error("nnart plot: no history file given (nnart train --history FILE.csv "
                        "writes one)");
        return EXIT_USAGE;
    }
    if (!o->render.path) {
        cli_print_error("nnart plot: --render FILE is needed (.png, .ppm or .pgm)");
        return EXIT_USAGE;
    }
    nn_render_style unused;
    if ((st = cli_render_style(&cmd, &o->render, &unused)))
        return st;
    return -1;
}

/* Prints the history's first and last values and draws it. */
static int plot(const plot_options *o)
{
    nn_error err;
    nn_history h;
    int rc = nn_history_load(o->history, &h, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    if (!o->quiet) {
        size_t last = h.n - 1;
        printf("%s: %zu epochs: loss %.4f -> %.4f - accuracy %.4f -> %.4f", o->history, h.n,
               h.loss[0], h.loss[last], h.accuracy[0], h.accuracy[last]);
        if (h.has_val)
            printf(" - val_loss %.4f -> %.4f - val_accuracy %.4f -> %.4f", h.val_loss[0],
                   h.val_loss[last], h.val_accuracy[0], h.val_accuracy[last]);
        printf("\n");
    }
    nn_image img;
    rc = nn_plot_history(&h, &img, &err);
    nn_history_free(&h);
    if (rc) {
        cli_error("%s: %s", o->history, err.msg);
        return cli_status(rc);
    }
    return cli_save_render(&o->render, &img, o->quiet);
}

int cmd_plot(int argc, char **argv)
{
    plot_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : plot(&o);
}
