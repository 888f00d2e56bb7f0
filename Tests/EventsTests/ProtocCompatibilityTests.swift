import Events
import Foundation
import Testing

/// `events.proto` describes the payloads exactly: protoc decodes ours, and we decode protoc's.
/// Skipped when protoc is not installed (`apt-get install protobuf-compiler`).
@Suite struct ProtocCompatibilityTests {
    static let protoc = ["/usr/bin/protoc", "/usr/local/bin/protoc"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let protoDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Events").path

    static func run(_ arguments: [String], input: [UInt8]) throws -> (status: Int32, output: [UInt8]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: protoc!)
        process.arguments = ["--proto_path=\(protoDirectory)"] + arguments + ["events.proto"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, [UInt8](output))
    }

    @Test(.enabled(if: protoc != nil), arguments: Fixtures.events)
    func protocDecodesEveryEventAndReencodesTheSameBytes(_ event: DomainEvent) throws {
        let payload = event.encodePayload()
        let text = try Self.run(["--decode=fabriek.events.\(event.typeName)"], input: payload)
        #expect(text.status == 0)
        let binary = try Self.run(["--encode=fabriek.events.\(event.typeName)"], input: text.output)
        #expect(binary.status == 0)
        let back = try binary.output.withUnsafeBytes {
            try EventCatalogue.decode(type: event.typeName, schemaVersion: event.schemaVersion, payload: $0)
        }
        #expect(back == event)
    }

    @Test(.enabled(if: protoc != nil))
    func protocTextShowsTheDocumentedFields() throws {
        let e = MemberRateSet(memberId: Fixtures.member, unit: .day, amountCents: 300)
        let text = String(decoding: try Self.run(["--decode=fabriek.events.MemberRateSet"], input: e.encodePayload()).output, as: UTF8.self)
        #expect(text.contains("unit: RATE_UNIT_DAY"))
        #expect(text.contains("amount_cents: 300"))
        let v1 = MemberRateSetV1(memberId: Fixtures.member, unit: .day, amountEuros: 3)
        let v1Text = String(decoding: try Self.run(["--decode=fabriek.events.MemberRateSetV1"], input: v1.encodePayload()).output, as: UTF8.self)
        #expect(v1Text.contains("amount_euros: 3"))
    }
}
