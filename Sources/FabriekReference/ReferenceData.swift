import Foundation

/// All reference data the domain consults: EU thresholds, Maastricht geography, EMR regions,
/// focus areas, target groups and KPI codes. Each part comes from its own versioned JSON file, so
/// a figure marked *(check)* can be corrected without a code change.
///
/// ```swift
/// let reference = try ReferenceData.load()                       // bundled, or $FABRIEK_REFERENCE_DIR
/// let reference = try ReferenceData.load(overrideDirectory: dir) // dir wins over both
/// reference.euThresholds.amountCents(category: "diensten", buyerKind: "decentraleOverheid", on: day)
/// ```
///
/// Lookup order per file: the override directory (the parameter, else the `FABRIEK_REFERENCE_DIR`
/// environment variable) if it holds that file, else the copy bundled with the module. An
/// override directory may therefore hold only the files it corrects.
public struct ReferenceData: Hashable, Sendable {
    /// The environment variable naming an override directory.
    public static let environmentVariable = "FABRIEK_REFERENCE_DIR"

    /// The file names, as bundled under `Sources/Fabriek/Reference/`.
    public enum File: String, CaseIterable, Sendable {
        case euThresholds = "eu-thresholds.json"
        case maastricht = "maastricht-wijken.json"
        case emrRegions = "emr-regions.json"
        case focusAreas = "focus-areas.json"
        case targetGroups = "target-groups.json"
        case kpis = "kpis.json"
    }

    public var euThresholds: EUThresholds
    public var maastricht: MaastrichtGeography
    public var emrRegions: EMRRegions
    public var focusAreas: FocusAreas
    public var targetGroups: TargetGroups
    public var kpis: KPICatalogue
    /// Where each file was read from, for reports and diagnostics.
    public var sources: [String: String]

    /// The headers (version, validFrom) of all files, keyed by file name.
    public var headers: [String: ReferenceFileHeader] {
        [
            File.euThresholds.rawValue: .init(version: euThresholds.version, validFrom: euThresholds.validFrom),
            File.maastricht.rawValue: .init(version: maastricht.version, validFrom: maastricht.validFrom),
            File.emrRegions.rawValue: .init(version: emrRegions.version, validFrom: emrRegions.validFrom),
            File.focusAreas.rawValue: .init(version: focusAreas.version, validFrom: focusAreas.validFrom),
            File.targetGroups.rawValue: .init(version: targetGroups.version, validFrom: targetGroups.validFrom),
            File.kpis.rawValue: .init(version: kpis.version, validFrom: kpis.validFrom),
        ]
    }

    /// Loads every file. Reads a handful of small files; call once at start-up and share the value.
    /// - Parameters:
    ///   - overrideDirectory: a directory whose files win over the bundled ones; `nil` to use
    ///     `environment[FABRIEK_REFERENCE_DIR]` if set.
    ///   - environment: the process environment (injectable for tests).
    /// - Throws: `ReferenceDataError` naming the file that is missing or malformed.
    public static func load(
        overrideDirectory: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ReferenceData {
        let override = overrideDirectory
            ?? environment[environmentVariable].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
        var sources: [String: String] = [:]

        func read<T: Decodable>(_ file: File, as type: T.Type) throws -> T {
            let url = try locate(file, override: override)
            sources[file.rawValue] = url.path
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw ReferenceDataError.malformed(file: file.rawValue, path: url.path, reason: "\(error)")
            }
            do { return try JSONDecoder().decode(T.self, from: data) } catch {
                throw ReferenceDataError.malformed(file: file.rawValue, path: url.path, reason: "\(error)")
            }
        }

        let euThresholds = try read(.euThresholds, as: EUThresholds.self)
        let maastricht = try read(.maastricht, as: MaastrichtGeography.self)
        let emrRegions = try read(.emrRegions, as: EMRRegions.self)
        let focusAreas = try read(.focusAreas, as: FocusAreas.self)
        let targetGroups = try read(.targetGroups, as: TargetGroups.self)
        let kpis = try read(.kpis, as: KPICatalogue.self)
        let data = ReferenceData(euThresholds: euThresholds, maastricht: maastricht, emrRegions: emrRegions,
                                 focusAreas: focusAreas, targetGroups: targetGroups, kpis: kpis, sources: sources)
        try data.checkConsistency()
        return data
    }

    /// Refuses data that contradicts itself, so that a hand-corrected file cannot silently
    /// change decisions: threshold periods of one category and buyer kind must not overlap and
    /// amounts are positive; each buurt lies in one wijk; each KPI's focus area exists.
    /// - Throws: `ReferenceDataError.inconsistent` naming the file and the problem.
    public func checkConsistency() throws {
        let thresholdFile = File.euThresholds.rawValue
        for entry in euThresholds.thresholds {
            guard entry.from < entry.until else {
                throw ReferenceDataError.inconsistent(file: thresholdFile, reason: "period \(entry.from)..<\(entry.until) is empty")
            }
            guard entry.amountCents > 0 else {
                throw ReferenceDataError.inconsistent(file: thresholdFile, reason: "amount \(entry.amountCents) is not positive")
            }
        }
        let groups = Dictionary(grouping: euThresholds.thresholds) { "\($0.category)/\($0.buyerKind)" }
        for (key, entries) in groups {
            let sorted = entries.sorted { $0.from < $1.from }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) where later.from < earlier.until {
                throw ReferenceDataError.inconsistent(
                    file: thresholdFile, reason: "\(key): \(earlier.from)..<\(earlier.until) overlaps \(later.from)..<\(later.until)")
            }
        }
        var wijkOf: [String: String] = [:]
        for wijk in maastricht.wijken {
            for buurt in wijk.buurten {
                if let other = wijkOf.updateValue(wijk.code, forKey: buurt) {
                    throw ReferenceDataError.inconsistent(file: File.maastricht.rawValue,
                                                          reason: "buurt \(buurt) is in both \(other) and \(wijk.code)")
                }
            }
        }
        for kpi in kpis.kpis where !focusAreas.contains(kpi.focusArea) {
            throw ReferenceDataError.inconsistent(file: File.kpis.rawValue,
                                                  reason: "KPI \(kpi.code) names unknown focus area \(kpi.focusArea)")
        }
    }

    /// The directory of the bundled copies. On Linux the bundle (`Fabriek_Fabriek.resources`) must
    /// sit beside the executable or in the build directory; a deployment without it should set
    /// `FABRIEK_REFERENCE_DIR` to a directory holding every file, which then never touches the bundle.
    public static func bundledDirectory() throws -> URL {
        guard let url = Bundle.module.url(forResource: "Reference", withExtension: nil) else {
            throw ReferenceDataError.bundleMissing
        }
        return url
    }

    private static func locate(_ file: File, override: URL?) throws -> URL {
        if let override {
            let candidate = override.appendingPathComponent(file.rawValue)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        let bundled = try bundledDirectory().appendingPathComponent(file.rawValue)
        guard FileManager.default.fileExists(atPath: bundled.path) else {
            throw ReferenceDataError.missing(file: file.rawValue)
        }
        return bundled
    }
}
