import Testing
@Test func eventsPlaceholder() { #expect(Bool(true)) }
