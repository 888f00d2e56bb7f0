#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, throwing wrappers over POSIX file calls, each naming the operation and path on failure.
enum FileIO {
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(LogError) -> Int32 {
        let fd = Libc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        return fd
    }

    static func size(_ fd: Int32, path: String) throws(LogError) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        return Int(st.st_size)
    }

    /// Writes all bytes at `offset`; a short write that cannot continue throws. Disk full and the
    /// file-size limit become `.diskFull`.
    static func pwriteAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, offset: Int, path: String) throws(LogError) {
        var done = 0
        while done < bytes.count {
            let n = Libc.pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == ENOSPC || e == EFBIG || e == EDQUOT { throw .diskFull(path: path, errno: e) }
                throw .io(operation: "pwrite", path: path, errno: e)
            }
            if n == 0 { throw .diskFull(path: path, errno: ENOSPC) }
            done += n
        }
    }

    /// `pwriteAll` for an array (its elements' bytes as they lie in memory).
    static func pwriteAll<Element: BitwiseCopyable>(_ fd: Int32, _ bytes: [Element], offset: Int, path: String) throws(LogError) {
        let result: Result<Void, LogError> = bytes.withUnsafeBytes { raw in
            do throws(LogError) {
                try pwriteAll(fd, raw, offset: offset, path: path)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    static func fdatasync(_ fd: Int32, path: String) throws(LogError) {
        while Libc.fdatasync(fd) != 0 {
            if errno == EINTR { continue }
            throw .io(operation: "fdatasync", path: path, errno: errno)
        }
    }

    static func fsyncDirectory(_ path: String) throws(LogError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        if fsync(fd) != 0 { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    static func truncate(_ fd: Int32, to length: Int, path: String) throws(LogError) {
        guard ftruncate(fd, off_t(length)) == 0 else { throw .io(operation: "ftruncate", path: path, errno: errno) }
    }

    static func makeDirectory(_ path: String) throws(LogError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw .io(operation: "mkdir", path: path, errno: errno) }
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Closes a descriptor (errors are of no use to the caller here).
    static func close(_ fd: Int32) {
        _ = Libc.close(fd)
    }

    /// Writes a file atomically: temporary file, fsync, rename, fsync of the directory.
    static func writeFileAtomically(_ path: String, directory: String, bytes: [UInt8]) throws(LogError) {
        try writeFileAtomically(path, directory: directory) { fd, tmp throws(LogError) in
            try pwriteAll(fd, bytes, offset: 0, path: tmp)
        }
    }
}

/// The C library's calls that `FileIO`'s own names hide, for Glibc and Darwin alike.
enum Libc {
    static func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        #if canImport(Glibc)
        Glibc.open(path, flags, mode)
        #else
        Darwin.open(path, flags, mode)
        #endif
    }

    static func pwrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int, _ offset: off_t) -> Int {
        #if canImport(Glibc)
        Glibc.pwrite(fd, buffer, count, offset)
        #else
        Darwin.pwrite(fd, buffer, count, offset)
        #endif
    }

    static func fdatasync(_ fd: Int32) -> Int32 {
        #if canImport(Glibc)
        Glibc.fdatasync(fd)
        #else
        Darwin.fsync(fd)
        #endif
    }

    static func close(_ fd: Int32) -> Int32 {
        #if canImport(Glibc)
        Glibc.close(fd)
        #else
        Darwin.close(fd)
        #endif
    }
}
