/// The small-count rule of DOMAIN.md: a broken-down cell that rests on 1 to 4 people or things
/// is not shown (value 0, `suppressed`), so no one can be singled out. Headline totals
/// (empty breakdown) and zeros are shown.
public enum KPISuppression {
    public static let threshold: Int64 = 5

    public static func apply(_ cell: KPICell) -> KPICell {
        guard !cell.breakdown.isEmpty, cell.basis > 0, cell.basis < threshold else { return cell }
        var c = cell
        c.value = 0
        c.suppressed = true
        return c
    }
}
