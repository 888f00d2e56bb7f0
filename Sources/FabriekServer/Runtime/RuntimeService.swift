import Logging
import ServiceLifecycle

/// The runtime as a lifecycle service: runs until graceful shutdown (SIGTERM/SIGINT), then
/// closes the runtime. Listed before the HTTP server in the service group, so it is shut down
/// after it: the server stops accepting and finishes its requests first, then the projections
/// stop and the log closes with its index persisted.
public struct RuntimeService: Service {
    let runtime: ServerRuntime
    let logger: Logger

    public init(runtime: ServerRuntime, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        logger.info("closing: stopping projections, closing the log")
        try await runtime.close()
        logger.info("closed", metadata: ["head": "\(runtime.log.head())"])
    }
}
