import Fabriek
import Foundation
import Hummingbird
import Metrics
import Prometheus
import Synchronization

/// The server's Prometheus metrics (swift-metrics backed by one swift-prometheus registry per
/// server, no global bootstrap): HTTP requests and latency per route and status, append latency,
/// events appended, commit batch size, and projection lag (events and seconds) per projection,
/// refreshed at each scrape.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let runtime: ServerRuntime

    init(runtime: ServerRuntime) {
        self.runtime = runtime
        var factory = PrometheusMetricsFactory(registry: registry)
        let latency: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                                   .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(500),
                                   .seconds(1), .seconds(5)]
        factory.durationHistogramBuckets = ["fabriek_http_request_duration_seconds": latency, "fabriek_append_duration_seconds": latency]
        factory.valueHistogramBuckets = ["fabriek_commit_batch_commands": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]]
        self.factory = factory
        let appendTimer = Metrics.Timer(label: "fabriek_append_duration_seconds", factory: factory)
        let appended = Counter(label: "fabriek_events_appended_total", factory: factory)
        let batch = Recorder(label: "fabriek_commit_batch_commands", factory: factory)
        runtime.service.observeCommits { figures in
            appendTimer.recordNanoseconds(Int64(figures.duration.components.seconds) * 1_000_000_000
                                          + figures.duration.components.attoseconds / 1_000_000_000)
            appended.increment(by: figures.events)
            batch.record(figures.commands)
        }
    }

    /// The request series of one route, method and status, made once (making a series takes
    /// the registry's lock and sanitises its labels; a request only counts and records).
    private struct RequestSeries: Sendable {
        let count: Metrics.Counter
        let latency: Metrics.Timer
    }
    private struct SeriesKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }
    private let series = Mutex<[SeriesKey: RequestSeries]>([:])

    func request(route: String, method: String, status: Int, duration: Duration) {
        let key = SeriesKey(route: route, method: method, status: status)
        let found: RequestSeries
        if let known = series.withLock({ $0[key] }) {
            found = known
        } else {
            found = RequestSeries(
                count: Metrics.Counter(label: "fabriek_http_requests_total",
                               dimensions: [("route", route), ("method", method), ("status", "\(status)")], factory: factory),
                latency: Metrics.Timer(label: "fabriek_http_request_duration_seconds",
                                       dimensions: [("route", route), ("method", method)], factory: factory))
            series.withLock { $0[key] = found }
        }
        found.count.increment()
        found.latency.recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// The Prometheus text, projection lag refreshed first.
    func scrape() -> [UInt8] {
        for status in runtime.runner.status() {
            Gauge(label: "fabriek_projection_lag_events", dimensions: [("projection", status.name)], factory: factory)
                .record(Double(status.lagEvents))
            Gauge(label: "fabriek_projection_lag_seconds", dimensions: [("projection", status.name)], factory: factory)
                .record(status.lagSeconds)
        }
        Gauge(label: "fabriek_log_head_position", factory: factory).record(Double(runtime.log.head().position))
        return registry.emitToBuffer()
    }
}

/// One structured log line per request (method, route, status, duration; never the query,
/// body or token, which may hold personal data), and the request metrics.
struct RequestObserverMiddleware: RouterMiddleware {
    typealias Context = FabriekContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let duration = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        let status = Int(response.status.code)
        metrics.request(route: route, method: request.method.rawValue, status: status, duration: duration)
        let fields = RequestLogFields(caller: context.principal?.role.rawValue ?? "-", duration: duration,
                                      method: request.method.rawValue, route: route, status: status)
        // The server's own handler writes the line directly (one per request); any other the usual way.
        if let line = context.logger.handler as? LineLogHandler, line.logRequest(fields) { return response }
        context.logger.info("request", metadata: fields.metadata)
        return response
    }
}
