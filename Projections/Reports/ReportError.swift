/// Why a report could not be computed, and what to do instead.
public enum ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The position does not end a commit (or lies past the head), so it has no chain hash an
    /// auditor could check. Use a position that ends a commit (a head, or `--as-of` a date).
    case notACommitEnd(position: UInt64, head: UInt64)

    public var description: String {
        switch self {
        case .notACommitEnd(let p, let head):
            return "position \(p) does not end a commit of the log (head \(head)); give a position that ends a commit (a head of the log), or ask as of a date"
        }
    }
}
