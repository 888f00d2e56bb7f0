import FabriekReference
import PersonalData

/// The read models of this build, in one list: the admin CLI registers them with the projection
/// runner and the bench rebuilds them.
public enum ReadModels {
    /// Every projector of `Projections/ReadModels`. The KPI projector reads self-declared
    /// target groups with `vault` (without one, target-group cells stay empty).
    public static func all(geography: MaastrichtGeography, vault: PersonalDataVault?) -> [any Projector] {
        [
            MemberDirectoryProjector(geography: geography),
            ConsortiaProjector(),
            TenderBoardProjector(),
            YouRegionProjector(),
            ProgrammeKPIProjector(geography: geography, vault: vault),
        ]
    }
}
