/* bench_gzip.c - the speed of nnart's gzip decoder against the system's gzip.
 *
 *   bench_gzip FILE.gz [RUNS]
 *
 * Decompresses FILE.gz RUNS times (5) in memory with nn_gunzip, and as many
 * times with `gzip -dc FILE.gz > /dev/null`, and prints the best and median
 * CPU times (user + system seconds, which other processes on the machine do
 * not inflate as they do wall times) of each, the decompressed size and the
 * ratio of the best times:
 *
 *   nn_gunzip 0.352 0.360 gzip 0.271 0.275 bytes 47040016 ratio 1.30
 *
 * nn_gunzip's time includes checking the CRC-32 and filling a fresh output
 * buffer (the page faults of a new allocation); gzip's includes starting the
 * process and writing to /dev/null. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nnart.h"

extern char **environ;

/* CPU seconds used so far by this process, or by its finished children. */
static double cpu(int who)
{
    struct rusage u;
    getrusage(who, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts t[0..n) and returns the median. */
static double median(double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Runs `gzip -dc path` with its output to /dev/null; 0 on success. */
static int run_gzip(const char *path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    char *argv[] = {"gzip", "-dc", (char *)path, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "gzip", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    if (rc != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_gzip FILE.gz [RUNS]\n");
        return 2;
    }
    size_t runs = argc == 3 ? (size_t)strtoul(argv[2], NULL, 10) : 5;
    if (runs < 1 || runs > 1000)
        runs = 5;
    nn_error err;
    uint8_t *gz;
    size_t gz_len;
    if (nn_read_file(argv[1], &gz, &gz_len, (size_t)1 << 31, &err) != NN_OK) {
        fprintf(stderr, "bench_gzip: %s\n", err.msg);
        return 1;
    }
    double *ours = malloc(runs * sizeof *ours), *theirs = malloc(runs * sizeof *theirs);
    size_t out_len = 0;
    int rc = ours && theirs ? 0 : 1;
    for (size_t r = 0; r < runs && !rc; r++) {
        uint8_t *out;
        double t0 = cpu(RUSAGE_SELF);
        if (nn_gunzip(gz, gz_len, argv[1], &out, &out_len, &err) != NN_OK) {
            fprintf(stderr, "bench_gzip: %s\n", err.msg);
            rc = 1;
            break;
        }
        ours[r] = cpu(RUSAGE_SELF) - t0;
        free(out);
        t0 = cpu(RUSAGE_CHILDREN);
        if (run_gzip(argv[1]) != 0) {
            fprintf(stderr, "bench_gzip: gzip -dc %s failed\n", argv[1]);
            rc = 1;
            break;
        }
        theirs[r] = cpu(RUSAGE_CHILDREN) - t0;
    }
    if (!rc) {
        double mo = median(ours, runs), mt = median(theirs, runs);
        printf("nn_gunzip %.3f %.3f gzip %.3f %.3f bytes %zu ratio %.2f\n", ours[0], mo,
               theirs[0], mt, out_len, ours[0] / theirs[0]);
    }
    free(ours);
    free(theirs);
    free(gz);
    return rc;
}
