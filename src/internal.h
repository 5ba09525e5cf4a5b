/* internal.h - what every file under src/ shares and users of the library
 * never see: the marker for internal symbols and the overflow-checked size
 * arithmetic that every allocation goes through.
 *
 * Internal functions (those declared in src/, not in include/) are named
 * nni_ and declared NNI_HIDDEN, so that a shared build of the library exports
 * only the public nn_ API.
 */
#ifndef NNI_INTERNAL_H
#define NNI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define NNI_HIDDEN __attribute__((visibility("hidden")))
#else
#define NNI_HIDDEN
#endif

/* *out = a * b; returns 0, or -1 (leaving *out alone) if the product does
 * not fit in a size_t. */
static inline int nni_size_mul(size_t *out, size_t a, size_t b)
{
    if (b != 0 && a > SIZE_MAX / b)
        return -1;
    *out = a * b;
    return 0;
}

/* *out = a + b; returns 0, or -1 if the sum does not fit in a size_t. */
static inline int nni_size_add(size_t *out, size_t a, size_t b)
{
    if (a > SIZE_MAX - b)
        return -1;
    *out = a + b;
    return 0;
}

/* malloc of n elements of size bytes each: NULL when n * size overflows or
 * memory is short.  n = 0 gives a pointer that free accepts (or NULL). */
static inline void *nni_alloc(size_t n, size_t size)
{
    size_t bytes;
    if (nni_size_mul(&bytes, n, size))
        return NULL;
    return malloc(bytes ? bytes : 1);
}

/* Bytes of alignment for the arrays the kernels stream (a cache line, and
 * the widest vector), and floats per such line. */
#define NNI_ALIGN 64
#define NNI_ALIGN_FLOATS (NNI_ALIGN / sizeof(float))

/* n rounded up to whole cache lines of floats (n <= SIZE_MAX - 15). */
static inline size_t nni_pad_floats(size_t n)
{
    return (n + NNI_ALIGN_FLOATS - 1) / NNI_ALIGN_FLOATS * NNI_ALIGN_FLOATS;
}

/* nni_alloc aligned to NNI_ALIGN bytes (free with free): NULL when n * size
 * overflows or memory is short. */
static inline void *nni_alloc_aligned(size_t n, size_t size)
{
    size_t bytes;
    if (nni_size_mul(&bytes, n, size) || bytes > SIZE_MAX - NNI_ALIGN)
        return NULL;
    return aligned_alloc(NNI_ALIGN, (bytes + NNI_ALIGN - 1) / NNI_ALIGN * NNI_ALIGN);
}

/* nni_alloc_aligned, zero-filled (calloc's promise, with the alignment). */
static inline void *nni_calloc_aligned(size_t n, size_t size)
{
    void *p = nni_alloc_aligned(n, size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

#endif
