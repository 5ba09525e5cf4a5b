/* zip.c - zip archives in memory (see nn_zip.h).
 *
 * An archive is, from its end backwards (APPNOTE 6.3, section 4.3):
 *   end of central directory record (22 bytes + a comment), the last thing;
 *   before it, for ZIP64, a locator (20 bytes) and the ZIP64 end record it
 *   points at (56 bytes or more), which then hold the authoritative counts;
 *   before those, the central directory: one 46-byte header per entry, then
 *   its name, extra fields and comment;
 *   before that, each entry: a 30-byte local header, name, extra fields,
 *   the data, and for flag bit 3 a data descriptor (CRC-32 and sizes).
 * A size or offset of 0xFFFFFFFF (a count of 0xFFFF) in a header means that
 * the value is in the ZIP64 extra field (id 1) instead, where the values
 * present follow in the order usize, csize, local header offset, disk.
 *
 * The reader finds the end record, then reads every central header, checks
 * it against its local header, checks that no two entries overlap, and then
 * decompresses each entry and checks its CRC-32.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_crc.h"
#include "nn_gzip.h"
#include "nn_io.h"
#include "nn_zip.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_END64 0x06064b50u
#define SIG_LOCATOR 0x07064b50u
#define SIG_DESCRIPTOR 0x08074b50u
#define LOCAL_BYTES 30u
#define CENTRAL_BYTES 46u
#define END_BYTES 22u
#define END64_BYTES 56u
#define LOCATOR_BYTES 20u
#define MAX_COMMENT 65535u
#define U32_MAX_FIELD 0xFFFFFFFFu
#define U16_MAX_FIELD 0xFFFFu
#define EXTRA_ZIP64 1u
#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_STRONG 0x0040u
#define FLAG_CD_ENCRYPTED 0x2000u
#define METHOD_STORED 0u
#define METHOD_DEFLATE 8u
#define METHOD_AES 99u
#define DOS_DATE_1980 0x0021u /* 1980-01-01 */

static uint16_t load16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* What the reader knows of the archive. */
typedef struct zreader {
    const uint8_t *buf;
    size_t len;
    const char *name;
    nn_error *err;
    uint64_t cd_offset, cd_size, n; /* the central directory and its entry count */
    size_t cd_end;                  /* where it must end: the (ZIP64) end record */
} zreader;

/* One entry as the central directory and its local header describe it. */
typedef struct central {
    size_t index;
    const uint8_t *name;
    size_t name_len;
    char shown[96]; /* the name for messages: control bytes as '?', long names cut */
    unsigned flags, method;
    uint32_t crc;
    uint64_t csize, usize, offset;
    int zip64;         /* a ZIP64 extra field: the descriptor has 8-byte sizes */
    size_t data;       /* offset of the data */
    size_t start, end; /* the bytes the entry takes: local header to descriptor */
} central;

/* ---- the end records ------------------------------------------------------ */

/* Offset of the end of central directory record: the last signature whose
 * record and comment end exactly at the end of the file. */
static int find_end(const zreader *r, size_t *at)
{
    if (r->len < END_BYTES)
        return nn_fail(r->err, NN_ERR_FORMAT, "%s: too short (%zu bytes) to be a zip archive",
                       r->name, r->len);
    size_t lowest = r->len - END_BYTES > MAX_COMMENT ? r->len - END_BYTES - MAX_COMMENT : 0;
    for (size_t p = r->len - END_BYTES + 1; p-- > lowest;)
        if (nn_load_u32le(r->buf + p) == SIG_END &&
            p + END_BYTES + load16(r->buf + p + 20) == r->len) {
            *at = p;
            return NN_OK;
        }
    return nn_fail(r->err, NN_ERR_FORMAT,
                   "%s: not a zip archive (no end of central directory record; truncated?)",
                   r->name);
}

/* The ZIP64 end record that the locator before the end record at `end`
 * points at: its counts replace the end record's. */
static int read_end64(zreader *r, size_t end)
{
    const uint8_t *loc = r->buf + end - LOCATOR_BYTES;
    uint64_t at = nn_load_u64le(loc + 8);
    if (nn_load_u32le(loc + 4) != 0 || nn_load_u32le(loc + 16) > 1)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: the archive spans several disks (not supported)", r->name);
    size_t limit = end - LOCATOR_BYTES;
    if (at > limit || limit - at < END64_BYTES)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: the ZIP64 end record's offset %" PRIu64 " is out of range", r->name,
                       at);
    const uint8_t *z = r->buf + at;
    uint64_t size = nn_load_u64le(z + 4);
    if (nn_load_u32le(z) != SIG_END64)
        return nn_fail(r->err, NN_ERR_FORMAT, "%s: no ZIP64 end record at offset %" PRIu64,
                       r->name, at);
    if (size < END64_BYTES - 12 || size != limit - at - 12)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: the ZIP64 end record's size %" PRIu64 " does not reach the locator",
                       r->name, size);
    if (nn_load_u32le(z + 16) != 0 || nn_load_u32le(z + 20) != 0 ||
        nn_load_u64le(z + 24) != nn_load_u64le(z + 32))
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: the archive spans several disks (not supported)", r->name);
    r->n = nn_load_u64le(z + 32);
    r->cd_size = nn_load_u64le(z + 40);
    r->cd_offset = nn_load_u64le(z + 48);
    r->cd_end = (size_t)at;
    return NN_OK;
}

/* The end record (and the ZIP64 one if there is a locator): where the
 * central directory is and how many entries it has. */
static int read_end(zreader *r)
{
    size_t end = 0;
    int rc = find_end(r, &end);
    if (rc)
        return rc;
    const uint8_t *e = r->buf + end;
    unsigned disk = load16(e + 4), cd_disk = load16(e + 6);
    unsigned on_disk = load16(e + 8), total = load16(e + 10);
    uint32_t size = nn_load_u32le(e + 12), offset = nn_load_u32le(e + 16);
    if (end >= LOCATOR_BYTES && nn_load_u32le(e - LOCATOR_BYTES) == SIG_LOCATOR)
        rc = read_end64(r, end);
    else if (total == U16_MAX_FIELD || size == U32_MAX_FIELD || offset == U32_MAX_FIELD)
        rc = nn_fail(r->err, NN_ERR_FORMAT,
                     "%s: the end record defers to a ZIP64 end record that is missing", r->name);
    else if (disk != 0 || cd_disk != 0 || on_disk != total)
        rc = nn_fail(r->err, NN_ERR_FORMAT, "%s: the archive spans several disks (not supported)",
                     r->name);
    else
        r->n = total, r->cd_size = size, r->cd_offset = offset, r->cd_end = end;
    if (rc)
        return rc;
    if (r->cd_offset > r->cd_end || r->cd_size != r->cd_end - r->cd_offset)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: the central directory (%" PRIu64 " bytes at offset %" PRIu64
                       ") does not end where the end record begins (offset %zu)",
                       r->name, r->cd_size, r->cd_offset, r->cd_end);
    if (r->n > r->cd_size / CENTRAL_BYTES)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: %" PRIu64 " entries cannot fit in a central directory of %" PRIu64
                       " bytes",
                       r->name, r->n, r->cd_size);
    return NN_OK;
}

/* ---- headers ---------------------------------------------------------------- */

/* Fails with "ARCHIVE: ENTRY: WHAT". */
static int bad_entry(const zreader *r, const central *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int bad_entry(const zreader *r, const central *c, const char *fmt, ...)
{
    char what[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return nn_fail(r->err, NN_ERR_FORMAT, "%s: %s: %s", r->name, c->shown, what);
}

/* The entry's name as messages show it. */
static void show_name(central *c)
{
    size_t n = c->name_len < sizeof c->shown - 4 ? c->name_len : sizeof c->shown - 4, i;
    for (i = 0; i < n; i++)
        c->shown[i] = c->name[i] < 0x20 || c->name[i] == 0x7f ? '?' : (char)c->name[i];
    strcpy(c->shown + i, n < c->name_len ? "..." : "");
}

/* The ZIP64 extra field among the extra fields x[0..n): the values it holds
 * replace, in order, those of the fields given that are all ones (*want[i]
 * of width[i] bytes in the header).  Other extra fields are skipped; the
 * list must be well formed. */
static int zip64_extra(const zreader *r, central *c, const uint8_t *x, size_t n,
                       uint64_t *const *want, const unsigned *width, size_t n_want)
{
    int seen = 0;
    while (n >= 4) {
        unsigned id = load16(x), size = load16(x + 2);
        if (size > n - 4)
            return bad_entry(r, c, "an extra field of %u bytes runs past the header", size);
        if (id == EXTRA_ZIP64) {
            if (seen++)
                return bad_entry(r, c, "two ZIP64 extra fields");
            const uint8_t *v = x + 4, *v_end = x + 4 + size;
            for (size_t i = 0; i < n_want; i++) {
                uint64_t all_ones = width[i] == 2 ? U16_MAX_FIELD : U32_MAX_FIELD;
                if (*want[i] != all_ones)
                    continue;
                unsigned w = width[i] == 2 ? 4 : 8;
                if ((size_t)(v_end - v) < w)
                    return bad_entry(r, c, "the ZIP64 extra field is too short (%u bytes)", size);
                *want[i] = w == 4 ? nn_load_u32le(v) : nn_load_u64le(v);
                v += w;
            }
            c->zip64 = 1;
        }
        x += 4 + size;
        n -= 4 + size;
    }
    if (n != 0)
        return bad_entry(r, c, "malformed extra fields (%zu stray bytes)", n);
    for (size_t i = 0; i < n_want; i++)
        if (*want[i] == (width[i] == 2 ? U16_MAX_FIELD : U32_MAX_FIELD) && !seen)
            return bad_entry(r, c, "a field defers to a ZIP64 extra field that is missing");
    return NN_OK;
}

/* The flags and method: no encryption, stored or deflate only. */
static int check_method(const zreader *r, const central *c)
{
    if ((c->flags & (FLAG_ENCRYPTED | FLAG_STRONG | FLAG_CD_ENCRYPTED)) ||
        c->method == METHOD_AES)
        return bad_entry(r, c, "encrypted (not supported)");
    if (c->method != METHOD_STORED && c->method != METHOD_DEFLATE)
        return bad_entry(r, c, "compression method %u is not supported (only stored and deflate)",
                         c->method);
    return NN_OK;
}

/* The central header at *pos (entry c->index), leaving *pos after it. */
static int read_central(const zreader *r, size_t *pos, central *c)
{
    const uint8_t *h = r->buf + *pos;
    snprintf(c->shown, sizeof c->shown, "central directory entry %zu", c->index + 1);
    if (r->cd_end - *pos < CENTRAL_BYTES || nn_load_u32le(h) != SIG_CENTRAL)
        return bad_entry(r, c, "no central directory header at offset %zu", *pos);
    size_t nlen = load16(h + 28), xlen = load16(h + 30), clen = load16(h + 32);
    if (r->cd_end - *pos - CENTRAL_BYTES < nlen + xlen + clen)
        return bad_entry(r, c, "the header runs past the central directory");
    c->name = h + CENTRAL_BYTES;
    c->name_len = nlen;
    if (nlen == 0)
        return bad_entry(r, c, "an entry without a name");
    show_name(c);
    if (memchr(c->name, 0, nlen))
        return bad_entry(r, c, "the name holds a NUL byte");
    c->flags = load16(h + 8);
    c->method = load16(h + 10);
    c->crc = nn_load_u32le(h + 16);
    c->csize = nn_load_u32le(h + 20);
    c->usize = nn_load_u32le(h + 24);
    c->offset = nn_load_u32le(h + 42);
    uint64_t disk = load16(h + 34);
    uint64_t *want[4] = {&c->usize, &c->csize, &c->offset, &disk};
    static const unsigned width[4] = {4, 4, 4, 2};
    int rc = zip64_extra(r, c, h + CENTRAL_BYTES + nlen, xlen, want, width, 4);
    if (rc)
        return rc;
    if (disk != 0)
        return bad_entry(r, c, "on disk %" PRIu64 " (multi-disk archives are not supported)",
                         disk);
    *pos += CENTRAL_BYTES + nlen + xlen + clen;
    return check_method(r, c);
}

/* The data descriptor after the data (flag bit 3): an optional signature,
 * the CRC-32 and the two sizes (8 bytes each for a ZIP64 entry), which must
 * agree with the central directory.  Sets c->end after it. */
static int read_descriptor(const zreader *r, central *c, size_t at)
{
    size_t w = c->zip64 ? 8 : 4, room = (size_t)r->cd_offset - at;
    const uint8_t *d = r->buf + at;
    if (room >= 4 && nn_load_u32le(d) == SIG_DESCRIPTOR && room - 4 >= 4 + 2 * w &&
        nn_load_u32le(d + 4) == c->crc)
        d += 4, room -= 4;
    if (room < 4 + 2 * w)
        return bad_entry(r, c, "the data descriptor runs past the entries");
    uint64_t csize = w == 8 ? nn_load_u64le(d + 4) : nn_load_u32le(d + 4);
    uint64_t usize = w == 8 ? nn_load_u64le(d + 4 + w) : nn_load_u32le(d + 4 + w);
    if (nn_load_u32le(d) != c->crc || csize != c->csize || usize != c->usize)
        return bad_entry(r, c, "the data descriptor disagrees with the central directory");
    c->end = (size_t)(d - r->buf) + 4 + 2 * w;
    return NN_OK;
}

/* The local header of c, which must agree with the central one; sets the
 * data's offset and the bytes the entry takes. */
static int read_local(const zreader *r, central *c)
{
    size_t limit = (size_t)r->cd_offset; /* entries lie before the central directory */
    if (c->offset > limit || limit - c->offset < LOCAL_BYTES)
        return bad_entry(r, c, "the local header's offset %" PRIu64 " is out of range", c->offset);
    const uint8_t *h = r->buf + c->offset;
    if (nn_load_u32le(h) != SIG_LOCAL)
        return bad_entry(r, c, "no local header at offset %" PRIu64, c->offset);
    size_t nlen = load16(h + 26), xlen = load16(h + 28);
    c->start = (size_t)c->offset;
    c->data = c->start + LOCAL_BYTES;
    if (limit - c->data < nlen + xlen)
        return bad_entry(r, c, "the local header runs past the entries");
    if (nlen != c->name_len || memcmp(h + LOCAL_BYTES, c->name, nlen) != 0)
        return bad_entry(r, c, "the local header gives another name");
    unsigned flags = load16(h + 6);
    if (load16(h + 8) != c->method || (flags & FLAG_ENCRYPTED) ||
        ((flags ^ c->flags) & FLAG_DESCRIPTOR))
        return bad_entry(r, c, "the local header's method or flags disagree with the central "
                               "directory");
    uint64_t csize = nn_load_u32le(h + 18), usize = nn_load_u32le(h + 22);
    uint64_t *want[2] = {&usize, &csize};
    static const unsigned width[2] = {4, 4};
    int rc = zip64_extra(r, c, h + LOCAL_BYTES + nlen, xlen, want, width, 2);
    if (rc)
        return rc;
    if (!(c->flags & FLAG_DESCRIPTOR) &&
        (nn_load_u32le(h + 14) != c->crc || csize != c->csize || usize != c->usize))
        return bad_entry(r, c, "the local header's CRC-32 or sizes disagree with the central "
                               "directory");
    c->data += nlen + xlen;
    if (c->csize > limit - c->data)
        return bad_entry(r, c, "%" PRIu64 " bytes of data at offset %zu run past the entries",
                         c->csize, c->data);
    c->end = c->data + (size_t)c->csize;
    return c->flags & FLAG_DESCRIPTOR ? read_descriptor(r, c, c->end) : NN_OK;
}

/* ---- the entries -------------------------------------------------------------- */

static int by_start(const void *a, const void *b)
{
    const central *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int by_name(const void *a, const void *b)
{
    const central *x = *(const central *const *)a, *y = *(const central *const *)b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int d = memcmp(x->name, y->name, n);
    return d ? d : x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}

/* No two entries of one name (the central directory's order is kept in c). */
static int check_names(const zreader *r, const central *c, size_t n)
{
    const central **sorted = nni_alloc(n, sizeof *sorted);
    if (!sorted)
        return nn_fail(r->err, NN_ERR_NOMEM, "%s: out of memory for %zu entries", r->name, n);
    for (size_t i = 0; i < n; i++)
        sorted[i] = &c[i];
    qsort(sorted, n, sizeof *sorted, by_name);
    int rc = NN_OK;
    for (size_t i = 1; i < n && !rc; i++)
        if (by_name(&sorted[i - 1], &sorted[i]) == 0)
            rc = bad_entry(r, sorted[i], "two entries of this name");
    free(sorted);
    return rc;
}

/* No two entries share a byte (c is sorted by start afterwards). */
static int check_overlaps(const zreader *r, central *c, size_t n)
{
    qsort(c, n, sizeof *c, by_start);
    for (size_t i = 1; i < n; i++)
        if (c[i].start < c[i - 1].end)
            return bad_entry(r, &c[i], "overlaps the entry %s", c[i - 1].shown);
    return NN_OK;
}

/* The entry's data, decompressed and checked against its CRC-32. */
static int extract(const zreader *r, const central *c, nn_zip_entry *e)
{
    e->name = malloc(c->name_len + 1);
    if (!e->name)
        return nn_fail(r->err, NN_ERR_NOMEM, "%s: out of memory", r->name);
    memcpy(e->name, c->name, c->name_len);
    e->name[c->name_len] = '\0';
    const uint8_t *in = r->buf + c->data;
    size_t csize = (size_t)c->csize; /* within the file: read_local checked */
    if (c->method == METHOD_STORED) {
        if (c->usize != c->csize)
            return bad_entry(r, c, "stored, but its size %" PRIu64 " is not its compressed size "
                                   "%" PRIu64,
                             c->usize, c->csize);
        e->data = malloc(csize ? csize : 1);
        if (!e->data)
            return nn_fail(r->err, NN_ERR_NOMEM, "%s: out of memory", r->name);
        if (csize)
            memcpy(e->data, in, csize);
    } else {
        char what[sizeof c->shown + 512];
        snprintf(what, sizeof what, "%s: %s", r->name, c->shown);
        if (c->usize > SIZE_MAX)
            return bad_entry(r, c, "too large (%" PRIu64 " bytes)", c->usize);
        int rc = nn_inflate(in, csize, (size_t)c->usize, what, &e->data, r->err);
        if (rc)
            return rc;
    }
    e->len = (size_t)c->usize;
    uint32_t crc = nn_crc32(0, e->data, e->len);
    if (crc != c->crc)
        return bad_entry(r, c, "CRC-32 mismatch: the data has %08" PRIx32 ", the archive says "
                               "%08" PRIx32,
                         crc, c->crc);
    return NN_OK;
}

/* Reads the central directory into c[0..r->n), each entry checked against
 * its local header. */
static int read_entries(const zreader *r, central *c)
{
    size_t pos = (size_t)r->cd_offset;
    for (size_t i = 0; i < r->n; i++) {
        c[i].index = i;
        int rc = read_central(r, &pos, &c[i]);
        if (!rc)
            rc = read_local(r, &c[i]);
        if (rc)
            return rc;
    }
    if (pos != r->cd_end)
        return nn_fail(r->err, NN_ERR_FORMAT,
                       "%s: %zu bytes after the last of the %" PRIu64 " central directory entries",
                       r->name, r->cd_end - pos, r->n);
    return NN_OK;
}

int nn_zip_parse(const uint8_t *buf, size_t len, const char *name, nn_zip *z, nn_error *err)
{
    memset(z, 0, sizeof *z);
    zreader r = {.buf = buf, .len = buf ? len : 0, .name = name ? name : "zip archive", .err = err};
    int rc = read_end(&r);
    if (rc)
        return rc;
    size_t n = (size_t)r.n; /* below len / 46 */
    central *c = nni_alloc(n, sizeof *c);
    z->entries = nni_alloc(n, sizeof *z->entries);
    if (!c || !z->entries) {
        free(c);
        free(z->entries);
        z->entries = NULL;
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for %zu entries", r.name, n);
    }
    memset(c, 0, n * sizeof *c);
    memset(z->entries, 0, n * sizeof *z->entries);
    rc = read_entries(&r, c);
    if (!rc)
        rc = check_names(&r, c, n);
    /* decompressed in the central directory's order, after the overlap check */
    central *order = rc ? NULL : nni_alloc(n, sizeof *order);
    if (!rc && !order)
        rc = nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for %zu entries", r.name, n);
    if (!rc) {
        memcpy(order, c, n * sizeof *c);
        rc = check_overlaps(&r, order, n);
        free(order);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        rc = extract(&r, &c[i], &z->entries[i]);
        z->n = i + 1; /* freed with the others if it failed half-way */
    }
    free(c);
    if (rc)
        nn_zip_free(z);
    return rc;
}

void nn_zip_free(nn_zip *z)
{
    for (size_t i = 0; z->entries && i < z->n; i++) {
        free(z->entries[i].name);
        free(z->entries[i].data);
    }
    free(z->entries);
    memset(z, 0, sizeof *z);
}

/* ---- the writer ------------------------------------------------------------------ */

static void put_u16le(nn_buf *b, unsigned v)
{
    nn_buf_put_u8(b, (uint8_t)(v & 0xFF));
    nn_buf_put_u8(b, (uint8_t)(v >> 8 & 0xFF));
}

/* What the writer needs of each entry: its checksum and where it starts. */
typedef struct written {
    uint32_t crc;
    uint64_t offset;
} written;

/* A local or central header's common part, from the version needed to the
 * name's length (the fields of both that match). */
static void put_common(nn_buf *b, const nn_zip_entry *e, uint32_t crc, int zip64)
{
    put_u16le(b, zip64 ? 45 : 20); /* version needed: 4.5 for ZIP64, else 2.0 */
    put_u16le(b, 0);               /* flags */
    put_u16le(b, METHOD_STORED);
    put_u16le(b, 0); /* time: 00:00:00 */
    put_u16le(b, DOS_DATE_1980);
    nn_buf_put_u32le(b, crc);
    nn_buf_put_u32le(b, zip64 ? U32_MAX_FIELD : (uint32_t)e->len); /* compressed size */
    nn_buf_put_u32le(b, zip64 ? U32_MAX_FIELD : (uint32_t)e->len); /* size */
    put_u16le(b, (unsigned)strlen(e->name));
}

static void put_local(nn_buf *b, const nn_zip_entry *e, uint32_t crc, int zip64)
{
    nn_buf_put_u32le(b, SIG_LOCAL);
    put_common(b, e, crc, zip64);
    put_u16le(b, zip64 ? 20 : 0); /* extra field length */
    nn_buf_put(b, e->name, strlen(e->name));
    if (zip64) {
        put_u16le(b, EXTRA_ZIP64);
        put_u16le(b, 16);
        nn_buf_put_u64le(b, e->len);
        nn_buf_put_u64le(b, e->len);
    }
    nn_buf_put(b, e->data, e->len);
}

static void put_central(nn_buf *b, const nn_zip_entry *e, const written *w, int zip64)
{
    nn_buf_put_u32le(b, SIG_CENTRAL);
    put_u16le(b, 3u << 8 | (zip64 ? 45 : 20)); /* made by: Unix, version 4.5 or 2.0 */
    put_common(b, e, w->crc, zip64);
    put_u16le(b, zip64 ? 28 : 0); /* extra field length */
    put_u16le(b, 0);              /* comment length */
    put_u16le(b, 0);              /* disk */
    put_u16le(b, 0);              /* internal attributes */
    nn_buf_put_u32le(b, 0100644u << 16); /* external: a regular file, rw-r--r-- */
    nn_buf_put_u32le(b, zip64 ? U32_MAX_FIELD : (uint32_t)w->offset);
    nn_buf_put(b, e->name, strlen(e->name));
    if (zip64) {
        put_u16le(b, EXTRA_ZIP64);
        put_u16le(b, 24);
        nn_buf_put_u64le(b, e->len);
        nn_buf_put_u64le(b, e->len);
        nn_buf_put_u64le(b, w->offset);
    }
}

/* The end records after a central directory of cd_size bytes at cd_offset. */
static void put_end(nn_buf *b, uint64_t n, uint64_t cd_offset, uint64_t cd_size, int zip64)
{
    if (zip64) {
        uint64_t at = b->len;
        nn_buf_put_u32le(b, SIG_END64);
        nn_buf_put_u64le(b, END64_BYTES - 12);
        put_u16le(b, 3u << 8 | 45);
        put_u16le(b, 45);
        nn_buf_put_u32le(b, 0); /* this disk */
        nn_buf_put_u32le(b, 0); /* the central directory's disk */
        nn_buf_put_u64le(b, n);
        nn_buf_put_u64le(b, n);
        nn_buf_put_u64le(b, cd_size);
        nn_buf_put_u64le(b, cd_offset);
        nn_buf_put_u32le(b, SIG_LOCATOR);
        nn_buf_put_u32le(b, 0);
        nn_buf_put_u64le(b, at);
        nn_buf_put_u32le(b, 1); /* disks */
    }
    nn_buf_put_u32le(b, SIG_END);
    put_u16le(b, 0);
    put_u16le(b, 0);
    put_u16le(b, zip64 ? U16_MAX_FIELD : (unsigned)n);
    put_u16le(b, zip64 ? U16_MAX_FIELD : (unsigned)n);
    nn_buf_put_u32le(b, zip64 ? U32_MAX_FIELD : (uint32_t)cd_size);
    nn_buf_put_u32le(b, zip64 ? U32_MAX_FIELD : (uint32_t)cd_offset);
    put_u16le(b, 0); /* comment length */
}

/* Checks the names and decides on ZIP64: whether any size, offset or count
 * might not fit its 32- or 16-bit field. */
static int plan(const nn_zip_entry *e, size_t n, int *zip64, nn_error *err)
{
    size_t total = 0;
    int over = n >= U16_MAX_FIELD;
    for (size_t i = 0; i < n; i++) {
        size_t nlen = strlen(e[i].name);
        if (nlen == 0 || nlen > U16_MAX_FIELD)
            return nn_fail(err, NN_ERR_ARG, "zip entry %zu: a name of %zu bytes (1 to %u)", i + 1,
                           nlen, U16_MAX_FIELD);
        for (size_t j = 0; j < i; j++)
            if (strcmp(e[i].name, e[j].name) == 0)
                return nn_fail(err, NN_ERR_ARG, "%s: two zip entries of this name", e[i].name);
        size_t bytes = LOCAL_BYTES + 20 + CENTRAL_BYTES + 28 + 2 * nlen;
        if (nni_size_add(&bytes, bytes, e[i].len) || nni_size_add(&total, total, bytes))
            return nn_fail(err, NN_ERR_ARG, "zip entries too large for memory");
    }
    *zip64 = *zip64 || over || total >= U32_MAX_FIELD;
    return NN_OK;
}

int nn_zip_encode(const nn_zip_entry *entries, size_t n, unsigned flags, uint8_t **out,
                  size_t *len, nn_error *err)
{
    *out = NULL;
    *len = 0;
    int zip64 = (flags & NN_ZIP_ZIP64) != 0;
    int rc = plan(entries, n, &zip64, err);
    if (rc)
        return rc;
    written *w = nni_alloc(n, sizeof *w);
    if (!w)
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for %zu zip entries", n);
    nn_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        w[i].crc = nn_crc32(0, entries[i].data, entries[i].len);
        w[i].offset = b.len;
        put_local(&b, &entries[i], w[i].crc, zip64);
    }
    uint64_t cd_offset = b.len;
    for (size_t i = 0; i < n; i++)
        put_central(&b, &entries[i], &w[i], zip64);
    put_end(&b, n, cd_offset, b.len - cd_offset, zip64);
    free(w);
    if (b.failed) {
        nn_buf_free(&b);
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for a zip archive of %zu entries", n);
    }
    *out = b.data;
    *len = b.len;
    return NN_OK;
}
