import EventLog
import Events
import FabriekReference
import Foundation
import Testing

@Suite("Reference data")
struct ReferenceDataTests {
    @Test func bundledFilesLoadWithVersionAndValidFrom() throws {
        let reference = try ReferenceData.load(environment: [:])
        #expect(reference.headers.count == ReferenceData.File.allCases.count)
        for (_, header) in reference.headers {
            #expect(!header.version.isEmpty)
        }
        #expect(reference.focusAreas.focusAreas.map(\.code) ==
            ["sociaal", "commercieel", "opdrachten", "lerend", "ontmoetend", "verbindend", "faciliterend"])
        #expect(reference.emrRegions.region("BE_LIEGE")?.country == "BE")
        #expect(reference.kpis.kpi("OPD-4")?.focusArea == "opdrachten")
        #expect(reference.kpis.kpis.allSatisfy { reference.focusAreas.contains($0.focusArea) })
        #expect(reference.targetGroups.contains("armoede"))
        #expect(reference.targetGroups.suppressBelow == 5)
    }

    @Test func euThresholdsPerPeriod() throws {
        let eu = try ReferenceData.load(environment: [:]).euThresholds
        let municipality = "decentraleOverheid"
        #expect(eu.amountCents(category: "diensten", buyerKind: municipality, on: Day(iso: "2025-12-31")!) == 22_100_000)
        #expect(eu.amountCents(category: "diensten", buyerKind: municipality, on: Day(iso: "2026-01-01")!) == 21_600_000)
        #expect(eu.amountCents(category: "leveringen", buyerKind: municipality, on: Day(iso: "2027-06-01")!) == 21_600_000)
        #expect(eu.amountCents(category: "werken", buyerKind: municipality, on: Day(iso: "2024-03-01")!) == 553_800_000)
        #expect(eu.amountCents(category: "werken", buyerKind: municipality, on: Day(iso: "2026-03-01")!) == 540_400_000)
        #expect(eu.amountCents(category: "diensten", buyerKind: "bedrijf", on: Day(iso: "2026-03-01")!) == nil)
    }

    @Test func maastrichtGeography() throws {
        let geo = try ReferenceData.load(environment: [:]).maastricht
        #expect(geo.wijken.map(\.code) == (0...6).map { "WK09350\($0)" })
        #expect(geo.wijk(ofBuurt: "Céramique")?.name == "Centrum")
        #expect(geo.wijk(ofBuurt: "Wolder")?.code == "WK093501")
        #expect(geo.wijk(ofBuurt: "Atlantis") == nil)
        #expect(geo.isMaastricht(postcodeArea: 6211))
        #expect(geo.isMaastricht(postcodeArea: 6229))
        #expect(!geo.isMaastricht(postcodeArea: 6230))
        // Every buurt of DOMAIN.md is placed in exactly one wijk.
        let all = geo.wijken.flatMap(\.buurten)
        #expect(all.count == Set(all).count)
        #expect(all.count == 33)
    }

    @Test func overrideDirectoryWins() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        { "version": "2026.2-test", "validFrom": "2026-01-01", "thresholds": [
          { "from": "2026-01-01", "until": "2028-01-01", "category": "diensten",
            "buyerKind": "decentraleOverheid", "amountCents": 12300000 } ] }
        """.write(to: dir.appendingPathComponent("eu-thresholds.json"), atomically: true, encoding: .utf8)

        let day = Day(iso: "2026-06-01")!
        let viaParameter = try ReferenceData.load(overrideDirectory: dir, environment: [:])
        #expect(viaParameter.euThresholds.version == "2026.2-test")
        #expect(viaParameter.euThresholds.amountCents(category: "diensten", buyerKind: "decentraleOverheid", on: day) == 12_300_000)
        // Files the override does not hold still come from the bundle.
        #expect(viaParameter.focusAreas.focusAreas.count == 7)
        #expect(viaParameter.sources["eu-thresholds.json"] == dir.appendingPathComponent("eu-thresholds.json").path)

        let viaEnvironment = try ReferenceData.load(environment: [ReferenceData.environmentVariable: dir.path])
        #expect(viaEnvironment.euThresholds.version == "2026.2-test")

        let bundled = try ReferenceData.load(environment: [:])
        #expect(bundled.euThresholds.amountCents(category: "diensten", buyerKind: "decentraleOverheid", on: day) == 21_600_000)
    }

    @Test func parameterWinsOverEnvironment() throws {
        let fromEnv = try temporaryDirectory()
        let fromParam = try temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: fromEnv)
            try? FileManager.default.removeItem(at: fromParam)
        }
        let bundled = try String(contentsOf: ReferenceData.bundledDirectory().appendingPathComponent("focus-areas.json"),
                                 encoding: .utf8)
        for (dir, version) in [(fromEnv, "env"), (fromParam, "param")] {
            try bundled.replacingOccurrences(of: "\"2026.1\"", with: "\"\(version)\"")
                .write(to: dir.appendingPathComponent("focus-areas.json"), atomically: true, encoding: .utf8)
        }
        let loaded = try ReferenceData.load(overrideDirectory: fromParam,
                                            environment: [ReferenceData.environmentVariable: fromEnv.path])
        #expect(loaded.focusAreas.version == "param")
    }

    @Test func malformedOverrideNamesTheFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{ "version": "x", "validFrom": "1 januari", "kpis": [] }"#
            .write(to: dir.appendingPathComponent("kpis.json"), atomically: true, encoding: .utf8)
        #expect {
            try ReferenceData.load(overrideDirectory: dir, environment: [:])
        } throws: { error in
            guard case let .malformed(file, _, _)? = error as? ReferenceDataError else { return false }
            return file == "kpis.json"
        }
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fabriek-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite("Reference data consistency")
struct ReferenceDataConsistencyTests {
    @Test func overlappingThresholdPeriodsAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fabriek-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        { "version": "bad", "validFrom": "2026-01-01", "thresholds": [
          { "from": "2024-01-01", "until": "2026-06-01", "category": "diensten", "buyerKind": "decentraleOverheid", "amountCents": 22100000 },
          { "from": "2026-01-01", "until": "2028-01-01", "category": "diensten", "buyerKind": "decentraleOverheid", "amountCents": 21600000 } ] }
        """.write(to: dir.appendingPathComponent("eu-thresholds.json"), atomically: true, encoding: .utf8)
        #expect {
            try ReferenceData.load(overrideDirectory: dir, environment: [:])
        } throws: { error in
            guard case let .inconsistent(file, _)? = error as? ReferenceDataError else { return false }
            return file == "eu-thresholds.json"
        }
    }

    @Test func kpiOfUnknownFocusAreaIsRefused() throws {
        var data = try ReferenceData.load(environment: [:])
        data.kpis.kpis.append(.init(code: "XXX-1", focusArea: "onbekend", name: "x"))
        #expect(throws: ReferenceDataError.inconsistent(file: "kpis.json", reason: "KPI XXX-1 names unknown focus area onbekend")) {
            try data.checkConsistency()
        }
    }

    @Test func buurtInTwoWijkenIsRefused() throws {
        var data = try ReferenceData.load(environment: [:])
        data.maastricht.wijken[1].buurten.append("Wyck")
        #expect(throws: ReferenceDataError.inconsistent(file: "maastricht-wijken.json",
                                                        reason: "buurt Wyck is in both WK093500 and WK093501")) {
            try data.checkConsistency()
        }
    }
}
