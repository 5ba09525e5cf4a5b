/* kernels_simd.h - the dense-layer kernels (and the pixel conversion, Adam,
 * ReLU and the cross-entropy) written once for any vector width, included by
 * kernels_avx2.c and kernels_avx512.c after they define:
 *
 *   SIMD_FN            function attributes (the target instruction set)
 *   W, vec, vmask      lanes per vector, the vector and tail-mask types
 *   V_ZERO() V_LOAD(p) V_LOADM(p, m) V_STORE(p, v) V_STOREM(p, m, v)
 *   V_SET1(s) V_MUL(a, b) V_ADD(a, b) V_SUB(a, b) V_DIV(a, b) V_SQRT(a)
 *   V_FMA(a, b, c) = a b + c (fused)
 *   V_LT(a, b) V_GT(a, b)   lane-wise comparisons (false on NaN)
 *   V_KEEP(a, c) V_DROP(a, c)   a where c holds / does not hold, else +0
 *   V_MASK(n)          a mask of the first n lanes (1 <= n <= W)
 *   V_BYTES(p)         W bytes at p as floats
 *   V_MAX(a, b)        lane-wise maximum (b where either is NaN)
 *   V_LOADM_OR(p, m, f)  the lanes of p selected by m, f in the others
 *   V_ROUND(a)         the nearest integer (ties to even), as a float
 *   V_POW2I(n)         2^n for integer-valued n in [-126, 127]
 *   v_hsum(v)          the sum of the lanes, in a fixed order
 *   v_hmax(v)          the largest lane
 *   vecd               a vector of W / 2 doubles: VD_ZERO() VD_ADD(a, b) VD_STORE(p, v)
 *   VD_LO(v) VD_HI(v)  the first and last W / 2 lanes of v, as doubles
 *   FWD_MR, FWD_NR     forward tile: rows x outputs      (FWD_CASES lists them)
 *   WG_NO, WG_KV       weight-gradient tile: outputs x vectors of inputs (WG_CASES)
 *   IG_MR, IG_KV       input-gradient tile: rows x vectors of inputs     (IG_CASES)
 *
 * Register blocking: each tile keeps its MR x NR (or NO x KV, MR x KV)
 * accumulators in vector registers for the whole of its inner loop, so every
 * load feeds several fused multiply-adds.  The tile functions take their sizes
 * as constants (they are always inlined into a switch over the sizes) so that
 * the compiler unrolls them completely.  The two gradients pack the strip of
 * a matrix that their tiles share (x's for the weights, w's for the input)
 * into a block that stays in L1, when enough tiles read it: rows whose
 * length is a multiple of 1 KiB would otherwise fall into a few cache sets.
 *
 * Every output element is computed the same way whatever tile it falls in:
 *   forward       lane j of the accumulator sums x[k] w[k] over k = j mod W in
 *                 increasing k (masked tail last), then v_hsum, then + bias;
 *                 or, for small layers (chosen by in and out alone), one fma
 *                 per k in increasing k from 0, then + bias;
 *   weights       dw[o][k] = fma(dy[i][o], x[i][k], dw[o][k]) for i = 0, 1, ...;
 *   input         dx[i][k] = fma(dy[i][o], w[o][k], .) for o = 0, 1, ... from 0.
 * So results never depend on the batch size or on where a row sits in it.
 * The kernels for mostly-zero inputs take x as bytes, each vector turned
 * into floats as it is loaded, and do the forward and weight sums the same
 * way, leaving out the vectors of x that are all zero.
 */

#if defined(__clang__)
#define UNROLL _Pragma("clang loop unroll(full)")
#else
#define UNROLL _Pragma("GCC unroll 32")
#endif

#define SIMD_INLINE SIMD_FN __attribute__((always_inline)) static inline

/* p[0..W) when full, else the first lanes selected by m (the rest are zero). */
SIMD_INLINE vec load_last(const float *p, int partial, vmask m)
{
    return partial ? V_LOADM(p, m) : V_LOAD(p);
}

SIMD_INLINE void store_last(float *p, vec v, int partial, vmask m)
{
    if (partial)
        V_STOREM(p, m, v);
    else
        V_STORE(p, v);
}

/* Forward tile: y[r][o] = b[o] + sum_k x[r][k] w[o][k] for r < MR, o < NR.
 * x rows and w rows have length in (kfull of it in whole vectors, the rest
 * under mask m); y rows are ldy apart. */
SIMD_INLINE void fwd_tile(float *y, size_t ldy, const float *x, const float *w, const float *b,
                          size_t in, size_t kfull, vmask m, const int MR, const int NR)
{
    vec acc[FWD_MR][FWD_NR];
    UNROLL for (int r = 0; r < MR; r++) {
        UNROLL for (int o = 0; o < NR; o++)
            acc[r][o] = V_ZERO();
    }
    for (size_t k = 0; k < kfull; k += W) {
        vec wv[FWD_NR];
        UNROLL for (int o = 0; o < NR; o++)
            wv[o] = V_LOAD(w + (size_t)o * in + k);
        UNROLL for (int r = 0; r < MR; r++) {
            vec xv = V_LOAD(x + (size_t)r * in + k);
            /* lane j: acc += x[r][k + j] w[o][k + j] */
            UNROLL for (int o = 0; o < NR; o++)
                acc[r][o] = V_FMA(xv, wv[o], acc[r][o]);
        }
    }
    if (kfull < in) {
        vec wv[FWD_NR];
        UNROLL for (int o = 0; o < NR; o++)
            wv[o] = V_LOADM(w + (size_t)o * in + kfull, m);
        UNROLL for (int r = 0; r < MR; r++) {
            vec xv = V_LOADM(x + (size_t)r * in + kfull, m);
            UNROLL for (int o = 0; o < NR; o++)
                acc[r][o] = V_FMA(xv, wv[o], acc[r][o]);
        }
    }
    /* y[r][o] = b[o] + sum over lanes */
    UNROLL for (int r = 0; r < MR; r++) {
        UNROLL for (int o = 0; o < NR; o++)
            y[(size_t)r * ldy + o] = (b ? b[o] : 0.0f) + v_hsum(acc[r][o]);
    }
}

/* Weight-gradient tile: dw[o][v W + j] += sum_i dy[i][o] x[i][v W + j] for
 * o < NO and KV vectors of inputs (the last one under mask m if partial),
 * from zero instead of dw when add is 0.  dw rows are ldw apart, x rows ldx,
 * dy rows ldy. */
SIMD_INLINE void wg_tile(float *dw, size_t ldw, const float *dy, size_t ldy, const float *x,
                         size_t ldx, size_t B, int partial, vmask m, int add, const int NO,
                         const int KV)
{
    vec acc[WG_NO][WG_KV];
    UNROLL for (int o = 0; o < NO; o++) {
        UNROLL for (int v = 0; v + 1 < KV; v++)
            acc[o][v] = add ? V_LOAD(dw + (size_t)o * ldw + (size_t)v * W) : V_ZERO();
        acc[o][KV - 1] = add ? load_last(dw + (size_t)o * ldw + (size_t)(KV - 1) * W, partial, m)
                             : V_ZERO();
    }
    for (size_t i = 0; i < B; i++) {
        const float *xi = x + i * ldx, *dyi = dy + i * ldy;
        vec xv[WG_KV];
        UNROLL for (int v = 0; v + 1 < KV; v++)
            xv[v] = V_LOAD(xi + (size_t)v * W);
        xv[KV - 1] = load_last(xi + (size_t)(KV - 1) * W, partial, m);
        UNROLL for (int o = 0; o < NO; o++) {
            vec d = V_SET1(dyi[o]);
            /* dw[o][k] += dy[i][o] x[i][k] */
            UNROLL for (int v = 0; v < KV; v++)
                acc[o][v] = V_FMA(d, xv[v], acc[o][v]);
        }
    }
    UNROLL for (int o = 0; o < NO; o++) {
        UNROLL for (int v = 0; v + 1 < KV; v++)
            V_STORE(dw + (size_t)o * ldw + (size_t)v * W, acc[o][v]);
        store_last(dw + (size_t)o * ldw + (size_t)(KV - 1) * W, acc[o][KV - 1], partial, m);
    }
}

/* Input-gradient tile: dx[r][v W + j] (+)= sum_o dy[r][o] w[o][v W + j] for
 * r < MR, o < out and KV vectors of inputs (the last one under mask m if
 * partial), from zero instead of dx when add is 0.  dx rows are ldx apart,
 * dy rows ldy, w rows ldw. */
SIMD_INLINE void ig_tile(float *dx, size_t ldx, const float *dy, size_t ldy, const float *w,
                         size_t ldw, size_t out, int partial, vmask m, int add, const int MR,
                         const int KV)
{
    vec acc[IG_MR][IG_KV];
    UNROLL for (int r = 0; r < MR; r++) {
        UNROLL for (int v = 0; v + 1 < KV; v++)
            acc[r][v] = add ? V_LOAD(dx + (size_t)r * ldx + (size_t)v * W) : V_ZERO();
        acc[r][KV - 1] = add ? load_last(dx + (size_t)r * ldx + (size_t)(KV - 1) * W, partial, m)
                             : V_ZERO();
    }
    for (size_t o = 0; o < out; o++) {
        const float *wo = w + o * ldw;
        vec wv[IG_KV];
        UNROLL for (int v = 0; v + 1 < KV; v++)
            wv[v] = V_LOAD(wo + (size_t)v * W);
        wv[KV - 1] = load_last(wo + (size_t)(KV - 1) * W, partial, m);
        UNROLL for (int r = 0; r < MR; r++) {
            vec d = V_SET1(dy[(size_t)r * ldy + o]);
            /* dx[r][k] += dy[r][o] w[o][k] */
            UNROLL for (int v = 0; v < KV; v++)
                acc[r][v] = V_FMA(d, wv[v], acc[r][v]);
        }
    }
    UNROLL for (int r = 0; r < MR; r++) {
        UNROLL for (int v = 0; v + 1 < KV; v++)
            V_STORE(dx + (size_t)r * ldx + (size_t)v * W, acc[r][v]);
        store_last(dx + (size_t)r * ldx + (size_t)(KV - 1) * W, acc[r][KV - 1], partial, m);
    }
}

/* The lanes used by a final vector of n (1..W) floats, and whether it is partial. */
static size_t tail_lanes(size_t n)
{
    size_t r = n % W;
    return r ? r : W;
}

#define FWD_CALL(A, C)                                                                     \
    case (A) * 16 + (C):                                                                   \
        fwd_tile(y, ldy, x, w, b, in, kfull, m, A, C);                                     \
        break;

/* One forward tile of mr x nr (each at most FWD_MR x FWD_NR). */
SIMD_FN static void fwd_block(float *y, size_t ldy, const float *x, const float *w,
                              const float *b, size_t in, size_t kfull, vmask m, size_t mr,
                              size_t nr)
{
    switch (mr * 16 + nr) {
        FWD_CASES(FWD_CALL)
    default: break;
    }
}

/* Layers with at most SMALL_IN inputs and SMALL_OV vectors of outputs take
 * the small path below. */
#define SMALL_IN 32
#define SMALL_OV 4

/* Forward for R rows of a small layer, lanes over outputs: with wt = w^T
 * (in, OV W), acc = sum over k in increasing order of fma(x[r][k], wt[k][.],
 * acc) from 0, then y[r][.] = b + acc.  Each output vector gets in
 * multiply-adds and no horizontal sum, where the main path would spend a
 * horizontal sum on every output of a row whose dot product is a single
 * vector long. */
SIMD_INLINE void fwd_small_rows(float *y, const float *x, const float *wt, const vec *bias,
                                size_t in, size_t out, vmask m, const int R, const int OV)
{
    int partial = out % W != 0;
    vec acc[4][SMALL_OV];
    UNROLL for (int r = 0; r < R; r++) {
        UNROLL for (int v = 0; v < OV; v++)
            acc[r][v] = V_ZERO();
    }
    for (size_t k = 0; k < in; k++) {
        UNROLL for (int r = 0; r < R; r++) {
            vec xk = V_SET1(x[(size_t)r * in + k]);
            /* lane o: acc += x[r][k] w[o][k] */
            UNROLL for (int v = 0; v < OV; v++)
                acc[r][v] = V_FMA(xk, V_LOAD(wt + (k * OV + (size_t)v) * W), acc[r][v]);
        }
    }
    /* y[r][o] = b[o] + acc */
    UNROLL for (int r = 0; r < R; r++) {
        float *yr = y + (size_t)r * out;
        UNROLL for (int v = 0; v + 1 < OV; v++)
            V_STORE(yr + (size_t)v * W, V_ADD(bias[v], acc[r][v]));
        store_last(yr + (size_t)(OV - 1) * W, V_ADD(bias[OV - 1], acc[r][OV - 1]), partial, m);
    }
}

/* All rows, four at a time (four independent chains of multiply-adds). */
SIMD_INLINE void fwd_small_all(float *y, const float *x, const float *wt, const vec *bias,
                               size_t B, size_t in, size_t out, vmask m, const int OV)
{
    size_t i = 0;
    for (; i + 4 <= B; i += 4)
        fwd_small_rows(y + i * out, x + i * in, wt, bias, in, out, m, 4, OV);
    for (; i < B; i++)
        fwd_small_rows(y + i * out, x + i * in, wt, bias, in, out, m, 1, OV);
}

SIMD_FN static void fwd_small(float *y, const float *x, const float *w, const float *b, size_t B,
                              size_t in, size_t out)
{
    size_t ov = (out + W - 1) / W;
    float wt[SMALL_IN * SMALL_OV * W];
    vec bias[SMALL_OV];
    /* wt[k][o] = w[o][k], zero beyond out */
    for (size_t k = 0; k < in; k++)
        for (size_t o = 0; o < ov * W; o++)
            wt[k * ov * W + o] = o < out ? w[o * in + k] : 0.0f;
    vmask m = V_MASK(tail_lanes(out));
    for (size_t v = 0; v < ov; v++) {
        int partial = (v + 1) * W > out;
        bias[v] = b ? load_last(b + v * W, partial, m) : V_ZERO();
    }
    switch (ov) {
    case 1: fwd_small_all(y, x, wt, bias, B, in, out, m, 1); break;
    case 2: fwd_small_all(y, x, wt, bias, B, in, out, m, 2); break;
    case 3: fwd_small_all(y, x, wt, bias, B, in, out, m, 3); break;
    default: fwd_small_all(y, x, wt, bias, B, in, out, m, 4); break;
    }
}

/* Whether a layer of in inputs and out outputs takes fwd_small. */
static int small_layer(size_t in, size_t out)
{
    return in > 0 && in <= SMALL_IN && out > 0 && out <= SMALL_OV * W;
}

/* y = x w^T + b: tiles of FWD_NR outputs (their w rows stay in L1) by FWD_MR
 * rows; small layers take fwd_small.  The path depends on in and out alone. */
SIMD_FN static void simd_forward(float *y, const float *x, const float *w, const float *b,
                                 size_t B, size_t in, size_t out)
{
    if (small_layer(in, out)) {
        fwd_small(y, x, w, b, B, in, out);
        return;
    }
    size_t kfull = in - in % W;
    vmask m = V_MASK(tail_lanes(in));
    for (size_t o0 = 0; o0 < out; o0 += FWD_NR) {
        size_t nr = out - o0 < FWD_NR ? out - o0 : FWD_NR;
        for (size_t i0 = 0; i0 < B; i0 += FWD_MR) {
            size_t mr = B - i0 < FWD_MR ? B - i0 : FWD_MR;
            fwd_block(y + i0 * out + o0, out, x + i0 * in, w + o0 * in, b ? b + o0 : NULL, in,
                      kfull, m, mr, nr);
        }
    }
}

/* Rows [r0, r0 + n) of a strip of kv vectors of a matrix (columns from a,
 * rows lda apart, the last vector under mask m if partial) into pk, kv W
 * floats a row, the lanes beyond the strip 0. */
SIMD_FN static void strip_pack(float *pk, const float *a, size_t lda, size_t r0, size_t n,
                               size_t kv, int partial, vmask m)
{
    for (size_t r = 0; r < n; r++) {
        const float *ar = a + (r0 + r) * lda;
        float *pr = pk + r * kv * W;
        for (size_t v = 0; v + 1 < kv; v++)
            V_STORE(pr + v * W, V_LOAD(ar + v * W));
        V_STORE(pr + (kv - 1) * W, load_last(ar + (kv - 1) * W, partial, m));
    }
}

/* Rows [r0, r0 + n) of the strip at a as the tiles read them: packed into
 * pk when pack is set, else where they are; *ld receives their row stride. */
SIMD_FN static const float *strip_rows(float *pk, const float *a, size_t lda, size_t r0,
                                       size_t n, size_t kv, int partial, vmask m, int pack,
                                       size_t *ld)
{
    if (!pack) {
        *ld = lda;
        return a + r0 * lda;
    }
    strip_pack(pk, a, lda, r0, n, kv, partial, m);
    *ld = kv * W;
    return pk;
}

#define WG_CALL(A, C)                                                                      \
    case (A) * 16 + (C):                                                                   \
        wg_tile(dw, ldw, dy, ldy, x, ldx, B, partial, m, add, A, C);                       \
        break;

SIMD_FN static void wg_block(float *dw, size_t ldw, const float *dy, size_t ldy, const float *x,
                             size_t ldx, size_t B, int partial, vmask m, int add, size_t no,
                             size_t kv)
{
    switch (no * 16 + kv) {
        WG_CASES(WG_CALL)
    default: break;
    }
}

SIMD_FN static void wg_bias(float *db, const float *dy, size_t ldy, size_t B, size_t out,
                            int add);

/* Floats of x that simd_backward_weights packs at a time: a block of rows
 * of a strip, which then stays in L1 for every tile of outputs.  A strip
 * is packed only when at least PACK_REUSE tiles read it. */
#define WG_PACK_FLOATS 4096
#define PACK_REUSE 4

/* dw += dy^T x, db += column sums of dy, with row strides (see
 * nn/kernels.h): for each strip of WG_KV vectors of columns, blocks of x's
 * rows packed together (as they stand, a strip's rows lie in a few cache
 * sets when the row length is a multiple of 1 KiB), and for each block,
 * tiles of WG_NO outputs that carry on each sum from the last block: every
 * dw[o][k] still adds its terms in order of i.  With fewer than PACK_REUSE
 * tiles of outputs, x is read as it is. */
SIMD_FN static void simd_backward_weights(float *dw, size_t ldw, float *db, const float *dy,
                                          size_t ldy, const float *x, size_t ldx, size_t B,
                                          size_t width, size_t out, int add)
{
    float pk[WG_PACK_FLOATS];
    for (size_t k0 = 0; k0 < width; k0 += WG_KV * W) {
        size_t len = width - k0 < WG_KV * W ? width - k0 : WG_KV * W;
        size_t kv = (len + W - 1) / W;
        int partial = len % W != 0, pack = out >= PACK_REUSE * WG_NO;
        vmask m = V_MASK(tail_lanes(len));
        size_t block = pack ? WG_PACK_FLOATS / (kv * W) : B;
        size_t i0 = 0;
        do { /* at least once: with B = 0, dw is still written when add is 0 */
            size_t n = B - i0 < block ? B - i0 : block, lds;
            const float *src = strip_rows(pk, x + k0, ldx, i0, n, kv, partial, m, pack, &lds);
            for (size_t o0 = 0; o0 < out; o0 += WG_NO) {
                size_t no = out - o0 < WG_NO ? out - o0 : WG_NO;
                wg_block(dw + o0 * ldw + k0, ldw, dy + i0 * ldy + o0, ldy, src, lds, n, partial,
                         m, add || i0 > 0, no, kv);
            }
            i0 += n;
        } while (i0 < B);
    }
    if (db)
        wg_bias(db, dy, ldy, B, out, add);
}

/* db[o] += sum_i dy[i][o] (0 + the sum when add is 0): lanes run over o, each
 * summed in order of i from 0. */
SIMD_FN static void wg_bias(float *db, const float *dy, size_t ldy, size_t B, size_t out, int add)
{
    for (size_t o0 = 0; o0 < out; o0 += W) {
        int partial = out - o0 < W;
        vmask m = V_MASK(tail_lanes(out - o0));
        vec s = V_ZERO();
        for (size_t i = 0; i < B; i++)
            s = V_ADD(s, load_last(dy + i * ldy + o0, partial, m));
        vec before = add ? load_last(db + o0, partial, m) : V_ZERO();
        store_last(db + o0, V_ADD(before, s), partial, m);
    }
}

#define IG_CALL(A, C)                                                                      \
    case (A) * 16 + (C):                                                                   \
        ig_tile(dx, ldx, dy, ldy, w, ldw, out, partial, m, add, A, C);                     \
        break;

SIMD_FN static void ig_block(float *dx, size_t ldx, const float *dy, size_t ldy, const float *w,
                             size_t ldw, size_t out, int partial, vmask m, int add, size_t mr,
                             size_t kv)
{
    switch (mr * 16 + kv) {
        IG_CASES(IG_CALL)
    default: break;
    }
}

/* Floats of w that simd_backward_input packs at a time: a block of rows of
 * a strip, which then stays in L1 for every tile of rows. */
#define IG_PACK_FLOATS 4096

/* dx = dy w: for each strip of IG_KV vectors of inputs, blocks of w's rows
 * packed together (as they stand, a strip's rows lie in a few cache sets
 * when the row length is a multiple of 1 KiB), and for each block, tiles of
 * IG_MR rows that carry on each sum from the last block: every dx[i][k]
 * still adds its terms in order of o.  With fewer than PACK_REUSE tiles of
 * rows, w is read as it is. */
SIMD_FN static void simd_backward_input(float *dx, const float *dy, const float *w, size_t B,
                                        size_t in, size_t out)
{
    float pk[IG_PACK_FLOATS];
    for (size_t k0 = 0; k0 < in; k0 += IG_KV * W) {
        size_t len = in - k0 < IG_KV * W ? in - k0 : IG_KV * W;
        size_t kv = (len + W - 1) / W;
        int partial = len % W != 0, pack = B >= PACK_REUSE * IG_MR;
        vmask m = V_MASK(tail_lanes(len));
        size_t block = pack ? IG_PACK_FLOATS / (kv * W) : out;
        size_t o0 = 0;
        do { /* at least once: with out = 0, dx = 0 */
            size_t n = out - o0 < block ? out - o0 : block, lds;
            const float *src = strip_rows(pk, w + k0, in, o0, n, kv, partial, m, pack, &lds);
            for (size_t i0 = 0; i0 < B; i0 += IG_MR) {
                size_t mr = B - i0 < IG_MR ? B - i0 : IG_MR;
                ig_block(dx + i0 * in + k0, in, dy + i0 * out + o0, out, src, lds, n, partial, m,
                         o0 > 0, mr, kv);
            }
            o0 += n;
        } while (o0 < out);
    }
}

/* ---- pixel bytes ---------------------------------------------------------- */

/* x / 255 correctly rounded for bytes x, without a division: q = x r with
 * r = fl(1/255), then one Newton correction q + (x - 255 q) r, whose residual
 * x - 255 q is exact in a fused multiply-add.  This equals fl(x / 255) for all
 * 256 byte values (checked exhaustively by the tests). */
SIMD_INLINE vec div255(vec x)
{
    const vec r = V_SET1(1.0f / 255.0f), c = V_SET1(-255.0f);
    vec q = V_MUL(x, r);
    vec e = V_FMA(c, q, x); /* e = x - 255 q, exact */
    return V_FMA(e, r, q);
}

/* dst[i] = src[i] / 255, a vector at a time by div255; the tail divides. */
SIMD_FN static void simd_bytes_to_floats(float *dst, const unsigned char *src, size_t n)
{
    size_t i = 0;
    for (; i + W <= n; i += W)
        V_STORE(dst + i, div255(V_BYTES(src + i)));
    for (; i < n; i++)
        dst[i] = (float)src[i] / 255.0f;
}

/* ---- inputs that are mostly zero (see nn/kernels.h) ------------------------ */

/* The bits of word q of nz (vectors 64 q to 64 q + 63) for vectors below v1. */
static uint64_t nz_below(const uint64_t *nz, size_t q, size_t v1)
{
    size_t n = v1 - q * 64;
    return n >= 64 ? nz[q] : nz[q] & (((uint64_t)1 << n) - 1);
}

/* The W bytes at p divided by 255, or when partial only the first n of
 * them (the other lanes 0), read without touching the bytes beyond. */
SIMD_INLINE vec bytes_last(const unsigned char *p, int partial, size_t n)
{
    if (!partial)
        return div255(V_BYTES(p));
    unsigned char tail[W] = {0};
    memcpy(tail, p, n);
    return div255(V_BYTES(tail));
}

/* Forward of one row of bytes for NO <= NZ_NO outputs: the forward tile's
 * sums (lane j of acc[o] adds x[k] w[o][k] for k = j mod W in increasing k,
 * the partial last vector under mask m last, then y[o] = b[o] + v_hsum) over
 * the vectors whose bit is set, nfull whole ones and then the partial one,
 * each converted as it is loaded. */
SIMD_INLINE void fwd_nz_row(float *y, const unsigned char *x, const uint64_t *nz, const float *w,
                            const float *b, size_t in, size_t nfull, int partial, vmask m,
                            const int NO)
{
    vec acc[NZ_NO];
    UNROLL for (int o = 0; o < NO; o++)
        acc[o] = V_ZERO();
    for (size_t q = 0; q * 64 < nfull; q++) {
        for (uint64_t bits = nz_below(nz, q, nfull); bits; bits &= bits - 1) {
            size_t k = (q * 64 + (size_t)__builtin_ctzll(bits)) * W;
            vec xv = div255(V_BYTES(x + k));
            /* lane j: acc += x[k + j] w[o][k + j] */
            UNROLL for (int o = 0; o < NO; o++)
                acc[o] = V_FMA(xv, V_LOAD(w + (size_t)o * in + k), acc[o]);
        }
    }
    if (partial && nni_nz_bit(nz, nfull)) {
        vec xv = bytes_last(x + nfull * W, 1, in - nfull * W);
        UNROLL for (int o = 0; o < NO; o++)
            acc[o] = V_FMA(xv, V_LOADM(w + (size_t)o * in + nfull * W, m), acc[o]);
    }
    UNROLL for (int o = 0; o < NO; o++)
        y[o] = (b ? b[o] : 0.0f) + v_hsum(acc[o]);
}

#define FWD_NZ_CALL(A)                                                                     \
    case A:                                                                                \
        fwd_nz_row(y, x, nz, w, b, in, nfull, partial, m, A);                              \
        break;

SIMD_FN static void fwd_nz_block(float *y, const unsigned char *x, const uint64_t *nz,
                                 const float *w,
                                 const float *b, size_t in, size_t nfull, int partial, vmask m,
                                 size_t no)
{
    switch (no) {
        NZ_CASES(FWD_NZ_CALL)
    default: break;
    }
}

/* Outputs [o0, o1) of group g of the `groups` that out is cut into: sizes
 * that differ by at most one, none over NZ_NO. */
static size_t nz_group_start(size_t out, size_t groups, size_t g)
{
    return g * out / groups;
}

/* simd_forward on rows of bytes, reading only the vectors whose bit is set:
 * a row at a time, for groups of up to NZ_NO outputs whose w rows stay in
 * L1.  A small layer takes simd_forward's own path, a row at a time from a
 * copy in floats with the other vectors zero. */
SIMD_FN static void simd_forward_nz(float *y, const unsigned char *x, const uint64_t *nz,
                                    size_t nz_words, const float *w, const float *b, size_t B,
                                    size_t in, size_t out)
{
    if (small_layer(in, out)) {
        float row[SMALL_IN];
        for (size_t i = 0; i < B; i++) {
            for (size_t k = 0; k < in; k++)
                row[k] = nni_nz_bit(nz + i * nz_words, k / W) ? (float)x[i * in + k] / 255.0f
                                                               : 0.0f;
            fwd_small(y + i * out, row, w, b, 1, in, out);
        }
        return;
    }
    size_t nfull = in / W, groups = (out + NZ_NO - 1) / NZ_NO;
    vmask m = V_MASK(tail_lanes(in));
    for (size_t g = 0; g < groups; g++) {
        size_t o0 = nz_group_start(out, groups, g), o1 = nz_group_start(out, groups, g + 1);
        for (size_t i = 0; i < B; i++)
            fwd_nz_block(y + i * out + o0, x + i * in, nz + i * nz_words, w + o0 * in,
                         b ? b + o0 : NULL, in, nfull, in % W != 0, m, o1 - o0);
    }
}

/* Weight gradient of NO <= NZ_NO outputs on one vector of columns of bytes
 * (x and dw point at it; partial: its first n columns, dw under mask m):
 * acc[o] = sum over the rows i whose bit is set in rows[] (bit i % 32 of
 * word i / 32), in increasing i, of fma(dy[i][o], x[i], acc[o]) from zero,
 * the weight-gradient tile's sums less products that are zero; then written
 * to dw[o]. */
SIMD_INLINE void wg_nz_vector(float *dw, size_t ldw, const float *dy, size_t ldy,
                              const unsigned char *x, size_t ldx, const uint32_t *rows, size_t B,
                              int partial, size_t n, vmask m, const int NO)
{
    vec acc[NZ_NO];
    UNROLL for (int o = 0; o < NO; o++)
        acc[o] = V_ZERO();
    for (size_t q = 0; q * 32 < B; q += 2) {
        uint64_t bits = rows[q] | (q * 32 + 32 < B ? (uint64_t)rows[q + 1] << 32 : 0);
        for (; bits; bits &= bits - 1) {
            size_t i = q * 32 + (size_t)__builtin_ctzll(bits);
            vec xv = bytes_last(x + i * ldx, partial, n);
            /* dw[o][k] += dy[i][o] x[i][k] */
            UNROLL for (int o = 0; o < NO; o++)
                acc[o] = V_FMA(V_SET1(dy[i * ldy + (size_t)o]), xv, acc[o]);
        }
    }
    UNROLL for (int o = 0; o < NO; o++)
        store_last(dw + (size_t)o * ldw, acc[o], partial, m);
}

#define WG_NZ_CALL(A)                                                                      \
    case A:                                                                                \
        wg_nz_vector(dw, ldw, dy, ldy, x, ldx, rows, B, partial, n, m, A);                 \
        break;

SIMD_FN static void wg_nz_block(float *dw, size_t ldw, const float *dy, size_t ldy,
                                const unsigned char *x, size_t ldx, const uint32_t *rows,
                                size_t B, int partial, size_t n, vmask m, size_t no)
{
    switch (no) {
        NZ_CASES(WG_NZ_CALL)
    default: break;
    }
}

/* simd_backward_weights with add = 0 on rows of bytes, over the rows whose
 * bit is set: for each vector of columns (its x column stays in L1), groups
 * of up to NZ_NO outputs; the bias's sums are simd_backward_weights'. */
SIMD_FN static void simd_backward_weights_nz(float *dw, size_t ldw, float *db, const float *dy,
                                             size_t ldy, const unsigned char *x, size_t ldx,
                                             const uint32_t *cols, size_t col_words, size_t k0,
                                             size_t B, size_t width, size_t out)
{
    size_t groups = (out + NZ_NO - 1) / NZ_NO;
    vmask m = V_MASK(tail_lanes(width));
    for (size_t k = 0; k < width; k += W) {
        for (size_t g = 0; g < groups; g++) {
            size_t o0 = nz_group_start(out, groups, g), o1 = nz_group_start(out, groups, g + 1);
            wg_nz_block(dw + o0 * ldw + k, ldw, dy + o0, ldy, x + k, ldx,
                        cols + (k0 + k) / W * col_words, B, width - k < W, width - k, m,
                        o1 - o0);
        }
    }
    if (db)
        wg_bias(db, dy, ldy, B, out, 0);
}

/* The nonzero bits (nn/kernels.h) of a row of n bytes into nz: a vector's
 * bit is set when any of its W bytes is not 0, four vectors at a time by
 * V_NZ4, each word gathered in a register. */
SIMD_FN static void simd_row_nz(const unsigned char *src, size_t n, uint64_t *nz)
{
    size_t n_vec = (n + W - 1) / W, full = n / W;
    for (size_t q = 0; q * 64 < n_vec; q++) {
        size_t v = q * 64, end = n_vec < v + 64 ? n_vec : v + 64;
        uint64_t bits = 0;
        for (; v + 4 <= end && v + 4 <= full; v += 4)
            bits |= (uint64_t)V_NZ4(src + v * W) << (v % 64);
        for (; v < end; v++) {
            unsigned any = 0;
            for (size_t i = v * W; i < n && i < v * W + W; i++)
                any |= src[i];
            bits |= (uint64_t)(any != 0) << (v % 64);
        }
        nz[q] = bits;
    }
}

/* Keras Adam (see nn_adam_update): the scalar formula's operations lane by
 * lane, in the same order and without fused multiply-adds (each one is
 * correctly rounded), so the bits equal the generic loop's; the tail runs
 * under a mask. */
SIMD_FN static void simd_adam(float *w, float *m, float *v, const float *g, size_t n, float a,
                              float c1, float c2, float eps)
{
    const vec va = V_SET1(a), vc1 = V_SET1(c1), vc2 = V_SET1(c2), veps = V_SET1(eps);
    for (size_t i = 0; i < n; i += W) {
        int partial = n - i < W;
        vmask mk = V_MASK(tail_lanes(n - i));
        vec gi = load_last(g + i, partial, mk), mi = load_last(m + i, partial, mk);
        vec vi = load_last(v + i, partial, mk), wi = load_last(w + i, partial, mk);
        /* m = m + (1-b1)(g - m) */
        mi = V_ADD(mi, V_MUL(vc1, V_SUB(gi, mi)));
        /* v = v + (1-b2)(g^2 - v) */
        vi = V_ADD(vi, V_MUL(vc2, V_SUB(V_MUL(gi, gi), vi)));
        /* w = w - a_t m / (sqrt(v) + eps) */
        wi = V_SUB(wi, V_DIV(V_MUL(va, mi), V_ADD(V_SQRT(vi), veps)));
        store_last(m + i, mi, partial, mk);
        store_last(v + i, vi, partial, mk);
        store_last(w + i, wi, partial, mk);
    }
}

/* y = z < 0 ? 0 : z, lane by lane (a NaN is not < 0, so it passes through);
 * y may equal z. */
SIMD_FN static void simd_relu_forward(float *y, const float *z, size_t n)
{
    const vec zero = V_ZERO();
    for (size_t i = 0; i < n; i += W) {
        int partial = n - i < W;
        vmask mk = V_MASK(tail_lanes(n - i));
        vec zi = load_last(z + i, partial, mk);
        store_last(y + i, V_DROP(zi, V_LT(zi, zero)), partial, mk);
    }
}

/* dz = z > 0 ? dy : 0, lane by lane; dz may equal dy. */
SIMD_FN static void simd_relu_backward(float *dz, const float *dy, const float *z, size_t n)
{
    const vec zero = V_ZERO();
    for (size_t i = 0; i < n; i += W) {
        int partial = n - i < W;
        vmask mk = V_MASK(tail_lanes(n - i));
        vec zi = load_last(z + i, partial, mk), dyi = load_last(dy + i, partial, mk);
        store_last(dz + i, V_KEEP(dyi, V_GT(zi, zero)), partial, mk);
    }
}

/* exp(x) for x <= 0, within a few ulp of the true value (the cross-entropy
 * takes it of z - max z): x = n ln2 + r with n = round(x / ln2) and
 * |r| <= ln2 / 2, where ln2 = C1 + C2 with n C1 exact (Cody and Waite); exp(r)
 * = 1 + r + r^2 P(r) with Cephes' degree-5 P for expf; then 2^n exp(r), with
 * 2^n built in the exponent bits.  Below ln(smallest normal float) the result
 * is 0; a NaN stays NaN (V_MAX returns it, and it spreads from there). */
SIMD_INLINE vec v_exp_neg(vec x)
{
    const vec lo = V_SET1(-87.33654f);
    vec xc = V_MAX(lo, x);
    vec n = V_ROUND(V_MUL(xc, V_SET1(1.44269504f)));
    vec r = V_FMA(n, V_SET1(-0.693359375f), xc);
    r = V_FMA(n, V_SET1(2.12194440e-4f), r);
    vec p = V_SET1(1.9875691500e-4f);
    p = V_FMA(p, r, V_SET1(1.3981999507e-3f));
    p = V_FMA(p, r, V_SET1(8.3334519073e-3f));
    p = V_FMA(p, r, V_SET1(4.1665795894e-2f));
    p = V_FMA(p, r, V_SET1(1.6666665459e-1f));
    p = V_FMA(p, r, V_SET1(5.0000001201e-1f));
    /* exp(r) = 1 + r + r^2 P(r) */
    p = V_FMA(p, V_MUL(r, r), V_ADD(r, V_SET1(1.0f)));
    /* exp(x) = 2^n exp(r) */
    return V_DROP(V_MUL(p, V_POW2I(n)), V_LT(x, lo));
}

/* sin z for |z| <= NNI_SIN_LIMIT, lane by lane (see nn/kernels.h): r = z -
 * k pi in three fused steps, sin r from its polynomial, then the sign
 * (-1)^k = 1 - 2 d^2 with d = k - 2 round(k / 2) (0 or +-1). */
SIMD_INLINE vec v_sin_reduced(vec z)
{
    vec k = V_ROUND(V_MUL(z, V_SET1(NNI_INV_PI)));
    vec r = V_FMA(k, V_SET1(-NNI_PI_1), z);
    r = V_FMA(k, V_SET1(-NNI_PI_2), r);
    r = V_FMA(k, V_SET1(-NNI_PI_3), r);
    vec r2 = V_MUL(r, r);
    vec p = V_FMA(V_SET1(NNI_SIN_C11), r2, V_SET1(NNI_SIN_C9));
    p = V_FMA(p, r2, V_SET1(NNI_SIN_C7));
    p = V_FMA(p, r2, V_SET1(NNI_SIN_C5));
    p = V_FMA(p, r2, V_SET1(NNI_SIN_C3));
    /* sin r = r + r^3 P(r^2) */
    vec s = V_FMA(V_MUL(r, r2), p, r);
    vec d = V_FMA(V_SET1(-2.0f), V_ROUND(V_MUL(k, V_SET1(0.5f))), k);
    return V_MUL(s, V_FMA(V_SET1(-2.0f), V_MUL(d, d), V_SET1(1.0f)));
}

/* sin z of one vector; with checked set, the lanes beyond the polynomial's
 * range (|z| > NNI_SIN_LIMIT, infinities included) take sinf. */
SIMD_INLINE vec v_sin(vec z, int checked)
{
    vec s = v_sin_reduced(z);
    if (!checked)
        return s;
    float zl[W], yl[W];
    V_STORE(zl, z);
    V_STORE(yl, s);
    for (size_t l = 0; l < W; l++)
        yl[l] = fabsf(zl[l]) > NNI_SIN_LIMIT ? sinf(zl[l]) : yl[l];
    return V_LOAD(yl);
}

/* y = sin z; y may equal z.  A first pass finds the largest |z| (a NaN lane
 * is passed over: V_MAX keeps the other operand), so that the lanes are
 * checked one by one only when some value is beyond the polynomial's range. */
SIMD_FN static void simd_sin_forward(float *y, const float *z, size_t n)
{
    const vec zero = V_ZERO();
    size_t full = n - n % W;
    vmask mk = V_MASK(tail_lanes(n));
    vec most = zero;
    for (size_t i = 0; i < n; i += W) {
        vec zi = load_last(z + i, i == full, mk);
        most = V_MAX(V_MAX(zi, V_SUB(zero, zi)), most);
    }
    int checked = v_hmax(most) > NNI_SIN_LIMIT;
    for (size_t i = 0; i < full; i += W)
        V_STORE(y + i, v_sin(V_LOAD(z + i), checked));
    if (full < n)
        V_STOREM(y + full, mk, v_sin(V_LOADM(z + full, mk), checked));
}

/* y = exp(-z^2) lane by lane, by v_exp_neg; y may equal z. */
SIMD_FN static void simd_gauss_forward(float *y, const float *z, size_t n)
{
    const vec zero = V_ZERO();
    size_t full = n - n % W;
    for (size_t i = 0; i < full; i += W) {
        vec zi = V_LOAD(z + i);
        V_STORE(y + i, v_exp_neg(V_SUB(zero, V_MUL(zi, zi))));
    }
    if (full < n) {
        vmask mk = V_MASK(n - full);
        vec zi = V_LOADM(z + full, mk);
        V_STOREM(y + full, mk, v_exp_neg(V_SUB(zero, V_MUL(zi, zi))));
    }
}

/* The vectors of a row of C logits: k < last are whole, the one at last is
 * under mask m, with -inf in the lanes past C (their exponential is 0). */
SIMD_INLINE vec xent_load(const float *z, size_t k, size_t last, vmask m)
{
    return k < last ? V_LOAD(z + k) : V_LOADM_OR(z + last, m, V_SET1(-INFINITY));
}

/* Cross-entropy of one row of C logits (see nn_xent_forward_backward), with
 * the classes in the lanes: max, e = exp(z - max) (stored in dz), their sum
 * in double in order of j (exact to a rounding of the double), then the
 * row's loss E = (max - z_label) + log sum, returned, and dz_j = e_j (1 /
 * sum) / norm and dz_label = -((sum - e_label) / sum) / norm, which keeps
 * its precision when softmax(z)_label is close to 1 (where p - 1 in float
 * would not). */
SIMD_INLINE double xent_row(const float *zi, size_t label, float *dzi, size_t C, size_t norm)
{
    size_t last = (C - 1) / W * W;
    vmask m = V_MASK(tail_lanes(C));
    vec top = V_SET1(-INFINITY);
    for (size_t k = 0; k <= last; k += W)
        top = V_MAX(top, xent_load(zi, k, last, m));
    float mx = v_hmax(top);
    vec vmx = V_SET1(mx);
    double sum = 0.0, e_label = 0.0;
    for (size_t k = 0; k <= last; k += W) {
        /* e_j = exp(z_j - max z): the largest term is exactly 1, none overflows */
        vec ev = v_exp_neg(V_SUB(xent_load(zi, k, last, m), vmx));
        float e[W];
        V_STORE(e, ev);
        size_t lanes = k < last ? W : C - last;
        for (size_t l = 0; l < lanes; l++)
            sum += e[l];
        if (label - k < lanes) /* the label's class is in this vector */
            e_label = e[label - k];
        if (dzi)
            store_last(dzi + k, ev, k == last && C % W != 0, m);
    }
    /* E = logsumexp(z) - z_label = (max z - z_label) + log sum_j e_j */
    double loss = label < C ? ((double)mx - zi[label]) + log(sum) : NAN;
    if (!dzi)
        return loss;
    /* dE/dz_j = (softmax(z)_j - onehot_j) / norm, softmax(z)_j = e_j / sum */
    vec f = V_SET1((float)(1.0 / sum) * (1.0f / (float)norm));
    for (size_t k = 0; k <= last; k += W) {
        int partial = k == last && C % W != 0;
        store_last(dzi + k, V_MUL(load_last(dzi + k, partial, m), f), partial, m);
    }
    if (label < C)
        dzi[label] = (float)(-((sum - e_label) / sum) / (double)norm);
    return loss;
}

/* Class counts up to this take xent_rows, W rows at a time: its two
 * transposed blocks of C W floats stay small and in L1 (with several hundred
 * classes a row at a time is the faster). */
#define XENT_ROWS_C 64

/* The gradient of xent_rows' W rows from e transposed (et[j][r], scaled in
 * place) and the sums, as in xent_row: dz_j = e_j (1 / sum) / norm, then
 * the label's -((sum - e_label) / sum) / norm. */
SIMD_INLINE void xent_rows_grad(float *dz, const unsigned char *labels, float *et,
                                const double *sum, size_t C, size_t norm)
{
    float f[W], dz_label[W];
    for (size_t r = 0; r < W; r++) {
        size_t label = labels[r];
        f[r] = (float)(1.0 / sum[r]) * (1.0f / (float)norm);
        if (label < C)
            dz_label[r] = (float)(-((sum[r] - et[label * W + r]) / sum[r]) / (double)norm);
    }
    /* dE/dz_j = (softmax(z)_j - onehot_j) / norm, softmax(z)_j = e_j / sum */
    vec fv = V_LOAD(f);
    for (size_t j = 0; j < C; j++)
        V_STORE(et + j * W, V_MUL(V_LOAD(et + j * W), fv));
    for (size_t j = 0; j < C; j++)
        UNROLL for (size_t r = 0; r < W; r++)
            dz[r * C + j] = et[j * W + r];
    for (size_t r = 0; r < W; r++)
        if (labels[r] < C)
            dz[r * C + labels[r]] = dz_label[r];
}

/* Cross-entropy of W rows of C <= XENT_ROWS_C logits, with the rows in the
 * lanes and the classes walked in order of j: the same operations on the
 * same values as xent_row, row by row, so the same bits.  The max is exact
 * in any order when no logit is NaN (where max z is a zero, its sign shows
 * nowhere: e = 1 for either); the sum in double is in order of j, as in
 * xent_row; the losses go to loss[0..W).  A row whose sum is NaN (from a
 * NaN logit, a +inf one, or all -inf) is done again by xent_row, whose max
 * lets a NaN through in its own way. */
SIMD_FN static void xent_rows(const float *z, const unsigned char *labels, float *dz, size_t C,
                              size_t norm, double *loss)
{
    float zt[XENT_ROWS_C * W], et[XENT_ROWS_C * W], mx[W];
    double sum[W];
    /* zt[j][r] = z[r][j] */
    for (size_t j = 0; j < C; j++)
        UNROLL for (size_t r = 0; r < W; r++)
            zt[j * W + r] = z[r * C + j];
    vec top = V_SET1(-INFINITY);
    for (size_t j = 0; j < C; j++)
        top = V_MAX(top, V_LOAD(zt + j * W));
    vecd sum_lo = VD_ZERO(), sum_hi = VD_ZERO();
    for (size_t j = 0; j < C; j++) {
        /* e_j = exp(z_j - max z), summed in double */
        vec ev = v_exp_neg(V_SUB(V_LOAD(zt + j * W), top));
        V_STORE(et + j * W, ev);
        sum_lo = VD_ADD(sum_lo, VD_LO(ev));
        sum_hi = VD_ADD(sum_hi, VD_HI(ev));
    }
    V_STORE(mx, top);
    VD_STORE(sum, sum_lo);
    VD_STORE(sum + W / 2, sum_hi);
    for (size_t r = 0; r < W; r++) {
        size_t label = labels[r];
        /* E = (max z - z_label) + log sum_j e_j */
        loss[r] = label < C ? ((double)mx[r] - z[r * C + label]) + log(sum[r]) : NAN;
    }
    if (dz)
        xent_rows_grad(dz, labels, et, sum, C, norm);
    for (size_t r = 0; r < W; r++)
        if (sum[r] != sum[r])
            loss[r] = xent_row(z + r * C, labels[r], dz ? dz + r * C : NULL, C, norm);
}

/* Cross-entropy from logits (see nn_xent_forward_backward and nn/kernels.h):
 * W rows at a time by xent_rows when C is small, a row at a time by xent_row
 * otherwise and for the last B mod W rows; the losses summed in row order. */
SIMD_FN static double simd_xent(const float *z, const unsigned char *labels, float *dz, size_t B,
                                size_t C, size_t norm, double *row_loss)
{
    double total = 0.0, loss[W];
    for (size_t i = 0; i < B;) {
        size_t n = C <= XENT_ROWS_C && B - i >= W ? W : 1;
        float *dzi = dz ? dz + i * C : NULL;
        if (n == W)
            xent_rows(z + i * C, labels + i, dzi, C, norm, loss);
        else
            loss[0] = xent_row(z + i * C, labels[i], dzi, C, norm);
        for (size_t r = 0; r < n; r++) {
            if (row_loss)
                row_loss[i + r] = loss[r];
            total += loss[r];
        }
        i += n;
    }
    return total;
}

/* The table of this variant's kernels, for the file that includes this one. */
#define SIMD_TABLE(variant)                                                                  \
    {                                                                                        \
        .name = (variant), .forward = simd_forward, .backward_weights = simd_backward_weights, \
        .wg_rows = WG_NO, .wg_cols = WG_KV * W, .backward_input = simd_backward_input,       \
        .bytes_to_floats = simd_bytes_to_floats, .adam = simd_adam,                          \
        .relu_forward = simd_relu_forward, .relu_backward = simd_relu_backward,              \
        .sin_forward = simd_sin_forward, .gauss_forward = simd_gauss_forward,                \
        .xent = simd_xent, .lanes = W, .row_nz = simd_row_nz,                           \
        .forward_nz = simd_forward_nz, .backward_weights_nz = simd_backward_weights_nz,      \
    }
