/* dream.c - `nnart dream`: what the network believes a class looks like, or
 * what a hidden unit responds to, by gradient descent on the input. */
#include <stddef.h>
#include <string.h>

#include "cli.h"
#include "cli/anim.h"
#include "internal.h"

typedef struct dream_options {
    const char *model, *class_text, *start, *images;
    const char *unit_text, *objective; /* --unit, --objective */
    size_t layer;                      /* --layer */
    int use_layer;                     /* --layer given */
    uint64_t seed;
    size_t from; /* --from-index */
    int use_from, plain, no_anneal;
    const char *animate; /* --animate FILE */
    int bare;            /* --bare */
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

/* Checks --bare against the other picture options (its scale is 1 unless
 * --scale is given): returns -1 to go on, or the exit status to return. */
static int check_bare(const cli_command *cmd, dream_options *o)
{
    if (!o->bare)
        return -1;
    if (!o->render.path) {
        cli_print_error("nnart dream: --bare needs --render FILE (.pgm, .png or .ppm)");
        return EXIT_USAGE;
    }
    if (cli_given(cmd, "cmap")) {
        cli_print_error("nnart dream: --bare draws grey pixels: --cmap does not apply");
        return EXIT_USAGE;
    }
    if (!cli_given(cmd, "scale"))
        o->render.scale = 1;
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
        {.name = "render", .short_name = 'r', .type = OPT_STRING, .dest = &o->render.path, .metavar = "FILE", .help = "draw the dreams (.ppm, .pgm or .png; - for standard output)"},
        CLI_RENDER_FORMAT_OPT(o->render),
        {.name = "scale", .short_name = 's', .type = OPT_SIZE, .dest = &o->render.scale, .min = 1, .max = 256, .metavar = "S", .help = "pixels per input pixel (8)"},
        {.name = "cmap", .type = OPT_STRING, .dest = &o->render.cmap, .metavar = "NAME", .help = "colormap: gray, hot or bwr (gray)"},
        {.name = "bare", .type = OPT_FLAG, .dest = &o->bare, .help = "--render writes the one dream alone: grey, side x side pixels times --scale (1), no frame or label (for predict --image)"},
        {.name = "animate", .short_name = 'a', .type = OPT_STRING, .dest = &o->animate, .metavar = "FILE", .help = "write the descent as a looping animation (.gif, or .png/.apng for APNG): about 50 frames from the start to the end, the last held"},
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
    if ((st = check_bare(&cmd, o)) >= 0 || (st = cli_render_style(&cmd, &o->render, &o->style)))
        return st;
    if (o->animate && (st = cli_anim_open("dream", o->animate)))
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

/* The label of a dream's picture: p for a class, the activation for a
 * hidden unit; what names it is the unit's number, or `name` if not NULL. */
static void dream_label(char *label, size_t len, size_t unit, const char *name, int is_class,
                        const nn_dream_result *res)
{
    char num[24], value[320]; /* room for any float written out */
    snprintf(num, sizeof num, "%zu", unit);
    snprintf(value, sizeof value, is_class ? "%.4f" : "%.2f",
             (double)(is_class ? res->p_target : res->activation));
    if (snprintf(label, len, "%s  %s=%s", name ? name : num, is_class ? "p" : "a", value) < 0)
        label[0] = '\0';
}

/* The table's row for one dream: p and the prediction for a class, the
 * activation reached for a hidden unit. */
static void report(const nn_dream_config *cfg, int is_class, const nn_dream_result *res)
{
    if (is_class)
        printf("%5zu  %8.5f  %9zu\n", cfg->target, (double)res->p_target, res->predicted);
    else
        printf("%5zu  %4zu  %10.4f\n", cfg->layer, cfg->target, (double)res->activation);
}

/* Frames of --animate: about this many, spread evenly over the steps. */
#define DREAM_FRAMES 50
#define DREAM_FRAME_CS 8u /* how long each is shown (the last: CLI_ANIM_HOLD_CS) */

/* The dreams of one command, and what the pictures need of them. */
typedef struct dream_run {
    const dream_options *o;
    const nn_model *m;
    size_t first, count, n, side; /* units [first, first + count) of n inputs */
    int is_class;
    float *x0;                    /* the start image */
    float *dreams;                /* (count, n) the dreams */
    char (*labels)[32];           /* (count) their labels */
    char (*start_labels)[32];     /* (count) the start's p or activation for each, or NULL */
    /* --animate: dream i at step frame_step[k] is snaps[(k * count + i) * n ..],
     * labelled snap_labels[k * count + i] */
    size_t frames, *frame_step, *taken, cur, next;
    float *snaps;
    char (*snap_labels)[32];
} dream_run;

static void run_free(dream_run *r)
{
    free(r->x0), free(r->dreams), free(r->labels), free(r->start_labels);
    free(r->frame_step), free(r->taken), free(r->snaps), free(r->snap_labels);
}

/* a * b blocks of size bytes (NULL if the product overflows or memory runs out). */
static void *alloc_n(size_t a, size_t b, size_t size)
{
    size_t n;
    return nni_size_mul(&n, a, b) ? NULL : nni_alloc(n, size);
}

/* The buffers of r (whose sizes are set), and the frames' steps: frame k
 * at step floor(k N / (F - 1)) of the N planned, F = min(DREAM_FRAMES, N + 1),
 * so that the first is the start and the last the end.  0 or -1. */
static int run_alloc(dream_run *r, const nn_dream_config *cfg)
{
    int want_start = r->o->use_from || r->o->animate;
    r->x0 = alloc_n(1, r->n, sizeof *r->x0);
    r->dreams = alloc_n(r->count, r->n, sizeof *r->dreams);
    r->labels = alloc_n(1, r->count, sizeof *r->labels);
    r->start_labels = want_start ? alloc_n(1, r->count, sizeof *r->start_labels) : NULL;
    if (!r->x0 || !r->dreams || !r->labels || (want_start && !r->start_labels))
        return -1;
    if (!r->o->animate)
        return 0;
    size_t N = cfg->steps + (r->is_class ? cfg->polish : 0);
    r->frames = N + 1 < DREAM_FRAMES ? N + 1 : DREAM_FRAMES;
    r->frame_step = alloc_n(1, r->frames, sizeof *r->frame_step);
    r->taken = alloc_n(1, r->count, sizeof *r->taken);
    r->snaps = alloc_n(r->frames * r->count, r->n, sizeof *r->snaps);
    r->snap_labels = alloc_n(r->frames, r->count, sizeof *r->snap_labels);
    if (!r->frame_step || !r->taken || !r->snaps || !r->snap_labels)
        return -1;
    for (size_t k = 0; k < r->frames; k++)
        r->frame_step[k] = r->frames > 1 ? k * N / (r->frames - 1) : 0;
    return 0;
}

/* Keeps dream r->cur's x and label as frame k's. */
static void snap(dream_run *r, size_t k, const float *x, const char *label)
{
    size_t at = k * r->count + r->cur;
    memcpy(r->snaps + at * r->n, x, r->n * sizeof *x);
    memcpy(r->snap_labels[at], label, 32);
}

/* nn_dream's step callback under --animate: keeps x at the frames' steps. */
static int on_step(size_t step, const float *x, const nn_dream_result *now, void *ctx)
{
    dream_run *r = ctx;
    char label[32];
    dream_label(label, sizeof label, r->first + r->cur, NULL, r->is_class, now);
    for (; r->next < r->frames && r->frame_step[r->next] == step; r->next++)
        snap(r, r->next, x, label);
    return 0;
}

/* The start's p or activation for the unit of cfg: a dream of no steps. */
static int start_label(dream_run *r, const nn_dream_config *cfg, size_t i)
{
    nn_dream_config none = *cfg;
    none.steps = none.polish = 0;
    none.on_step = NULL;
    float *x = r->dreams + i * r->n;
    memcpy(x, r->x0, r->n * sizeof *x);
    nn_dream_result res;
    nn_error err;
    int rc = nn_dream(r->m, &none, x, &res, &err);
    if (rc) {
        cli_error("%s: %s", r->o->model, err.msg);
        return cli_status(rc);
    }
    dream_label(r->start_labels[i], sizeof r->start_labels[i], r->first + i, "start", r->is_class, &res);
    if (r->o->animate) { /* frame 0, the start, labelled as the dream's frames are */
        char label[32];
        dream_label(label, sizeof label, r->first + i, NULL, r->is_class, &res);
        r->cur = i, r->next = 1;
        snap(r, 0, r->x0, label);
    }
    return EXIT_OK;
}

/* Dream i (cfg's target set to it) from the start image into r, with its
 * row of the table. */
static int dream_one(dream_run *r, nn_dream_config *cfg, size_t i)
{
    cfg->target = r->first + i;
    int st = r->start_labels ? start_label(r, cfg, i) : EXIT_OK;
    if (st)
        return st;
    float *x = r->dreams + i * r->n;
    memcpy(x, r->x0, r->n * sizeof *x);
    if (r->o->animate)
        cfg->on_step = on_step, cfg->on_step_ctx = r, r->cur = i, r->next = 1;
    nn_dream_result res;
    nn_error err;
    int rc = nn_dream(r->m, cfg, x, &res, &err);
    if (rc) {
        cli_error("%s: %s", r->o->model, err.msg);
        return cli_status(rc);
    }
    report(cfg, r->is_class, &res);
    dream_label(r->labels[i], sizeof r->labels[i], cfg->target, NULL, r->is_class, &res);
    if (r->o->animate) { /* frames after the dream's end hold it */
        for (; r->next < r->frames; r->next++)
            snap(r, r->next, x, r->labels[i]);
        r->taken[i] = res.steps;
    }
    return EXIT_OK;
}

/* img <- a and b side by side (a's top-left colour around them); frees
 * both. */
static int side_by_side(nn_image *img, nn_image *a, nn_image *b, nn_error *err)
{
    size_t h = a->height > b->height ? a->height : b->height, C = a->channels;
    int rc = nn_image_create(img, a->width + b->width, h, C, err);
    if (!rc) {
        nn_image_fill_rect(img, 0, 0, img->width, h, a->px);
        for (size_t y = 0; y < a->height; y++)
            memcpy(img->px + y * img->width * C, a->px + y * a->width * C, a->width * C);
        for (size_t y = 0; y < b->height; y++)
            memcpy(img->px + (y * img->width + a->width) * C, b->px + y * b->width * C,
                   b->width * C);
    }
    nn_image_free(a);
    nn_image_free(b);
    return rc;
}

/* The --from-index picture of the dreams xs labelled labels: a row for each,
 * its start and its end in the colormap, then the difference end - start in
 * 'bwr' from -1 (ink taken away, blue) to +1 (ink added, red). */
static int compare_picture(const dream_run *r, const float *xs, char (*labels)[32],
                           nn_image *img, nn_error *err)
{
    size_t n = r->n, count = r->count;
    float *pairs = alloc_n(2 * count, n, sizeof *pairs), *diff = alloc_n(count, n, sizeof *diff);
    const char **lp = alloc_n(3, count, sizeof *lp);
    int rc = pairs && diff && lp ? NN_OK : nn_fail(err, NN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < count; i++) {
        memcpy(pairs + 2 * i * n, r->x0, n * sizeof *pairs);
        memcpy(pairs + (2 * i + 1) * n, xs + i * n, n * sizeof *pairs);
        for (size_t j = 0; j < n; j++)
            diff[i * n + j] = xs[i * n + j] - r->x0[j];
        lp[2 * i] = r->start_labels[i], lp[2 * i + 1] = labels[i];
        lp[2 * count + i] = "end - start";
    }
    nn_image a = {0}, b = {0};
    nn_tiles ends = {.n = 2 * count, .rows = r->side, .cols = r->side, .v = pairs,
                     .labels = lp, .columns = 2};
    nn_tiles change = {.n = count, .rows = r->side, .cols = r->side, .v = diff,
                       .labels = lp ? lp + 2 * count : NULL, .columns = 1};
    nn_render_style bwr = r->o->style;
    bwr.cmap = NN_CMAP_BWR, bwr.vmin = -1.0f, bwr.vmax = 1.0f;
    if (!rc && !(rc = nn_render_tiles(&a, &ends, &r->o->style, err)) &&
        !(rc = nn_render_tiles(&b, &change, &bwr, err)))
        rc = side_by_side(img, &a, &b, err);
    nn_image_free(&a);
    free(lp), free(diff), free(pairs);
    return rc;
}

/* The picture of the dreams xs labelled labels: their tiles, or with
 * --from-index the comparison with the start. */
static int dream_picture(const dream_run *r, const float *xs, char (*labels)[32], nn_image *img,
                         nn_error *err)
{
    if (r->o->use_from)
        return compare_picture(r, xs, labels, img, err);
    const char **lp = alloc_n(1, r->count, sizeof *lp);
    if (!lp)
        return nn_fail(err, NN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->count; i++)
        lp[i] = labels[i];
    nn_tiles t = {.n = r->count, .rows = r->side, .cols = r->side, .v = xs, .labels = lp};
    int rc = nn_render_tiles(img, &t, &r->o->style, err);
    free(lp);
    return rc;
}

/* --bare: the one dream alone, grey, each value a scale x scale block in
 * matplotlib's 'gray' from 0 (black) to 1 (white). */
static int bare_picture(const dream_run *r, nn_image *img, nn_error *err)
{
    size_t S = r->o->render.scale, side = r->side;
    int rc = nn_image_create(img, side * S, side * S, 1, err);
    for (size_t y = 0; !rc && y < side * S; y++)
        for (size_t x = 0; x < side * S; x++) {
            uint8_t rgb[3];
            nn_colormap_rgb(NN_CMAP_GRAY, r->dreams[(y / S) * side + x / S], rgb);
            img->px[y * img->width + x] = rgb[0];
        }
    return rc;
}

/* Writes the --render picture of the dreams. */
static int draw_render(const dream_run *r)
{
    nn_image img = {0};
    nn_error err;
    int rc = r->o->bare ? bare_picture(r, &img, &err)
                        : dream_picture(r, r->dreams, r->labels, &img, &err);
    if (rc) {
        cli_error("%s: %s", r->o->render.path, err.msg);
        return cli_status(rc);
    }
    return cli_save_render(&r->o->render, &img, 0);
}

/* Adds the picture of the dreams xs, labelled labels at step `step`, to a. */
static int add_frame(const dream_run *r, cli_anim *a, const float *xs, char (*labels)[32],
                     size_t step, unsigned delay_cs)
{
    nn_image img = {0};
    nn_error err;
    int rc = dream_picture(r, xs, labels, &img, &err);
    if (rc) {
        cli_error("%s: %s", r->o->animate, err.msg);
        return cli_status(rc);
    }
    char caption[48];
    snprintf(caption, sizeof caption, "step %zu", step);
    return cli_anim_add(a, &img, caption, delay_cs);
}

/* Writes the --animate frames: those before the last dream's end, then the
 * end (as --render draws it), held. */
static int draw_animation(const dream_run *r)
{
    size_t end = 0;
    for (size_t i = 0; i < r->count; i++)
        end = r->taken[i] > end ? r->taken[i] : end;
    cli_anim a = {.path = r->o->animate};
    int st = EXIT_OK;
    for (size_t k = 0; !st && k < r->frames && r->frame_step[k] < end; k++)
        st = add_frame(r, &a, r->snaps + k * r->count * r->n, r->snap_labels + k * r->count,
                       r->frame_step[k], DREAM_FRAME_CS);
    if (!st)
        st = add_frame(r, &a, r->dreams, r->labels, end, CLI_ANIM_HOLD_CS);
    if (st) {
        cli_anim_free(&a);
        return st;
    }
    return cli_anim_save(&a, 0);
}

/* The units [first, first + count) of cfg's layer of m (the classes for the
 * output layer) dreamt from the start image, cfg's target set to each in
 * turn, with a row of the table for each, then drawn as asked. */
static int dream_classes(const dream_options *o, const nn_model *m, nn_dream_config *cfg,
                         size_t first, size_t count)
{
    dream_run r = {.o = o, .m = m, .first = first, .count = count, .n = m->sizes[0],
                   .side = cfg->rows, .is_class = cfg->layer == m->n_layers};
    int st = EXIT_OK;
    if (run_alloc(&r, cfg) != 0) {
        cli_error("out of memory");
        st = EXIT_RUNTIME;
        goto done;
    }
    if ((st = start_image(o, r.x0, r.n)))
        goto done;
    printf(r.is_class ? "class  p(class)  predicted\n" : "layer  unit  activation\n");
    for (size_t i = 0; i < count && !st; i++)
        st = dream_one(&r, cfg, i);
    if (!st && o->render.path)
        st = draw_render(&r);
    if (!st && o->animate)
        st = draw_animation(&r);
done:
    run_free(&r);
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
    if (!st && o->bare && K == m.sizes[layer]) {
        cli_print_error("nnart dream: --bare draws one dream: give --class K (or --layer L "
                        "--unit U)");
        st = EXIT_USAGE;
    }
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
