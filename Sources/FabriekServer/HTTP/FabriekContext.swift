import Hummingbird
import Synchronization

/// The request context of every route: the caller (from the bearer token) and a body limit.
public struct FabriekContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Shared by every copy of this context: the router hands each middleware and the route a
    /// copy, and the request observer (outermost) must see the caller the route wrapper set.
    private let callerSlot = CallerSlot()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Set by the route wrapper once the token is valid (also when its role is then refused);
    /// nil on public routes and without a valid token. Every copy of the context made for the same request sees the value
    /// (so the request log line names the caller's role).
    public var principal: Principal? {
        get { callerSlot.value.withLock { $0 } }
        nonmutating set { callerSlot.value.withLock { $0 = newValue } }
    }

    /// Command bodies are small: 64 KiB, then 413.
    public var maxUploadSize: Int { 64 * 1024 }
}

/// The caller of one request, shared by the copies of its context.
private final class CallerSlot: Sendable {
    let value = Mutex<Principal?>(nil)
}
