import EventLog
import Foundation
import Testing
@testable import Projections

/// Whether Debian's `chromium` is installed.
let chromiumInstalled = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains { FileManager.default.isExecutableFile(atPath: $0) }

/// The HTML reports as a municipal reviewer sees them: rendered by headless Chromium
/// (`tools/check-report-html.sh`) at 1280 and 375 px: not blank, no sideways scrolling of the
/// page, the key numbers and labels in the page text. `.ci/run` installs Debian's `chromium`;
/// without it these tests are skipped.
@Suite(.enabled(if: chromiumInstalled, "needs chromium (apt-get install chromium)"))
struct ReportBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/check-report-html.sh").path

    func check(_ html: String, _ texts: [String]) throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).html")
        try Data(html.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script, file.path] + texts
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func programmeReportReadsWellAt1280And375Pixels() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: log.head().position)
        let (status, output) = try check(ReportHTML.render(report),
                                         ["€ 37.000,00", "5,5 uur", "50,0%", "Wijk Centrum", "Gepubliceerde opdrachten", "gerealiseerd 2 / doel 4",
                                          "Legenda", report.asOf.hash.hex])
        #expect(status == 0, "\(output)")
    }

    @Test func youRegionReportReadsWellAt1280And375Pixels() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let report = try YouRegionReportBuilder(log: log).report(asOf: log.head().position)
        let (status, output) = try check(ReportHTML.render(report), ["Grensoverschrijdende registraties", "Legenda", "Programma"])
        #expect(status == 0, "\(output)")
    }

    @Test func theCheckCatchesAPageThatScrollsSideways() throws {
        // A page 2000 px wide fails at both widths, and a missing text is named.
        let (status, output) = try check("<html><body><p>" + String(repeating: "woord ", count: 80) + "</p><div style=\"width:2000px\">breed</div></body></html>",
                                         ["breed", "ontbreekt"])
        #expect(status == 1)
        #expect(output.contains("375 px: the page overflows horizontally") && output.contains("'ontbreekt' is not in the page text"))
    }
}
