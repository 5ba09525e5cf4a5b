/* plot.c - `nnart plot`: a training history (nnart train --history) drawn
 * as loss and accuracy curves. */
#include <string.h>

#include "cli.h"

int cmd_plot(int argc, char **argv)
{
    const char *render_path = NULL;
    int quiet = 0;
    cli_opt opts[] = {
        {"render", 'r', OPT_STRING, &render_path, 0, 0, "FILE", "the chart to write (.png, .ppm or .pgm)", 0},
        {"quiet", 'q', OPT_FLAG, &quiet, 0, 0, NULL, "print nothing but errors", 0},
    };
    cli_command cmd = {"plot", "nnart plot HISTORY.csv --render FILE [options]",
                       "Draw the loss and the accuracy per epoch of a training history (the CSV "
                       "file nnart train --history writes, or Keras's CSVLogger) as two line "
                       "charts, training in blue and validation in orange, and print the first "
                       "and last values.",
                       opts, sizeof opts / sizeof *opts, 1};
    const char *pos[1];
    size_t n_pos;
    int st = cli_parse_or_exit(&cmd, argc, argv, pos, &n_pos);
    if (st >= 0)
        return st;
    if (n_pos == 0) {
        cli_print_error("nnart plot: no history file given (nnart train --history FILE.csv "
                        "writes one)");
        return EXIT_USAGE;
    }
    if (!render_path) {
        cli_print_error("nnart plot: --render FILE is needed (.png, .ppm or .pgm)");
        return EXIT_USAGE;
    }
    if ((st = cli_check_render_path("plot", render_path)))
        return st;

    nn_error err;
    nn_history h;
    int rc = nn_history_load(pos[0], &h, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    if (!quiet) {
        size_t last = h.n - 1;
        printf("%s: %zu epochs: loss %.4f -> %.4f - accuracy %.4f -> %.4f", pos[0], h.n,
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
        cli_error("%s: %s", pos[0], err.msg);
        return cli_status(rc);
    }
    return cli_save_image(render_path, &img, quiet);
}
