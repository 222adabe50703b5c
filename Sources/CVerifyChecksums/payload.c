// Payload generation for verify blocks, fused with CRC-32C where the CPU has the instruction.
#include "verify_checksums.h"
#include <string.h>

static void fill_tail(uint8_t *p, size_t position, size_t end, uint64_t key) {
    if (position >= end) return;
    uint64_t word = verify_payload_word(key, position >> 3);
    memcpy(p + position, &word, end - position);  // little-endian: the word's low bytes first
}

void verify_fill_payload(void *block, size_t start, size_t end, uint64_t key) {
    uint8_t *p = block;
    size_t position = start;
    for (; position + 8 <= end; position += 8) {
        uint64_t word = verify_payload_word(key, position >> 3);
        memcpy(p + position, &word, 8);
    }
    fill_tail(p, position, end, key);
}

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t fill_crc_sse42(uint8_t *p, size_t start, size_t end, uint64_t key) {
    uint64_t c = 0xFFFFFFFFu;
    size_t position = start;
    for (; position + 8 <= end; position += 8) {
        uint64_t word = verify_payload_word(key, position >> 3);
        memcpy(p + position, &word, 8);
        c = _mm_crc32_u64(c, word);
    }
    fill_tail(p, position, end, key);
    for (; position < end; position++) c = _mm_crc32_u8((uint32_t)c, p[position]);
    return ~(uint32_t)c;
}

uint32_t verify_fill_payload_crc32c(void *block, size_t start, size_t end, uint64_t key) {
    if (__builtin_cpu_supports("sse4.2")) return fill_crc_sse42(block, start, end, key);
    verify_fill_payload(block, start, end, key);
    return verify_crc32c(0, (uint8_t *)block + start, end - start);
}

#else

uint32_t verify_fill_payload_crc32c(void *block, size_t start, size_t end, uint64_t key) {
    verify_fill_payload(block, start, end, key);
    return verify_crc32c(0, (uint8_t *)block + start, end - start);
}

#endif
