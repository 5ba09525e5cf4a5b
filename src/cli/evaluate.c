/* evaluate.c - `nnart evaluate` (loss, accuracy, per-class accuracy and the
 * confusion matrix of a saved model) and `nnart info` (what a model file holds). */
#include <math.h>
#include <string.h>

#include "cli.h"

/* Loads a model, reporting errors; returns 0 or an exit status. */
static int load_model(const char *path, nn_model *m, nn_train_info *info)
{
    nn_error err;
    int rc = nn_model_load(path, m, info, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    return EXIT_OK;
}

static void print_layers(FILE *f, const nn_model *m)
{
    for (size_t l = 0; l <= m->n_layers; l++)
        fprintf(f, "%s%zu", l ? "-" : "", m->sizes[l]);
}

int cmd_evaluate(int argc, char **argv)
{
    const char *model_path = DEFAULT_MODEL, *images = NULL, *labels = NULL, *loss_name = NULL;
    const char *data_dir = NULL;
    const char *render_path = NULL, *cmap = "hot", *range = "global";
    size_t threads = 0, limit = 0, scale = 40;
    float vmin = 0.0f, vmax = 1.0f;
    cli_opt opts[] = {
        {"model", 'm', OPT_STRING, &model_path, 0, 0, "MODEL", "the model to evaluate (" DEFAULT_MODEL ")", 0},
        {"images", 0, OPT_STRING, &images, 0, 0, "FILE", "images (IDX; the MNIST test set)", 0},
        {"labels", 0, OPT_STRING, &labels, 0, 0, "FILE", "labels (IDX; the MNIST test labels)", 0},
        {"data", 'd', OPT_STRING, &data_dir, 0, 0, "DIR", "take the test set of the MNIST-format data set in DIR (" NNART_DATADIR ")", 0},
        {"loss", 0, OPT_STRING, &loss_name, 0, 0, "NAME", "xent or mse (the loss the model was trained with)", 0},
        {"limit", 0, OPT_SIZE, &limit, 1, 1e9, "N", "use only the first N samples", 0},
        {"threads", 't', OPT_SIZE, &threads, 0, 256, "N", "worker threads, 0 = all cores (0)", 0},
        {"render", 'r', OPT_STRING, &render_path, 0, 0, "FILE", "draw the confusion matrix (.ppm, .pgm or .png)", 0},
        {"cmap", 0, OPT_STRING, &cmap, 0, 0, "NAME", "its colormap: hot, bwr or gray (hot)", 0},
        {"range", 0, OPT_STRING, &range, 0, 0, "R", "colour scale over the whole matrix or per true class: global, row (global)", 0},
        {"scale", 's', OPT_SIZE, &scale, 8, 512, "S", "pixels per cell (40)", 0},
        {"vmin", 0, OPT_FLOAT, &vmin, -1e30, 1e30, "V", "count drawn as the colormap's start (default: the smallest)", 0},
        {"vmax", 0, OPT_FLOAT, &vmax, -1e30, 1e30, "V", "count drawn as the colormap's end (default: the largest)", 0},
    };
    cli_command cmd = {"evaluate", "nnart evaluate [options]",
                       "Report a saved model's loss, accuracy, per-class accuracy and confusion "
                       "matrix on a labelled data set.",
                       opts, sizeof opts / sizeof *opts, 0};
    const char *pos[1];
    size_t n_pos;
    int st = cli_parse_or_exit(&cmd, argc, argv, pos, &n_pos);
    if (st >= 0)
        return st;
    nn_render_style style;
    nn_render_style_default(&style, scale);
    style.set_vmin = cli_given(&cmd, "vmin"), style.vmin = vmin;
    style.set_vmax = cli_given(&cmd, "vmax"), style.vmax = vmax;
    if ((st = cli_check_render_path("evaluate", render_path)) ||
        (st = cli_parse_cmap("evaluate", cmap, &style.cmap)))
        return st;
    if (strcmp(range, "global") != 0 && strcmp(range, "row") != 0) {
        cli_print_error("nnart evaluate: --range: unknown range '%s' (global, row)", range);
        return EXIT_USAGE;
    }
    if (strcmp(range, "row") == 0)
        style.range = NN_RANGE_TILE;
    if (style.set_vmin && style.set_vmax && vmin > vmax) {
        cli_print_error("nnart evaluate: --vmin %g is above --vmax %g", (double)vmin,
                (double)vmax);
        return EXIT_USAGE;
    }

    char ipath[CLI_PATH_MAX], lpath[CLI_PATH_MAX];
    if ((data_dir && (st = cli_data_dir("evaluate", data_dir))) ||
        (st = cli_data_option(&images, ipath, sizeof ipath, "evaluate", data_dir,
                              TEST_IMAGES_NAME)) ||
        (st = cli_data_option(&labels, lpath, sizeof lpath, "evaluate", data_dir,
                              TEST_LABELS_NAME)))
        return st;

    nn_model m;
    nn_train_info info;
    if ((st = load_model(model_path, &m, &info)))
        return st;
    nn_loss_kind loss = info.loss;
    if (loss_name && nn_loss_parse(loss_name, &loss) != 0) {
        cli_print_error("nnart evaluate: --loss: unknown loss '%s' (xent, mse)", loss_name);
        nn_model_free(&m);
        return EXIT_USAGE;
    }
    if (!loss_name && nn_model_check_loss(&m, loss, NULL) != NN_OK)
        loss = m.act[m.n_layers - 1] == NN_ACT_SOFTMAX ? NN_LOSS_XENT : NN_LOSS_MSE;
    nn_dataset d;
    memset(&d, 0, sizeof d);
    if ((st = cli_load_data(images, labels, limit, &d)) ||
        (st = cli_check_data(&m, &d, images, labels, model_path))) {
        nn_dataset_free(&d);
        nn_model_free(&m);
        return st;
    }
    nn_error err;
    nn_eval ev;
    int rc = nn_evaluate(&m, &d, loss, threads, &ev, &err);
    if (rc) {
        cli_error("%s: %s", model_path, err.msg);
        nn_dataset_free(&d);
        nn_model_free(&m);
        return cli_status(rc);
    }
    size_t C = ev.n_classes;
    printf("model %s on %s (%zu samples)\n", model_path, images, ev.n);
    printf("loss: %.4f - accuracy: %.4f\n\n", ev.loss, ev.accuracy);
    printf("class  samples  correct  accuracy\n");
    for (size_t t = 0; t < C; t++) {
        size_t total = 0;
        for (size_t p = 0; p < C; p++)
            total += ev.confusion[t * C + p];
        if (total)
            printf("%5zu  %7zu  %7zu  %8.4f\n", t, total, ev.confusion[t * C + t],
                   (double)ev.confusion[t * C + t] / (double)total);
        else
            printf("%5zu  %7zu  %7s  %8s\n", t, total, "-", "-");
    }
    printf("\nconfusion matrix (rows: true class, columns: predicted class)\n      ");
    for (size_t p = 0; p < C; p++)
        printf(" %5zu", p);
    printf("\n");
    for (size_t t = 0; t < C; t++) {
        printf("%5zu ", t);
        for (size_t p = 0; p < C; p++)
            printf(" %5zu", ev.confusion[t * C + p]);
        printf("\n");
    }
    if (render_path) {
        nn_image img;
        if ((rc = nn_render_confusion(&img, ev.confusion, C, &style, &err))) {
            cli_error("%s: %s", render_path, err.msg);
            st = cli_status(rc);
        } else {
            printf("\n");
            st = cli_save_image(render_path, &img, 0);
        }
    }
    nn_eval_free(&ev);
    nn_dataset_free(&d);
    nn_model_free(&m);
    return st;
}

/* "test:         loss 0.2289 - accuracy 0.9364", or "not measured". */
static void print_metrics(const char *what, float loss, float accuracy)
{
    if (isnan(loss) && isnan(accuracy))
        printf("%-13s not measured\n", what);
    else
        printf("%-13s loss %.4f - accuracy %.4f\n", what, (double)loss, (double)accuracy);
}

int cmd_info(int argc, char **argv)
{
    const char *model_path = DEFAULT_MODEL;
    cli_opt opts[] = {
        {"model", 'm', OPT_STRING, &model_path, 0, 0, "MODEL", "the model to describe (" DEFAULT_MODEL ")", 0},
    };
    cli_command cmd = {"info", "nnart info [MODEL]",
                       "Print a model's architecture, parameter count and how it was trained.",
                       opts, 1, 1};
    const char *pos[1];
    size_t n_pos;
    int st = cli_parse_or_exit(&cmd, argc, argv, pos, &n_pos);
    if (st >= 0)
        return st;
    if (n_pos == 1) {
        if (opts[0].seen) {
            cli_print_error("nnart info: give the model either as -m or as an argument, not both");
            return EXIT_USAGE;
        }
        model_path = pos[0];
    }
    nn_model m;
    nn_train_info in;
    if ((st = load_model(model_path, &m, &in)))
        return st;
    printf("model:        %s (format version %u)\n", model_path, NN_MODEL_VERSION);
    printf("layers:       ");
    print_layers(stdout, &m);
    printf("\nactivations: ");
    for (size_t l = 0; l < m.n_layers; l++)
        printf(" %s", nn_activation_name(m.act[l]));
    printf("\nparameters:   %zu\n", m.n_params);
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
