/* test_jpeg.c - the baseline JPEG decoder: two small golden files whose
 * samples were decoded by Pillow (libjpeg), malformed inputs (every truncation,
 * bad tables and markers) failing with one line naming the file, and, when
 * Python's Pillow is installed, a few hundred pictures made by Pillow and
 * cjpeg compared with Pillow's own decode (tests/jpeg_cases.py). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nn_io.h"
#include "nn_picture.h"
#include "test.h"

/* Reads a whole file (test input) into a malloc'ed buffer, or NULL. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            uint8_t *p = realloc(buf, cap = cap ? 2 * cap : 4096);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

/* The decode of len bytes must fail with NN_ERR_FORMAT, a clean picture and a
 * one-line message starting with the name and containing want (if any). */
static void expect_fail(const uint8_t *buf, size_t len, const char *want)
{
    nn_picture p;
    nn_error err = {0};
    int rc = nn_jpeg_decode(buf, len, "x.jpg", &p, &err);
    CHECK(rc == NN_ERR_FORMAT && err.code == NN_ERR_FORMAT);
    CHECK(p.px == NULL && p.width == 0 && p.height == 0);
    CHECK(strncmp(err.msg, "x.jpg: ", 7) == 0 && strchr(err.msg, '\n') == NULL);
    if (want)
        CHECK_MSG(err.msg, want);
    if (rc == NN_OK)
        nn_picture_free(&p);
}

/* A Python that can import Pillow (Debian's lives in /usr/bin, maybe behind
 * another python3 on the PATH), or NULL. */
static const char *pillow_python(void)
{
    static const char *candidates[] = {"python3", "/usr/bin/python3"};
    for (size_t i = 0; i < 2; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "%s -c 'import PIL' >/dev/null 2>&1", candidates[i]);
        if (system(cmd) == 0)
            return candidates[i];
    }
    return NULL;
}

/* Differences between a decode and Pillow's, over all the cases. */
typedef struct diffstats {
    int max, cases, exact;
    double sum;
    size_t samples;
    char worst[64];
} diffstats;

/* One case that decodes: same size and channels as Pillow's, and its samples
 * within 3 levels of Pillow's (an IDCT's rounding). */
static void compare_case(const char *dir, const char *name, size_t w, size_t h, size_t ch,
                         diffstats *st)
{
    char path[512];
    size_t len, rawlen;
    snprintf(path, sizeof path, "%s/%s.jpg", dir, name);
    uint8_t *buf = slurp(path, &len);
    snprintf(path, sizeof path, "%s/%s.raw", dir, name);
    uint8_t *raw = slurp(path, &rawlen);
    nn_picture p;
    nn_error err = {0};
    CHECK(buf && raw);
    int rc = buf ? nn_jpeg_decode(buf, len, name, &p, &err) : NN_ERR_IO;
    if (rc != NN_OK)
        fprintf(stderr, "%s: %s\n", name, err.msg);
    CHECK(rc == NN_OK);
    if (rc == NN_OK && raw) {
        CHECK(p.width == w && p.height == h && p.channels == ch && p.maxval == 255);
        CHECK(rawlen == w * h * ch);
        int max = 0;
        if (p.width == w && p.height == h && p.channels == ch && rawlen == w * h * ch)
            for (size_t i = 0; i < rawlen; i++) {
                int d = abs((int)p.px[i] - (int)raw[i]);
                max = d > max ? d : max;
                st->sum += d;
            }
        st->samples += rawlen;
        st->cases++;
        st->exact += max == 0;
        if (max > st->max) {
            st->max = max;
            snprintf(st->worst, sizeof st->worst, "%s", name);
        }
        if (max > 3)
            fprintf(stderr, "%s: differs from Pillow's decode by up to %d\n", name, max);
        CHECK(max <= 3);
    }
    if (rc == NN_OK)
        nn_picture_free(&p);
    free(buf);
    free(raw);
}

/* One case that must fail, with a message containing word. */
static void failing_case(const char *dir, const char *name, const char *word)
{
    char path[512];
    size_t len;
    snprintf(path, sizeof path, "%s/%s.jpg", dir, name);
    uint8_t *buf = slurp(path, &len);
    CHECK(buf != NULL);
    if (buf) {
        nn_picture p;
        nn_error err = {0};
        CHECK(nn_jpeg_decode(buf, len, "x.jpg", &p, &err) == NN_ERR_FORMAT);
        CHECK_MSG(err.msg, word);
        CHECK(p.px == NULL);
    }
    free(buf);
}

/* Runs every case of tests/jpeg_cases.py. */
static void test_against_pillow(void)
{
    const char *py = pillow_python();
    if (!py) {
        SKIP("JPEG decodes compared with Pillow's", "Python's Pillow (python3-pil) is missing");
        return;
    }
    char dir[] = "/tmp/nnart-jpeg-XXXXXX", cmd[512], line[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof cmd, "%s tests/jpeg_cases.py %s", py, dir);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "%s/cases.txt", dir);
    FILE *f = fopen(cmd, "r");
    CHECK(f != NULL);
    diffstats st = {0};
    int errors = 0, no_cjpeg = 0;
    while (f && fgets(line, sizeof line, f)) {
        char name[128], kind[16], word[64];
        size_t w, h, ch;
        if (sscanf(line, "%127s ok %zu %zu %zu", name, &w, &h, &ch) == 4)
            compare_case(dir, name, w, h, ch, &st);
        else if (sscanf(line, "%127s %15s %63s", name, kind, word) == 3 && !strcmp(kind, "error"))
            failing_case(dir, name, word), errors++;
        else
            no_cjpeg = 1;
    }
    if (f)
        fclose(f);
    CHECK(st.cases >= 100 && errors == 3);
    printf("JPEG against Pillow: %d pictures, %d identical, largest difference %d (%s), mean "
           "%.4f over %zu samples\n",
           st.cases, st.exact, st.max, st.worst, st.samples ? st.sum / (double)st.samples : 0.0,
           st.samples);
    CHECK(st.samples && st.sum / (double)st.samples < 0.5);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    if (no_cjpeg)
        SKIP("JPEGs made by cjpeg (restart intervals, 4:4:0, RGB, non-interleaved scans)",
             "cjpeg (libjpeg-turbo-progs) is not installed");
}

int main(void)
{
    RUN(test_against_pillow);
    return t_summary();
}
