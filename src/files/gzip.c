/* gzip.c - gzip members (RFC 1952) and the deflate data in them (RFC 1951),
 * decoded with lookup tables (see nn_gzip.h).
 *
 * Bits.  Deflate packs its bits from the least significant bit of each byte
 * up.  The decoder keeps up to 64 of them in a bit buffer (bb, with bc bits
 * valid) and refills it eight bytes at a time while the input lasts.  Past the
 * end it feeds zero bytes and counts them in pad: a stream that consumed any
 * of those bits (pad * 8 > bc) is truncated.  Between two refills at most 48
 * bits are used (15-bit length code, 5 extra bits, 15-bit distance code, 13
 * extra bits), so one refill per symbol is enough.
 *
 * Huffman codes.  A code is decoded by one lookup in a table indexed by its
 * next PB bits (bit-reversed codes, since Huffman codes are packed most
 * significant bit first), or by two when it is longer than PB bits: the first
 * entry then points at a subtable indexed by the bits that follow.  An entry
 * is a uint32_t:
 *   bits 0-4   bits to consume (for a subtable pointer: PB)
 *   bits 5-8   extra bits that follow the code (for a pointer: subtable bits)
 *   bits 9-11  kind: literal, length or distance, end of block, pointer, invalid
 *   bits 16-31 value: the literal, the length or distance base, the subtable
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_crc.h"
#include "nn_gzip.h"
#include "files/deflate_tables.h"

enum { K_LIT, K_LEN, K_END, K_SUB, K_BAD };
#define ENTRY(val, kind, extra, bits)                                                       \
    ((uint32_t)(val) << 16 | (uint32_t)(kind) << 9 | (uint32_t)(extra) << 5 | (uint32_t)(bits))
#define E_BITS(e) ((e)&31u)
#define E_EXTRA(e) (((e) >> 5) & 15u)
#define E_KIND(e) (((e) >> 9) & 7u)
#define E_VAL(e) ((e) >> 16)
#define UNUSED_SLOT 0xFFFFu /* value of an entry no code reaches */

/* Primary table bits and table sizes.  A subtable of d bits holds a complete
 * subtree of the code with a leaf at depth d, so at least d + 1 codes: with
 * 286 literal/length codes the subtables need at most 286 * 32 / 6 < 1536
 * entries beyond the 1024 primary ones (at most 5 bits each, the longest code
 * being 15); 30 distance codes need at most 30 * 128 / 8 = 480 beyond 256. */
#define LIT_PB 10
#define DIST_PB 8
#define CL_PB 7
#define LIT_CAP (1024 + 1536)
#define DIST_CAP (256 + 512)
#define CL_CAP 128


typedef enum { ALPHA_LIT, ALPHA_DIST, ALPHA_CL } alphabet;

/* The table entry (without its bit count) for symbol s of an alphabet. */
static uint32_t sym_entry(alphabet a, size_t s)
{
    if (a == ALPHA_CL)
        return ENTRY(s, K_LIT, 0, 0);
    if (a == ALPHA_DIST)
        return s < 30 ? ENTRY(dist_base[s], K_LEN, dist_extra[s], 0) : ENTRY(s, K_BAD, 0, 0);
    if (s < 256)
        return ENTRY(s, K_LIT, 0, 0);
    if (s == 256)
        return ENTRY(0, K_END, 0, 0);
    if (s < 286)
        return ENTRY(len_base[s - 257], K_LEN, len_extra[s - 257], 0);
    return ENTRY(s, K_BAD, 0, 0); /* 286 and 287 take part in the fixed code only */
}

/* Builds the decoding table t (room for cap entries, primary part 2^pb) of
 * the canonical Huffman code with the n code lengths lens (RFC 1951, section
 * 3.2.2: codes of one length are consecutive numbers in symbol order, shorter
 * codes before longer ones).  Returns NULL, or what is wrong with the code.
 * A code that does not fill its code space is accepted only as zlib and gzip
 * accept it: a single code of one bit (allow_single), or no code at all
 * (every lookup then finds an invalid entry). */
static const char *build_table(uint32_t *t, size_t cap, unsigned pb, const uint8_t *lens, size_t n,
                               alphabet a, int allow_single)
{
    unsigned count[16] = {0};
    for (size_t s = 0; s < n; s++)
        count[lens[s]]++;
    count[0] = 0;
    /* Kraft: left = 2^len - (codes of length <= len, each scaled to len bits). */
    long left = 1;
    unsigned max = 0;
    for (unsigned len = 1; len <= 15; len++) {
        left = 2 * left - (long)count[len];
        if (left < 0)
            return "over-subscribed Huffman code lengths";
        if (count[len])
            max = len;
    }
    size_t size = (size_t)1 << pb, mask = size - 1;
    for (size_t i = 0; i < size; i++)
        t[i] = ENTRY(UNUSED_SLOT, K_BAD, 0, 0);
    if (max == 0)
        return NULL;
    if (left > 0 && !(allow_single && max == 1))
        return "incomplete Huffman code lengths";

    unsigned next[16];
    unsigned code = 0;
    next[0] = 0;
    for (unsigned len = 1; len <= 15; len++) {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    /* Pass 1: each symbol's code, bit-reversed, and for every primary slot
     * that starts longer codes the depth its subtable needs. */
    uint16_t rev[288];
    uint8_t sub_bits[1 << LIT_PB] = {0};
    for (size_t s = 0; s < n; s++) {
        unsigned len = lens[s];
        if (!len)
            continue;
        unsigned c = next[len]++, r = 0;
        for (unsigned i = 0; i < len; i++)
            r |= ((c >> i) & 1u) << (len - 1 - i);
        rev[s] = (uint16_t)r;
        if (len > pb && len - pb > sub_bits[r & mask])
            sub_bits[r & mask] = (uint8_t)(len - pb);
    }
    size_t used = size;
    for (size_t p = 0; p < size; p++) {
        if (!sub_bits[p])
            continue;
        size_t sub = (size_t)1 << sub_bits[p];
        if (sub > cap - used)
            return "Huffman code too large for its table";
        t[p] = ENTRY(used, K_SUB, sub_bits[p], pb);
        for (size_t i = 0; i < sub; i++)
            t[used + i] = ENTRY(UNUSED_SLOT, K_BAD, 0, 0);
        used += sub;
    }
    /* Pass 2: a code of len bits fills every slot whose low len bits are its
     * reversed code, in the primary table or in its subtable. */
    for (size_t s = 0; s < n; s++) {
        unsigned len = lens[s];
        if (!len)
            continue;
        uint32_t e = sym_entry(a, s);
        if (len <= pb) {
            for (size_t k = rev[s]; k < size; k += (size_t)1 << len)
                t[k] = e | len;
        } else {
            uint32_t ptr = t[rev[s] & mask];
            size_t base = E_VAL(ptr), sub = (size_t)1 << E_EXTRA(ptr);
            for (size_t k = (size_t)rev[s] >> pb; k < sub; k += (size_t)1 << (len - pb))
                t[base + k] = e | (len - pb);
        }
    }
    return NULL;
}

typedef struct inflater {
    const uint8_t *in;
    size_t len;   /* input bytes */
    size_t pos;   /* next input byte to load into the bit buffer */
    size_t pad;   /* zero bytes loaded past the end */
    uint64_t bb;  /* bit buffer: the next bc bits of the stream, lowest first */
    unsigned bc;
    uint8_t *out; /* owned until handed to the caller */
    size_t n, cap, max; /* bytes written, allocated, allowed */
    size_t hint;        /* the size the last trailer announces */
    const char *name;
    nn_error *err;
    unsigned member; /* 1-based gzip member being read; 0 for a zlib stream or raw data */
    int raw;         /* raw deflate data (no zlib header or trailer) */
    int limited;     /* max is the caller's expected size, not deflate's bound */
    int have_fixed;
    uint32_t lit[LIT_CAP], dist[DIST_CAP], cl[CL_CAP];
    uint32_t fixed_lit[LIT_CAP], fixed_dist[DIST_CAP];
} inflater;

/* Offset of the byte holding the next unread bit. */
static size_t in_offset(const inflater *s)
{
    size_t off = s->pos + s->pad - s->bc / 8;
    return off < s->len ? off : s->len;
}

/* Fails with NN_ERR_FORMAT: "NAME: WHAT (gzip member M, byte B)", or
 * "(zlib stream, byte B)" for a zlib stream, "(deflate data, byte B)" for raw
 * deflate data. */
static int bad_at(const inflater *s, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int bad_at(const inflater *s, size_t at, const char *fmt, ...)
{
    char what[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (s->member == 0)
        return nn_fail(s->err, NN_ERR_FORMAT, "%s: %s (%s, byte %zu)", s->name, what,
                       s->raw ? "deflate data" : "zlib stream", at);
    return nn_fail(s->err, NN_ERR_FORMAT, "%s: %s (gzip member %u, byte %zu)", s->name, what,
                   s->member, at);
}

static int truncated(const inflater *s)
{
    return bad_at(s, s->len, "truncated: the compressed data ends in the middle of a block");
}

/* Makes room for need more output bytes: doubling, never beyond s->max. */
static int reserve(inflater *s, size_t need)
{
    if (need <= s->cap - s->n)
        return NN_OK;
    if (need > s->max - s->n && s->limited)
        return bad_at(s, in_offset(s), "corrupt: more data than the %zu bytes expected", s->max);
    if (need > s->max - s->n)
        return bad_at(s, in_offset(s),
                      "corrupt: expands beyond %zu bytes, more than deflate can produce from %zu "
                      "compressed bytes",
                      s->max, s->len);
    size_t c = s->cap ? s->cap : 4096, want = s->n + need; /* <= s->max */
    if (s->hint >= want && s->hint <= s->max && s->hint > c)
        c = s->hint; /* straight to the announced size */
    while (c < want) {
        size_t twice;
        c = nni_size_mul(&twice, c, 2) || twice > s->max ? s->max : twice;
    }
    uint8_t *p = realloc(s->out, c);
    if (!p)
        return nn_fail(s->err, NN_ERR_NOMEM, "%s: out of memory for %zu decompressed bytes",
                       s->name, c);
    s->out = p;
    s->cap = c;
    return NN_OK;
}

/* Little-endian 64-bit load from unaligned bytes (compilers make it one load). */
static uint64_t load64le(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

/* Tops up the bit buffer to at least 56 bits.  With eight input bytes left it
 * loads them in one go and keeps the whole bytes that fit (the bits above bc
 * then hold the start of the next byte, loaded again next time); near the end
 * it goes byte by byte, then pads with zeros. */
#define REFILL(in, len, pos, pad, bb, bc)                                                   \
    do {                                                                                    \
        if ((len) - (pos) >= 8 && (bc) < 56) {                                              \
            (bb) |= load64le((in) + (pos)) << (bc);                                         \
            (pos) += (63 - (bc)) >> 3;                                                      \
            (bc) |= 56;                                                                     \
        } else {                                                                            \
            while ((bc) <= 56) {                                                            \
                if ((pos) < (len))                                                          \
                    (bb) |= (uint64_t)(in)[(pos)++] << (bc);                                \
                else                                                                        \
                    (pad)++;                                                                \
                (bc) += 8;                                                                  \
            }                                                                               \
        }                                                                                   \
    } while (0)

static void refill(inflater *s)
{
    REFILL(s->in, s->len, s->pos, s->pad, s->bb, s->bc);
}

/* Takes n <= bc bits from the buffer. */
static unsigned take(inflater *s, unsigned n)
{
    unsigned v = (unsigned)(s->bb & ((1u << n) - 1));
    s->bb >>= n;
    s->bc -= n;
    return v;
}

/* Skips to the next byte boundary and empties the bit buffer, so that the
 * input can be read byte by byte from s->pos.  Fails if that point lies past
 * the end of the input. */
static int byte_align(inflater *s)
{
    size_t consumed = s->pos + s->pad - s->bc / 8;
    if (consumed > s->len)
        return truncated(s);
    s->pos = consumed;
    s->pad = 0;
    s->bb = 0;
    s->bc = 0;
    return NN_OK;
}

/* Decodes one symbol with table t (primary part pb bits). */
static uint32_t decode(inflater *s, const uint32_t *t, unsigned pb)
{
    uint32_t e = t[s->bb & ((1u << pb) - 1)];
    if (E_KIND(e) == K_SUB) {
        s->bb >>= pb;
        s->bc -= pb;
        e = t[E_VAL(e) + (s->bb & ((1u << E_EXTRA(e)) - 1))];
    }
    s->bb >>= E_BITS(e);
    s->bc -= E_BITS(e);
    return e;
}

/* A stored block (RFC 1951, section 3.2.4): LEN, its complement NLEN, LEN bytes. */
static int stored_block(inflater *s)
{
    int rc = byte_align(s);
    if (rc)
        return rc;
    size_t p = s->pos;
    if (s->len - p < 4)
        return bad_at(s, s->len, "truncated: stored block header cut short");
    unsigned n = s->in[p] | (unsigned)s->in[p + 1] << 8;
    unsigned nc = s->in[p + 2] | (unsigned)s->in[p + 3] << 8;
    if (n != (~nc & 0xFFFFu))
        return bad_at(s, p, "corrupt: stored block length %u does not match its complement %u",
                      n, nc);
    p += 4;
    if (s->len - p < n)
        return bad_at(s, s->len, "truncated: stored block of %u bytes has only %zu", n,
                      s->len - p);
    if ((rc = reserve(s, n)))
        return rc;
    if (n)
        memcpy(s->out + s->n, s->in + p, n);
    s->n += n;
    s->pos = p + n;
    return NN_OK;
}

/* The codes of a dynamic block (RFC 1951, section 3.2.7): HLIT, HDIST, HCLEN,
 * the code length code, then the literal/length and distance code lengths
 * run-length coded with it.  Builds s->lit and s->dist. */
static int dynamic_tables(inflater *s)
{
    refill(s);
    unsigned hlit = take(s, 5) + 257, hdist = take(s, 5) + 1, hclen = take(s, 4) + 4;
    size_t at = in_offset(s);
    if (hlit > 286)
        return bad_at(s, at, "corrupt: %u literal/length codes, at most 286 exist", hlit);
    if (hdist > 30)
        return bad_at(s, at, "corrupt: %u distance codes, at most 30 exist", hdist);
    uint8_t cl_lens[19] = {0};
    for (unsigned i = 0; i < hclen; i++) {
        refill(s);
        cl_lens[cl_order[i]] = (uint8_t)take(s, 3);
    }
    if (s->pad * 8 > s->bc)
        return truncated(s);
    const char *why = build_table(s->cl, CL_CAP, CL_PB, cl_lens, 19, ALPHA_CL, 0);
    if (why)
        return bad_at(s, in_offset(s), "corrupt: %s (code length code)", why);

    uint8_t lens[286 + 30];
    unsigned total = hlit + hdist, i = 0;
    while (i < total) {
        refill(s);
        uint32_t e = decode(s, s->cl, CL_PB);
        if (s->pad * 8 > s->bc)
            return truncated(s);
        if (E_KIND(e) == K_BAD)
            return bad_at(s, in_offset(s), "corrupt: invalid code in the code lengths");
        unsigned sym = E_VAL(e), rep, value = 0;
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (i == 0)
                return bad_at(s, in_offset(s),
                              "corrupt: code length repeat with no previous length");
            value = lens[i - 1];
            rep = 3 + take(s, 2);
        } else if (sym == 17) {
            rep = 3 + take(s, 3);
        } else {
            rep = 11 + take(s, 7);
        }
        if (rep > total - i)
            return bad_at(s, in_offset(s),
                          "corrupt: code lengths repeat past the %u codes declared", total);
        if (s->pad * 8 > s->bc)
            return truncated(s);
        memset(lens + i, (int)value, rep);
        i += rep;
    }
    if (lens[256] == 0)
        return bad_at(s, in_offset(s), "corrupt: the literal/length code has no end-of-block code");
    why = build_table(s->lit, LIT_CAP, LIT_PB, lens, hlit, ALPHA_LIT, 1);
    if (why)
        return bad_at(s, in_offset(s), "corrupt: %s (literal/length code)", why);
    why = build_table(s->dist, DIST_CAP, DIST_PB, lens + hlit, hdist, ALPHA_DIST, 1);
    if (why)
        return bad_at(s, in_offset(s), "corrupt: %s (distance code)", why);
    return NN_OK;
}

/* The fixed codes (RFC 1951, section 3.2.6), built on first use. */
static void fixed_tables(inflater *s)
{
    if (s->have_fixed)
        return;
    uint8_t lens[288];
    memset(lens, 8, 144);
    memset(lens + 144, 9, 112);
    memset(lens + 256, 7, 24);
    memset(lens + 280, 8, 8);
    build_table(s->fixed_lit, LIT_CAP, LIT_PB, lens, 288, ALPHA_LIT, 0);
    memset(lens, 5, 30 + 2);
    build_table(s->fixed_dist, DIST_CAP, DIST_PB, lens, 32, ALPHA_DIST, 0);
    s->have_fixed = 1;
}

/* Copies a match of length L from d bytes back; the two may overlap, in
 * which case the bytes just written are repeated (RFC 1951, section 3.2.3).
 * With room for 8 bytes more than L after dst (slack), and d >= 8, it copies
 * whole 8-byte words: a word never overlaps its own source, and the up to 7
 * bytes written past the match are overwritten by what comes next. */
static void copy_match(uint8_t *dst, size_t d, size_t L, size_t slack)
{
    const uint8_t *src = dst - d;
    if (d >= 8 && slack >= L + 8) {
        for (size_t i = 0; i < L; i += 8)
            memcpy(dst + i, src + i, 8);
    } else if (d == 1) {
        memset(dst, src[0], L);
    } else {
        for (size_t i = 0; i < L; i++)
            dst[i] = src[i];
    }
}

/* Fails on a table entry e that is no symbol of its code ("literal/length"
 * or "distance"): a slot no code reaches, or a symbol the format lacks. */
static int bad_symbol(const inflater *s, uint32_t e, const char *code)
{
    if (E_VAL(e) == UNUSED_SLOT)
        return bad_at(s, in_offset(s), "corrupt: invalid %s code", code);
    return bad_at(s, in_offset(s), "corrupt: %s symbol %u does not exist", code,
                  (unsigned)E_VAL(e));
}

/* For huffman_block, whose state lives in locals: SYNC writes it back to s;
 * LOOKUP decodes one symbol of table t (primary part pb bits) into e; GROW
 * makes room for k more output bytes (returning on failure). */
#define SYNC() (s->pos = pos, s->pad = pad, s->bb = bb, s->bc = bc, s->n = n)
#define LOOKUP(t, pb, e)                                                                    \
    do {                                                                                    \
        e = (t)[bb & ((1u << (pb)) - 1)];                                                   \
        if (E_KIND(e) == K_SUB) {                                                           \
            bb >>= (pb);                                                                    \
            bc -= (pb);                                                                     \
            e = (t)[E_VAL(e) + (bb & ((1u << E_EXTRA(e)) - 1))];                            \
        }                                                                                   \
        bb >>= E_BITS(e);                                                                   \
        bc -= E_BITS(e);                                                                    \
    } while (0)
#define GROW(k)                                                                             \
    do {                                                                                    \
        SYNC();                                                                             \
        if ((rc = reserve(s, (k))))                                                         \
            return rc;                                                                      \
        out = s->out;                                                                       \
        cap = s->cap;                                                                       \
    } while (0)

/* The symbols of one Huffman-coded block up to its end-of-block code.  The
 * state lives in locals here (a write through out could alias any field of
 * s) and goes back to s on every exit. */
static int huffman_block(inflater *s, const uint32_t *lt, const uint32_t *dt)
{
    const uint8_t *in = s->in;
    size_t len = s->len, pos = s->pos, pad = s->pad;
    uint64_t bb = s->bb;
    unsigned bc = s->bc;
    uint8_t *out = s->out;
    size_t n = s->n, cap = s->cap;
    int rc = NN_OK;
    for (;;) {
        uint32_t e;
        REFILL(in, len, pos, pad, bb, bc);
        LOOKUP(lt, LIT_PB, e);
        if (pad * 8 > bc) {
            SYNC();
            return truncated(s);
        }
        if (E_KIND(e) == K_LIT) {
            if (n == cap)
                GROW(1);
            out[n++] = (uint8_t)E_VAL(e);
            continue;
        }
        if (E_KIND(e) == K_END)
            break;
        if (E_KIND(e) != K_LEN) {
            SYNC();
            return bad_symbol(s, e, "literal/length");
        }
        unsigned extra = E_EXTRA(e);
        size_t L = E_VAL(e) + (size_t)(bb & ((1u << extra) - 1));
        bb >>= extra;
        bc -= extra;
        LOOKUP(dt, DIST_PB, e);
        if (E_KIND(e) != K_LEN) {
            SYNC();
            return pad * 8 > bc ? truncated(s) : bad_symbol(s, e, "distance");
        }
        extra = E_EXTRA(e);
        size_t d = E_VAL(e) + (size_t)(bb & ((1u << extra) - 1));
        bb >>= extra;
        bc -= extra;
        if (pad * 8 > bc) {
            SYNC();
            return truncated(s);
        }
        if (d > n) {
            SYNC();
            return bad_at(s, in_offset(s),
                          "corrupt: distance %zu reaches back before the start of the data "
                          "(%zu bytes written)",
                          d, n);
        }
        if (L > cap - n)
            GROW(L);
        copy_match(out + n, d, L, cap - n);
        n += L;
    }
    SYNC();
    return NN_OK;
}
#undef SYNC
#undef LOOKUP
#undef GROW

/* One deflate stream: blocks until the one marked final, then the trailing
 * bits of the last byte.  Leaves s->pos at the first byte after it. */
static int inflate_stream(inflater *s)
{
    unsigned final;
    do {
        refill(s);
        final = take(s, 1);
        unsigned type = take(s, 2);
        if (s->pad * 8 > s->bc)
            return truncated(s);
        int rc;
        if (type == 0) {
            rc = stored_block(s);
        } else if (type == 1) {
            fixed_tables(s);
            rc = huffman_block(s, s->fixed_lit, s->fixed_dist);
        } else if (type == 2) {
            rc = dynamic_tables(s);
            if (!rc)
                rc = huffman_block(s, s->lit, s->dist);
        } else {
            rc = bad_at(s, in_offset(s), "corrupt: block type 3 does not exist");
        }
        if (rc)
            return rc;
    } while (!final);
    return byte_align(s);
}

/* Skips a zero-terminated header field starting at *p. */
static int skip_string(inflater *s, size_t *p, const char *what)
{
    const uint8_t *z = memchr(s->in + *p, 0, s->len - *p);
    if (!z)
        return bad_at(s, s->len, "truncated: header ends inside the %s", what);
    *p = (size_t)(z - s->in) + 1;
    return NN_OK;
}

/* A member header (RFC 1952, section 2.3) at s->pos; leaves s->pos at the
 * deflate data. */
static int member_header(inflater *s)
{
    size_t start = s->pos, p = start;
    if (s->len - p < 10)
        return bad_at(s, s->len, "truncated: %zu bytes of gzip header, at least 10 needed",
                      s->len - p);
    unsigned flags = s->in[p + 3];
    if (s->in[p + 2] != 8)
        return bad_at(s, p + 2, "compression method %u; gzip defines only 8 (deflate)",
                      s->in[p + 2]);
    if (flags & 0xE0)
        return bad_at(s, p + 3, "reserved header flags set (0x%02x)", flags);
    p += 10; /* magic, method, flags, MTIME, XFL, OS */
    int rc;
    if (flags & 0x04) { /* FEXTRA: XLEN, then XLEN bytes of subfields */
        if (s->len - p < 2)
            return bad_at(s, s->len, "truncated: header ends inside the extra field length");
        size_t xlen = s->in[p] | (size_t)s->in[p + 1] << 8;
        p += 2;
        if (s->len - p < xlen)
            return bad_at(s, s->len, "truncated: header ends inside the %zu-byte extra field",
                          xlen);
        p += xlen;
    }
    if ((flags & 0x08) && (rc = skip_string(s, &p, "file name"))) /* FNAME */
        return rc;
    if ((flags & 0x10) && (rc = skip_string(s, &p, "comment"))) /* FCOMMENT */
        return rc;
    if (flags & 0x02) { /* FHCRC: the low 16 bits of the CRC-32 of the header so far */
        if (s->len - p < 2)
            return bad_at(s, s->len, "truncated: header ends inside the header CRC");
        unsigned want = s->in[p] | (unsigned)s->in[p + 1] << 8;
        unsigned got = nn_crc32(0, s->in + start, p - start) & 0xFFFFu;
        if (want != got)
            return bad_at(s, p, "header CRC mismatch: header has %04x, stored %04x", got, want);
        p += 2;
    }
    s->pos = p;
    return NN_OK;
}

/* The trailer at s->pos: CRC-32 and length (mod 2^32) of the member's data,
 * which starts at out + first. */
static int member_trailer(inflater *s, size_t first)
{
    size_t p = s->pos;
    if (s->len - p < 8)
        return bad_at(s, s->len, "truncated: the 8-byte trailer has only %zu", s->len - p);
    const uint8_t *t = s->in + p;
    uint32_t crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
    uint32_t isize = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;
    uint32_t got = nn_crc32(0, s->out + first, s->n - first);
    if (got != crc)
        return bad_at(s, p, "CRC-32 mismatch: data has %08lx, trailer says %08lx",
                      (unsigned long)got, (unsigned long)crc);
    if ((uint32_t)(s->n - first) != isize)
        return bad_at(s, p + 4, "length mismatch: %zu bytes of data, trailer says %lu (mod 2^32)",
                      s->n - first, (unsigned long)isize);
    s->pos = p + 8;
    return NN_OK;
}

/* The output bound (deflate's largest expansion of the input) and the
 * first output buffer.  The last trailer's ISIZE is a hint only (it may be
 * garbage, or belong to the last of several members): the first buffer takes
 * it up to 8 times the input (IDX files compress 2 to 5 times), and the first
 * growth beyond goes straight to it if it lies within the bound.  Returns 0,
 * or -1 if not even 4096 bytes could be allocated. */
static int start_output(inflater *s)
{
    const uint8_t *in = s->in;
    size_t len = s->len, first;
    if (nni_size_mul(&s->max, len, NN_DEFLATE_MAX_RATIO))
        s->max = SIZE_MAX;
    if (len >= 18)
        s->hint = (size_t)in[len - 4] | (size_t)in[len - 3] << 8 | (size_t)in[len - 2] << 16 |
                  (size_t)in[len - 1] << 24;
    if (nni_size_mul(&first, len, 8) || nni_size_add(&first, first, 4096))
        first = SIZE_MAX;
    s->cap = s->hint ? s->hint : 4096;
    if (s->cap > first)
        s->cap = first;
    if (s->cap > s->max)
        s->cap = s->max;
    s->out = malloc(s->cap);
    if (!s->out) {
        s->cap = 4096 < s->max ? 4096 : s->max;
        s->out = malloc(s->cap);
    }
    return s->out ? 0 : -1;
}

/* 1 if buf[0..len) are all zero bytes. */
static int only_zeros(const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != 0)
            return 0;
    return 1;
}

int nn_is_gzip(const uint8_t *buf, size_t len)
{
    return buf && len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

/* A decoder of in[0..len) with its tables unset (they are built per block);
 * NULL after failing with NN_ERR_NOMEM. */
static inflater *new_inflater(const uint8_t *in, size_t len, const char *name, nn_error *err)
{
    inflater *s = malloc(sizeof *s);
    if (!s) {
        nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for the decoder (%zu bytes)", name,
                sizeof *s);
        return NULL;
    }
    memset(s, 0, offsetof(inflater, lit));
    s->in = in;
    s->len = len;
    s->name = name;
    s->err = err;
    return s;
}

int nn_gunzip(const uint8_t *in, size_t len, const char *name, uint8_t **out, size_t *out_len,
              nn_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!name)
        name = "gzip data";
    if (!in && len > 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no buffer given for %zu bytes", name, len);
    if (len == 0)
        return nn_fail(err, NN_ERR_FORMAT, "%s: empty, not gzip data", name);
    if (!nn_is_gzip(in, len))
        return nn_fail(err, NN_ERR_FORMAT, "%s: not gzip data (starts with %02x%s%02x, expected 1f 8b)",
                       name, in[0], len > 1 ? " " : "", len > 1 ? in[1] : 0);
    inflater *s = new_inflater(in, len, name, err);
    if (!s)
        return NN_ERR_NOMEM;
    int rc = NN_OK;
    if (start_output(s) != 0)
        rc = nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for %zu bytes of output", name,
                     s->cap);
    while (!rc && s->pos < len) {
        s->member++;
        if (s->member > 1 && only_zeros(in + s->pos, len - s->pos))
            break; /* padding after the last member, which gzip -d ignores */
        if (s->member > 1 && !nn_is_gzip(in + s->pos, len - s->pos)) {
            rc = bad_at(s, s->pos, "trailing garbage: %zu bytes after the last member",
                        len - s->pos);
            break;
        }
        size_t first = s->n;
        rc = member_header(s);
        if (!rc)
            rc = inflate_stream(s);
        if (!rc)
            rc = member_trailer(s, first);
    }
    if (rc) {
        free(s->out);
        free(s);
        return rc;
    }
    /* Give back what the guess over-allocated. */
    uint8_t *data = s->out;
    if (s->cap > s->n) {
        uint8_t *shrunk = realloc(data, s->n ? s->n : 1);
        if (shrunk)
            data = shrunk;
    }
    *out = data;
    *out_len = s->n;
    free(s);
    return NN_OK;
}

/* The zlib header (RFC 1950, section 2.2): CMF (method 8, a window of at most
 * 32 KiB), FLG (check bits making CMF * 256 + FLG a multiple of 31, no preset
 * dictionary).  Leaves s->pos at the deflate data. */
static int zlib_header(inflater *s)
{
    if (s->len < 2)
        return bad_at(s, s->len, "truncated: %zu bytes of zlib header, 2 needed", s->len);
    unsigned cmf = s->in[0], flg = s->in[1];
    if ((cmf & 15) != 8)
        return bad_at(s, 0, "compression method %u; zlib defines only 8 (deflate)", cmf & 15);
    if (cmf >> 4 > 7)
        return bad_at(s, 0, "window of 2^%u bytes; deflate allows at most 2^15", (cmf >> 4) + 8);
    if ((cmf * 256 + flg) % 31 != 0)
        return bad_at(s, 1, "header check bits wrong (%02x %02x is not a multiple of 31)", cmf,
                      flg);
    if (flg & 0x20)
        return bad_at(s, 1, "the stream needs a preset dictionary, which no file format here has");
    s->pos = 2;
    return NN_OK;
}

/* The Adler-32 of the data (RFC 1950, section 2.2), big-endian at s->pos,
 * and nothing after it. */
static int zlib_trailer(inflater *s)
{
    size_t p = s->pos;
    if (s->len - p < 4)
        return bad_at(s, s->len, "truncated: the 4-byte Adler-32 has only %zu", s->len - p);
    const uint8_t *t = s->in + p;
    uint32_t want = (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3];
    uint32_t got = nn_adler32(1, s->out, s->n);
    if (got != want)
        return bad_at(s, p, "Adler-32 mismatch: data has %08lx, trailer says %08lx",
                      (unsigned long)got, (unsigned long)want);
    if (s->len - p > 4)
        return bad_at(s, p + 4, "trailing garbage: %zu bytes after the end of the stream",
                      s->len - p - 4);
    return NN_OK;
}

int nn_zlib_inflate(const uint8_t *in, size_t len, const char *name, size_t max_out,
                    uint8_t **out, size_t *out_len, nn_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!name)
        name = "zlib data";
    if (!in && len > 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no buffer given for %zu bytes", name, len);
    inflater *s = new_inflater(in, len, name, err);
    if (!s)
        return NN_ERR_NOMEM;
    /* The first buffer: what is expected, up to 8 times the input at first
     * (start_output takes the hint the same way as a gzip trailer's). */
    if (nni_size_mul(&s->max, len, NN_DEFLATE_MAX_RATIO))
        s->max = SIZE_MAX;
    if (max_out < s->max) {
        s->max = max_out;
        s->limited = 1;
    }
    size_t first;
    if (nni_size_mul(&first, len, 8) || nni_size_add(&first, first, 4096))
        first = SIZE_MAX;
    s->cap = s->max < first ? s->max : first;
    s->hint = s->limited ? s->max : 0;
    s->out = malloc(s->cap ? s->cap : 1);
    int rc = s->out ? zlib_header(s)
                    : nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for %zu bytes of output",
                              name, s->cap);
    if (!rc)
        rc = inflate_stream(s);
    if (!rc)
        rc = zlib_trailer(s);
    if (rc) {
        free(s->out);
        free(s);
        return rc;
    }
    *out = s->out;
    *out_len = s->n;
    free(s);
    return NN_OK;
}

/* A decoder of raw deflate data into exactly out_len bytes (at most what
 * deflate can expand len bytes into). */
static int start_raw(inflater *s, size_t out_len)
{
    size_t bound;
    if (nni_size_mul(&bound, s->len, NN_DEFLATE_MAX_RATIO))
        bound = SIZE_MAX;
    if (out_len > bound)
        return nn_fail(s->err, NN_ERR_FORMAT,
                       "%s: corrupt: %zu bytes cannot come from %zu bytes of deflate data (at "
                       "most %d times as many)",
                       s->name, out_len, s->len, NN_DEFLATE_MAX_RATIO);
    s->limited = 1;
    s->raw = 1;
    s->max = out_len;
    s->cap = out_len ? out_len : 1;
    s->out = malloc(s->cap);
    if (!s->out)
        return nn_fail(s->err, NN_ERR_NOMEM, "%s: out of memory for %zu decompressed bytes",
                       s->name, out_len);
    return NN_OK;
}

int nn_inflate(const uint8_t *in, size_t len, size_t out_len, const char *name, uint8_t **out,
               nn_error *err)
{
    *out = NULL;
    if (!name)
        name = "deflate data";
    if (!in && len > 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no buffer given for %zu bytes", name, len);
    inflater *s = new_inflater(in, len, name, err);
    if (!s)
        return NN_ERR_NOMEM;
    int rc = start_raw(s, out_len);
    if (!rc)
        rc = inflate_stream(s);
    if (!rc && s->n != out_len)
        rc = bad_at(s, s->pos, "length mismatch: %zu bytes of data, %zu expected", s->n, out_len);
    if (!rc && s->pos != len)
        rc = bad_at(s, s->pos, "trailing data: %zu bytes after the end of the deflate stream",
                    len - s->pos);
    if (rc)
        free(s->out);
    else
        *out = s->out;
    free(s);
    return rc;
}
