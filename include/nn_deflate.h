/* nn_deflate.h - compressing: raw deflate (RFC 1951) and the zlib stream
 * around it (RFC 1950), with nothing but libc.
 *
 * The compressor works as zlib does at level 6: LZ77 over a 32 KiB window
 * with hash chains (at most 128 candidates, a quarter of them once a match
 * of 8 is in hand, none beyond a match of 128; for inputs over 4 MiB, as at
 * zlib's level 5, 32 and 32) and lazy matching (the next
 * position is tried unless the match is already 16 long), then Huffman
 * coding in blocks of at most 16,384 symbols, each block written as stored,
 * fixed or dynamic Huffman, whichever is smallest, with codes limited to 15
 * bits (7 for the code length code).  The output is the same for the same
 * input, on every machine.  Any inflater reads it (nn_gunzip reads it inside
 * a gzip member, nn_gzip.h).
 */
#ifndef NN_DEFLATE_H
#define NN_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"

/* Compresses in[0..len) (len may be 0; in may then be NULL) into a new
 * buffer (*out, *out_len) owned by the caller (free()).  Fails only with
 * NN_ERR_NOMEM; on failure *out is NULL and *out_len 0. */
int nn_deflate(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len, nn_error *err);

/* The same inside a zlib stream: header 78 9C (deflate, 32 KiB window,
 * default level, no dictionary), the deflate data, the Adler-32 of in
 * (big-endian). */
int nn_zlib_compress(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len,
                     nn_error *err);

#endif
