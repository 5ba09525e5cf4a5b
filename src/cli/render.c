/* render.c - the picture options every command with --render shares, and the
 * saving of the picture. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The format called name ("png", "ppm" or "pgm", any case): 0, or -1 for
 * another name. */
static int format_from_name(const char *name, nn_image_format *fmt)
{
    char path[16];
    if (strlen(name) > 8 || strchr(name, '.'))
        return -1;
    snprintf(path, sizeof path, "x.%s", name);
    return nn_image_format_from_path(path, fmt);
}

/* The format of a --render path: by its extension, or for "-" (standard
 * output) the --render-format name (PNG if NULL).  0, or -1 for a name with
 * no picture extension. */
static int render_format(const char *path, const char *format, nn_image_format *fmt)
{
    if (strcmp(path, "-") == 0) {
        *fmt = NN_IMAGE_PNG;
        return format ? format_from_name(format, fmt) : 0;
    }
    return nn_image_format_from_path(path, fmt);
}

/* Checks --render and --render-format: 0 or EXIT_USAGE after the error. */
static int check_target(const cli_command *cmd, const cli_render *r)
{
    nn_image_format fmt;
    if (r->format && format_from_name(r->format, &fmt) != 0) {
        cli_print_error("nnart %s: --render-format: unknown format '%s' (png, ppm, pgm)",
                        cmd->name, r->format);
        return EXIT_USAGE;
    }
    if (r->format && (!r->path || strcmp(r->path, "-") != 0)) {
        cli_print_error("nnart %s: --render-format applies to --render - only (a file's "
                        "format is its extension)", cmd->name);
        return EXIT_USAGE;
    }
    if (r->path && render_format(r->path, NULL, &fmt) != 0) {
        cli_print_error("nnart %s: --render: '%s' has no picture extension (.ppm, .pgm or .png)",
                        cmd->name, r->path);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cli_render_style(const cli_command *cmd, const cli_render *r, nn_render_style *style)
{
    nn_render_style_default(style, r->scale);
    int st = check_target(cmd, r);
    if (st)
        return st;
    if (r->cmap && nn_colormap_from_name(r->cmap, &style->cmap) != 0) {
        cli_print_error("nnart %s: --cmap: unknown colormap '%s' (hot, bwr, gray)", cmd->name,
                        r->cmap);
        return EXIT_USAGE;
    }
    style->set_vmin = cli_given(cmd, "vmin");
    style->set_vmax = cli_given(cmd, "vmax");
    if (style->set_vmin)
        style->vmin = r->vmin;
    if (style->set_vmax)
        style->vmax = r->vmax;
    if (style->set_vmin && style->set_vmax && r->vmin > r->vmax) {
        cli_print_error("nnart %s: --vmin %g is above --vmax %g", cmd->name, (double)r->vmin,
                        (double)r->vmax);
        return EXIT_USAGE;
    }
    nn_output *out;
    return r->path ? cli_output_open(cmd->name, "--render", r->path, &out) : EXIT_OK;
}

/* The --range names and the ranges they stand for. */
static const struct {
    const char *name;
    nn_range range;
} RANGES[] = {
    {"probability", NN_RANGE_PROBABILITY}, {"data", NN_RANGE_DATA},
    {"global", NN_RANGE_DATA},             {"row", NN_RANGE_TILE},
    {"errors", NN_RANGE_OFF_DIAGONAL},     {"log", NN_RANGE_LOG},
};

int cli_render_range(const cli_command *cmd, const char *name, const char *const *allowed,
                     size_t n_allowed, nn_render_style *style)
{
    for (size_t i = 0; i < n_allowed; i++) {
        if (strcmp(name, allowed[i]) != 0)
            continue;
        for (size_t k = 0; k < sizeof RANGES / sizeof *RANGES; k++)
            if (strcmp(name, RANGES[k].name) == 0) {
                style->range = RANGES[k].range;
                return EXIT_OK;
            }
    }
    char list[128] = "";
    for (size_t i = 0; i < n_allowed; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 allowed[i]);
    cli_print_error("nnart %s: --range: unknown range '%s' (%s)", cmd->name, name, list);
    return EXIT_USAGE;
}

int cli_save_render(const cli_render *r, nn_image *img, int quiet)
{
    const char *path = r->path, *format = r->format;
    nn_error err;
    nn_image_format fmt;
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = render_format(path, format, &fmt) != 0
                 ? nn_fail(&err, NN_ERR_ARG, "unknown image type; the name must end in .png, "
                                             ".ppm or .pgm")
                 : nn_image_encode(img, fmt, &buf, &len, &err);
    char done[CLI_PATH_MAX + 64];
    snprintf(done, sizeof done, "wrote %s (%zu x %zu pixels)",
             strcmp(path, "-") == 0 ? "standard output" : path, img->width, img->height);
    nn_image_free(img);
    if (rc) {
        cli_error("%s: %s", path, err.msg);
        return cli_status(rc);
    }
    nn_output *out = cli_output_find(path);
    int st = out ? EXIT_OK : cli_output_open(NULL, "--render", path, &out);
    if (!st)
        st = cli_output_write(out, buf, len, quiet ? NULL : done);
    free(buf);
    return st;
}

