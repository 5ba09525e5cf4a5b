/* train.c - `nnart train`: build the model, fit it, test it, save it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

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

int cmd_train(int argc, char **argv)
{
    nn_train_config cfg;
    nn_train_config_default(&cfg);
    const char *layers = NULL, *activation = "relu", *output = "softmax", *data_dir = NULL;
    const char *optimizer = "adam", *loss = "xent", *out_path = DEFAULT_MODEL, *history = NULL;
    const char *train_images = NULL, *train_labels = NULL, *test_images = NULL,
               *test_labels = NULL;
    int quiet = 0, no_test = 0;
    size_t limit = 0;
    cli_opt opts[] = {
        {"layers", 0, OPT_STRING, &layers, 0, 0, "SPEC", "layer widths, input first (INPUT-10-10-CLASSES from the data: 784-10-10-10 for MNIST)", 0},
        {"activation", 0, OPT_STRING, &activation, 0, 0, "ACT", "hidden activation: relu, sigmoid, tanh, identity (relu)", 0},
        {"output-activation", 0, OPT_STRING, &output, 0, 0, "ACT", "output activation: softmax, sigmoid, tanh, relu, identity (softmax)", 0},
        {"optimizer", 0, OPT_STRING, &optimizer, 0, 0, "NAME", "adam or sgd (adam)", 0},
        {"loss", 0, OPT_STRING, &loss, 0, 0, "NAME", "xent (sparse categorical cross-entropy) or mse (xent)", 0},
        {"lr", 0, OPT_FLOAT, &cfg.lr, 1e-12, 1e6, "RATE", "learning rate (0.001)", 0},
        {"epochs", 'e', OPT_SIZE, &cfg.epochs, 1, 1e6, "N", "passes over the training data (10)", 0},
        {"batch", 'b', OPT_SIZE, &cfg.batch, 1, 1e6, "N", "samples per step (128)", 0},
        {"seed", 's', OPT_U64, &cfg.seed, 0, 1.8446744073709552e19, "N", "random seed for initialisation and shuffling (1)", 0},
        {"val-split", 0, OPT_FLOAT, &cfg.val_split, 0, 0.99, "F", "hold out this fraction of the training data for validation (0)", 0},
        {"threads", 't', OPT_SIZE, &cfg.threads, 0, 256, "N", "worker threads; 0 = every core (small models: one computes, one fetches batches) (0)", 0},
        {"output", 'o', OPT_STRING, &out_path, 0, 0, "MODEL", "where to save the model (" DEFAULT_MODEL ")", 0},
        {"history", 0, OPT_STRING, &history, 0, 0, "FILE.csv", "write loss and accuracy per epoch as CSV", 0},
        {"data", 'd', OPT_STRING, &data_dir, 0, 0, "DIR", "folder of an MNIST-format data set: " TRAIN_IMAGES_NAME " and the rest, raw or .gz (" NNART_DATADIR ")", 0},
        {"train-images", 0, OPT_STRING, &train_images, 0, 0, "FILE", "training images (IDX)", 0},
        {"train-labels", 0, OPT_STRING, &train_labels, 0, 0, "FILE", "training labels (IDX)", 0},
        {"test-images", 0, OPT_STRING, &test_images, 0, 0, "FILE", "test images (IDX)", 0},
        {"test-labels", 0, OPT_STRING, &test_labels, 0, 0, "FILE", "test labels (IDX)", 0},
        {"no-test", 0, OPT_FLAG, &no_test, 0, 0, NULL, "skip the evaluation on the test set", 0},
        {"limit", 0, OPT_SIZE, &limit, 1, 1e9, "N", "use only the first N training and test samples", 0},
        {"quiet", 'q', OPT_FLAG, &quiet, 0, 0, NULL, "print only the final result", 0},
    };
    cli_command cmd = {"train", "nnart train [options]",
                       "Train a dense network on MNIST (or any IDX data set) and save it.", opts,
                       sizeof opts / sizeof *opts, 0};
    const char *pos[1];
    size_t n_pos;
    int st = cli_parse_or_exit(&cmd, argc, argv, pos, &n_pos);
    if (st >= 0)
        return st;

    /* Without --layers the widths come from the data (INPUT-10-10-CLASSES);
     * until it is loaded, placeholders let the options be checked first. */
    size_t sizes[NN_MAX_LAYERS + 2] = {1, 10, 10, 2};
    size_t n_layers = layers ? parse_layers(layers, sizes) : 3;
    if (n_layers == 0) {
        cli_print_error("nnart train: --layers: '%s' is not a list of 2 to %d widths from 1 to "
                        "%d, such as 784-10-10-10",
                        layers, NN_MAX_LAYERS + 1, NN_MAX_WIDTH);
        return EXIT_USAGE;
    }
    nn_activation act[NN_MAX_LAYERS], hidden, out_act;
    if (nn_activation_parse(activation, &hidden) != 0 || hidden == NN_ACT_SOFTMAX) {
        cli_print_error("nnart train: --activation: unknown activation '%s' (relu, sigmoid, tanh, identity)", activation);
        return EXIT_USAGE;
    }
    if (nn_activation_parse(output, &out_act) != 0) {
        cli_print_error("nnart train: --output-activation: unknown activation '%s' (softmax, sigmoid, tanh, relu, identity)", output);
        return EXIT_USAGE;
    }
    if (nn_optimizer_parse(optimizer, &cfg.optimizer) != 0) {
        cli_print_error("nnart train: --optimizer: unknown optimizer '%s' (adam, sgd)", optimizer);
        return EXIT_USAGE;
    }
    if (nn_loss_parse(loss, &cfg.loss) != 0) {
        cli_print_error("nnart train: --loss: unknown loss '%s' (xent, mse)", loss);
        return EXIT_USAGE;
    }
    for (size_t l = 0; l < n_layers; l++)
        act[l] = l + 1 < n_layers ? hidden : out_act;

    nn_error err;
    nn_model m;
    if (nn_model_create(&m, n_layers, sizes, act, &err) != NN_OK ||
        nn_model_check_loss(&m, cfg.loss, &err) != NN_OK) {
        nn_model_free(&m);
        cli_print_error("nnart train: %s", err.msg);
        return EXIT_USAGE;
    }

    /* The four files: as given, else in --data DIR or the bundled MNIST. */
    char paths[4][CLI_PATH_MAX];
    const char **files[4] = {&train_images, &train_labels, &test_images, &test_labels};
    const char *const names[4] = {TRAIN_IMAGES_NAME, TRAIN_LABELS_NAME, TEST_IMAGES_NAME,
                                  TEST_LABELS_NAME};
    if (data_dir && (st = cli_data_dir("train", data_dir))) {
        nn_model_free(&m);
        return st;
    }
    for (size_t i = 0; i < (no_test ? 2 : 4); i++) {
        if ((st = cli_data_option(files[i], paths[i], sizeof paths[i], "train", data_dir,
                                  names[i]))) {
            nn_model_free(&m);
            return st;
        }
    }

    nn_dataset train, test;
    memset(&train, 0, sizeof train);
    memset(&test, 0, sizeof test);
    nn_buf hist = {0};
    int rc = EXIT_OK;
    if ((st = cli_load_data(train_images, train_labels, limit, &train)) ||
        (!no_test && (st = cli_load_data(test_images, test_labels, limit, &test)))) {
        rc = st;
        goto done;
    }
    char described[64 + 12 * (NN_MAX_LAYERS + 1)];
    if (!layers) {
        nn_model_free(&m);
        sizes[0] = train.dim;
        sizes[3] = train.n_classes;
        if (train.n_classes < 2) {
            cli_error("%s: only class 0 in the labels; a classifier needs at least two",
                      train_labels);
            rc = EXIT_RUNTIME;
            goto done;
        }
        if (nn_model_create(&m, n_layers, sizes, act, &err) != NN_OK) {
            cli_error("%s: %s", train_images, err.msg);
            rc = EXIT_RUNTIME;
            goto done;
        }
    }
    int at = snprintf(described, sizeof described, "%s", layers ? "--layers " : "");
    for (size_t l = 0; l <= m.n_layers && at >= 0 && (size_t)at < sizeof described; l++)
        at += snprintf(described + at, sizeof described - (size_t)at, "%s%zu", l ? "-" : "",
                       m.sizes[l]);
    const char *arch = described + (layers ? 9 : 0); /* "784-10-10-10" */
    if ((st = cli_check_data(&m, &train, train_images, train_labels,
                             layers ? described : "the model")) ||
        (!no_test && (st = cli_check_data(&m, &test, test_images, test_labels,
                                          layers ? described : "the model")))) {
        rc = st;
        goto done;
    }
    if (history) {
        static const char header[] = "epoch,loss,accuracy,val_loss,val_accuracy,seconds\n";
        nn_buf_put(&hist, header, sizeof header - 1);
    }

    if (!quiet)
        printf("Training %s (%zu parameters) on %zu samples, %zu epochs of batch %zu, %s lr %g\n",
               arch, m.n_params, train.n, cfg.epochs, cfg.batch,
               nn_optimizer_name(cfg.optimizer), (double)cfg.lr);
    nn_rng rng;
    nn_rng_seed(&rng, cfg.seed);
    nn_model_init_glorot(&m, &rng);
    cli_progress prog = {stdout, isatty(STDOUT_FILENO), quiet, history ? &hist : NULL, 0.0,
                         cli_catch_signals(), cli_color(stdout)};
    nn_train_info info;
    int lrc = nn_train(&m, &train, &cfg, &rng, cli_progress_report, &prog, &info, &err);
    if (lrc == NN_ERR_INTERRUPTED) {
        cli_error("%s, by %s; no model saved", err.msg, cli_signal_name(*prog.stop));
        rc = 128 + *prog.stop;
        goto done;
    }
    if (lrc) {
        cli_error("%s", err.msg);
        rc = cli_status(lrc);
        goto done;
    }
    if (!no_test) {
        nn_eval ev;
        if ((lrc = nn_evaluate(&m, &test, cfg.loss, cfg.threads, &ev, &err))) {
            cli_error("%s", err.msg);
            rc = cli_status(lrc);
            goto done;
        }
        info.test_loss = (float)ev.loss;
        info.test_accuracy = (float)ev.accuracy;
        printf("test: loss %.4f - accuracy %.4f (%zu samples)\n", ev.loss, ev.accuracy, ev.n);
        nn_eval_free(&ev);
    }
    if (*prog.stop) { /* a signal came during the test evaluation */
        cli_error("interrupted by %s after training; no model saved",
                  cli_signal_name(*prog.stop));
        rc = 128 + *prog.stop;
        goto done;
    }
    if (history) {
        if (hist.failed) {
            cli_error("%s: out of memory", history);
            rc = EXIT_RUNTIME;
            goto done;
        }
        if ((lrc = nn_write_file_atomic(history, hist.data, hist.len, &err))) {
            cli_error("%s", err.msg);
            rc = EXIT_RUNTIME;
            goto done;
        }
    }
    if ((lrc = nn_model_save(out_path, &m, &info, &err))) {
        cli_error("%s", err.msg);
        rc = EXIT_RUNTIME;
        goto done;
    }
    if (!quiet)
        printf("saved %s\n", out_path);
done:
    nn_buf_free(&hist);
    nn_dataset_free(&test);
    nn_dataset_free(&train);
    nn_model_free(&m);
    return rc;
}
