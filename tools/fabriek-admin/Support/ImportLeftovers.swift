import Foundation

/// What an import that did not finish (killed, or the machine lost power) leaves in the data
/// directory: its staging log (`import-PID.log`, an import into an empty log), its spool
/// (`import-PID.spool`) or its auditor's scratch file (`import-PID.audit`). None is part of the log: the log holds all of an import or none of
/// it. They are removed, saying so, by the next import, which holds the log's writer lock, so
/// no other import into this directory can still be using them.
enum ImportLeftovers {
    /// Removes the leftovers in `directory` and returns one line per removed entry (its name and
    /// the bytes of its files), for the operator.
    static func removeStale(in directory: String) -> [String] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for name in names.sorted() where isLeftover(name) {
            let path = directory + "/" + name
            let bytes = size(of: path)
            do {
                try fm.removeItem(atPath: path)
                removed.append("removed \(path) (\(bytes) bytes), left by an import that did not finish; the log never held any of it")
            } catch {
                removed.append("could not remove \(path), left by an import that did not finish (\(error)); it is not part of the log and can be deleted by hand")
            }
        }
        return removed
    }

    /// `import-<digits>` and `.log`, `.spool` or `.audit`.
    static func isLeftover(_ name: String) -> Bool {
        guard name.hasPrefix("import-") else { return false }
        let rest = name.dropFirst("import-".count)
        for suffix in [".log", ".spool", ".audit"] where rest.hasSuffix(suffix) {
            let pid = rest.dropLast(suffix.count)
            return !pid.isEmpty && pid.allSatisfy(\.isASCII) && pid.allSatisfy(\.isNumber)
        }
        return false
    }

    private static func size(of path: String) -> Int64 {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
        if !isDirectory.boolValue {
            return (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        }
        var total: Int64 = 0
        if let walker = fm.enumerator(atPath: path) {
            for case let sub as String in walker {
                guard let attributes = try? fm.attributesOfItem(atPath: path + "/" + sub),
                      attributes[.type] as? FileAttributeType == .typeRegular else { continue }
                total += (attributes[.size] as? NSNumber)?.int64Value ?? 0
            }
        }
        return total
    }
}
