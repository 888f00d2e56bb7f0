import EventLog
import Fabriek
import FabriekDemo
import FabriekServer
import Foundation
import Testing

/// `fabriek serve --demo`: the jobs it publishes at the server's own time, so that the tender
/// board of a fresh demo is not empty (the demo history's jobs all closed in 2021).
@Suite(.serialized) struct DemoSeedTests {
    @Test("given a running service, when the demo's open jobs are published, then the board lists all twelve with deadlines 14 to 45 days ahead, and a member bids on one")
    func openJobsAreOnTheBoardAndTakeBids() async throws {
        try await ServerHarness.run { h in
            let count = try await DemoSeed.publishOpenJobs(runtime: h.runtime)
            #expect(count == 12)
            let head = h.runtime.log.head().position
            let board = try await h.call("GET", "/api/v1/tenders?limit=100&minPosition=\(head)", role: .member)
            #expect(board.status == 200, "\(board.text)")
            let tenders = try #require(board.json["tenders"] as? [[String: Any]])
            #expect(tenders.count == 12, "\(board.text)")
            let day: Int64 = 86_400_000_000
            for tender in tenders {
                let text = try #require(tender["deadline"] as? String)
                let deadline = try #require(Timestamp(iso8601: text))
                let ahead = deadline.microsecondsSinceEpoch - ServerHarness.now.microsecondsSinceEpoch
                #expect(ahead > 13 * day && ahead < 46 * day, "\(tender)")
            }

            let job = try #require(tenders.first?["tenderId"] as? String)
            let a = ServerHarness.memberA.uuidString.lowercased()
            let bid = try await h.call("POST", "/api/v1/tenders/\(job)/bids", role: .member,
                                       body: #"{"lots": [1], "bidder": {"kind": "member", "id": "\#(a)"}, "priceCents": 150000, "priceBasis": "fixedPrice"}"#)
            #expect(bid.status == 201, "\(bid.text)")
        }
    }

    @Test("given the same seed and day, then the open jobs are the same commands; another day moves only their deadlines")
    func openJobsAreDeterministic() throws {
        let buurten = ["Wyck", "Boschpoort", "Malberg"]
        let first = OpenJobs.commands(now: ServerHarness.now, buurten: buurten)
        #expect(first == OpenJobs.commands(now: ServerHarness.now, buurten: buurten))
        let later = OpenJobs.commands(now: Timestamp(microsecondsSinceEpoch: ServerHarness.now.microsecondsSinceEpoch + 86_400_000_000), buurten: buurten)
        #expect(first.map(\.tenderId) == later.map(\.tenderId))
        #expect(zip(first, later).allSatisfy { $1.submissionDeadline.microsecondsSinceEpoch - $0.submissionDeadline.microsecondsSinceEpoch == 86_400_000_000 })
        #expect(first.allSatisfy { $0.lots.allSatisfy { $0.buurten.allSatisfy(buurten.contains) } })
    }
}

