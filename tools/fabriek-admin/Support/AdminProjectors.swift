import EventLog
import Events
import Fabriek
import FabriekReference
import Projections

/// The read models this build registers with the projection runner.
struct AdminProjectors {
    let all: [any Projector]

    /// Reference data from the bundle (or `FABRIEK_REFERENCE_DIR`); the vault when the data
    /// directory has one (the KPI projector reads self-declared target groups).
    /// Without `log` (listing names only) no vault is opened.
    init(directory: DataDirectory, log: EventLog?) throws {
        let reference = try ReferenceData.load()
        all = ReadModels.all(geography: reference.maastricht, vault: log.flatMap { directory.existingVault(log: $0) })
    }

    var names: [String] { all.map(\.name) }

    func named(_ name: String) -> (any Projector)? {
        all.first { $0.name == name }
    }
}
