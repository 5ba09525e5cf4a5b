/* wait.c - spin, then sleep, on a counter (see wait.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <time.h>

#include "run/wait.h"

void nni_cpu_relax(void)
{
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    __builtin_ia32_pause();
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
    __asm__ __volatile__("yield");
#endif
}

void nni_counter_init(nni_counter *c, unsigned spin_ns)
{
    atomic_init(&c->value, 0);
    atomic_init(&c->sleepers, 0);
    c->spin_ns = spin_ns;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
}

void nni_counter_destroy(nni_counter *c)
{
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
}

unsigned long nni_counter_get(nni_counter *c)
{
    return atomic_load_explicit(&c->value, memory_order_acquire);
}

void nni_counter_reset(nni_counter *c, unsigned long v)
{
    atomic_store_explicit(&c->value, v, memory_order_relaxed);
}

/* Wakes the sleepers, if any (called after a sequentially consistent change). */
static void wake(nni_counter *c)
{
    if (atomic_load(&c->sleepers) > 0) {
        pthread_mutex_lock(&c->mu);
        pthread_cond_broadcast(&c->cv);
        pthread_mutex_unlock(&c->mu);
    }
}

void nni_counter_set(nni_counter *c, unsigned long v)
{
    atomic_store(&c->value, v);
    wake(c);
}

unsigned long nni_counter_add(nni_counter *c, unsigned long wake_at)
{
    unsigned long v = atomic_fetch_add(&c->value, 1) + 1;
    if (v == wake_at)
        wake(c);
    return v;
}

static uint64_t clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Rounds of spinning between two looks at the clock. */
#define CLOCK_EVERY 64u

/* Waits until (value == v) == equal; returns the value that ended the wait.
 * It spins for c->spin_ns (the clock read once every CLOCK_EVERY rounds),
 * then sleeps. */
static unsigned long wait_until(nni_counter *c, unsigned long v, int equal)
{
    unsigned long now;
    uint64_t deadline = 0;
    for (unsigned i = 1; c->spin_ns > 0; i++) {
        now = atomic_load_explicit(&c->value, memory_order_acquire);
        if ((now == v) == equal)
            return now;
        nni_cpu_relax();
        if (i % CLOCK_EVERY == 0) {
            uint64_t t = clock_ns();
            if (deadline == 0)
                deadline = t + c->spin_ns;
            else if (t >= deadline)
                break;
        }
    }
    pthread_mutex_lock(&c->mu);
    atomic_fetch_add(&c->sleepers, 1);
    while (((now = atomic_load(&c->value)) == v) != equal)
        pthread_cond_wait(&c->cv, &c->mu);
    atomic_fetch_sub(&c->sleepers, 1);
    pthread_mutex_unlock(&c->mu);
    return now;
}

unsigned long nni_counter_wait_change(nni_counter *c, unsigned long v)
{
    return wait_until(c, v, 0);
}

void nni_counter_wait_equal(nni_counter *c, unsigned long v)
{
    wait_until(c, v, 1);
}
