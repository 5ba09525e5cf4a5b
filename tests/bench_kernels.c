/* bench_kernels.c - GFLOP/s of each kernel variant on the layer shapes that
 * nnart trains: one line per variant, product and shape.
 *
 *   bench_kernels [SECONDS]           every variant this CPU runs (0.2 s each)
 *   bench_kernels --active [SECONDS]  only the variant nnart uses
 *   bench_kernels --variant           the variant nnart uses and those supported */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn/kernels.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *buf(size_t n)
{
    float *p = malloc(n * sizeof *p);
    if (!p) {
        fprintf(stderr, "bench_kernels: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
    return p;
}

typedef struct shape {
    size_t B, in, out;
} shape;

/* Runs product p (0 forward, 1 weights, 2 input) until `secs` have passed;
 * returns GFLOP/s counting 2 B in out per call. */
static double measure(const nni_kernel_table *K, int p, shape s, double secs)
{
    float *x = buf(s.B * s.in), *w = buf(s.out * s.in), *b = buf(s.out);
    float *y = buf(s.B * s.out), *dw = buf(s.out * s.in), *dx = buf(s.B * s.in);
    size_t calls = 0;
    double t0 = now(), t;
    do {
        for (int r = 0; r < 10; r++) {
            if (p == 0)
                K->forward(y, x, w, b, s.B, s.in, s.out);
            else if (p == 1)
                K->backward_weights(dw, s.in, b, y, s.out, x, s.in, s.B, s.in, s.out);
            else
                K->backward_input(dx, y, w, s.B, s.in, s.out);
        }
        calls += 10;
        t = now() - t0;
    } while (t < secs);
    free(x), free(w), free(b), free(y), free(dw), free(dx);
    return 2.0 * (double)s.B * (double)s.in * (double)s.out * (double)calls / t * 1e-9;
}

int main(int argc, char **argv)
{
    const nni_kernel_table *v[3] = {nni_kernels_generic(), nni_kernels_avx2(), nni_kernels_avx512()};
    int active = argc > 1 && strcmp(argv[1], "--active") == 0;
    if (argc > 1 && strcmp(argv[1], "--variant") == 0) {
        printf("%s (supported:", nni_kernels_active()->name);
        for (size_t k = 0; k < 3; k++)
            if (v[k])
                printf(" %s", v[k]->name);
        printf(")\n");
        return 0;
    }
    if (active)
        argc--, argv++;
    double secs = argc > 1 ? atof(argv[1]) : 0.2;
    const shape shapes[] = {{32, 784, 10}, {32, 10, 10}, {128, 784, 256}, {128, 256, 128},
                            {128, 128, 10}};
    const char *names[] = {"forward", "weights", "input"};
    printf("%-8s %-8s %16s %8s\n", "variant", "product", "B x in x out", "GFLOP/s");
    for (size_t k = 0; k < 3; k++) {
        if (!v[k] || (active && v[k] != nni_kernels_active()))
            continue;
        for (size_t t = 0; t < sizeof shapes / sizeof *shapes; t++)
            for (int p = 0; p < 3; p++) {
                char sh[48];
                snprintf(sh, sizeof sh, "%zux%zux%zu", shapes[t].B, shapes[t].in, shapes[t].out);
                printf("%-8s %-8s %16s %8.1f\n", v[k]->name, names[p], sh,
                       measure(v[k], p, shapes[t], secs));
            }
    }
    return 0;
}
