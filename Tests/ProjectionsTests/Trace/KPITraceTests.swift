import EventLog
import Events
import Foundation
import PersonalData
import Testing
@testable import Projections

/// `KPITracer` on the fixed history: for every KPI code the trace of its programme total lists
/// exactly the expected events and sums to the cell; earlier positions ignore later events;
/// suppressed and target-group cells list none.
@Suite struct KPITraceTests {
    typealias Expected = (stream: String, type: String, role: KPIContribution.Role, contribution: Int64)

    static func m(_ n: UInt8) -> String { T.stream("member", T.member(n)) }
    static let t1 = T.stream("tender", FixedHistory.tender1), t2 = T.stream("tender", FixedHistory.tender2)
    static let registered: [Expected] = [1, 2, 3, 4, 5, 8].map { (m($0), "MemberRegistered", .counted, 1) }
    static let meetups: [Expected] = [(T.stream("activity", FixedHistory.meetup1), "ProgrammeActivityHeld", .counted, 1),
                                      (T.stream("activity", FixedHistory.meetup2), "ProgrammeActivityHeld", .counted, 1)]

    /// Per KPI: the programme total's expected lines (log order) and value.
    static let expected: [String: ([Expected], Int64)] = [
        "SOC-1": (registered, 6),
        "COM-1": ([(t1, "AwardIntended", .counted, 25_000_00), (t1, "AwardIntended", .counted, 12_000_00)], 37_000_00),
        "COM-2": ([(t2, "TenderPublished", .counted, 1)], 1),
        "OPD-1": ([(t1, "TenderPublished", .counted, 1), (t2, "TenderPublished", .counted, 1)], 2),
        "OPD-2": ([(t1, "BidSubmitted", .counted, 1), (t1, "BidSubmitted", .counted, 1), (t2, "BidSubmitted", .counted, 1)], 3),
        // Lot 1 (Wyck) went to the consortium of members living in Wyck; lot 2 did not match.
        "OPD-4": ([(t1, "AwardIntended", .counted, 1), (t1, "AwardIntended", .base, 1), (t1, "AwardIntended", .base, 1)], 500),
        // 180 + 150 minutes = 5.5 hours.
        "LER-1": ([(T.stream("activity", FixedHistory.training), "TrainingHoursRecorded", .counted, 180),
                   (T.stream("activity", FixedHistory.training), "TrainingHoursRecorded", .counted, 150)], 55),
        "LER-2": ([(T.stream("activity", FixedHistory.training), "ProgrammeActivityHeld", .counted, 1)], 1),
        "ONT-1": (meetups, 2),
        "ONT-3": (meetups, 2),
        "VER-1": ([(T.stream("consortium", FixedHistory.consortium), "ConsortiumFormed", .counted, 1)], 1),
        "VER-3": ([FixedHistory.x1, FixedHistory.x2, FixedHistory.x3].map { (T.stream("xborder", $0), "CrossBorderWorkRegistered", .counted, 1) }, 3),
        "FAC-1": (registered, 6),
    ]

    @Test("given the fixed history, when every shown cell of the report (each period and breakdown) is traced, then each trace recomputes exactly that cell's value from its lines")
    func everyShownCellTracesToItsValue() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let position = log.head().position
        let tracer = KPITracer(log: log, geography: T.geography, vault: nil)
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: position)
        var traced = 0
        for cell in report.cells where !cell.suppressed && !cell.breakdown.contains("targetGroup") {
            let trace = try tracer.trace(kpi: cell.kpi, period: cell.period, breakdown: cell.breakdown, asOf: position)
            guard trace.status == .traced else { continue }
            traced += 1
            #expect(trace.reportValue == cell.value, "\(cell.kpi) \(cell.period) '\(cell.breakdown)'")
            #expect(trace.matches, "\(cell.kpi) \(cell.period) '\(cell.breakdown)': recomputed \(String(describing: trace.recomputed)), report \(cell.value)")
            #expect(trace.lines.allSatisfy { $0.position <= position })
        }
        // Every KPI contributes traced cells beyond its programme total.
        #expect(traced > KPIDefinitions.all.count)
    }

    @Test func everyKPIsTotalTracesToExactlyItsEvents() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let tracer = KPITracer(log: log, geography: T.geography, vault: nil)
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: log.head().position)
        #expect(Set(Self.expected.keys) == Set(KPIDefinitions.all.map(\.code)))
        for definition in KPIDefinitions.all {
            // Given the fixed history, when the programme total of the KPI is traced
            let trace = try tracer.trace(kpi: definition.code, period: "programme", asOf: log.head().position)
            let (lines, value) = try #require(Self.expected[definition.code])
            // Then it lists exactly the expected events, in log order,
            #expect(trace.status == .traced)
            #expect(trace.lines.map { "\($0.stream) \($0.type) \($0.role) \($0.contribution)" }
                    == lines.map { "\($0.stream) \($0.type) \($0.role) \($0.contribution)" }, "\(definition.code)")
            #expect(trace.lines.map(\.position) == trace.lines.map(\.position).sorted())
            // recomputes the report's value from them, and prints the definition at its head.
            #expect(trace.recomputed == value && trace.reportValue == value && trace.matches, "\(definition.code)")
            #expect(report.cell(definition.code)?.value == value)
            #expect(trace.text.contains(definition.summary) && trace.text.contains("Counts: \(definition.counts)"))
            #expect(!trace.text.contains("Vakwerk") && !trace.text.contains("Jan Janssen"))
        }
    }

    @Test func theTextTableShowsEachContributionInTheCellsUnitWithAlignedColumns() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let tracer = KPITracer(log: log, geography: T.geography, vault: nil)
        // Given the fixed history, when the awarded value and the training hours are traced as text
        let euros = try tracer.trace(kpi: "COM-1", period: "programme", asOf: log.head().position).text
        let hours = try tracer.trace(kpi: "LER-1", period: "programme", asOf: log.head().position).text
        // Then amounts read in euro and hours in minutes, and every row starts its stream in the same column.
        #expect(euros.contains("+25000.00 EUR") && euros.contains("+12000.00 EUR"))
        #expect(hours.contains("+180 min") && hours.contains("+150 min"))
        let table = euros.split(separator: "\n").filter { $0.hasSuffix(Self.t1) || $0.hasSuffix("stream") }
        #expect(table.count == 3 && Set(table.map { $0.count - ($0.hasSuffix("stream") ? "stream".count : Self.t1.count) }).count == 1)
    }

    @Test func aTraceAsOfAnEarlierPositionIgnoresLaterEvents() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let tracer = KPITracer(log: log, geography: T.geography, vault: nil)
        let endOfQ1 = log.position(at: T.at(2026, 3, 31))
        let trace = try tracer.trace(kpi: "OPD-1", period: "programme", asOf: endOfQ1)
        #expect(trace.lines.map(\.stream) == [Self.t1] && trace.recomputed == 1 && trace.matches)
        #expect(trace.lines.allSatisfy { $0.position <= endOfQ1 } && trace.asOf.position == endOfQ1)
        // The same trace later gives the same bytes.
        _ = try await log.append(stream: "tender-late", expectedVersion: .any, events: [ProposedEvent(type: "X", payload: [1])])
        #expect(try tracer.trace(kpi: "OPD-1", period: "programme", asOf: endOfQ1).json.bytes == trace.json.bytes)
    }

    @Test func aSuppressedCellPrintsNoEventsUnlessForced() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let tracer = KPITracer(log: log, geography: T.geography, vault: nil)
        // Three active members live in Centrum: the cell is suppressed.
        let hidden = try tracer.trace(kpi: "SOC-1", period: "programme", breakdown: "wijk=WK093500", asOf: log.head().position)
        #expect(hidden.status == .suppressed && hidden.lines.isEmpty && hidden.recomputed == nil && hidden.reportValue == nil)
        #expect(hidden.text.contains("suppressed") && !hidden.text.contains("recorded-at") && !hidden.text.contains("member-"))
        // An administrator may force it; the output says so.
        let forced = try tracer.trace(kpi: "SOC-1", period: "programme", breakdown: "wijk=WK093500", asOf: log.head().position, force: true)
        #expect(forced.status == .forced && forced.lines.count == 3 && forced.recomputed == 3 && forced.matches)
        #expect(forced.text.contains("FORCED") && forced.json.text.contains("\"forced\":true"))
    }

    @Test func distinctCountsCreditEachPersonToTheFirstLineNamingThem() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        // The first meetup had members 1–6, the second members 1 and 2: 6 unique attendees.
        let trace = try KPITracer(log: log, geography: T.geography, vault: nil)
            .trace(kpi: "ONT-1", period: "programme", breakdown: "measure=uniqueAttendees", asOf: log.head().position, force: true)
        #expect(trace.lines.map(\.contribution) == [6, 0] && trace.recomputed == 6 && trace.matches)
    }

    @Test func targetGroupCellsAreNeverTraced() async throws {
        let (store, log, vault) = try await TargetGroupHistory.make(count: 6) { _ in [.armoede] }
        defer { store.remove() }
        let trace = try KPITracer(log: log, geography: T.geography, vault: vault)
            .trace(kpi: "SOC-1", period: "programme", breakdown: "targetGroup=armoede", asOf: log.head().position, force: true)
        #expect(trace.status == .personal && trace.lines.isEmpty && trace.reportValue == 6)
        #expect(trace.text.contains("not traced"))
    }

    @Test func anIssuedReportsCellIsCheckedAgainstItsRecordedValue() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let position = log.position(at: FixedHistory.endOfQ2)
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: position)
        try await issue(report, reportId: T.id(250), log: log, store: store)
        let trace = try KPITracer(log: log, geography: T.geography, vault: nil).trace(kpi: "COM-1", period: "2026-Q2", issued: T.id(250))
        #expect(trace.issuedReportId == T.id(250) && trace.asOf.position == position)
        #expect(trace.reportValue == 37_000_00 && trace.recomputed == 37_000_00 && trace.matches)
        #expect(throws: TraceError.unknownIssuedReport(T.id(99))) {
            _ = try KPITracer(log: log, geography: T.geography, vault: nil).trace(kpi: "COM-1", period: "programme", issued: T.id(99))
        }
    }

    @Test func unknownCellsNameWhatCanBeTraced() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let tracer = KPITracer(log: log, geography: T.geography, vault: nil)
        #expect(throws: TraceError.unknownKPI("OPD-9")) { _ = try tracer.trace(kpi: "OPD-9", period: "programme", asOf: log.head().position) }
        do {
            _ = try tracer.trace(kpi: "OPD-1", period: "programme", breakdown: "procedure=x", asOf: log.head().position)
            Issue.record("expected an error")
        } catch let e as TraceError {
            #expect("\(e)".contains("procedure=meervoudigOnderhands"))
        }
    }

    @Test func aDifferenceIsReported() {
        // A trace whose lines do not add up to the value it is checked against does not match.
        let t = KPITrace(kpi: "OPD-1", period: "programme", breakdown: "", label: "Totaal", summary: "", counts: "", periodRule: "",
                         unit: .count, scale: 0, asOf: LogHead(position: 1, hash: ChainHash(bytes: Array(repeating: 0, count: 32))!),
                         issuedReportId: nil, status: .traced, lines: [], reportValue: 2, recomputed: 1, fixedDenominator: nil)
        #expect(!t.matches && t.text.contains("DIFFERS FROM"))
    }
}
