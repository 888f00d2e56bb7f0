import Foundation

/// Typed access to one JSON object (as parsed by `JSONSerialization`), used by generated
/// `fromJSON` code. Missing or `null` keys: `required` throws, `optional` gives nil, `array` [].
/// Unknown keys are ignored.
public struct JSONObjectReader {
    public let object: [String: Any]
    public let path: String
    public let context: JSONContext

    public init(_ value: Any, path: String, context: JSONContext) throws {
        guard let o = value as? [String: Any] else { throw JSONImportError.typeMismatch(path: path, expected: "object") }
        self.object = o
        self.path = path
        self.context = context
    }

    /// The raw value of `key`, nil when absent or null.
    public func raw(_ key: String) -> Any? {
        guard let v = object[key], !Self.isNull(v) else { return nil }
        return v
    }

    /// True for JSON's null (`NSNull`). Compares the dynamic type instead of casting: `v is
    /// NSNull` on a Swift string or array bridges it to an Objective-C object first.
    @inline(__always)
    static func isNull(_ v: Any) -> Bool {
        ObjectIdentifier(type(of: v)) == ObjectIdentifier(NSNull.self)
    }

    public func required<T: JSONValue>(_ key: String) throws -> T {
        guard let v = raw(key) else { throw JSONImportError.missingKey(path: "\(path).\(key)") }
        return try T.fromJSON(v, path: "\(path).\(key)", context: context)
    }

    public func optional<T: JSONValue>(_ key: String) throws -> T? {
        guard let v = raw(key) else { return nil }
        return try T.fromJSON(v, path: "\(path).\(key)", context: context)
    }

    public func array<T: JSONValue>(_ key: String) throws -> [T] {
        guard let v = raw(key) else { return [] }
        guard let a = v as? [Any] else { throw JSONImportError.typeMismatch(path: "\(path).\(key)", expected: "array") }
        var out = [T]()
        out.reserveCapacity(a.count)
        for (i, e) in a.enumerated() { out.append(try T.fromJSON(e, path: "\(path).\(key)[\(i)]", context: context)) }
        return out
    }
}
