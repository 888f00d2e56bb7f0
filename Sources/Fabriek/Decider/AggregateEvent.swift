import Events

/// An aggregate's event enum inside the catalogue's `DomainEvent`: wrapping and unwrapping, so
/// that a decider whose `Event` conforms gets `domainEvent` and `aggregateEvent` for free.
public protocol AggregateEvent: Sendable {
    /// This event inside a `DomainEvent`.
    var domainEvent: DomainEvent { get }
    /// The aggregate's event inside `event`, or `nil` if it belongs to another aggregate.
    init?(_ event: DomainEvent)
}

extension Decider where Event: AggregateEvent {
    public static func domainEvent(_ event: Event) -> DomainEvent { event.domainEvent }
    public static func aggregateEvent(_ event: DomainEvent) -> Event? { Event(event) }
}

extension MemberEvent: AggregateEvent {
    public var domainEvent: DomainEvent { .member(self) }
    public init?(_ event: DomainEvent) {
        guard case .member(let e) = event else { return nil }
        self = e
    }
}

extension ConsortiumEvent: AggregateEvent {
    public var domainEvent: DomainEvent { .consortium(self) }
    public init?(_ event: DomainEvent) {
        guard case .consortium(let e) = event else { return nil }
        self = e
    }
}

extension TenderEvent: AggregateEvent {
    public var domainEvent: DomainEvent { .tender(self) }
    public init?(_ event: DomainEvent) {
        guard case .tender(let e) = event else { return nil }
        self = e
    }
}

extension CrossBorderEvent: AggregateEvent {
    public var domainEvent: DomainEvent { .crossBorder(self) }
    public init?(_ event: DomainEvent) {
        guard case .crossBorder(let e) = event else { return nil }
        self = e
    }
}

extension ProgrammeEvent: AggregateEvent {
    public var domainEvent: DomainEvent { .programme(self) }
    public init?(_ event: DomainEvent) {
        guard case .programme(let e) = event else { return nil }
        self = e
    }
}
