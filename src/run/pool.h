/* pool.h - a team of worker threads that share out the items of a job;
 * the trainer and the evaluator use it to spread the chunks of a batch over
 * the cores.
 *
 * The workers are started once and live until the team is freed.  Items are
 * claimed one at a time from a shared counter, so a member that the operating
 * system has not scheduled (the machine may be busy with other work) simply
 * takes none: the others, the caller included, do them all.  Between jobs a
 * worker spins for a few tens of microseconds (a step of training follows the
 * previous one within microseconds) and then sleeps on a condition variable,
 * so an idle team costs nothing; with more members than online processors it
 * never spins.
 */
#ifndef NN_KERNELS_TEAM_H
#define NN_KERNELS_TEAM_H

#include <stddef.h>

#include "nn_error.h"

typedef struct nn_team nn_team;

/* Does item `item` of a job; `member` (0 = the caller, < team size) names the
 * thread doing it, for per-thread scratch buffers. */
typedef void (*nn_team_fn)(void *ctx, size_t item, size_t member);

/* Processors this process may run on: on Linux those of its affinity mask
 * (taskset, cpusets), elsewhere those online (sysconf); at least 1. */
size_t nn_cpu_count(void);

/* A hint to the core that the caller is in a spin-wait loop (pause on x86,
 * yield on ARM, nothing elsewhere). */
void nn_cpu_relax(void);

/* Starts a team of n members (n = 0 is taken as 1): the calling thread is
 * member 0 and n - 1 worker threads start now.  On failure *team is NULL. */
int nn_team_create(nn_team **team, size_t n, nn_error *err);

/* Members in the team. */
size_t nn_team_size(const nn_team *t);

/* Calls fn(ctx, item, member) exactly once for every item < n_items (fewer
 * than 2^32), on whichever members claim them, and returns when all are done.
 * Which member does which item varies from run to run; results must not
 * depend on it.  Only the thread that created the team may call this. */
void nn_team_run(nn_team *t, nn_team_fn fn, void *ctx, size_t n_items);

/* Stops and joins the workers.  t may be NULL. */
void nn_team_free(nn_team *t);

#endif
