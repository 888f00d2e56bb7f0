/// Size and shape of a log, as `log stats` prints it.
public struct LogStatistics: Sendable {
    public var events: UInt64
    public var streams: UInt64
    public var segments: Int
    public var batches: Int
    /// Bytes of all files in the log directory (segments and index).
    public var bytesOnDisk: UInt64
    public var eventsByType: [String: UInt64]

    public var bytesPerEvent: Double { events == 0 ? 0 : Double(bytesOnDisk) / Double(events) }
}
