/* modelfile.c - saving and loading models (see nn_modelfile.h).
 *
 * Layout of version 1, all fields little-endian (README.md, "Model files"):
 *   magic "NNARTMDL", u32 version, u32 flags (NN_MODEL_FLAG_IMPORTED or 0), u32 L,
 *   (L+1) u32 sizes, L u32 activation codes,
 *   training metadata (60 bytes, see put_info),
 *   u64 n_params, n_params f32 parameters in model layout,
 *   u32 CRC-32 of every byte before it.
 * A file of L layers and P parameters is therefore 96 + 8 L + 4 P bytes.
 *
 * The reader checks the structure field by field with a cursor that never
 * moves past the end of the buffer, so a damaged file gets a message naming
 * the first field that is wrong; the checksum is compared once the whole
 * structure (including the exact length) is known to be sound.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn_crc.h"
#include "nn_io.h"
#include "nn_modelfile.h"

#define MAGIC_LEN 8
#define INFO_BYTES 60u        /* the training metadata block */
#define FIXED_BYTES 96u       /* everything but the per-layer fields and parameters */
#define NAN_BITS 0x7FC00000u  /* the quiet NaN written for "not measured" */

/* Parameters of the largest model the format allows:
 * P_max = NN_MAX_LAYERS * NN_MAX_WIDTH * (NN_MAX_WIDTH + 1). */
#define MAX_FILE_BYTES                                                                     \
    ((uint64_t)FIXED_BYTES + 8u * NN_MAX_LAYERS +                                          \
     4u * (uint64_t)NN_MAX_LAYERS * NN_MAX_WIDTH * (NN_MAX_WIDTH + 1u))

/* Number of parameters of an architecture: sum over l of sizes[l+1] (sizes[l] + 1).
 * With widths <= NN_MAX_WIDTH and L <= NN_MAX_LAYERS it is below 2^37. */
static uint64_t count_params(size_t L, const size_t *sizes)
{
    uint64_t n = 0;
    for (size_t l = 0; l < L; l++)
        n += (uint64_t)sizes[l + 1] * (sizes[l] + 1);
    return n;
}

/* Writes "784-10-10-10" into s (of size cap). */
static void format_arch(char *s, size_t cap, size_t L, const size_t *sizes)
{
    size_t used = 0;
    s[0] = '\0';
    for (size_t l = 0; l <= L && used < cap; l++) {
        int n = snprintf(s + used, cap - used, l ? "-%zu" : "%zu", sizes[l]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* nn_arch_check, failing with code and the file's name in front of its message. */
static int check_arch(size_t L, const size_t *sizes, const nn_activation *act, int code,
                      const char *name, nn_error *err)
{
    nn_error why = {0};
    if (nn_arch_check(L, sizes, act, &why) != NN_OK)
        return nn_fail(err, code, "%s: %s", name, why.msg);
    return NN_OK;
}

/* The settings in info that a model file must hold valid (metrics may be
 * anything, NaN = unknown).  The writer checks them with code NN_ERR_ARG and
 * the reader with NN_ERR_FORMAT, so that nnart never writes a file it would
 * refuse to read.  Codes are shown as the u32 the file stores. */
static int check_settings(const nn_train_info *info, int code, const char *name, nn_error *err)
{
    uint32_t opt = (uint32_t)info->optimizer, loss = (uint32_t)info->loss;
    if (opt != NN_OPT_ADAM && opt != NN_OPT_SGD)
        return nn_fail(err, code, "%s: unknown optimizer code %" PRIu32, name, opt);
    if (loss != NN_LOSS_XENT && loss != NN_LOSS_MSE)
        return nn_fail(err, code, "%s: unknown loss code %" PRIu32, name, loss);
    if (!isfinite(info->lr) || info->lr < 0.0f)
        return nn_fail(err, code, "%s: learning rate %g is not a finite number >= 0", name,
                       (double)info->lr);
    if (!(info->val_split >= 0.0f && info->val_split < 1.0f))
        return nn_fail(err, code, "%s: validation split %g is outside [0, 1)", name,
                       (double)info->val_split);
    return NN_OK;
}

/* The 60-byte training metadata block, in file order. */
static void put_info(nn_buf *b, const nn_train_info *info)
{
    nn_buf_put_u32le(b, (uint32_t)info->optimizer);
    nn_buf_put_u32le(b, (uint32_t)info->loss);
    nn_buf_put_f32le(b, info->lr);
    nn_buf_put_u32le(b, info->epochs);
    nn_buf_put_u32le(b, info->batch);
    nn_buf_put_u64le(b, info->seed);
    nn_buf_put_f32le(b, info->val_split);
    nn_buf_put_u32le(b, info->n_train);
    nn_buf_put_f32le(b, info->train_loss);
    nn_buf_put_f32le(b, info->train_accuracy);
    nn_buf_put_f32le(b, info->val_loss);
    nn_buf_put_f32le(b, info->val_accuracy);
    nn_buf_put_f32le(b, info->test_loss);
    nn_buf_put_f32le(b, info->test_accuracy);
}

/* The metadata of a model whose training is unknown: zero settings, NaN metrics
 * (always the same NaN bits, so that such files are reproducible too). */
void nn_train_info_unknown(nn_train_info *info)
{
    float nan;
    uint32_t bits = NAN_BITS;
    memcpy(&nan, &bits, sizeof nan);
    memset(info, 0, sizeof *info);
    info->optimizer = NN_OPT_ADAM;
    info->loss = NN_LOSS_XENT;
    info->train_loss = info->train_accuracy = nan;
    info->val_loss = info->val_accuracy = nan;
    info->test_loss = info->test_accuracy = nan;
}

/* Checks that m and info can be written as a file that the reader accepts. */
static int check_model(const nn_model *m, const nn_train_info *info, const char *name,
                       nn_error *err)
{
    int rc = check_arch(m->n_layers, m->sizes, m->act, NN_ERR_ARG, name, err);
    if (rc != NN_OK)
        return rc;
    if ((uint64_t)m->n_params != count_params(m->n_layers, m->sizes) || !m->params)
        return nn_fail(err, NN_ERR_ARG, "%s: %zu parameters do not match the architecture", name,
                       m->n_params);
    for (size_t i = 0; i < m->n_params; i++)
        if (!isfinite(m->params[i]))
            return nn_fail(err, NN_ERR_ARG, "%s: parameter %zu is not finite (%g)", name, i,
                           (double)m->params[i]);
    return check_settings(info, NN_ERR_ARG, name, err);
}

/* nn_model_encode with the name to use in messages. */
static int encode(const nn_model *m, const nn_train_info *info, const char *name, uint8_t **out,
                  size_t *len, nn_error *err)
{
    *out = NULL;
    *len = 0;
    nn_train_info unknown;
    if (!info) {
        nn_train_info_unknown(&unknown);
        info = &unknown;
    }
    int rc = check_model(m, info, name, err);
    if (rc != NN_OK)
        return rc;

    size_t L = m->n_layers;
    nn_buf b = {0};
    nn_buf_put(&b, NN_MODEL_MAGIC, MAGIC_LEN);
    nn_buf_put_u32le(&b, NN_MODEL_VERSION);
    nn_buf_put_u32le(&b, info->imported ? NN_MODEL_FLAG_IMPORTED : 0); /* header flags */
    nn_buf_put_u32le(&b, (uint32_t)L);
    for (size_t l = 0; l <= L; l++)
        nn_buf_put_u32le(&b, (uint32_t)m->sizes[l]);
    for (size_t l = 0; l < L; l++)
        nn_buf_put_u32le(&b, (uint32_t)m->act[l]);
    put_info(&b, info);
    nn_buf_put_u64le(&b, (uint64_t)m->n_params);
    for (size_t i = 0; i < m->n_params; i++)
        nn_buf_put_f32le(&b, m->params[i]);
    if (!b.failed)
        nn_buf_put_u32le(&b, nn_crc32(0, b.data, b.len));
    if (b.failed) {
        nn_buf_free(&b);
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory encoding %zu parameters", name,
                       m->n_params);
    }
    *out = b.data;
    *len = b.len;
    return NN_OK;
}

int nn_model_encode(const nn_model *m, const nn_train_info *info, uint8_t **out, size_t *len,
                    nn_error *err)
{
    return encode(m, info, "model", out, len, err);
}

/* A bounds-checked cursor over the file image. */
typedef struct reader {
    const uint8_t *buf;
    size_t len, pos;
    const char *name;
    nn_error *err;
} reader;

/* Fails unless n more bytes remain; what names the field for the message. */
static int need(reader *r, size_t n, const char *what)
{
    if (r->len - r->pos < n)
        return nn_fail(r->err, NN_ERR_FORMAT, "%s: truncated: the file (%zu bytes) ends inside %s",
                       r->name, r->len, what);
    return NN_OK;
}

static uint32_t get_u32(reader *r)
{
    uint32_t v = nn_load_u32le(r->buf + r->pos);
    r->pos += 4;
    return v;
}

static uint64_t get_u64(reader *r)
{
    uint64_t v = nn_load_u64le(r->buf + r->pos);
    r->pos += 8;
    return v;
}

static float get_f32(reader *r)
{
    float v = nn_load_f32le(r->buf + r->pos);
    r->pos += 4;
    return v;
}

/* The magic, the format version and the header flags (*flags). */
static int read_header(reader *r, uint32_t *flags)
{
    if (r->len < MAGIC_LEN)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: too short (%zu bytes) to be an nnart model file", r->name, r->len);
    if (memcmp(r->buf, NN_MODEL_MAGIC, MAGIC_LEN) != 0)
        return nn_fail(r->err, NN_ERR_FORMAT, "%s: not an nnart model file (no \"%s\" magic)",
                       r->name, NN_MODEL_MAGIC);
    r->pos = MAGIC_LEN;
    int rc = need(r, 4, "the format version");
    if (rc != NN_OK)
        return rc;
    uint32_t version = get_u32(r);
    if (version != NN_MODEL_VERSION)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: format version %" PRIu32 "; this nnart reads version %u", r->name,
                       version, NN_MODEL_VERSION);
    if ((rc = need(r, 4, "the header flags")) != NN_OK)
        return rc;
    *flags = get_u32(r);
    if (*flags & ~(uint32_t)NN_MODEL_FLAG_IMPORTED)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: unknown header flags 0x%08" PRIx32 "; this nnart knows only "
                       "0x%08x (imported)",
                       r->name, *flags & ~(uint32_t)NN_MODEL_FLAG_IMPORTED,
                       NN_MODEL_FLAG_IMPORTED);
    return NN_OK;
}

/* The layer count, the L + 1 widths and the L activation codes, checked by
 * nn_arch_check.  The count is checked as soon as it is read, since it
 * bounds the arrays that follow (nn_arch_check looks at no array when the
 * count is out of range). */
static int read_arch(reader *r, size_t *L, size_t *sizes, nn_activation *act)
{
    int rc = need(r, 4, "the layer count");
    if (rc != NN_OK)
        return rc;
    uint32_t L32 = get_u32(r);
    if (L32 < 1 || L32 > NN_MAX_LAYERS)
        return check_arch(L32, NULL, NULL, NN_ERR_FORMAT, r->name, r->err);
    *L = L32;
    if ((rc = need(r, 4 * (*L + 1), "the layer sizes")) != NN_OK)
        return rc;
    for (size_t l = 0; l <= *L; l++)
        sizes[l] = get_u32(r);
    if ((rc = need(r, 4 * *L, "the activation codes")) != NN_OK)
        return rc;
    for (size_t l = 0; l < *L; l++)
        act[l] = (nn_activation)get_u32(r);
    return check_arch(*L, sizes, act, NN_ERR_FORMAT, r->name, r->err);
}

/* Reads and checks the metadata block into info. */
static int read_info(reader *r, nn_train_info *info)
{
    memset(info, 0, sizeof *info);
    int rc = need(r, INFO_BYTES, "the training metadata");
    if (rc != NN_OK)
        return rc;
    info->optimizer = (nn_optimizer_kind)get_u32(r);
    info->loss = (nn_loss_kind)get_u32(r);
    info->lr = get_f32(r);
    info->epochs = get_u32(r);
    info->batch = get_u32(r);
    info->seed = get_u64(r);
    info->val_split = get_f32(r);
    info->n_train = get_u32(r);
    info->train_loss = get_f32(r);
    info->train_accuracy = get_f32(r);
    info->val_loss = get_f32(r);
    info->val_accuracy = get_f32(r);
    info->test_loss = get_f32(r);
    info->test_accuracy = get_f32(r);
    return check_settings(info, NN_ERR_FORMAT, r->name, r->err);
}

/* The parameter count, which the architecture fixes, and with it the file's
 * exact length: 96 + 8 L + 4 P bytes (below 2^39, no overflow). */
static int read_param_count(reader *r, size_t L, const size_t *sizes, size_t *P)
{
    char arch[NN_MAX_LAYERS * 6 + 8];
    format_arch(arch, sizeof arch, L, sizes);
    int rc = need(r, 8, "the parameter count");
    if (rc != NN_OK)
        return rc;
    uint64_t n_params = get_u64(r), want = count_params(L, sizes);
    if (n_params != want)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: %" PRIu64 " parameters stored, but a %s model has %" PRIu64, r->name,
                       n_params, arch, want);
    uint64_t expect = FIXED_BYTES + 8u * (uint64_t)L + 4u * n_params;
    uint64_t len = r->len;
    if (len < expect)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: truncated: %zu bytes, but a %s model file has %" PRIu64, r->name,
                       r->len, arch, expect);
    if (len > expect)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: trailing data: %" PRIu64 " byte%s after the checksum (a %s model file "
                       "has %" PRIu64 ")",
                       r->name, len - expect, len - expect == 1 ? "" : "s", arch, expect);
    *P = (size_t)n_params; /* fits: 4 P < len */
    return NN_OK;
}

/* The trailer, the CRC-32 of bytes [0, len - 4), then the P parameters at
 * the cursor, each of which must be finite. */
static int check_contents(const reader *r, size_t P)
{
    uint32_t stored = nn_load_u32le(r->buf + r->len - 4);
    uint32_t computed = nn_crc32(0, r->buf, r->len - 4);
    if (stored != computed)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: checksum mismatch: file is corrupted (stored 0x%08" PRIx32
                       ", computed 0x%08" PRIx32 ")",
                       r->name, stored, computed);
    const uint8_t *p = r->buf + r->pos;
    for (size_t i = 0; i < P; i++) {
        float v = nn_load_f32le(p + 4 * i);
        if (!isfinite(v))
            return nn_fail(r->err, NN_ERR_FORMAT, "%s: parameter %zu is not finite (%g)", r->name,
                           i, (double)v);
    }
    return NN_OK;
}

int nn_model_parse(const uint8_t *buf, size_t len, const char *name, nn_model *m,
                   nn_train_info *info, nn_error *err)
{
    memset(m, 0, sizeof *m);
    reader r = {.buf = buf, .len = len, .pos = 0, .name = name ? name : "model file", .err = err};
    size_t L = 0, P = 0, sizes[NN_MAX_LAYERS + 1];
    nn_activation act[NN_MAX_LAYERS];
    nn_train_info meta;
    uint32_t flags = 0;
    int rc = read_header(&r, &flags);
    if (rc == NN_OK)
        rc = read_arch(&r, &L, sizes, act);
    if (rc == NN_OK)
        rc = read_info(&r, &meta);
    if (rc == NN_OK)
        rc = read_param_count(&r, L, sizes, &P);
    if (rc == NN_OK)
        rc = check_contents(&r, P);
    if (rc != NN_OK)
        return rc;

    /* The file is sound: build the model (with exactly P parameters, as
     * read_param_count checked) and fill it. */
    nn_error cerr = {0};
    rc = nn_model_create(m, L, sizes, act, &cerr);
    if (rc != NN_OK)
        return nn_fail(err, rc, "%s: %s", r.name, cerr.msg);
    for (size_t i = 0; i < P; i++)
        m->params[i] = nn_load_f32le(buf + r.pos + 4 * i);
    meta.imported = (flags & NN_MODEL_FLAG_IMPORTED) != 0;
    if (info)
        *info = meta;
    return NN_OK;
}

int nn_model_write(nn_output *o, const nn_model *m, const nn_train_info *info,
                   nn_error *err)
{
    uint8_t *buf;
    size_t len;
    int rc = encode(m, info, o->path, &buf, &len, err);
    if (rc != NN_OK)
        return rc;
    rc = nn_output_write(o, buf, len, err);
    free(buf);
    return rc;
}

int nn_model_save(const char *path, const nn_model *m, const nn_train_info *info,
                  nn_error *err)
{
    nn_outputs set = {0};
    nn_output *o;
    int rc = nn_outputs_open(&set, path, &o, err);
    if (rc == NN_OK && (rc = nn_model_write(o, m, info, err)) == NN_OK)
        return nn_outputs_commit(&set, err);
    nn_outputs_discard(&set);
    return rc;
}

int nn_model_load(const char *path, nn_model *m, nn_train_info *info, nn_error *err)
{
    memset(m, 0, sizeof *m);
    uint8_t *buf;
    size_t len;
    size_t max = MAX_FILE_BYTES > SIZE_MAX ? SIZE_MAX : (size_t)MAX_FILE_BYTES;
    int rc = nn_read_file(path, &buf, &len, max, err);
    if (rc != NN_OK)
        return rc;
    rc = nn_model_parse(buf, len, path, m, info, err);
    free(buf);
    return rc;
}
