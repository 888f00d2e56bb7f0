import EventLog
import Foundation

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
let n = Int(CommandLine.arguments.dropFirst().first ?? "1000000")!
if ProcessInfo.processInfo.environment["REPLAY_ONLY"] != nil {
    let l = try EventLog.open(directory: "/tmp/scratch-bench")
    let h = l.head().position
    for _ in 0..<20 {
        let t = now()
        var sum = 0
        try l.forEachEvent(from: 1) { e in sum &+= e.payload.count }
        print("replay raw: \(Int(Double(h) / (now() - t))) ev/s (\(sum))")
    }
    exit(0)
}
let dir = "/tmp/scratch-bench"
try? FileManager.default.removeItem(atPath: dir)
struct SplitMix: RandomNumberGenerator { var s: UInt64; mutating func next() -> UInt64 { s &+= 0x9E3779B97F4A7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) &* 0x94D049BB133111EB; return z ^ (z >> 31) } }
var rng = SplitMix(s: 42)
let words = ["carpentry","plumbing","Maastricht","Wyck","Binnenstad","de Vries","Jansen","hovenier","schilder","ICT","marketing","2024-03-01","NL","BE","DE"]
var events: [(String, ProposedEvent)] = []
let text = try String(contentsOfFile: "/tmp/w200k.jsonl", encoding: .utf8)
var k = 0
for line in text.split(separator: "\n") where k < n {
    let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    let data = try JSONSerialization.data(withJSONObject: obj["data"]!)
    let a = rng.next(), b = rng.next()
    let id = withUnsafeBytes(of: (a, b)) { raw in UUID(uuid: raw.load(as: uuid_t.self)) }
    // Roughly what a binary codec keeps: drop JSON punctuation and keys.
    var payload: [UInt8] = []
    for (_, v) in (obj["data"] as! [String: Any]).sorted(by: { $0.key < $1.key }) { payload.append(contentsOf: Array("\(v)".utf8)); payload.append(0) }
    _ = data
    events.append((obj["stream"] as! String, ProposedEvent(id: id, type: obj["type"] as! String, payload: payload)))
    k += 1
}
let n2 = events.count
let log = try EventLog.open(directory: dir, options: .init(durability: ProcessInfo.processInfo.environment["DUR"] == "none" ? .none : .fsync))
var t = now()
var i = 0
while i < n2 {
    let chunk = events[i..<min(i + 1000, n2)]
    var appends: [StreamAppend] = []
    for (s, e) in chunk { appends.append(StreamAppend(stream: s, expectedVersion: .any, events: [e])) }
    _ = try await log.append(appends)
    i += 1000
}
print("batch append: \(Int(Double(n2) / (now() - t))) ev/s")
t = now()
try log.close()
print("close: \(now() - t) s; bytes/event \(Double(EventLog.bytesOnDisk(dir)) / Double(n))")
for _ in 0..<3 {
    t = now()
    let l = try EventLog.open(directory: dir)
    print("open: \((now() - t) * 1000) ms")
    try l.close()
}
let l = try EventLog.open(directory: dir)
for _ in 0..<3 {
    t = now()
    var sum = 0
    try l.forEachEvent(from: 1) { e in sum &+= e.payload.count }
    print("replay raw: \(Int(Double(n2) / (now() - t))) ev/s (\(sum))")
}
var lat: [Double] = []
for k in 0..<2000 {
    let s = "member-\(38000000 + k * 222)"
    let t0 = now()
    let evs = try l.readStream(s)
    lat.append(now() - t0)
    _ = evs.count
}
lat.sort()
print("load p50 \(lat[1000] * 1e6) us p99 \(lat[1980] * 1e6) us")
print(l.verify().description)
