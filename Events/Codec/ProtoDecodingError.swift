/// Why a payload could not be decoded. Each case names the message and field where that helps;
/// a payload that throws is damaged or was written by a newer build than this one.
public enum ProtoDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The payload ends in the middle of a field.
    case truncated
    /// A varint is longer than 10 bytes or overflows 64 bits.
    case malformedVarint
    /// A key with field number 0, or a group / unknown wire type.
    case malformedKey(UInt64)
    /// A known field arrived with another wire type than its schema says.
    case wrongWireType(expected: UInt8, actual: UInt8)
    /// A field that is required by the schema is absent.
    case missingField(message: String, field: UInt32)
    /// A UUID field is not exactly 16 bytes.
    case invalidUUID(length: Int)
    /// An enum number this build does not know (written by a newer build?).
    case unknownEnumValue(enum: String, number: Int32)

    public var description: String {
        switch self {
        case .truncated: return "payload truncated in the middle of a field"
        case .malformedVarint: return "malformed varint (more than 10 bytes)"
        case .malformedKey(let k): return "malformed field key \(k) (field number 0 or unsupported wire type)"
        case let .wrongWireType(expected, actual): return "a field has wire type \(actual) where its schema says \(expected)"
        case let .missingField(message, field): return "\(message): required field \(field) is missing"
        case .invalidUUID(let n): return "a UUID field has \(n) bytes instead of 16"
        case let .unknownEnumValue(e, n): return "\(e): unknown enum number \(n); upgrade this build to read the log"
        }
    }
}
