import EventLog
import Events
import Foundation

extension CanonicalJSON: Decodable {
    /// Reads any JSON value; numbers must be integers (canonical JSON has no others).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Int64.self) { self = .int(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([CanonicalJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: CanonicalJSON].self)) }
    }
}

extension Report {
    /// Why recorded report content could not be read back.
    public struct ContentError: Error, CustomStringConvertible, Sendable {
        public var field: String
        public var description: String { "issued report content: field '\(field)' is missing or malformed; the event was not written by Report.issuedEvent" }
    }

    /// The report whose `canonicalContent` is `content` (as recorded by `ProgrammeReportIssued`):
    /// every format renders from it without the log, the keys or the reference data. Cells read
    /// back carry no basis or contributions (they are not part of the content). Throws
    /// `ContentError` naming the first field it cannot read, or when the content read back does
    /// not give the same bytes.
    public init(content: [UInt8]) throws {
        let json = try JSONDecoder().decode(CanonicalJSON.self, from: Data(content))
        guard case .object(let o) = json else { throw ContentError(field: "(root)") }
        func obj(_ v: CanonicalJSON?, _ f: String) throws -> [String: CanonicalJSON] { if case .object(let x)? = v { return x }; throw ContentError(field: f) }
        func arr(_ v: CanonicalJSON?, _ f: String) throws -> [CanonicalJSON] { if case .array(let x)? = v { return x }; throw ContentError(field: f) }
        func str(_ v: CanonicalJSON?, _ f: String) throws -> String { if case .string(let x)? = v { return x }; throw ContentError(field: f) }
        func int(_ v: CanonicalJSON?, _ f: String) throws -> Int64 { if case .int(let x)? = v { return x }; throw ContentError(field: f) }
        func bool(_ v: CanonicalJSON?, _ f: String) throws -> Bool { if case .bool(let x)? = v { return x }; throw ContentError(field: f) }

        guard let kind = Kind(rawValue: try str(o["kind"], "kind")) else { throw ContentError(field: "kind") }
        let asOf = try obj(o["asOf"], "asOf")
        guard let hash = ChainHash(hex: try str(asOf["headHash"], "asOf.headHash")) else { throw ContentError(field: "asOf.headHash") }
        var labels: [String: String] = [:]
        var cells: [KPICell] = []
        for item in try arr(o["cells"], "cells") {
            let c = try obj(item, "cells[]")
            guard let unit = KPICell.Unit(rawValue: try str(c["unit"], "cells[].unit")) else { throw ContentError(field: "cells[].unit") }
            let display = try str(c["display"], "cells[].display")
            var cell = KPICell(kpi: try str(c["kpi"], "cells[].kpi"), period: try str(c["period"], "cells[].period"),
                               breakdown: try str(c["breakdown"], "cells[].breakdown"), value: try int(c["value"], "cells[].value"),
                               scale: UInt32(clamping: try int(c["scale"], "cells[].scale")), unit: unit,
                               suppressed: try bool(c["suppressed"], "cells[].suppressed"),
                               denominator: unit == .percent ? (display == "–" ? 0 : 1) : nil)
            cell.basis = display == "–" ? 0 : max(cell.value, 1)
            cell.incomplete = c["incomplete"] == .bool(true)
            labels[cell.breakdown] = try str(c["label"], "cells[].label")
            cells.append(cell)
        }
        var goals: [GoalProgress] = []
        for item in try arr(o["goals"], "goals") {
            let g = try obj(item, "goals[]")
            let kpi = try str(g["kpi"], "goals[].kpi"), period = try str(g["period"], "goals[].period")
            guard let unit = KPICell.Unit(rawValue: try str(g["unit"], "goals[].unit")) else { throw ContentError(field: "goals[].unit") }
            let target = KPICell(kpi: kpi, period: period, value: try int(g["targetValue"], "goals[].targetValue"),
                                 scale: UInt32(clamping: try int(g["scale"], "goals[].scale")), unit: unit)
            goals.append(GoalProgress(kpi: kpi, focusArea: try str(g["focusArea"], "goals[].focusArea"), period: period, target: target,
                                      realised: cells.first { $0.kpi == kpi && $0.period == period && $0.breakdown.isEmpty }))
        }
        let definitions = try arr(o["definitions"], "definitions").map { item -> Definition in
            let d = try obj(item, "definitions[]")
            return Definition(code: try str(d["code"], "definitions[].code"), focusArea: try str(d["focusArea"], "definitions[].focusArea"),
                              summary: try str(d["summary"], "definitions[].summary"), name: try str(d["name"], "definitions[].name"))
        }
        self.init(kind: kind, title: try str(o["title"], "title"),
                  asOf: LogHead(position: UInt64(clamping: try int(asOf["position"], "asOf.position")), hash: hash),
                  periods: try arr(o["periods"], "periods").map { try str($0, "periods[]") }, cells: cells, goals: goals,
                  definitions: definitions, notes: try arr(o["notes"], "notes").map { try str($0, "notes[]") }, labels: labels)
        guard canonicalContent.bytes == content else { throw ContentError(field: "(content does not read back to the same bytes)") }
    }
}
