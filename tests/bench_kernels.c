/* bench_kernels.c - GFLOP/s of each kernel variant on the layer shapes that
 * nnart trains: one line per variant, product and shape.
 *
 *   bench_kernels [SECONDS]           every variant this CPU runs (0.2 s each)
 *   bench_kernels --active [SECONDS]  only the variant nnart uses
 *   bench_kernels --variant           the variant nnart uses and those supported
 *   bench_kernels --blas [SECONDS]    the active variant beside OpenBLAS's sgemm
 *                                     on the same products, both on one thread
 *
 * --blas loads libopenblas at run time (nnart itself never links it) and
 * holds it to one thread.  OpenBLAS 0.3.21 does not recognise every current
 * CPU and then falls back to old SSE3 kernels, so its kernels are forced to
 * those of the widest vectors this CPU has (OPENBLAS_CORETYPE SkylakeX for
 * AVX-512, Haswell for AVX2) unless OPENBLAS_CORETYPE is already set; the
 * header line says which it used. */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
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
                K->backward_weights(dw, s.in, b, y, s.out, x, s.in, s.B, s.in, s.out, 1);
            else
                K->backward_input(dx, y, w, s.B, s.in, s.out);
        }
        calls += 10;
        t = now() - t0;
    } while (t < secs);
    free(x), free(w), free(b), free(y), free(dw), free(dx);
    return 2.0 * (double)s.B * (double)s.in * (double)s.out * (double)calls / t * 1e-9;
}

/* cblas_sgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc):
 * C = alpha op(A) op(B) + beta C, row-major is order 101, NoTrans 111, Trans 112. */
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *,
                         int, float, float *, int);
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

/* OpenBLAS's sgemm on product p of shape s, as measure() times nnart's:
 * forward Y = X W^T, weights dW = dY^T X, input dX = dY W (W is out x in). */
static double measure_blas(sgemm_fn gemm, int p, shape s, double secs)
{
    float *x = buf(s.B * s.in), *w = buf(s.out * s.in), *y = buf(s.B * s.out);
    float *dw = buf(s.out * s.in), *dx = buf(s.B * s.in);
    int B = (int)s.B, in = (int)s.in, out = (int)s.out;
    size_t calls = 0;
    double t0 = now(), t;
    do {
        for (int r = 0; r < 10; r++) {
            if (p == 0)
                gemm(ROW_MAJOR, NO_TRANS, TRANS, B, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
            else if (p == 1)
                gemm(ROW_MAJOR, TRANS, NO_TRANS, out, in, B, 1.0f, y, out, x, in, 0.0f, dw, in);
            else
                gemm(ROW_MAJOR, NO_TRANS, NO_TRANS, B, in, out, 1.0f, y, out, w, in, 0.0f, dx, in);
        }
        calls += 10;
        t = now() - t0;
    } while (t < secs);
    free(x), free(w), free(y), free(dw), free(dx);
    return 2.0 * (double)s.B * (double)s.in * (double)s.out * (double)calls / t * 1e-9;
}

/* Loads OpenBLAS held to one thread with its kernels chosen as described at
 * the top; NULL (and a line saying why) if it is not installed. */
static sgemm_fn load_openblas(const char **coretype)
{
    *coretype = getenv("OPENBLAS_CORETYPE");
    if (!*coretype) {
        *coretype = "Haswell";
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f"))
            *coretype = "SkylakeX";
        else if (!__builtin_cpu_supports("avx2"))
            *coretype = "Prescott";
#endif
        setenv("OPENBLAS_CORETYPE", *coretype, 1);
    }
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    const char *names[] = {"libopenblas.so.0", "libopenblasp.so.0", "libopenblas.so"};
    void *lib = NULL;
    for (size_t i = 0; i < 3 && !lib; i++)
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        printf("OpenBLAS: not installed (libopenblas.so.0 not found); comparison skipped\n");
        return NULL;
    }
    /* ISO C has no cast from dlsym's object pointer to a function pointer;
     * POSIX guarantees the representations agree, so copy the bytes. */
    void (*set_threads)(int) = NULL;
    sgemm_fn gemm = NULL;
    void *sym = dlsym(lib, "openblas_set_num_threads");
    if (sym) {
        memcpy(&set_threads, &sym, sizeof sym);
        set_threads(1);
    }
    if ((sym = dlsym(lib, "cblas_sgemm")))
        memcpy(&gemm, &sym, sizeof sym);
    if (!gemm)
        printf("OpenBLAS: no cblas_sgemm in the library; comparison skipped\n");
    return gemm;
}

/* The default net's chunks, the wide net's batches, and a layer of 1024 by
 * 1024 (rows 4 KiB apart, the stride that packing strips is for). */
static const shape SHAPES[] = {{32, 784, 10},    {32, 10, 10},     {128, 784, 256},
                               {128, 256, 128},  {128, 128, 10},   {128, 1024, 1024}};
static const char *PRODUCTS[] = {"forward", "weights", "input"};
#define N_SHAPES (sizeof SHAPES / sizeof *SHAPES)

/* The active variant and OpenBLAS on every product and shape, side by side. */
static int compare_blas(double secs)
{
    const char *coretype;
    sgemm_fn gemm = load_openblas(&coretype);
    if (!gemm)
        return 0;
    const nni_kernel_table *K = nni_kernels_active();
    printf("OpenBLAS sgemm, 1 thread, OPENBLAS_CORETYPE=%s, against nnart's %s kernels:\n",
           coretype, K->name);
    printf("%-8s %16s %8s %9s %6s\n", "product", "B x in x out", "nnart", "OpenBLAS", "ratio");
    for (size_t t = 0; t < N_SHAPES; t++)
        for (int p = 0; p < 3; p++) {
            char sh[48];
            snprintf(sh, sizeof sh, "%zux%zux%zu", SHAPES[t].B, SHAPES[t].in, SHAPES[t].out);
            double ours = measure(K, p, SHAPES[t], secs), blas = measure_blas(gemm, p, SHAPES[t], secs);
            printf("%-8s %16s %8.1f %9.1f %5.2fx\n", PRODUCTS[p], sh, ours, blas, ours / blas);
        }
    return 0;
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
    if (argc > 1 && strcmp(argv[1], "--blas") == 0)
        return compare_blas(argc > 2 ? atof(argv[2]) : 0.2);
    if (active)
        argc--, argv++;
    double secs = argc > 1 ? atof(argv[1]) : 0.2;
    printf("%-8s %-8s %16s %8s\n", "variant", "product", "B x in x out", "GFLOP/s");
    for (size_t k = 0; k < 3; k++) {
        if (!v[k] || (active && v[k] != nni_kernels_active()))
            continue;
        for (size_t t = 0; t < N_SHAPES; t++)
            for (int p = 0; p < 3; p++) {
                char sh[48];
                snprintf(sh, sizeof sh, "%zux%zux%zu", SHAPES[t].B, SHAPES[t].in, SHAPES[t].out);
                printf("%-8s %-8s %16s %8.1f\n", v[k]->name, PRODUCTS[p], sh,
                       measure(v[k], p, SHAPES[t], secs));
            }
    }
    return 0;
}
