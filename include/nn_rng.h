/* nn_rng.h - a small seeded random number generator (xoshiro256**, seeded
 * through splitmix64), so that the same seed gives the same model on every
 * machine.  The state is a plain value owned by the caller. */
#ifndef NN_RNG_H
#define NN_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct nn_rng {
    uint64_t s[4];
} nn_rng;

void nn_rng_seed(nn_rng *r, uint64_t seed);
uint64_t nn_rng_u64(nn_rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double nn_rng_uniform(nn_rng *r);
/* Uniform integer in [0, n), without modulo bias; n > 0. */
uint64_t nn_rng_below(nn_rng *r, uint64_t n);
/* Standard normal deviate (Box-Muller). */
double nn_rng_normal(nn_rng *r);
/* Fisher-Yates shuffle of idx[0..n). */
void nn_rng_shuffle(nn_rng *r, uint32_t *idx, size_t n);

#endif
