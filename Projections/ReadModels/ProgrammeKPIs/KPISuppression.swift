/// The small-count rule of DOMAIN.md, made safe against differences.
///
/// 1. Primary: a broken-down cell that rests on 1 to 4 people or things is not shown (value
///    0, `suppressed`, displayed `x`). Headline totals (empty breakdown) and zeros are shown.
/// 2. A headline total under 5 that is shown hides every breakdown cell of its KPI and period;
///    each category dimension of the KPI then shows `x` for every category the table has (so
///    the one category that is present cannot be read off as "the only one").
/// 3. Complementary: a reader knows the linear relations of a table (`equations`): a total is
///    the sum of its categories, the programme column the sum of the quarters, a year the sum of
///    its quarters (for counts, euros and hours of flow KPIs; shares, distinct counts and stock
///    KPIs do not add up). While any hidden cell is determined by the shown cells through those
///    relations (`recoverable`), one more cell of a relation holding it is hidden: the shown
///    breakdown cell that leaves the fewest cells determined (the smallest on a tie); padding with the dimension's other categories when only a headline
///    total is left; the headline total as a last resort.
///
/// Target groups overlap and do not add up to the total, so they take part in no relation.
public enum KPISuppression {
    public static let threshold: Int64 = 5

    /// What a reader knows about how cells relate, beyond the cells themselves.
    public struct Relations: Sendable, Hashable {
        /// KPIs whose values are states at a period's end: their periods do not add up.
        public var stockKPIs: Set<String>
        public init(stockKPIs: Set<String> = []) { self.stockKPIs = stockKPIs }
    }

    /// A linear relation between cells (indices into the cell list): `total = Σ parts`.
    public struct Equation: Sendable, Hashable {
        public var total: Int
        public var parts: [Int]
    }

    /// The primary rule for one cell.
    public static func apply(_ cell: KPICell) -> KPICell {
        guard !cell.breakdown.isEmpty, cell.basis > 0, cell.basis < threshold else { return cell }
        return suppressed(cell)
    }

    /// Every rule above over the cells of one published report. `categories` lists, per
    /// breakdown key (`wijk`, `country`, ...), the values the key can take beyond those in the
    /// cells, used when a dimension must be padded. Returns the cells with those added by
    /// padding (zero, suppressed) appended.
    /// Relations never cross KPIs, so each KPI's cells are protected on their own.
    public static func apply(_ cells: [KPICell], relations: Relations = .init(), categories: [String: [String]] = [:]) -> [KPICell] {
        var order: [String] = []
        var byKPI: [String: [KPICell]] = [:]
        for c in cells {
            if byKPI[c.kpi] == nil { order.append(c.kpi) }
            byKPI[c.kpi, default: []].append(c)
        }
        return order.flatMap { protect(byKPI[$0]!, relations: relations, categories: categories) }
    }

    /// Rules 1-3 over the cells of one KPI.
    static func protect(_ cells: [KPICell], relations: Relations, categories: [String: [String]]) -> [KPICell] {
        var out = cells.map(apply)
        // Rule 2: a small shown total hides its breakdown and pads its dimensions.
        let smallTotals = out.filter { $0.breakdown.isEmpty && $0.basis > 0 && $0.basis < threshold }
        let smallKeys = Set(smallTotals.map { "\($0.kpi)|\($0.period)" })
        for i in out.indices where !out[i].breakdown.isEmpty && !out[i].suppressed && smallKeys.contains("\(out[i].kpi)|\(out[i].period)") {
            out[i] = suppressed(out[i])
        }
        for total in smallTotals {
            for key in Set(out.filter { $0.kpi == total.kpi }.compactMap { categoryKey($0.breakdown) }).sorted() {
                pad(&out, kpi: total.kpi, period: total.period, key: key, extra: categories[key] ?? [])
            }
        }
        // Rule 3: hide more until no hidden cell is determined by the shown ones.
        while true {
            let equations = Self.equations(out, relations: relations)
            let determined = recoverable(out, equations)
            guard let first = determined.first else { break }
            // Breakdown cells before headline totals, things counted before zeros, small before large.
            let order: (Int) -> (Int, Int, Int64, String, String) = { i in
                (out[i].breakdown.isEmpty ? 1 : 0, out[i].basis == 0 ? 1 : 0, out[i].basis, out[i].period, out[i].breakdown)
            }
            // Shown breakdown cells of the relations holding a determined cell; failing those,
            // of every relation linked to it through hidden cells (the path it is recovered by).
            func shown(_ relations: [Equation]) -> [Int] {
                Set(relations.flatMap { [$0.total] + $0.parts }).filter { !out[$0].suppressed }.sorted { order($0) < order($1) }
            }
            var reached = Set(determined)
            var linked: [Equation] = []
            while true {
                linked = equations.filter { e in e.parts.contains(where: reached.contains) || reached.contains(e.total) }
                let more = Set(linked.flatMap { [$0.total] + $0.parts }.filter { out[$0].suppressed }).subtracting(reached)
                if more.isEmpty { break }
                reached.formUnion(more)
            }
            let direct = equations.filter { e in e.parts.contains(where: determined.contains) || determined.contains(e.total) }
            // Of those (the 8 smallest), hide the one that leaves the fewest cells determined.
            var seen = Set<Int>()
            let candidates = (shown(direct) + shown(linked)).filter { !out[$0].breakdown.isEmpty && seen.insert($0).inserted }.prefix(8)
            let scored = candidates.map { (remaining(out, hiding: $0, relations), $0) }
            if let best = scored.min(by: { $0.0 != $1.0 ? $0.0 < $1.0 : order($0.1) < order($1.1) })?.1 {
                out[best] = suppressed(out[best])
                continue
            }
            // Only headline totals are left: pad the dimension, else hide the total.
            let before = out.count
            if let key = categoryKey(out[first].breakdown) {
                pad(&out, kpi: out[first].kpi, period: out[first].period, key: key, extra: categories[key] ?? [])
            }
            if out.count > before { continue }
            guard let total = shown(direct).first ?? shown(linked).first else { break }
            out[total] = suppressed(out[total])
        }
        return out
    }

    /// How many hidden cells stay determined once cell `i` is hidden too.
    static func remaining(_ cells: [KPICell], hiding i: Int, _ relations: Relations) -> Int {
        var trial = cells
        trial[i] = suppressed(trial[i])
        return recoverable(trial, equations(trial, relations: relations)).count
    }

    /// The relations of `cells` a reader can use: per KPI and period, the headline total is the
    /// sum of each category dimension's cells (when it is a count, euros or hours); per KPI that
    /// is not a stock and per breakdown, the programme cell is the sum of the quarters' cells
    /// and a year's cell the sum of its quarters'. A cell absent from the list is a known 0.
    public static func equations(_ cells: [KPICell], relations: Relations) -> [Equation] {
        var index: [String: Int] = [:]
        for (i, c) in cells.enumerated() { index["\(c.kpi)|\(c.period)|\(c.breakdown)"] = i }
        var equations: [Equation] = []
        var categories: [String: [Int]] = [:]
        for (i, c) in cells.enumerated() {
            if let key = categoryKey(c.breakdown) { categories["\(c.kpi)|\(c.period)|\(key)", default: []].append(i) }
        }
        for (group, parts) in categories.sorted(by: { $0.key < $1.key }) {
            let f = group.split(separator: "|", omittingEmptySubsequences: false)
            guard let total = index["\(f[0])|\(f[1])|"], isAdditive(cells[total]) else { continue }
            equations.append(Equation(total: total, parts: parts.sorted()))
        }
        var quarters: [String: [Int]] = [:]  // "kpi|breakdown|programme" or "kpi|breakdown|YYYY" -> quarter cells
        for (i, c) in cells.enumerated() where isAdditive(c) && !relations.stockKPIs.contains(c.kpi) && Quarter.isLabel(c.period) {
            quarters["\(c.kpi)|\(c.breakdown)|programme", default: []].append(i)
            quarters["\(c.kpi)|\(c.breakdown)|\(c.period.prefix(4))", default: []].append(i)
        }
        for (group, parts) in quarters.sorted(by: { $0.key < $1.key }) {
            let f = group.split(separator: "|", omittingEmptySubsequences: false)
            guard let total = index["\(f[0])|\(f[2])|\(f[1])"], isAdditive(cells[total]) else { continue }
            equations.append(Equation(total: total, parts: parts.sorted()))
        }
        return equations
    }

    /// The hidden cells whose value follows from the shown cells through `equations`, in
    /// index order: those whose unit vector lies in the row space of the equations restricted
    /// to hidden cells (Gaussian elimination per connected group of hidden cells).
    public static func recoverable(_ cells: [KPICell], _ equations: [Equation]) -> [Int] {
        // Union the hidden cells that share an equation; eliminate each group on its own.
        var parent: [Int: Int] = [:]
        func find(_ x: Int) -> Int {
            var x = x
            while let p = parent[x], p != x { parent[x] = parent[p] ?? p; x = p }
            return x
        }
        var rows: [[Int: Double]] = []
        for e in equations {
            var row: [Int: Double] = [:]
            if cells[e.total].suppressed { row[e.total, default: 0] += 1 }
            for p in e.parts where cells[p].suppressed { row[p, default: 0] -= 1 }
            row = row.filter { $0.value != 0 }
            guard let first = row.keys.min() else { continue }
            for k in row.keys { if parent[k] == nil { parent[k] = k } }
            for k in row.keys { let a = find(first), b = find(k); if a != b { parent[b] = a } }
            rows.append(row)
        }
        var byGroup: [Int: [[Int: Double]]] = [:]
        for row in rows { byGroup[find(row.keys.min()!), default: []].append(row) }
        var found: [Int] = []
        for (_, group) in byGroup { found += determined(group) }
        return found.sorted()
    }

    /// Reduced row echelon form: a variable is determined when its pivot row has no other entry.
    static func determined(_ input: [[Int: Double]]) -> [Int] {
        var rows = input
        let columns = Set(rows.flatMap(\.keys)).sorted()
        var pivots: [(column: Int, row: Int)] = []
        var r = 0
        for c in columns where r < rows.count {
            guard let p = (r..<rows.count).max(by: { abs(rows[$0][c] ?? 0) < abs(rows[$1][c] ?? 0) }), abs(rows[p][c] ?? 0) > 1e-9 else { continue }
            rows.swapAt(r, p)
            let pivot = rows[r][c]!
            rows[r] = rows[r].mapValues { $0 / pivot }
            for i in rows.indices where i != r {
                guard let f = rows[i][c], abs(f) > 1e-12 else { continue }
                for (k, v) in rows[r] { rows[i][k, default: 0] -= f * v }
                rows[i] = rows[i].filter { abs($0.value) > 1e-9 }
            }
            pivots.append((c, r))
            r += 1
        }
        return pivots.filter { rows[$0.row].count == 1 }.map(\.column)
    }

    /// The key of a category breakdown (`wijk` of `wijk=WK093500`): one `key=value` pair that
    /// is not a `measure=` or an overlapping `targetGroup=`; nil otherwise.
    static func categoryKey(_ breakdown: String) -> String? {
        guard !breakdown.isEmpty, !breakdown.contains(";"), let eq = breakdown.firstIndex(of: "=") else { return nil }
        let key = String(breakdown[..<eq])
        return key == "measure" || key == "targetGroup" ? nil : key
    }

    /// Counts, euros and hours add up; shares and distinct counts do not.
    static func isAdditive(_ cell: KPICell) -> Bool {
        switch cell.unit {
        case .count, .euro, .hours: return true
        case .distinct, .percent: return false
        }
    }

    /// Adds a hidden zero cell for every category of `key` that the KPI's table shows (in any
    /// period) or `extra` names, and that `period` lacks; and the same cells in the year and
    /// programme columns holding `period`, where those lack them (so that no padded cell is a
    /// zero by construction).
    static func pad(_ cells: inout [KPICell], kpi: String, period: String, key: String, extra: [String]) {
        let ofKPI = cells.filter { $0.kpi == kpi && categoryKey($0.breakdown) == key }
        guard let template = ofKPI.first else { return }
        var wanted = Set(ofKPI.map(\.breakdown))
        if wanted.count < 2 { wanted.formUnion(extra.map { "\(key)=\($0)" }) }
        let periods = Set(cells.filter { $0.kpi == kpi }.map(\.period))
        var targets = [period]
        if Quarter.isLabel(period) {
            targets += [String(period.prefix(4)), "programme"].filter(periods.contains)
        }
        var present = Set(ofKPI.map { "\($0.period)|\($0.breakdown)" })
        for p in targets {
            for breakdown in wanted.sorted() where !present.contains("\(p)|\(breakdown)") {
                cells.append(KPICell(kpi: kpi, period: p, breakdown: breakdown, value: 0, scale: template.scale, unit: template.unit,
                                     basis: 0, suppressed: true))
                present.insert("\(p)|\(breakdown)")
            }
        }
    }

    private static func suppressed(_ cell: KPICell) -> KPICell {
        var c = cell
        c.value = 0
        c.suppressed = true
        return c
    }
}
