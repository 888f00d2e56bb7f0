import Foundation
import Testing
@testable import Fabriek

/// `UUID.timeOrdered()` (the ids of entities the service creates without an idempotency key)
/// gives RFC 9562 version-7 UUIDs: the time of creation first, so they sort in creation order.
@Suite struct TimeOrderedUUIDTests {
    @Test("given ten thousand ids made one after another, then each is version 7 with the RFC variant and each sorts after the one before, as bytes and as text")
    func strictlyIncreasing() {
        var previous = UUID.timeOrdered()
        for _ in 0..<10_000 {
            let id = UUID.timeOrdered()
            let text = id.uuidString.lowercased()
            #expect(text[text.index(text.startIndex, offsetBy: 14)] == "7")
            #expect("89ab".contains(text[text.index(text.startIndex, offsetBy: 19)]))
            #expect(previous.uuidString.lowercased() < text)
            #expect(Self.bytes(previous).lexicographicallyPrecedes(Self.bytes(id)))
            previous = id
        }
    }

    @Test("given an id made now, then its first 48 bits are the Unix time in milliseconds")
    func carriesTheTime() {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let id = UUID.timeOrdered()
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        let milliseconds = Self.bytes(id)[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        // The process-wide sequence may run ahead of the clock by a few ticks of 1/4096 ms.
        #expect(milliseconds + 1 >= before && milliseconds <= after + 1)
    }

    @Test("given ids made on eight tasks at once, then none repeats")
    func uniqueAcrossTasks() async {
        let ids = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<5_000).map { _ in UUID.timeOrdered() } } }
            return await group.reduce(into: [UUID]()) { $0 += $1 }
        }
        #expect(Set(ids).count == 40_000)
    }

    @Test("given a command without an idempotency key, then the entity it creates gets a time-ordered id; with a key, a derived one")
    func createdIDs() {
        let fresh = CommandOptions().createdID("bidId").uuidString
        #expect(fresh[fresh.index(fresh.startIndex, offsetBy: 14)] == "7")
        let keyed = CommandOptions(idempotencyKey: "k-1", idempotencyScope: "coordinator").createdID("bidId")
        #expect(keyed == CommandOptions(idempotencyKey: "k-1", idempotencyScope: "coordinator").createdID("bidId"))
        #expect(DerivedEventID.isDerived(keyed))
    }

    private static func bytes(_ id: UUID) -> [UInt8] {
        withUnsafeBytes(of: id.uuid) { Array($0) }
    }
}
