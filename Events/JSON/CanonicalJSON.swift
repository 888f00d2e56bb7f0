/// A JSON value written canonically through `JSONWriter`: object keys sorted by their UTF-8
/// bytes, no whitespace, strings with `JSONWriter`'s one escaping rule, numbers as `JSONWriter`
/// writes them. Equal values give equal bytes, which is what a report's content hash is taken
/// over; the admin CLI prints its JSON output with it too.
///
///     CanonicalJSON.object(["b": .int(1), "a": .string("x")]).text  // {"a":"x","b":1}
public indirect enum CanonicalJSON: Sendable, Hashable {
    case object([String: CanonicalJSON])
    case array([CanonicalJSON])
    case string(String)
    case int(Int64)
    case uint(UInt64)
    /// A number that may have a fraction (see `JSONWriter.double`).
    case double(Double)
    case bool(Bool)
    case null
    /// Bytes that already are one JSON value (e.g. an event's canonical JSON), embedded as-is.
    case raw([UInt8])

    /// The canonical UTF-8 bytes.
    public var bytes: [UInt8] {
        var w = JSONWriter()
        write(to: &w)
        return w.bytes
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public func write(to w: inout JSONWriter) {
        switch self {
        case .object(let members):
            w.beginObject()
            for key in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                w.key(key)
                members[key]!.write(to: &w)
            }
            w.endObject()
        case .array(let items):
            w.beginArray()
            for item in items { item.write(to: &w) }
            w.endArray()
        case .string(let s): w.string(s)
        case .int(let n): w.int(n)
        case .uint(let n): w.uint(n)
        case .double(let d): w.double(d)
        case .bool(let b): w.bool(b)
        case .null: w.null()
        case .raw(let r): w.raw(r)
        }
    }
}
