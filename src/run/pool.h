/* pool.h - a thread pool whose threads share out the items of a job; the
 * trainer and the evaluator use it to spread the chunks of a batch over the
 * cores.
 *
 * The threads are started once and live until the pool is freed.  Items are
 * claimed one at a time from a shared counter, so a thread that the operating
 * system has not scheduled (the machine may be busy with other work) simply
 * takes none: the others, the caller included, do them all.  Between jobs a
 * thread waits as wait.h describes (a short spin, then sleep), so an idle
 * pool costs nothing; with more members than processors it never spins.
 */
#ifndef NNI_POOL_H
#define NNI_POOL_H

#include <stddef.h>

#include "internal.h"
#include "nn_error.h"

typedef struct nni_pool nni_pool;

/* Does item `item` of a job; `member` (0 = the caller, < pool size) names the
 * thread doing it, for per-thread scratch buffers. */
typedef void (*nni_pool_fn)(void *ctx, size_t item, size_t member);

/* Processors this process may run on: on Linux those of its affinity mask
 * (taskset, cpusets), elsewhere those online (sysconf); at least 1. */
NNI_HIDDEN size_t nni_cpu_count(void);

/* Members for jobs of `items` items: the requested count (0 = one per
 * processor), never more than there are items, at least 1. */
NNI_HIDDEN size_t nni_pool_members(size_t requested, size_t items);

/* Starts a pool of n members (n = 0 is taken as 1): the calling thread is
 * member 0 and n - 1 worker threads start now.  On failure *pool is NULL. */
NNI_HIDDEN int nni_pool_create(nni_pool **pool, size_t n, nn_error *err);

/* Members in the pool. */
NNI_HIDDEN size_t nni_pool_size(const nni_pool *p);

/* Calls fn(ctx, item, member) exactly once for every item < n_items (fewer
 * than 2^32), on whichever members claim them, and returns when all are done.
 * Which member does which item varies from run to run; results must not
 * depend on it.  Only the thread that created the pool may call this. */
NNI_HIDDEN void nni_pool_run(nni_pool *p, nni_pool_fn fn, void *ctx, size_t n_items);

/* Stops and joins the workers.  p may be NULL. */
NNI_HIDDEN void nni_pool_free(nni_pool *p);

#endif
