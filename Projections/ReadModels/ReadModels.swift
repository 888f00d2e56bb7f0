import FabriekReference
import PersonalData

/// The read models of this build, in one list: the admin CLI registers them with the projection
/// runner and the bench rebuilds them.
public enum ReadModels {
    /// Every projector of `Projections/ReadModels`. With `vault` the member directory opens trade
    /// names and the KPI projector self-declared target groups (without one, those stay empty).
    public static func all(geography: MaastrichtGeography, vault: PersonalDataVault?) -> [any Projector] {
        [
            MemberDirectoryProjector(geography: geography, vault: vault),
            ConsortiaProjector(),
            TenderBoardProjector(),
            YouRegionProjector(),
            ProgrammeKPIProjector(geography: geography, vault: vault),
        ]
    }
}
