/* info.c - `nnart info`: what a model file holds (architecture, parameter
 * count and how it was trained). */
#include <math.h>

#include "cli.h"

typedef struct info_options {
    const char *model, *arg; /* -m MODEL, the argument MODEL */
} info_options;

/* Parses the options into o: returns -1 to go on, or the exit status to
 * return.  The model is -m MODEL or the one argument, not both. */
static int parse_options(int argc, char **argv, info_options *o)
{
    *o = (info_options){.model = DEFAULT_MODEL};
    cli_opt opts[] = {
        {.name = "model", .short_name = 'm', .type = OPT_STRING, .dest = &o->model, .metavar = "MODEL", .help = "the model to describe (" DEFAULT_MODEL ")"},
    };
    cli_command cmd = {.name = "info", .usage = "nnart info [MODEL]",
                       .summary = "Print a model's architecture, parameter count and how it "
                                  "was trained.",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts, .arg = &o->arg};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0)
        return st;
    if (o->arg && cli_given(&cmd, "model")) {
        cli_print_error("nnart info: give the model either as -m or as an argument, not both");
        return EXIT_USAGE;
    }
    if (o->arg)
        o->model = o->arg;
    return -1;
}

/* "test:         loss 0.2289 - accuracy 0.9364", or "not measured". */
static void print_metrics(const char *what, float loss, float accuracy)
{
    if (isnan(loss) && isnan(accuracy))
        printf("%-13s not measured\n", what);
    else
        printf("%-13s loss %.4f - accuracy %.4f\n", what, (double)loss, (double)accuracy);
}

/* Prints what the model file holds. */
static int describe(const info_options *o)
{
    nn_model m;
    nn_train_info in;
    int st = cli_load_model(o->model, &m, &in);
    if (st)
        return st;
    printf("model:        %s (format version %u)\n", o->model, NN_MODEL_VERSION);
    printf("layers:       ");
    for (size_t l = 0; l <= m.n_layers; l++)
        printf("%s%zu", l ? "-" : "", m.sizes[l]);
    printf("\nactivations: ");
    for (size_t l = 0; l < m.n_layers; l++)
        printf(" %s", nn_activation_name(m.act[l]));
    printf("\nparameters:   %zu\n", m.n_params);
    if (in.imported)
        printf("trained with: unknown (imported), %s loss", nn_loss_name(in.loss));
    else
        printf("trained with: %s, lr %g, %s loss, %u epochs of batch %u, seed %llu, %u samples",
               nn_optimizer_name(in.optimizer), (double)in.lr, nn_loss_name(in.loss), in.epochs,
               in.batch, (unsigned long long)in.seed, in.n_train);
    if (in.val_split > 0.0f)
        printf(", validation split %g", (double)in.val_split);
    printf("\n");
    print_metrics("train:", in.train_loss, in.train_accuracy);
    print_metrics("validation:", in.val_loss, in.val_accuracy);
    print_metrics("test:", in.test_loss, in.test_accuracy);
    nn_model_free(&m);
    return EXIT_OK;
}

int cmd_info(int argc, char **argv)
{
    info_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : describe(&o);
}
