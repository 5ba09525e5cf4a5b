/* bench_peak.c - the machine's peak float32 multiply-add rate, measured: a
 * tight loop of independent fused multiply-adds (12 accumulators, enough to
 * cover the FMA latency on current x86 cores) at the widest vector width the
 * CPU supports, run on 1 thread and then on every online core at once, and
 * the rate at which one core reads memory (for the benchmark's floor).
 *
 * Prints:  peak <variant> <GFLOP/s on one core> <GFLOP/s on N cores> <N> <GB/s read>
 * Each FMA counts as 2 FLOPs per lane.  Usage: bench_peak [seconds, 0.3] */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define ITERS 1000000L /* per timed block; 12 FMAs each */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* Twelve independent chains of fused multiply-adds, a_k <- a_k * m + c.  The
 * chains start from different values read through a volatile, so the compiler
 * cannot prove two of them equal and merge them into one chain (which it does
 * when they all start at 1.0), and an empty asm statement after each block
 * keeps every accumulator in a register of its own.  The object must hold
 * twelve FMA instructions in the loop: `make bench` counts them
 * (tests/bench.sh) and refuses a peak measured by fewer.  Returns FLOPs done. */
#define FMA_LOOP(T, VEC, SET1, FMA, LANES, STORE)                                          \
    __attribute__((target(T))) static double loop_##LANES(double secs, float *sink)         \
    {                                                                                      \
        volatile float start = 1.0f;                                                       \
        float s0 = start;                                                                  \
        VEC a0 = SET1(s0), a1 = SET1(s0 + 1e-3f), a2 = SET1(s0 + 2e-3f);                   \
        VEC a3 = SET1(s0 + 3e-3f), a4 = SET1(s0 + 4e-3f), a5 = SET1(s0 + 5e-3f);           \
        VEC a6 = SET1(s0 + 6e-3f), a7 = SET1(s0 + 7e-3f), a8 = SET1(s0 + 8e-3f);           \
        VEC a9 = SET1(s0 + 9e-3f), a10 = SET1(s0 + 10e-3f), a11 = SET1(s0 + 11e-3f);       \
        const VEC m = SET1(0.999999f), c = SET1(1e-7f);                                    \
        double t0 = now(), flops = 0.0;                                                    \
        do {                                                                               \
            for (long i = 0; i < ITERS; i++) {                                             \
                a0 = FMA(a0, m, c), a1 = FMA(a1, m, c), a2 = FMA(a2, m, c);                \
                a3 = FMA(a3, m, c), a4 = FMA(a4, m, c), a5 = FMA(a5, m, c);                \
                a6 = FMA(a6, m, c), a7 = FMA(a7, m, c), a8 = FMA(a8, m, c);                \
                a9 = FMA(a9, m, c), a10 = FMA(a10, m, c), a11 = FMA(a11, m, c);            \
            }                                                                              \
            __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4),        \
                             "+x"(a5), "+x"(a6), "+x"(a7), "+x"(a8), "+x"(a9), "+x"(a10),  \
                             "+x"(a11));                                                   \
            flops += 2.0 * LANES * 12.0 * (double)ITERS;                                   \
        } while (now() - t0 < secs);                                                       \
        float out[LANES];                                                                  \
        STORE(out, a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);          \
        *sink = out[0];                                                                    \
        return flops;                                                                      \
    }

FMA_LOOP("avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, 16, _mm512_storeu_ps)
FMA_LOOP("avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, 8, _mm256_storeu_ps)
#endif

/* Scalar multiply-adds (what a plain C build gets without vectors): twelve
 * chains from different starting values, like the vector loops. */
static double loop_1(double secs, float *sink)
{
    volatile float seed = 1.0f;
    float a[12];
    for (int j = 0; j < 12; j++)
        a[j] = seed + 1e-3f * (float)j;
    double t0 = now(), flops = 0.0;
    do {
        for (long i = 0; i < ITERS; i++)
            for (int j = 0; j < 12; j++)
                a[j] = a[j] * 0.999999f + 1e-7f;
        flops += 2.0 * 12.0 * (double)ITERS;
    } while (now() - t0 < secs);
    float s = 0.0f;
    for (int j = 0; j < 12; j++)
        s += a[j];
    *sink = s;
    return flops;
}

#define READ_BYTES ((size_t)256 << 20) /* far larger than any cache */

/* GB/s at which one core streams through memory it has written before: the
 * best of five passes summing a 256 MB buffer with four independent chains. */
static double read_rate(void)
{
    size_t n = READ_BYTES / sizeof(unsigned long long);
    unsigned long long *buf = malloc(READ_BYTES);
    if (!buf)
        return 0.0;
    for (size_t i = 0; i < n; i++)
        buf[i] = i;
    double best = 0.0;
    volatile unsigned long long sink = 0;
    for (int pass = 0; pass < 5; pass++) {
        unsigned long long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        double t0 = now();
        for (size_t i = 0; i + 4 <= n; i += 4)
            s0 += buf[i], s1 += buf[i + 1], s2 += buf[i + 2], s3 += buf[i + 3];
        double rate = (double)READ_BYTES / (now() - t0) * 1e-9;
        sink = s0 + s1 + s2 + s3;
        if (rate > best)
            best = rate;
    }
    (void)sink;
    free(buf);
    return best;
}

typedef struct job {
    double (*fn)(double, float *);
    double secs, gflops;
    float sink;
} job;

static void *run(void *arg)
{
    job *j = arg;
    double t0 = now();
    double flops = j->fn(j->secs, &j->sink);
    j->gflops = flops / (now() - t0) * 1e-9;
    return NULL;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 0.3;
    double (*fn)(double, float *) = loop_1;
    const char *name = "scalar";
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        fn = loop_16, name = "avx512";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        fn = loop_8, name = "avx2";
#endif
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    job one = {fn, secs, 0.0, 0.0f};
    run(&one);
    job *jobs = calloc((size_t)cores, sizeof *jobs);
    pthread_t *th = calloc((size_t)cores, sizeof *th);
    if (!jobs || !th) {
        fprintf(stderr, "bench_peak: out of memory\n");
        return 1;
    }
    double all = 0.0;
    for (long c = 0; c < cores; c++) {
        jobs[c] = one;
        if (pthread_create(&th[c], NULL, run, &jobs[c]) != 0) {
            fprintf(stderr, "bench_peak: cannot start a thread\n");
            return 1;
        }
    }
    for (long c = 0; c < cores; c++) {
        pthread_join(th[c], NULL);
        all += jobs[c].gflops;
    }
    printf("peak %s %.1f %.1f %ld %.1f\n", name, one.gflops, all, cores, read_rate());
    free(jobs);
    free(th);
    return 0;
}
