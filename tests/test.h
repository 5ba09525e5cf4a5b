/* test.h - a tiny unit-test harness, one test program per tests/test_*.c.
 *
 *   static void test_something(void) { CHECK(x == 1); CHECK_NEAR(a, b, 1e-6); }
 *   int main(void) { RUN(test_something); return t_summary(); }
 *
 * A test passes when none of its checks failed.  Failed checks print their
 * file, line and values.  What cannot run here (an optional tool is missing,
 * or the system lacks a feature) is counted as skipped, with its reason:
 *
 *   if (!have_tool) { SKIP("PNG files checked by pngcheck", "pngcheck is not installed"); }
 *
 * t_summary prints "N passed, N failed, N skipped" and returns the exit status
 * (non-zero when anything failed).
 */
#ifndef NNART_TEST_H
#define NNART_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static int t_passed, t_failed, t_skipped, t_check_failures;

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            t_check_failures++;                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
        }                                                                                 \
    } while (0)

/* |a - b| <= tol, with a and b printed on failure. */
#define CHECK_NEAR(a, b, tol)                                                             \
    do {                                                                                  \
        double t_a_ = (double)(a), t_b_ = (double)(b);                                    \
        if (!(fabs(t_a_ - t_b_) <= (double)(tol))) {                                      \
            t_check_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s = %.9g, %s = %.9g, differ by more than %g\n",      \
                    __FILE__, __LINE__, #a, t_a_, #b, t_b_, (double)(tol));               \
        }                                                                                 \
    } while (0)

/* The library call returned NN_OK (the message is printed if not). */
#define CHECK_OK(call, errp)                                                              \
    do {                                                                                  \
        int t_rc_ = (call);                                                               \
        if (t_rc_ != 0) {                                                                 \
            t_check_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s failed (%d): %s\n", __FILE__, __LINE__, #call,     \
                    t_rc_, (errp)->msg);                                                  \
        }                                                                                 \
    } while (0)

/* The message contains the substring sub. */
#define CHECK_MSG(msg, sub)                                                               \
    do {                                                                                  \
        if (!strstr((msg), (sub))) {                                                      \
            t_check_failures++;                                                           \
            fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__,   \
                    (msg), (sub));                                                        \
        }                                                                                 \
    } while (0)

/* A test passes when none of its checks failed and it did not skip itself
 * (a test that skips is counted once, as skipped). */
static void t_run(const char *name, void (*fn)(void))
{
    int before = t_check_failures, skipped = t_skipped;
    fn();
    if (t_check_failures == before) {
        if (t_skipped == skipped)
            t_passed++;
    } else {
        t_failed++;
        fprintf(stderr, "FAIL %s\n", name);
    }
}

#define RUN(fn) t_run(#fn, fn)

/* Counts what did not run, and prints why. */
static inline void t_skip(const char *what, const char *why)
{
    t_skipped++;
    printf("SKIP: %s: %s\n", what, why);
}

#define SKIP(what, why) t_skip((what), (why))

/* The exit status of a shell command (system()), or -1 if it did not exit. */
static inline int t_run_command(const char *cmd)
{
    int st = system(cmd);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Writes n bytes to path; 1 on success. */
static inline int t_write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = n == 0 || fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static int t_summary(void)
{
    printf("%d passed, %d failed, %d skipped\n", t_passed, t_failed, t_skipped);
    return t_failed ? 1 : 0;
}

#endif
