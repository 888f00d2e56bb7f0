import Foundation
import Testing
@testable import Fabriek

/// The two ways an auditor keeps its aggregate states: all in memory, or (what `import` uses)
/// a scratch file with a single entry of each table in memory, so that nearly every check reads
/// its aggregate and directory entries back from the file. The auditor tests run with both:
/// every rule must refuse its bad event with the same violation either way.
enum AuditorKind: String, CaseIterable, CustomTestStringConvertible {
    case inMemory
    case spilling

    var testDescription: String { rawValue }

    func auditor(recordsAcceptances: Bool = true) -> InvariantAuditor {
        switch self {
        case .inMemory:
            return InvariantAuditor(reference: Fixture.reference, recordsAcceptances: recordsAcceptances)
        case .spilling:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("auditor-\(UUID().uuidString).audit").path
            do {
                return try InvariantAuditor(reference: Fixture.reference, recordsAcceptances: recordsAcceptances, scratchFile: path,
                                            residentEntries: 1, residentDirectoryEntries: 1)
            } catch {
                preconditionFailure("cannot create the auditor's scratch file \(path): \(error)")
            }
        }
    }
}
