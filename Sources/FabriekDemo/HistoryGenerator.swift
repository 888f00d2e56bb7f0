import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import PersonalData

/// Generates a realistic history of the ZZP fabriek Maastricht over the 2019–2021 programme by
/// issuing commands through an `ApplicationService`, so every invariant holds: members registered
/// with valid KvK numbers and btw-ids, consortia, municipal and business jobs with lots,
/// invitations, bids, evaluation and awards after standstill, YouRegion cross-border work with A1
/// records, programme goals and activities, ended memberships and erasures.
///
/// The same seed and scale give the same commands in the same order, at the same instants, with
/// the same entity ids. Time is the generator's `HistoryClock`; the service must read it:
///
/// ```swift
/// let generator = HistoryGenerator(seed: 42, scale: .demo)
/// let log = try EventLog.open(directory: dir, options: .init(durability: .none, clock: generator.clock.logClock))
/// let service = try generator.makeService(log: log, vault: vault, reference: .load())
/// let summary = try await generator.run(on: service)
/// ```
///
/// Cost: about 5–6 commands per member and ~10 per job, each one service round trip, one after
/// the other (so the order is reproducible). The demo scale issues ~19,000 commands in ~27 s in a
/// debug build; open the log with durability `.none` for bulk generation.
public struct HistoryGenerator: Sendable {
    public let seed: UInt64
    public let scale: HistoryScale
    /// The stepping clock the service must use (see `makeService`).
    public let clock: HistoryClock

    /// The programme period: 2019-01-01 to 2021-12-31.
    public static let programmeStart = Day(year: 2019, month: 1, day: 1)!
    public static let programmeEnd = Day(year: 2021, month: 12, day: 31)!

    public init(seed: UInt64, scale: HistoryScale = .demo) {
        self.seed = seed
        self.scale = scale
        clock = HistoryClock(start: HistoryGenerator.instant(HistoryGenerator.programmeStart, hour: 8))
    }

    /// A service wired for this generator: its clock and event ids seeded from `seed`.
    public func makeService(log: EventLog, vault: PersonalDataVault, reference: ReferenceData) throws -> ApplicationService {
        try ApplicationService(log: log, vault: vault, reference: reference, clock: clock.serviceClock,
                               ids: .seeded(seed ^ 0xE7E7_0000_0000_0001))
    }

    /// Generates the history into `service`'s log.
    ///
    /// - Throws: `HistoryError.serviceClockNotStepping` when `service` does not read `clock`;
    ///   `LogError` / `ServiceError` when storage fails. Refused commands do not throw: they are
    ///   counted in the summary (`unexpectedRefusals` is empty in a sound run).
    public func run(on service: ApplicationService) async throws -> HistorySummary {
        let probe = HistoryGenerator.instant(HistoryGenerator.programmeStart, hour: 8)
        clock.set(probe)
        guard service.clock.now() == clock.now() else { throw HistoryError.serviceClockNotStepping }
        let run = HistoryRun(seed: seed, scale: scale, service: service, clock: clock)
        return try await run.run()
    }

    /// `day` at `hour`:`minute` UTC.
    static func instant(_ day: Day, hour: Int, minute: Int = 0) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: (Int64(day.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60)) * 1_000_000)
    }
}

/// Why a history could not be generated.
public enum HistoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The service reads another clock than the generator's; build it with `makeService` or
    /// pass `generator.clock.serviceClock`.
    case serviceClockNotStepping

    public var description: String {
        switch self {
        case .serviceClockNotStepping:
            "the service does not read the generator's clock; build it with HistoryGenerator.makeService(log:vault:reference:)"
        }
    }
}
