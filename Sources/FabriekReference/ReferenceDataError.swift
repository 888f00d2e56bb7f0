/// Why reference data could not be loaded: which file, where it was looked for, and the cause.
public enum ReferenceDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bundled resource directory is missing (a broken build or install).
    case bundleMissing
    /// A file exists but is not valid for its schema. Fix the file named by `path`.
    case malformed(file: String, path: String, reason: String)
    /// No copy of the file was found, neither in the override directory nor bundled.
    case missing(file: String)
    /// The file parses but contradicts itself or another file (e.g. overlapping threshold
    /// periods, a KPI of an unknown focus area, a buurt in two wijken).
    case inconsistent(file: String, reason: String)

    public var description: String {
        switch self {
        case .bundleMissing:
            "the bundled reference data (Reference/) is missing from the Fabriek resources"
        case let .malformed(file, path, reason):
            "reference file \(file) at \(path) is malformed: \(reason)"
        case let .missing(file):
            "reference file \(file) not found in the override directory or the bundled copy"
        case let .inconsistent(file, reason):
            "reference file \(file) is inconsistent: \(reason)"
        }
    }
}
