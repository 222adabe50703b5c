// Checksums for fio-style block verification: CRC-32C (Castagnoli) and SHA-256.
// Hardware paths (SSE4.2 crc32, SHA-NI) are picked at run time; portable code runs everywhere else.
// No allocation, no global state after the first call.
#ifndef VERIFY_CHECKSUMS_H
#define VERIFY_CHECKSUMS_H

#include <stddef.h>
#include <stdint.h>

/// Standard CRC-32C of `length` bytes, continuing from a previous result (`crc` = 0 to start).
/// crc32c("123456789") == 0xE3069283.
uint32_t verify_crc32c(uint32_t crc, const void *data, size_t length);

/// The portable slicing-by-8 path, for tests and machines without the instruction.
uint32_t verify_crc32c_portable(uint32_t crc, const void *data, size_t length);

/// 1 when verify_crc32c uses the CPU's CRC32 instruction.
int verify_crc32c_is_hardware(void);

/// SHA-256 of `length` bytes into `digest` (32 bytes).
void verify_sha256(const void *data, size_t length, uint8_t digest[32]);

/// The portable path, for tests and machines without SHA extensions.
void verify_sha256_portable(const void *data, size_t length, uint8_t digest[32]);

/// 1 when verify_sha256 uses the CPU's SHA extensions.
int verify_sha256_is_hardware(void);

/// Word `index` (the 8 bytes at block position 8·index) of a verify block's pseudo-random payload
/// for the block key `key`. The one definition of the payload: Swift regenerates expected bytes with it.
static inline uint64_t verify_payload_word(uint64_t key, uint64_t index) {
    uint64_t x = key + index * 0x9E3779B97F4A7C15ull;
    __uint128_t product = (__uint128_t)(x ^ 0xE7037ED1A0B428DBull) * (x ^ 0xA0761D6478BD642Full);
    return (uint64_t)(product >> 64) ^ (uint64_t)product;
}

/// Writes the payload into block bytes [start, end) (start a multiple of 8) and returns the CRC-32C
/// of those bytes, in one pass: each word is checksummed while still in a register.
uint32_t verify_fill_payload_crc32c(void *block, size_t start, size_t end, uint64_t key);

/// Writes the payload into block bytes [start, end) (start a multiple of 8).
void verify_fill_payload(void *block, size_t start, size_t end, uint64_t key);

#endif
