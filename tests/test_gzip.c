/* test_gzip.c - the gzip decoder against the system's gzip: files it makes at
 * every level from data of every kind, and damaged or hand-built streams,
 * where the system's gzip also serves as the judge of what is valid. */
#define _POSIX_C_SOURCE 200809L
#include <spawn.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#include "nn_crc.h"
#include "nn_gzip.h"
#include "nn_io.h"
#include "test.h"

static char dir[64]; /* scratch directory for the files gzip reads and writes */

/* Deterministic pseudo-random numbers for the test data (splitmix64). */
static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(len == 0 || fwrite(buf, 1, len, f) == len);
    CHECK(fclose(f) == 0);
}

/* Reads a whole file (NULL and 0 if it cannot). */
static uint8_t *read_all(const char *path, size_t *len)
{
    uint8_t *buf;
    nn_error err;
    if (nn_read_file(path, &buf, len, (size_t)1 << 30, &err) != NN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        *len = 0;
        return NULL;
    }
    return buf;
}

/* Runs a shell command and returns its exit status (-1 if it could not be
 * run).  posix_spawn rather than system(): forking a process as large as a
 * sanitizer build takes long, and this test runs gzip a few hundred times. */
static int run_sh(const char *cmd)
{
    char *argv[] = {"sh", "-c", (char *)cmd, NULL};
    pid_t pid;
    if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0)
        return -1;
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* Compresses data with `gzip OPTS` and returns the .gz bytes. */
static uint8_t *system_gzip(const void *data, size_t len, const char *opts, size_t *zlen)
{
    char in[128], out[128], cmd[512];
    snprintf(in, sizeof in, "%s/in", dir);
    snprintf(out, sizeof out, "%s/in.gz", dir);
    write_file(in, data, len);
    snprintf(cmd, sizeof cmd, "gzip %s -c '%s' > '%s'", opts, in, out);
    CHECK(run_sh(cmd) == 0);
    uint8_t *z = read_all(out, zlen);
    CHECK(z != NULL);
    remove(in);
    remove(out);
    return z;
}

/* 1 if the system's `gzip -dc` accepts the stream; its output in *out. */
static int system_gunzip(const uint8_t *z, size_t zlen, uint8_t **out, size_t *out_len)
{
    char in[128], res[128], cmd[512];
    snprintf(in, sizeof in, "%s/judge.gz", dir);
    snprintf(res, sizeof res, "%s/judge.out", dir);
    write_file(in, z, zlen);
    snprintf(cmd, sizeof cmd, "gzip -dc '%s' > '%s' 2>/dev/null", in, res);
    int ok = run_sh(cmd) == 0;
    *out = read_all(res, out_len);
    remove(in);
    remove(res);
    return ok;
}

/* nn_gunzip gives exactly want[0..len). */
static void expect_data(const uint8_t *z, size_t zlen, const uint8_t *want, size_t len,
                        const char *what)
{
    uint8_t *out = NULL;
    size_t n = 1;
    nn_error err = {0};
    int rc = nn_gunzip(z, zlen, what, &out, &n, &err);
    if (rc != NN_OK) {
        fprintf(stderr, "%s: rejected: %s\n", what, err.msg);
        CHECK(rc == NN_OK);
        return;
    }
    CHECK(out != NULL);
    if (n != len || (len && memcmp(out, want, len) != 0)) {
        fprintf(stderr, "%s: %zu bytes decoded, %zu expected, or different bytes\n", what, n,
                len);
        CHECK(n == len && memcmp(out, want, len) == 0);
    }
    free(out);
}

/* nn_gunzip rejects the stream with NN_ERR_FORMAT and a one-line message
 * that names the input and contains want (if not NULL). */
static void expect_reject(const uint8_t *z, size_t zlen, const char *want)
{
    uint8_t *out = (uint8_t *)"x";
    size_t n = 7;
    nn_error err = {0};
    int rc = nn_gunzip(z, zlen, "t.gz", &out, &n, &err);
    CHECK(rc == NN_ERR_FORMAT && err.code == NN_ERR_FORMAT);
    CHECK(out == NULL && n == 0);
    CHECK(strncmp(err.msg, "t.gz: ", 6) == 0);
    CHECK(strchr(err.msg, '\n') == NULL);
    if (want)
        CHECK_MSG(err.msg, want);
    if (rc == NN_OK)
        free(out);
}

/* ---- test data ---------------------------------------------------------- */

static uint8_t *random_bytes(size_t n, uint64_t seed)
{
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd(&seed);
    return p;
}

/* English-looking text: words drawn from a small vocabulary. */
static uint8_t *text_bytes(size_t n, uint64_t seed)
{
    static const char *words[] = {"the ",     "network ", "learns ", "digits ", "from ",
                                  "pixels ",  "and ",     "labels ", "with ",   "adam, ",
                                  "softmax ", "layers.\n", "a ",     "loss ",   "of ",
                                  "0.0312 ",  "epoch ",   "batch ",  "MNIST ",  "gzip "};
    uint8_t *p = malloc(n ? n : 1);
    size_t at = 0;
    while (at < n) {
        const char *w = words[rnd(&seed) % (sizeof words / sizeof *words)];
        for (size_t i = 0; w[i] && at < n; i++)
            p[at++] = (uint8_t)w[i];
    }
    return p;
}

/* Image-like data: runs of zeros, ramps, noise and repeated rows. */
static uint8_t *mixed_bytes(size_t n, uint64_t seed)
{
    uint8_t *p = malloc(n ? n : 1);
    size_t at = 0;
    while (at < n) {
        size_t run = 1 + rnd(&seed) % 3000, kind = rnd(&seed) % 4;
        for (size_t i = 0; i < run && at < n; i++, at++) {
            if (kind == 0)
                p[at] = 0;
            else if (kind == 1)
                p[at] = (uint8_t)(i * 3);
            else if (kind == 2)
                p[at] = (uint8_t)rnd(&seed);
            else
                p[at] = at >= 28 ? p[at - 28] : 0;
        }
    }
    return p;
}

/* ---- files made by gzip ---------------------------------------------- */

/* Every kind of data at every level decodes to the original bytes; between
 * them the files use all three block types. */
static void test_levels(void)
{
    struct {
        const char *name;
        size_t n;
        uint8_t *data;
    } cases[] = {
        {"empty", 0, malloc(1)},
        {"one byte", 1, NULL},
        {"random", 70000, NULL},
        {"text", 100000, NULL},
        {"short text", 40, NULL},
        {"zeros", 300000, NULL},
        {"mixed 2 MB", 2000000, NULL},
    };
    size_t nc = sizeof cases / sizeof *cases;
    cases[1].data = malloc(1);
    cases[1].data[0] = 'A';
    cases[2].data = random_bytes(cases[2].n, 1);
    cases[3].data = text_bytes(cases[3].n, 2);
    cases[4].data = text_bytes(cases[4].n, 3);
    cases[5].data = calloc(cases[5].n, 1);
    cases[6].data = mixed_bytes(cases[6].n, 4);
    int seen[4] = {0};
    for (size_t c = 0; c < nc; c++) {
        for (int level = 1; level <= 9; level++) {
            char opts[16], what[64];
            snprintf(opts, sizeof opts, "-n -%d", level);
            snprintf(what, sizeof what, "%s at -%d", cases[c].name, level);
            size_t zlen;
            uint8_t *z = system_gzip(cases[c].data, cases[c].n, opts, &zlen);
            if (!z)
                continue;
            /* -n: a 10-byte header, then the first block's BFINAL and BTYPE bits. */
            if (zlen > 10)
                seen[(z[10] >> 1) & 3] = 1;
            expect_data(z, zlen, cases[c].data, cases[c].n, what);
            free(z);
        }
        free(cases[c].data);
    }
    CHECK(seen[0] && seen[1] && seen[2]); /* stored, fixed and dynamic */
}

/* Zeros compress close to deflate's limit of 1032:1, and still decode. */
static void test_max_ratio(void)
{
    size_t n = (size_t)8 << 20;
    uint8_t *zeros = calloc(n, 1);
    size_t zlen;
    uint8_t *z = system_gzip(zeros, n, "-n -9", &zlen);
    if (z) {
        CHECK(n / zlen > 1000);
        expect_data(z, zlen, zeros, n, "8 MB of zeros");
        free(z);
    }
    free(zeros);
}

/* Members one after the other decode to their contents joined, as with
 * `gzip -dc`; the size hint in the last trailer (here 0) is only a hint. */
static void test_members(void)
{
    size_t na = 150000, nb = 3000;
    uint8_t *a = mixed_bytes(na, 5), *b = text_bytes(nb, 6);
    size_t za, zb, ze;
    uint8_t *ga = system_gzip(a, na, "-n -6", &za);
    uint8_t *gb = system_gzip(b, nb, "-n -1", &zb);
    uint8_t *ge = system_gzip("", 0, "-n", &ze);
    if (ga && gb && ge) {
        uint8_t *cat = malloc(za + zb + 2 * ze);
        uint8_t *want = malloc(na + nb);
        memcpy(want, a, na);
        memcpy(want + na, b, nb);
        memcpy(cat, ga, za);
        memcpy(cat + za, gb, zb);
        expect_data(cat, za + zb, want, na + nb, "two members");
        memcpy(cat + za, ge, ze);
        memcpy(cat + za + ze, gb, zb);
        memcpy(cat + za + ze + zb, ge, ze);
        expect_data(cat, za + 2 * ze + zb, want, na + nb, "members with empty ones between");
        uint8_t *out;
        size_t n;
        CHECK(system_gunzip(cat, za + 2 * ze + zb, &out, &n));
        CHECK(out && n == na + nb && memcmp(out, want, n) == 0);
        free(out);
        /* The second member damaged: the error names it. */
        cat[za + ze + 12] ^= 0x10;
        expect_reject(cat, za + 2 * ze + zb, "gzip member 3");
        free(cat);
        free(want);
    }
    free(ga);
    free(gb);
    free(ge);
    free(a);
    free(b);
}

/* A header with every optional field: FTEXT, FHCRC, FEXTRA, FNAME and
 * FCOMMENT.  gzip writes FNAME itself; the rest is added around gzip's
 * deflate data, and the system's gzip confirms the result is valid. */
static void test_header_fields(void)
{
    size_t n = 5000;
    uint8_t *data = text_bytes(n, 7);
    size_t zlen;
    uint8_t *z = system_gzip(data, n, "-N -5", &zlen); /* -N: the file name is stored */
    if (!z)
        return;
    CHECK(z[3] == 0x08 && strcmp((const char *)z + 10, "in") == 0);
    expect_data(z, zlen, data, n, "FNAME");
    size_t body = 10 + 3; /* the deflate data starts after "in\0" */

    uint8_t *f = malloc(zlen + 100);
    size_t p = 0;
    const uint8_t head[10] = {0x1f, 0x8b, 8, 0x1f, 1, 2, 3, 4, 0, 3};
    memcpy(f, head, 10);
    p = 10;
    const uint8_t extra[8] = {6, 0, 'N', 'N', 2, 0, 0xAB, 0xCD}; /* XLEN 6: one subfield */
    memcpy(f + p, extra, 8);
    p += 8;
    memcpy(f + p, "digits.idx", 11);
    p += 11;
    memcpy(f + p, "made for a test", 16);
    p += 16;
    uint32_t hcrc = nn_crc32(0, f, p);
    f[p++] = (uint8_t)hcrc;
    f[p++] = (uint8_t)(hcrc >> 8);
    memcpy(f + p, z + body, zlen - body);
    size_t flen = p + zlen - body;
    uint8_t *out;
    size_t on;
    CHECK(system_gunzip(f, flen, &out, &on));
    CHECK(out && on == n && memcmp(out, data, n) == 0);
    free(out);
    expect_data(f, flen, data, n, "all header fields");

    /* A wrong header CRC is refused, by gzip too. */
    f[p - 2] ^= 0x01;
    CHECK(!system_gunzip(f, flen, &out, &on));
    free(out);
    expect_reject(f, flen, "header CRC mismatch");
    f[p - 2] ^= 0x01;
    /* Cut inside each optional field. */
    expect_reject(f, 11, "truncated: header ends inside the extra field length");
    expect_reject(f, 15, "truncated: header ends inside the 6-byte extra field");
    expect_reject(f, 23, "truncated: header ends inside the file name");
    expect_reject(f, 35, "truncated: header ends inside the comment");
    expect_reject(f, 46, "truncated: header ends inside the header CRC");
    free(f);
    free(z);
    free(data);
}

/* ---- damaged files ------------------------------------------------------ */

/* Every prefix of a file is refused: empty, not gzip, or truncated. */
static void test_truncated(void)
{
    const char *opts[3] = {"-n -9", "-n -1", "-n -6"};
    for (int k = 0; k < 3; k++) {
        size_t n = k == 0 ? 20000 : k == 1 ? 3000 : 30;
        uint8_t *data = k == 0 ? text_bytes(n, 8) : random_bytes(n, 9); /* dynamic, stored */
        if (k == 2)
            memcpy(data, "fixed Huffman codes, short...", 30);
        size_t zlen;
        uint8_t *z = system_gzip(data, n, opts[k], &zlen);
        if (!z)
            continue;
        expect_reject(z, 0, "empty");
        expect_reject(z, 1, "not gzip data");
        for (size_t cut = 2; cut < zlen; cut++)
            expect_reject(z, cut, "truncated");
        free(z);
        free(data);
    }
}

/* A change our decoder accepts must be one gzip accepts too, with the
 * original data as the result: a change in the data would have been caught
 * by the CRC-32. */
static void check_accepted(const uint8_t *z, size_t zlen, const uint8_t *out, size_t on,
                           const uint8_t *data, size_t n)
{
    CHECK(on == n && memcmp(out, data, n) == 0);
    uint8_t *ref;
    size_t rn;
    CHECK(system_gunzip(z, zlen, &ref, &rn));
    CHECK(ref && rn == n && memcmp(ref, data, n) == 0);
    free(ref);
}

/* Every single-bit change is refused, except where gzip also accepts the
 * file and finds the original data: fields gzip ignores (FTEXT, MTIME, XFL,
 * OS), the unused high bits of the last deflate byte, and the rare bits of
 * the deflate data that do not change what it decodes to. */
static void test_bit_flips(void)
{
    size_t n = 600;
    uint8_t *data = text_bytes(n, 10);
    size_t zlen;
    uint8_t *z = system_gzip(data, n, "-n -9", &zlen);
    if (!z)
        return;
    size_t rejected = 0, harmless = 0, judged = 0;
    for (size_t i = 0; i < zlen; i++) {
        for (int bit = 0; bit < 8; bit++) {
            z[i] ^= (uint8_t)(1u << bit);
            uint8_t *out;
            size_t on;
            nn_error err = {0};
            int rc = nn_gunzip(z, zlen, "t.gz", &out, &on, &err);
            int ignored = (i == 3 && bit == 0) || (i >= 4 && i < 10);
            if (rc == NN_OK) {
                harmless++;
                if (ignored) {
                    CHECK(on == n && memcmp(out, data, n) == 0);
                } else {
                    check_accepted(z, zlen, out, on, data, n);
                    judged++;
                }
                free(out);
            } else {
                rejected++;
                CHECK(rc == NN_ERR_FORMAT && out == NULL);
                CHECK(strncmp(err.msg, "t.gz: ", 6) == 0);
                /* Now and then, gzip confirms the rejection. */
                if ((i * 8 + (size_t)bit) % 61 == 0) {
                    uint8_t *ref;
                    size_t rn;
                    CHECK(!system_gunzip(z, zlen, &ref, &rn));
                    free(ref);
                }
            }
            z[i] ^= (uint8_t)(1u << bit);
        }
    }
    /* 49 ignored bits; the deflate data's harmless bits are few. */
    CHECK(harmless >= 49 && judged <= 16 && rejected == zlen * 8 - harmless);
    free(z);
    free(data);
}

/* Damage of each kind, each with its own message. */
static void test_corrupt_fields(void)
{
    size_t n = 4000;
    uint8_t *data = text_bytes(n, 11);
    size_t zlen;
    uint8_t *z = system_gzip(data, n, "-n -6", &zlen);
    if (!z)
        return;
    uint8_t *c = malloc(zlen + 16);
#define RESET() memcpy(c, z, zlen)
    RESET();
    c[1] = 0x8c;
    expect_reject(c, zlen, "not gzip data (starts with 1f 8c, expected 1f 8b)");
    RESET();
    c[2] = 7;
    expect_reject(c, zlen, "compression method 7");
    RESET();
    c[3] = 0x20;
    expect_reject(c, zlen, "reserved header flags set (0x20)");
    RESET();
    c[10] |= 6; /* BTYPE = 3 */
    expect_reject(c, zlen, "block type 3 does not exist");
    RESET();
    c[zlen - 6] ^= 0x40; /* CRC-32 */
    expect_reject(c, zlen, "CRC-32 mismatch");
    RESET();
    c[zlen - 4] ^= 0x01; /* ISIZE */
    expect_reject(c, zlen, "length mismatch: 4000 bytes of data, trailer says 4001");
    /* An ISIZE far beyond the possible is only a hint: no huge allocation,
     * the same clear error. */
    RESET();
    memset(c + zlen - 4, 0xFF, 4);
    expect_reject(c, zlen, "trailer says 4294967295");
    RESET();
    memcpy(c + zlen, "junk", 4);
    expect_reject(c, zlen + 4, "trailing garbage: 4 bytes after the last member");
    RESET();
    memset(c + zlen, 0, 8);
    c[zlen + 7] = 1;
    expect_reject(c, zlen + 8, "trailing garbage: 8 bytes after the last member");
    RESET();
    memcpy(c + zlen, "\x1f\x8b", 2);
    expect_reject(c, zlen + 2, "gzip member 2");
    free(c);
    free(z);
    free(data);
#undef RESET
}

/* Random damage to a few bytes never crashes, and is refused unless gzip
 * too finds the original data; runs under ASan in `make test`. */
static void test_random_damage(void)
{
    size_t n = 3000;
    uint8_t *data = mixed_bytes(n, 12);
    size_t zlen;
    uint8_t *z = system_gzip(data, n, "-n -9", &zlen);
    if (!z)
        return;
    uint8_t *c = malloc(zlen);
    uint64_t seed = 13;
    for (int t = 0; t < 3000; t++) {
        memcpy(c, z, zlen);
        int k = 1 + (int)(rnd(&seed) % 4);
        for (int j = 0; j < k; j++)
            c[10 + rnd(&seed) % (zlen - 10)] = (uint8_t)rnd(&seed);
        uint8_t *out;
        size_t on;
        nn_error err = {0};
        int rc = nn_gunzip(c, zlen, "t.gz", &out, &on, &err);
        if (rc == NN_OK) {
            check_accepted(c, zlen, out, on, data, n);
            free(out);
        } else {
            CHECK(rc == NN_ERR_FORMAT && strncmp(err.msg, "t.gz: ", 6) == 0);
        }
    }
    free(c);
    free(z);
    free(data);
}

/* A gzip member of data[0..n) in one stored block, built by hand, into m
 * (room for n + 23 bytes); returns its length. */
static size_t stored_member(uint8_t *m, const char *data, size_t n)
{
    static const uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255};
    uint32_t crc = nn_crc32(0, data, n);
    size_t k = 0;
    memcpy(m, head, 10);
    k = 10;
    m[k++] = 1; /* BFINAL = 1, BTYPE = 00, then LEN and NLEN */
    m[k++] = (uint8_t)n;
    m[k++] = (uint8_t)(n >> 8);
    m[k++] = (uint8_t)~n;
    m[k++] = (uint8_t)(~n >> 8);
    memcpy(m + k, data, n);
    k += n;
    for (int i = 0; i < 4; i++)
        m[k++] = (uint8_t)(crc >> (8 * i));
    for (int i = 0; i < 4; i++)
        m[k++] = (uint8_t)(n >> (8 * i));
    return k;
}

/* The input for the padding cases: members "hello" and " world", pad zero
 * bytes, then tail[0..tn); returns its length. */
static size_t padded(uint8_t *buf, int two, size_t pad, const uint8_t *tail, size_t tn)
{
    size_t n = stored_member(buf, "hello", 5);
    if (two)
        n += stored_member(buf + n, " world", 6);
    memset(buf + n, 0, pad);
    if (tn)
        memcpy(buf + n + pad, tail, tn);
    return n + pad + tn;
}

/* Zero bytes after the last member are padding, ignored as gzip -d ignores
 * them; zeros followed by anything else, or anything else, are refused, as
 * gzip -d (which warns and exits 2 then) refuses them.  The system's gzip
 * judges the same inputs where it is installed. */
static void test_trailing_zeros(void)
{
    static uint8_t buf[2 * 29 + 10240 + 64];
    static const uint8_t junk[1] = {'x'}, one[1] = {1}, magic[2] = {0x1f, 0x8b};
    static const struct {
        int two;           /* members: "hello", or "hello" and " world" */
        size_t pad;        /* zero bytes after them */
        const uint8_t *tail; /* and then these */
        size_t tn;
        const char *want;  /* the message; NULL: accepted */
    } cases[] = {
        {0, 1, NULL, 0, NULL},
        {1, 1, NULL, 0, NULL},
        {0, 2, NULL, 0, NULL},
        {1, 7, NULL, 0, NULL},
        {0, 8, NULL, 0, NULL},
        {1, 9, NULL, 0, NULL},
        {0, 512, NULL, 0, NULL},
        {1, 10240, NULL, 0, NULL},
        {1, 0, NULL, 0, NULL},
        {0, 2, junk, 1,
         "trailing garbage: 3 bytes after the last member (gzip member 2, byte 28)"},
        {1, 10240, one, 1, "trailing garbage: 10241 bytes after the last member"},
        {0, 0, one, 1, "trailing garbage: 1 bytes after the last member"},
        {0, 1, magic, 2, "trailing garbage: 3 bytes after the last member"},
        {0, 0, magic, 2, "gzip member 2"},
    };
    int judge = run_sh("gzip --version >/dev/null 2>&1") == 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = padded(buf, cases[c].two, cases[c].pad, cases[c].tail, cases[c].tn);
        const char *want = cases[c].two ? "hello world" : "hello";
        if (cases[c].want)
            expect_reject(buf, n, cases[c].want);
        else
            expect_data(buf, n, (const uint8_t *)want, strlen(want), "padded");
        uint8_t *out;
        size_t on;
        if (judge) {
            CHECK(system_gunzip(buf, n, &out, &on) == (cases[c].want == NULL));
            free(out);
        }
    }
    if (!judge)
        SKIP("padding judged by the system's gzip", "gzip is not installed");
}

/* ---- hand-built deflate streams ----------------------------------------- */

/* A deflate bit writer: fields go in least significant bit first, Huffman
 * codes most significant bit first (RFC 1951, section 3.1.1). */
typedef struct {
    uint8_t buf[2048];
    size_t n;
    unsigned bits; /* bits used in buf[n] */
} bitw;

static void put_bits(bitw *w, unsigned v, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        if (w->bits == 0)
            w->buf[w->n] = 0;
        w->buf[w->n] |= (uint8_t)(((v >> i) & 1u) << w->bits);
        if (++w->bits == 8) {
            w->bits = 0;
            w->n++;
        }
    }
}

static void put_code(bitw *w, unsigned code, unsigned len)
{
    for (unsigned i = len; i-- > 0;)
        put_bits(w, (code >> i) & 1u, 1);
}

static size_t bitw_bytes(const bitw *w)
{
    return w->n + (w->bits != 0);
}

/* The fixed literal/length code (RFC 1951, section 3.2.6). */
static void fixed_sym(bitw *w, unsigned s)
{
    if (s < 144)
        put_code(w, 0x30 + s, 8);
    else if (s < 256)
        put_code(w, 0x190 + s - 144, 9);
    else if (s < 280)
        put_code(w, s - 256, 7);
    else
        put_code(w, 0xC0 + s - 280, 8);
}

/* A match with the fixed codes: length symbol, its extra bits, the 5-bit
 * distance code, its extra bits (only lengths 3..10 and distances 1..4 and
 * 5..8, enough here). */
static void fixed_match(bitw *w, unsigned len, unsigned dist)
{
    fixed_sym(w, 257 + len - 3);
    if (dist <= 4) {
        put_code(w, dist - 1, 5);
    } else {
        put_code(w, dist <= 6 ? 4 : 5, 5);
        put_bits(w, (dist - 1) & 1u, 1);
    }
}

/* Canonical codes for n lengths (RFC 1951, section 3.2.2). */
static void canonical(const uint8_t *lens, size_t n, unsigned *codes)
{
    unsigned count[16] = {0}, next[16] = {0}, code = 0;
    for (size_t i = 0; i < n; i++)
        count[lens[i]]++;
    count[0] = 0;
    for (unsigned b = 1; b < 16; b++) {
        code = (code + count[b - 1]) << 1;
        next[b] = code;
    }
    for (size_t i = 0; i < n; i++)
        codes[i] = lens[i] ? next[lens[i]]++ : 0;
}

/* The code length code used by the dynamic blocks below: symbols 0..12 get 4
 * bits and 13..18 get 5 (13/16 + 6/32 = 1, a complete code). */
static const uint8_t cl_lens_ok[19] = {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5};
static const uint8_t cl_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

/* A dynamic block header: HLIT, HDIST and HCLEN as given (fields, not
 * counts), the code length code lengths cl, then the code length symbols
 * syms[0..nsyms) (pairs: symbol, extra bits value). */
static void dyn_header(bitw *w, int final, unsigned hlit, unsigned hdist, const uint8_t *cl,
                       const unsigned *syms, size_t nsyms)
{
    put_bits(w, (unsigned)final, 1);
    put_bits(w, 2, 2);
    put_bits(w, hlit, 5);
    put_bits(w, hdist, 5);
    put_bits(w, 15, 4); /* all 19 code length code lengths */
    for (int i = 0; i < 19; i++)
        put_bits(w, cl[cl_order[i]], 3);
    unsigned codes[19];
    canonical(cl, 19, codes);
    for (size_t i = 0; i < nsyms; i++) {
        unsigned s = syms[2 * i], x = syms[2 * i + 1];
        put_code(w, codes[s], cl[s]);
        if (s == 16)
            put_bits(w, x, 2);
        else if (s == 17)
            put_bits(w, x, 3);
        else if (s == 18)
            put_bits(w, x, 7);
    }
}

/* Code length symbols that send lens[0..n) one by one (no repeats). */
static size_t plain_syms(const uint8_t *lens, size_t n, unsigned *syms)
{
    for (size_t i = 0; i < n; i++) {
        syms[2 * i] = lens[i];
        syms[2 * i + 1] = 0;
    }
    return n;
}

/* Wraps raw deflate data in a gzip member whose trailer describes want. */
static size_t wrap(const bitw *w, const void *want, size_t want_len, uint8_t *out)
{
    const uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    memcpy(out, head, 10);
    size_t n = bitw_bytes(w);
    memcpy(out + 10, w->buf, n);
    uint32_t crc = nn_crc32(0, want, want_len);
    for (int i = 0; i < 4; i++) {
        out[10 + n + i] = (uint8_t)(crc >> (8 * i));
        out[14 + n + i] = (uint8_t)((uint32_t)want_len >> (8 * i));
    }
    return n + 18;
}

/* The stream decodes to want, and the system's gzip agrees (judge = 1), or
 * gzip is not asked (judge = 0: where gzip and zlib differ). */
static void crafted_ok(const bitw *w, const char *want, int judge, const char *what)
{
    uint8_t z[4096];
    size_t want_len = strlen(want);
    size_t zlen = wrap(w, want, want_len, z);
    expect_data(z, zlen, (const uint8_t *)want, want_len, what);
    if (judge) {
        uint8_t *out;
        size_t n;
        CHECK(system_gunzip(z, zlen, &out, &n));
        CHECK(out && n == want_len && memcmp(out, want, n) == 0);
        free(out);
    }
}

/* The stream is refused with a message containing msg, and by gzip too. */
static void crafted_bad(const bitw *w, const char *msg, int judge)
{
    uint8_t z[4096];
    size_t zlen = wrap(w, "", 0, z);
    expect_reject(z, zlen, msg);
    if (judge) {
        uint8_t *out;
        size_t n;
        CHECK(!system_gunzip(z, zlen, &out, &n));
        free(out);
    }
}

/* Fixed and stored blocks built bit by bit, valid and not. */
static void test_crafted_fixed(void)
{
    bitw w = {0};
    /* "ab", 5 bytes from 2 back (overlapping: "ababa"), "c", 3 bytes from 1
     * back, 4 from 7 back, 3 from 6 back. */
    put_bits(&w, 1, 1);
    put_bits(&w, 1, 2);
    fixed_sym(&w, 'a');
    fixed_sym(&w, 'b');
    fixed_match(&w, 5, 2);
    fixed_sym(&w, 'c');
    fixed_match(&w, 3, 1);
    fixed_match(&w, 4, 7);
    fixed_match(&w, 3, 6);
    fixed_sym(&w, 256);
    crafted_ok(&w, "abababaccccabaccca", 1, "fixed block with overlapping matches");

    /* A stored block (not final), then a fixed block that refers back into it. */
    memset(&w, 0, sizeof w);
    put_bits(&w, 0, 1);
    put_bits(&w, 0, 2);
    w.n++, w.bits = 0; /* to the byte boundary */
    const uint8_t st[9] = {5, 0, 0xFA, 0xFF, 'h', 'e', 'l', 'l', 'o'};
    memcpy(w.buf + w.n, st, 9);
    w.n += 9;
    put_bits(&w, 1, 1);
    put_bits(&w, 1, 2);
    fixed_match(&w, 3, 5);
    fixed_sym(&w, 256);
    crafted_ok(&w, "hellohel", 1, "stored then fixed");

    /* An empty stored block. */
    memset(&w, 0, sizeof w);
    put_bits(&w, 1, 3);
    w.n++, w.bits = 0;
    memcpy(w.buf + w.n, "\0\0\xff\xff", 4);
    w.n += 4;
    crafted_ok(&w, "", 1, "empty stored block");

    /* LEN and NLEN disagree. */
    w.buf[w.n - 1] = 0xFE;
    crafted_bad(&w, "stored block length 0 does not match its complement 65279", 1);

    /* A distance reaching back before the first byte. */
    memset(&w, 0, sizeof w);
    put_bits(&w, 1, 1);
    put_bits(&w, 1, 2);
    fixed_sym(&w, 'a');
    fixed_match(&w, 3, 2);
    fixed_sym(&w, 256);
    crafted_bad(&w, "distance 2 reaches back before the start of the data (1 bytes written)", 1);

    /* Symbols the fixed code has but deflate does not use. */
    memset(&w, 0, sizeof w);
    put_bits(&w, 1, 1);
    put_bits(&w, 1, 2);
    fixed_sym(&w, 'a');
    fixed_sym(&w, 286);
    crafted_bad(&w, "literal/length symbol 286 does not exist", 1);
    memset(&w, 0, sizeof w);
    put_bits(&w, 1, 1);
    put_bits(&w, 1, 2);
    fixed_sym(&w, 'a');
    fixed_sym(&w, 257);
    put_code(&w, 30, 5);
    crafted_bad(&w, "distance symbol 30 does not exist", 1);

    /* Block type 3. */
    memset(&w, 0, sizeof w);
    put_bits(&w, 1, 1);
    put_bits(&w, 3, 2);
    crafted_bad(&w, "block type 3 does not exist", 1);
}

/* Dynamic blocks built bit by bit: a valid one, then each way the code
 * lengths can be wrong. */
static void test_crafted_dynamic(void)
{
    uint8_t lens[286 + 30];
    unsigned syms[2 * 400], codes[316];
    bitw w = {0};

    /* 'a', 'b', end of block and length 3 (symbol 257) with 2 bits each;
     * distances 1 and 2 with 1 bit each. */
    memset(lens, 0, sizeof lens);
    lens['a'] = lens['b'] = lens[256] = lens[257] = 2;
    size_t hlit = 258, hdist = 2;
    lens[hlit + 0] = lens[hlit + 1] = 1;
    size_t ns = plain_syms(lens, hlit + hdist, syms);
    dyn_header(&w, 1, (unsigned)(hlit - 257), (unsigned)(hdist - 1), cl_lens_ok, syms, ns);
    canonical(lens, hlit, codes);
    canonical(lens + hlit, hdist, codes + hlit);
    put_code(&w, codes['a'], 2);
    put_code(&w, codes['b'], 2);
    put_code(&w, codes[257], 2);     /* length 3 */
    put_code(&w, codes[hlit + 1], 1); /* distance 2 */
    put_code(&w, codes[256], 2);
    crafted_ok(&w, "ababa", 1, "dynamic block");

    /* The same with one distance code of one bit (a code zlib accepts). */
    memset(&w, 0, sizeof w);
    lens[hlit + 0] = 0;
    ns = plain_syms(lens, hlit + hdist, syms);
    dyn_header(&w, 1, (unsigned)(hlit - 257), (unsigned)(hdist - 1), cl_lens_ok, syms, ns);
    put_code(&w, codes['a'], 2);
    put_code(&w, codes['b'], 2);
    put_code(&w, codes[257], 2);
    put_code(&w, 0, 1); /* the only distance code: distance 2 */
    put_code(&w, codes[256], 2);
    crafted_ok(&w, "ababa", 0, "dynamic block with a single distance code");
    /* ... where the unused code (bit 1) is invalid. */
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, (unsigned)(hlit - 257), (unsigned)(hdist - 1), cl_lens_ok, syms, ns);
    put_code(&w, codes['a'], 2);
    put_code(&w, codes['b'], 2);
    put_code(&w, codes[257], 2);
    put_code(&w, 1, 1);
    crafted_bad(&w, "invalid distance code", 0);

    /* No distance codes at all, and a length symbol used anyway. */
    memset(&w, 0, sizeof w);
    lens[hlit + 1] = 0;
    ns = plain_syms(lens, hlit + hdist, syms);
    dyn_header(&w, 1, (unsigned)(hlit - 257), (unsigned)(hdist - 1), cl_lens_ok, syms, ns);
    put_code(&w, codes['a'], 2);
    put_code(&w, codes[257], 2);
    put_code(&w, 0, 1);
    crafted_bad(&w, "invalid distance code", 1);

    /* Too many literal/length or distance codes. */
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 30, 0, cl_lens_ok, syms, 0);
    crafted_bad(&w, "287 literal/length codes, at most 286 exist", 1);
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 0, 30, cl_lens_ok, syms, 0);
    crafted_bad(&w, "31 distance codes, at most 30 exist", 1);

    /* The code length code over-subscribed, or incomplete. */
    uint8_t cl[19];
    memset(cl, 1, 19);
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 1, 1, cl, syms, 0);
    crafted_bad(&w, "over-subscribed Huffman code lengths (code length code)", 1);
    memset(cl, 0, 19);
    cl[0] = cl[2] = cl[18] = 2;
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 1, 1, cl, syms, 0);
    crafted_bad(&w, "incomplete Huffman code lengths (code length code)", 1);

    /* Literal/length lengths incomplete: three codes of 2 bits. */
    memset(lens, 0, sizeof lens);
    lens['a'] = lens['b'] = lens[256] = 2;
    lens[257] = lens[258] = 1;
    ns = plain_syms(lens, 257 + 2, syms);
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 0, 1, cl_lens_ok, syms, ns);
    crafted_bad(&w, "incomplete Huffman code lengths (literal/length code)", 1);
    /* ... over-subscribed: five codes of 2 bits. */
    lens['c'] = lens['d'] = 2;
    ns = plain_syms(lens, 257 + 2, syms);
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 0, 1, cl_lens_ok, syms, ns);
    crafted_bad(&w, "over-subscribed Huffman code lengths (literal/length code)", 1);
    /* ... distance code over-subscribed: three codes of 1 bit. */
    lens['c'] = lens['d'] = 0;
    lens['e'] = 2;
    lens[257 + 2] = 1;
    ns = plain_syms(lens, 257 + 3, syms);
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 0, 2, cl_lens_ok, syms, ns);
    crafted_bad(&w, "over-subscribed Huffman code lengths (distance code)", 1);

    /* No end-of-block code. */
    memset(lens, 0, sizeof lens);
    lens['a'] = lens['b'] = 1;
    lens[257] = 1;
    ns = plain_syms(lens, 258, syms);
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 0, 0, cl_lens_ok, syms, ns);
    crafted_bad(&w, "no end-of-block code", 1);

    /* A repeat (16) with nothing to repeat, and repeats (17, 18) running
     * past the 258 lengths declared. */
    unsigned rep0[4] = {16, 0, 0, 0};
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 0, 0, cl_lens_ok, rep0, 1);
    crafted_bad(&w, "code length repeat with no previous length", 1);
    unsigned past[6] = {18, 127, 18, 127, 17, 0};
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 0, 0, cl_lens_ok, past, 3);
    crafted_bad(&w, "code lengths repeat past the 258 codes declared", 1);

    /* Repeats used correctly: the same literal/length code and four distance
     * codes of 2 bits, sent with 18 (11-138 zeros), 17 (3-10 zeros) and 16
     * (repeat the previous length 3-6 times, here across from the last
     * literal/length length into the distance lengths). */
    memset(lens, 0, sizeof lens);
    lens['a'] = lens['b'] = lens[256] = lens[257] = 2;
    memset(lens + 258, 2, 4);
    unsigned runs[] = {18, 'a' - 11, 2, 0, 2, 0, 18, 138 - 11, 17, 10 - 3, 17, 9 - 3,
                       2,  0,        2, 0, 16, 4 - 3};
    memset(&w, 0, sizeof w);
    dyn_header(&w, 1, 1, 3, cl_lens_ok, runs, sizeof runs / sizeof *runs / 2);
    canonical(lens, 258, codes);
    put_code(&w, codes['b'], 2);
    put_code(&w, codes['a'], 2);
    put_code(&w, codes[257], 2);
    put_code(&w, 0, 2); /* distance 1 */
    put_code(&w, codes[256], 2);
    crafted_ok(&w, "baaaa", 1, "dynamic block with repeat codes");
}

/* The bundled MNIST files decode to what `make` unpacked with gzip. */
static void test_mnist(void)
{
    const char *names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    for (int i = 0; i < 4; i++) {
        char gz[128], raw[128];
        snprintf(gz, sizeof gz, "data/%s.gz", names[i]);
        snprintf(raw, sizeof raw, "data/%s", names[i]);
        size_t zlen, rlen;
        uint8_t *z = read_all(gz, &zlen), *r = read_all(raw, &rlen);
        CHECK(z && r);
        if (z && r)
            expect_data(z, zlen, r, rlen, gz);
        free(z);
        free(r);
    }
}

/* Arguments and the API's promises. */
static void test_api(void)
{
    const uint8_t gz[2] = {0x1f, 0x8b};
    CHECK(nn_is_gzip(gz, 2) == 1);
    CHECK(nn_is_gzip(gz, 1) == 0);
    CHECK(nn_is_gzip(NULL, 0) == 0);
    CHECK(nn_is_gzip((const uint8_t *)"\0\0\x08\x03", 4) == 0);
    uint8_t *out = (uint8_t *)"x";
    size_t n = 3;
    nn_error err = {0};
    CHECK(nn_gunzip(NULL, 5, "nothing", &out, &n, &err) == NN_ERR_ARG);
    CHECK(out == NULL && n == 0);
    CHECK_MSG(err.msg, "nothing: ");
    CHECK(nn_gunzip(gz, 2, NULL, &out, &n, &err) == NN_ERR_FORMAT);
    CHECK(strncmp(err.msg, "gzip data: ", 11) == 0);
    CHECK(nn_gunzip(gz, 2, NULL, &out, &n, NULL) == NN_ERR_FORMAT);
    /* Empty contents: a buffer all the same, to free. */
    size_t zlen;
    uint8_t *z = system_gzip("", 0, "-n", &zlen);
    if (z) {
        CHECK(nn_gunzip(z, zlen, "e.gz", &out, &n, &err) == NN_OK);
        CHECK(out != NULL && n == 0);
        free(out);
        free(z);
    }
}

int main(void)
{
    strcpy(dir, "/tmp/nnart-gzip-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_levels);
    RUN(test_max_ratio);
    RUN(test_members);
    RUN(test_header_fields);
    RUN(test_truncated);
    RUN(test_bit_flips);
    RUN(test_corrupt_fields);
    RUN(test_trailing_zeros);
    RUN(test_random_damage);
    RUN(test_crafted_fixed);
    RUN(test_crafted_dynamic);
    RUN(test_mnist);
    RUN(test_api);
    rmdir(dir);
    return t_summary();
}
