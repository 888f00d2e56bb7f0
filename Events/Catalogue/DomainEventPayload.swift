/// One event type of the catalogue: a value message with a stable type name, the schema version
/// this build writes, and its aggregate.
public protocol DomainEventPayload: ProtoMessage {
    /// Written in the log envelope; never changes once an event of the type was written.
    static var typeName: String { get }
    /// The schema version this build writes; older versions are upcast on read.
    static var schemaVersion: UInt32 { get }
    static var aggregate: AggregateKind { get }
    /// The event wrapped in its aggregate's enum.
    var domainEvent: DomainEvent { get }
}
