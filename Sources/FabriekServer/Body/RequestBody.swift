import Events
import Foundation
import Hummingbird
import HTTPTypes

/// Reads a JSON command body (at most `maxUploadSize`, else 413; a UTF-8 byte order mark
/// skipped; parsed by `JSONParser`, strict RFC 8259 with each key once per object, a 400 naming
/// the line, column and what was expected) as an object whose fields are parsed with the event
/// catalogue's readers, so errors name the JSON path (`$.lots[0].title`).
enum RequestBody {
    static func object(_ request: Request, context: FabriekContext) async throws -> JSONObjectReader {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 { return try JSONObjectReader([String: Any](), path: "$", context: .sealed) }
        let value = try buffer.withUnsafeReadableBytes { try parse($0) }
        return try JSONObjectReader(value, path: "$", context: .sealed)
    }

    /// A body's JSON value. - Throws: `JSONImportError.invalidJSON` naming the line and column.
    static func parse(_ body: UnsafeRawBufferPointer) throws(JSONImportError) -> Any {
        var bytes = body
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeRawBufferPointer(rebasing: bytes[3...]) }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw JSONImportError.invalidJSON(reason: error.message(in: bytes, end: "the body"))
        }
    }
}

/// Query parameters with 400 problems naming the parameter.
extension Request {
    func queryString(_ name: String) -> String? {
        uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    func queryInt(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = queryString(name) else { return value }
        guard let n = Int(raw), range.contains(n) else {
            throw Problem.badRequest("query parameter '\(name)' must be an integer in \(range.lowerBound)...\(range.upperBound)",
                                     field: name, rule: "range", value: raw)
        }
        return n
    }

    func queryPosition(_ name: String) throws -> UInt64? {
        guard let raw = queryString(name) else { return nil }
        guard let n = UInt64(raw) else {
            throw Problem.badRequest("query parameter '\(name)' must be a log position (a non-negative integer)",
                                     field: name, rule: "position", value: raw)
        }
        return n
    }

    /// `minPosition` (query) or the `Fabriek-Position` request header: the position a query
    /// must reflect (read-your-writes).
    func minPosition() throws -> UInt64? {
        if let p = try queryPosition("minPosition") { return p }
        guard let raw = headers[.fabriekPosition] else { return nil }
        guard let n = UInt64(raw) else {
            throw Problem.badRequest("header Fabriek-Position must be a log position", field: "Fabriek-Position", rule: "position", value: raw)
        }
        return n
    }

    /// `If-Match: "3"` → 3 (the expected stream version); nil when absent or `*`.
    func ifMatchVersion() throws -> UInt64? {
        guard var raw = headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), raw != "*" else { return nil }
        if raw.hasPrefix("W/") { raw.removeFirst(2) }
        let digits = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let v = UInt64(digits) else {
            throw Problem.badRequest("If-Match must be an ETag of this API (a quoted stream version such as \"3\")",
                                     field: "If-Match", rule: "etag", value: raw)
        }
        return v
    }
}

extension HTTPField.Name {
    static let fabriekPosition = HTTPField.Name("Fabriek-Position")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
