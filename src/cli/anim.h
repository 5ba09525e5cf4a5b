/* anim.h - the animations commands write (--animate FILE): frames collected
 * during the work, each an ordinary picture with a caption above it, encoded
 * at the end as a GIF or an APNG (nn_anim.h) into an output of the run. */
#ifndef NNART_CLI_ANIM_H
#define NNART_CLI_ANIM_H

#include <stddef.h>

#include "nn_anim.h"
#include "nn_image.h"

/* The frames of one animation so far. */
typedef struct cli_anim {
    const char *path;  /* --animate FILE, NULL if not given */
    nn_image *frames;  /* owned, n of them */
    unsigned *delays;  /* owned, centiseconds per frame */
    size_t n, cap;
} cli_anim;

/* How long the frames of an animation are shown, centiseconds: the last is
 * held so that the end can be seen before the loop starts again. */
#define CLI_ANIM_HOLD_CS 300u

/* Checks path's extension (.gif, or .png / .apng for APNG; "-" is APNG on
 * standard output) and opens it as an output of the run (cli_output_open),
 * before the work.  cmd names the command in the errors.  Returns 0 or an
 * exit status after the error. */
int cli_anim_open(const char *cmd, const char *path);

/* Adds img as the next frame (the animation takes it: img is emptied),
 * shown for delay_cs, with caption written in a band above it (none if
 * caption is NULL).  A frame whose pixels are all grey is kept as a grey
 * image.  Returns 0 or an exit status after the error. */
int cli_anim_add(cli_anim *a, nn_image *img, const char *caption, unsigned delay_cs);

/* Sets the delay of the last frame added (to hold it, say). */
void cli_anim_hold_last(cli_anim *a, unsigned delay_cs);

/* Encodes the frames (any smaller than the largest are padded, right and
 * below, with their top-left pixel's colour, so that all have one size) into
 * the output opened for a->path, landing with the run's other outputs and
 * followed by "wrote PATH (N frames, W x H pixels)" unless quiet; frees the
 * frames.  Returns 0 or an exit status after the error. */
int cli_anim_save(cli_anim *a, int quiet);

void cli_anim_free(cli_anim *a);

#endif
