import Foundation

/// Errors of preparing the bench's scratch files; each names the path.
struct BenchFileError: Error, CustomStringConvertible {
    var description: String
}

enum Files {
    /// Removes whatever is at `path` and creates an empty directory there.
    static func freshDirectory(_ path: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            do { try fm.removeItem(atPath: path) } catch {
                throw BenchFileError(description: "cannot remove \(path): \(error)")
            }
        }
        do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw BenchFileError(description: "cannot create directory \(path): \(error)")
        }
    }

    /// Removes `path` if it exists; errors are ignored (scratch clean-up only).
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The apparent size (st_size) of a regular file, 0 when absent.
    static func size(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Sum of the sizes of all regular files under `directory`, recursively.
    static func bytesUnder(_ directory: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return 0 }
        var total = 0
        while let relative = walker.nextObject() as? String {
            let path = directory + "/" + relative
            var st = stat()
            if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { total += Int(st.st_size) }
        }
        return total
    }

    /// Flushes all dirty pages to disk (`sync`), so that the write-back of an earlier phase's
    /// files does not land in the next timed phase.
    static func settle() {
        sync()
    }

    /// Creates a new, uniquely named directory under /tmp.
    static func temporaryDirectory(prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchFileError(description: "mkdtemp under /tmp failed: errno \(errno)")
        }
        return String(cString: made)
    }
}

/// Writes a progress line to standard error.
func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
