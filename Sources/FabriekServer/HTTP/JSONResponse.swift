import EventLog
import Events
import Foundation
import Hummingbird

/// JSON bodies of the API: read-model values are rendered field by field (by reflection, so a
/// new field of a read model appears without code here, or by their `JSONFields` conformance
/// on the hot read routes), keys sorted, UUIDs lower-case, timestamps ISO 8601, written by
/// `JSONWriter`.
enum JSONResponse {
    static func make(_ value: Any, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:],
                     contentType: String = "application/json") throws -> Response {
        make(body: try body(value), status: status, headers: extra, contentType: contentType)
    }

    /// A response with a body already encoded by `body(_:)` (e.g. a cached one).
    static func make(body: ByteBuffer, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:],
                     contentType: String = "application/json") -> Response {
        var headers = extra
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// The JSON bytes of `value`, as `make` encodes them.
    static func body(_ value: Any) throws -> ByteBuffer {
        var writer = JSONWriter()
        writer.value(value)
        return ByteBuffer(bytes: writer.bytes)
    }

    /// A value JSONSerialization accepts.
    static func plain(_ value: Any) -> Any {
        switch value {
        case let v as String: return v
        case let v as Bool: return v
        case let v as Int: return v
        case let v as Int64: return v
        case let v as Int32: return v
        case let v as UInt64: return v
        case let v as UInt32: return v
        case let v as Double: return v.isFinite ? v : NSNull()
        case let v as UUID: return v.uuidString.lowercased()
        case let v as Timestamp: return String(decoding: ISO8601Time.format(v), as: UTF8.self)
        case let v as Day: return v.description
        case let v as [String: Any]: return v.mapValues(plain)
        case let v as any RawRepresentable<String>: return v.rawValue
        case is NSNull: return NSNull()
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.map { plain($0.value) } ?? NSNull()
        case .collection, .set:
            return mirror.children.map { plain($0.value) }
        case .dictionary:
            var out: [String: Any] = [:]
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                if pair.count == 2 { out["\(pair[0].value)"] = plain(pair[1].value) }
            }
            return out
        case .tuple:
            return mirror.children.map { plain($0.value) }
        case .struct, .class:
            var out: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label else { continue }
                let v = plain(child.value)
                if !(v is NSNull) { out[label] = v }
            }
            return out
        case .enum:
            return "\(value)"
        case nil:
            return "\(value)"
        @unknown default:
            return "\(value)"
        }
    }
}
