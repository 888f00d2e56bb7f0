#ifndef FABRIEK_PREFETCH_H
#define FABRIEK_PREFETCH_H

/// Asks the CPU to start loading the cache line holding `address` (for reading, kept in every
/// cache level), without waiting for it and without faulting: an address outside any mapping
/// is ignored. The writer issues these a few appends ahead of its index lookups so that their
/// cache misses (hash tables and mapped index files of hundreds of megabytes at 10M events)
/// overlap instead of following one another. `static inline`: compiled into each caller.
static inline void fabriek_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
