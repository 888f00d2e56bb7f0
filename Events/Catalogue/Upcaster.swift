/// Turns the payload of one event type from schema version `fromVersion` into version
/// `fromVersion + 1`, bytes to bytes (so the rule is language-neutral and can be tested alone).
public struct Upcaster: Sendable {
    public let typeName: String
    public let fromVersion: UInt32
    public let upcast: @Sendable ([UInt8]) throws -> [UInt8]

    public init(typeName: String, fromVersion: UInt32, upcast: @escaping @Sendable ([UInt8]) throws -> [UInt8]) {
        self.typeName = typeName
        self.fromVersion = fromVersion
        self.upcast = upcast
    }
}

/// Why an old payload could not be brought to the current schema version.
public enum UpcastError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No upcaster from this version: the catalogue is incomplete.
    case missingUpcaster(type: String, fromVersion: UInt32)
    /// The old value cannot be represented in the new schema.
    case notRepresentable(type: String, reason: String)

    public var description: String {
        switch self {
        case let .missingUpcaster(t, v): return "no upcaster for \(t) from schema version \(v)"
        case let .notRepresentable(t, r): return "\(t) cannot be upcast: \(r)"
        }
    }
}
