// faultshim: an LD_PRELOAD library that makes the Nth file-system call on a directory fail.
//
// Built by Tests/EventLogTests/SystemCallFaultTests with `cc -shared -fPIC`. Environment:
//   FAULT_DIR         only calls on files under this absolute path count (write, pwrite,
//                     fdatasync, fsync, ftruncate: the descriptor's path; rename: either path)
//   FAULT_AT          the 1-based number of the counted call that fails (0: none, count only)
//   FAULT_ERRNO       EIO (default) or ENOSPC: the errno of the failing call
//   FAULT_SHORT       1: a failing write/pwrite writes half of its bytes and returns that count
//                     instead (a short write; the caller must write the rest)
//   FAULT_COUNT_FILE  at exit, the number of counted calls is written to this file
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static const char *fault_dir;
static size_t fault_dir_length;
static long fault_at;
static int fault_errno = EIO;
static int fault_short;
static const char *count_file;
static atomic_long counted;

__attribute__((constructor)) static void fault_init(void) {
    fault_dir = getenv("FAULT_DIR");
    fault_dir_length = fault_dir ? strlen(fault_dir) : 0;
    const char *at = getenv("FAULT_AT");
    fault_at = at ? atol(at) : 0;
    const char *e = getenv("FAULT_ERRNO");
    if (e && strcmp(e, "ENOSPC") == 0) fault_errno = ENOSPC;
    const char *s = getenv("FAULT_SHORT");
    fault_short = s && strcmp(s, "1") == 0;
    count_file = getenv("FAULT_COUNT_FILE");
}

__attribute__((destructor)) static void fault_fini(void) {
    if (!count_file) return;
    FILE *f = fopen(count_file, "w");
    if (!f) return;
    fprintf(f, "%ld\n", atomic_load(&counted));
    fclose(f);
}

static int path_counts(const char *path) {
    return fault_dir_length > 0 && path && strncmp(path, fault_dir, fault_dir_length) == 0;
}

static int fd_counts(int fd) {
    if (fault_dir_length == 0) return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    return path_counts(path);
}

// True when this counted call is the one that fails.
static int fails_now(void) {
    long n = atomic_fetch_add(&counted, 1) + 1;
    return fault_at > 0 && n == fault_at;
}

#define REAL(name) static __typeof__(name) *real_##name; if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buffer, size_t count) {
    REAL(write);
    if (fd_counts(fd) && fails_now()) {
        if (fault_short && count > 1) return real_write(fd, buffer, count / 2);
        errno = fault_errno;
        return -1;
    }
    return real_write(fd, buffer, count);
}

ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset) {
    REAL(pwrite);
    if (fd_counts(fd) && fails_now()) {
        if (fault_short && count > 1) return real_pwrite(fd, buffer, count / 2, offset);
        errno = fault_errno;
        return -1;
    }
    return real_pwrite(fd, buffer, count, offset);
}

ssize_t pwrite64(int fd, const void *buffer, size_t count, off_t offset) {
    return pwrite(fd, buffer, count, offset);
}

int fdatasync(int fd) {
    REAL(fdatasync);
    if (fd_counts(fd) && fails_now()) { errno = fault_errno == ENOSPC ? ENOSPC : EIO; return -1; }
    return real_fdatasync(fd);
}

int fsync(int fd) {
    REAL(fsync);
    if (fd_counts(fd) && fails_now()) { errno = fault_errno == ENOSPC ? ENOSPC : EIO; return -1; }
    return real_fsync(fd);
}

int ftruncate(int fd, off_t length) {
    REAL(ftruncate);
    if (fd_counts(fd) && fails_now()) { errno = EIO; return -1; }
    return real_ftruncate(fd, length);
}

int ftruncate64(int fd, off_t length) {
    return ftruncate(fd, length);
}

int rename(const char *from, const char *to) {
    REAL(rename);
    if ((path_counts(from) || path_counts(to)) && fails_now()) { errno = fault_errno; return -1; }
    return real_rename(from, to);
}
