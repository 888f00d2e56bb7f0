/// The small-count rule of DOMAIN.md: a broken-down cell that rests on 1 to 4 people or things
/// is not shown (value 0, `suppressed`), so no one can be singled out. Headline totals
/// (empty breakdown) and zeros are shown.
///
/// Secondary suppression: where one dimension of a KPI (e.g. all `country=` cells of SOC-1
/// for a period) has exactly one suppressed cell, it could be recovered by subtracting the
/// others from the total; the smallest shown cell of that dimension is then suppressed too.
/// Target groups are exempt: they overlap and do not add up to the total, so no cell can be
/// recovered by subtraction.
public enum KPISuppression {
    public static let threshold: Int64 = 5

    /// The primary rule for one cell.
    public static func apply(_ cell: KPICell) -> KPICell {
        guard !cell.breakdown.isEmpty, cell.basis > 0, cell.basis < threshold else { return cell }
        return suppressed(cell)
    }

    /// The primary rule for every cell, then secondary suppression per KPI, period and
    /// single-key dimension (`key=value` breakdowns other than `measure=` and `targetGroup=`).
    public static func apply(_ cells: [KPICell]) -> [KPICell] {
        var out = cells.map(apply)
        var groups: [String: [Int]] = [:]
        for (i, c) in out.enumerated() {
            guard !c.breakdown.contains(";"), !c.breakdown.hasPrefix("measure="), !c.breakdown.hasPrefix("targetGroup="),
                  let key = c.breakdown.split(separator: "=").first else { continue }
            groups["\(c.kpi)|\(c.period)|\(key)", default: []].append(i)
        }
        for (_, indices) in groups.sorted(by: { $0.key < $1.key }) {
            guard indices.filter({ out[$0].suppressed }).count == 1 else { continue }
            let shown = indices.filter { !out[$0].suppressed && out[$0].basis > 0 }
            guard let smallest = shown.min(by: { (out[$0].basis, out[$0].breakdown) < (out[$1].basis, out[$1].breakdown) }) else { continue }
            out[smallest] = suppressed(out[smallest])
        }
        return out
    }

    private static func suppressed(_ cell: KPICell) -> KPICell {
        var c = cell
        c.value = 0
        c.suppressed = true
        return c
    }
}
