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
//   FAULT_LOG         record every call on FAULT_DIR (and every write to standard output, the
//                     caller's acknowledgements) to this file, in call order, for the power-loss
//                     simulation (Tests/EventLogTests/Support/PowerLossTrace.swift). One record
//                     per call, a header line and for writes the bytes written:
//                       W <offset> <count> <path>\n<count bytes>\n   write/pwrite (bytes that reached the file)
//                       S <path>\n                                  fsync/fdatasync that succeeded (file or directory)
//                       T <length> <path>\n                         ftruncate
//                       C <path>\n                                  open(O_CREAT) that created the file
//                       Z <path>\n                                  open(O_TRUNC) of an existing file
//                       R <from>\t<to>\n                            rename
//                       U <path>\n                                  unlink
//                       D <path>\n                                  mkdir
//                       M <count>\n<count bytes>\n                  a write to standard output
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static const char *fault_dir;
static size_t fault_dir_length;
static long fault_at;
static int fault_errno = EIO;
static int fault_short;
static const char *count_file;
static atomic_long counted;
static int log_fd = -1;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

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
    const char *log = getenv("FAULT_LOG");
    if (log) {
        int (*real_open)(const char *, int, ...) = dlsym(RTLD_NEXT, "open");
        log_fd = real_open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    }
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

// The path of an open descriptor into `path`; 0 when unknown.
static int fd_path(int fd, char *path, size_t size) {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, size - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    return 1;
}

static int fd_counts(int fd) {
    if (fault_dir_length == 0) return 0;
    char path[4096];
    return fd_path(fd, path, sizeof path) && path_counts(path);
}

static ssize_t (*log_write)(int, const void *, size_t);

static void log_all(const void *bytes, size_t count) {
    if (!log_write) log_write = dlsym(RTLD_NEXT, "write");
    const char *p = bytes;
    while (count > 0) {
        ssize_t n = log_write(log_fd, p, count);
        if (n <= 0) { if (errno == EINTR) continue; return; }
        p += n; count -= (size_t)n;
    }
}

// Records one call: the header line, then (when `bytes`) the bytes and a newline.
static void log_record(const char *header, const void *bytes, size_t count) {
    if (log_fd < 0) return;
    pthread_mutex_lock(&log_lock);
    log_all(header, strlen(header));
    if (bytes) { log_all(bytes, count); log_all("\n", 1); }
    pthread_mutex_unlock(&log_lock);
}

static void log_fd_op(char op, int fd) {
    char path[4096], header[4200];
    if (log_fd < 0 || !fd_path(fd, path, sizeof path) || !path_counts(path)) return;
    snprintf(header, sizeof header, "%c %s\n", op, path);
    log_record(header, NULL, 0);
}

static void log_written(int fd, const void *buffer, ssize_t written, off_t offset) {
    if (log_fd < 0 || written <= 0) return;
    char path[4096], header[4300];
    if (fd == 1) {
        snprintf(header, sizeof header, "M %zd\n", written);
        log_record(header, buffer, (size_t)written);
        return;
    }
    if (!fd_path(fd, path, sizeof path) || !path_counts(path)) return;
    snprintf(header, sizeof header, "W %lld %zd %s\n", (long long)offset, written, path);
    log_record(header, buffer, (size_t)written);
}

// True when this counted call is the one that fails.
static int fails_now(void) {
    long n = atomic_fetch_add(&counted, 1) + 1;
    return fault_at > 0 && n == fault_at;
}

#define REAL(name) static __typeof__(name) *real_##name; if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buffer, size_t count) {
    REAL(write);
    off_t at = log_fd >= 0 ? lseek(fd, 0, SEEK_CUR) : 0;
    ssize_t n;
    if (fd_counts(fd) && fails_now()) {
        if (!(fault_short && count > 1)) { errno = fault_errno; return -1; }
        n = real_write(fd, buffer, count / 2);
    } else {
        n = real_write(fd, buffer, count);
    }
    int saved = errno;
    log_written(fd, buffer, n, at);
    errno = saved;
    return n;
}

ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset) {
    REAL(pwrite);
    ssize_t n;
    if (fd_counts(fd) && fails_now()) {
        if (!(fault_short && count > 1)) { errno = fault_errno; return -1; }
        n = real_pwrite(fd, buffer, count / 2, offset);
    } else {
        n = real_pwrite(fd, buffer, count, offset);
    }
    int saved = errno;
    log_written(fd, buffer, n, offset);
    errno = saved;
    return n;
}

ssize_t pwrite64(int fd, const void *buffer, size_t count, off_t offset) {
    return pwrite(fd, buffer, count, offset);
}

int fdatasync(int fd) {
    REAL(fdatasync);
    if (fd_counts(fd) && fails_now()) { errno = fault_errno == ENOSPC ? ENOSPC : EIO; return -1; }
    int r = real_fdatasync(fd);
    if (r == 0) log_fd_op('S', fd);
    return r;
}

int fsync(int fd) {
    REAL(fsync);
    if (fd_counts(fd) && fails_now()) { errno = fault_errno == ENOSPC ? ENOSPC : EIO; return -1; }
    int r = real_fsync(fd);
    if (r == 0) log_fd_op('S', fd);
    return r;
}

int ftruncate(int fd, off_t length) {
    REAL(ftruncate);
    if (fd_counts(fd) && fails_now()) { errno = EIO; return -1; }
    int r = real_ftruncate(fd, length);
    char path[4096], header[4200];
    if (r == 0 && log_fd >= 0 && fd_path(fd, path, sizeof path) && path_counts(path)) {
        snprintf(header, sizeof header, "T %lld %s\n", (long long)length, path);
        log_record(header, NULL, 0);
    }
    return r;
}

int ftruncate64(int fd, off_t length) {
    return ftruncate(fd, length);
}

int rename(const char *from, const char *to) {
    REAL(rename);
    if ((path_counts(from) || path_counts(to)) && fails_now()) { errno = fault_errno; return -1; }
    int r = real_rename(from, to);
    if (r == 0 && log_fd >= 0 && (path_counts(from) || path_counts(to))) {
        char header[8300];
        snprintf(header, sizeof header, "R %s\t%s\n", from, to);
        log_record(header, NULL, 0);
    }
    return r;
}

// The calls below only record (FAULT_LOG); they never fail on purpose.

static void log_path_op(char op, const char *path) {
    if (log_fd < 0 || !path_counts(path)) return;
    char header[4200];
    snprintf(header, sizeof header, "%c %s\n", op, path);
    log_record(header, NULL, 0);
}

static int logged_open(int (*real)(const char *, int, ...), const char *path, int flags, mode_t mode) {
    int existed = 1;
    if (log_fd >= 0 && (flags & (O_CREAT | O_TRUNC)) && path_counts(path)) {
        struct stat st;
        existed = stat(path, &st) == 0;
    }
    int fd = real(path, flags, mode);
    if (fd >= 0 && log_fd >= 0 && path_counts(path)) {
        if ((flags & O_CREAT) && !existed) log_path_op('C', path);
        else if ((flags & O_TRUNC) && existed) log_path_op('Z', path);
    }
    return fd;
}

int open(const char *path, int flags, ...) {
    REAL(open);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list a; va_start(a, flags); mode = va_arg(a, mode_t); va_end(a); }
    return logged_open(real_open, path, flags, mode);
}

int open64(const char *path, int flags, ...) {
    REAL(open64);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list a; va_start(a, flags); mode = va_arg(a, mode_t); va_end(a); }
    return logged_open(real_open64, path, flags, mode);
}

int unlink(const char *path) {
    REAL(unlink);
    int r = real_unlink(path);
    if (r == 0) log_path_op('U', path);
    return r;
}

int mkdir(const char *path, mode_t mode) {
    REAL(mkdir);
    int r = real_mkdir(path, mode);
    if (r == 0) log_path_op('D', path);
    return r;
}
