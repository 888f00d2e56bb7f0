import ArgumentParser

/// `export FILE.jsonl` (JSON lines, the default) or `export ocds FILE.json` (open data).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export events as JSON lines (default: 'export FILE.jsonl'), or published jobs as OCDS ('export ocds FILE').",
        subcommands: [ExportLinesCommand.self, ExportOCDSCommand.self],
        defaultSubcommand: ExportLinesCommand.self)
}
