import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import PersonalData

/// A log and a vault in a fresh temporary directory, and a service on them. Call `close()` at the
/// end: it closes the log and removes the directory. Shared by the write-side and the demo tests.
public final class ServiceHarness: @unchecked Sendable {
    public let directory: String
    public let log: EventLog
    public let vault: PersonalDataVault
    public let service: ApplicationService

    /// The bundled reference data, loaded once.
    public static let reference: ReferenceData = {
        do { return try ReferenceData.load(environment: [:]) } catch { fatalError("reference data: \(error)") }
    }()

    /// 2026-04-01T09:00:00Z, the default service clock's instant.
    public static let defaultNow = Timestamp(
        microsecondsSinceEpoch: (Int64(Day(year: 2026, month: 4, day: 1)!.daysSinceEpoch) * 86_400 + 9 * 3_600) * 1_000_000)

    /// - Parameters:
    ///   - clock: the service's clock (the log's recorded-at follows `logClock`, default system).
    ///   - makeService: builds the service (defaults to one with `clock` and seeded ids).
    public init(clock: ServiceClock = .fixed(ServiceHarness.defaultNow), logClock: (@Sendable () -> Timestamp)? = nil,
                durability: EventLog.Durability = .none,
                makeService: ((EventLog, PersonalDataVault) throws -> ApplicationService)? = nil) throws {
        directory = NSTemporaryDirectory() + "fabriek-service-\(UUID().uuidString.lowercased())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        log = try EventLog.open(directory: directory + "/log",
                                options: EventLog.Options(durability: durability, clock: logClock ?? Timestamp.now))
        vault = try PersonalDataVault(path: directory + "/keys.sqlite", masterKey: MasterKey(bytes: Array(repeating: 7, count: 32)))
        if let makeService {
            service = try makeService(log, vault)
        } else {
            service = try ApplicationService(log: log, vault: vault, reference: Self.reference, clock: clock, ids: .seeded(1))
        }
    }

    public func close() {
        try? log.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
