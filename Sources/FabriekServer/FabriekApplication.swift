import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the HTTP application of a runtime: every route of `RoleMatrix`, problem+json errors,
/// request logs and metrics.
public enum FabriekApplication {
    /// The router alone (for in-process tests and the OpenAPI check).
    public static func router(runtime: ServerRuntime, metrics: ServerMetrics? = nil) -> Router<FabriekContext> {
        let metrics = metrics ?? ServerMetrics(runtime: runtime)
        let router = Router(context: FabriekContext.self)
        router.add(middleware: RequestObserverMiddleware(metrics: metrics))
        router.add(middleware: ProblemMiddleware())
        ServiceRoutes(runtime: runtime).register(on: router)
        MetricsRoute(runtime: runtime, metrics: metrics).register(on: router)
        MemberRoutes(runtime: runtime).register(on: router)
        ConsortiumRoutes(runtime: runtime).register(on: router)
        TenderRoutes(runtime: runtime).register(on: router)
        CrossBorderRoutes(runtime: runtime).register(on: router)
        ProgrammeRoutes(runtime: runtime).register(on: router)
        AuditRoutes(runtime: runtime).register(on: router)
        OCDSRoute(runtime: runtime).register(on: router)
        PageRoutes(runtime: runtime, reports: ReportCache()).register(on: router)
        return router
    }

    /// The application listening on `host:port`; run it in a `ServiceGroup` after a
    /// `RuntimeService` so that shutdown closes the log only after the last request.
    public static func make(runtime: ServerRuntime, host: String, port: Int, logger: Logger,
                            onServerRunning: (@Sendable (Int) async -> Void)? = nil) -> some ApplicationProtocol {
        Application(router: router(runtime: runtime),
                    configuration: .init(address: .hostname(host, port: port), serverName: "fabriek"),
                    onServerRunning: { channel in await onServerRunning?(channel.localAddress?.port ?? port) },
                    logger: logger)
    }
}
