import EventLog
import FaultInjection
import Foundation
import Projections
import Testing

/// System-call faults under the real `fabriek-admin`: the fault shim (Tests/FaultInjection)
/// makes the Nth `write`, `pwrite`, `fdatasync`, `fsync`, `ftruncate` or `rename` in the data
/// directory fail (EIO or ENOSPC) or cuts a write short, and N walks over the calls of a clean
/// run.
///
/// - `import` of a small file: each run exits 0 having imported every line, or exits non-zero
///   with a message that is true (when it says nothing was stored, nothing was); afterwards the
///   log holds all of the file's events or none, verifies, and a re-run of the import stores
///   exactly the missing ones and takes a new line.
/// - `projections rebuild --all`: each run completes or fails with a message; afterwards every
///   projection file opens (`projections status`), a re-run succeeds and gives the reference
///   digests, and no `*.rebuild.sqlite` is left.
///
/// CI walks every call of the import and a spread of the rebuild's calls;
/// `FABRIEK_FAULT_WALK=all` walks every one (tools/fault-injection/admin-fault-walk.sh).
@Suite("System-call faults in import and rebuild", .serialized)
struct ImportAndRebuildFaultTests {
    static var walkAll: Bool { ProcessInfo.processInfo.environment["FABRIEK_FAULT_WALK"] == "all" }

    /// Ten goal lines with fixed ids, one commit.
    static func importLines(_ range: ClosedRange<Int>) -> [String] {
        range.map { year in
            ImportChecksTests.goal("\(year)", target: year - 2000,
                                   id: String(format: "00000000-0000-4000-8000-%012d", year))
        }
    }

    static var fileIDs: Set<UUID> {
        Set((2030...2039).map { UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", $0))! })
    }

    /// The ids of the file's events the log holds, in position order (a read-only open).
    static func storedFileEvents(_ data: String) throws -> [UUID] {
        let log = try EventLog.open(directory: data + "/log", options: .init(readOnly: true))
        defer { try? log.close() }
        var ids: [UUID] = []
        try log.forEachEvent(from: 1) { if fileIDs.contains($0.id) { ids.append($0.id) } }
        return ids
    }

    /// The N of each faulted run: every call, or with `limit` an even spread of at most that many.
    static func walk(_ calls: Int, limit: Int?) -> [Int] {
        guard let limit, !walkAll, calls > limit else { return Array(1...calls) }
        return (0..<limit).map { 1 + $0 * (calls - 1) / (limit - 1) }
    }

    @Test("given the Nth file-system call of an import failing, for every N, then it reports success or a true error, and the log holds all of the file or none, verifies, and a re-run completes it",
          arguments: [true, false])
    func everyCallOfAnImport(seeded: Bool) throws {
        // A log holding events (the checked lines go through the spool, then a second pass) and
        // an empty one (written to a staging log as checked, which then becomes the log).
        let shim = try #require(FaultShim.path, "\(FaultShim.missing)")
        let temp = TemporaryDirectory()
        let base = temp.sub("base")
        let seed = temp.sub("seed.jsonl"), file = temp.sub("goals.jsonl"), again = temp.sub("again.jsonl")
        try ImportChecksTests.write(Self.importLines(2029...2029), to: seed)
        try ImportChecksTests.write(Self.importLines(2030...2039), to: file)
        try ImportChecksTests.write(Self.importLines(2040...2040), to: again)
        if seeded {
            let seeding = try Admin.run(["import", seed, "--data", base])
            try #require(seeding.status == 0, "\(seeding.stderr)")
        } else {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        }

        let counting = temp.sub("count")
        try FileManager.default.copyItem(atPath: base, toPath: counting)
        let countFile = temp.sub("count.txt")
        let clean = try Admin.run(["import", file, "--data", counting],
                                  environment: FaultShim.environment(shim: shim, directory: counting, at: 0, countFile: countFile))
        try #require(clean.status == 0, "\(clean.stderr)")
        let calls = try #require(FaultShim.count(in: countFile))
        try #require(calls >= 4, "the shim counted only \(calls) calls: is LD_PRELOAD in effect?")

        var failures = 0, complete = 0
        for short in [false, true] {
            for n in Self.walk(calls, limit: nil) {
                let dir = temp.sub("run-\(short)-\(n)")
                try FileManager.default.copyItem(atPath: base, toPath: dir)
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let errno = n % 2 == 0 ? "ENOSPC" : "EIO"
                let context = "import, call \(n) of \(calls) \(short ? "cut short" : "failing with \(errno)")"
                let r = try Admin.run(["import", file, "--data", dir],
                                      environment: FaultShim.environment(shim: shim, directory: dir, at: n, errno: errno, short: short),
                                      timeout: 120)
                #expect(!r.signalled, "\(context): killed by a signal: \(r.stderr.suffix(600))")
                let stored = try Self.storedFileEvents(dir)
                if r.status == 0 {
                    #expect(r.stdout.contains("imported 10 events"), "\(context): \(r.stdout)")
                    #expect(stored.count == 10, "\(context): exit 0 but \(stored.count) of the file's 10 events stored")
                } else {
                    failures += 1
                    let message = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(!message.isEmpty, "\(context): exit \(r.status) without a message")
                    #expect(message.contains(file) || message.contains(dir), "\(context): the message names no file: \(message)")
                    if message.contains("nothing was imported") || message.contains("nothing from lines") {
                        #expect(stored.isEmpty, "\(context): says nothing was stored, but \(stored.count) events were: \(message)")
                    }
                }
                if stored.count == 10 { complete += 1 }
                #expect(stored.isEmpty || stored.count == 10, "\(context): \(stored.count) of the file's 10 events stored (all or none)")
                let verify = try Admin.run(["log", "verify", "--data", dir])
                #expect(verify.status == 0, "\(context): log verify: \(verify.stdout) \(verify.stderr)")
                // A re-run without faults completes the file exactly once; the log takes a new line.
                let rerun = try Admin.run(["import", file, "--data", dir], timeout: 120)
                #expect(rerun.status == 0, "\(context): the re-run failed: \(rerun.stderr)")
                #expect(rerun.stdout.contains("imported \(10 - stored.count) events"), "\(context): re-run: \(rerun.stdout)")
                #expect(try Self.storedFileEvents(dir).count == 10, "\(context): the file's events are not stored exactly once after the re-run")
                let more = try Admin.run(["import", again, "--data", dir], timeout: 120)
                #expect(more.status == 0 && more.stdout.contains("imported 1 events"), "\(context): a new line after the re-run: \(more.stderr)")
                let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("import-") }
                #expect(left.isEmpty, "\(context): the import left \(left) in the data directory")
            }
        }
        #expect(failures > 0 && complete > 0, "\(failures) failed runs, \(complete) complete")
    }

    @Test("given the Nth file-system call of a projections rebuild failing, then it completes or fails clearly, the files open, and a re-run gives the reference digests and leaves no rebuild file")
    func callsOfARebuild() throws {
        let shim = try #require(FaultShim.path, "\(FaultShim.missing)")
        let temp = TemporaryDirectory()
        let base = temp.sub("base")
        let export = temp.sub("part.jsonl")
        let exported = try Admin.run(["export", export, "--until", "400", "--data", try DemoFixture.path()])
        try #require(exported.status == 0, "\(exported.stderr)")
        let imported = try Admin.run(["import", export, "--data", base])
        try #require(imported.status == 0, "\(imported.stderr)")
        let built = try Admin.run(["projections", "rebuild", "--all", "--data", base], timeout: 300)
        try #require(built.status == 0, "\(built.stderr)")
        let reference = try Self.digests(base)
        try #require(reference.count == 5, "\(reference)")

        let counting = temp.sub("count")
        try FileManager.default.copyItem(atPath: base, toPath: counting)
        let countFile = temp.sub("count.txt")
        let clean = try Admin.run(["projections", "rebuild", "--all", "--data", counting],
                                  environment: FaultShim.environment(shim: shim, directory: counting + "/projections", at: 0, countFile: countFile),
                                  timeout: 300)
        try #require(clean.status == 0, "\(clean.stderr)")
        #expect(try Self.digests(counting) == reference)
        let calls = try #require(FaultShim.count(in: countFile))
        try #require(calls >= 10, "the shim counted only \(calls) calls: is LD_PRELOAD in effect?")

        var failures = 0
        for short in [false, true] {
            for n in Self.walk(calls, limit: 6) {
                let dir = temp.sub("run-\(short)-\(n)")
                try FileManager.default.copyItem(atPath: base, toPath: dir)
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let errno = n % 2 == 0 ? "ENOSPC" : "EIO"
                let context = "rebuild, call \(n) of \(calls) \(short ? "cut short" : "failing with \(errno)")"
                let r = try Admin.run(["projections", "rebuild", "--all", "--data", dir],
                                      environment: FaultShim.environment(shim: shim, directory: dir + "/projections", at: n,
                                                                         errno: errno, short: short),
                                      timeout: 300)
                #expect(!r.signalled, "\(context): killed by a signal (or hung): \(r.stderr.suffix(600))")
                if r.status != 0 {
                    failures += 1
                    #expect(!r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(context): exit \(r.status) without a message")
                }
                let status = try Admin.run(["projections", "status", "--data", dir], timeout: 120)
                #expect(status.status == 0, "\(context): projections status after the fault: \(status.stderr)")
                let rerun = try Admin.run(["projections", "rebuild", "--all", "--data", dir], timeout: 300)
                #expect(rerun.status == 0, "\(context): the re-run failed: \(rerun.stderr)")
                #expect(try Self.digests(dir) == reference, "\(context): the re-run's read models differ from the reference")
                let left = try FileManager.default.contentsOfDirectory(atPath: dir + "/projections").filter { $0.contains(".rebuild.") }
                #expect(left.isEmpty, "\(context): left behind after a successful rebuild: \(left)")
            }
        }
        #expect(failures > 0, "no faulted rebuild failed")
    }

    /// Each projection file's `ProjectionDigest`.
    static func digests(_ data: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: data + "/projections")
            where name.hasSuffix(".sqlite") && !name.contains(".rebuild.") {
            out[name] = try ProjectionDigest.compute(file: data + "/projections/" + name)
        }
        return out
    }
}
