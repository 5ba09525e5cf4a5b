/* anim.c - animations: the checks and the dispatch to the GIF and APNG
 * encoders (see nn_anim.h). */
#include <stdlib.h>
#include <string.h>

#include "nn_anim.h"
#include "nn_io.h"
#include "pictures/anim.h"
#include "pictures/palette.h"

/* Does s end with ext (".gif", lower case), ignoring ASCII case? */
static int ends_with(const char *s, const char *ext)
{
    size_t n = strlen(s), m = strlen(ext);
    if (n <= m)
        return 0;
    for (size_t i = 0; i < m; i++) {
        int c = (unsigned char)s[n - m + i];
        if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != ext[i])
            return 0;
    }
    return 1;
}

int nn_anim_format_from_path(const char *path, nn_anim_format *fmt)
{
    if (ends_with(path, ".gif"))
        *fmt = NN_ANIM_GIF;
    else if (ends_with(path, ".png") || ends_with(path, ".apng"))
        *fmt = NN_ANIM_APNG;
    else
        return -1;
    return 0;
}

int nni_changed_rect(const nn_image *prev, const nn_image *cur, size_t *x, size_t *y, size_t *w,
                     size_t *h)
{
    size_t x0 = cur->width, x1 = 0, y0 = cur->height, y1 = 0;
    for (size_t r = 0; r < cur->height; r++) {
        for (size_t c = 0, i = r * cur->width; c < cur->width; c++, i++) {
            if (nni_rgb_at(prev, i) == nni_rgb_at(cur, i))
                continue;
            x0 = c < x0 ? c : x0;
            x1 = c + 1 > x1 ? c + 1 : x1;
            y0 = r < y0 ? r : y0;
            y1 = r + 1;
        }
    }
    if (x1 == 0)
        return 0;
    *x = x0;
    *y = y0;
    *w = x1 - x0;
    *h = y1 - y0;
    return 1;
}

/* The checks nn_anim_encode promises, one message per problem. */
static int check_frames(const nn_image *frames, const unsigned *delay_cs, size_t n, nn_error *err)
{
    if (n < 1 || n > NN_ANIM_MAX_FRAMES)
        return nn_fail(err, NN_ERR_ARG, "animation: %zu frames; 1 to %u can be stored", n,
                       NN_ANIM_MAX_FRAMES);
    for (size_t i = 0; i < n; i++) {
        const nn_image *f = &frames[i];
        if (!f->px || f->width < 1 || f->width > NN_IMAGE_MAX_SIDE || f->height < 1 ||
            f->height > NN_IMAGE_MAX_SIDE || (f->channels != 1 && f->channels != 3))
            return nn_fail(err, NN_ERR_ARG, "animation: frame %zu is not a valid image", i + 1);
        if (f->width != frames[0].width || f->height != frames[0].height)
            return nn_fail(err, NN_ERR_ARG,
                           "animation: frame %zu is %zu x %zu, frame 1 is %zu x %zu", i + 1,
                           f->width, f->height, frames[0].width, frames[0].height);
        if (delay_cs[i] < NN_ANIM_MIN_DELAY_CS || delay_cs[i] > NN_ANIM_MAX_DELAY_CS)
            return nn_fail(err, NN_ERR_ARG,
                           "animation: frame %zu: delay %u cs is out of range (%u-%u)", i + 1,
                           delay_cs[i], NN_ANIM_MIN_DELAY_CS, NN_ANIM_MAX_DELAY_CS);
    }
    return NN_OK;
}

int nn_anim_encode(const nn_image *frames, const unsigned *delay_cs, size_t n, nn_anim_format fmt,
                   uint8_t **out, size_t *len, nn_error *err)
{
    *out = NULL;
    *len = 0;
    int rc = check_frames(frames, delay_cs, n, err);
    if (rc != NN_OK)
        return rc;
    nn_buf b = {0};
    if (fmt == NN_ANIM_GIF)
        rc = nni_gif_encode(frames, delay_cs, n, &b, err);
    else if (fmt == NN_ANIM_APNG)
        rc = nni_apng_encode(frames, delay_cs, n, &b, err);
    else
        rc = nn_fail(err, NN_ERR_ARG, "animation: unknown format %d", (int)fmt);
    if (rc == NN_OK && b.failed)
        rc = nn_fail(err, NN_ERR_NOMEM, "animation: out of memory encoding %zu frames", n);
    if (rc != NN_OK) {
        nn_buf_free(&b);
        return rc;
    }
    *out = b.data;
    *len = b.len;
    return NN_OK;
}

int nn_anim_save(const char *path, const nn_image *frames, const unsigned *delay_cs, size_t n,
                 nn_error *err)
{
    nn_anim_format fmt;
    if (nn_anim_format_from_path(path, &fmt) != 0)
        return nn_fail(err, NN_ERR_ARG,
                       "%s: unknown animation type; the name must end in .gif, .png or .apng",
                       path);
    uint8_t *buf;
    size_t len;
    nn_error e = {0};
    int rc = nn_anim_encode(frames, delay_cs, n, fmt, &buf, &len, &e);
    if (rc != NN_OK)
        return nn_fail(err, rc, "%s: %s", path, e.msg);
    rc = nn_write_file_atomic(path, buf, len, err);
    free(buf);
    return rc;
}
