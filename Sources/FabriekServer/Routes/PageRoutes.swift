import EventLog
import Fabriek
import Foundation
import Hummingbird
import Projections
import Synchronization

/// The web pages (public, Dutch, server-rendered): the dashboard, the register, a member's
/// public profile, the tender board, a job, YouRegion, and the published report.
struct PageRoutes {
    let runtime: ServerRuntime
    let reports: ReportCache

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("dashboardPage", tokens: tokens) { request, _ in
            let asOf = request.queryString("asOf")
            var position = runtime.log.head().position
            if let asOf {
                guard let instant = ReportRoute.instant(asOf) else {
                    throw Problem.badRequest("asOf must be a date such as 2020-12-31", field: "asOf", rule: "date", value: asOf)
                }
                position = runtime.log.position(at: instant)
            }
            let report = try reports.programme(at: position, runtime: runtime)
            return Self.html(DashboardPage(report: report, focusAreas: runtime.reference.focusAreas, asOfText: asOf).render())
        }
        router.operation("registerPage", tokens: tokens) { request, _ in
            let query = MemberDirectory.Query(text: request.queryString("q").map(Self.ftsQuery), buurt: request.queryString("buurt"),
                                              limit: 25, offset: try request.queryInt("offset", default: 0, range: 0...1_000_000))
            let page = try await runtime.runner.read("member-directory") { db in try MemberDirectory.search(db, query) }
            let buurten = runtime.reference.maastricht.wijken.flatMap(\.buurten).sorted()
            var shown = query
            shown.text = request.queryString("q")
            return Self.html(RegisterPage(query: shown, page: page, buurten: buurten).render())
        }
        router.operation("memberPage", tokens: tokens) { _, context in
            let id = try context.uuid("memberId")
            let found = try await runtime.runner.read("member-directory") { db in try MemberDirectory.member(db, id: id) }
            guard let listing = found, listing.status != "erased" else { throw Problem.notFound("geen lid \(id.uuidString.lowercased())") }
            let bids = (try? await runtime.runner.read("consortia-and-bids") { db in try Consortia.bids(db, ofMember: id) }) ?? []
            return Self.html(MemberPage(listing: listing, bids: bids).render())
        }
        router.operation("tenderBoardPage", tokens: tokens) { _, _ in
            let now = runtime.clock.now()
            let tenders = try await runtime.runner.read("tender-board") { db in try TenderBoard.openTenders(db, now: now, limit: 100) }
            return Self.html(TenderBoardPage(tenders: tenders).render())
        }
        router.operation("tenderPage", tokens: tokens) { _, context in
            let key = try context.uuid("tenderId").uuidString.lowercased()
            let found = try await runtime.runner.read("tender-board") { db in
                (try TenderBoard.tender(db, id: key), try TenderBoard.awards(db, tenderId: key))
            }
            guard let tender = found.0 else { throw Problem.notFound("geen klus \(key)") }
            return Self.html(TenderPage(tender: tender, awards: found.1).render())
        }
        router.operation("youRegionPage", tokens: tokens) { _, _ in
            let flows = try await runtime.runner.read("youregion-register") { db in
                try YouRegionRegister.counts(db, by: .period).map(\.0).sorted().filter { $0.contains("Q") }.map { period in
                    (period: period, counts: try YouRegionRegister.counts(db, by: .direction, period: period))
                }
            }
            return Self.html(YouRegionPage(flows: flows).render())
        }
        router.operation("reportPage", tokens: tokens) { request, _ in
            try ReportRoute(runtime: runtime).programme(request)
        }
    }

    /// Free text from the search box as an FTS5 prefix query: each word quoted, with `*`.
    static func ftsQuery(_ text: String) -> String {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { "\"\($0)\"*" }.joined(separator: " ")
    }

    static func html(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The last programme report built, by position: the dashboard folds the log once per head,
/// not once per request.
final class ReportCache: Sendable {
    private let last = Mutex<Report?>(nil)

    func programme(at position: UInt64, runtime: ServerRuntime) throws -> Report {
        if let r = last.withLock({ $0 }), r.asOf.position == position { return r }
        let report = try ProgrammeReportBuilder(log: runtime.log, geography: runtime.reference.maastricht, vault: runtime.vault)
            .report(asOf: position)
        last.withLock { $0 = report }
        return report
    }
}
