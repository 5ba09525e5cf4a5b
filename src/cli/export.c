/* export.c - `nnart export`: a saved model in other programs' formats.
 *
 * Each kind of output has its option (a path in export_options) and its
 * writer, one function each; any number of them may be asked for at once,
 * and all are opened before the model is read, so that a bad path fails
 * first.  Everything lands together when the command ends. */
#include <stdlib.h>

#include "cli.h"

typedef struct export_options {
    const char *model;
    const char *npz;      /* --npz FILE: NumPy arrays, as numpy.savez(f, *model.get_weights()) */
    nn_output *npz_out;   /* opened before the work */
} export_options;

/* Parses the options into o and opens every output asked for: returns -1 to
 * go on, or the exit status to return. */
static int parse_options(int argc, char **argv, export_options *o)
{
    *o = (export_options){.model = DEFAULT_MODEL};
    cli_opt opts[] = {
        {.name = "model", .short_name = 'm', .type = OPT_STRING, .dest = &o->model, .metavar = "MODEL", .help = "the model to export (" DEFAULT_MODEL ")"},
        {.name = "npz", .type = OPT_STRING, .dest = &o->npz, .metavar = "FILE", .help = "NumPy .npz of the weights in Keras's get_weights() order and layout"},
    };
    cli_command cmd = {.name = "export", .usage = "nnart export [-m MODEL] --npz FILE",
                       .summary = "Write a model's parameters in another program's format: "
                                  "--npz for NumPy (and so Keras's set_weights).",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0)
        return st;
    if (!o->npz) {
        cli_print_error("nnart export: nothing to write: give --npz FILE");
        return EXIT_USAGE;
    }
    if (o->npz && (st = cli_output_open("export", "--npz", o->npz, &o->npz_out)))
        return st;
    return -1;
}

/* The .npz archive of m into its output. */
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

int cmd_export(int argc, char **argv)
{
    export_options o;
    int st = parse_options(argc, argv, &o);
    if (st >= 0)
        return st;
    nn_model m;
    if ((st = cli_load_model(o.model, &m, NULL)))
        return st;
    if (o.npz)
        st = export_npz(&o, &m);
    nn_model_free(&m);
    return st;
}
