/* train.c - `nnart train`: build the model, fit it, test it, save it. */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli/anim.h"
#include "internal.h"

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
    const char *animate, *animate_of;          /* --animate FILE, --animate-of WHAT */
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
        cli_print_error("nnart train: --activation: unknown activation '%s' (relu, sigmoid, tanh, sin, gauss, identity)", o->activation);
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

/* What --animate-of names. */
enum { ANIM_WEIGHTS, ANIM_POSTER, ANIM_CONFUSION };
static const char *const anim_of_names[] = {"weights", "poster", "confusion"};

/* The index of --animate-of's name (weights if not given), or -1. */
static int anim_of(const train_options *o)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(o->animate_of ? o->animate_of : "weights", anim_of_names[i]) == 0)
            return i;
    return -1;
}

/* Checks --animate and --animate-of: returns -1 to go on, or the exit status. */
static int check_animate(const cli_command *cmd, const train_options *o)
{
    if (cli_given(cmd, "animate-of") && !o->animate) {
        cli_print_error("nnart train: --animate-of needs --animate FILE");
        return EXIT_USAGE;
    }
    if (anim_of(o) < 0) {
        cli_print_error("nnart train: --animate-of: unknown picture '%s' (weights, poster, "
                        "confusion)",
                        o->animate_of);
        return EXIT_USAGE;
    }
    if (o->animate && anim_of(o) != ANIM_WEIGHTS && o->no_test) {
        cli_print_error("nnart train: --animate-of %s draws the test set: it cannot go with "
                        "--no-test",
                        o->animate_of);
        return EXIT_USAGE;
    }
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
        {.name = "activation", .type = OPT_STRING, .dest = &o->activation, .metavar = "ACT", .help = "hidden activation: relu, sigmoid, tanh, sin, gauss, identity (relu)"},
        {.name = "output-activation", .type = OPT_STRING, .dest = &o->output, .metavar = "ACT", .help = "output activation: softmax, sigmoid, tanh, relu, identity (softmax)"},
        {.name = "optimizer", .type = OPT_STRING, .dest = &o->optimizer, .metavar = "NAME", .help = "adam or sgd (adam)"},
        {.name = "loss", .type = OPT_STRING, .dest = &o->loss, .metavar = "NAME", .help = "xent (sparse categorical cross-entropy) or mse (xent)"},
        {.name = "lr", .type = OPT_FLOAT, .dest = &o->cfg.lr, .min = 1e-12, .max = 1e6, .metavar = "RATE", .help = "learning rate (0.001)"},
        {.name = "epochs", .short_name = 'e', .type = OPT_SIZE, .dest = &o->cfg.epochs, .min = 0, .max = 1e6, .metavar = "N", .help = "passes over the training data; 0 saves the initial weights (10)"},
        {.name = "batch", .short_name = 'b', .type = OPT_SIZE, .dest = &o->cfg.batch, .min = 1, .max = 1e6, .metavar = "N", .help = "samples per step (128)"},
        {.name = "seed", .short_name = 's', .type = OPT_U64, .dest = &o->cfg.seed, .min = 0, .max = 1.8446744073709552e19, .metavar = "N", .help = "random seed for initialisation and shuffling (1)"},
        {.name = "val-split", .type = OPT_FLOAT, .dest = &o->cfg.val_split, .min = 0, .max = 0.99, .metavar = "F", .help = "hold out this fraction of the training data for validation (0)"},
        {.name = "threads", .short_name = 't', .type = OPT_SIZE, .dest = &o->cfg.threads, .min = 0, .max = 256, .metavar = "N", .help = "worker threads; 0 = nnart chooses each epoch between every core and one computing while another fetches batches (0)"},
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
        {.name = "animate", .short_name = 'a', .type = OPT_STRING, .dest = &o->animate, .metavar = "FILE", .help = "write the training as a looping animation (.gif, or .png/.apng for APNG): the initial network, then a frame per epoch (at most 60 frames: epochs on a log scale beyond), the last held"},
        {.name = "animate-of", .type = OPT_STRING, .dest = &o->animate_of, .metavar = "WHAT", .help = "what the frames show: weights (the first layer's), poster (the test set's first digit of each class and its probabilities) or confusion (the test set's confusion matrix) (weights)"},
    };
    cli_command cmd = {.name = "train", .usage = "nnart train [options]",
                       .summary = "Train a dense network on MNIST (or any IDX data set) and "
                                  "save it.",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0 || (st = check_options(o)) >= 0 || (st = data_files(o)) >= 0)
        return st;
    if ((st = check_animate(&cmd, o)) >= 0)
        return st;
    if ((o->history && (st = cli_output_open("train", "--history", o->history, &o->history_out))) ||
        (st = cli_output_open("train", "-o", o->out_path, &o->model_out)) ||
        (o->animate && (st = cli_anim_open("train", o->animate))))
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

/* ---- --animate ----------------------------------------------------------- */

#define TRAIN_FRAMES 60    /* at most, the initial network's included */
#define TRAIN_FRAME_CS 25u /* how long each is shown (the last: CLI_ANIM_HOLD_CS) */

/* The animation of a training run, made in the progress callback. */
typedef struct train_anim {
    const train_options *o;
    const nn_model *m;
    const nn_dataset *test;
    int of;                 /* ANIM_WEIGHTS, ... */
    size_t side;            /* of the square inputs */
    size_t k, next_epoch;   /* frames made so far; the epoch of the next */
    size_t *pick, n_pick;   /* the poster's samples: the first of each class */
    cli_anim a;
    int status;             /* an exit status after an error while training */
} train_anim;

/* The epoch of frame k >= 1 after that of frame k - 1 (prev): every epoch
 * while E leaves room for TRAIN_FRAMES - 1 of them, else ceil(E^((k-1)/m))
 * with m = TRAIN_FRAMES - 2 (a log scale from epoch 1 to epoch E), and
 * never the same epoch twice. */
static size_t frame_epoch(size_t k, size_t prev, size_t E)
{
    double target = ceil(pow((double)E, (double)(k - 1) / (TRAIN_FRAMES - 2)));
    size_t e = (double)(prev + 1) > target ? prev + 1 : (size_t)target;
    return e < E ? e : E;
}

/* The first-layer weights as `nnart weights` draws them. */
static int weights_picture(const train_anim *t, nn_image *img, nn_error *err)
{
    size_t units = t->m->sizes[1];
    char (*names)[24] = nni_alloc(units, sizeof *names);
    const char **labels = nni_alloc(units, sizeof *labels);
    int rc = names && labels ? NN_OK : nn_fail(err, NN_ERR_NOMEM, "out of memory");
    for (size_t u = 0; !rc && u < units; u++) {
        snprintf(names[u], sizeof names[u], "%zu", u);
        labels[u] = names[u];
    }
    nn_render_style s;
    nn_render_style_default(&s, 4);
    s.cmap = NN_CMAP_BWR, s.range = NN_RANGE_TILE_SYMMETRIC;
    nn_tiles tiles = {.n = units, .rows = t->side, .cols = t->side,
                      .v = t->m->params + nn_model_weight_offset(t->m, 0), .labels = labels};
    if (!rc)
        rc = nn_render_tiles(img, &tiles, &s, err);
    free(labels);
    free(names);
    return rc;
}

/* The poster of the picked test digits and their probabilities (0 to 1). */
static int poster_picture(const train_anim *t, nn_image *img, nn_error *err)
{
    size_t n = t->n_pick, C = t->m->sizes[t->m->n_layers], dim = t->test->dim;
    float *probs = nni_alloc(n * C, sizeof *probs), *inputs = nni_alloc(n * dim, sizeof *inputs);
    int *labels = nni_alloc(n, sizeof *labels);
    int rc = probs && inputs && labels ? NN_OK : nn_fail(err, NN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        rc = nn_predict(t->m, t->test, t->pick[i], 1, probs + i * C, err);
        nn_dataset_inputs(t->test, t->pick[i], 1, inputs + i * dim);
        labels[i] = t->test->labels[t->pick[i]];
    }
    nn_render_style s;
    nn_render_style_default(&s, 32);
    s.set_vmin = s.set_vmax = 1, s.vmin = 0.0f, s.vmax = 1.0f;
    nn_poster ps = {.n = n, .n_classes = C, .probs = probs, .inputs = inputs,
                    .in_rows = t->side, .in_cols = t->side, .labels = labels, .index = t->pick};
    if (!rc)
        rc = nn_render_poster(img, &ps, &s, err);
    free(labels), free(inputs), free(probs);
    return rc;
}

/* The confusion matrix on the test set, as `nnart evaluate` draws it. */
static int confusion_picture(const train_anim *t, nn_image *img, nn_error *err)
{
    nn_eval ev;
    int rc = nn_evaluate(t->m, t->test, t->o->cfg.loss, t->o->cfg.threads, &ev, err);
    if (rc)
        return rc;
    nn_render_style s;
    nn_render_style_default(&s, 40);
    rc = nn_render_confusion(img, ev.confusion, ev.n_classes, &s, err);
    nn_eval_free(&ev);
    return rc;
}

/* Adds the frame of the network as it is now, captioned. */
static int anim_frame(train_anim *t, const char *caption, unsigned delay_cs)
{
    nn_image img = {0};
    nn_error err;
    int rc = t->of == ANIM_WEIGHTS  ? weights_picture(t, &img, &err)
             : t->of == ANIM_POSTER ? poster_picture(t, &img, &err)
                                    : confusion_picture(t, &img, &err);
    if (rc) {
        nn_image_free(&img);
        cli_error("%s: %s", t->o->animate, err.msg);
        return cli_status(rc);
    }
    t->k++;
    t->next_epoch = frame_epoch(t->k, t->next_epoch, t->o->cfg.epochs);
    return cli_anim_add(&t->a, &img, caption, delay_cs);
}

/* Sets t (whose test set is set) up for m, with the frame of the initial
 * network. */
static int anim_start(train_anim *t, const train_options *o, const nn_model *m)
{
    const nn_dataset *test = t->test;
    *t = (train_anim){.o = o, .m = m, .test = test, .of = anim_of(o), .a = {.path = o->animate}};
    nn_error err;
    if (nn_square_side(m->sizes[0], &t->side, &err) != NN_OK) {
        cli_error("%s: --animate: %s", o->animate, err.msg);
        return EXIT_RUNTIME;
    }
    size_t C = m->sizes[m->n_layers];
    if (t->of == ANIM_POSTER && !(t->pick = nni_alloc(C, sizeof *t->pick))) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    for (size_t c = 0; t->of == ANIM_POSTER && c < C; c++)
        for (size_t i = 0; i < test->n; i++)
            if (test->labels[i] == c) {
                t->pick[t->n_pick++] = i;
                break;
            }
    char caption[64];
    snprintf(caption, sizeof caption, "epoch 0/%zu  initial weights", o->cfg.epochs);
    return anim_frame(t, caption, TRAIN_FRAME_CS);
}

static void anim_free(train_anim *t)
{
    cli_anim_free(&t->a);
    free(t->pick);
}

/* What the progress callback reports to. */
typedef struct train_report {
    cli_progress prog;
    train_anim *anim; /* or NULL */
} train_report;

/* The progress display, and the animation's frame at the epochs it takes. */
static int report_progress(const nn_progress *p, void *ctx)
{
    train_report *r = ctx;
    int stop = cli_progress_report(p, &r->prog);
    train_anim *t = r->anim;
    if (t && !t->status && p->epoch_done && p->epoch == t->next_epoch) {
        char caption[96];
        snprintf(caption, sizeof caption, "epoch %zu/%zu  loss %.4f  accuracy %.4f", p->epoch,
                 p->epochs, p->loss, p->accuracy);
        t->status = anim_frame(t, caption, TRAIN_FRAME_CS);
    }
    return stop || (t && t->status);
}

/* Writes the history (if asked), the model and the animation (if asked)
 * into their outputs, which land together when the command ends. */
static int save(const train_options *o, const nn_model *m, const nn_train_info *info,
                const nn_buf *hist, train_anim *anim)
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
    if (!o->animate)
        return EXIT_OK;
    cli_anim_hold_last(&anim->a, CLI_ANIM_HOLD_CS);
    return cli_anim_save(&anim->a, o->quiet);
}

/* What the model file says of a network saved untrained (--epochs 0): the
 * settings, and no metrics. */
static void untrained_info(const nn_train_config *c, const nn_dataset *train, nn_train_info *info)
{
    *info = (nn_train_info){
        .optimizer = c->optimizer, .loss = c->loss, .lr = c->lr, .epochs = 0,
        .batch = (uint32_t)c->batch, .seed = c->seed, .val_split = c->val_split,
        .n_train = (uint32_t)(size_t)((double)train->n * (1.0 - (double)c->val_split)),
        .train_loss = NAN, .train_accuracy = NAN, .val_loss = NAN, .val_accuracy = NAN,
        .test_loss = NAN, .test_accuracy = NAN};
}

/* Initialises m and trains it on train (with --animate, the frames made on
 * the way into anim): returns 0 or an exit status after the error. */
static int run_training(const train_options *o, nn_model *m, const nn_dataset *train,
                        train_report *rep, nn_train_info *info)
{
    /* nnart's seed rule, as nn_train_seeded applies it: one generator seeded
     * with --seed draws the initial weights, then the shuffles. */
    nn_rng r;
    nn_rng_seed(&r, o->cfg.seed);
    nn_model_init_glorot(m, &r);
    if (rep->anim && (rep->anim->status = anim_start(rep->anim, o, m)))
        return rep->anim->status;
    if (o->cfg.epochs == 0) {
        untrained_info(&o->cfg, train, info);
        return EXIT_OK;
    }
    nn_error err;
    int rc = nn_train(m, train, &o->cfg, &r, report_progress, rep, info, &err);
    if (rep->anim && rep->anim->status)
        return rep->anim->status; /* a frame failed, and stopped the training */
    if (rc == NN_ERR_INTERRUPTED) {
        cli_error("%s, by %s; no model saved", err.msg, cli_signal_name(*rep->prog.stop));
        return 128 + *rep->prog.stop;
    }
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
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
    train_anim anim = {0};
    train_report rep = {.prog = {.out = stdout, .tty = isatty(STDOUT_FILENO), .quiet = o->quiet,
                                 .history = o->history ? &hist : NULL,
                                 .stop = cli_catch_signals(), .color = cli_color(stdout)},
                        .anim = o->animate ? &anim : NULL};
    anim.test = test;
    nn_train_info info;
    int st = run_training(o, m, train, &rep, &info);
    if (!st)
        st = o->no_test ? EXIT_OK : test_model(o, m, test, &info);
    if (!st && *rep.prog.stop) { /* a signal came during the test evaluation */
        cli_error("interrupted by %s after training; no model saved",
                  cli_signal_name(*rep.prog.stop));
        st = 128 + *rep.prog.stop;
    }
    if (!st)
        st = save(o, m, &info, &hist, &anim);
    anim_free(&anim);
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
