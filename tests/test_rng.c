/* test_rng.c - the seeded generator: known answers, determinism, ranges and
 * rough distribution checks. */
#include <stdint.h>

#include "nn_rng.h"
#include "test.h"

/* A second, deliberately plain transcription of splitmix64 and xoshiro256**
 * from the published reference code, to check the library against. */
static uint64_t ref_splitmix_state;

static uint64_t ref_splitmix_next(void)
{
    ref_splitmix_state = ref_splitmix_state + UINT64_C(0x9E3779B97F4A7C15);
    uint64_t z = ref_splitmix_state;
    z = z ^ (z >> 30);
    z = z * UINT64_C(0xBF58476D1CE4E5B9);
    z = z ^ (z >> 27);
    z = z * UINT64_C(0x94D049BB133111EB);
    z = z ^ (z >> 31);
    return z;
}

static uint64_t ref_xoshiro_next(uint64_t st[4])
{
    uint64_t a = st[0], b = st[1], c = st[2], d = st[3];
    uint64_t five_b = b * 5;
    uint64_t rotated = (five_b << 7) | (five_b >> 57);
    uint64_t result = rotated * 9;
    uint64_t t = b << 17;
    c = c ^ a;
    d = d ^ b;
    b = b ^ c;
    a = a ^ d;
    c = c ^ t;
    d = (d << 45) | (d >> 19);
    st[0] = a;
    st[1] = b;
    st[2] = c;
    st[3] = d;
    return result;
}

static void test_splitmix_seed0_published(void)
{
    /* splitmix64's first output for seed 0 is 0xE220A8397B1DCDAF; it becomes
     * the first state word. */
    nn_rng r;
    nn_rng_seed(&r, 0);
    CHECK(r.s[0] == UINT64_C(0xE220A8397B1DCDAF));
    ref_splitmix_state = 0;
    CHECK(ref_splitmix_next() == UINT64_C(0xE220A8397B1DCDAF));
}

static void test_known_answers_seed1(void)
{
    /* Values for seed 1, also computed by an arbitrary-precision script. */
    static const uint64_t state[4] = {
        UINT64_C(0x910A2DEC89025CC1), UINT64_C(0xBEEB8DA1658EEC67),
        UINT64_C(0xF893A2EEFB32555E), UINT64_C(0x71C18690EE42C90B)};
    static const uint64_t out[6] = {
        UINT64_C(0xB3F2AF6D0FC710C5), UINT64_C(0x853B559647364CEA),
        UINT64_C(0x92F89756082A4514), UINT64_C(0x642E1C7BC266A3A7),
        UINT64_C(0xB27A48E29A233673), UINT64_C(0x24C123126FFDA722)};
    nn_rng r;
    nn_rng_seed(&r, 1);
    for (int i = 0; i < 4; i++)
        CHECK(r.s[i] == state[i]);
    for (int i = 0; i < 6; i++)
        CHECK(nn_rng_u64(&r) == out[i]);
}

static void test_matches_reference(void)
{
    static const uint64_t seeds[] = {0, 1, 42, UINT64_C(0xFFFFFFFFFFFFFFFF)};
    for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        uint64_t st[4];
        ref_splitmix_state = seeds[k];
        for (int i = 0; i < 4; i++)
            st[i] = ref_splitmix_next();
        nn_rng r;
        nn_rng_seed(&r, seeds[k]);
        int same = 1;
        for (int i = 0; i < 1000; i++)
            same &= nn_rng_u64(&r) == ref_xoshiro_next(st);
        CHECK(same);
    }
}

static void test_same_seed_same_sequence(void)
{
    nn_rng a, b;
    nn_rng_seed(&a, 12345);
    nn_rng_seed(&b, 12345);
    int same = 1;
    for (int i = 0; i < 100; i++) {
        same &= nn_rng_u64(&a) == nn_rng_u64(&b);
        same &= nn_rng_uniform(&a) == nn_rng_uniform(&b);
        same &= nn_rng_normal(&a) == nn_rng_normal(&b);
        same &= nn_rng_below(&a, 1000) == nn_rng_below(&b, 1000);
    }
    CHECK(same);
}

static void test_different_seeds_differ(void)
{
    nn_rng a, b;
    nn_rng_seed(&a, 1);
    nn_rng_seed(&b, 2);
    int equal = 0;
    for (int i = 0; i < 100; i++)
        equal += nn_rng_u64(&a) == nn_rng_u64(&b);
    CHECK(equal == 0);
}

static void test_uniform(void)
{
    nn_rng r, copy;
    nn_rng_seed(&r, 7);
    /* u = (x >> 11) * 2^-53 on the same draw. */
    copy = r;
    uint64_t x = nn_rng_u64(&copy);
    CHECK(nn_rng_uniform(&r) == (double)(x >> 11) / 9007199254740992.0);

    const int n = 100000;
    double sum = 0;
    int in_range = 1;
    for (int i = 0; i < n; i++) {
        double u = nn_rng_uniform(&r);
        in_range &= u >= 0.0 && u < 1.0;
        sum += u;
    }
    CHECK(in_range);
    /* Standard error of the mean is sqrt(1/12)/sqrt(1e5) = 0.0009. */
    CHECK_NEAR(sum / n, 0.5, 0.005);
}

static void test_below_range_and_spread(void)
{
    nn_rng r;
    nn_rng_seed(&r, 99);
    enum { K = 10, N = 100000 };
    long count[K] = {0};
    int in_range = 1;
    for (int i = 0; i < N; i++) {
        uint64_t v = nn_rng_below(&r, K);
        in_range &= v < K;
        if (v < K)
            count[v]++;
    }
    CHECK(in_range);
    /* Chi-square with 9 degrees of freedom: its 99.9th percentile is 27.9. */
    double chi2 = 0, expect = (double)N / K;
    for (int k = 0; k < K; k++)
        chi2 += (count[k] - expect) * (count[k] - expect) / expect;
    CHECK(chi2 < 27.9);

    int zero = 1;
    for (int i = 0; i < 100; i++)
        zero &= nn_rng_below(&r, 1) == 0;
    CHECK(zero);
}

static void test_below_no_modulo_bias(void)
{
    /* n = 3 * 2^62: unbiased, P(v < 2^62) = 1/3; plain x % n would give 1/2,
     * since both [0, 2^62) and [3 * 2^62, 2^64) land there. */
    const uint64_t q = UINT64_C(1) << 62, n = 3 * q;
    nn_rng r;
    nn_rng_seed(&r, 5);
    int low = 0, in_range = 1;
    const int draws = 30000;
    for (int i = 0; i < draws; i++) {
        uint64_t v = nn_rng_below(&r, n);
        in_range &= v < n;
        low += v < q;
    }
    CHECK(in_range);
    CHECK_NEAR((double)low / draws, 1.0 / 3.0, 0.015);
}

static void test_shuffle_permutation_and_order(void)
{
    enum { N = 1000 };
    static uint32_t a[N], b[N];
    int seen[N] = {0};
    for (uint32_t i = 0; i < N; i++)
        a[i] = b[i] = i;
    nn_rng r, copy;
    nn_rng_seed(&r, 3);
    copy = r;
    nn_rng_shuffle(&r, a, N);
    /* Reference: from the top, i = N-1 down to 1, j = below(i + 1). */
    for (size_t i = N - 1; i >= 1; i--) {
        size_t j = (size_t)nn_rng_below(&copy, i + 1);
        uint32_t t = b[i];
        b[i] = b[j];
        b[j] = t;
    }
    int moved = 0, valid = 1;
    for (uint32_t i = 0; i < N; i++) {
        valid &= a[i] < N;
        if (a[i] < N)
            seen[a[i]]++;
        moved += a[i] != i;
    }
    CHECK(valid);
    for (int i = 0; i < N; i++)
        CHECK(seen[i] == 1);
    CHECK(moved > N / 2);
    CHECK(memcmp(a, b, sizeof a) == 0);
    /* Both generators consumed the same draws. */
    CHECK(nn_rng_u64(&r) == nn_rng_u64(&copy));

    /* Same seed, same permutation. */
    for (uint32_t i = 0; i < N; i++)
        b[i] = i;
    nn_rng_seed(&r, 3);
    nn_rng_shuffle(&r, b, N);
    CHECK(memcmp(a, b, sizeof a) == 0);

    /* n = 0 and n = 1 leave things alone and draw nothing. */
    uint32_t one = 17;
    nn_rng_seed(&r, 3);
    copy = r;
    nn_rng_shuffle(&r, NULL, 0);
    nn_rng_shuffle(&r, &one, 1);
    CHECK(one == 17);
    CHECK(nn_rng_u64(&r) == nn_rng_u64(&copy));
}

static void test_shuffle_uniform_over_permutations(void)
{
    /* All 6 orders of 3 items equally likely: chi-square with 5 degrees of
     * freedom, 99.9th percentile 20.5. */
    enum { T = 60000 };
    long count[3][3][3] = {{{0}}};
    nn_rng r;
    nn_rng_seed(&r, 11);
    for (int k = 0; k < T; k++) {
        uint32_t p[3] = {0, 1, 2};
        nn_rng_shuffle(&r, p, 3);
        count[p[0]][p[1]][p[2]]++;
    }
    static const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                    {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    double chi2 = 0, expect = T / 6.0;
    long total = 0;
    for (int k = 0; k < 6; k++) {
        long c = count[perms[k][0]][perms[k][1]][perms[k][2]];
        total += c;
        chi2 += (c - expect) * (c - expect) / expect;
    }
    CHECK(total == T);
    CHECK(chi2 < 20.5);
}

static void test_normal_moments(void)
{
    nn_rng r;
    nn_rng_seed(&r, 2024);
    const int n = 100000;
    double sum = 0, sum2 = 0;
    int finite = 1, beyond3 = 0;
    for (int i = 0; i < n; i++) {
        double z = nn_rng_normal(&r);
        finite &= isfinite(z) != 0;
        sum += z;
        sum2 += z * z;
        beyond3 += fabs(z) > 3.0;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    CHECK(finite);
    /* Standard errors: 0.003 for the mean, 0.0045 for the variance. */
    CHECK_NEAR(mean, 0.0, 0.02);
    CHECK_NEAR(var, 1.0, 0.03);
    /* P(|z| > 3) = 0.0027, so about 270 of 1e5. */
    CHECK(beyond3 > 180 && beyond3 < 360);
}

static void test_normal_zero_uniform(void)
{
    /* With s[1] = 0 the next output is 0, so the first uniform is exactly 0:
     * the deviate must still be finite (no log of 0). */
    nn_rng r = {{1, 0, 0, 0}};
    nn_rng copy = r;
    CHECK(nn_rng_uniform(&copy) == 0.0);
    double z = nn_rng_normal(&r);
    CHECK(isfinite(z));
}

int main(void)
{
    RUN(test_splitmix_seed0_published);
    RUN(test_known_answers_seed1);
    RUN(test_matches_reference);
    RUN(test_same_seed_same_sequence);
    RUN(test_different_seeds_differ);
    RUN(test_uniform);
    RUN(test_below_range_and_spread);
    RUN(test_below_no_modulo_bias);
    RUN(test_shuffle_permutation_and_order);
    RUN(test_shuffle_uniform_over_permutations);
    RUN(test_normal_moments);
    RUN(test_normal_zero_uniform);
    return t_summary();
}
