/* dream.c - `nnart dream`: what the network believes a class looks like, or
 * what a hidden unit responds to, by gradient descent on the input. */
#include <stddef.h>
#include <string.h>

#include "cli.h"
#include "internal.h"

typedef struct dream_options {
    const char *model, *class_text, *start, *images;
    const char *unit_text, *objective; /* --unit, --objective */
    size_t layer;                      /* --layer */
    int use_layer;                     /* --layer given */
    uint64_t seed;
    size_t from; /* --from-index */
    int use_from, plain, no_anneal;
    nn_dream_config given; /* the values of the options below that override cfg */
    nn_dream_config cfg;   /* the defaults (or --plain) with the options given on top */
    cli_render render;
    nn_render_style style;
} dream_options;

/* Each option that sets a field of the dream configuration (parsed into
 * dream_options.given): where the field is, and how big. */
#define DREAM_FIELD(option, field) \
    {option, offsetof(nn_dream_config, field), sizeof(((nn_dream_config *)0)->field)}
static const struct dream_field {
    const char *option;
    size_t offset, size;
} dream_fields[] = {
    DREAM_FIELD("steps", steps),
    DREAM_FIELD("lr", lr),
    DREAM_FIELD("ink", ink),
    DREAM_FIELD("l2", l2),
    DREAM_FIELD("tv", tv),
    DREAM_FIELD("border", border),
    DREAM_FIELD("blur", blur0),
    DREAM_FIELD("blur-end", blur1),
    DREAM_FIELD("polish", polish),
    DREAM_FIELD("p-stop", p_stop),
    DREAM_FIELD("jitter", jitter),
};

/* The defaults (or --plain), then each option given on top. */
static void dream_config(const cli_command *cmd, dream_options *o)
{
    if (o->plain)
        nn_dream_config_plain(&o->cfg, 0, 0);
    else
        nn_dream_config_default(&o->cfg, 0, 0);
    if (o->objective && !o->plain)
        nn_dream_config_objective(&o->cfg, strcmp(o->objective, "logit") == 0
                                               ? NN_DREAM_LOGIT
                                               : NN_DREAM_SOFTMAX);
    else if (o->objective)
        o->cfg.objective = strcmp(o->objective, "logit") == 0 ? NN_DREAM_LOGIT : NN_DREAM_SOFTMAX;
    for (size_t i = 0; i < sizeof dream_fields / sizeof *dream_fields; i++) {
        const struct dream_field *f = &dream_fields[i];
        if (cli_given(cmd, f->option))
            memcpy((char *)&o->cfg + f->offset, (const char *)&o->given + f->offset, f->size);
    }
    if (o->no_anneal)
        o->cfg.anneal = 0;
    o->cfg.seed = o->seed;
}

/* Checks --layer, --unit, --class and --objective against each other:
 * returns -1 to go on, or the exit status to return. */
static int check_unit_options(const cli_command *cmd, dream_options *o)
{
    if (o->objective && strcmp(o->objective, "logit") != 0 && strcmp(o->objective, "softmax") != 0) {
        cli_print_error("nnart dream: --objective: unknown objective '%s' (logit, softmax)",
                        o->objective);
        return EXIT_USAGE;
    }
    if (cli_given(cmd, "class") && (cli_given(cmd, "unit") || cli_given(cmd, "layer"))) {
        cli_print_error("nnart dream: --class K is --layer LAST --unit K: give one or the other");
        return EXIT_USAGE;
    }
    if (cli_given(cmd, "unit") && !cli_given(cmd, "layer")) {
        cli_print_error("nnart dream: --unit needs --layer (1 the first hidden layer)");
        return EXIT_USAGE;
    }
    if (!o->unit_text)
        o->unit_text = "all";
    o->use_layer = cli_given(cmd, "layer");
    return -1;
}

/* Parses and checks the options into o: returns -1 to go on, or the exit
 * status to return. */
static int parse_options(int argc, char **argv, dream_options *o)
{
    *o = (dream_options){.model = DEFAULT_MODEL, .class_text = "all", .start = "blank",
                         .images = DEFAULT_TEST_IMAGES, .seed = 1,
                         .render = {.cmap = "gray", .scale = 8}};
    cli_opt opts[] = {
        {.name = "model", .short_name = 'm', .type = OPT_STRING, .dest = &o->model, .metavar = "MODEL", .help = "the model (" DEFAULT_MODEL ")"},
        {.name = "class", .short_name = 'k', .type = OPT_STRING, .dest = &o->class_text, .metavar = "K", .help = "the class to dream of, or all (all)"},
        {.name = "layer", .short_name = 'l', .type = OPT_SIZE, .dest = &o->layer, .min = 0, .max = 1e6, .metavar = "L", .help = "dream of units of layer L instead: 1 the first hidden layer, the last the classes"},
        {.name = "unit", .short_name = 'u', .type = OPT_STRING, .dest = &o->unit_text, .metavar = "U", .help = "the unit of --layer to dream of, or all (all)"},
        {.name = "objective", .type = OPT_STRING, .dest = &o->objective, .metavar = "O", .help = "what a class dream raises: logit or softmax (logit; --plain: softmax)"},
        {.name = "jitter", .type = OPT_FLOAT, .dest = &o->given.jitter, .min = 0, .max = 100, .metavar = "S", .help = "at each step shift the input by up to S pixels, scale it by up to 5% and rotate it by up to 5 degrees at random (--seed), the gradient taken through it (0: off)"},
        {.name = "start", .type = OPT_STRING, .dest = &o->start, .metavar = "FROM", .help = "blank or noise (blank)"},
        {.name = "seed", .type = OPT_U64, .dest = &o->seed, .min = 0, .max = 1.8e19, .metavar = "N", .help = "random seed of the noise and the jitter (1)"},
        {.name = "from-index", .type = OPT_SIZE, .dest = &o->from, .min = 0, .max = 1e9, .metavar = "I", .help = "start from test image I instead"},
        {.name = "images", .type = OPT_STRING, .dest = &o->images, .metavar = "FILE", .help = "images for --from-index (IDX; the MNIST test set)"},
        {.name = "plain", .type = OPT_FLAG, .dest = &o->plain, .help = "the plain algorithm: 200 steps, lr 1, no penalty, no blur, no polish (options given still apply)"},
        {.name = "steps", .type = OPT_SIZE, .dest = &o->given.steps, .min = 0, .max = 1e6, .metavar = "N", .help = "gradient steps (600)"},
        {.name = "lr", .type = OPT_FLOAT, .dest = &o->given.lr, .min = 0, .max = 1e6, .metavar = "A", .help = "step size (0.02; 2 with --objective softmax)"},
        {.name = "ink", .type = OPT_FLOAT, .dest = &o->given.ink, .min = 0, .max = 1e6, .metavar = "W", .help = "weight of the total ink sum(x) (0.05; 0.001 with --objective softmax)"},
        {.name = "l2", .type = OPT_FLOAT, .dest = &o->given.l2, .min = 0, .max = 1e6, .metavar = "W", .help = "weight of the penalty ||x||^2/2 (0)"},
        {.name = "tv", .type = OPT_FLOAT, .dest = &o->given.tv, .min = 0, .max = 1e6, .metavar = "W", .help = "weight of the smoothness penalty (0)"},
        {.name = "border", .type = OPT_FLOAT, .dest = &o->given.border, .min = 0, .max = 1e6, .metavar = "W", .help = "weight of the penalty on ink outside the central box (0.5)"},
        {.name = "blur", .type = OPT_FLOAT, .dest = &o->given.blur0, .min = 0, .max = 100, .metavar = "S", .help = "sigma of the gradient blur at the first step, pixels (3)"},
        {.name = "blur-end", .type = OPT_FLOAT, .dest = &o->given.blur1, .min = 0, .max = 100, .metavar = "S", .help = "sigma of the gradient blur at the last step (1)"},
        {.name = "no-anneal", .type = OPT_FLAG, .dest = &o->no_anneal, .help = "keep ink, l2 and tv at full weight (by default they fade out)"},
        {.name = "polish", .type = OPT_SIZE, .dest = &o->given.polish, .min = 0, .max = 1e6, .metavar = "N", .help = "most extra steps without ink, l2, tv while p < --p-stop (200)"},
        {.name = "p-stop", .type = OPT_FLOAT, .dest = &o->given.p_stop, .min = 0, .max = 1, .metavar = "P", .help = "the probability the polish steps aim for (0.99)"},
        {.name = "render", .short_name = 'r', .type = OPT_STRING, .dest = &o->render.path, .metavar = "FILE", .help = "draw the dreams (.ppm, .pgm or .png)"},
        {.name = "scale", .short_name = 's', .type = OPT_SIZE, .dest = &o->render.scale, .min = 1, .max = 256, .metavar = "S", .help = "pixels per input pixel (8)"},
        {.name = "cmap", .type = OPT_STRING, .dest = &o->render.cmap, .metavar = "NAME", .help = "colormap: gray, hot or bwr (gray)"},
    };
    cli_command cmd = {
        .name = "dream", .usage = "nnart dream [options]",
        .summary = "Make the network draw what it believes a class looks like, or what a "
                   "hidden unit responds to (--layer, --unit): gradient descent "
                   "on the input, x = clip(x - lr * blur(dE/dx), 0, 1), the weights fixed, E = "
                   "-(the class's logit, or the unit's pre-activation) + ink * sum(x) + l2 * "
                   "||x||^2/2 + tv * "
                   "smoothness + border * (ink outside the central box)^2/2. By default the "
                   "gradient is blurred (sigma 3 falling to 1 pixel) so that the untrained "
                   "weights of pixels MNIST never inks average out instead of turning into "
                   "speckle, the ink penalty keeps strokes thin and the background dark and "
                   "fades out over the steps, and polish steps follow until p >= 0.99.  "
                   "--objective softmax descends the cross-entropy towards the class instead "
                   "(which mostly pushes the other classes down); --plain is the bare algorithm "
                   "on it.",
        .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    if (st >= 0)
        return st;
    if (strcmp(o->start, "blank") != 0 && strcmp(o->start, "noise") != 0) {
        cli_print_error("nnart dream: --start: unknown start '%s' (blank, noise)", o->start);
        return EXIT_USAGE;
    }
    o->use_from = cli_given(&cmd, "from-index");
    if (o->use_from && cli_given(&cmd, "start")) {
        cli_print_error("nnart dream: --from-index and --start contradict each other");
        return EXIT_USAGE;
    }
    if ((st = check_unit_options(&cmd, o)) >= 0)
        return st;
    if ((st = cli_render_style(&cmd, &o->render, &o->style)))
        return st;
    o->style.set_vmin = o->style.set_vmax = 1; /* pixels are ink from 0 to 1 */
    dream_config(&cmd, o);
    return -1;
}

/* Parses --class or --unit: a number below C, or "all" (returns C). */
static int parse_class(const char *text, size_t C, size_t *out)
{
    if (strcmp(text, "all") == 0) {
        *out = C;
        return 0;
    }
    size_t v = 0;
    if (text[0] == '\0' || strlen(text) > 6)
        return -1;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (size_t)(*p - '0');
    }
    if (v >= C)
        return -1;
    *out = v;
    return 0;
}

/* The start image of n values: blank, noise, or test image --from-index. */
static int start_image(const dream_options *o, float *x0, size_t n)
{
    memset(x0, 0, n * sizeof *x0);
    if (strcmp(o->start, "noise") == 0) {
        nn_rng r;
        nn_rng_seed(&r, o->seed);
        nn_dream_noise(x0, n, 1.0f, &r);
    }
    if (!o->use_from)
        return EXIT_OK;
    nn_dataset d;
    memset(&d, 0, sizeof d);
    int st = cli_load_data(o->images, NULL, 0, &d);
    if (st)
        return st;
    if (d.dim != n) {
        cli_error("%s: images have %zu values, the model takes %zu", o->images, d.dim, n);
        st = EXIT_RUNTIME;
    } else if (o->from >= d.n) {
        cli_print_error("nnart dream: --from-index %zu: %s has images 0 to %zu", o->from,
                        o->images, d.n - 1);
        st = EXIT_USAGE;
    } else {
        nn_dataset_inputs(&d, o->from, 1, x0);
    }
    nn_dataset_free(&d);
    return st;
}

/* Draws the count dreams of side x side pixels, each with its label. */
static int draw(const dream_options *o, const float *dreams, size_t count, size_t side,
                const char *const *labels)
{
    nn_tiles t = {.n = count, .rows = side, .cols = side, .v = dreams, .labels = labels};
    nn_image img;
    nn_error err;
    int rc = nn_render_tiles(&img, &t, &o->style, &err);
    if (rc) {
        cli_error("%s: %s", o->render.path, err.msg);
        return cli_status(rc);
    }
    return cli_save_image(o->render.path, &img, 0);
}

/* The table's row and the picture's label for one dream: p and the
 * prediction for a class, the activation reached for a hidden unit. */
static void report(const nn_dream_config *cfg, int is_class, const nn_dream_result *res,
                   char *label, size_t len)
{
    if (is_class) {
        printf("%5zu  %8.5f  %9zu\n", cfg->target, (double)res->p_target, res->predicted);
        snprintf(label, len, "%zu  p=%.4f", cfg->target, (double)res->p_target);
    } else {
        printf("%5zu  %4zu  %10.4f\n", cfg->layer, cfg->target, (double)res->activation);
        snprintf(label, len, "%zu  a=%.2f", cfg->target, (double)res->activation);
    }
}

/* Dreams of the units [first, first + count) of cfg's layer of m (the
 * classes for the output layer) from the start image, cfg's target set to
 * each in turn, with a row of the table for each, and draws them if asked. */
static int dream_classes(const dream_options *o, const nn_model *m, nn_dream_config *cfg,
                         size_t first, size_t count)
{
    size_t n = m->sizes[0], total;
    float *x0 = nni_alloc(n, sizeof *x0);
    float *dreams = nni_size_mul(&total, count, n) ? NULL : nni_alloc(total, sizeof *dreams);
    char (*labels)[32] = nni_alloc(count, sizeof *labels);
    const char **label_ptr = nni_alloc(count, sizeof *label_ptr);
    int st = EXIT_OK;
    if (!x0 || !dreams || !labels || !label_ptr) {
        cli_error("out of memory");
        st = EXIT_RUNTIME;
        goto done;
    }
    if ((st = start_image(o, x0, n)))
        goto done;
    int is_class = cfg->layer == m->n_layers;
    printf(is_class ? "class  p(class)  predicted\n" : "layer  unit  activation\n");
    for (size_t i = 0; i < count; i++) {
        float *x = dreams + i * n;
        memcpy(x, x0, n * sizeof *x);
        cfg->target = first + i;
        nn_dream_result res;
        nn_error err;
        int rc = nn_dream(m, cfg, x, &res, &err);
        if (rc) {
            cli_error("%s: %s", o->model, err.msg);
            st = cli_status(rc);
            goto done;
        }
        report(cfg, is_class, &res, labels[i], sizeof labels[i]);
        label_ptr[i] = labels[i];
    }
    if (o->render.path)
        st = draw(o, dreams, count, cfg->rows, label_ptr);
done:
    free(label_ptr);
    free(labels);
    free(dreams);
    free(x0);
    return st;
}

/* The layer (1..n_layers, the output layer unless --layer) and the unit
 * (the width of the layer for all) the options name on m: 0 or an exit
 * status after the error. */
static int pick_unit(const dream_options *o, const nn_model *m, size_t *layer, size_t *unit)
{
    size_t L = m->n_layers;
    *layer = o->use_layer ? o->layer : L;
    if (*layer < 1 || *layer > L) {
        cli_print_error("nnart dream: --layer: %zu is out of range (this model has layers 1 "
                        "to %zu; %zu is the output)",
                        o->layer, L, L);
        return EXIT_USAGE;
    }
    size_t width = m->sizes[*layer];
    if (!o->use_layer && parse_class(o->class_text, width, unit) != 0) {
        cli_print_error("nnart dream: --class: '%s' is not a class of this model (0 to %zu, "
                        "or all)",
                        o->class_text, width - 1);
        return EXIT_USAGE;
    }
    if (o->use_layer && parse_class(o->unit_text, width, unit) != 0) {
        cli_print_error("nnart dream: --unit: '%s' is out of range (layer %zu has units 0 to "
                        "%zu, or all)",
                        o->unit_text, *layer, width - 1);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Loads the model and dreams of the unit or class (or of every one). */
static int dream(const dream_options *o)
{
    nn_model m;
    int st = cli_load_model(o->model, &m, NULL);
    if (st)
        return st;
    size_t side, layer = 0, K = 0;
    st = cli_input_side(o->model, &m, &side);
    if (!st && !o->use_layer && m.sizes[m.n_layers] > NN_DREAM_MAX_CLASSES) {
        cli_error("%s: %zu classes; nnart dream takes models of at most %d", o->model,
                  m.sizes[m.n_layers], NN_DREAM_MAX_CLASSES);
        st = EXIT_RUNTIME;
    }
    if (!st)
        st = pick_unit(o, &m, &layer, &K);
    if (!st) {
        size_t C = m.sizes[layer];
        nn_dream_config cfg = o->cfg;
        cfg.rows = cfg.cols = side;
        cfg.layer = layer;
        cfg.loss = nn_loss_default(m.act[m.n_layers - 1]);
        st = dream_classes(o, &m, &cfg, K == C ? 0 : K, K == C ? C : 1);
    }
    nn_model_free(&m);
    return st;
}

int cmd_dream(int argc, char **argv)
{
    dream_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : dream(&o);
}
