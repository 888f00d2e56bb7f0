import Foundation
import Testing

/// `audit` lists events that break a domain invariant; `import` refuses them unless told.
@Suite struct AuditTests {
    @Test("given the demo history, when audited, then no rule is broken")
    func theDemoHistoryKeepsEveryInvariant() throws {
        let r = try Admin.run(["audit", "--data", try DemoFixture.path()])
        #expect(r.status == 0, "\(r.stdout.prefix(2000)) \(r.stderr)")
        #expect(r.stderr.contains("no rule broken"))
    }

    /// The demo export up to and including its first TenderPublished, whose second lot now
    /// has the number of the first.
    static func historyWithDuplicateLots(in temp: TemporaryDirectory) throws -> (file: String, line: Int) {
        let all = temp.sub("all.jsonl")
        #expect(try Admin.run(["export", all, "--data", try DemoFixture.path()]).status == 0)
        var out: [String] = []
        for line in try String(contentsOfFile: all, encoding: .utf8).split(separator: "\n") {
            guard line.contains(#""type":"TenderPublished""#) else { out.append(String(line)); continue }
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            var data = try #require(object["data"] as? [String: Any])
            var lots = try #require(data["lots"] as? [[String: Any]])
            if lots.count < 2 { lots.append(lots[0]) } else { lots[1]["number"] = lots[0]["number"] }
            data["lots"] = lots
            object["data"] = data
            object["payload"] = nil
            out.append(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            break
        }
        let file = temp.sub("lots.jsonl")
        try (out.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return (file, out.count)
    }

    @Test("given a tender with two lots of the same number, when imported, then refused naming the rule; accepted, audit lists it")
    func duplicateLotsAreRefusedThenAuditedWhenAccepted() throws {
        let temp = TemporaryDirectory()
        let (file, line) = try Self.historyWithDuplicateLots(in: temp)
        let data = temp.sub("data")
        let refused = try Admin.run(["import", file, "--data", data])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("lots.jsonl:\(line): tender.invalidLotNumber,"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was imported"))

        let accepted = try Admin.run(["import", file, "--accept-violations", "--data", data])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("1 events break a domain invariant"), "\(accepted.stdout)")
        let dumped = try Admin.run(["log", "dump", "--from", "\(line)", "--to", "\(line)", "--data", data])
        #expect(dumped.stdout.contains("importAcceptedViolation"), "\(dumped.stdout)")

        let audit = try Admin.run(["audit", "--data", data])
        #expect(audit.status == 1)
        #expect(audit.lines.count == 1, "\(audit.stdout)")
        #expect(audit.stdout.hasPrefix("\(line) tender-"), "\(audit.stdout)")
        #expect(audit.stdout.contains("tender.invalidLotNumber: TenderPublished"), "\(audit.stdout)")
        let json = try Admin.run(["audit", "--json", "--data", data])
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(entry["rule"] as? String == "tender.invalidLotNumber")
        #expect((entry["position"] as? NSNumber)?.intValue == line)
    }

    @Test("given an accepted tender with two lots of the same number, when the projections are rebuilt, then tender-board skips it and says degraded")
    func aProjectionSkipsTheEventItCannotApply() throws {
        let temp = TemporaryDirectory()
        let (file, line) = try Self.historyWithDuplicateLots(in: temp)
        let data = temp.sub("data")
        #expect(try Admin.run(["import", file, "--accept-violations", "--data", data]).status == 0)
        let rebuild = try Admin.run(["projections", "rebuild", "--all", "--data", data])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        let status = try Admin.run(["projections", "status", "--data", data])
        let board = try #require(status.lines.first { $0.hasPrefix("tender-board") }, "\(status.stdout)")
        #expect(board.contains("degraded: 1 event skipped"), "\(board)")
        #expect(board.contains("\(line)"), "\(board)")
        let json = try Admin.run(["projections", "status", "--json", "--data", data])
        #expect(json.stdout.contains(#""skipped":1"#), "\(json.stdout)")
    }
}
