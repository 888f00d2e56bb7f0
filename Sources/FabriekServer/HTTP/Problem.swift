import Foundation
import Hummingbird

/// An RFC 9457 problem (`application/problem+json`): the status, a title, a detail that says
/// what to do, and — for input errors — the field, the rule and the value.
public struct Problem: Error, Sendable, Hashable, Codable, HTTPResponseError {
    public var type: String
    public var title: String
    /// The HTTP status code (`status` in the JSON).
    public var code: Int
    public var detail: String
    public var field: String?
    public var rule: String?
    public var value: String?
    /// Seconds, sent as `Retry-After` (503).
    public var retryAfter: Int?

    public init(status: Int, title: String, detail: String, field: String? = nil, rule: String? = nil, value: String? = nil,
                retryAfter: Int? = nil, type: String? = nil) {
        self.type = type ?? "https://fabriek.example/problems/\(status)"
        self.title = title
        self.code = status
        self.detail = detail
        self.field = field
        self.rule = rule
        self.value = value
        self.retryAfter = retryAfter
    }

    enum CodingKeys: String, CodingKey {
        case type, title, code = "status", detail, field, rule, value
    }

    public var status: HTTPResponse.Status { .init(code: code) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(self)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        if code == 401 { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    public static func badRequest(_ detail: String, field: String? = nil, rule: String? = nil, value: String? = nil) -> Problem {
        Problem(status: 400, title: "Bad Request", detail: detail, field: field, rule: rule, value: value)
    }

    /// 403. `rule` is `role` when the role matrix refuses the route, `owner` when the caller
    /// may use the route but not for this member or bid.
    public static func forbidden(_ detail: String, rule: String = "owner") -> Problem {
        Problem(status: 403, title: "Forbidden", detail: detail, rule: rule)
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(status: 404, title: "Not Found", detail: detail)
    }
}
