/* import.c - `nnart import`: a model from another program's parameters
 * (a NumPy .npz of Keras's get_weights()) as an nnart model file. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct import_options {
    const char *input, *out_path;
    const char *activation, *output, *loss;
    nn_activation hidden_act, output_act;
    nn_loss_kind loss_kind;
    nn_output *model_out; /* opened before the work */
} import_options;

/* Checks the activations and the loss: -1 to go on, or the exit status. */
static int check_options(import_options *o)
{
    if (nn_activation_from_name(o->activation, &o->hidden_act) != 0 ||
        o->hidden_act == NN_ACT_SOFTMAX) {
        cli_print_error("nnart import: --activation: unknown activation '%s' (relu, sigmoid, tanh, identity)", o->activation);
        return EXIT_USAGE;
    }
    if (nn_activation_from_name(o->output, &o->output_act) != 0) {
        cli_print_error("nnart import: --output-activation: unknown activation '%s' (softmax, sigmoid, tanh, relu, identity)", o->output);
        return EXIT_USAGE;
    }
    if (nn_loss_from_name(o->loss, &o->loss_kind) != 0) {
        cli_print_error("nnart import: --loss: unknown loss '%s' (xent, mse)", o->loss);
        return EXIT_USAGE;
    }
    nn_error err;
    if (nn_loss_check(o->output_act, o->loss_kind, &err) != NN_OK) {
        cli_print_error("nnart import: %s", err.msg);
        return EXIT_USAGE;
    }
    return -1;
}

/* Parses and checks the options into o and opens the model's output:
 * returns -1 to go on, or the exit status to return. */
static int parse_options(int argc, char **argv, import_options *o)
{
    *o = (import_options){.out_path = DEFAULT_MODEL, .activation = "relu", .output = "softmax",
                          .loss = "xent"};
    cli_opt opts[] = {
        {.name = "output", .short_name = 'o', .type = OPT_STRING, .dest = &o->out_path, .metavar = "MODEL", .help = "where to save the model (" DEFAULT_MODEL ")"},
        {.name = "activation", .type = OPT_STRING, .dest = &o->activation, .metavar = "ACT", .help = "hidden activation: relu, sigmoid, tanh, identity (relu)"},
        {.name = "output-activation", .type = OPT_STRING, .dest = &o->output, .metavar = "ACT", .help = "output activation: softmax, sigmoid, tanh, relu, identity (softmax)"},
        {.name = "loss", .type = OPT_STRING, .dest = &o->loss, .metavar = "NAME", .help = "the loss it is evaluated with: xent or mse (xent)"},
    };
    cli_command cmd = {.name = "import", .usage = "nnart import FILE.npz [-o MODEL] [options]",
                       .summary = "Make an nnart model of a NumPy .npz of a dense network's "
                                  "weights and biases in Keras's get_weights() order.",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts, .arg = &o->input};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0 || (st = check_options(o)) >= 0)
        return st;
    if (!o->input) {
        cli_print_error("nnart import: give the .npz file to import (nnart import FILE.npz)");
        return EXIT_USAGE;
    }
    if ((st = cli_output_open("import", "-o", o->out_path, &o->model_out)))
        return st;
    return -1;
}

/* Reads the archive into m. */
static int read_npz(const import_options *o, nn_model *m)
{
    uint8_t *buf;
    size_t len;
    nn_error err;
    int rc = nn_read_file(o->input, &buf, &len, SIZE_MAX, &err);
    if (rc == NN_OK) {
        rc = nn_model_parse_npz(buf, len, o->input, o->hidden_act, o->output_act, m, &err);
        free(buf);
    }
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
    import_options o;
    int st = parse_options(argc, argv, &o);
    if (st >= 0)
        return st;
    nn_model m;
    if ((st = read_npz(&o, &m)))
        return st;
    nn_train_info info;
    nn_train_info_unknown(&info);
    info.loss = o.loss_kind;
    info.imported = 1;
    nn_error err;
    int rc = nn_model_write(o.model_out, &m, &info, &err);
    if (rc) {
        cli_error("%s", err.msg);
        st = cli_status(rc);
    } else {
        char done[CLI_PATH_MAX + 96];
        snprintf(done, sizeof done, "saved %s (%zu layer%s, %zu parameters)", o.out_path,
                 m.n_layers, m.n_layers == 1 ? "" : "s", m.n_params);
        cli_output_done(o.model_out, done);
    }
    nn_model_free(&m);
    return st;
}
