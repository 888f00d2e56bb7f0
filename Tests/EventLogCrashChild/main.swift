// eventlog-crash-child DIR MODE [ARG]
//
// A separate process for the EventLog crash tests (Tests/EventLogTests), which kill it or limit
// it and then check what the log kept. Every line it prints is one `write(2)` to stdout:
//
//   append [segmentSize]   open DIR (durability .fsync) and append forever from 4 concurrent
//                          tasks (single events, multi-event and multi-stream appends); before
//                          each append print `SEND <eventID>...`, after it returns print
//                          `ACK <position> <eventID>` per event.
//                          Every 8th append is retried unchanged and must come back as the
//                          original result; otherwise `BAD <why>` is printed.
//   diskfull [slack]       open DIR, limit the file size (RLIMIT_FSIZE) to the last segment's
//                          size + slack bytes, ignore SIGXFSZ, append from 2 tasks until each
//                          append throws; print ACK lines, `ERR diskFull <description>` (or
//                          `ERR other <description>`) per failed task; then lift the limit,
//                          append once more (`RETRY ok` or `RETRY failed <description>`),
//                          print `DONE` and exit 0.
//   continue [segmentSize] open DIR, append 12 events (ACK lines), read each back (`READ ok
//                          <position>` or `READ failed <position> <error>`), retry the last
//                          append (`RETRY recognised` or `RETRY written-again <positions>`),
//                          verify (`VERIFY intact` when the chain verifies and nothing but
//                          quarantine files of cut tails is reported, else `VERIFY failed
//                          <report>`), close, `DONE`.
//                          Runs engine paths that could trap outside the test process.
//   closefull [count]      open DIR with durability .none, append `count` events in commits
//                          of 10 (ACK lines), then limit the file size (RLIMIT_FSIZE) to 64
//                          bytes, ignore SIGXFSZ, and close: the derived files cannot be
//                          written. Prints `CLOSE ok <number of problems>` and each problem as
//                          `PROBLEM <text>`, or `CLOSE failed <error>`; then `DONE`, exit 0.
//   faults [count]         for the system-call fault tests (run under Tests/FaultInjection's
//                          LD_PRELOAD shim): open DIR (durability .fsync, 4 KiB segments;
//                          `OPEN failed <error>` when that fails), make `count` appends one after
//                          another (ACK lines, or `ERR <error>` per failed append, then go on),
//                          close (`CLOSE ok`, or `CLOSE failed <error>`), print `DONE`, exit 0.
//   bulk [count]           as `faults`, but the `count` commits go to the writer in groups of 6
//                          through `appendCommits` (the path of a bulk import); a group's ACK
//                          lines once it returns.
//   hold                   open DIR for writing, append one event, print `READY`, then sleep
//                          until killed (holds the writer lock).
import EventLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data("eventlog-crash-child: \(text)\n".utf8))
    exit(2)
}

func payload(_ size: Int, compressible: Bool) -> [UInt8] {
    if compressible {
        return Array(String(repeating: "{\"member\":\"zzp\",\"skill\":\"timmerwerk\"}", count: size / 36 + 1).utf8.prefix(size))
    }
    return (0..<size).map { _ in UInt8.random(in: 0...255) }
}

func event(worker: Int, compressible: Bool, sizes: ClosedRange<Int>) -> ProposedEvent {
    ProposedEvent(type: ["MemberRegistered", "TenderPublished", "BidSubmitted"].randomElement()!,
                  schemaVersion: UInt32.random(in: 1...3),
                  metadata: [MetadataKey.actor: "worker-\(worker)"],
                  payload: payload(Int.random(in: sizes), compressible: compressible))
}

/// A random append: one event, several events in one stream, or events in several streams.
func randomAppend(worker: Int, sizes: ClosedRange<Int>, compressible: Bool) -> [StreamAppend] {
    let stream = { "w\(worker)-s\(Int.random(in: 0..<5))" }
    switch Int.random(in: 0..<4) {
    case 0, 1:
        return [StreamAppend(stream: stream(), expectedVersion: .any,
                             events: [event(worker: worker, compressible: compressible, sizes: sizes)])]
    case 2:
        return [StreamAppend(stream: stream(), expectedVersion: .any,
                             events: (0..<Int.random(in: 2...5)).map { _ in event(worker: worker, compressible: compressible, sizes: sizes) })]
    default:
        return (0..<Int.random(in: 2...3)).map { i in
            StreamAppend(stream: "w\(worker)-multi\(i)", expectedVersion: .any,
                         events: (0..<Int.random(in: 1...2)).map { _ in event(worker: worker, compressible: compressible, sizes: sizes) })
        }
    }
}

func acknowledge(_ appends: [StreamAppend], _ result: AppendResult) {
    let ids = appends.flatMap { $0.events.map(\.id) }
    guard ids.count == result.positions.count else {
        emit("BAD \(ids.count) events but \(result.positions.count) positions\n")
        return
    }
    emit(zip(result.positions, ids).map { "ACK \($0) \($1.uuidString)\n" }.joined())
}

func runAppend(directory: String, segmentSize: Int) async {
    let log: EventLog
    do {
        log = try EventLog.open(directory: directory, options: .init(segmentSize: segmentSize, durability: .fsync))
    } catch {
        fail("open: \(error)")
    }
    emit("READY \(log.head().position)\n")
    await withTaskGroup(of: Void.self) { group in
        for worker in 0..<4 {
            group.addTask {
                var count = 0
                while true {
                    count += 1
                    let appends = randomAppend(worker: worker, sizes: 8...700, compressible: Bool.random())
                    emit("SEND " + appends.flatMap { $0.events.map(\.id.uuidString) }.joined(separator: " ") + "\n")
                    do {
                        let result = try await log.append(appends)
                        acknowledge(appends, result)
                        if count % 8 == 0 {
                            let again = try await log.append(appends)
                            if !again.wasAlreadyStored || again.positions != result.positions {
                                emit("BAD retry of \(result.positions) returned \(again.positions) stored=\(again.wasAlreadyStored)\n")
                            }
                        }
                    } catch {
                        fail("append: \(error)")
                    }
                }
            }
        }
    }
}

func runDiskFull(directory: String, slack: Int) async {
    let log: EventLog
    do {
        log = try EventLog.open(directory: directory, options: .init(durability: .fsync))
    } catch {
        fail("open: \(error)")
    }
    let segments = ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/segments")) ?? [])
        .filter { $0.hasSuffix(".seg") }.sorted()
    guard let last = segments.last,
          let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/segments/" + last))?[.size] as? NSNumber
    else { fail("no segment in \(directory)") }
    signal(SIGXFSZ, SIG_IGN)
    var limit = rlimit()
    getrlimit(RLIMIT_FSIZE_VALUE, &limit)
    limit.rlim_cur = rlim_t(size.intValue + slack)
    guard setrlimit(RLIMIT_FSIZE_VALUE, &limit) == 0 else { fail("setrlimit: errno \(errno)") }
    emit("READY \(log.head().position) \(size.intValue) \(limit.rlim_cur)\n")
    await withTaskGroup(of: Void.self) { group in
        for worker in 0..<2 {
            group.addTask {
                while true {
                    let appends = randomAppend(worker: worker, sizes: 200...3000, compressible: false)
                    do {
                        acknowledge(appends, try await log.append(appends))
                    } catch let error as LogError {
                        if case .diskFull = error { emit("ERR diskFull \(error)\n") } else { emit("ERR other \(error)\n") }
                        return
                    } catch {
                        emit("ERR other \(error)\n")
                        return
                    }
                }
            }
        }
    }
    // "Free space and retry": lift the limit and append again in the same process.
    limit.rlim_cur = limit.rlim_max
    guard setrlimit(RLIMIT_FSIZE_VALUE, &limit) == 0 else { fail("setrlimit: errno \(errno)") }
    let appends = randomAppend(worker: 9, sizes: 200...3000, compressible: false)
    do {
        acknowledge(appends, try await log.append(appends))
        emit("RETRY ok\n")
    } catch {
        emit("RETRY failed \(error)\n")
    }
    emit("DONE\n")
    exit(0)
}

func runContinue(directory: String, segmentSize: Int) async {
    do {
        let log = try EventLog.open(directory: directory, options: .init(segmentSize: segmentSize, durability: .fsync))
        emit("READY \(log.head().position)\n")
        var appends: [([StreamAppend], AppendResult)] = []
        for i in 0..<12 {
            let a = [StreamAppend(stream: "continued", expectedVersion: .any,
                                  events: [ProposedEvent(type: "Continued", metadata: ["n": "\(i)"], payload: payload(1_500, compressible: false))])]
            let r = try await log.append(a)
            acknowledge(a, r)
            appends.append((a, r))
        }
        for (a, r) in appends {
            do {
                let e = try log.event(at: r.positions[0])
                emit(e.id == a[0].events[0].id ? "READ ok \(r.positions[0])\n" : "READ wrong \(r.positions[0])\n")
            } catch {
                emit("READ failed \(r.positions[0]) \(error)\n")
            }
        }
        let (lastAppend, lastResult) = appends[appends.count - 1]
        let retry = try await log.append(lastAppend)
        emit(retry.wasAlreadyStored && retry.positions == lastResult.positions
             ? "RETRY recognised\n" : "RETRY written-again \(retry.positions)\n")
        let report = log.verify()
        let intact = report.failure == nil && report.tail.isEmpty && report.indexProblem == nil
        emit(intact ? "VERIFY intact\n" : "VERIFY failed \(report)\n")
        try log.close()
        emit("DONE\n")
        exit(0)
    } catch {
        fail("continue: \(error)")
    }
}

func runCloseFull(directory: String, count: Int) async {
    do {
        let log = try EventLog.open(directory: directory, options: .init(durability: .none))
        emit("READY \(log.head().position)\n")
        var i = 0
        while i < count {
            let appends = [StreamAppend(stream: "bulk-\(i % 7)", expectedVersion: .any,
                                        events: (0..<min(10, count - i)).map { k in
                                            ProposedEvent(type: "Imported", metadata: ["n": "\(i + k)"],
                                                          payload: payload(200, compressible: true))
                                        })]
            acknowledge(appends, try await log.append(appends))
            i += 10
        }
        signal(SIGXFSZ, SIG_IGN)
        var limit = rlimit()
        getrlimit(RLIMIT_FSIZE_VALUE, &limit)
        limit.rlim_cur = 64
        guard setrlimit(RLIMIT_FSIZE_VALUE, &limit) == 0 else { fail("setrlimit: errno \(errno)") }
        do {
            let report = try log.closeWithReport()
            emit("CLOSE ok \(report.problems.count)\n")
            for problem in report.problems { emit("PROBLEM \(problem)\n") }
        } catch {
            emit("CLOSE failed \(error)\n")
        }
        emit("DONE\n")
        exit(0)
    } catch {
        fail("closefull: \(error)")
    }
}

/// The scaffolding of the fault workloads (`faults`, `bulk`): opens a small-segment fsync log
/// (an open that fails is reported, not a crash), runs `body`, closes, and says how each step
/// went, so that the parent can tell what was acknowledged under the injected fault.
func withFaultLog(directory: String, _ body: (EventLog) async -> Void) async -> Never {
    let log: EventLog
    do {
        log = try EventLog.open(directory: directory, options: .init(segmentSize: 4096, durability: .fsync,
                                                                     verifyInBackground: false))
    } catch {
        emit("OPEN failed \(error)\n")
        emit("DONE\n")
        exit(0)
    }
    await body(log)
    do {
        try log.close()
        emit("CLOSE ok\n")
    } catch {
        emit("CLOSE failed \(error)\n")
    }
    emit("DONE\n")
    exit(0)
}

/// One append after another, each synced before the next.
func runFaults(directory: String, count: Int) async {
    await withFaultLog(directory: directory) { log in
        for i in 0..<count {
            let appends = [StreamAppend(stream: "f\(i % 3)", expectedVersion: .any,
                                        events: (0..<(1 + i % 2)).map { k in
                                            ProposedEvent(type: "Faulted", metadata: ["n": "\(i)-\(k)"],
                                                          payload: payload(300 + 97 * (i % 5), compressible: i % 2 == 0))
                                        })]
            do {
                acknowledge(appends, try await log.append(appends))
            } catch {
                emit("ERR \(error)\n")
            }
        }
    }
}

/// Commits handed to `appendCommits` six at a time, as the bulk import does.
func runBulk(directory: String, count: Int) async {
    await withFaultLog(directory: directory) { log in
        var i = 0
        while i < count {
            let group = (i..<min(count, i + 6)).map { n in
                [StreamAppend(stream: "b\(n % 4)", expectedVersion: .any,
                              events: (0..<(1 + n % 3)).map { k in
                                  ProposedEvent(type: "Bulk", metadata: ["n": "\(n)-\(k)"],
                                                payload: payload(200 + 131 * (n % 7), compressible: n % 2 == 1))
                              })]
            }
            i += group.count
            do {
                for (appends, result) in zip(group, try await log.appendCommits(group)) {
                    switch result {
                    case .success(let r): acknowledge(appends, r)
                    case .failure(let error): emit("ERR \(error)\n")
                    }
                }
            } catch {
                emit("ERR \(error)\n")
            }
        }
    }
}

func runHold(directory: String) async {
    do {
        let log = try EventLog.open(directory: directory, options: .init(durability: .fsync))
        _ = try await log.append(stream: "holder", expectedVersion: .any,
                                 events: [ProposedEvent(type: "Held", payload: Array("held".utf8))])
        emit("READY \(log.head().position)\n")
        while true { sleep(60) }
    } catch {
        fail("hold: \(error)")
    }
}

#if canImport(Glibc)
let RLIMIT_FSIZE_VALUE = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
#else
let RLIMIT_FSIZE_VALUE = RLIMIT_FSIZE
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: eventlog-crash-child DIR append|diskfull|hold [ARG]") }
switch arguments[2] {
case "append":
    await runAppend(directory: arguments[1], segmentSize: arguments.count > 3 ? Int(arguments[3]) ?? (128 << 20) : 128 << 20)
case "diskfull":
    await runDiskFull(directory: arguments[1], slack: arguments.count > 3 ? Int(arguments[3]) ?? 20_000 : 20_000)
case "continue":
    await runContinue(directory: arguments[1], segmentSize: arguments.count > 3 ? Int(arguments[3]) ?? (128 << 20) : 128 << 20)
case "closefull":
    await runCloseFull(directory: arguments[1], count: arguments.count > 3 ? Int(arguments[3]) ?? 200 : 200)
case "faults":
    await runFaults(directory: arguments[1], count: arguments.count > 3 ? Int(arguments[3]) ?? 10 : 10)
case "bulk":
    await runBulk(directory: arguments[1], count: arguments.count > 3 ? Int(arguments[3]) ?? 24 : 24)
case "hold":
    await runHold(directory: arguments[1])
default:
    fail("unknown mode \(arguments[2])")
}
