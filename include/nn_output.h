/* nn_output.h - the files one run writes: each prepared before the work
 * starts, all landing together at the end, or none.
 *
 * The rule for every output:
 *   - a path that does not exist yet, or a regular file, is replaced
 *     atomically: the bytes go to a temporary file in the same folder (a short
 *     name, ".nnart.tmp-XXXXXX", so any name the file system takes can be
 *     written), which is renamed over the path at the end; a replaced file
 *     keeps its permission bits and, where the process may set them, its owner
 *     and group;
 *   - a symbolic link is followed (through every link of a chain) and its
 *     target replaced the same way, in the target's own folder: the link stays
 *     a link, and a dangling link creates its target;
 *   - a FIFO, a character device, or "-" (standard output) cannot be replaced:
 *     the bytes are written straight through when the set lands ("-" to the
 *     standard output the process had when it was opened, so the caller may
 *     point file descriptor 1 elsewhere meanwhile);
 *   - a directory, any other kind of file, or a path whose folder is missing
 *     or not writable is an error when the output is opened.
 * Two outputs of one set that name the same file (after following links) are
 * an error.
 *
 * Use:  nn_outputs set = {0};
 *       nn_outputs_open(&set, "m.nnm", &a, err);  nn_outputs_open(&set, "h.csv", &b, err);
 *       ... the work ...
 *       nn_output_write(a, bytes, len, err);  nn_output_write(b, ...);
 *       nn_outputs_commit(&set, err);   or, on any failure, nn_outputs_discard(&set);
 * Every function names the output in its messages by the path as given
 * ("standard output" for "-").
 */
#ifndef NN_OUTPUT_H
#define NN_OUTPUT_H

#include <stddef.h>

#include "nn_error.h"
#include "nn_io.h"

#define NN_OUTPUTS_MAX 8

typedef struct nn_output {
    const char *path; /* as given: the caller's string, which must outlive the set */
    char *target;     /* owned: the file replaced (path, or where its links end); NULL for "-" */
    char *tmp;        /* owned: the temporary beside target; NULL for a stream */
    int fd;           /* open on tmp, or a copy of standard output for "-"; -1 otherwise */
    int stream;       /* written straight through when the set lands */
    int written;      /* nn_output_write was called */
    nn_buf held;      /* a stream's bytes until then */
    unsigned long long dev, ino; /* the file, or (for a new file) its folder */
    char *leaf;       /* owned: a new file's name in that folder; NULL if the file exists */
} nn_output;

/* A zeroed nn_outputs is an empty set. */
typedef struct nn_outputs {
    nn_output out[NN_OUTPUTS_MAX];
    size_t n;
    int stdout_errno; /* set by nn_outputs_commit: errno of a failed write of "-", else 0 */
} nn_outputs;

/* Adds path to the set and prepares it by the rule above: for a file to
 * replace, creates its temporary now, so that a bad path fails before the
 * work.  *out points into the set.  Fails with NN_ERR_IO for a path that
 * cannot be written, NN_ERR_ARG for a file the set already holds (or a full
 * set); the set is unchanged then. */
int nn_outputs_open(nn_outputs *set, const char *path, nn_output **out, nn_error *err);

/* Appends len bytes to the output: to its temporary now, or, for a stream,
 * to a copy kept until the set lands.  buf stays the caller's. */
int nn_output_write(nn_output *o, const void *buf, size_t len, nn_error *err);

/* Lands the set and empties it: syncs and closes every temporary, then
 * renames each over its target, then writes the streams.  An output never
 * written is left as it was.  A failure before the first rename changes no
 * file; every temporary is removed whatever happens. */
int nn_outputs_commit(nn_outputs *set, nn_error *err);

/* Removes every temporary and empties the set; the targets are untouched. */
void nn_outputs_discard(nn_outputs *set);

/* Calls fn(path) for each temporary the set holds now: for a signal handler
 * that removes them (with fn = a wrapper of unlink) before the process ends.
 * Safe in a handler that interrupts nn_output_write, nn_outputs_commit or
 * nn_outputs_discard; block the signal around nn_outputs_open, whose new
 * temporary is listed only once it returns. */
void nn_outputs_each_temporary(const nn_outputs *set, void (*fn)(const char *path));

#endif
