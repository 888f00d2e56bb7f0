import Events

/// What can be asked of an issued programme report (stream `report-{reportId}`).
public enum ProgrammeReportCommand: Sendable, Hashable {
    /// Record that a report was issued: its KPI values, the log position and chain hash it was
    /// computed as of, and the SHA-256 of its canonical content. The read side computes these;
    /// issuing them is a decision of the write side (one report id, one issue).
    case issue(ProgrammeReportIssued)
}
