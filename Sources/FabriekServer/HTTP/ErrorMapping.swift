import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

/// Turns whatever a route throws into a `Problem`: input errors are 4xx naming the field and
/// the rule; only a fault of the server itself is a 500.
enum ErrorMapping {
    static func problem(for error: any Error) -> Problem {
        switch error {
        case let p as Problem:
            return p
        case let e as JSONImportError:
            switch e {
            case .invalidJSON(let reason):
                return .badRequest("the body is not valid JSON: \(reason)", rule: "json")
            case .missingKey(let path):
                return .badRequest("\(path) is required", field: path, rule: "required")
            case let .typeMismatch(path, expected):
                return .badRequest("\(path) must be \(expected)", field: path, rule: "type", value: expected)
            case .vaultRequired(let path):
                return .badRequest(e.description, field: path, rule: "plaintext")
            }
        case let e as DomainError:
            if case .validation(let v) = e {
                return Problem(status: 422, title: "Unprocessable Content", detail: v.description, field: v.field,
                               rule: "\(v.rule)", value: v.value)
            }
            return Problem(status: e.httpStatus, title: e.httpStatus == 404 ? "Not Found" : "Rule broken",
                           detail: e.description, rule: e.rule)
        case let e as ValidationError:
            return Problem(status: 422, title: "Unprocessable Content", detail: e.description, field: e.field,
                           rule: "\(e.rule)", value: e.value)
        case let e as ServiceError:
            switch e {
            case .wrongExpectedVersion:
                return Problem(status: 412, title: "Precondition Failed", detail: e.description, field: "If-Match", rule: "expectedVersion")
            case .tooManyConflicts:
                return Problem(status: 409, title: "Conflict", detail: e.description, retryAfter: 1)
            case .undecodableEvent, .foreignEvent:
                return Problem(status: 500, title: "Internal Server Error", detail: e.description)
            }
        case let e as LogError:
            switch e {
            case .wrongExpectedVersion, .partiallyStored:
                return Problem(status: 409, title: "Conflict", detail: e.description)
            case .diskFull, .io, .writerFailed, .notDurable, .closed, .locked, .readOnly:
                return Problem(status: 503, title: "Service Unavailable", detail: e.description, retryAfter: 5)
            case .positionOutOfRange, .notACommitBoundary:
                return Problem(status: 400, title: "Bad Request", detail: e.description, field: "position", rule: "range")
            case .duplicateEventInAppend, .invalidAppend, .recordedAtGoesBackwards, .corruptBatch, .corruptSegment,
                 .corruptIndex, .unsupportedFormat:
                return Problem(status: 500, title: "Internal Server Error", detail: e.description)
            }
        case let e as ProjectionError:
            switch e {
            case .timeout:
                return Problem(status: 503, title: "Service Unavailable",
                               detail: "\(e.description); the read model has not reached minPosition yet, retry shortly",
                               field: "minPosition", rule: "readYourWrites", retryAfter: 1)
            case .stopped, .failed, .locked:
                return Problem(status: 503, title: "Service Unavailable", detail: e.description, retryAfter: 5)
            case .unknownProjection, .invalidName, .foreignFile, .io:
                return Problem(status: 500, title: "Internal Server Error", detail: e.description)
            }
        case let e as ReportError:
            switch e {
            case .notACommitEnd(let position, _):
                return Problem(status: 400, title: "Bad Request", detail: e.description, field: "position", rule: "commitEnd",
                               value: "\(position)")
            }
        case let e as HTTPError:
            let code = Int(e.status.code)
            return Problem(status: code, title: e.status.reasonPhrase,
                           detail: e.body ?? (code == 413 ? "the body is larger than 64 KiB" : e.status.reasonPhrase))
        case let e as any HTTPResponseError:
            return Problem(status: Int(e.status.code), title: e.status.reasonPhrase, detail: "\(error)")
        default:
            return Problem(status: 500, title: "Internal Server Error", detail: "the server failed: \(error)")
        }
    }
}

/// Catches every error below it and answers with the mapped problem.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = FabriekContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = ErrorMapping.problem(for: error)
            if problem.code >= 500 && problem.code != 503 {
                context.logger.error("request failed", metadata: ["error": "\(error)"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
