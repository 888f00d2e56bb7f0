import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The 256-bit key that wraps every data subject's key in `keys.sqlite`.
///
/// Taken from the environment variable `FABRIEK_MASTER_KEY` (64 hex digits or base64 of 32
/// bytes) when set; otherwise from `master.key` in the data directory (32 raw bytes), which is
/// created with mode 0600 and fresh random bytes when absent. Losing the master key loses every
/// member's personal data; back it up apart from the log.
public struct MasterKey: Sendable {
    private let bytes: [UInt8]

    var key: SymmetricKey { SymmetricKey(data: bytes) }

    public static let environmentVariable = "FABRIEK_MASTER_KEY"
    public static let fileName = "master.key"

    /// A master key from exactly 32 bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw VaultError.invalidMasterKey(reason: "\(bytes.count) bytes instead of 32") }
        self.bytes = bytes
    }

    /// Parses 64 hex digits or base64 of 32 bytes (surrounding whitespace ignored).
    public init(text: String) throws {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.utf8.count == 64, let bytes = MasterKey.hexBytes(t) {
            try self.init(bytes: bytes)
        } else if let d = Data(base64Encoded: t) {
            try self.init(bytes: [UInt8](d))
        } else {
            throw VaultError.invalidMasterKey(reason: "neither 64 hex digits nor base64")
        }
    }

    /// The environment's key if set, else the file in `directory` (created when absent).
    public static func load(directory: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MasterKey {
        if let text = environment[environmentVariable], !text.isEmpty {
            return try MasterKey(text: text)
        }
        let path = (directory as NSString).appendingPathComponent(fileName)
        if let data = FileManager.default.contents(atPath: path) {
            return try MasterKey(bytes: [UInt8](data))
        }
        return try create(path: path)
    }

    private static func create(path: String) throws -> MasterKey {
        var bytes = SymmetricKey(size: .bits256).withUnsafeBytes { [UInt8]($0) }
        defer { for i in bytes.indices { bytes[i] = 0 } }
        #if canImport(Glibc)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        #else
        let fd = Darwin.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        #endif
        guard fd >= 0 else {
            if errno == EEXIST, let data = FileManager.default.contents(atPath: path) {  // lost a race
                return try MasterKey(bytes: [UInt8](data))
            }
            throw VaultError.masterKeyFile(path: path, errno: errno)
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == 32, fsync(fd) == 0 else { throw VaultError.masterKeyFile(path: path, errno: errno) }
        return try MasterKey(bytes: bytes)
    }

    static func hexBytes(_ s: String) -> [UInt8]? {
        var out = [UInt8]()
        var hi: UInt8? = nil
        for c in s.utf8 {
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 97...102: v = c - 87
            case 65...70: v = c - 55
            default: return nil
            }
            if let h = hi { out.append(h << 4 | v); hi = nil } else { hi = v }
        }
        return hi == nil ? out : nil
    }
}
