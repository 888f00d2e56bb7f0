import Crypto
import Foundation
import Synchronization

/// API tokens of a data directory, kept in `tokens.json` as SHA-256 hashes only: a token is
/// shown once, when issued, and cannot be recovered from the file.
///
/// The server re-reads the file when it changes, so `fabriek-admin tokens issue|revoke` takes
/// effect on the next request. Writes replace the file atomically.
public final class TokenStore: Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public var name: String
        public var role: Role
        public var memberId: UUID?
        /// Hex SHA-256 of the token.
        public var sha256: String
        public var issuedAt: Date
        public var revokedAt: Date?
    }

    public enum TokenError: Error, Sendable, CustomStringConvertible {
        case duplicateName(String)
        case unknownName(String)
        case memberRequired
        case memberNotAllowed(Role)
        case unreadable(path: String, reason: String)

        public var description: String {
            switch self {
            case .duplicateName(let n): "a token named '\(n)' exists already; choose another --name or revoke it first"
            case .unknownName(let n): "no token named '\(n)'; see 'tokens list'"
            case .memberRequired: "a member token needs --member ID (the member it acts for)"
            case .memberNotAllowed(let r): "--member is only for role member, not \(r.rawValue)"
            case let .unreadable(path, reason): "\(path) cannot be read: \(reason); fix or remove it and issue the tokens again"
            }
        }
    }

    public let path: String
    private struct Cache {
        /// The file's identity when it was read (nil: no file).
        var stamp: FileStamp?
        var entries: [Entry] = []
        var byHash: [String: Entry] = [:]
        /// Tokens already checked against this version of the file, with their principal (nil:
        /// unknown or revoked): a request with a known token costs one `stat` and one lookup,
        /// no SHA-256. Bounded (`maxCheckedTokens`): emptied when full. Dropped with the
        /// cache whenever the file changes, so a revocation counts from the next request.
        var checked: [String: Principal?] = [:]
    }
    static let maxCheckedTokens = 4096

    /// Which version of `tokens.json` the cache holds: inode, size and modification time in
    /// nanoseconds, from one `stat` (a replaced or rewritten file changes at least one).
    private struct FileStamp: Equatable {
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int

        init?(path: String) {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }
            inode = UInt64(st.st_ino)
            size = Int64(st.st_size)
            seconds = Int(st.st_mtim.tv_sec)
            nanoseconds = Int(st.st_mtim.tv_nsec)
        }
    }
    private let cache = Mutex(Cache())

    public init(path: String) throws {
        self.path = path
        _ = try entries()
    }

    /// Every token, revoked ones included.
    public func entries() throws -> [Entry] {
        try refreshed().entries
    }

    /// The principal for `token`, or nil when it is unknown or revoked.
    public func principal(for token: String) -> Principal? {
        let stamp = FileStamp(path: path)
        if let known = cache.withLock({ c -> Principal?? in c.stamp == stamp ? c.checked[token] : nil }) { return known }
        guard let cache = try? refreshed(stamp: stamp) else { return nil }
        let principal = cache.byHash[Self.hash(token)].flatMap { e in
            e.revokedAt == nil ? Principal(name: e.name, role: e.role, memberId: e.memberId) : nil
        }
        self.cache.withLock { c in
            guard c.stamp == stamp else { return }
            if c.checked.count >= Self.maxCheckedTokens { c.checked = [:] }
            c.checked[token] = .some(principal)
        }
        return principal
    }

    /// Issues a new token and returns it (the only time it is shown).
    public func issue(name: String, role: Role, memberId: UUID?, now: Date = Date()) throws -> String {
        if role == .member && memberId == nil { throw TokenError.memberRequired }
        if role != .member && memberId != nil { throw TokenError.memberNotAllowed(role) }
        var all = try entries()
        guard !all.contains(where: { $0.name == name }) else { throw TokenError.duplicateName(name) }
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        let token = "fbk_" + bytes.map { String(format: "%02x", $0) }.joined()
        all.append(Entry(name: name, role: role, memberId: memberId, sha256: Self.hash(token), issuedAt: now, revokedAt: nil))
        try write(all)
        return token
    }

    /// Revokes the token called `name`; it is refused from the next request on.
    public func revoke(name: String, now: Date = Date()) throws {
        var all = try entries()
        guard let i = all.firstIndex(where: { $0.name == name }) else { throw TokenError.unknownName(name) }
        if all[i].revokedAt == nil { all[i].revokedAt = now }
        try write(all)
    }

    /// Revokes the token called `name` and renames it `newName`, freeing the name.
    public func rename(_ name: String, to newName: String, now: Date = Date()) throws {
        var all = try entries()
        guard let i = all.firstIndex(where: { $0.name == name }) else { throw TokenError.unknownName(name) }
        if all[i].revokedAt == nil { all[i].revokedAt = now }
        all[i].name = newName
        try write(all)
    }

    /// Lower-case hex SHA-256 of the token's UTF-8 bytes.
    static func hash(_ token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 15)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The entries of the file as it is now: one `stat` per call, the file read again only
    /// when it changed (so a revocation counts from the next request).
    private func refreshed(stamp: FileStamp?? = nil) throws -> Cache {
        let stamp = stamp ?? FileStamp(path: path)
        if let c = cache.withLock({ $0.stamp == stamp ? $0 : nil }) { return c }
        var fresh = Cache(stamp: stamp)
        if stamp != nil {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                fresh.entries = try decoder.decode([Entry].self, from: data)
            } catch {
                throw TokenError.unreadable(path: path, reason: "\(error)")
            }
        }
        for e in fresh.entries { fresh.byHash[e.sha256] = e }
        let result = fresh
        cache.withLock { $0 = result }
        return result
    }

    private func write(_ entries: [Entry]) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(entries)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        chmod(path, 0o600)
        cache.withLock { $0 = Cache() }
    }
}
