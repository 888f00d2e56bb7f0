import EventLog
import Events
import Foundation
@testable import Fabriek
import PersonalData

/// A log and a vault in a fresh temporary directory, and a service on them. Call `close()` at the
/// end: it closes the log and removes the directory.
final class ServiceHarness: @unchecked Sendable {
    let directory: String
    let log: EventLog
    let vault: PersonalDataVault
    let service: ApplicationService

    /// - Parameters:
    ///   - clock: the service's clock (the log's recorded-at follows `logClock`, default system).
    ///   - makeService: builds the service (defaults to one with `clock` and seeded ids).
    init(clock: ServiceClock = .fixed(time("2026-04-01T09:00:00Z")), logClock: (@Sendable () -> Timestamp)? = nil,
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
            service = try ApplicationService(log: log, vault: vault, reference: Fixture.reference, clock: clock, ids: .seeded(1))
        }
    }

    func close() {
        try? log.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
