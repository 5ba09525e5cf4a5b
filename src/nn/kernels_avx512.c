/* kernels_avx512.c - the dense-layer kernels for AVX-512F: 16 floats per
 * vector, 32 vector registers (see kernels_simd.h for the algorithms). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nn/kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define SIMD_FN __attribute__((target("avx512f")))
#define W 16
typedef __m512 vec;
typedef __mmask16 vmask;
#define V_ZERO() _mm512_setzero_ps()
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_LOADM(p, m) _mm512_maskz_loadu_ps(m, p)
#define V_STORE(p, v) _mm512_storeu_ps(p, v)
#define V_STOREM(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#define V_SET1(s) _mm512_set1_ps(s)
#define V_MUL(a, b) _mm512_mul_ps(a, b)
#define V_ADD(a, b) _mm512_add_ps(a, b)
#define V_SUB(a, b) _mm512_sub_ps(a, b)
#define V_DIV(a, b) _mm512_div_ps(a, b)
#define V_SQRT(a) _mm512_sqrt_ps(a)
/* a where keep is true, else 0 (keep from V_LT, V_GT) */
#define V_LT(a, b) _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ)
#define V_GT(a, b) _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ)
#define V_KEEP(a, keep) _mm512_maskz_mov_ps(keep, a)
#define V_DROP(a, drop) _mm512_maskz_mov_ps((__mmask16)~(drop), a)
#define V_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define V_MASK(n) ((vmask)((1u << (n)) - 1u))
#define V_BYTES(p)                                                                         \
    _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(p))))
#define V_MAX(a, b) _mm512_max_ps(a, b)
#define V_LOADM_OR(p, m, fill) _mm512_mask_loadu_ps(fill, m, p)
#define V_ROUND(a) _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define V_POW2I(n)                                                                         \
    _mm512_castsi512_ps(                                                                   \
        _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23))

/* W / 2 doubles; VD_LO(v), VD_HI(v): the low and high halves of v's lanes as doubles. */
typedef __m512d vecd;
#define VD_ZERO() _mm512_setzero_pd()
#define VD_STORE(p, v) _mm512_storeu_pd(p, v)
#define VD_ADD(a, b) _mm512_add_pd(a, b)
#define VD_LO(v) _mm512_cvtps_pd(_mm512_castps512_ps256(v))
#define VD_HI(v)                                                                           \
    _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)))

/* The largest lane. */
SIMD_FN static inline float v_hmax(vec v)
{
    return _mm512_reduce_max_ps(v);
}

/* Lanes summed as halves: 16 -> 8 -> 4 -> 2 -> 1. */
SIMD_FN static inline float v_hsum(vec v)
{
    __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v),
                             _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

/* 4 rows x 6 outputs = 24 accumulators, plus 6 w vectors and 1 x vector. */
#define FWD_MR 4
#define FWD_NR 6
#define FWD_CASES(X)                                                                       \
    X(1, 1) X(1, 2) X(1, 3) X(1, 4) X(1, 5) X(1, 6) X(2, 1) X(2, 2) X(2, 3) X(2, 4) X(2, 5)  \
    X(2, 6) X(3, 1) X(3, 2) X(3, 3) X(3, 4) X(3, 5) X(3, 6) X(4, 1) X(4, 2) X(4, 3)          \
    X(4, 4) X(4, 5) X(4, 6)
/* 6 outputs x 4 vectors = 24 accumulators, plus 4 x vectors and 1 broadcast. */
#define WG_NO 6
#define WG_KV 4
#define WG_CASES(X)                                                                        \
    X(1, 1) X(1, 2) X(1, 3) X(1, 4) X(2, 1) X(2, 2) X(2, 3) X(2, 4) X(3, 1) X(3, 2) X(3, 3)  \
    X(3, 4) X(4, 1) X(4, 2) X(4, 3) X(4, 4) X(5, 1) X(5, 2) X(5, 3) X(5, 4) X(6, 1)          \
    X(6, 2) X(6, 3) X(6, 4)
/* 6 rows x 4 vectors = 24 accumulators, plus 4 w vectors and 1 broadcast. */
#define IG_MR 6
#define IG_KV 4
#define IG_CASES WG_CASES

/* Bit k set when bytes [16 k, 16 k + 16) at p are not all 0, k < 4. */
SIMD_FN static inline unsigned v_nz4(const unsigned char *p)
{
    __m512i b = _mm512_loadu_si512((const void *)p);
    unsigned q = _mm512_test_epi64_mask(b, b), pair = q | q >> 1;
    return (pair & 1) | (pair >> 1 & 2) | (pair >> 2 & 4) | (pair >> 3 & 8);
}
#define V_NZ4(p) v_nz4(p)
/* Outputs per pass of the kernels for mostly-zero inputs: 16 accumulators
 * (or broadcasts of dy), one x vector. */
#define NZ_NO 16
#define NZ_CASES(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16)

#include "nn/kernels_simd.h"

const nni_kernel_table *nni_kernels_avx512(void)
{
    static const nni_kernel_table table = SIMD_TABLE("avx512");
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? &table : NULL;
}

#else

/* Built for another architecture: never available. */
const nni_kernel_table *nni_kernels_avx512(void)
{
    return NULL;
}

#endif
