import EventLog
import Fabriek
import Synchronization

/// A clock that stands still until told to move: the generator sets it to the instant of each
/// step, the application service (and the log, for recorded-at times) read it.
///
/// Never moves backwards: `set(_:)` to an earlier instant keeps the current one. Thread-safe.
public final class HistoryClock: Sendable {
    private let current: Mutex<Timestamp>

    public init(start: Timestamp) { current = Mutex(start) }

    /// The current instant.
    public func now() -> Timestamp { current.withLock { $0 } }

    /// Moves to `instant`, or stays if `instant` lies before the current instant.
    public func set(_ instant: Timestamp) {
        current.withLock { if instant > $0 { $0 = instant } }
    }

    /// Moves forward by `seconds`.
    public func advance(seconds: Int64) {
        current.withLock { $0 = Timestamp(microsecondsSinceEpoch: $0.microsecondsSinceEpoch + seconds * 1_000_000) }
    }

    /// This clock as the service's source of "now".
    public var serviceClock: ServiceClock { ServiceClock { [self] in now() } }

    /// This clock as an `EventLog.Options.clock`, so recorded-at times follow the history.
    public var logClock: @Sendable () -> Timestamp { { [self] in now() } }
}
