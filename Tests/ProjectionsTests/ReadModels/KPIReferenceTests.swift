import FabriekReference
import Testing
@testable import Projections

/// The KPI reference file (`kpis.json`, which deciders check goals against) and the KPI
/// definitions (what reports compute) name the same KPIs with the same focus areas.
@Suite struct KPIReferenceTests {
    @Test func referenceFileMatchesTheDefinitions() throws {
        // Given the bundled reference data
        let catalogue = try ReferenceData.load(environment: [:]).kpis
        // Then every KPI it lists has a definition and vice versa, with the same focus area, in the same order.
        #expect(catalogue.kpis.map(\.code) == KPIDefinitions.all.map(\.code))
        #expect(catalogue.kpis.map(\.focusArea) == KPIDefinitions.all.map(\.focusArea))
    }

    @Test func readModelsHaveDistinctNames() {
        let names = ReadModels.all(geography: T.geography, vault: nil).map(\.name)
        #expect(Set(names).count == names.count && names.count == 5)
    }
}
