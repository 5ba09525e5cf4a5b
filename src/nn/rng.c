/* rng.c - xoshiro256** seeded through splitmix64 (see nn_rng.h).
 *
 * Both generators are by Sebastiano Vigna and David Blackman
 * (https://prng.di.unimi.it/); the code follows their reference versions. */
#include <math.h>

#include "nn_rng.h"

/* splitmix64: advances *x by the golden-ratio increment and mixes it. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* The four state words are four successive splitmix64 outputs.  splitmix64 is
 * a bijection of its counter, so at most one of them is zero and the state can
 * never be the all-zero one that xoshiro must avoid. */
void nn_rng_seed(nn_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

/* xoshiro256**: output rotl(s1 * 5, 7) * 9, then the xor-shift state step. */
uint64_t nn_rng_u64(nn_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* u = (x >> 11) * 2^-53: the top 53 bits as a multiple of 2^-53 in [0, 1). */
double nn_rng_uniform(nn_rng *r)
{
    return (double)(nn_rng_u64(r) >> 11) * 0x1.0p-53;
}

/* Rejection sampling: 2^64 mod n draws at the bottom of the range are
 * rejected, so what remains is a whole number of copies of [0, n) and x % n
 * is exactly uniform.  (0 - n) % n computes 2^64 mod n in 64-bit arithmetic.
 * Returns 0 when n is 0. */
uint64_t nn_rng_below(nn_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t threshold = (0 - n) % n;
    uint64_t x;
    do {
        x = nn_rng_u64(r);
    } while (x < threshold);
    return x % n;
}

/* Box-Muller: z = sqrt(-2 ln u1) cos(2 pi u2), with u1 = 1 - uniform in (0, 1]
 * so that the logarithm is never taken of 0.  Uses two draws per deviate and
 * keeps no spare, so the stream depends only on the state. */
double nn_rng_normal(nn_rng *r)
{
    const double two_pi = 6.283185307179586476925286766559;
    double u1 = 1.0 - nn_rng_uniform(r);
    double u2 = nn_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
}

/* Fisher-Yates from the top: for i = n-1 down to 1, swap idx[i] with idx[j],
 * j uniform in [0, i]. */
void nn_rng_shuffle(nn_rng *r, uint32_t *idx, size_t n)
{
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)nn_rng_below(r, (uint64_t)i + 1);
        uint32_t tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
    }
}
