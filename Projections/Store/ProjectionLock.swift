#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Exclusive ownership of one projection: an `flock` on `NAME.lock`, held until `release()`
/// (idempotent) or deinit, or until the process dies (the kernel drops it, so a crash never
/// leaves a stale lock). A second owner, in this process or another, is refused with
/// `ProjectionError.locked`.
final class ProjectionLock: Sendable {
    private let fd: Atomic<Int32>
    let path: String

    init(path: String, projection: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ProjectionError.io(operation: "open", path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let e = errno
            close(fd)
            if e == EWOULDBLOCK { throw ProjectionError.locked(projection: projection, lockFile: path) }
            throw ProjectionError.io(operation: "flock", path: path, errno: e)
        }
        self.fd = Atomic(fd)
        self.path = path
    }

    deinit { release() }

    /// Releases the lock (closing the descriptor drops the `flock`). Later calls do nothing.
    func release() {
        let fd = fd.exchange(-1, ordering: .acquiringAndReleasing)
        if fd >= 0 { close(fd) }
    }
}
