/* kernels_avx2.c - the dense-layer kernels for AVX2 with FMA: 8 floats per
 * vector, 16 vector registers (see kernels_simd.h for the algorithms). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nn/kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define SIMD_FN __attribute__((target("avx2,fma")))
#define W 8
typedef __m256 vec;
typedef __m256i vmask;
#define V_ZERO() _mm256_setzero_ps()
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_LOADM(p, m) _mm256_maskload_ps(p, m)
#define V_STORE(p, v) _mm256_storeu_ps(p, v)
#define V_STOREM(p, m, v) _mm256_maskstore_ps(p, m, v)
#define V_SET1(s) _mm256_set1_ps(s)
#define V_MUL(a, b) _mm256_mul_ps(a, b)
#define V_ADD(a, b) _mm256_add_ps(a, b)
#define V_SUB(a, b) _mm256_sub_ps(a, b)
#define V_DIV(a, b) _mm256_div_ps(a, b)
#define V_SQRT(a) _mm256_sqrt_ps(a)
/* a where keep is true, else 0 (keep from V_LT, V_GT) */
#define V_LT(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#define V_GT(a, b) _mm256_cmp_ps(a, b, _CMP_GT_OQ)
#define V_KEEP(a, keep) _mm256_and_ps(keep, a)
#define V_DROP(a, drop) _mm256_andnot_ps(drop, a)
#define V_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
/* lane j is selected when j < n */
#define V_MASK(n)                                                                          \
    _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define V_BYTES(p)                                                                         \
    _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p))))
#define V_MAX(a, b) _mm256_max_ps(a, b)
#define V_LOADM_OR(p, m, fill)                                                             \
    _mm256_blendv_ps(fill, _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m))
#define V_ROUND(a) _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define V_POW2I(n)                                                                         \
    _mm256_castsi256_ps(                                                                   \
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23))

/* W / 2 doubles; VD_LO(v), VD_HI(v): the low and high halves of v's lanes as doubles. */
typedef __m256d vecd;
#define VD_ZERO() _mm256_setzero_pd()
#define VD_STORE(p, v) _mm256_storeu_pd(p, v)
#define VD_ADD(a, b) _mm256_add_pd(a, b)
#define VD_LO(v) _mm256_cvtps_pd(_mm256_castps256_ps128(v))
#define VD_HI(v) _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1))

/* The largest lane. */
SIMD_FN static inline float v_hmax(vec v)
{
    __m128 q = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    q = _mm_max_ps(q, _mm_movehl_ps(q, q));
    q = _mm_max_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

/* Lanes summed as halves: 8 -> 4 -> 2 -> 1. */
SIMD_FN static inline float v_hsum(vec v)
{
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

/* 3 rows x 4 outputs = 12 accumulators, plus 4 w vectors (or loads folded
 * into the multiply-adds). */
#define FWD_MR 3
#define FWD_NR 4
#define FWD_CASES(X)                                                                       \
    X(1, 1) X(1, 2) X(1, 3) X(1, 4) X(2, 1) X(2, 2) X(2, 3) X(2, 4) X(3, 1) X(3, 2) X(3, 3)  \
    X(3, 4)
/* 4 outputs x 3 vectors = 12 accumulators, plus 3 x vectors and 1 broadcast. */
#define WG_NO 4
#define WG_KV 3
#define WG_CASES(X)                                                                        \
    X(1, 1) X(1, 2) X(1, 3) X(2, 1) X(2, 2) X(2, 3) X(3, 1) X(3, 2) X(3, 3) X(4, 1) X(4, 2)  \
    X(4, 3)
/* 4 rows x 3 vectors = 12 accumulators, plus 3 w vectors and 1 broadcast. */
#define IG_MR 4
#define IG_KV 3
#define IG_CASES WG_CASES

/* Bit k set when bytes [8 k, 8 k + 8) at p are not all 0, k < 4. */
#define V_NZ4(p)                                                                           \
    (~_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(                           \
         _mm256_loadu_si256((const __m256i *)(p)), _mm256_setzero_si256()))) &               \
     0xF)
/* Outputs per pass of the kernels for mostly-zero inputs: 10 accumulators
 * (or broadcasts of dy), one x vector. */
#define NZ_NO 10
#define NZ_CASES(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10)

#include "nn/kernels_simd.h"

const nni_kernel_table *nni_kernels_avx2(void)
{
    static const nni_kernel_table table = SIMD_TABLE("avx2");
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &table : NULL;
}

#else

/* Built for another architecture: never available. */
const nni_kernel_table *nni_kernels_avx2(void)
{
    return NULL;
}

#endif
