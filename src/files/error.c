/* error.c - recording failures for the caller (see nn_error.h). */
#include <stdarg.h>
#include <stdio.h>

#include "nn_error.h"

int nn_fail(nn_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

const char *nn_strerror(int code)
{
    switch (code) {
    case NN_OK: return "success";
    case NN_ERR_ARG: return "invalid argument";
    case NN_ERR_IO: return "input/output error";
    case NN_ERR_FORMAT: return "format error";
    case NN_ERR_NOMEM: return "out of memory";
    case NN_ERR_INTERRUPTED: return "interrupted";
    case NN_ERR_DIVERGED: return "training diverged";
    default: return "unknown error";
    }
}
