/* render.c - the picture options every command with --render shares, and the
 * saving of the picture. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The format of a --render path: by its extension, or PNG for "-" (standard
 * output).  0, or -1 for a name with no picture extension. */
static int render_format(const char *path, nn_image_format *fmt)
{
    if (strcmp(path, "-") == 0) {
        *fmt = NN_IMAGE_PNG;
        return 0;
    }
    return nn_image_format_from_path(path, fmt);
}

int cli_render_style(const cli_command *cmd, const cli_render *r, nn_render_style *style)
{
    nn_render_style_default(style, r->scale);
    nn_image_format fmt;
    if (r->path && render_format(r->path, &fmt) != 0) {
        cli_print_error("nnart %s: --render: '%s' has no picture extension (.ppm, .pgm or .png)",
                        cmd->name, r->path);
        return EXIT_USAGE;
    }
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

int cli_save_image(const char *path, nn_image *img, int quiet)
{
    nn_error err;
    nn_image_format fmt;
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = render_format(path, &fmt) != 0
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
