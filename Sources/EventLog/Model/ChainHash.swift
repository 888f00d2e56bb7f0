/// A SHA-256 value of the log's hash chain: each batch's hash covers the previous batch's hash
/// and the batch's uncompressed canonical content. The empty log's hash is 32 zero bytes.
public struct ChainHash: Hashable, Sendable, CustomStringConvertible {
    /// Exactly 32 bytes.
    public let bytes: [UInt8]

    public static let zero = ChainHash(unchecked: [UInt8](repeating: 0, count: 32))

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Creates a hash from 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Parses 64 hexadecimal digits (either case).
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(32)
        var i = 0
        while i < 64 {
            guard let hi = Self.nibble(utf8[i]), let lo = Self.nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        self.bytes = out
    }

    /// Lower-case hexadecimal, 64 digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// The log's head: the position of the last committed event (0 for an empty log) and the chain
/// hash after it. Written as `POSITION HASH`, it is a digest an auditor can note down and later
/// check with `EventLog.verify(upTo:)`.
public struct LogHead: Hashable, Sendable, CustomStringConvertible {
    public var position: UInt64
    public var hash: ChainHash

    public init(position: UInt64, hash: ChainHash) {
        self.position = position
        self.hash = hash
    }

    public static let empty = LogHead(position: 0, hash: .zero)

    /// `POSITION HASH`, e.g. `1042 9f86d0…`.
    public var description: String { "\(position) \(hash.hex)" }

    /// Parses `POSITION:HASH` or `POSITION HASH`.
    public init?(digest: String) {
        let parts = digest.split(whereSeparator: { $0 == ":" || $0 == " " })
        guard parts.count == 2, let p = UInt64(parts[0]), let h = ChainHash(hex: String(parts[1])) else {
            return nil
        }
        self.init(position: p, hash: h)
    }
}
