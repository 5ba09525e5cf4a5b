/* picture.c - the picture a command is given: a file in any format the
 * library reads, or standard input for "-". */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define STDIN_NAME "standard input"

/* Reads standard input to its end into a new buffer (*out, *len), at most
 * max bytes.  Returns 0 or an exit status after the error. */
static int read_stdin(uint8_t **out, size_t *len, size_t max)
{
    *out = NULL;
    *len = 0;
    if (isatty(STDIN_FILENO)) {
        cli_error(STDIN_NAME " is a terminal: pipe a picture in (--image - < drawing.png)");
        return EXIT_USAGE;
    }
    size_t cap = (size_t)1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            size_t grown = cap > max / 2 ? max + 1 : 2 * cap; /* one byte past max tells */
            uint8_t *p = realloc(buf, grown);
            if (!p)
                break;
            buf = p;
            cap = grown;
        }
        ssize_t got = read(STDIN_FILENO, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            cli_error(STDIN_NAME ": %s", strerror(errno));
            free(buf);
            return EXIT_RUNTIME;
        }
        if (got == 0) {
            *out = buf;
            *len = n;
            return EXIT_OK;
        }
        n += (size_t)got;
        if (n > max) {
            cli_error(STDIN_NAME ": more than %zu MiB, the most read for a picture", max >> 20);
            free(buf);
            return EXIT_RUNTIME;
        }
    }
    free(buf);
    cli_error(STDIN_NAME ": out of memory after %zu bytes", n);
    return EXIT_RUNTIME;
}

const char *cli_picture_name(const char *path)
{
    return strcmp(path, "-") == 0 ? STDIN_NAME : path;
}

int cli_load_picture(const char *option, const char *path, nn_greymap *g)
{
    nn_error err;
    int rc;
    if (strcmp(path, "-") == 0) {
        uint8_t *buf;
        size_t len;
        int st = read_stdin(&buf, &len, NN_PICTURE_MAX_FILE);
        if (st)
            return st;
        rc = nn_picture_parse(buf, len, STDIN_NAME, g, &err);
        free(buf);
    } else {
        rc = nn_picture_load(path, g, &err);
    }
    if (rc) {
        cli_error("%s%s%s", option ? option : "", option ? ": " : "", err.msg);
        return cli_status(rc);
    }
    return EXIT_OK;
}
