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
}
