/* deflate.c - deflate compression (RFC 1951) and the zlib stream (RFC 1950);
 * see nn_deflate.h.
 *
 * Two stages, as in zlib's deflate_slow: a lazy LZ77 parse that fills a
 * buffer of symbols (literals and length/distance pairs) with their
 * frequencies, and a block writer that, whenever the buffer is full and at
 * the end, builds the Huffman codes of those frequencies and writes the
 * block in whichever of the three block types costs the fewest bits.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_crc.h"
#include "nn_deflate.h"
#include "files/deflate_tables.h"

#define WSIZE 32768u                     /* the window */
#define MAX_DIST (WSIZE - 262u)          /* farthest match, as zlib keeps it */
#define HASH_BITS 15
#define HASH_SIZE (1u << HASH_BITS)
#define MIN_MATCH 3u
#define MAX_MATCH 258u
#define MAX_CHAIN 128u /* zlib level 6: max_chain */
#define BIG_CHAIN 32u  /* zlib level 5's max_chain and nice_length, for inputs over BIG_INPUT */
#define BIG_INPUT ((size_t)4 << 20)
#define GOOD_MATCH 8u  /* good_length: search a quarter of the chain beyond it */
#define MAX_LAZY 16u   /* max_lazy: no lazy search beyond it */
#define NICE_MATCH 128u /* nice_length: stop searching at it */
#define TOO_FAR 4096u  /* a match of 3 farther than this is not worth it */
#define SYM_MAX 16384u /* symbols per block (zlib: 1 << (memLevel 8 + 6)) */
#define STORED_MAX 65535u

#define L_CODES 286 /* literal/length symbols that occur: 0-255, end 256, 257-285 */
#define D_CODES 30
#define BL_CODES 19
#define END_BLOCK 256


/* ---- bits out ------------------------------------------------------------------- */

/* Bits are packed least significant first (section 3.1.1). */
typedef struct bitw {
    uint8_t *out;
    size_t len, cap;
    uint64_t acc;
    unsigned n;
} bitw;

/* Room for extra more bytes; -1 when memory runs out. */
static int bw_reserve(bitw *w, size_t extra)
{
    if (w->cap - w->len >= extra)
        return 0;
    size_t cap = w->cap ? w->cap : 4096;
    while (cap - w->len < extra) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    uint8_t *p = realloc(w->out, cap);
    if (!p)
        return -1;
    w->out = p;
    w->cap = cap;
    return 0;
}

/* Appends the low count (<= 32) bits of bits; room was reserved. */
static inline void bw_put(bitw *w, uint32_t bits, unsigned count)
{
    w->acc |= (uint64_t)bits << w->n;
    w->n += count;
    while (w->n >= 8) {
        w->out[w->len++] = (uint8_t)w->acc;
        w->acc >>= 8;
        w->n -= 8;
    }
}

/* Pads to a byte boundary with zero bits. */
static void bw_align(bitw *w)
{
    if (w->n > 0)
        bw_put(w, 0, 8 - w->n);
}

/* ---- Huffman codes -------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Lengths (at most limit bits) of a Huffman code for the n symbols with
 * frequencies freq: the Huffman tree of the used symbols, deeper leaves
 * brought up to limit by zlib's rule (gen_bitlen: each step moves a leaf
 * from the deepest level above limit one down and two leaves up, keeping
 * the code complete), then the lengths dealt out shortest to the most
 * frequent.  Fewer than two used symbols still get two codes of one bit, a
 * complete code that every inflater accepts. */
static void huff_lengths(const uint32_t *freq, size_t n, unsigned limit, uint8_t *len)
{
    uint64_t key[L_CODES];
    uint64_t weight[2 * L_CODES];
    uint16_t parent[2 * L_CODES];
    uint8_t depth[2 * L_CODES];
    size_t m = 0;
    memset(len, 0, n);
    for (size_t s = 0; s < n; s++)
        if (freq[s])
            key[m++] = (uint64_t)freq[s] << 16 | s;
    if (m < 2) {
        size_t used = m ? (size_t)(key[0] & 0xFFFF) : 1;
        len[used] = 1;
        len[used == 0 ? 1 : 0] = 1;
        return;
    }
    qsort(key, m, sizeof *key, cmp_u64);
    for (size_t i = 0; i < m; i++)
        weight[i] = key[i] >> 16;
    /* Two queues: the sorted leaves, and the inner nodes in the order made
     * (their weights never decrease). */
    size_t leaf = 0, inner = m, next = m;
    for (size_t k = 0; k + 1 < m; k++, next++) {
        size_t pick[2];
        for (int j = 0; j < 2; j++)
            pick[j] = leaf < m && (inner >= next || weight[leaf] <= weight[inner]) ? leaf++ : inner++;
        weight[next] = weight[pick[0]] + weight[pick[1]];
        parent[pick[0]] = parent[pick[1]] = (uint16_t)next;
    }
    unsigned count[L_CODES + 1] = {0}, overflow = 0;
    depth[next - 1] = 0;
    for (size_t i = next - 1; i-- > 0;) {
        unsigned d = depth[parent[i]] + 1u;
        depth[i] = (uint8_t)(d > limit ? limit + 1 : d);
        /* Every node below level limit, inner ones too, counts: a subtree
         * of k leaves hanging there has 2k - 2 such nodes and needs k - 1
         * steps of the fix below. */
        if (d > limit) {
            d = limit;
            overflow++;
        }
        if (i < m)
            count[d]++;
    }
    for (; overflow > 0; overflow -= 2) {
        unsigned bits = limit - 1;
        while (count[bits] == 0)
            bits--;
        count[bits]--;
        count[bits + 1] += 2;
        count[limit]--;
    }
    size_t i = 0;
    for (unsigned bits = limit; bits >= 1; bits--)
        for (unsigned c = 0; c < count[bits]; c++)
            len[key[i++] & 0xFFFF] = (uint8_t)bits;
}

/* Reverses the low n bits of v. */
static unsigned reverse_bits(unsigned v, unsigned n)
{
    unsigned r = 0;
    for (unsigned i = 0; i < n; i++, v >>= 1)
        r = r << 1 | (v & 1);
    return r;
}

/* Canonical codes of lengths len (section 3.2.2), bit-reversed for output. */
static void huff_codes(const uint8_t *len, size_t n, uint16_t *code)
{
    unsigned count[16] = {0}, next[16] = {0}, c = 0;
    for (size_t s = 0; s < n; s++)
        count[len[s]]++;
    count[0] = 0;
    for (unsigned bits = 1; bits < 16; bits++) {
        c = (c + count[bits - 1]) << 1;
        next[bits] = c;
    }
    for (size_t s = 0; s < n; s++)
        code[s] = len[s] ? (uint16_t)reverse_bits(next[len[s]]++, len[s]) : 0;
}

/* ---- the compressor's state ----------------------------------------------------- */

typedef struct deflater {
    const uint8_t *in;
    size_t len;
    unsigned max_chain, nice_match; /* MAX_CHAIN and NICE_MATCH, or BIG_CHAIN for big inputs */
    size_t head[HASH_SIZE]; /* most recent position + 1 of each hash, 0 = none */
    size_t prev[WSIZE];     /* the position + 1 before (pos & (WSIZE - 1)) with its hash */
    uint16_t sym_len[SYM_MAX];  /* a literal byte, or a match length */
    uint16_t sym_dist[SYM_MAX]; /* 0 for a literal, else the match distance */
    size_t nsym;
    size_t block_start, block_end; /* input bytes the buffered symbols cover */
    uint32_t lfreq[L_CODES], dfreq[D_CODES];
    uint8_t len_code[MAX_MATCH + 1]; /* match length -> length code - 257 */
    bitw w;
} deflater;

/* The distance code of distance d (1..32768): 2 codes per power of two
 * beyond 4, told apart by the bit below the top one. */
static unsigned dist_code(unsigned d)
{
    unsigned x = d - 1;
    if (x < 4)
        return x;
    unsigned top = 31;
    while (!(x >> top))
        top--;
    return 2 * top + ((x >> (top - 1)) & 1);
}

static void tally_literal(deflater *s, uint8_t c)
{
    s->sym_len[s->nsym] = c;
    s->sym_dist[s->nsym++] = 0;
    s->lfreq[c]++;
    s->block_end++;
}

static void tally_match(deflater *s, unsigned dist, unsigned len)
{
    s->sym_len[s->nsym] = (uint16_t)len;
    s->sym_dist[s->nsym++] = (uint16_t)dist;
    s->lfreq[257 + s->len_code[len]]++;
    s->dfreq[dist_code(dist)]++;
    s->block_end += len;
}

/* ---- writing a block ------------------------------------------------------------ */

/* A run-length coded list of code lengths (section 3.2.7): symbols 0-15,
 * 16 (repeat the previous 3-6 times), 17 (3-10 zeros), 18 (11-138 zeros),
 * each with its extra bits' value. */
typedef struct cl_list {
    uint8_t sym[L_CODES + D_CODES];
    uint8_t extra[L_CODES + D_CODES];
    size_t n;
} cl_list;

static void cl_add(cl_list *c, unsigned sym, unsigned extra)
{
    c->sym[c->n] = (uint8_t)sym;
    c->extra[c->n++] = (uint8_t)extra;
}

/* Appends the lengths len[0..n) run-length coded as zlib's send_tree does. */
static void cl_encode(cl_list *c, const uint8_t *len, size_t n)
{
    int prevlen = -1, nextlen = len[0];
    unsigned count = 0, max_count = nextlen ? 7 : 138, min_count = nextlen ? 4 : 3;
    for (size_t i = 0; i < n; i++) {
        int curlen = nextlen;
        nextlen = i + 1 < n ? len[i + 1] : -1;
        if (++count < max_count && curlen == nextlen)
            continue;
        if (count < min_count) {
            while (count--)
                cl_add(c, (unsigned)curlen, 0);
        } else if (curlen != 0) {
            if (curlen != prevlen) {
                cl_add(c, (unsigned)curlen, 0);
                count--;
            }
            cl_add(c, 16, count - 3);
        } else if (count <= 10) {
            cl_add(c, 17, count - 3);
        } else {
            cl_add(c, 18, count - 11);
        }
        count = 0;
        prevlen = curlen;
        max_count = nextlen == 0 ? 138 : curlen == nextlen ? 6 : 7;
        min_count = nextlen == 0 ? 3 : curlen == nextlen ? 3 : 4;
    }
}

/* Everything a dynamic block header holds, and the codes. */
typedef struct dyn_codes {
    uint8_t llen[L_CODES], dlen[D_CODES], bllen[BL_CODES];
    uint16_t lcode[L_CODES], dcode[D_CODES], blcode[BL_CODES];
    size_t hlit, hdist, hclen;
    cl_list cl;
} dyn_codes;

/* Bits of the symbols under the lengths llen and dlen, extra bits included. */
static size_t symbol_bits(const deflater *s, const uint8_t *llen, const uint8_t *dlen)
{
    size_t bits = 0;
    for (size_t i = 0; i < L_CODES; i++)
        bits += (size_t)s->lfreq[i] * (llen[i] + (i > 256 ? len_extra[i - 257] : 0));
    for (size_t i = 0; i < D_CODES; i++)
        bits += (size_t)s->dfreq[i] * (dlen[i] + dist_extra[i]);
    return bits;
}

/* Builds the dynamic codes of the block; returns the block's size in bits. */
static size_t build_dynamic(const deflater *s, dyn_codes *d)
{
    huff_lengths(s->lfreq, L_CODES, 15, d->llen);
    huff_lengths(s->dfreq, D_CODES, 15, d->dlen);
    for (d->hlit = L_CODES; d->hlit > 257 && d->llen[d->hlit - 1] == 0; d->hlit--)
        ;
    for (d->hdist = D_CODES; d->hdist > 1 && d->dlen[d->hdist - 1] == 0; d->hdist--)
        ;
    d->cl.n = 0;
    cl_encode(&d->cl, d->llen, d->hlit);
    cl_encode(&d->cl, d->dlen, d->hdist);
    uint32_t blfreq[BL_CODES] = {0};
    for (size_t i = 0; i < d->cl.n; i++)
        blfreq[d->cl.sym[i]]++;
    huff_lengths(blfreq, BL_CODES, 7, d->bllen);
    for (d->hclen = BL_CODES; d->hclen > 4 && d->bllen[cl_order[d->hclen - 1]] == 0; d->hclen--)
        ;
    huff_codes(d->llen, L_CODES, d->lcode);
    huff_codes(d->dlen, D_CODES, d->dcode);
    huff_codes(d->bllen, BL_CODES, d->blcode);
    size_t bits = 3 + 5 + 5 + 4 + 3 * d->hclen;
    static const unsigned rep_extra[3] = {2, 3, 7};
    for (size_t i = 0; i < BL_CODES; i++)
        bits += (size_t)blfreq[i] * (d->bllen[i] + (i >= 16 ? rep_extra[i - 16] : 0));
    return bits + symbol_bits(s, d->llen, d->dlen);
}

/* The fixed code's lengths (section 3.2.6), over all 288 literal/length
 * symbols: 286 and 287 never occur but take their place among the codes of
 * 8 bits, and so move every code of 9 bits. */
#define FIXED_L_CODES 288
static void fixed_lengths(uint8_t *llen, uint8_t *dlen)
{
    for (size_t i = 0; i < FIXED_L_CODES; i++)
        llen[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    memset(dlen, 5, D_CODES);
}

/* Bits of the block as stored blocks of at most 65,535 bytes, starting at
 * bit offset n within a byte. */
static size_t stored_bits(size_t bytes, unsigned n)
{
    size_t bits = 0;
    do {
        size_t m = bytes < STORED_MAX ? bytes : STORED_MAX;
        unsigned pad = (8 - (n + 3) % 8) % 8;
        bits += 3 + pad + 32 + 8 * m;
        n = 0;
        bytes -= m;
    } while (bytes > 0);
    return bits;
}

/* The buffered symbols under the given codes, then the end-of-block code. */
static void write_symbols(deflater *s, const uint8_t *llen, const uint16_t *lcode,
                          const uint8_t *dlen, const uint16_t *dcode)
{
    bitw *w = &s->w;
    for (size_t i = 0; i < s->nsym; i++) {
        unsigned lv = s->sym_len[i], dist = s->sym_dist[i];
        if (dist == 0) {
            bw_put(w, lcode[lv], llen[lv]);
            continue;
        }
        unsigned lc = s->len_code[lv], dc = dist_code(dist);
        bw_put(w, lcode[257 + lc], llen[257 + lc]);
        bw_put(w, lv - len_base[lc], len_extra[lc]);
        bw_put(w, dcode[dc], dlen[dc]);
        bw_put(w, dist - dist_base[dc], dist_extra[dc]);
    }
    bw_put(w, lcode[END_BLOCK], llen[END_BLOCK]);
}

/* The dynamic block header: HLIT, HDIST, HCLEN, the code length code's
 * lengths in cl_order, then the run-length coded lengths. */
static void write_dynamic_header(bitw *w, const dyn_codes *d)
{
    bw_put(w, (uint32_t)(d->hlit - 257), 5);
    bw_put(w, (uint32_t)(d->hdist - 1), 5);
    bw_put(w, (uint32_t)(d->hclen - 4), 4);
    for (size_t i = 0; i < d->hclen; i++)
        bw_put(w, d->bllen[cl_order[i]], 3);
    static const unsigned rep_extra[3] = {2, 3, 7};
    for (size_t i = 0; i < d->cl.n; i++) {
        unsigned sym = d->cl.sym[i];
        bw_put(w, d->blcode[sym], d->bllen[sym]);
        if (sym >= 16)
            bw_put(w, d->cl.extra[i], rep_extra[sym - 16]);
    }
}

/* The block's bytes as stored blocks (section 3.2.4), the last one final
 * when last is set. */
static void write_stored(deflater *s, int last)
{
    size_t off = s->block_start, left = s->block_end - s->block_start;
    do {
        size_t m = left < STORED_MAX ? left : STORED_MAX;
        bw_put(&s->w, (last && m == left) ? 1u : 0u, 3);
        bw_align(&s->w);
        bw_put(&s->w, (uint32_t)m, 16);
        bw_put(&s->w, (uint32_t)(~m & 0xFFFF), 16);
        if (m > 0)
            memcpy(s->w.out + s->w.len, s->in + off, m);
        s->w.len += m;
        off += m;
        left -= m;
    } while (left > 0);
}

/* Writes the buffered symbols as one block of the cheapest type and starts
 * a new buffer; -1 when memory runs out. */
static int flush_block(deflater *s, int last)
{
    s->lfreq[END_BLOCK] = 1;
    size_t bytes = s->block_end - s->block_start;
    if (bw_reserve(&s->w, bytes + 5 * (bytes / STORED_MAX + 1) + 16) != 0)
        return -1;
    dyn_codes *d = malloc(sizeof *d);
    if (!d)
        return -1;
    uint8_t flen[FIXED_L_CODES], fdlen[D_CODES];
    uint16_t fcode[FIXED_L_CODES], fdcode[D_CODES];
    fixed_lengths(flen, fdlen);
    size_t dyn = build_dynamic(s, d), fixed = 3 + symbol_bits(s, flen, fdlen);
    size_t stored = stored_bits(bytes, s->w.n);
    if (stored < dyn && stored < fixed) {
        write_stored(s, last);
    } else if (fixed <= dyn) {
        huff_codes(flen, FIXED_L_CODES, fcode);
        huff_codes(fdlen, D_CODES, fdcode);
        bw_put(&s->w, (last ? 1u : 0u) | 1u << 1, 3);
        write_symbols(s, flen, fcode, fdlen, fdcode);
    } else {
        bw_put(&s->w, (last ? 1u : 0u) | 2u << 1, 3);
        write_dynamic_header(&s->w, d);
        write_symbols(s, d->llen, d->lcode, d->dlen, d->dcode);
    }
    free(d);
    s->nsym = 0;
    s->block_start = s->block_end;
    memset(s->lfreq, 0, sizeof s->lfreq);
    memset(s->dfreq, 0, sizeof s->dfreq);
    return 0;
}

/* ---- LZ77 ------------------------------------------------------------------------- */

/* Hash of the 3 bytes at p (multiplicative, the top HASH_BITS bits). */
static inline size_t hash3(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return (size_t)((v * 2654435761u) >> (32 - HASH_BITS));
}

/* Puts position pos (pos + 2 < len) at the head of its hash chain; returns
 * the previous head (position + 1, 0 for none). */
static inline size_t insert(deflater *s, size_t pos)
{
    size_t h = hash3(s->in + pos), old = s->head[h];
    s->prev[pos & (WSIZE - 1)] = old;
    s->head[h] = pos + 1;
    return old;
}

/* How many bytes from a and b agree, up to max. */
static inline size_t common_length(const uint8_t *a, const uint8_t *b, size_t max)
{
    size_t n = 0;
#if defined(__GNUC__) || defined(__clang__)
    while (n + 8 <= max) {
        uint64_t x, y;
        memcpy(&x, a + n, 8);
        memcpy(&y, b + n, 8);
        if (x != y) {
            uint64_t diff = x ^ y;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return n + (size_t)(__builtin_ctzll(diff) / 8);
#else
            return n + (size_t)(__builtin_clzll(diff) / 8);
#endif
        }
        n += 8;
    }
#endif
    while (n < max && a[n] == b[n])
        n++;
    return n;
}

/* zlib's longest_match: walks the chain from cur (position + 1) for a match
 * at pos longer than best (the previous position's match), at most
 * s->max_chain candidates (a quarter when best >= GOOD_MATCH), stopping at
 * s->nice_match; *start receives the best match's position.  Returns the
 * longest length found (best if none is longer). */
static size_t longest_match(const deflater *s, size_t pos, size_t cur, size_t best,
                            size_t *start)
{
    unsigned chain = best >= GOOD_MATCH ? s->max_chain >> 2 : s->max_chain;
    size_t max = s->len - pos < MAX_MATCH ? s->len - pos : MAX_MATCH;
    size_t nice = s->nice_match < max ? s->nice_match : max;
    size_t limit = pos > MAX_DIST ? pos - MAX_DIST : 0;
    const uint8_t *scan = s->in + pos;
    if (best >= max)
        return best;
    while (cur != 0 && cur - 1 >= limit) {
        const uint8_t *m = s->in + (cur - 1);
        if (m[best] == scan[best] && m[0] == scan[0] && m[1] == scan[1]) {
            size_t n = common_length(m, scan, max);
            if (n > best) {
                best = n;
                *start = cur - 1;
                if (n >= nice)
                    break;
            }
        }
        size_t next = s->prev[(cur - 1) & (WSIZE - 1)];
        if (--chain == 0 || next >= cur)
            break;
        cur = next;
    }
    return best;
}

/* zlib's deflate_slow over the whole input: at each position the longest
 * match is found; the match of the previous position is taken only when
 * this one is not longer, else the previous byte goes out as a literal. */
static int parse(deflater *s)
{
    size_t pos = 0, match_len = MIN_MATCH - 1, match_start = 0;
    int pending = 0; /* the byte before pos awaits its literal */
    while (pos < s->len) {
        size_t hh = pos + 2 < s->len ? insert(s, pos) : 0;
        size_t prev_len = match_len, prev_match = match_start;
        match_len = MIN_MATCH - 1;
        if (hh != 0 && prev_len < MAX_LAZY && pos - (hh - 1) <= MAX_DIST) {
            match_len = longest_match(s, pos, hh, prev_len, &match_start);
            if (match_len == MIN_MATCH && pos - match_start > TOO_FAR)
                match_len = MIN_MATCH - 1;
        }
        if (prev_len >= MIN_MATCH && match_len <= prev_len) {
            tally_match(s, (unsigned)(pos - 1 - prev_match), (unsigned)prev_len);
            size_t end = pos - 1 + prev_len;
            for (size_t p = pos + 1; p < end && p + 2 < s->len; p++)
                insert(s, p);
            pos = end;
            pending = 0;
            match_len = MIN_MATCH - 1;
        } else if (pending) {
            tally_literal(s, s->in[pos - 1]);
            pos++;
        } else {
            pending = 1;
            pos++;
        }
        if (s->nsym == SYM_MAX && flush_block(s, 0) != 0)
            return -1;
    }
    if (pending)
        tally_literal(s, s->in[pos - 1]);
    return flush_block(s, 1);
}

/* Compresses into s->w after prefix bytes of room left at its start. */
static int deflate_into(const uint8_t *in, size_t len, size_t prefix, size_t suffix, bitw *w)
{
    deflater *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->in = in;
    s->len = len;
    /* A big input (a 1080p picture is 6 MB of rows) searches shorter chains:
     * 2.5 times faster, about 3% larger. */
    s->max_chain = len > BIG_INPUT ? BIG_CHAIN : MAX_CHAIN;
    s->nice_match = len > BIG_INPUT ? BIG_CHAIN : NICE_MATCH;
    for (unsigned c = 0; c < 29; c++)
        for (unsigned l = len_base[c]; l < (c < 28 ? len_base[c + 1] : MAX_MATCH + 1u); l++)
            s->len_code[l] = (uint8_t)c;
    int rc = bw_reserve(&s->w, prefix + suffix + len / 4 + 64);
    if (rc == 0) {
        s->w.len = prefix;
        rc = parse(s);
        bw_align(&s->w);
    }
    if (rc == 0)
        rc = bw_reserve(&s->w, suffix);
    *w = s->w;
    if (rc != 0) {
        free(w->out);
        w->out = NULL;
    }
    free(s);
    return rc;
}

int nn_deflate(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len, nn_error *err)
{
    bitw w;
    *out = NULL;
    *out_len = 0;
    if (deflate_into(in, len, 0, 0, &w) != 0)
        return nn_fail(err, NN_ERR_NOMEM, "deflate: out of memory compressing %zu bytes", len);
    *out = w.out;
    *out_len = w.len;
    return NN_OK;
}

int nn_zlib_compress(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len,
                     nn_error *err)
{
    bitw w;
    *out = NULL;
    *out_len = 0;
    if (deflate_into(in, len, 2, 4, &w) != 0)
        return nn_fail(err, NN_ERR_NOMEM, "zlib: out of memory compressing %zu bytes", len);
    /* CMF 0x78: deflate with a 32 KiB window; FLG 0x9C: default level, no
     * dictionary, and 0x789C is a multiple of 31 (RFC 1950 section 2.2). */
    w.out[0] = 0x78;
    w.out[1] = 0x9C;
    uint32_t adler = nn_adler32(1, in, len);
    for (int sh = 24; sh >= 0; sh -= 8)
        w.out[w.len++] = (uint8_t)(adler >> sh);
    *out = w.out;
    *out_len = w.len;
    return NN_OK;
}
