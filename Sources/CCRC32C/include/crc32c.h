#ifndef FABRIEK_CRC32C_H
#define FABRIEK_CRC32C_H
#include <stddef.h>
#include <stdint.h>
#include "prefetch.h"

/// CRC-32C (Castagnoli), as used by iSCSI, ext4 and many log formats.
/// `crc` is the running value (0 to start); the result can be fed back to extend it.
uint32_t fabriek_crc32c(uint32_t crc, const void *data, size_t length);

#endif
