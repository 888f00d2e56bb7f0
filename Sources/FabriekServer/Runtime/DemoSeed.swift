import EventLog
import Events
import Fabriek
import FabriekDemo
import Foundation
import PersonalData
import FabriekReference

/// `--demo`: the deterministic demo history in an empty data directory, and a fresh token per
/// role (a member token bound to the first registered member).
public enum DemoSeed {
    /// Writes the demo history (seed 2019) and returns the head.
    public static func write(into layout: DataLayout, seed: UInt64 = 2019, scale: HistoryScale = .demo) async throws -> LogHead {
        try FileManager.default.createDirectory(atPath: layout.path, withIntermediateDirectories: true)
        let generator = HistoryGenerator(seed: seed, scale: scale)
        let log = try EventLog.open(directory: layout.logPath,
                                    options: EventLog.Options(durability: .none, clock: generator.clock.logClock))
        do {
            let service = try generator.makeService(log: log, vault: try PersonalDataVault.open(directory: layout.path),
                                                    reference: try ReferenceData.load())
            _ = try await generator.run(on: service)
        } catch {
            try? log.close()
            throw error
        }
        let head = log.head()
        try log.close()
        return head
    }

    /// Publishes `OpenJobs` through the running service, at its own time (the demo history's
    /// jobs all closed in 2021), as the coordinator; returns how many were published.
    @discardableResult
    public static func publishOpenJobs(runtime: ServerRuntime, count: Int = 12) async throws -> Int {
        let buurten = runtime.service.reference.maastricht.wijken.flatMap(\.buurten)
        let jobs = OpenJobs.commands(now: runtime.service.clock.now(), buurten: buurten, count: count)
        for job in jobs {
            _ = try await runtime.service.execute(TenderDecider.self, stream: TenderDecider.streamId(job.tenderId),
                                                  command: .publish(job), metadata: CommandMetadata(actor: "demo", role: "coordinator"))
        }
        return jobs.count
    }

    /// Issues `demo-ROLE` tokens (revoking earlier ones of that name) and returns them by role.
    /// The member token is bound to the first registered member who is active now (not ended
    /// or erased), so it can act: update its profile, bid.
    ///
    /// - Throws: `DemoSeedError.noActiveMember` when the log holds no active member.
    public static func tokens(runtime: ServerRuntime) throws -> [(Role, String)] {
        let member = try firstActiveMember(runtime)
        var out: [(Role, String)] = []
        for role in Role.allCases {
            let name = "demo-\(role.rawValue)"
            if try runtime.tokens.entries().contains(where: { $0.name == name }) { try runtime.tokens.rename(name, to: "\(name)-\(UUID().uuidString.prefix(8).lowercased())") }
            out.append((role, try runtime.tokens.issue(name: name, role: role, memberId: role == .member ? member : nil)))
        }
        return out
    }

    /// The first member registered in the log whose status in the write side's directory is
    /// active.
    static func firstActiveMember(_ runtime: ServerRuntime) throws -> UUID {
        var from: UInt64 = 1
        while true {
            let page = try runtime.log.read(from: from, maxCount: 1024)
            guard let last = page.last else { throw DemoSeedError.noActiveMember(path: runtime.layout.path) }
            for e in page where e.type == "MemberRegistered" {
                if case .member(.registered(let r)) = try EventCatalogue.decode(e),
                   runtime.service.directory.status(of: r.memberId) == .active {
                    return r.memberId
                }
            }
            from = last.position + 1
        }
    }
}

/// Why `--demo` could not issue its tokens.
public enum DemoSeedError: Error, CustomStringConvertible {
    case noActiveMember(path: String)

    public var description: String {
        switch self {
        case .noActiveMember(let path):
            "\(path) holds no active member to bind the demo member token to; use an empty directory for --demo"
        }
    }
}
