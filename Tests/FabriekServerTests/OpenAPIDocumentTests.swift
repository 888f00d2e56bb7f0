import Fabriek
@testable import FabriekServer
import Foundation
import Hummingbird
import Testing

/// The hand-kept `openapi.json` and the code name the same routes: every route the router
/// serves is documented (same method and path), every documented operation is served, and the
/// operation ids are the role matrix's. (Status codes are checked against the document by
/// `RoleMatrixTests` and the route tests.)
@Suite struct OpenAPIDocumentTests {
    @Test("given the router and openapi.json, then they hold the same routes both ways")
    func routesMatchBothWays() async throws {
        let document = try OpenAPITestDocument.load()
        let h = try await ServerHarness()
        let router = FabriekApplication.router(runtime: h.runtime)
        let served = Set(router.routes.map { "\($0.method.rawValue.lowercased()) \(Self.openAPIPath($0.path.description))" })
        await h.close()
        let documented = Set(document.operations.map { "\($0.method) \($0.path)" })
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        let ids = Set(document.operations.map(\.id))
        #expect(ids == Set(RoleMatrix.entries.map(\.id)))
        for entry in RoleMatrix.entries {
            let op = try #require(document.operations.first { $0.id == entry.id })
            #expect(op.path == entry.path && op.method == entry.method.rawValue.lowercased(), "\(entry.id)")
            switch entry.access {
            case .public: #expect(!op.secured, "\(entry.id) is public but documented with a token")
            case .roles: #expect(op.secured && op.statuses.contains(401) && op.statuses.contains(403), "\(entry.id)")
            }
        }
    }

    @Test("given /openapi.json, then it is OpenAPI 3.1 and every $ref resolves")
    func documentIsWellFormed() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any])
        #expect(json["openapi"] as? String == "3.1.0")
        let schemas = try #require((json["components"] as? [String: Any])?["schemas"] as? [String: Any])
        var refs: [String] = []
        func walk(_ v: Any) {
            if let d = v as? [String: Any] {
                if let r = d["$ref"] as? String { refs.append(r) }
                d.values.forEach(walk)
            } else if let a = v as? [Any] { a.forEach(walk) }
        }
        walk(json)
        for r in refs {
            #expect(r.hasPrefix("#/components/schemas/") && schemas[String(r.dropFirst(21))] != nil, "unresolved \(r)")
        }
    }

    /// `/api/v1/members/:memberId` → `/api/v1/members/{memberId}`.
    static func openAPIPath(_ path: String) -> String {
        "/" + path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }
}

/// The operations of `openapi.json` as the tests compare them.
struct OpenAPITestDocument {
    struct Operation {
        var id: String
        var method: String
        var path: String
        var statuses: Set<Int>
        var secured: Bool
    }

    var operations: [Operation]

    static func load() throws -> OpenAPITestDocument {
        let json = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.bytes)) as? [String: Any] ?? [:]
        var ops: [Operation] = []
        for (path, item) in json["paths"] as? [String: Any] ?? [:] {
            for (method, raw) in item as? [String: Any] ?? [:] {
                let op = raw as? [String: Any] ?? [:]
                let statuses = Set((op["responses"] as? [String: Any] ?? [:]).keys.compactMap(Int.init))
                let security = op["security"] as? [Any] ?? []
                ops.append(Operation(id: op["operationId"] as? String ?? "", method: method, path: path, statuses: statuses,
                                     secured: !security.isEmpty))
            }
        }
        return OpenAPITestDocument(operations: ops)
    }

    func statuses(path: String, method: String) throws -> Set<Int> {
        guard let op = operations.first(where: { $0.path == path && $0.method == method }) else {
            throw TestFailure("\(method) \(path) is not in openapi.json")
        }
        return op.statuses
    }
}
