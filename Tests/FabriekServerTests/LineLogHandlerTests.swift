@testable import FabriekServer
import Foundation
import Logging
import Testing

/// The server's log line: time, level, label, metadata sorted by key, message.
@Suite struct LineLogHandlerTests {
    @Test("given a request line's metadata, then the line holds them sorted by key after the time, level and label, and ends with the message")
    func lineShape() {
        let line = LineLogHandler.line(time: "2026-12-03T23:05:17Z", level: .info, label: "fabriek",
                                       metadata: ["status": "200", "method": "GET", "route": "/api/v1/members"], message: "request")
        #expect(line == "2026-12-03T23:05:17Z info fabriek: method=GET route=/api/v1/members status=200 request\n")
    }

    @Test("given metadata on the handler, from the provider and on the call, then each key appears once, sorted, the call's value winning over the provider's over the handler's")
    func layersMerged() {
        let bytes = LineLogHandler.lineBytes(
            time: "2026-12-03T23:05:17Z", level: .info, label: "fabriek",
            layers: [["hb.request.id": "7", "status": "handler"], ["caller": "provider", "status": "provider"],
                     ["status": "200", "caller": "coordinator", "method": "POST"]],
            message: "request")
        #expect(String(decoding: bytes, as: UTF8.self)
            == "2026-12-03T23:05:17Z info fabriek: caller=coordinator hb.request.id=7 method=POST status=200 request\n")
    }

    @Test("""
        given request fields and handler metadata sorting before, between and after the fields' keys (one colliding \
        with a field, one not a string), then the request line is byte for byte the line of the generic path
        """)
    func requestLineSameAsGeneric() {
        let fields = RequestLogFields(caller: "coordinator", duration: .microseconds(12_345), method: "POST",
                                      route: "/api/v1/tenders/{tenderId}/bids", status: 201)
        let handlerMetadata: [Logger.Metadata] = [
            [:],
            ["hb.request.id": "a1b2"],
            ["aaa": "first", "hb.request.id": .stringConvertible(42), "zzz": ["x", "y"], "status": "handler"],
            ["d": "between", "caller": "handler"],
        ]
        for metadata in handlerMetadata {
            let fast = LineLogHandler.requestLineBytes(time: "2026-12-05T05:00:00Z", label: "fabriek", metadata: metadata, fields: fields)
            let generic = LineLogHandler.lineBytes(time: "2026-12-05T05:00:00Z", level: .info, label: "fabriek",
                                                   layers: [metadata, [:], fields.metadata], message: "request")
            #expect(String(decoding: fast, as: UTF8.self) == String(decoding: generic, as: UTF8.self))
        }
        #expect(String(decoding: LineLogHandler.requestLineBytes(time: "T", label: "fabriek", metadata: ["hb.request.id": "7"], fields: fields),
                       as: UTF8.self)
            == "T info fabriek: caller=coordinator durationMs=12.34 hb.request.id=7 method=POST route=/api/v1/tenders/{tenderId}/bids status=201 request\n")
    }

    @Test("given durations, then durationMs has two decimals, truncated")
    func durationText() {
        #expect(RequestLogFields.milliseconds(.zero) == "0.00")
        #expect(RequestLogFields.milliseconds(.microseconds(9_999)) == "9.99")
        #expect(RequestLogFields.milliseconds(.microseconds(10_050)) == "10.05")
        #expect(RequestLogFields.milliseconds(.seconds(12) + .microseconds(300)) == "12000.30")
    }

    @Test("given the handler writing into a pipe, then a request line is one line written at once; with a metadata provider or above info it writes nothing and says so")
    func requestLineWritten() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let fields = RequestLogFields(caller: "-", duration: .microseconds(1_500), method: "GET", route: "/healthz", status: 200)
        var handler = LineLogHandler(label: "fabriek", fileDescriptor: fds[1])
        handler[metadataKey: "hb.request.id"] = "9"
        #expect(handler.logRequest(fields))
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(fds[0], &buffer, buffer.count)
        let text = String(decoding: buffer[..<max(0, n)], as: UTF8.self)
        #expect(text.hasSuffix(" info fabriek: caller=- durationMs=1.50 hb.request.id=9 method=GET route=/healthz status=200 request\n"), "\(text)")
        #expect(text.filter { $0 == "\n" }.count == 1)

        var quiet = handler
        quiet.logLevel = .warning
        #expect(!quiet.logRequest(fields))
        let provided = LineLogHandler(label: "fabriek", metadataProvider: Logger.MetadataProvider { ["trace": "t"] }, fileDescriptor: fds[1])
        #expect(!provided.logRequest(fields))
    }
}

