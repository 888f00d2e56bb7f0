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
