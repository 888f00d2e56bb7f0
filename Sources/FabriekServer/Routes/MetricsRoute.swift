import Hummingbird

/// `/metrics`: Prometheus text exposition.
struct MetricsRoute {
    let runtime: ServerRuntime
    let metrics: ServerMetrics

    func register(on router: Router<FabriekContext>) {
        router.operation("metrics", tokens: runtime.tokens) { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.scrape())))
        }
    }
}
