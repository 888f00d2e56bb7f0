import EventLog
import Foundation
import Hummingbird

extension Router where Context == FabriekContext {
    /// Registers the handler of operation `id` at its method and path from `RoleMatrix`, behind
    /// the matrix's access check: 401 without a valid bearer token, 403 when the role is not
    /// allowed. The handler sees `context.principal` set (so does the request log line, also for
    /// a 403).
    func operation(_ id: String, tokens: TokenStore,
                   _ handler: @escaping @Sendable (Request, FabriekContext) async throws -> Response) {
        let entry = RoleMatrix.entry(id)
        on(RouterPath(RoleMatrix.routerPath(entry.path)), method: entry.method) { request, context in
            if case .roles(let allowed) = entry.access {
                guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
                      let principal = tokens.principal(for: Self.bearerToken(header)) else {
                    throw Problem(status: 401, title: "Unauthorized",
                                  detail: "send 'Authorization: Bearer TOKEN' with a valid, unrevoked token (issue one with 'fabriek-admin tokens issue')",
                                  rule: "token")
                }
                context.principal = principal  // before the role check, so a 403's log line names the role
                guard allowed.contains(principal.role) else {
                    throw Problem.forbidden("role \(principal.role.rawValue) may not call \(entry.method) \(entry.path); allowed: \(allowed.map(\.rawValue).sorted().joined(separator: ", "))", rule: "role")
                }
            }
            return try await handler(request, context)
        }
    }

    /// The token of `Bearer TOKEN`, surrounding whitespace trimmed (Foundation's trimming only
    /// when there is some: it costs a few microseconds per request).
    static func bearerToken(_ header: String) -> String {
        let token = header.dropFirst(7)
        if let first = token.unicodeScalars.first, let last = token.unicodeScalars.last,
           !CharacterSet.whitespaces.contains(first), !CharacterSet.whitespaces.contains(last) {
            return String(token)
        }
        return String(token).trimmingCharacters(in: .whitespaces)
    }
}

extension FabriekContext {
    /// The authenticated caller (set for every non-public route).
    var caller: Principal {
        get throws {
            guard let principal else { throw Problem(status: 401, title: "Unauthorized", detail: "a bearer token is required") }
            return principal
        }
    }

    /// A path parameter as a UUID, or 400 naming it (parsed by `UUID(text:)`: the same texts as
    /// `UUID(uuidString:)`, which goes through `sscanf` on Linux).
    func uuid(_ name: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(text: raw) else {
            throw Problem.badRequest("path parameter '\(name)' must be a UUID", field: name, rule: "uuid",
                                     value: parameters.get(name))
        }
        return id
    }

    /// 403 unless the caller may act for `member`: staff, or a member token bound to it.
    func requireActing(for member: UUID) throws {
        let p = try caller
        switch p.role {
        case .coordinator, .admin:
            return
        case .member where p.memberId == member:
            return
        case .member, .municipality, .auditor:
            throw Problem.forbidden("token '\(p.name)' may act only for its own member; this request is for member \(member.uuidString.lowercased())")
        }
    }
}
