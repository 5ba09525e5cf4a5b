/* nn_error.h - how the nnart library reports failure.
 *
 * Every fallible library function returns an int: NN_OK (0) on success, or one
 * of the NN_ERR_* codes below.  When it fails and the caller passed a non-NULL
 * nn_error, the message says what went wrong in one line, starting with the file
 * or object concerned ("data/x.idx: truncated: ...").  The library never prints
 * and never exits; the caller decides what to do with the message.
 */
#ifndef NN_ERROR_H
#define NN_ERROR_H

enum {
    NN_OK = 0,
    NN_ERR_ARG,         /* an argument is out of range or inconsistent */
    NN_ERR_IO,          /* the operating system refused a read or write */
    NN_ERR_FORMAT,      /* a file's contents are malformed */
    NN_ERR_NOMEM,       /* an allocation failed */
    NN_ERR_INTERRUPTED, /* the caller asked to stop (progress callback) */
    NN_ERR_DIVERGED     /* training produced a NaN or infinite loss */
};

typedef struct nn_error {
    int code;       /* one of the NN_ERR_* codes, NN_OK if none */
    char msg[512];  /* one line, no trailing newline */
} nn_error;

/* Records a failure in err (which may be NULL) with a printf-style message and
 * returns code, so that a function can end with `return nn_fail(err, ...)`. */
int nn_fail(nn_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A short name for an error code ("format error", ...). */
const char *nn_strerror(int code);

#endif
