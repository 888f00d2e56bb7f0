import Crypto
import EventLog
import Foundation

/// Per-command options of `ApplicationService.execute`.
public struct CommandOptions: Sendable, Hashable {
    /// The stream version the caller expects (HTTP `If-Match`); `nil` = decide on the current
    /// state whatever its version. A mismatch throws `ServiceError.wrongExpectedVersion` and
    /// writes nothing.
    public var expectedVersion: UInt64?
    /// A client's key for retrying this command safely (HTTP `Idempotency-Key`), unique within
    /// `idempotencyScope`. The command's event ids are derived from scope and key, so a retry —
    /// also after a restart — returns the first outcome instead of deciding again.
    public var idempotencyKey: String?
    /// Whose keys these are (e.g. the API token's name): two clients may use the same key.
    public var idempotencyScope: String

    public init(expectedVersion: UInt64? = nil, idempotencyKey: String? = nil, idempotencyScope: String = "") {
        self.expectedVersion = expectedVersion
        self.idempotencyKey = idempotencyKey
        self.idempotencyScope = idempotencyScope
    }

    public static let none = CommandOptions()
}

/// Event ids derived from an idempotency key: SHA-256 of scope, key and the event's index in
/// the command, shaped as an RFC 9562 version-8 UUID (so they are told apart from the random
/// version-4 ids of other commands when the log is scanned at start).
enum DerivedEventID {
    static func id(scope: String, key: String, index: Int) -> UUID {
        version8("fabriek-idempotency\u{0}\(scope)\u{0}\(key)\u{0}\(index)")
    }

    /// The first 16 bytes of SHA-256 of `text`, shaped as a version-8 UUID.
    fileprivate static func version8(_ text: String) -> UUID {
        var h = SHA256()
        h.update(data: Array(text.utf8))
        var b = Array(h.finalize().prefix(16))
        b[6] = (b[6] & 0x0F) | 0x80  // version 8
        b[8] = (b[8] & 0x3F) | 0x80  // RFC variant
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    static func isDerived(_ id: UUID) -> Bool {
        id.uuid.6 >> 4 == 8
    }
}

extension CommandOptions {
    /// The id of an entity the command creates (a member, tender, bid, ...) when the client sent
    /// none: derived from scope, idempotency key and `field` when the command has a key, so that
    /// a retry with the same key names the same entity (and so the same stream) and is answered
    /// with the first command's stored outcome, also after a restart; without a key, a new
    /// time-ordered id (`UUID.timeOrdered`, version 7), so read models keyed by it grow at the end.
    /// Derived entity ids never equal a derived event id (another prefix is hashed).
    public func createdID(_ field: String) -> UUID {
        guard let idempotencyKey else { return UUID.timeOrdered() }
        return DerivedEventID.version8("fabriek-idempotent-id\u{0}\(idempotencyScope)\u{0}\(idempotencyKey)\u{0}\(field)")
    }
}
