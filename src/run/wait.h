/* wait.h - the one way a thread of nnart waits for another: a counter that
 * one side changes and the other waits on, spinning for a bounded time and
 * then sleeping on a condition variable.
 *
 * A step of training follows the previous one within microseconds, so the
 * thread pool's workers and the feeder spin a little (NNI_SPIN_NS) before
 * they sleep; an idle waiter then costs nothing.  The changing side wakes
 * sleepers only when there are some: its sequentially consistent store to
 * the counter and load of the sleeper count pair with the waiter's sleeper
 * increment and counter load (both sequentially consistent too), so either
 * the waiter sees the new value or the changer sees the sleeper, and no
 * wake-up is lost.
 */
#ifndef NNI_WAIT_H
#define NNI_WAIT_H

#include <pthread.h>
#include <stdatomic.h>

#include "internal.h"

/* Nanoseconds a wait spins before it sleeps: longer than the gap between two
 * jobs of a training step, short enough not to starve other programs on a
 * busy machine.  Measured on the clock, not counted in pauses, whose length
 * differs some tenfold between processors. */
#define NNI_SPIN_NS 100000u

typedef struct nni_counter {
    atomic_ulong value;
    atomic_int sleepers; /* threads blocked on cv */
    unsigned spin_ns;    /* time to spin before sleeping */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} nni_counter;

/* A counter at 0 whose waits spin for spin_ns nanoseconds before they sleep. */
NNI_HIDDEN void nni_counter_init(nni_counter *c, unsigned spin_ns);
NNI_HIDDEN void nni_counter_destroy(nni_counter *c);

/* The value, read with acquire order. */
NNI_HIDDEN unsigned long nni_counter_get(nni_counter *c);

/* Sets the value without waking anyone: only while no thread waits on it. */
NNI_HIDDEN void nni_counter_reset(nni_counter *c, unsigned long v);

/* Sets the value and wakes every sleeping waiter. */
NNI_HIDDEN void nni_counter_set(nni_counter *c, unsigned long v);

/* Adds 1 and returns the new value; wakes the sleepers when it equals wake_at. */
NNI_HIDDEN unsigned long nni_counter_add(nni_counter *c, unsigned long wake_at);

/* Waits until the value differs from v and returns it. */
NNI_HIDDEN unsigned long nni_counter_wait_change(nni_counter *c, unsigned long v);

/* Waits until the value equals v. */
NNI_HIDDEN void nni_counter_wait_equal(nni_counter *c, unsigned long v);

/* A hint to the core that the caller is in a spin-wait loop (pause on x86,
 * yield on ARM, nothing elsewhere). */
NNI_HIDDEN void nni_cpu_relax(void);

#endif
