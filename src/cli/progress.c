/* progress.c - the Keras-style progress display and the per-epoch history.
 *
 *   Epoch 1/10
 *   123/469 [=======>......................] - ETA: 1s - loss: 1.2031 - accuracy: 0.6113
 *   469/469 [==============================] - 2s 3ms/step - loss: 0.8211 - accuracy: 0.7462
 *
 * On a terminal the line is redrawn in place (at most every 50 ms); otherwise
 * only the finished line of each epoch is printed. */
#include <string.h>

#include "cli.h"

void cli_progress_bar(char *buf, size_t len, size_t step, size_t steps)
{
    /* Keras: width 30, (30 * step / steps) filled, '>' at the head until done. */
    char bar[31];
    size_t filled = 30 * step / steps;
    for (size_t i = 0; i < 30; i++)
        bar[i] = i + 1 < filled ? '=' : '.';
    if (filled > 0)
        bar[filled - 1] = step < steps ? '>' : '=';
    bar[30] = '\0';
    int digits = snprintf(NULL, 0, "%zu", steps);
    snprintf(buf, len, "%*zu/%zu [%s]", digits, step, steps, bar);
}

/* Keras's ETA: "1:02:03", "2:03" or "45s". */
static void format_eta(char *buf, size_t len, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, (t % 3600) / 60, t % 60);
    else if (t >= 60)
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
    else
        snprintf(buf, len, "%lds", t);
}

/* Keras's time per step: "3ms/step", "466us/step" or "2s/step". */
static void format_per_step(char *buf, size_t len, double s)
{
    if (s >= 1.0)
        snprintf(buf, len, "%.0fs/step", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.0fms/step", s * 1e3);
    else
        snprintf(buf, len, "%.0fus/step", s * 1e6);
}

int cli_progress_report(const nn_progress *p, void *ctx)
{
    cli_progress *c = ctx;
    int stop = c->stop && *c->stop;
    if (p->epoch_done && c->history) {
        char row[256];
        int n = snprintf(row, sizeof row, "%zu,%.6f,%.6f", p->epoch, p->loss, p->accuracy);
        if (p->has_val)
            n += snprintf(row + n, sizeof row - (size_t)n, ",%.6f,%.6f", p->val_loss,
                          p->val_accuracy);
        else
            n += snprintf(row + n, sizeof row - (size_t)n, ",,");
        n += snprintf(row + n, sizeof row - (size_t)n, ",%.4f\n", p->seconds);
        nn_buf_put(c->history, row, (size_t)n);
    }
    if (c->quiet || ferror(c->out)) /* a reader that stopped, a full disk: train on quietly */
        return stop;
    if (!p->epoch_done && (!c->tty || (p->step > 1 && p->seconds - c->last_draw < 0.05)))
        return stop;
    c->last_draw = p->seconds;
    char bar[128], timing[64], line[512];
    cli_progress_bar(bar, sizeof bar, p->step, p->steps);
    if (p->epoch_done) {
        char per[32];
        format_per_step(per, sizeof per, p->seconds / (double)p->steps);
        snprintf(timing, sizeof timing, "%.0fs %s", p->seconds, per);
    } else {
        char eta[32];
        format_eta(eta, sizeof eta,
                   p->seconds / (double)p->step * (double)(p->steps - p->step));
        snprintf(timing, sizeof timing, "ETA: %s", eta);
    }
    if (c->color && c->tty) {
        /* "[=====>....]": the done part green, the rest dim. */
        char plain[128];
        memcpy(plain, bar, sizeof plain);
        const char *open = strchr(plain, '[');
        if (open) {
            size_t done = strcspn(open + 1, ".]"), rest = strcspn(open + 1 + done, "]");
            snprintf(bar, sizeof bar, "%.*s\033[32m%.*s\033[2m%.*s\033[0m%s",
                     (int)(open + 1 - plain), plain, (int)done, open + 1, (int)rest,
                     open + 1 + done, open + 1 + done + rest);
        }
    }
    int n = snprintf(line, sizeof line, "%s - %s - loss: %.4f - accuracy: %.4f", bar, timing,
                     p->loss, p->accuracy);
    if (p->has_val)
        snprintf(line + n, sizeof line - (size_t)n, " - val_loss: %.4f - val_accuracy: %.4f",
                 p->val_loss, p->val_accuracy);
    if (p->step == 1 || (p->epoch_done && !c->tty))
        fprintf(c->out, "Epoch %zu/%zu\n", p->epoch, p->epochs);
    if (c->tty)
        fprintf(c->out, "\r%s\033[K%s", line, p->epoch_done ? "\n" : "");
    else
        fprintf(c->out, "%s\n", line);
    fflush(c->out);
    return stop;
}
