import Testing
@Test func eventLogPlaceholder() { #expect(Bool(true)) }
