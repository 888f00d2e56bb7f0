import Foundation

/// The stream id of each aggregate, in one place: the write side's deciders, the read side and
/// the tools build stream ids only through these. Ids are the lowercase UUID text.
public enum StreamID {
    /// `member-{memberId}`.
    public static func member(_ id: UUID) -> String { "member-\(id.uuidString.lowercased())" }
    /// `consortium-{consortiumId}`.
    public static func consortium(_ id: UUID) -> String { "consortium-\(id.uuidString.lowercased())" }
    /// `tender-{tenderId}`.
    public static func tender(_ id: UUID) -> String { "tender-\(id.uuidString.lowercased())" }
    /// `xborder-{assignmentId}`.
    public static func crossBorder(_ id: UUID) -> String { "xborder-\(id.uuidString.lowercased())" }
    /// `activity-{activityId}`.
    public static func activity(_ id: UUID) -> String { "activity-\(id.uuidString.lowercased())" }
    /// `goal-{kpiCode}-{period}`, e.g. `goal-LER-1-2026`.
    public static func goal(kpiCode: String, period: String) -> String { "goal-\(kpiCode)-\(period)" }
    /// `report-{reportId}`.
    public static func report(_ id: UUID) -> String { "report-\(id.uuidString.lowercased())" }
    /// `import-{importId}`: the record of one `fabriek-admin import` run.
    public static func historyImport(_ id: UUID) -> String { "import-\(id.uuidString.lowercased())" }
}
