import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import PersonalData
import Projections

/// The documented exit codes (see `fabriek-admin --help`).
enum AdminExit: Int32 {
    case ok = 0
    case failure = 1
    case usage = 2
    case locked = 3
    case corrupt = 4
}

/// An error the CLI reports as one line on standard error, with its exit code. The message says
/// what went wrong and what to do.
struct AdminError: Error, CustomStringConvertible {
    var code: AdminExit
    var message: String

    var description: String { message }

    init(_ code: AdminExit, _ message: String) {
        self.code = code
        self.message = message
    }

    static func failure(_ message: String) -> AdminError { AdminError(.failure, message) }
    static func usage(_ message: String) -> AdminError { AdminError(.usage, message) }

    /// Maps the libraries' errors to exit codes; nil for errors the argument parser handles.
    init?(mapping error: any Error) {
        switch error {
        case let e as AdminError:
            self = e
        case let e as LogError:
            switch e {
            case .locked:
                self.init(.locked, "\(e)")
            case .corruptBatch, .corruptSegment, .unsupportedFormat:
                self.init(.corrupt, "\(e)")
            default:
                self.init(.failure, "\(e)")
            }
        case let e as ProjectionError:
            if case .locked = e { self.init(.locked, "\(e)") } else { self.init(.failure, "\(e)") }
        case let e as DomainError:
            self.init(AdminExit(rawValue: e.exitCode) ?? .failure, "refused: \(e)")
        case let e as VaultError:
            self.init(.failure, "personal-data vault: \(e)")
        case let e as ServiceError:
            self.init(.failure, "\(e)")
        case let e as ReferenceDataError:
            self.init(.failure, "reference data: \(e)")
        case let e as CocoaError:
            self.init(.failure, e.localizedDescription)
        default:
            if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { return nil }
            self.init(.failure, "\(error)")
        }
    }
}
