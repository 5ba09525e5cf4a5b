/* test_deflate.c - the deflate and zlib compressor: every kind of data
 * round-trips through nnart's own inflater (nn_gunzip, the deflate data put
 * in a gzip member) and through Python's zlib, the independent decoder,
 * which also says how zlib's level 6 does on the same data. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nn_crc.h"
#include "nn_deflate.h"
#include "nn_gzip.h"
#include "nn_io.h"
#include "test.h"

/* splitmix64, for deterministic test data. */
static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* ---- the data ---------------------------------------------------------------- */

enum {
    D_EMPTY, D_ONE, D_RANDOM, D_TEXT, D_RUNS, D_LARGE, D_SKEWED, D_SHORT_RUNS, D_HIGH, D_BIG,
    D_KINDS
};
static const char *const kind_name[D_KINDS] = {
    "empty", "one byte", "random", "text-like", "long runs", "large mix", "skewed", "short runs",
    "high bytes", "big mix (over 4 MiB: the shorter chains)"};

/* Words from a small vocabulary with spaces and line breaks. */
static void fill_text(uint8_t *p, size_t n, uint64_t *s)
{
    static const char *const words[] = {"the", "network", "weights", "of", "a", "layer",
                                        "gradient", "descent", "on", "input", "pixels", "and",
                                        "softmax", "loss", "epoch", "batch", "128", "0.9325"};
    size_t at = 0;
    while (at < n) {
        const char *w = words[rnd(s) % (sizeof words / sizeof *words)];
        for (size_t i = 0; w[i] && at < n; i++)
            p[at++] = (uint8_t)w[i];
        if (at < n)
            p[at++] = rnd(s) % 9 == 0 ? '\n' : ' ';
    }
}

/* Literal frequencies like Fibonacci numbers, which make a Huffman tree far
 * deeper than 15 levels, so the length limit must act. */
static void fill_skewed(uint8_t *p, size_t n, uint64_t *s)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rnd(s);
        unsigned sym = 0;
        while (sym < 40 && (r & 1)) { /* symbol k with probability 2^-(k+1) */
            sym++;
            r >>= 1;
        }
        p[i] = (uint8_t)(sym * 5 + (rnd(s) % 3 == 0 ? 1 : 0));
    }
}

/* Test data of the given kind; *len receives its size. */
static uint8_t *make_data(int kind, size_t *len)
{
    static const size_t sizes[D_KINDS] = {0,     1,     70000, 200000, 150000, 400000,
                                          90000, 50000, 1312,  (size_t)5 << 20};
    uint64_t s = 1234 + (uint64_t)kind;
    size_t n = sizes[kind];
    uint8_t *p = malloc(n ? n : 1);
    if (!p)
        return NULL;
    *len = n;
    if (kind == D_ONE)
        p[0] = 'x';
    else if (kind == D_HIGH) /* rows of a 1-bit picture: a fixed block with 9-bit codes */
        for (size_t i = 0; i < n; i++)
            p[i] = i % 41 >= 30 && i % 41 < 34 ? 0xFF : i % 41 == 35 ? 0x90 : 0;
    else if (kind == D_RANDOM)
        for (size_t i = 0; i < n; i++)
            p[i] = (uint8_t)rnd(&s);
    else if (kind == D_TEXT)
        fill_text(p, n, &s);
    else if (kind == D_RUNS)
        for (size_t i = 0; i < n; i++)
            p[i] = i < 100000 ? 'a' : (uint8_t)(i / 7000);
    else if (kind == D_SKEWED)
        fill_skewed(p, n, &s);
    else if (kind == D_SHORT_RUNS)
        for (size_t i = 0; i < n;) /* runs of 1-20 bytes: matches of every length */
            for (size_t r = 1 + rnd(&s) % 20, v = rnd(&s) % 4; r-- > 0 && i < n; i++)
                p[i] = (uint8_t)v;
    else if (kind == D_LARGE || kind == D_BIG) /* text, random, runs, text, ... */
        for (size_t i = 0; i < n; i += 100000) {
            size_t m = n - i < 100000 ? n - i : 100000;
            if ((i / 100000) % 2 == 0)
                fill_text(p + i, m, &s);
            else
                for (size_t j = 0; j < m; j++)
                    p[i + j] = (i / 100000) == 1 ? (uint8_t)rnd(&s) : (uint8_t)(j / 300);
        }
    return p;
}

/* ---- nnart's own inflater --------------------------------------------------------- */

/* A gzip member (RFC 1952) around raw deflate data, for nn_gunzip. */
static uint8_t *gzip_member(const uint8_t *def, size_t dlen, const uint8_t *raw, size_t len,
                            size_t *glen)
{
    static const uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    nn_buf b = {0};
    nn_buf_put(&b, head, sizeof head);
    nn_buf_put(&b, def, dlen);
    nn_buf_put_u32le(&b, nn_crc32(0, raw, len));
    nn_buf_put_u32le(&b, (uint32_t)len);
    CHECK(!b.failed);
    *glen = b.len;
    return b.data;
}

/* Compresses data of every kind, raw and zlib; inflates each with
 * nn_gunzip; checks the zlib framing and that the output is deterministic. */
static void test_round_trip(void)
{
    for (int k = 0; k < D_KINDS; k++) {
        size_t len = 0, dlen = 0, zlen = 0, glen = 0, olen = 0;
        uint8_t *raw = make_data(k, &len), *def = NULL, *z = NULL, *g, *out = NULL;
        nn_error err = {0};
        CHECK(raw != NULL);
        CHECK_OK(nn_deflate(raw, len, &def, &dlen, &err), &err);
        CHECK_OK(nn_zlib_compress(raw, len, &z, &zlen, &err), &err);
        /* zlib: 78 9C, the same deflate data, the Adler-32 big-endian. */
        CHECK(zlen == dlen + 6 && z[0] == 0x78 && z[1] == 0x9C && memcmp(z + 2, def, dlen) == 0);
        CHECK(nn_load_u32be(z + zlen - 4) == nn_adler32(1, raw, len));
        g = gzip_member(def, dlen, raw, len, &glen);
        CHECK_OK(nn_gunzip(g, glen, kind_name[k], &out, &olen, &err), &err);
        CHECK(olen == len && (len == 0 || memcmp(out, raw, len) == 0));
        /* Random bytes cannot shrink: stored blocks, 5 bytes per block of
         * at most 16,384 symbols. */
        if (k == D_RANDOM)
            CHECK(dlen <= len + 5 * (len / 16384 + 1));
        uint8_t *again = NULL;
        size_t alen = 0;
        CHECK_OK(nn_deflate(raw, len, &again, &alen, &err), &err);
        CHECK(alen == dlen && memcmp(again, def, dlen) == 0);
        free(again);
        free(out);
        free(g);
        free(z);
        free(def);
        free(raw);
    }
}

/* Empty input: one empty final block of fixed codes, 3 + 7 bits. */
static void test_empty(void)
{
    uint8_t *def = NULL;
    size_t dlen = 0;
    nn_error err = {0};
    CHECK_OK(nn_deflate(NULL, 0, &def, &dlen, &err), &err);
    CHECK(dlen == 2 && def[0] == 0x03 && def[1] == 0x00);
    free(def);
}

/* ---- Python's zlib ------------------------------------------------------------- */

/* For each (raw, raw deflate, zlib) triple: both decompress to raw, and the
 * zlib stream is within 10% (+ 16 bytes) of zlib.compress(raw, 6). */
static const char *py_check =
    "import sys, zlib\n"
    "a = sys.argv[1:]\n"
    "for i in range(0, len(a), 3):\n"
    "    raw, d, z = (open(f, 'rb').read() for f in a[i:i + 3])\n"
    "    assert zlib.decompress(d, -15) == raw, a[i]\n"
    "    assert zlib.decompress(z) == raw, a[i]\n"
    "    ref = len(zlib.compress(raw, 6))\n"
    "    assert len(z) <= ref * 1.10 + 16, (a[i], len(z), ref)\n";

static void test_python_zlib(void)
{
    if (t_run_command("python3 -c 'import zlib' >/dev/null 2>&1") != 0) {
        SKIP("deflate output decoded by Python's zlib", "python3 with zlib is not installed");
        return;
    }
    char dir[] = "/tmp/nnart-deflate-XXXXXX", args[4096] = "", path[3][96];
    CHECK(mkdtemp(dir) != NULL);
    for (int k = 0; k < D_KINDS; k++) {
        size_t len = 0, dlen = 0, zlen = 0;
        uint8_t *raw = make_data(k, &len), *def = NULL, *z = NULL;
        nn_error err = {0};
        CHECK_OK(nn_deflate(raw, len, &def, &dlen, &err), &err);
        CHECK_OK(nn_zlib_compress(raw, len, &z, &zlen, &err), &err);
        const char *ext[3] = {"raw", "def", "z"};
        const uint8_t *data[3] = {raw, def, z};
        size_t n[3] = {len, dlen, zlen};
        for (int j = 0; j < 3; j++) {
            snprintf(path[j], sizeof path[j], "%s/%d.%s", dir, k, ext[j]);
            CHECK(t_write_file(path[j], data[j], n[j]));
            size_t at = strlen(args);
            snprintf(args + at, sizeof args - at, " '%s'", path[j]);
        }
        free(raw);
        free(def);
        free(z);
    }
    char script[64], cmd[4400];
    snprintf(script, sizeof script, "%s/check.py", dir);
    CHECK(t_write_file(script, py_check, strlen(py_check)));
    snprintf(cmd, sizeof cmd, "python3 '%s'%s", script, args);
    CHECK(t_run_command(cmd) == 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(t_run_command(cmd) == 0);
}

int main(void)
{
    RUN(test_round_trip);
    RUN(test_empty);
    RUN(test_python_zlib);
    return t_summary();
}
