/* cli_common.c - pieces every command uses: signals and data loading. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <string.h>

#include "cli.h"

/* The one piece of process-wide state: set from the signal handler. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    stop_requested = sig;
}

const volatile sig_atomic_t *cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_requested;
}

int cli_load_data(const char *images, const char *labels, size_t limit, nn_dataset *d)
{
    nn_error err;
    int rc = nn_dataset_load(images, labels, d, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    if (limit > 0 && limit < d->n)
        d->n = limit;
    return EXIT_OK;
}

int cli_check_data(const nn_model *m, const nn_dataset *d, const char *images,
                   const char *labels, const char *model)
{
    size_t classes = m->sizes[m->n_layers];
    if (d->dim != m->sizes[0]) {
        cli_error("%s: samples have %zu values but %s takes %zu inputs", images, d->dim, model,
                  m->sizes[0]);
        return EXIT_RUNTIME;
    }
    if (d->labels && d->n_classes > classes) {
        cli_error("%s: label %zu is outside the %zu classes of %s (0-%zu)", labels,
                  d->n_classes - 1, classes, model, classes - 1);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}
