@testable import FabriekServer
import Foundation

/// Checks a JSON value against a schema of `openapi.json` (the subset the document uses:
/// `type` (one or several), `properties`, `required`, `items`, `enum`, `allOf`, `oneOf`,
/// `$ref`), returning what does not agree, each named by its JSON path.
struct OpenAPISchemaCheck {
    let schemas: [String: Any]

    init() throws {
        let json = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any] ?? [:]
        schemas = (json["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
    }

    /// The disagreements of `value` with schema `name` (empty when it conforms).
    func problems(_ value: Any, schema name: String) -> [String] {
        problems(value, ["$ref": "#/components/schemas/\(name)"], path: "$")
    }

    private func problems(_ value: Any, _ schema: [String: Any], path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            guard let target = schemas[String(ref.dropFirst("#/components/schemas/".count))] as? [String: Any] else {
                return ["\(path): unresolved \(ref)"]
            }
            return problems(value, target, path: path)
        }
        var out: [String] = []
        if let all = schema["allOf"] as? [[String: Any]] {
            for s in all { out += problems(value, s, path: path) }
        }
        if let one = schema["oneOf"] as? [[String: Any]] {
            let matching = one.filter { problems(value, $0, path: path).isEmpty }.count
            if matching != 1 { out.append("\(path): matches \(matching) of the oneOf schemas, not 1") }
        }
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [type as? String ?? ""]
            if !types.contains(where: { Self.isType(value, $0) }) { out.append("\(path): \(value) is not \(types)") }
        }
        if let allowed = schema["enum"] as? [String], let s = value as? String, !allowed.contains(s) {
            out.append("\(path): \(s) is not one of \(allowed)")
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { out.append("\(path).\(key): required") }
            for (key, sub) in schema["properties"] as? [String: [String: Any]] ?? [:] {
                if let v = object[key] { out += problems(v, sub, path: "\(path).\(key)") }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, v) in array.enumerated() { out += problems(v, items, path: "\(path)[\(i)]") }
        }
        return out
    }

    /// JSONSerialization gives `true`/`false` as a number whose type code is `c` (char).
    private static func isBoolean(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        return String(cString: n.objCType) == "c"
    }

    private static func isType(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "boolean": return isBoolean(value)
        case "integer": return !isBoolean(value) && (value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } ?? false
        case "number": return !isBoolean(value) && value is NSNumber
        default: return false
        }
    }
}
