@testable import FabriekServer
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
}
