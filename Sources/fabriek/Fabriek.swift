import ArgumentParser

/// `fabriek`: the service process.
@main
struct FabriekCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fabriek",
        abstract: "The Fabriek service: HTTP API, web pages and live projections over one data directory.",
        subcommands: [ServeCommand.self])
}
