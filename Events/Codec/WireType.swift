/// The protobuf wire types (the low three bits of a field key).
///
/// Fabriek writes only `varint` and `lengthDelimited`; a reader skips the fixed-width types too,
/// so payloads written by other protobuf tools decode. Groups (3, 4) are refused.
public enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}
