/* fuzz.h - what every libFuzzer target checks besides "no crash": a failure
 * comes with a one-line message that starts with the name of the input. */
#ifndef NNART_FUZZ_H
#define NNART_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn_error.h"

/* Aborts (a finding for libFuzzer) unless err holds a non-empty, one-line
 * message beginning with "name: ". */
static inline void fuzz_check_message(const nn_error *err, const char *name)
{
    size_t n = strlen(name);
    if (err->msg[0] == '\0' || strchr(err->msg, '\n') || strncmp(err->msg, name, n) != 0 ||
        err->msg[n] != ':') {
        fprintf(stderr, "bad error message for %s: \"%s\"\n", name, err->msg);
        abort();
    }
}

/* Aborts with a message when cond is false. */
#define FUZZ_ASSERT(cond)                                                                 \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond);  \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

#endif
