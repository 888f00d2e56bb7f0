import Testing
@Test func fabriekPlaceholder() { #expect(Bool(true)) }
