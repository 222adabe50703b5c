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

#endif
