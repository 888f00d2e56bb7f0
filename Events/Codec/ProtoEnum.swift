/// A domain enum with a stable string name (its raw value, used in JSON) and a stable wire
/// number (`protoNumber`, used in the protobuf encoding). Neither ever changes once released;
/// 0 is never used, so an absent enum field is detectable.
public protocol ProtoEnum: RawRepresentable, Hashable, Sendable, JSONValue where RawValue == String {
    var protoNumber: Int32 { get }
    init?(protoNumber: Int32)
}
