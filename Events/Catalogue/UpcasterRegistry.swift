/// The upcasters, keyed by event type and from-version. `upcast` chains them:
/// v1 → v2 → … → the requested version.
public struct UpcasterRegistry: Sendable {
    private struct Key: Hashable { var type: String; var from: UInt32 }
    private var upcasters: [Key: Upcaster] = [:]

    /// Registers the upcasters; two for the same type and version is a programming error.
    public init(_ upcasters: [Upcaster]) {
        for u in upcasters {
            let key = Key(type: u.typeName, from: u.fromVersion)
            precondition(self.upcasters[key] == nil, "two upcasters for \(u.typeName) v\(u.fromVersion)")
            self.upcasters[key] = u
        }
    }

    /// Every upcaster of the catalogue.
    public static let standard = UpcasterRegistry([
        .memberRateSetV1ToV2,
        .memberRegisteredV1ToV2,
        .memberRegistryVerifiedV1ToV2,
    ])

    /// The payload of `type` brought from `version` to `target`.
    public func upcast(type: String, payload: [UInt8], from version: UInt32, to target: UInt32) throws -> [UInt8] {
        var bytes = payload
        var v = version
        while v < target {
            guard let u = upcasters[Key(type: type, from: v)] else {
                throw UpcastError.missingUpcaster(type: type, fromVersion: v)
            }
            bytes = try u.upcast(bytes)
            v += 1
        }
        return bytes
    }
}
