/* test_modelfile.c - model files: exact bytes, round trips, every kind of
 * damage the reader must name, and atomic saves. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn_crc.h"
#include "nn_io.h"
#include "nn_modelfile.h"
#include "test.h"

#define BAD "bad.nnm"

static uint32_t f32bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float bitsf32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* Rewrites the trailing CRC-32 so that only the structural damage remains. */
static void fix_crc(uint8_t *buf, size_t len) { put32(buf + len - 4, nn_crc32(0, buf, len - 4)); }

/* Creates a model and fills its parameters with deterministic values that
 * exercise signs, fractions, -0, a subnormal and large magnitudes. */
static int make_model(nn_model *m, size_t L, const size_t *sizes, const nn_activation *act)
{
    nn_error err = {0};
    int rc = nn_model_create(m, L, sizes, act, &err);
    CHECK_OK(rc, &err);
    if (rc)
        return rc;
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = (float)((long)(i * 37 % 101) - 50) / 16.0f + (float)i * 1e-3f;
    m->params[0] = -0.0f;
    if (m->n_params > 2) {
        m->params[1] = bitsf32(0x00000001u); /* smallest subnormal */
        m->params[2] = 3.0e38f;
    }
    return NN_OK;
}

static const size_t sizes3[] = {5, 7, 4, 3};
static const nn_activation act3[] = {NN_ACT_TANH, NN_ACT_SIGMOID, NN_ACT_SOFTMAX};
/* Offsets inside a file of the 3-layer model: 20 + 4 (L+1) + 4 L = 48 bytes of header. */
#define OFF3_SIZES 20
#define OFF3_ACT 36
#define OFF3_INFO 48
#define OFF3_NPARAMS 108
#define OFF3_PARAMS 116
#define P3 89 /* 7*6 + 4*8 + 3*5 */
#define LEN3 (96 + 8 * 3 + 4 * P3)

static nn_train_info sample_info(void)
{
    nn_train_info in;
    memset(&in, 0, sizeof in);
    in.optimizer = NN_OPT_SGD;
    in.loss = NN_LOSS_MSE;
    in.lr = 0.0123f;
    in.epochs = 17;
    in.batch = 33;
    in.seed = 0xFEDCBA9876543210u;
    in.val_split = 0.1f;
    in.n_train = 54000;
    in.train_loss = 0.3456f;
    in.train_accuracy = 0.91f;
    in.val_loss = bitsf32(0x7FC12345u);     /* NaN with a payload */
    in.val_accuracy = bitsf32(0xFFC00000u); /* negative NaN */
    in.test_loss = bitsf32(0x7FC00000u);
    in.test_accuracy = 0.875f;
    return in;
}

/* Encodes the 3-layer model with sample_info into *buf (LEN3 bytes). */
static void encode3(uint8_t **buf, size_t *len)
{
    nn_model m;
    nn_error err = {0};
    nn_train_info in = sample_info();
    *buf = NULL;
    *len = 0;
    if (make_model(&m, 3, sizes3, act3))
        return;
    CHECK_OK(nn_model_encode(&m, &in, buf, len, &err), &err);
    CHECK(*len == LEN3);
    nn_model_free(&m);
}

/* Decoding buf[0, len) must fail with a format error whose message starts
 * with the name and contains sub.  The bytes are copied into an allocation of
 * exactly len bytes so that any read past the end is caught by the sanitizer. */
static void expect_bad(const uint8_t *buf, size_t len, const char *sub)
{
    uint8_t *copy = malloc(len ? len : 1);
    CHECK(copy != NULL);
    if (!copy)
        return;
    if (len)
        memcpy(copy, buf, len);
    nn_model m;
    nn_train_info info;
    nn_error err = {0};
    int rc = nn_model_parse(copy, len, BAD, &m, &info, &err);
    CHECK(rc == NN_ERR_FORMAT);
    CHECK(err.code == NN_ERR_FORMAT);
    CHECK(strncmp(err.msg, BAD ": ", strlen(BAD ": ")) == 0);
    CHECK(strchr(err.msg, '\n') == NULL);
    CHECK_MSG(err.msg, sub);
    CHECK(m.params == NULL && m.n_layers == 0);
    if (rc == NN_OK)
        nn_model_free(&m);
    free(copy);
}

/* The whole file of a 2-1 identity model, written out by hand (CRC from zlib). */
static void test_golden_tiny(void)
{
    static const uint8_t want[116] = {
        'N', 'N', 'A', 'R', 'T', 'M', 'D', 'L', /* magic */
        1, 0, 0, 0,                             /* version */
        0, 0, 0, 0,                             /* flags */
        1, 0, 0, 0,                             /* L */
        2, 0, 0, 0, 1, 0, 0, 0,                 /* sizes 2, 1 */
        0, 0, 0, 0,                             /* identity */
        1, 0, 0, 0,                             /* optimizer: sgd */
        1, 0, 0, 0,                             /* loss: mse */
        0x00, 0x00, 0x80, 0x3E,                 /* lr 0.25 */
        3, 0, 0, 0,                             /* epochs */
        2, 0, 0, 0,                             /* batch */
        8, 7, 6, 5, 4, 3, 2, 1,                 /* seed 0x0102030405060708 */
        0x00, 0x00, 0x00, 0x3F,                 /* val_split 0.5 */
        7, 0, 0, 0,                             /* n_train */
        0x00, 0x00, 0xC0, 0x3F,                 /* train_loss 1.5 */
        0x00, 0x00, 0x40, 0x3F,                 /* train_accuracy 0.75 */
        0x00, 0x00, 0xC0, 0x7F,                 /* val_loss NaN */
        0x00, 0x00, 0xC0, 0x7F,                 /* val_accuracy NaN */
        0x00, 0x00, 0x00, 0x40,                 /* test_loss 2 */
        0x00, 0x00, 0x00, 0x3E,                 /* test_accuracy 0.125 */
        3, 0, 0, 0, 0, 0, 0, 0,                 /* n_params */
        0x00, 0x00, 0x80, 0x3F,                 /* w 1 */
        0x00, 0x00, 0x00, 0xC0,                 /* w -2 */
        0x00, 0x00, 0x00, 0x3F,                 /* b 0.5 */
        0x63, 0xBF, 0x99, 0xF3,                 /* CRC-32 0xF399BF63 */
    };
    size_t sizes[] = {2, 1};
    nn_activation act[] = {NN_ACT_IDENTITY};
    nn_model m;
    nn_error err = {0};
    CHECK_OK(nn_model_create(&m, 1, sizes, act, &err), &err);
    if (!m.params)
        return;
    m.params[0] = 1.0f;
    m.params[1] = -2.0f;
    m.params[2] = 0.5f;
    nn_train_info in;
    memset(&in, 0, sizeof in);
    in.optimizer = NN_OPT_SGD;
    in.loss = NN_LOSS_MSE;
    in.lr = 0.25f;
    in.epochs = 3;
    in.batch = 2;
    in.seed = 0x0102030405060708u;
    in.val_split = 0.5f;
    in.n_train = 7;
    in.train_loss = 1.5f;
    in.train_accuracy = 0.75f;
    in.val_loss = in.val_accuracy = bitsf32(0x7FC00000u);
    in.test_loss = 2.0f;
    in.test_accuracy = 0.125f;
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK_OK(nn_model_encode(&m, &in, &buf, &len, &err), &err);
    CHECK(len == sizeof want);
    CHECK(buf && len == sizeof want && memcmp(buf, want, len) == 0);

    /* And the hand-written file decodes to the same model. */
    nn_model d;
    nn_train_info out;
    CHECK_OK(nn_model_parse(want, sizeof want, "golden", &d, &out, &err), &err);
    CHECK(d.n_layers == 1 && d.sizes[0] == 2 && d.sizes[1] == 1 && d.act[0] == NN_ACT_IDENTITY);
    CHECK(d.n_params == 3 && d.params && d.params[0] == 1.0f && d.params[1] == -2.0f &&
          d.params[2] == 0.5f);
    CHECK(out.optimizer == NN_OPT_SGD && out.loss == NN_LOSS_MSE && out.lr == 0.25f);
    CHECK(out.seed == 0x0102030405060708u && out.n_train == 7 && isnan(out.val_loss));
    nn_model_free(&d);
    free(buf);
    nn_model_free(&m);
}

/* The first header bytes and the size of the MNIST model's file, with no
 * metadata: zero settings and NaN (0x7FC00000) metrics. */
static void test_golden_mnist_header(void)
{
    static const uint8_t head[] = {
        'N', 'N', 'A', 'R', 'T', 'M', 'D', 'L', 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0,
        0x10, 0x03, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, /* 784 10 10 10 */
        1, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0,                     /* relu relu softmax */
    };
    size_t sizes[] = {784, 10, 10, 10};
    nn_activation act[] = {NN_ACT_RELU, NN_ACT_RELU, NN_ACT_SOFTMAX};
    nn_model m;
    nn_error err = {0};
    CHECK_OK(nn_model_create(&m, 3, sizes, act, &err), &err);
    if (!m.params)
        return;
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK_OK(nn_model_encode(&m, NULL, &buf, &len, &err), &err);
    /* 96 + 8*3 + 4 * (10*785 + 10*11 + 10*11) */
    CHECK(len == 32400);
    if (buf && len == 32400) {
        CHECK(memcmp(buf, head, sizeof head) == 0);
        static const uint8_t zeros[36] = {0};
        CHECK(memcmp(buf + 48, zeros, sizeof zeros) == 0); /* settings */
        for (size_t i = 0; i < 6; i++)
            CHECK(nn_load_u32le(buf + 84 + 4 * i) == 0x7FC00000u); /* metrics */
        CHECK(nn_load_u64le(buf + 108) == 8070);
        CHECK(nn_load_u32le(buf + len - 4) == nn_crc32(0, buf, len - 4));
    }
    free(buf);
    nn_model_free(&m);
}

/* Parameters and metadata come back bit for bit. */
static void test_roundtrip(void)
{
    nn_model m, d;
    nn_error err = {0};
    nn_train_info in = sample_info(), out;
    if (make_model(&m, 3, sizes3, act3))
        return;
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK_OK(nn_model_encode(&m, &in, &buf, &len, &err), &err);
    memset(&out, 0xAB, sizeof out);
    CHECK_OK(nn_model_parse(buf, len, "rt", &d, &out, &err), &err);
    CHECK(d.n_layers == 3 && d.n_params == m.n_params && d.n_params == P3);
    for (size_t l = 0; l <= 3; l++)
        CHECK(d.sizes[l] == sizes3[l]);
    for (size_t l = 0; l < 3; l++)
        CHECK(d.act[l] == act3[l]);
    CHECK(d.params && memcmp(d.params, m.params, P3 * sizeof(float)) == 0);
    CHECK(d.params && f32bits(d.params[0]) == 0x80000000u && f32bits(d.params[1]) == 1u);
    CHECK(out.optimizer == in.optimizer && out.loss == in.loss);
    CHECK(f32bits(out.lr) == f32bits(in.lr) && f32bits(out.val_split) == f32bits(in.val_split));
    CHECK(out.epochs == 17 && out.batch == 33 && out.n_train == 54000);
    CHECK(out.seed == 0xFEDCBA9876543210u);
    CHECK(f32bits(out.train_loss) == f32bits(in.train_loss));
    CHECK(f32bits(out.train_accuracy) == f32bits(in.train_accuracy));
    CHECK(f32bits(out.val_loss) == 0x7FC12345u);
    CHECK(f32bits(out.val_accuracy) == 0xFFC00000u);
    CHECK(f32bits(out.test_loss) == 0x7FC00000u);
    CHECK(f32bits(out.test_accuracy) == f32bits(0.875f));
    nn_model_free(&d);

    /* info may be NULL on both sides. */
    CHECK_OK(nn_model_parse(buf, len, NULL, &d, NULL, &err), &err);
    CHECK(d.params && memcmp(d.params, m.params, P3 * sizeof(float)) == 0);
    nn_model_free(&d);
    free(buf);

    CHECK_OK(nn_model_encode(&m, NULL, &buf, &len, &err), &err);
    CHECK_OK(nn_model_parse(buf, len, "rt", &d, &out, &err), &err);
    CHECK(out.optimizer == 0 && out.loss == 0 && out.lr == 0.0f && out.epochs == 0 &&
          out.batch == 0 && out.seed == 0 && out.val_split == 0.0f && out.n_train == 0);
    CHECK(f32bits(out.train_loss) == 0x7FC00000u && f32bits(out.test_accuracy) == 0x7FC00000u);
    nn_model_free(&d);
    free(buf);
    nn_model_free(&m);
}

/* Identical input gives identical bytes, also after a round trip. */
static void test_deterministic(void)
{
    uint8_t *a, *b, *c;
    size_t la, lb, lc;
    nn_model m, d;
    nn_error err = {0};
    nn_train_info in = sample_info(), out;
    if (make_model(&m, 3, sizes3, act3))
        return;
    CHECK_OK(nn_model_encode(&m, &in, &a, &la, &err), &err);
    CHECK_OK(nn_model_encode(&m, &in, &b, &lb, &err), &err);
    CHECK(la == lb && a && b && memcmp(a, b, la) == 0);
    CHECK_OK(nn_model_parse(a, la, "det", &d, &out, &err), &err);
    CHECK_OK(nn_model_encode(&d, &out, &c, &lc, &err), &err);
    CHECK(la == lc && c && memcmp(a, c, la) == 0);
    free(a);
    free(b);
    free(c);
    nn_model_free(&d);
    nn_model_free(&m);
}

/* Every proper prefix of a file is refused, and nothing is read past its end. */
static void test_truncated(void)
{
    uint8_t *buf;
    size_t len;
    encode3(&buf, &len);
    if (!buf)
        return;
    for (size_t n = 0; n < len; n++)
        expect_bad(buf, n, n < 8 ? "too short" : "truncated");
    expect_bad(buf, 10, "ends inside the format version");
    expect_bad(buf, 30, "ends inside the layer sizes");
    expect_bad(buf, 40, "ends inside the activation codes");
    expect_bad(buf, 100, "ends inside the training metadata");
    expect_bad(buf, 110, "ends inside the parameter count");
    expect_bad(buf, len - 1, "truncated: 475 bytes, but a 5-7-4-3 model file has 476");
    free(buf);
}

static void test_trailing(void)
{
    uint8_t *buf;
    size_t len;
    encode3(&buf, &len);
    if (!buf)
        return;
    uint8_t *big = calloc(len + 5, 1);
    CHECK(big != NULL);
    if (big) {
        memcpy(big, buf, len);
        expect_bad(big, len + 1, "trailing data: 1 byte after the checksum");
        expect_bad(big, len + 5, "trailing data: 5 bytes after the checksum");
        /* Even if the extra bytes are covered by a valid checksum. */
        fix_crc(big, len + 4);
        expect_bad(big, len + 4, "trailing data: 4 bytes");
    }
    free(big);
    free(buf);
}

static void test_bad_magic(void)
{
    uint8_t *buf;
    size_t len;
    encode3(&buf, &len);
    if (!buf)
        return;
    buf[0] = 'M';
    expect_bad(buf, len, "not an nnart model file");
    fix_crc(buf, len);
    expect_bad(buf, len, "not an nnart model file");
    static const uint8_t png[16] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    expect_bad(png, sizeof png, "not an nnart model file");
    expect_bad((const uint8_t *)"NNART", 5, "too short (5 bytes)");
    free(buf);
}

static void test_version_and_flags(void)
{
    uint8_t *buf;
    size_t len;
    encode3(&buf, &len);
    if (!buf)
        return;
    put32(buf + 8, 2);
    expect_bad(buf, len, "format version 2; this nnart reads version 1");
    fix_crc(buf, len);
    expect_bad(buf, len, "format version 2; this nnart reads version 1");
    put32(buf + 8, 7);
    fix_crc(buf, len);
    expect_bad(buf, len, "format version 7; this nnart reads version 1");
    put32(buf + 8, 0);
    fix_crc(buf, len);
    expect_bad(buf, len, "format version 0;");
    put32(buf + 8, 1);
    put32(buf + 12, 4);
    fix_crc(buf, len);
    expect_bad(buf, len, "unknown header flags 0x00000004");
    free(buf);
}

/* Each structural field, damaged with the checksum made valid again, is named. */
static void test_structure(void)
{
    struct {
        size_t off;
        int wide; /* 8-byte field */
        uint64_t value;
        const char *msg;
    } cases[] = {
        {16, 0, 0, "0 layers; between 1 and 16"},
        {16, 0, 17, "17 layers; between 1 and 16"},
        {16, 0, 0xFFFFFFFFu, "4294967295 layers"},
        /* With L = 2 every later field shifts by 8 bytes: sizes[3] and act[0]
         * (3, 3) pass as activations, act[1] (sigmoid, 2) lands on the optimizer. */
        {16, 0, 2, "unknown optimizer code 2"},
        {OFF3_SIZES, 0, 0, "0 inputs; between 1 and 65536 are supported"},
        {OFF3_SIZES + 8, 0, 65537, "layer 2 has width 65537; between 1 and 65536"},
        {OFF3_SIZES + 12, 0, 0xFFFFFFFFu, "layer 3 has width 4294967295"},
        {OFF3_ACT, 0, 7, "layer 1 has unknown activation code 7"},
        {OFF3_ACT + 8, 0, 0x80000000u, "layer 3 has unknown activation code 2147483648"},
        {OFF3_ACT + 4, 0, NN_ACT_SOFTMAX, "softmax on layer 2 of 3; only the last layer"},
        {OFF3_INFO, 0, 2, "unknown optimizer code 2"},
        {OFF3_INFO + 4, 0, 9, "unknown loss code 9"},
        {OFF3_INFO + 8, 0, 0x7FC00000u, "learning rate nan is not a finite number"},
        {OFF3_INFO + 8, 0, 0xBF800000u, "learning rate -1 is not"},
        {OFF3_INFO + 28, 0, 0x3F800000u, "validation split 1 is outside [0, 1)"},
        {OFF3_NPARAMS, 1, P3 + 1, "90 parameters stored, but a 5-7-4-3 model has 89"},
        {OFF3_NPARAMS, 1, P3 - 1, "88 parameters stored"},
        {OFF3_NPARAMS, 1, UINT64_MAX, "18446744073709551615 parameters stored"},
    };
    uint8_t *buf;
    size_t len;
    encode3(&buf, &len);
    if (!buf)
        return;
    uint8_t *bad = malloc(len);
    CHECK(bad != NULL);
    for (size_t i = 0; bad && i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(bad, buf, len);
        if (cases[i].wide)
            put64(bad + cases[i].off, cases[i].value);
        else
            put32(bad + cases[i].off, (uint32_t)cases[i].value);
        fix_crc(bad, len);
        expect_bad(bad, len, cases[i].msg);
    }
    /* Without a repaired checksum the precise message still wins. */
    if (bad) {
        memcpy(bad, buf, len);
        put32(bad + OFF3_ACT + 4, 8);
        expect_bad(bad, len, "layer 2 has unknown activation code 8");
    }
    free(bad);
    free(buf);
}

static void test_checksum(void)
{
    uint8_t *buf;
    size_t len;
    encode3(&buf, &len);
    if (!buf)
        return;
    size_t where[] = {OFF3_PARAMS, OFF3_PARAMS + 7, len - 5, OFF3_INFO + 12, OFF3_INFO + 56,
                      len - 1};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        buf[where[i]] ^= 0x10;
        expect_bad(buf, len, "checksum mismatch: file is corrupted");
        buf[where[i]] ^= 0x10;
    }
    /* No single damaged byte anywhere is ever accepted. */
    static const uint8_t masks[] = {0x01, 0x80, 0xFF, 0x5A};
    for (size_t pos = 0; pos < len; pos++)
        for (size_t k = 0; k < sizeof masks; k++) {
            buf[pos] ^= masks[k];
            nn_model m;
            nn_error err = {0};
            int rc = nn_model_parse(buf, len, BAD, &m, NULL, &err);
            CHECK(rc == NN_ERR_FORMAT);
            if (rc == NN_OK)
                nn_model_free(&m);
            buf[pos] ^= masks[k];
        }
    free(buf);
}

static void test_nonfinite_params(void)
{
    uint8_t *buf;
    size_t len;
    encode3(&buf, &len);
    if (!buf)
        return;
    put32(buf + OFF3_PARAMS + 4 * 5, 0x7F800000u); /* +inf */
    fix_crc(buf, len);
    expect_bad(buf, len, "parameter 5 is not finite (inf)");
    put32(buf + OFF3_PARAMS + 4 * 5, 0x3F800000u);
    put32(buf + OFF3_PARAMS + 4 * (P3 - 1), 0xFFC00000u); /* NaN */
    fix_crc(buf, len);
    expect_bad(buf, len, "parameter 88 is not finite");
    free(buf);
}

/* The writer refuses what the reader would refuse. */
static void test_encode_rejects(void)
{
    nn_model m;
    nn_error err = {0};
    uint8_t *buf = (uint8_t *)&err;
    size_t len = 1;
    if (make_model(&m, 3, sizes3, act3))
        return;
    m.params[3] = bitsf32(0x7FC00000u);
    CHECK(nn_model_encode(&m, NULL, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "model: parameter 3 is not finite");
    CHECK(buf == NULL && len == 0);
    m.params[3] = 1.0f;

    nn_train_info in = sample_info();
    in.optimizer = (nn_optimizer_kind)7;
    CHECK(nn_model_encode(&m, &in, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "unknown optimizer code 7");
    in = sample_info();
    in.loss = (nn_loss_kind)3;
    CHECK(nn_model_encode(&m, &in, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "unknown loss code 3");
    in = sample_info();
    in.lr = bitsf32(0x7F800000u);
    CHECK(nn_model_encode(&m, &in, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "learning rate inf");
    in = sample_info();
    in.val_split = 1.0f;
    CHECK(nn_model_encode(&m, &in, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "validation split 1 is outside");

    m.n_layers = 0;
    CHECK(nn_model_encode(&m, NULL, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "model: 0 layers; between 1 and 16 are supported");
    m.n_layers = 3;
    m.sizes[2] = 65537;
    CHECK(nn_model_encode(&m, NULL, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "model: layer 2 has width 65537; between 1 and 65536");
    m.sizes[2] = sizes3[2];
    m.act[1] = (nn_activation)9;
    CHECK(nn_model_encode(&m, NULL, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "model: layer 2 has unknown activation code 9");
    m.act[1] = act3[1];
    m.act[0] = NN_ACT_SOFTMAX;
    CHECK(nn_model_encode(&m, NULL, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "softmax on layer 1 of 3");
    m.act[0] = NN_ACT_TANH;
    m.n_params--;
    CHECK(nn_model_encode(&m, NULL, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "88 parameters do not match");
    m.n_params++;
    CHECK(buf == NULL);
    nn_model_free(&m);
}

/* ---- files ---- */

static char tmpdir[64];

static int make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/nnart-modelfile-XXXXXX");
    CHECK(mkdtemp(tmpdir) != NULL);
    return tmpdir[0] && access(tmpdir, F_OK) == 0 ? 0 : -1;
}

/* Number of entries in dir other than . and .. (-1 if it cannot be read). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* Removes the files in dir (one level) and dir itself. */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            chmod(path, 0700);
            remove_tree(path);
        } else {
            unlink(path);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* 1 if the file at path holds exactly buf[0, len). */
static int file_equals(const char *path, const uint8_t *buf, size_t len)
{
    uint8_t *got;
    size_t n;
    nn_error err = {0};
    if (nn_read_file(path, &got, &n, (size_t)1 << 30, &err) != NN_OK)
        return 0;
    int same = n == len && memcmp(got, buf, len) == 0;
    free(got);
    return same;
}

static void test_save_load(void)
{
    if (make_tmpdir())
        return;
    char path[128];
    snprintf(path, sizeof path, "%s/model.nnm", tmpdir);
    nn_model m, d;
    nn_error err = {0};
    nn_train_info in = sample_info(), out;
    if (make_model(&m, 3, sizes3, act3) == NN_OK) {
        uint8_t *buf;
        size_t len;
        CHECK_OK(nn_model_encode(&m, &in, &buf, &len, &err), &err);
        CHECK_OK(nn_model_save(path, &m, &in, &err), &err);
        CHECK(file_equals(path, buf, len));
        CHECK(count_entries(tmpdir) == 1);
        CHECK_OK(nn_model_load(path, &d, &out, &err), &err);
        CHECK(d.n_params == P3 && d.params && memcmp(d.params, m.params, P3 * sizeof(float)) == 0);
        CHECK(f32bits(out.val_loss) == 0x7FC12345u && out.seed == in.seed);
        nn_model_free(&d);

        /* Damage on disk is reported with the path. */
        buf[OFF3_PARAMS + 3] ^= 1;
        CHECK_OK(nn_write_file_atomic(path, buf, len, &err), &err);
        CHECK(nn_model_load(path, &d, &out, &err) == NN_ERR_FORMAT);
        CHECK(strncmp(err.msg, path, strlen(path)) == 0);
        CHECK_MSG(err.msg, ": checksum mismatch: file is corrupted");
        CHECK(d.params == NULL);
        free(buf);

        char missing[160];
        snprintf(missing, sizeof missing, "%s/absent.nnm", tmpdir);
        CHECK(nn_model_load(missing, &d, &out, &err) == NN_ERR_IO);
        CHECK(strncmp(err.msg, missing, strlen(missing)) == 0);
        CHECK(nn_model_load(tmpdir, &d, &out, &err) == NN_ERR_IO);
        CHECK_MSG(err.msg, "is a directory");
        nn_model_free(&m);
    }
    remove_tree(tmpdir);
}

static void test_save_missing_dir(void)
{
    if (make_tmpdir())
        return;
    char path[160];
    snprintf(path, sizeof path, "%s/no/such/dir/model.nnm", tmpdir);
    nn_model m;
    nn_error err = {0};
    if (make_model(&m, 3, sizes3, act3) == NN_OK) {
        CHECK(nn_model_save(path, &m, NULL, &err) == NN_ERR_IO);
        CHECK(err.code == NN_ERR_IO);
        CHECK(strncmp(err.msg, path, strlen(path)) == 0);
        CHECK(count_entries(tmpdir) == 0);
        nn_model_free(&m);
    }
    remove_tree(tmpdir);
}

/* Saving over a longer file leaves exactly the new bytes. */
static void test_save_replaces(void)
{
    if (make_tmpdir())
        return;
    char path[128];
    snprintf(path, sizeof path, "%s/model.nnm", tmpdir);
    size_t old_len = 100000;
    uint8_t *old = malloc(old_len);
    nn_model m;
    nn_error err = {0};
    if (old && make_model(&m, 3, sizes3, act3) == NN_OK) {
        memset(old, 0xEE, old_len);
        CHECK_OK(nn_write_file_atomic(path, old, old_len, &err), &err);
        uint8_t *buf;
        size_t len;
        CHECK_OK(nn_model_encode(&m, NULL, &buf, &len, &err), &err);
        CHECK_OK(nn_model_save(path, &m, NULL, &err), &err);
        CHECK(file_equals(path, buf, len));
        CHECK(count_entries(tmpdir) == 1);
        free(buf);
        nn_model_free(&m);
    }
    free(old);
    remove_tree(tmpdir);
}

/* Failed saves leave the previous file byte-identical and no temporary file. */
static void test_failed_save_keeps_old(void)
{
    if (make_tmpdir())
        return;
    char sub[96], path[128];
    snprintf(sub, sizeof sub, "%s/models", tmpdir);
    snprintf(path, sizeof path, "%s/model.nnm", sub);
    CHECK(mkdir(sub, 0700) == 0);
    static const uint8_t old[] = "the previous model file";
    nn_model m;
    nn_error err = {0};
    CHECK_OK(nn_write_file_atomic(path, old, sizeof old, &err), &err);
    if (make_model(&m, 3, sizes3, act3) == NN_OK) {
        /* The encoder refuses: nothing is written. */
        float keep = m.params[4];
        m.params[4] = bitsf32(0x7F800000u);
        CHECK(nn_model_save(path, &m, NULL, &err) == NN_ERR_ARG);
        CHECK(strncmp(err.msg, path, strlen(path)) == 0);
        CHECK(file_equals(path, old, sizeof old));
        CHECK(count_entries(sub) == 1);
        m.params[4] = keep;

        /* The write itself fails halfway: a file size limit applies even to
         * root.  LEN3 bytes do not fit under a 64-byte limit. */
        struct rlimit saved, small;
        void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
        if (getrlimit(RLIMIT_FSIZE, &saved) == 0) {
            small = saved;
            small.rlim_cur = 64;
            if (setrlimit(RLIMIT_FSIZE, &small) == 0) {
                int rc = nn_model_save(path, &m, NULL, &err);
                setrlimit(RLIMIT_FSIZE, &saved);
                CHECK(rc == NN_ERR_IO);
                CHECK(strncmp(err.msg, path, strlen(path)) == 0);
                CHECK(file_equals(path, old, sizeof old));
                CHECK(count_entries(sub) == 1);
            }
        }
        signal(SIGXFSZ, prev);

        /* A directory that may not be written (root ignores the permission). */
        if (geteuid() != 0 && chmod(sub, 0500) == 0) {
            CHECK(nn_model_save(path, &m, NULL, &err) == NN_ERR_IO);
            chmod(sub, 0700);
            CHECK(file_equals(path, old, sizeof old));
            CHECK(count_entries(sub) == 1);
        }
        nn_model_free(&m);
    }
    remove_tree(tmpdir);
}

int main(void)
{
    RUN(test_golden_tiny);
    RUN(test_golden_mnist_header);
    RUN(test_roundtrip);
    RUN(test_deterministic);
    RUN(test_truncated);
    RUN(test_trailing);
    RUN(test_bad_magic);
    RUN(test_version_and_flags);
    RUN(test_structure);
    RUN(test_checksum);
    RUN(test_nonfinite_params);
    RUN(test_encode_rejects);
    RUN(test_save_load);
    RUN(test_save_missing_dir);
    RUN(test_save_replaces);
    RUN(test_failed_save_keeps_old);
    return t_summary();
}
