import Foundation

/// Server-rendered HTML: escaping, the page frame (Dutch, one inline stylesheet, no scripts,
/// nothing fetched from elsewhere) and small pieces the pages share.
enum HTML {
    /// Escapes text for element content and attribute values.
    static func e(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func page(title: String, active: String, body: String) -> String {
        let nav = [("/", "Maastricht goals"), ("/register", "Register"), ("/klussen", "Klussen"), ("/youregion", "YouRegion")]
            .map { "<a href=\"\($0.0)\"\($0.0 == active ? " aria-current=\"page\"" : "")>\(e($0.1))</a>" }.joined(separator: " ")
        return """
        <!doctype html>
        <html lang="nl"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(title)) · ZZP fabriek Maastricht</title>
        <style>\(style)</style></head>
        <body><header><strong>ZZP fabriek Maastricht</strong><nav>\(nav)</nav></header>
        <main><h1>\(e(title))</h1>
        \(body)
        </main><footer>Fabriek · gegevens uit het eventlog · <a href="/openapi.json">API</a></footer></body></html>
        """
    }

    static let style = """
    *{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1d2433;background:#f6f7f9}
    header{background:#0b3d91;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
    header a{color:#fff;margin-right:1rem}header a[aria-current]{text-decoration:underline;font-weight:600}
    main{max-width:1200px;margin:0 auto;padding:1rem}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.5rem}
    .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem}
    .card{background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:.8rem}
    .kpi{font-family:ui-monospace,monospace;font-weight:600;color:#0b3d91}
    .num{font-size:1.4rem;font-weight:700}.muted{color:#5b6475;font-size:.9rem}.supp{color:#a33;font-style:italic}
    table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e3e7ee;padding:.35rem .5rem;text-align:left}
    .scroll{overflow-x:auto}form{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}input,select,button{font:inherit;padding:.3rem .5rem}
    svg{width:100%;height:auto}footer{max-width:1200px;margin:2rem auto;padding:0 1rem;color:#5b6475;font-size:.85rem}
    """

    /// A line chart of `values` (one per label), with the values printed under it; nil values
    /// (suppressed or absent) leave a gap.
    static func trend(_ points: [(label: String, value: Double?)], unit: String = "") -> String {
        guard points.count > 1 else { return "" }
        let w = 320.0, h = 90.0, pad = 6.0
        let values = points.compactMap(\.value)
        let maxV = max(values.max() ?? 1, 1)
        func x(_ i: Int) -> Double { pad + Double(i) * (w - 2 * pad) / Double(points.count - 1) }
        func y(_ v: Double) -> Double { h - pad - v / maxV * (h - 2 * pad) }
        var path = ""
        var pen = false
        var dots = ""
        for (i, p) in points.enumerated() {
            guard let v = p.value else { pen = false; continue }
            path += "\(pen ? "L" : "M")\(String(format: "%.1f", x(i))),\(String(format: "%.1f", y(v))) "
            dots += "<circle cx=\"\(String(format: "%.1f", x(i)))\" cy=\"\(String(format: "%.1f", y(v)))\" r=\"2.5\"><title>\(e(p.label)): \(String(format: "%.0f", v))\(e(unit))</title></circle>"
            pen = true
        }
        return """
        <svg viewBox="0 0 \(Int(w)) \(Int(h))" role="img" aria-label="trend per kwartaal">\
        <line x1="\(pad)" y1="\(h - pad)" x2="\(w - pad)" y2="\(h - pad)" stroke="#c5ccd8"/>\
        <path d="\(path)" fill="none" stroke="#0b3d91" stroke-width="2"/><g fill="#0b3d91">\(dots)</g></svg>
        """
    }
}
