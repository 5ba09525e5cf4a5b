/* crc.c - CRC-32 and Adler-32 (see nn_crc.h). */
#include "nn_crc.h"

/* Reflected CRC-32, a byte at a time through a 256-entry table.  The macros build
 * the table at compile time: entry n is n put through eight rounds of the
 * bitwise algorithm (shift right, xor the polynomial when the low bit was 1).
 * A round names c twice, so an entry expands to 2^8 terms (a round that names
 * it three times makes 3^8, which takes the compiler seconds). */
#define P 0xEDB88320u
#define C1(c) (((c) >> 1) ^ (P & (0u - ((c) & 1u))))
#define C8(c) C1(C1(C1(C1(C1(C1(C1(C1(c))))))))
#define R4(n) C8(n), C8(n + 1), C8(n + 2), C8(n + 3)
#define R16(n) R4(n), R4(n + 4), R4(n + 8), R4(n + 12)
#define R64(n) R16(n), R16(n + 16), R16(n + 32), R16(n + 48)
static const uint32_t crc_table[256] = {R64(0u), R64(64u), R64(128u), R64(192u)};

uint32_t nn_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* RFC 1950: s1 = 1 + sum of bytes, s2 = sum of s1 values, both mod 65521.
 * 5552 is the largest run for which s2 cannot overflow 32 bits. */
uint32_t nn_adler32(uint32_t adler, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t s1 = adler & 0xFFFF, s2 = adler >> 16;
    while (len > 0) {
        size_t run = len < 5552 ? len : 5552;
        len -= run;
        while (run--) {
            s1 += *p++;
            s2 += s1;
        }
        s1 %= 65521;
        s2 %= 65521;
    }
    return (s2 << 16) | s1;
}
