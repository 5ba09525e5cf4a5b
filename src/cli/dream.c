/* dream.c - `nnart dream` (what the network believes a class looks like)
 * and `nnart weights` (what each first-layer unit looks for). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Parses --class: a class number below C, or "all" (returns C). */
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

/* The start image: blank, noise, or test image `from` of the data set. */
static int start_image(float *x0, size_t n, const char *start, uint64_t seed, int use_from,
                       size_t from, const char *images)
{
    memset(x0, 0, n * sizeof *x0);
    if (strcmp(start, "noise") == 0) {
        nn_rng r;
        nn_rng_seed(&r, seed);
        nn_dream_noise(x0, n, 1.0f, &r);
    }
    if (!use_from)
        return EXIT_OK;
    nn_dataset d;
    memset(&d, 0, sizeof d);
    int st = cli_load_data(images, NULL, 0, &d);
    if (st)
        return st;
    if (d.dim != n) {
        cli_error("%s: images have %zu values, the model takes %zu", images, d.dim, n);
        st = EXIT_RUNTIME;
    } else if (from >= d.n) {
        cli_print_error("nnart dream: --from-index %zu: %s has images 0 to %zu", from, images,
                d.n - 1);
        st = EXIT_USAGE;
    } else {
        for (size_t i = 0; i < n; i++)
            x0[i] = d.pixels[from * n + i] / 255.0f;
    }
    nn_dataset_free(&d);
    return st;
}

int cmd_dream(int argc, char **argv)
{
    const char *model_path = DEFAULT_MODEL, *class_text = "all", *start = "blank";
    const char *images = DEFAULT_TEST_IMAGES, *render_path = NULL, *cmap = "gray";
    uint64_t seed = 1;
    size_t from = 0, scale = 8;
    int plain = 0, no_anneal = 0;
    nn_dream_config d; /* receives the options given; the rest come from the defaults */
    nn_dream_config_default(&d, 0, 0);
    cli_opt opts[] = {
        {"model", 'm', OPT_STRING, &model_path, 0, 0, "MODEL", "the model (" DEFAULT_MODEL ")", 0},
        {"class", 'k', OPT_STRING, &class_text, 0, 0, "K", "the class to dream of, or all (all)", 0},
        {"start", 0, OPT_STRING, &start, 0, 0, "FROM", "blank or noise (blank)", 0},
        {"seed", 0, OPT_U64, &seed, 0, 1.8e19, "N", "random seed of the noise (1)", 0},
        {"from-index", 0, OPT_SIZE, &from, 0, 1e9, "I", "start from test image I instead", 0},
        {"images", 0, OPT_STRING, &images, 0, 0, "FILE", "images for --from-index (IDX; the MNIST test set)", 0},
        {"plain", 0, OPT_FLAG, &plain, 0, 0, NULL, "the plain algorithm: 200 steps, lr 1, no penalty, no blur, no polish (options given still apply)", 0},
        {"steps", 0, OPT_SIZE, &d.steps, 0, 1e6, "N", "gradient steps (600)", 0},
        {"lr", 0, OPT_FLOAT, &d.lr, 0, 1e6, "A", "step size (2)", 0},
        {"ink", 0, OPT_FLOAT, &d.ink, 0, 1e6, "W", "weight of the total ink sum(x) (0.001)", 0},
        {"l2", 0, OPT_FLOAT, &d.l2, 0, 1e6, "W", "weight of the penalty ||x||^2/2 (0)", 0},
        {"tv", 0, OPT_FLOAT, &d.tv, 0, 1e6, "W", "weight of the smoothness penalty (0)", 0},
        {"border", 0, OPT_FLOAT, &d.border, 0, 1e6, "W", "weight of the penalty on ink outside the central box (0.5)", 0},
        {"blur", 0, OPT_FLOAT, &d.blur0, 0, 100, "S", "sigma of the gradient blur at the first step, pixels (3)", 0},
        {"blur-end", 0, OPT_FLOAT, &d.blur1, 0, 100, "S", "sigma of the gradient blur at the last step (1)", 0},
        {"no-anneal", 0, OPT_FLAG, &no_anneal, 0, 0, NULL, "keep ink, l2 and tv at full weight (by default they fade out)", 0},
        {"polish", 0, OPT_SIZE, &d.polish, 0, 1e6, "N", "most extra steps without ink, l2, tv while p < --p-stop (200)", 0},
        {"p-stop", 0, OPT_FLOAT, &d.p_stop, 0, 1, "P", "the probability the polish steps aim for (0.99)", 0},
        {"render", 'r', OPT_STRING, &render_path, 0, 0, "FILE", "draw the dreams (.ppm, .pgm or .png)", 0},
        {"scale", 's', OPT_SIZE, &scale, 1, 256, "S", "pixels per input pixel (8)", 0},
        {"cmap", 0, OPT_STRING, &cmap, 0, 0, "NAME", "colormap: gray, hot or bwr (gray)", 0},
    };
    cli_command cmd = {"dream", "nnart dream [options]",
                       "Make the network draw what it believes a class looks like: gradient "
                       "descent on the input, x = clip(x - lr * blur(dE/dx), 0, 1), the weights "
                       "fixed, E = cross-entropy towards the class + ink * sum(x) + l2 * "
                       "||x||^2/2 + tv * smoothness + border * (ink outside the central box)^2/2. "
                       "By default the gradient is blurred (sigma 3 falling to 1 pixel) so that "
                       "the untrained weights of pixels MNIST never inks average out instead of "
                       "turning into speckle, the ink penalty keeps strokes thin and the "
                       "background dark and fades out over the steps, and polish steps follow "
                       "until p >= 0.99.  --plain is the bare algorithm.",
                       opts, sizeof opts / sizeof *opts, 0};
    const char *pos[1];
    size_t n_pos;
    int st = cli_parse_or_exit(&cmd, argc, argv, pos, &n_pos);
    if (st >= 0)
        return st;
    if (strcmp(start, "blank") != 0 && strcmp(start, "noise") != 0) {
        cli_print_error("nnart dream: --start: unknown start '%s' (blank, noise)", start);
        return EXIT_USAGE;
    }
    if (cli_given(&cmd, "from-index") && cli_given(&cmd, "start")) {
        cli_print_error("nnart dream: --from-index and --start contradict each other");
        return EXIT_USAGE;
    }
    nn_render_style style;
    nn_render_style_default(&style, scale);
    style.set_vmin = style.set_vmax = 1; /* pixels are ink from 0 to 1 */
    if ((st = cli_check_render_path("dream", render_path)) ||
        (st = cli_parse_cmap("dream", cmap, &style.cmap)))
        return st;

    nn_model m;
    if ((st = cli_load_model(model_path, &m)))
        return st;
    size_t side, C = m.sizes[m.n_layers], K, n = m.sizes[0];
    float *x0 = NULL, *dreams = NULL;
    char (*labels)[32] = NULL;
    const char **label_ptr = NULL;
    if ((st = cli_input_side(model_path, &m, &side)))
        goto done;
    if (parse_class(class_text, C, &K) != 0) {
        cli_print_error("nnart dream: --class: '%s' is not a class of this model (0 to %zu, or all)",
                class_text, C - 1);
        st = EXIT_USAGE;
        goto done;
    }
    size_t first = K == C ? 0 : K, count = K == C ? C : 1;
    x0 = malloc(n * sizeof *x0);
    dreams = malloc(count * n * sizeof *dreams);
    labels = malloc(count * sizeof *labels);
    label_ptr = malloc(count * sizeof *label_ptr);
    if (!x0 || !dreams || !labels || !label_ptr) {
        cli_error("out of memory");
        st = EXIT_RUNTIME;
        goto done;
    }
    if ((st = start_image(x0, n, start, seed, cli_given(&cmd, "from-index"), from, images)))
        goto done;
    /* The defaults (or --plain), then each option given on top. */
    nn_dream_config cfg;
    if (plain)
        nn_dream_config_plain(&cfg, side, side);
    else
        nn_dream_config_default(&cfg, side, side);
    if (cli_given(&cmd, "steps"))
        cfg.steps = d.steps;
    if (cli_given(&cmd, "lr"))
        cfg.lr = d.lr;
    if (cli_given(&cmd, "ink"))
        cfg.ink = d.ink;
    if (cli_given(&cmd, "l2"))
        cfg.l2 = d.l2;
    if (cli_given(&cmd, "tv"))
        cfg.tv = d.tv;
    if (cli_given(&cmd, "border"))
        cfg.border = d.border;
    if (cli_given(&cmd, "blur"))
        cfg.blur0 = d.blur0;
    if (cli_given(&cmd, "blur-end"))
        cfg.blur1 = d.blur1;
    if (cli_given(&cmd, "polish"))
        cfg.polish = d.polish;
    if (cli_given(&cmd, "p-stop"))
        cfg.p_stop = d.p_stop;
    if (no_anneal)
        cfg.anneal = 0;
    if (m.act[m.n_layers - 1] != NN_ACT_SOFTMAX)
        cfg.loss = NN_LOSS_MSE;
    printf("class  p(class)  predicted\n");
    for (size_t i = 0; i < count; i++) {
        float *x = dreams + i * n;
        memcpy(x, x0, n * sizeof *x);
        cfg.target = first + i;
        nn_dream_result res;
        nn_error err;
        int rc = nn_dream(&m, &cfg, x, &res, &err);
        if (rc) {
            cli_error("%s: %s", model_path, err.msg);
            st = cli_status(rc);
            goto done;
        }
        printf("%5zu  %8.5f  %9zu\n", cfg.target, (double)res.p_target, res.predicted);
        snprintf(labels[i], sizeof labels[i], "%zu  p=%.4f", cfg.target, (double)res.p_target);
        label_ptr[i] = labels[i];
    }
    if (render_path) {
        nn_tiles t = {count, side, side, dreams, label_ptr, 0};
        nn_image img;
        nn_error err;
        int rc = nn_render_tiles(&img, &t, &style, &err);
        if (rc) {
            cli_error("%s: %s", render_path, err.msg);
            st = cli_status(rc);
            goto done;
        }
        st = cli_save_image(render_path, &img, 0);
    }
done:
    free(label_ptr);
    free(labels);
    free(dreams);
    free(x0);
    nn_model_free(&m);
    return st;
}

int cmd_weights(int argc, char **argv)
{
    const char *model_path = DEFAULT_MODEL, *render_path = NULL, *cmap = "bwr", *range = "tile";
    size_t scale = 4, columns = 0;
    cli_opt opts[] = {
        {"model", 'm', OPT_STRING, &model_path, 0, 0, "MODEL", "the model (" DEFAULT_MODEL ")", 0},
        {"render", 'r', OPT_STRING, &render_path, 0, 0, "FILE", "the picture to write (.ppm, .pgm or .png)", 0},
        {"cmap", 0, OPT_STRING, &cmap, 0, 0, "NAME", "colormap: bwr, hot or gray (bwr)", 0},
        {"range", 0, OPT_STRING, &range, 0, 0, "R", "colour scale per tile or global (tile)", 0},
        {"scale", 's', OPT_SIZE, &scale, 1, 256, "S", "pixels per weight (4)", 0},
        {"columns", 0, OPT_SIZE, &columns, 1, 4096, "N", "tiles per row (all in one row up to 10)", 0},
    };
    cli_command cmd = {"weights", "nnart weights --render FILE [options]",
                       "Draw each first-layer unit's weights as an image: what it looks for "
                       "(red: ink there raises it, blue: lowers it).",
                       opts, sizeof opts / sizeof *opts, 0};
    const char *pos[1];
    size_t n_pos;
    int st = cli_parse_or_exit(&cmd, argc, argv, pos, &n_pos);
    if (st >= 0)
        return st;
    if (!render_path) {
        cli_print_error("nnart weights: --render FILE is required (.ppm, .pgm or .png)");
        return EXIT_USAGE;
    }
    nn_render_style style;
    nn_render_style_default(&style, scale);
    if ((st = cli_check_render_path("weights", render_path)) ||
        (st = cli_parse_cmap("weights", cmap, &style.cmap)))
        return st;
    if (strcmp(range, "tile") != 0 && strcmp(range, "global") != 0) {
        cli_print_error("nnart weights: --range: unknown range '%s' (tile, global)", range);
        return EXIT_USAGE;
    }
    /* A diverging map is centred on 0; the others span the weights' range. */
    int tile = strcmp(range, "tile") == 0;
    if (style.cmap == NN_CMAP_BWR)
        style.range = tile ? NN_RANGE_TILE_SYMMETRIC : NN_RANGE_SYMMETRIC;
    else
        style.range = tile ? NN_RANGE_TILE : NN_RANGE_DATA;

    nn_model m;
    if ((st = cli_load_model(model_path, &m)))
        return st;
    size_t side, units = m.sizes[1];
    char (*labels)[24] = NULL;
    const char **label_ptr = NULL;
    if ((st = cli_input_side(model_path, &m, &side)))
        goto done;
    labels = malloc(units * sizeof *labels);
    label_ptr = malloc(units * sizeof *label_ptr);
    if (!labels || !label_ptr) {
        cli_error("out of memory");
        st = EXIT_RUNTIME;
        goto done;
    }
    for (size_t u = 0; u < units; u++) {
        snprintf(labels[u], sizeof labels[u], "%zu", u);
        label_ptr[u] = labels[u];
    }
    /* W_0 is (sizes[1], sizes[0]) row-major: unit u's weights are row u. */
    nn_tiles t = {units, side, side, m.params + nn_model_weight_offset(&m, 0), label_ptr,
                  columns};
    nn_image img;
    nn_error err;
    int rc = nn_render_tiles(&img, &t, &style, &err);
    if (rc) {
        cli_error("%s: %s", render_path, err.msg);
        st = cli_status(rc);
        goto done;
    }
    st = cli_save_image(render_path, &img, 0);
done:
    free(label_ptr);
    free(labels);
    nn_model_free(&m);
    return st;
}
