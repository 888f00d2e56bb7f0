import Hummingbird

/// The request context of every route: the caller (from the bearer token) and a body limit.
public struct FabriekContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the route wrapper once the token is checked; nil on public routes.
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Command bodies are small: 64 KiB, then 413.
    public var maxUploadSize: Int { 64 * 1024 }
}
