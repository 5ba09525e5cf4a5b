/* evaluate.c - `nnart evaluate`: the loss, accuracy, per-class accuracy and
 * confusion matrix of a saved model on a labelled data set. */
#include <string.h>

#include "cli.h"

typedef struct evaluate_options {
    const char *model, *images, *labels, *data_dir;
    const char *loss; /* NULL: the loss the model was trained with */
    const char *range;
    size_t threads, limit;
    cli_render render;
    nn_render_style style; /* from render and range */
    char paths[2][CLI_PATH_MAX]; /* the resolved --images and --labels */
} evaluate_options;

/* Parses and checks the options into o: returns -1 to go on, or the exit
 * status to return. */
static int parse_options(int argc, char **argv, evaluate_options *o)
{
    *o = (evaluate_options){.model = DEFAULT_MODEL, .range = "errors",
                            .render = {.cmap = "hot", .scale = 40, .vmax = 1.0f}};
    cli_opt opts[] = {
        {.name = "model", .short_name = 'm', .type = OPT_STRING, .dest = &o->model, .metavar = "MODEL", .help = "the model to evaluate (" DEFAULT_MODEL ")"},
        {.name = "images", .type = OPT_STRING, .dest = &o->images, .metavar = "FILE", .help = "images (IDX; the MNIST test set)"},
        {.name = "labels", .type = OPT_STRING, .dest = &o->labels, .metavar = "FILE", .help = "labels (IDX; the MNIST test labels)"},
        {.name = "data", .short_name = 'd', .type = OPT_STRING, .dest = &o->data_dir, .metavar = "DIR", .help = "take the test set of the MNIST-format data set in DIR (" NNART_DATADIR ")"},
        {.name = "loss", .type = OPT_STRING, .dest = &o->loss, .metavar = "NAME", .help = "xent or mse (the loss the model was trained with)"},
        {.name = "limit", .type = OPT_SIZE, .dest = &o->limit, .min = 1, .max = 1e9, .metavar = "N", .help = "use only the first N samples"},
        {.name = "threads", .short_name = 't', .type = OPT_SIZE, .dest = &o->threads, .min = 0, .max = 256, .metavar = "N", .help = "worker threads, 0 = all cores (0)"},
        {.name = "render", .short_name = 'r', .type = OPT_STRING, .dest = &o->render.path, .metavar = "FILE", .help = "draw the confusion matrix (.ppm, .pgm or .png; - for standard output)"},
        CLI_RENDER_FORMAT_OPT(o->render),
        {.name = "cmap", .type = OPT_STRING, .dest = &o->render.cmap, .metavar = "NAME", .help = "its colormap: hot, bwr or gray (hot)"},
        {.name = "range", .type = OPT_STRING, .dest = &o->range, .metavar = "R", .help = "colour scale: errors (0 to the largest off-diagonal count, larger ones clipped), log (logarithmic), data (smallest to largest count) or row (each true class its own) (errors)"},
        {.name = "scale", .short_name = 's', .type = OPT_SIZE, .dest = &o->render.scale, .min = 8, .max = 512, .metavar = "S", .help = "pixels per cell (40)"},
        {.name = "vmin", .type = OPT_FLOAT, .dest = &o->render.vmin, .min = -1e30, .max = 1e30, .metavar = "V", .help = "count drawn as the colormap's start (default: by --range)"},
        {.name = "vmax", .type = OPT_FLOAT, .dest = &o->render.vmax, .min = -1e30, .max = 1e30, .metavar = "V", .help = "count drawn as the colormap's end (default: by --range)"},
    };
    cli_command cmd = {.name = "evaluate", .usage = "nnart evaluate [options]",
                       .summary = "Report a saved model's loss, accuracy, per-class accuracy "
                                  "and confusion matrix on a labelled data set.",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0 || (st = cli_render_style(&cmd, &o->render, &o->style)))
        return st;
    static const char *const ranges[] = {"errors", "log", "data", "row", "global"};
    if ((st = cli_render_range(&cmd, o->range, ranges, 5, &o->style)))
        return st;
    return cli_test_set("evaluate", o->data_dir, &o->images, &o->labels, 1, o->paths);
}

/* The loss to evaluate with: --loss, else the one the model was trained with
 * if it suits the model's output layer, else that layer's default. */
static int pick_loss(const evaluate_options *o, const nn_model *m, nn_loss_kind trained,
                     nn_loss_kind *loss)
{
    *loss = trained;
    if (o->loss && nn_loss_from_name(o->loss, loss) != 0) {
        cli_print_error("nnart evaluate: --loss: unknown loss '%s' (xent, mse)", o->loss);
        return EXIT_USAGE;
    }
    if (!o->loss && nn_model_check_loss(m, *loss, NULL) != NN_OK)
        *loss = nn_loss_default(m->act[m->n_layers - 1]);
    return EXIT_OK;
}

/* The table of samples, correct answers and accuracy per class, then the
 * confusion matrix itself. */
static void print_confusion(const nn_eval *ev)
{
    size_t C = ev->n_classes;
    printf("class  samples  correct  accuracy\n");
    for (size_t t = 0; t < C; t++) {
        size_t total = 0;
        for (size_t p = 0; p < C; p++)
            total += ev->confusion[t * C + p];
        if (total)
            printf("%5zu  %7zu  %7zu  %8.4f\n", t, total, ev->confusion[t * C + t],
                   (double)ev->confusion[t * C + t] / (double)total);
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
            printf(" %5zu", ev->confusion[t * C + p]);
        printf("\n");
    }
}

/* Evaluates the loaded model m on d and reports it. */
static int report(const evaluate_options *o, const nn_model *m, const nn_dataset *d,
                  nn_loss_kind loss)
{
    nn_error err;
    nn_eval ev;
    int rc = nn_evaluate(m, d, loss, o->threads, &ev, &err);
    if (rc) {
        cli_error("%s: %s", o->images, err.msg);
        return cli_status(rc);
    }
    printf("model %s on %s (%zu samples)\n", o->model, o->images, ev.n);
    printf("loss: %.4f - accuracy: %.4f\n\n", ev.loss, ev.accuracy);
    print_confusion(&ev);
    int st = EXIT_OK;
    if (o->render.path) {
        nn_image img;
        if ((rc = nn_render_confusion(&img, ev.confusion, ev.n_classes, &o->style, &err))) {
            cli_error("%s: %s", o->render.path, err.msg);
            st = cli_status(rc);
        } else {
            printf("\n");
            st = cli_save_render(&o->render, &img, 0);
        }
    }
    nn_eval_free(&ev);
    return st;
}

/* Evaluates the model on the data set and reports it. */
static int evaluate(const evaluate_options *o)
{
    nn_model m;
    nn_train_info info;
    int st = cli_load_model(o->model, &m, &info);
    if (st)
        return st;
    nn_loss_kind loss;
    nn_dataset d;
    memset(&d, 0, sizeof d);
    if (!(st = pick_loss(o, &m, info.loss, &loss)) &&
        !(st = cli_load_data(o->images, o->labels, o->limit, &d)) &&
        !(st = cli_check_data(&m, &d, o->images, o->labels, o->model)))
        st = report(o, &m, &d, loss);
    nn_dataset_free(&d);
    nn_model_free(&m);
    return st;
}

int cmd_evaluate(int argc, char **argv)
{
    evaluate_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : evaluate(&o);
}
