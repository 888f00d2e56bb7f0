import Foundation
import Testing
@testable import Fabriek

/// `UUID.random()` (the service's event ids, `IDGenerator.random`) gives RFC 4122
/// version-4 UUIDs from the system generator.
@Suite struct RandomUUIDTests {
    @Test("given ten thousand random ids, then each is version 4 with the RFC 4122 variant and none repeats")
    func versionVariantAndUniqueness() {
        var seen = Set<UUID>()
        for _ in 0..<10_000 {
            let id = UUID.random()
            let text = id.uuidString
            #expect(text[text.index(text.startIndex, offsetBy: 14)] == "4")
            #expect("89AB".contains(text[text.index(text.startIndex, offsetBy: 19)]))
            #expect(UUID(uuidString: text) == id)
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test("given the service's random id generator, then its ids are version 4 too")
    func generatorUsesIt() {
        let text = IDGenerator.random.next().uuidString
        #expect(text[text.index(text.startIndex, offsetBy: 14)] == "4")
    }
}
