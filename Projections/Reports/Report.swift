import Crypto
import EventLog
import Events
import Foundation

/// A report computed from the log as of one position: its cells, goals and annex, the head it
/// was computed from, and the SHA-256 of its canonical content.
///
/// Everything in a report derives from events at positions `1...asOf.position` (plus, in the
/// annex, a comparison with reports issued for the same position, and the sealed inputs the
/// computation could not read with the keys at hand). It holds no wall-clock time or random
/// value, so anyone with the log (and the same keys) recomputes the same `contentHash` and the
/// same bytes in every format; an issued report is reproduced from its recorded content
/// (`IssuedReports.report`) whatever the keys.
public struct Report: Sendable, Hashable {
    /// What the report covers.
    public enum Kind: String, Sendable, Hashable {
        case programme, youRegion
    }

    /// A goal with what was realised against it (the KPI's headline value for the period).
    public struct GoalProgress: Sendable, Hashable {
        public var kpi: String
        public var focusArea: String
        public var period: String
        public var target: KPICell
        public var realised: KPICell?
    }

    /// One KPI's definition as printed in the annex.
    public struct Definition: Sendable, Hashable {
        public var code: String
        public var focusArea: String
        public var summary: String
        /// The KPI's Dutch name: `name`, else the reference data's (`ReportLabels.kpi`).
        public var name: String

        public init(code: String, focusArea: String, summary: String, name: String? = nil) {
            self.code = code
            self.focusArea = focusArea
            self.summary = summary
            self.name = name ?? ReportLabels.kpi(code)
        }
    }

    public var kind: Kind
    public var title: String
    public var asOf: LogHead
    /// Period labels in time order, quarters first, `programme` last.
    public var periods: [String]
    public var cells: [KPICell]
    public var goals: [GoalProgress]
    public var definitions: [Definition]
    /// Annex notes, e.g. differences from an issued report after an erasure, or inputs that
    /// could not be read.
    public var notes: [String]
    /// The Dutch label of each breakdown in `cells` (`wijk=WK093500` → `Wijk Centrum`).
    public var labels: [String: String] = [:]

    public init(kind: Kind, title: String, asOf: LogHead, periods: [String], cells: [KPICell], goals: [GoalProgress],
                definitions: [Definition], notes: [String], labels: [String: String] = [:]) {
        self.kind = kind
        self.title = title
        self.asOf = asOf
        self.periods = periods
        self.cells = cells
        self.goals = goals
        self.definitions = definitions
        self.notes = notes
        self.labels = labels
    }

    /// The label of a breakdown: from `labels`, else computed without reference data.
    public func label(_ breakdown: String) -> String { labels[breakdown] ?? ReportLabels.breakdown(breakdown, geography: nil) }

    /// Cells not shown because they rest on fewer than 5 people or things.
    public var suppressedCells: [KPICell] { cells.filter(\.suppressed) }

    /// The report's content in canonical form: what every format shows and the hash covers.
    public var canonicalContent: CanonicalJSON {
        .object([
            "kind": .string(kind.rawValue),
            "title": .string(title),
            "asOf": .object(["position": .int(Int64(asOf.position)), "headHash": .string(asOf.hash.hex)]),
            "periods": .array(periods.map(CanonicalJSON.string)),
            "cells": .array(cells.map { c in
                var o: [String: CanonicalJSON] = [
                    "kpi": .string(c.kpi), "period": .string(c.period), "breakdown": .string(c.breakdown),
                    "value": .int(c.value), "scale": .int(Int64(c.scale)), "suppressed": .bool(c.suppressed),
                    "display": .string(c.displayValue), "label": .string(label(c.breakdown)), "unit": .string(c.unit.rawValue)]
                if c.incomplete { o["incomplete"] = .bool(true) }
                return .object(o)
            }),
            "goals": .array(goals.map { g in
                .object(["kpi": .string(g.kpi), "focusArea": .string(g.focusArea), "period": .string(g.period),
                         "target": .string(g.target.displayValue), "realised": g.realised.map { .string($0.displayValue) } ?? .null,
                         "targetValue": .int(g.target.value), "scale": .int(Int64(g.target.scale)), "unit": .string(g.target.unit.rawValue)])
            }),
            "definitions": .array(definitions.map {
                .object(["code": .string($0.code), "focusArea": .string($0.focusArea), "summary": .string($0.summary), "name": .string($0.name)])
            }),
            "suppressionThreshold": .int(KPISuppression.threshold),
            "notes": .array(notes.map(CanonicalJSON.string)),
        ])
    }

    /// SHA-256 of `canonicalContent`'s bytes, lowercase hex.
    public var contentHash: String {
        SHA256.hash(data: canonicalContent.bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The cell of `kpi` for `period` and `breakdown`, if computed.
    public func cell(_ kpi: String, period: String = "programme", breakdown: String = "") -> KPICell? {
        cells.first { $0.kpi == kpi && $0.period == period && $0.breakdown == breakdown }
    }
}
