// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the x86 crc32 instruction when the CPU has
// SSE4.2, otherwise slicing-by-8 tables (8 table look-ups per 8 input bytes).
#include "verify_checksums.h"
#include <pthread.h>
#include <string.h>

#define CRC32C_POLY 0x82F63B78u

static uint32_t crc_tables[8][256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_tables(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
        crc_tables[0][n] = c;
    }
    // Table k advances a byte that sits k positions before the end of an 8-byte word.
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = crc_tables[0][n];
        for (int k = 1; k < 8; k++) {
            c = crc_tables[0][c & 0xff] ^ (c >> 8);
            crc_tables[k][n] = c;
        }
    }
}

uint32_t verify_crc32c_portable(uint32_t crc, const void *data, size_t length) {
    pthread_once(&tables_once, build_tables);
    const uint8_t *p = data;
    uint32_t c = ~crc;
    while (length && ((uintptr_t)p & 7)) {
        c = crc_tables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
        length--;
    }
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);  // little-endian machines only (x86_64, aarch64)
        word ^= c;
        c = crc_tables[7][word & 0xff] ^ crc_tables[6][(word >> 8) & 0xff] ^
            crc_tables[5][(word >> 16) & 0xff] ^ crc_tables[4][(word >> 24) & 0xff] ^
            crc_tables[3][(word >> 32) & 0xff] ^ crc_tables[2][(word >> 40) & 0xff] ^
            crc_tables[1][(word >> 48) & 0xff] ^ crc_tables[0][word >> 56];
        p += 8;
        length -= 8;
    }
    while (length--) c = crc_tables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const void *data, size_t length) {
    const uint8_t *p = data;
    uint64_t c = (uint32_t)~crc;
    while (length && ((uintptr_t)p & 7)) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        length--;
    }
    // Four instructions per iteration keep the loop overhead off the 3-cycle crc32 chain.
    while (length >= 32) {
        uint64_t w[4];
        memcpy(w, p, 32);
        c = _mm_crc32_u64(c, w[0]);
        c = _mm_crc32_u64(c, w[1]);
        c = _mm_crc32_u64(c, w[2]);
        c = _mm_crc32_u64(c, w[3]);
        p += 32;
        length -= 32;
    }
    while (length >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = _mm_crc32_u64(c, w);
        p += 8;
        length -= 8;
    }
    while (length--) c = _mm_crc32_u8((uint32_t)c, *p++);
    return ~(uint32_t)c;
}

// A load and a bit test of the CPU model that the runtime filled in at start-up.
static int has_sse42(void) { return __builtin_cpu_supports("sse4.2") ? 1 : 0; }

int verify_crc32c_is_hardware(void) { return has_sse42(); }

uint32_t verify_crc32c(uint32_t crc, const void *data, size_t length) {
    return has_sse42() ? crc32c_sse42(crc, data, length) : verify_crc32c_portable(crc, data, length);
}

#else

int verify_crc32c_is_hardware(void) { return 0; }

uint32_t verify_crc32c(uint32_t crc, const void *data, size_t length) {
    return verify_crc32c_portable(crc, data, length);
}

#endif
