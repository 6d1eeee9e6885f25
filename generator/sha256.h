/*
 * sha256.h - SHA-256 (FIPS 180-4), for the checksums of migration
 * directories: schemac.sum and the checksum each database records of the
 * migrations it applied.
 */
#ifndef SCHEMAC_SHA256_H
#define SCHEMAC_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t total;    /* bytes hashed so far */
    uint8_t block[64]; /* the bytes of the current, incomplete block */
    size_t used;
} sha256_ctx;

/* Room for a digest in lowercase hex with its NUL. */
#define SHA256_HEX_SIZE 65

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
/* Finishes the hash into out; c must be initialized again for reuse. */
void sha256_final(sha256_ctx *c, uint8_t out[32]);
/* Finishes the hash into hex, lowercase, NUL-terminated. */
void sha256_final_hex(sha256_ctx *c, char hex[SHA256_HEX_SIZE]);
/* The hex digest of n bytes at data. */
void sha256_hex(const void *data, size_t n, char hex[SHA256_HEX_SIZE]);

#endif /* SCHEMAC_SHA256_H */
