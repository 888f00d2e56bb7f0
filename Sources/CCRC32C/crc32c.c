// CRC-32C with the SSE4.2 crc32 instruction when the CPU has it (one stream,
// several GB/s), and a slicing-by-8 table otherwise. Both give identical results.
#include "crc32c.h"
#include <string.h>

static uint32_t table[8][256];
static int table_ready = 0;

static void build_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = table[0][n];
        for (int k = 1; k < 8; k++) { c = table[0][c & 0xff] ^ (c >> 8); table[k][n] = c; }
    }
    __atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
}

static uint32_t crc32c_sw(uint32_t crc, const unsigned char *p, size_t n) {
    if (!__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE)) build_table();
    crc = ~crc;
    while (n >= 8) {
        uint64_t w; memcpy(&w, p, 8);
        w ^= crc;
        crc = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^ table[5][(w >> 16) & 0xff] ^
              table[4][(w >> 24) & 0xff] ^ table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
              table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
        p += 8; n -= 8;
    }
    while (n--) crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const unsigned char *p, size_t n) {
    uint64_t c = (uint32_t)~crc;
    while (n >= 32) {
        uint64_t a, b, d, e;
        memcpy(&a, p, 8); memcpy(&b, p + 8, 8); memcpy(&d, p + 16, 8); memcpy(&e, p + 24, 8);
        c = _mm_crc32_u64(c, a); c = _mm_crc32_u64(c, b);
        c = _mm_crc32_u64(c, d); c = _mm_crc32_u64(c, e);
        p += 32; n -= 32;
    }
    while (n >= 8) { uint64_t w; memcpy(&w, p, 8); c = _mm_crc32_u64(c, w); p += 8; n -= 8; }
    uint32_t r = (uint32_t)c;
    while (n--) r = _mm_crc32_u8(r, *p++);
    return ~r;
}

static int have_sse42 = -1;
uint32_t fabriek_crc32c(uint32_t crc, const void *data, size_t length) {
    if (have_sse42 < 0) { __builtin_cpu_init(); have_sse42 = __builtin_cpu_supports("sse4.2") ? 1 : 0; }
    return have_sse42 ? crc32c_hw(crc, data, length) : crc32c_sw(crc, data, length);
}
#else
uint32_t fabriek_crc32c(uint32_t crc, const void *data, size_t length) {
    return crc32c_sw(crc, data, length);
}
#endif
