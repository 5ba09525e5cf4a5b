/* paint.c - `nnart paint`: a random network that paints (nn_paint.h), as a
 * picture of any size and as a looping animation. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "internal.h"
#include "nn_anim.h"

typedef struct paint_options {
    const char *size, *activation, *z_text, *animate;
    size_t width, height; /* from --size */
    size_t frames, delay; /* --frames, --delay (centiseconds) */
    int grey;
    float z[NN_PAINT_MAX_LATENT];
    nn_paint_config cfg;
    cli_render render;
    nn_render_style style;
} paint_options;

/* "WxH" into width and height, each 1..NN_IMAGE_MAX_SIDE: 0, or -1. */
static int parse_size(const char *text, size_t *width, size_t *height)
{
    size_t v[2] = {0, 0};
    const char *p = text;
    for (int k = 0; k < 2; k++) {
        if (*p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++) {
            v[k] = v[k] * 10 + (size_t)(*p - '0');
            if (v[k] > NN_IMAGE_MAX_SIDE)
                return -1;
        }
        if (k == 0 && *p != 'x' && *p != 'X')
            return -1;
        p += k == 0;
    }
    if (*p || v[0] < 1 || v[1] < 1)
        return -1;
    *width = v[0];
    *height = v[1];
    return 0;
}

/* Whether text is empty or ends in a comma (an empty last word). */
static int open_list(const char *text)
{
    size_t n = strlen(text);
    return n == 0 || text[n - 1] == ',';
}

/* The next comma-separated word of *p into word (at most len - 1
 * characters): 0, or -1 at the end or for a word too long. */
static int next_word(const char **p, char *word, size_t len)
{
    if (!**p)
        return -1;
    size_t n = strcspn(*p, ",");
    if (n >= len)
        return -1;
    memcpy(word, *p, n);
    word[n] = '\0';
    *p += n + ((*p)[n] == ',');
    return 0;
}

/* --activation: one name for every hidden layer, or one per layer. */
static int parse_activations(paint_options *o)
{
    const char *p = o->activation;
    char word[32];
    size_t n = 0;
    nn_activation act[NN_PAINT_MAX_DEPTH];
    while (next_word(&p, word, sizeof word) == 0 && n < NN_PAINT_MAX_DEPTH) {
        if (nn_activation_from_name(word, &act[n]) != 0 || act[n] == NN_ACT_SOFTMAX) {
            cli_print_error("nnart paint: --activation: unknown activation '%s' (sin, gauss, "
                            "tanh, sigmoid, relu, identity)", word);
            return EXIT_USAGE;
        }
        n++;
    }
    if (*p || open_list(o->activation) || (n != 1 && n != o->cfg.depth)) {
        cli_print_error("nnart paint: --activation '%s': give one activation, or one for each "
                        "of the %zu hidden layers, separated by commas", o->activation,
                        o->cfg.depth);
        return EXIT_USAGE;
    }
    for (size_t l = 0; l < o->cfg.depth; l++)
        o->cfg.act[l] = act[n == 1 ? 0 : l];
    return -1;
}

/* --z: comma-separated numbers, as many as --latent (which they set when it
 * is not given). */
static int parse_z(const cli_command *cmd, paint_options *o)
{
    const char *p = o->z_text;
    char word[64];
    size_t n = 0;
    while (next_word(&p, word, sizeof word) == 0) {
        char *end;
        double v = strtod(word, &end);
        if (!word[0] || *end || !(v >= -1e6 && v <= 1e6) || n == NN_PAINT_MAX_LATENT) {
            cli_print_error("nnart paint: --z: '%s' is not a list of at most %d numbers "
                            "between -1e6 and 1e6, separated by commas", o->z_text,
                            NN_PAINT_MAX_LATENT);
            return EXIT_USAGE;
        }
        o->z[n++] = (float)v;
    }
    if (*p || n == 0 || open_list(o->z_text)) {
        cli_print_error("nnart paint: --z: '%s' is not a list of numbers separated by commas",
                        o->z_text);
        return EXIT_USAGE;
    }
    if (cli_given(cmd, "latent") && n != o->cfg.latent) {
        cli_print_error("nnart paint: --z has %zu values but --latent is %zu", n, o->cfg.latent);
        return EXIT_USAGE;
    }
    o->cfg.latent = n;
    o->cfg.z = o->z;
    return -1;
}

/* Checks the options cmd has just parsed into o, and opens the outputs:
 * returns -1 to go on, or the exit status to return. */
static int check_options(const cli_command *cmd, paint_options *o)
{
    if (!o->render.path && !o->animate) {
        cli_print_error("nnart paint: give --render FILE (a picture) or --animate FILE (an "
                        "animation), or both");
        return EXIT_USAGE;
    }
    if (parse_size(o->size, &o->width, &o->height) != 0) {
        cli_print_error("nnart paint: --size: '%s' is not WIDTHxHEIGHT with each side 1 to %d",
                        o->size, NN_IMAGE_MAX_SIDE);
        return EXIT_USAGE;
    }
    int st = parse_activations(o);
    if (st < 0 && o->z_text)
        st = parse_z(cmd, o);
    if (st >= 0)
        return st;
    o->cfg.channels = o->grey ? 1 : 3;
    nn_error err;
    if (nn_paint_check(&o->cfg, &err) != NN_OK) {
        cli_print_error("nnart paint: %s", err.msg);
        return EXIT_USAGE;
    }
    if (o->animate && o->cfg.latent < 2) {
        cli_print_error("nnart paint: --animate moves z around a circle in a plane: it needs "
                        "--latent 2 or more (this is %zu)", o->cfg.latent);
        return EXIT_USAGE;
    }
    nn_anim_format fmt;
    if (o->animate && nn_anim_format_from_path(o->animate, &fmt) != 0) {
        cli_print_error("nnart paint: --animate: '%s' has no animation extension (.gif, .png "
                        "or .apng)", o->animate);
        return EXIT_USAGE;
    }
    if ((st = cli_render_style(cmd, &o->render, &o->style)))
        return st;
    nn_output *out;
    if (o->animate && (st = cli_output_open(cmd->name, "--animate", o->animate, &out)))
        return st;
    return -1;
}

/* Parses and checks the options into o: returns -1 to go on, or the exit
 * status to return. */
static int parse_options(int argc, char **argv, paint_options *o)
{
    *o = (paint_options){.size = "512x512", .activation = "sin", .frames = 48, .delay = 4,
                         .render = {.scale = 1}};
    nn_paint_config_default(&o->cfg);
    cli_opt opts[] = {
        {.name = "render", .short_name = 'r', .type = OPT_STRING, .dest = &o->render.path, .metavar = "FILE", .help = "the picture to write (.png, .ppm or .pgm; - for standard output)"},
        CLI_RENDER_FORMAT_OPT(o->render),
        {.name = "animate", .short_name = 'a', .type = OPT_STRING, .dest = &o->animate, .metavar = "FILE", .help = "an animation to write, z moving around a loop (.gif, or .png/.apng for APNG)"},
        {.name = "size", .type = OPT_STRING, .dest = &o->size, .metavar = "WxH", .help = "width and height in pixels (512x512)"},
        {.name = "seed", .type = OPT_U64, .dest = &o->cfg.seed, .min = 0, .max = 1.8446744073709552e19, .metavar = "N", .help = "random seed of the weights, z and the loop (1)"},
        {.name = "depth", .type = OPT_SIZE, .dest = &o->cfg.depth, .min = 1, .max = NN_PAINT_MAX_DEPTH, .metavar = "N", .help = "hidden layers (4)"},
        {.name = "width", .type = OPT_SIZE, .dest = &o->cfg.width, .min = 1, .max = NN_PAINT_MAX_WIDTH, .metavar = "N", .help = "units per hidden layer (32)"},
        {.name = "activation", .type = OPT_STRING, .dest = &o->activation, .metavar = "ACT", .help = "hidden activation: sin, gauss, tanh, sigmoid, relu or identity, or a comma-separated list with one per layer (sin)"},
        {.name = "weight-scale", .type = OPT_FLOAT, .dest = &o->cfg.weight_scale, .min = 1e-6, .max = 1e6, .metavar = "S", .help = "weights and biases drawn from N(0, S^2 / fan_in) (2.5)"},
        {.name = "zoom", .type = OPT_FLOAT, .dest = &o->cfg.zoom, .min = 1e-6, .max = 1e6, .metavar = "Z", .help = "the shorter side spans coordinates -Z to Z (1)"},
        {.name = "latent", .type = OPT_SIZE, .dest = &o->cfg.latent, .min = 0, .max = NN_PAINT_MAX_LATENT, .metavar = "N", .help = "entries of the latent vector z (8)"},
        {.name = "z", .type = OPT_STRING, .dest = &o->z_text, .metavar = "V,V,...", .help = "the latent vector (default: drawn from the seed, each in [-1, 1))"},
        {.name = "grey", .type = OPT_FLAG, .dest = &o->grey, .help = "one grey channel instead of colour"},
        {.name = "frames", .type = OPT_SIZE, .dest = &o->frames, .min = 1, .max = NN_ANIM_MAX_FRAMES, .metavar = "N", .help = "frames of the animation's loop (48)"},
        {.name = "delay", .type = OPT_SIZE, .dest = &o->delay, .min = NN_ANIM_MIN_DELAY_CS, .max = NN_ANIM_MAX_DELAY_CS, .metavar = "CS", .help = "time each frame is shown, in hundredths of a second (4)"},
        {.name = "radius", .type = OPT_FLOAT, .dest = &o->cfg.radius, .min = 0, .max = 1e6, .metavar = "R", .help = "radius of z's circle in the animation (0.2)"},
        {.name = "threads", .short_name = 't', .type = OPT_SIZE, .dest = &o->cfg.threads, .min = 0, .max = 256, .metavar = "N", .help = "threads, 0 = every core (0); the bytes are the same for any number"},
    };
    cli_command cmd = {.name = "paint", .usage = "nnart paint --render FILE | --animate FILE [options]",
                       .summary = "Paint with a random network (a CPPN): every pixel's x, y, "
                                  "r = sqrt(x^2 + y^2) and a latent vector z go through random "
                                  "dense layers to a colour; --animate moves z around a loop.",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts};
    int st = cli_parse_or_exit(&cmd, argc, argv);
    return st >= 0 ? st : check_options(&cmd, o);
}

/* Renders the animation's frames and writes them to --animate. */
static int animate(const paint_options *o, nn_painter *p)
{
    nn_image *frames = calloc(o->frames, sizeof *frames);
    unsigned *delays = nni_alloc(o->frames, sizeof *delays);
    nn_error err;
    int rc = frames && delays ? NN_OK
                              : nn_fail(&err, NN_ERR_NOMEM, "out of memory for %zu frames",
                                        o->frames);
    for (size_t t = 0; rc == NN_OK && t < o->frames; t++) {
        delays[t] = (unsigned)o->delay;
        rc = nn_painter_render(p, &frames[t], o->width, o->height, t, o->frames, &err);
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    nn_anim_format fmt = NN_ANIM_GIF;
    nn_anim_format_from_path(o->animate, &fmt); /* checked with the options */
    if (rc == NN_OK)
        rc = nn_anim_encode(frames, delays, o->frames, fmt, &buf, &len, &err);
    for (size_t t = 0; frames && t < o->frames; t++)
        nn_image_free(&frames[t]);
    free(frames);
    free(delays);
    if (rc) {
        cli_error("%s: %s", o->animate, err.msg);
        return cli_status(rc);
    }
    char done[CLI_PATH_MAX + 80];
    snprintf(done, sizeof done, "wrote %s (%zu frames of %zu x %zu pixels)", o->animate,
             o->frames, o->width, o->height);
    int st = cli_output_write(cli_output_find(o->animate), buf, len, done);
    free(buf);
    return st;
}

/* The picture and the animation asked for. */
static int paint(const paint_options *o)
{
    nn_painter *p;
    nn_error err;
    int rc = nn_painter_create(&p, &o->cfg, &err);
    if (rc) {
        cli_error("paint: %s", err.msg);
        return cli_status(rc);
    }
    int st = EXIT_OK;
    if (o->render.path) {
        nn_image img;
        rc = nn_painter_render(p, &img, o->width, o->height, 0, 1, &err);
        if (rc) {
            cli_error("%s: %s", o->render.path, err.msg);
            st = cli_status(rc);
        } else {
            st = cli_save_render(&o->render, &img, 0);
        }
    }
    if (st == EXIT_OK && o->animate)
        st = animate(o, p);
    nn_painter_free(p);
    return st;
}

int cmd_paint(int argc, char **argv)
{
    paint_options o;
    int st = parse_options(argc, argv, &o);
    return st >= 0 ? st : paint(&o);
}
