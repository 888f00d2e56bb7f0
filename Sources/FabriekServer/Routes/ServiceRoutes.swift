import EventLog
import Foundation
import Hummingbird

/// `/healthz` (the process answers), `/readyz` (the log is open and every projection reached
/// the head the process started with), `/openapi.json`.
struct ServiceRoutes {
    let runtime: ServerRuntime

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("healthz", tokens: tokens) { _, _ in
            try JSONResponse.make(["status": "ok"])
        }
        router.operation("readyz", tokens: tokens) { _, _ in
            let statuses = runtime.runner.status()
            let ready = runtime.isReady
            var headers = HTTPFields()
            if !ready { headers[.retryAfter] = "1" }
            return try JSONResponse.make([
                "ready": ready,
                "headAtStart": runtime.headAtStart,
                "projections": statuses.map { ["name": $0.name, "position": $0.position, "state": $0.state.rawValue] as [String: Any] },
            ], status: ready ? .ok : .serviceUnavailable, headers: headers)
        }
        router.operation("openapi", tokens: tokens) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
        }
    }
}

/// The hand-kept OpenAPI 3.1 document, bundled as a resource.
public enum OpenAPIDocument {
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url) else {
            preconditionFailure("openapi.json is missing from the FabriekServer bundle")
        }
        return Array(data)
    }()
}
