import Events

/// The write-side contract of one aggregate: pure functions, no I/O.
///
/// - `decide` turns a command and the current state into the events to append, or throws a
///   `DomainError` naming the broken rule and the offending value; when it throws, nothing is
///   written.
/// - `evolve` folds one event into the state. It never fails: events are facts already recorded,
///   so an event the state does not expect is applied as well as it can (or ignored).
///
/// The application service loads a stream, folds it with `evolve` from `initialState`, calls
/// `decide`, and appends the events with the expected stream version, retrying on conflict.
/// Time and cross-aggregate facts come only through the `DecisionContext`.
///
/// ```swift
/// var state = TenderDecider.initialState
/// for event in history { state = TenderDecider.evolve(state, event) }
/// let new = try TenderDecider.decide(.submitBid(...), state: state, context: context)
/// ```
public protocol Decider {
    associatedtype Command: Sendable
    associatedtype Event: Sendable
    associatedtype State: Sendable

    /// The state of a stream that has no events yet.
    static var initialState: State { get }

    /// The events that `command` causes in `state`; `[]` when the command changes nothing.
    /// - Throws: `DomainError` when the command breaks a rule.
    static func decide(_ command: Command, state: State, context: DecisionContext) throws(DomainError) -> [Event]

    /// The state after `event`.
    static func evolve(_ state: State, _ event: Event) -> State

    /// Wraps an aggregate event into the catalogue's `DomainEvent` (for appending).
    static func domainEvent(_ event: Event) -> DomainEvent

    /// This aggregate's event inside a `DomainEvent`, or `nil` if it belongs to another aggregate.
    static func aggregateEvent(_ event: DomainEvent) -> Event?
}

extension Decider {
    /// Folds `events` from `initialState`.
    public static func fold(_ events: some Sequence<Event>) -> State {
        events.reduce(initialState, evolve)
    }

    /// Decides on the state folded from `history`: the given/when of the tests.
    public static func decide(_ command: Command, given history: [Event], context: DecisionContext) throws(DomainError) -> [Event] {
        try decide(command, state: fold(history), context: context)
    }
}
