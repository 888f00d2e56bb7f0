import Crypto
import EventLog
import Events
import Foundation

/// A report computed from the log as of one position: its cells, goals and annex, the head it
/// was computed from, and the SHA-256 of its canonical content.
///
/// Everything in a report derives from events at positions `1...asOf.position` (plus, in the
/// annex, a comparison with reports issued for the same position). It holds no wall-clock time
/// or random value, so anyone with the log recomputes the same `contentHash` and the same bytes
/// in every format.
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
    }

    public var kind: Kind
    public var title: String
    public var asOf: LogHead
    /// Period labels in time order, quarters first, `programme` last.
    public var periods: [String]
    public var cells: [KPICell]
    public var goals: [GoalProgress]
    public var definitions: [Definition]
    /// Annex notes, e.g. differences from an issued report after an erasure.
    public var notes: [String]

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
                .object(["kpi": .string(c.kpi), "period": .string(c.period), "breakdown": .string(c.breakdown),
                         "value": .int(c.value), "scale": .int(Int64(c.scale)), "suppressed": .bool(c.suppressed),
                         "display": .string(c.displayValue)])
            }),
            "goals": .array(goals.map { g in
                .object(["kpi": .string(g.kpi), "focusArea": .string(g.focusArea), "period": .string(g.period),
                         "target": .string(g.target.displayValue), "realised": g.realised.map { .string($0.displayValue) } ?? .null])
            }),
            "definitions": .array(definitions.map { .object(["code": .string($0.code), "focusArea": .string($0.focusArea), "summary": .string($0.summary)]) }),
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
