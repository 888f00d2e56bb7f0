import EventLog
import Foundation

/// A value with a canonical JSON form that parses back to an equal value.
///
/// `fromJSON` takes what `JSONSerialization` produced for the value and the path of the value in
/// the document (for error messages).
public protocol JSONValue {
    func writeJSON(to w: inout JSONWriter, context: JSONContext) throws
    static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> Self
}

extension String: JSONValue {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) { w.string(self) }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> String {
        guard let s = value as? String else { throw JSONImportError.typeMismatch(path: path, expected: "string") }
        return s
    }
}

extension Bool: JSONValue {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) { w.bool(self) }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> Bool {
        guard let b = value as? Bool else { throw JSONImportError.typeMismatch(path: path, expected: "true or false") }
        return b
    }
}

/// Integers: JSONSerialization gives NSNumber; only exactly representable integers are accepted.
enum JSONInteger {
    static func parse(_ value: Any, path: String) throws -> Int64 {
        if let n = value as? NSNumber {
            let i = n.int64Value
            if NSNumber(value: i) == n { return i }
        }
        throw JSONImportError.typeMismatch(path: path, expected: "integer")
    }
}

extension Int64: JSONValue {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) { w.int(self) }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> Int64 {
        try JSONInteger.parse(value, path: path)
    }
}

extension UInt32: JSONValue {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) { w.uint(UInt64(self)) }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> UInt32 {
        guard let v = UInt32(exactly: try JSONInteger.parse(value, path: path)) else {
            throw JSONImportError.typeMismatch(path: path, expected: "integer 0...4294967295")
        }
        return v
    }
}

extension UInt64: JSONValue {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) { w.uint(self) }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> UInt64 {
        if let n = value as? NSNumber, let v = UInt64(exactly: n.uint64Value), NSNumber(value: v) == n { return v }
        throw JSONImportError.typeMismatch(path: path, expected: "unsigned integer")
    }
}

/// Byte strings (hashes) as standard base64 with padding.
extension Array: JSONValue where Element == UInt8 {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) {
        w.base64(self)
    }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> [UInt8] {
        guard let s = value as? String, let d = Data(base64Encoded: s) else {
            throw JSONImportError.typeMismatch(path: path, expected: "base64 string")
        }
        return [UInt8](d)
    }
}

/// UUIDs as lower-case strings.
extension UUID: JSONValue {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) { w.uuid(self) }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> UUID {
        guard let s = value as? String, let u = UUID(text: s) else {
            throw JSONImportError.typeMismatch(path: path, expected: "UUID string")
        }
        return u
    }
}

extension Day: JSONValue {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) {
        w.asciiString { appendISO(to: &$0) }
    }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> Day {
        guard let s = value as? String, let d = Day(iso: s) else {
            throw JSONImportError.typeMismatch(path: path, expected: "date YYYY-MM-DD")
        }
        return d
    }
}

extension Timestamp: JSONValue {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) {
        w.asciiString { appendISO8601(to: &$0) }
    }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> Timestamp {
        guard let s = value as? String, let t = Timestamp(iso8601: s) else {
            throw JSONImportError.typeMismatch(path: path, expected: "time YYYY-MM-DDTHH:MM:SS[.ffffff]Z")
        }
        return t
    }
}

extension CountryCode: JSONValue {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) { w.string(rawValue) }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> CountryCode {
        CountryCode(rawValue: try String.fromJSON(value, path: path, context: context))
    }
}

/// Enums by their stable name.
extension ProtoEnum {
    public func writeJSON(to w: inout JSONWriter, context: JSONContext) { w.string(rawValue) }
    public static func fromJSON(_ value: Any, path: String, context: JSONContext) throws -> Self {
        guard let s = value as? String, let e = Self(rawValue: s) else {
            throw JSONImportError.typeMismatch(path: path, expected: "one of \(Self.self)'s names")
        }
        return e
    }
}
