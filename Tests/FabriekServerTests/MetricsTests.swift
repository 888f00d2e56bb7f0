import FabriekServer
import Foundation
import Testing

/// `/metrics`: every series issue 9 lists, with its labels and values that follow what the
/// server did.
@Suite struct MetricsTests {
    /// One sample line of the Prometheus text format.
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    static func samples(_ text: String) -> [Sample] {
        text.split(separator: "\n").compactMap { line -> Sample? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                return nil
            }
            let series = line[..<space]
            guard let open = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: open)..<series.index(before: series.endIndex)].split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { labels[String(kv[0])] = String(kv[1].dropFirst().dropLast()) }
            }
            return Sample(name: String(series[..<open]), labels: labels, value: value)
        }
    }

    @Test("""
        given one command and two reads served, then /metrics counts them per route, method and status with their \
        latency histogram, counts the append (latency, one event, a batch of one command), and gives the lag in events \
        and seconds of every projection
        """)
    func everySeries() async throws {
        try await ServerHarness.run { h in
            let member = ServerHarness.memberA.uuidString.lowercased()
            let put = try await h.call("PUT", "/api/v1/members/\(member)/rate", role: .member, body: #"{"unit": "hour", "amountCents": 7000}"#)
            #expect(put.status == 200)
            let position = try #require(put.header("Fabriek-Position"))
            #expect(try await h.call("GET", "/api/v1/members/\(member)?minPosition=\(position)", role: .member).status == 200)
            #expect(try await h.call("GET", "/api/v1/members/not-a-uuid", role: .member).status == 400)
            // wait until every projection reached the command, so the lag is 0 when scraped
            for name in ["member-directory", "consortia-and-bids", "tender-board", "youregion-register", "programme-kpis"] {
                try await h.runtime.runner.waitUntil(name, reached: UInt64(position)!, timeout: .seconds(300))
            }

            let all = Self.samples(try await h.call("GET", "/metrics").text)
            func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
                all.first { sample in sample.name == name && labels.allSatisfy { k, v in sample.labels[k] == v } }?.value
            }
            let rate = ["route": "/api/v1/members/{memberId}/rate", "method": "PUT"]
            let one = ["route": "/api/v1/members/{memberId}", "method": "GET"]
            #expect(value("fabriek_http_requests_total", rate.merging(["status": "200"]) { $1 }) == 1)
            #expect(value("fabriek_http_requests_total", one.merging(["status": "200"]) { $1 }) == 1)
            #expect(value("fabriek_http_requests_total", one.merging(["status": "400"]) { $1 }) == 1)
            #expect(value("fabriek_http_request_duration_seconds_count", rate) == 1)
            #expect(value("fabriek_http_request_duration_seconds_count", one) == 2)
            #expect(value("fabriek_http_request_duration_seconds_bucket", rate.merging(["le": "+Inf"]) { $1 }) == 1)

            // the harness seeded its members before the metrics existed: only the command counts
            #expect(value("fabriek_events_appended_total") == 1)
            #expect(value("fabriek_append_duration_seconds_count") == 1)
            #expect(all.contains { $0.name == "fabriek_append_duration_seconds_bucket" })
            #expect(value("fabriek_commit_batch_commands_count") == 1)
            #expect(value("fabriek_commit_batch_commands_sum") == 1)

            for name in ["member-directory", "consortia-and-bids", "tender-board", "youregion-register", "programme-kpis"] {
                #expect(value("fabriek_projection_lag_events", ["projection": name]) == 0, "lag in events of \(name)")
                #expect(value("fabriek_projection_lag_seconds", ["projection": name]) == 0, "lag in seconds of \(name)")
            }
        }
    }
}
