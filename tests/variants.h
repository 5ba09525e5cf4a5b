/* variants.h - the kernel variants this CPU can run, for the tests of the
 * kernels (include after nn/kernels.h). */
#ifndef NNART_TEST_VARIANTS_H
#define NNART_TEST_VARIANTS_H

/* Fills v (room for 3) with the variants this CPU can run, generic first;
 * returns how many. */
static size_t variants(const nni_kernel_table **v)
{
    size_t n = 0;
    v[n++] = nni_kernels_generic();
    if (nni_kernels_avx2())
        v[n++] = nni_kernels_avx2();
    if (nni_kernels_avx512())
        v[n++] = nni_kernels_avx512();
    return n;
}

#endif
