import EventLog
import Events
import FabriekReference
import FabriekTestSupport
import Foundation
import Testing
@testable import Fabriek

/// Fixed ids and instants so every test replays the same way.
enum Fixture {
    static let reference: ReferenceData = ServiceHarness.reference

    static let a = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
    static let b = UUID(uuidString: "00000000-0000-0000-0000-00000000000b")!
    static let c = UUID(uuidString: "00000000-0000-0000-0000-00000000000c")!
    static let d = UUID(uuidString: "00000000-0000-0000-0000-00000000000d")!
    static let ended = UUID(uuidString: "00000000-0000-0000-0000-0000000000e0")!
    static let erased = UUID(uuidString: "00000000-0000-0000-0000-0000000000e1")!
    static let consortiumAB = UUID(uuidString: "00000000-0000-0000-0000-0000000000ab")!
    static let consortiumAC = UUID(uuidString: "00000000-0000-0000-0000-0000000000ac")!
    static let tender = UUID(uuidString: "00000000-0000-0000-0000-000000007e00")!
    static let otherTender = UUID(uuidString: "00000000-0000-0000-0000-000000007e01")!

    static func id(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))!
    }

    /// Members A–D active, one ended and one erased; consortia {A,B} (lead A) and {A,C} (lead C).
    static let directory = InMemoryDirectory(
        memberStatuses: [a: .active, b: .active, c: .active, d: .active, ended: .ended, erased: .erased],
        registryHolders: [.digest(FakeSealer.digest(RegistryId(scheme: .kvk, value: "69599084"))): b],
        consortia: [
            consortiumAB: ConsortiumSnapshot(consortiumId: consortiumAB, leadMemberId: a, memberIds: [a, b]),
            consortiumAC: ConsortiumSnapshot(consortiumId: consortiumAC, leadMemberId: c, memberIds: [a, c]),
        ])

    static func context(now: String = "2026-04-01T09:00:00Z", directory: InMemoryDirectory = directory) -> DecisionContext {
        DecisionContext(now: time(now), members: directory, consortia: directory, sealer: FakeSealer(),
                        reference: reference)
    }
}

/// `2026-04-29T10:00:00Z` as a `Timestamp` (whole seconds, UTC).
func time(_ iso: String) -> Timestamp {
    let day = Day(iso: String(iso.prefix(10)))!
    let clock = iso.dropFirst(11).prefix(8).split(separator: ":").map { Int64($0)! }
    let seconds = Int64(day.daysSinceEpoch) * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]
    return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000)
}

func day(_ iso: String) -> Day { Day(iso: iso)! }

/// Seals by tagging the subject, so tests can see that sealing happened, for whom and what.
struct FakeSealer: PersonalDataSealer {
    func seal(_ details: PersonalDetails, subject: UUID) throws -> SealedData {
        SealedData(bytes: Array(Self.tag(subject, details.legalName, tradeName: details.tradeName,
                                         registryIds: details.registryIds, vatId: details.vatId).utf8))
    }

    /// The tag `seal` writes for personal details: `personal:SUBJECT:LEGAL|TRADE|scheme=value,…|VAT`.
    static func tag(_ subject: UUID, _ legalName: String, tradeName: String?, registryIds: [RegistryId], vatId: String?) -> String {
        let ids = registryIds.map { "\($0.scheme.rawValue)=\($0.value)" }.joined(separator: ",")
        return "personal:\(subject):\(legalName)|\(tradeName ?? "")|\(ids)|\(vatId ?? "")"
    }

    func seal(_ registryId: RegistryId, subject: UUID) throws -> SealedData {
        SealedData(bytes: Array("registry:\(subject):\(registryId.scheme.rawValue)=\(registryId.value)".utf8))
    }

    /// A readable stand-in for the keyed hash: `digest:KIND:VALUE`.
    func blindIndexDigest(kind: String, value: String) -> [UInt8] { Array("digest:\(kind):\(value)".utf8) }

    /// The digest `blindIndexDigest` gives for `id`.
    static func digest(_ id: RegistryId) -> RegistryDigest { .of(id, with: FakeSealer()) }

    func seal(_ details: TargetGroupDetails, subject: UUID) throws -> SealedData {
        SealedData(bytes: Array("targetGroups:\(subject):\(details.groups.map(\.rawValue))".utf8))
    }
}

/// Given `history`, when `command`, then `expected` events.
func expectEvents<D: Decider>(
    _ decider: D.Type, given history: [D.Event] = [], when command: D.Command,
    context: DecisionContext = Fixture.context(), then expected: [D.Event],
    sourceLocation: SourceLocation = #_sourceLocation
) where D.Event: Equatable {
    do {
        let events = try decider.decide(command, given: history, context: context)
        #expect(events == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected events, got \(error.rule): \(error)", sourceLocation: sourceLocation)
    }
}

/// Given `history`, when `command`, then the decider refuses with `expected`.
func expectRefusal<D: Decider>(
    _ decider: D.Type, given history: [D.Event] = [], when command: D.Command,
    context: DecisionContext = Fixture.context(), then expected: DomainError,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let events = try decider.decide(command, given: history, context: context)
        Issue.record("expected \(expected.rule), got events \(events)", sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
    }
}

/// The events `command` produces; records an issue and returns `[]` when refused.
func accepted<D: Decider>(
    _ decider: D.Type, given history: [D.Event] = [], when command: D.Command,
    context: DecisionContext = Fixture.context(), sourceLocation: SourceLocation = #_sourceLocation
) -> [D.Event] {
    do { return try decider.decide(command, given: history, context: context) } catch {
        Issue.record("refused: \(error.rule): \(error)", sourceLocation: sourceLocation)
        return []
    }
}
