/* train.c - `nnart train`: build the model, fit it, test it, save it. */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The data files: --train-images, --train-labels, --test-images, --test-labels. */
enum { TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS, N_FILES };

typedef struct train_options {
    nn_train_config cfg;
    const char *layers; /* --layers as given, NULL for INPUT-10-10-CLASSES */
    const char *activation, *output, *optimizer, *loss, *out_path, *history, *data_dir;
    const char *files[N_FILES]; /* as given, then resolved */
    int quiet, no_test;
    size_t limit;
    size_t n_layers, sizes[NN_MAX_LAYERS + 2]; /* from --layers, or the data's */
    nn_output *model_out, *history_out;        /* opened before the work */
    nn_activation act[NN_MAX_LAYERS];
    char paths[N_FILES][CLI_PATH_MAX]; /* where files point when resolved */
} train_options;

/* Parses "784-10-10-10" into sizes; returns the number of layers, 0 if bad. */
static size_t parse_layers(const char *spec, size_t *sizes)
{
    size_t n = 0;
    const char *p = spec;
    for (;;) {
        if (*p < '0' || *p > '9' || n > NN_MAX_LAYERS)
            return 0;
        size_t v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (size_t)(*p++ - '0');
            if (v > NN_MAX_WIDTH)
                return 0;
        }
        if (v == 0)
            return 0;
        sizes[n++] = v;
        if (*p == '\0')
            break;
        if (*p++ != '-')
            return 0;
    }
    return n >= 2 ? n - 1 : 0;
}

/* Checks the architecture and training options in o, before any file is
 * read: returns -1 to go on, or the exit status to return. */
static int check_options(train_options *o)
{
    o->n_layers = o->layers ? parse_layers(o->layers, o->sizes) : 3;
    if (o->n_layers == 0) {
        cli_print_error("nnart train: --layers: '%s' is not a list of 2 to %d widths from 1 to "
                        "%d, such as 784-10-10-10",
                        o->layers, NN_MAX_LAYERS + 1, NN_MAX_WIDTH);
        return EXIT_USAGE;
    }
    nn_activation hidden, out_act;
    if (nn_activation_from_name(o->activation, &hidden) != 0 || hidden == NN_ACT_SOFTMAX) {
        cli_print_error("nnart train: --activation: unknown activation '%s' (relu, sigmoid, tanh, identity)", o->activation);
        return EXIT_USAGE;
    }
    if (nn_activation_from_name(o->output, &out_act) != 0) {
        cli_print_error("nnart train: --output-activation: unknown activation '%s' (softmax, sigmoid, tanh, relu, identity)", o->output);
        return EXIT_USAGE;
    }
    if (nn_optimizer_from_name(o->optimizer, &o->cfg.optimizer) != 0) {
        cli_print_error("nnart train: --optimizer: unknown optimizer '%s' (adam, sgd)", o->optimizer);
        return EXIT_USAGE;
    }
    if (nn_loss_from_name(o->loss, &o->cfg.loss) != 0) {
        cli_print_error("nnart train: --loss: unknown loss '%s' (xent, mse)", o->loss);
        return EXIT_USAGE;
    }
    for (size_t l = 0; l < o->n_layers; l++)
        o->act[l] = l + 1 < o->n_layers ? hidden : out_act;
    nn_error err;
    if ((o->layers && nn_arch_check(o->n_layers, o->sizes, o->act, &err) != NN_OK) ||
        nn_loss_check(out_act, o->cfg.loss, &err) != NN_OK) {
        cli_print_error("nnart train: %s", err.msg);
        return EXIT_USAGE;
    }
    return -1;
}

/* The four files: as given, else in --data DIR or the bundled MNIST (the
 * test set only if it is used).  Returns -1 to go on, or an exit status. */
static int data_files(train_options *o)
{
    static const char *const names[N_FILES] = {TRAIN_IMAGES_NAME, TRAIN_LABELS_NAME,
                                               TEST_IMAGES_NAME, TEST_LABELS_NAME};
    int st;
    if (o->data_dir && (st = cli_data_dir("train", o->data_dir)))
        return st;
    for (size_t i = 0; i < (o->no_test ? TEST_IMAGES : N_FILES); i++)
        if ((st = cli_data_option(&o->files[i], o->paths[i], sizeof o->paths[i], "train",
                                  o->data_dir, names[i])))
            return st;
    return -1;
}

/* Parses and checks the options into o: returns -1 to go on, or the exit
 * status to return. */
static int parse_options(int argc, char **argv, train_options *o)
{
    *o = (train_options){.activation = "relu", .output = "softmax", .optimizer = "adam",
                         .loss = "xent", .out_path = DEFAULT_MODEL};
    nn_train_config_default(&o->cfg);
    cli_opt opts[] = {
        {.name = "layers", .type = OPT_STRING, .dest = &o->layers, .metavar = "SPEC", .help = "layer widths, input first (INPUT-10-10-CLASSES from the data: 784-10-10-10 for MNIST)"},
        {.name = "activation", .type = OPT_STRING, .dest = &o->activation, .metavar = "ACT", .help = "hidden activation: relu, sigmoid, tanh, identity (relu)"},
        {.name = "output-activation", .type = OPT_STRING, .dest = &o->output, .metavar = "ACT", .help = "output activation: softmax, sigmoid, tanh, relu, identity (softmax)"},
        {.name = "optimizer", .type = OPT_STRING, .dest = &o->optimizer, .metavar = "NAME", .help = "adam or sgd (adam)"},
        {.name = "loss", .type = OPT_STRING, .dest = &o->loss, .metavar = "NAME", .help = "xent (sparse categorical cross-entropy) or mse (xent)"},
        {.name = "lr", .type = OPT_FLOAT, .dest = &o->cfg.lr, .min = 1e-12, .max = 1e6, .metavar = "RATE", .help = "learning rate (0.001)"},
        {.name = "epochs", .short_name = 'e', .type = OPT_SIZE, .dest = &o->cfg.epochs, .min = 1, .max = 1e6, .metavar = "N", .help = "passes over the training data (10)"},
        {.name = "batch", .short_name = 'b', .type = OPT_SIZE, .dest = &o->cfg.batch, .min = 1, .max = 1e6, .metavar = "N", .help = "samples per step (128)"},
        {.name = "seed", .short_name = 's', .type = OPT_U64, .dest = &o->cfg.seed, .min = 0, .max = 1.8446744073709552e19, .metavar = "N", .help = "random seed for initialisation and shuffling (1)"},
        {.name = "val-split", .type = OPT_FLOAT, .dest = &o->cfg.val_split, .min = 0, .max = 0.99, .metavar = "F", .help = "hold out this fraction of the training data for validation (0)"},
        {.name = "threads", .short_name = 't', .type = OPT_SIZE, .dest = &o->cfg.threads, .min = 0, .max = 256, .metavar = "N", .help = "worker threads; 0 = every core (small models: one computes, one fetches batches) (0)"},
        {.name = "output", .short_name = 'o', .type = OPT_STRING, .dest = &o->out_path, .metavar = "MODEL", .help = "where to save the model (" DEFAULT_MODEL ")"},
        {.name = "history", .type = OPT_STRING, .dest = &o->history, .metavar = "FILE.csv", .help = "write loss and accuracy per epoch as CSV"},
        {.name = "data", .short_name = 'd', .type = OPT_STRING, .dest = &o->data_dir, .metavar = "DIR", .help = "folder of an MNIST-format data set: " TRAIN_IMAGES_NAME " and the rest, raw or .gz (" NNART_DATADIR ")"},
        {.name = "train-images", .type = OPT_STRING, .dest = &o->files[TRAIN_IMAGES], .metavar = "FILE", .help = "training images (IDX)"},
        {.name = "train-labels", .type = OPT_STRING, .dest = &o->files[TRAIN_LABELS], .metavar = "FILE", .help = "training labels (IDX)"},
        {.name = "test-images", .type = OPT_STRING, .dest = &o->files[TEST_IMAGES], .metavar = "FILE", .help = "test images (IDX)"},
        {.name = "test-labels", .type = OPT_STRING, .dest = &o->files[TEST_LABELS], .metavar = "FILE", .help = "test labels (IDX)"},
        {.name = "no-test", .type = OPT_FLAG, .dest = &o->no_test, .help = "skip the evaluation on the test set"},
        {.name = "limit", .type = OPT_SIZE, .dest = &o->limit, .min = 1, .max = 1e9, .metavar = "N", .help = "use only the first N training and test samples"},
        {.name = "quiet", .short_name = 'q', .type = OPT_FLAG, .dest = &o->quiet, .help = "print only the final result"},
    };
    cli_command cmd = {.name = "train", .usage = "nnart train [options]",
                       .summary = "Train a dense network on MNIST (or any IDX data set) and "
                                  "save it.",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0 || (st = check_options(o)) >= 0 || (st = data_files(o)) >= 0)
        return st;
    if ((o->history && (st = cli_output_open("train", "--history", o->history, &o->history_out))) ||
        (st = cli_output_open("train", "-o", o->out_path, &o->model_out)))
        return st;
    return -1;
}

/* Builds the model, once the data is loaded: the widths of --layers, or
 * INPUT-10-10-CLASSES from the training set.  Returns 0 or an exit status. */
static int build_model(train_options *o, const nn_dataset *train, nn_model *m)
{
    if (!o->layers) {
        if (train->n_classes < 2) {
            cli_error("%s: only class 0 in the labels; a classifier needs at least two",
                      o->files[TRAIN_LABELS]);
            return EXIT_RUNTIME;
        }
        o->sizes[0] = train->dim;
        o->sizes[1] = o->sizes[2] = 10;
        o->sizes[3] = train->n_classes;
    }
    nn_error err;
    if (nn_model_create(m, o->n_layers, o->sizes, o->act, &err) == NN_OK)
        return EXIT_OK;
    if (o->layers) { /* widths the user chose */
        cli_print_error("nnart train: %s", err.msg);
        return EXIT_USAGE;
    }
    cli_error("%s: %s", o->files[TRAIN_IMAGES], err.msg);
    return EXIT_RUNTIME;
}

/* The test set's loss and accuracy, printed and kept in info. */
static int test_model(const train_options *o, const nn_model *m, const nn_dataset *test,
                      nn_train_info *info)
{
    nn_error err;
    nn_eval ev;
    int rc = nn_evaluate_metrics(m, test, o->cfg.loss, o->cfg.threads, &ev, &err);
    if (rc) {
        cli_error("%s: %s", o->files[TEST_IMAGES], err.msg);
        return cli_status(rc);
    }
    info->test_loss = (float)ev.loss;
    info->test_accuracy = (float)ev.accuracy;
    double loss = ev.loss, accuracy = ev.accuracy;
    nn_eval_free(&ev);
    /* finite parameters whose outputs overflow: divergence too, and nothing saved */
    if (!isfinite(loss)) {
        cli_error("training diverged: the test loss on %s is %s (try a smaller learning rate)",
                  o->files[TEST_IMAGES], isnan(loss) ? "NaN" : "infinite");
        return EXIT_RUNTIME;
    }
    printf("test: loss %.4f - accuracy %.4f (%zu samples)\n", loss, accuracy, test->n);
    return EXIT_OK;
}

/* Writes the history (if asked) and the model into their outputs, which land
 * together when the command ends. */
static int save(const train_options *o, const nn_model *m, const nn_train_info *info,
                const nn_buf *hist)
{
    nn_error err;
    int st;
    if (o->history) {
        if (hist->failed) {
            cli_error("%s: out of memory", o->history);
            return EXIT_RUNTIME;
        }
        if ((st = cli_output_write(o->history_out, hist->data, hist->len, NULL)))
            return st;
    }
    int rc = nn_model_write(o->model_out, m, info, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    char done[CLI_PATH_MAX + 8];
    snprintf(done, sizeof done, "saved %s", o->out_path);
    if (!o->quiet)
        cli_output_done(o->model_out, done);
    return EXIT_OK;
}

/* Initialises m, trains it on train with a progress display, tests it on
 * test (unless --no-test) and saves it; arch names its widths. */
static int fit(const train_options *o, nn_model *m, const nn_dataset *train,
               const nn_dataset *test, const char *arch)
{
    nn_buf hist = {0};
    if (o->history) {
        static const char header[] = "epoch,loss,accuracy,val_loss,val_accuracy,seconds\n";
        nn_buf_put(&hist, header, sizeof header - 1);
    }
    if (!o->quiet)
        printf("Training %s (%zu parameters) on %zu samples, %zu epochs of batch %zu, %s lr %g\n",
               arch, m->n_params, train->n, o->cfg.epochs, o->cfg.batch,
               nn_optimizer_name(o->cfg.optimizer), (double)o->cfg.lr);
    cli_progress prog = {.out = stdout, .tty = isatty(STDOUT_FILENO), .quiet = o->quiet,
                         .history = o->history ? &hist : NULL, .stop = cli_catch_signals(),
                         .color = cli_color(stdout)};
    nn_train_info info;
    nn_error err;
    int st, rc = nn_train_seeded(m, train, &o->cfg, cli_progress_report, &prog, &info, &err);
    if (rc == NN_ERR_INTERRUPTED) {
        cli_error("%s, by %s; no model saved", err.msg, cli_signal_name(*prog.stop));
        st = 128 + *prog.stop;
    } else if (rc) {
        cli_error("%s", err.msg);
        st = cli_status(rc);
    } else {
        st = o->no_test ? EXIT_OK : test_model(o, m, test, &info);
        if (!st && *prog.stop) { /* a signal came during the test evaluation */
            cli_error("interrupted by %s after training; no model saved",
                      cli_signal_name(*prog.stop));
            st = 128 + *prog.stop;
        }
        if (!st)
            st = save(o, m, &info, &hist);
    }
    nn_buf_free(&hist);
    return st;
}

/* Checks that the data fits m, then fits it. */
static int check_and_fit(const train_options *o, nn_model *m, const nn_dataset *train,
                         const nn_dataset *test)
{
    /* "784-10-10-10", and "--layers 784-10-10-10" for the widths the user chose */
    char arch[12 * (NN_MAX_LAYERS + 1)], described[sizeof arch + 16];
    int at = 0;
    for (size_t l = 0; l <= m->n_layers && at >= 0 && (size_t)at < sizeof arch; l++)
        at += snprintf(arch + at, sizeof arch - (size_t)at, "%s%zu", l ? "-" : "", m->sizes[l]);
    snprintf(described, sizeof described, "--layers %s", arch);
    const char *model = o->layers ? described : "the model";
    /* The samples nn_train keeps for training: Keras's validation_split holds
     * out the last fraction. */
    if ((size_t)((double)train->n * (1.0 - (double)o->cfg.val_split)) == 0) {
        cli_print_error("nnart train: --val-split %g leaves none of the %zu samples of %s to "
                        "train on",
                        (double)o->cfg.val_split, train->n, o->files[TRAIN_IMAGES]);
        return EXIT_USAGE;
    }
    int st = cli_check_data(m, train, o->files[TRAIN_IMAGES], o->files[TRAIN_LABELS], model);
    if (!st && !o->no_test)
        st = cli_check_data(m, test, o->files[TEST_IMAGES], o->files[TEST_LABELS], model);
    return st ? st : fit(o, m, train, test, arch);
}

/* Loads the data, builds the model, fits it and saves it. */
static int train_and_save(train_options *o)
{
    int st;
    nn_dataset train, test;
    memset(&train, 0, sizeof train);
    memset(&test, 0, sizeof test);
    nn_model m = {0};
    if (!(st = cli_load_data(o->files[TRAIN_IMAGES], o->files[TRAIN_LABELS], o->limit, &train)) &&
        !(st = o->no_test ? EXIT_OK
                         : cli_load_data(o->files[TEST_IMAGES], o->files[TEST_LABELS], o->limit,
                                         &test)) &&
        !(st = build_model(o, &train, &m)))
        st = check_and_fit(o, &m, &train, &test);
    nn_dataset_free(&test);
    nn_dataset_free(&train);
    nn_model_free(&m);
    return st;
}

int cmd_train(int argc, char **argv)
{
    train_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : train_and_save(&o);
}
