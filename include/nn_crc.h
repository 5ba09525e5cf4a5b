/* nn_crc.h - the checksums used by nnart's file formats. */
#ifndef NN_CRC_H
#define NN_CRC_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (ISO-HDLC: polynomial 0xEDB88320 reflected, as in gzip, PNG and zlib).
 * Pass crc = 0 for a new checksum, or a previous result to continue one. */
uint32_t nn_crc32(uint32_t crc, const void *data, size_t len);

/* Adler-32 (RFC 1950).  Pass adler = 1 for a new checksum. */
uint32_t nn_adler32(uint32_t adler, const void *data, size_t len);

#endif
