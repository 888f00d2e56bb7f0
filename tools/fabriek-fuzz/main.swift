// fabriek-fuzz TARGET FILE-OR-DIRECTORY...
//     Runs each file (each file of each directory) through TARGET's entry point once: the
//     corpus replay (tools/fuzz/run-fuzzers.sh --replay). Exit 0 when every input returned.
//
// Built with libFuzzer (tools/fuzz/run-fuzzers.sh: `swift build -Xswiftc -sanitize=fuzzer
// -Xswiftc -DFUZZING`), `fabriek-fuzz TARGET [libFuzzer options] [CORPUS_DIR...]` fuzzes TARGET
// with coverage guidance instead.
//
// fabriek-fuzz seed LOG-DIRECTORY OUTPUT-DIRECTORY
//     Writes starting inputs for every target (OUTPUT/TARGET/seed-N), cut from a log (e.g. a
//     demo store's DIR/log): its first segment's start, its stream index, blocks of its batches,
//     and the payloads of the first events of each type.
//
// Targets: segment (the segment and batch reader, through a read-only open), block (the LZ4
// block decoder and the block's event decoder), index (the stream index file reader), payload
// (the protobuf payload decoder of every catalogue type).
import EventLog
import Events
import Foundation

nonisolated(unsafe) var scratch: LogFuzzTargets.Scratch?
nonisolated(unsafe) var selected: (UnsafeRawBufferPointer) -> Void = { _ in }

nonisolated(unsafe) let targets: [String: (UnsafeRawBufferPointer) -> Void] = [
    "segment": { LogFuzzTargets.segment($0, scratch: scratch!) },
    "index": { LogFuzzTargets.streamIndex($0, scratch: scratch!) },
    "block": { LogFuzzTargets.block($0) },
    "payload": { PayloadFuzzTarget.run($0) },
]

func usage() -> Never {
    FileHandle.standardError.write(Data("usage: fabriek-fuzz \(targets.keys.sorted().joined(separator: "|")) FILE-OR-DIRECTORY...\n".utf8))
    exit(2)
}

/// Writes the seed inputs of every target (see the usage above).
func writeSeeds(log directory: String, to output: String) throws {
    var seeds = try LogFuzzTargets.seeds(logDirectory: directory, scratch: LogFuzzTargets.Scratch())
    var perType: [String: Int] = [:]
    let log = try EventLog.open(directory: directory, options: .init(readOnly: true, verifyInBackground: false))
    defer { try? log.close() }
    seeds["payload"] = []
    try log.forEachEvent(from: 1) { view in
        let event = view.materialize()
        guard let index = EventCatalogue.entries.firstIndex(where: { $0.typeName == event.type }),
              perType[event.type, default: 0] < 2, event.schemaVersion <= UInt8.max else { return }
        perType[event.type, default: 0] += 1
        seeds["payload"]!.append([UInt8(index), UInt8(event.schemaVersion)] + event.payload)
    }
    for (target, inputs) in seeds {
        try FileManager.default.createDirectory(atPath: output + "/" + target, withIntermediateDirectories: true)
        for (i, input) in inputs.enumerated() {
            try Data(input).write(to: URL(fileURLWithPath: "\(output)/\(target)/seed-\(i)"))
        }
        print("\(target): \(inputs.count) seeds")
    }
}

var arguments = CommandLine.arguments
if arguments.count == 4 && arguments[1] == "seed" {
    do { try writeSeeds(log: arguments[2], to: arguments[3]) } catch {
        FileHandle.standardError.write(Data("fabriek-fuzz: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
// libFuzzer runs this program again for `-merge=1` (and `-fork`, `-jobs`) with the options it
// was given, which do not name the target: the target travels in the environment to those runs.
let targetVariable = "FABRIEK_FUZZ_TARGET"
let targetInArguments = arguments.count >= 2 && targets[arguments[1]] != nil
guard let targetName = targetInArguments ? arguments[1] : ProcessInfo.processInfo.environment[targetVariable],
      let target = targets[targetName] else { usage() }
if targetInArguments { arguments.remove(at: 1) }
setenv(targetVariable, targetName, 1)
scratch = LogFuzzTargets.Scratch()
selected = target

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

// libFuzzer sees the program name and the options, not the target.
var argc = Int32(arguments.count)
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = UnsafeMutablePointer.allocate(capacity: arguments.count + 1)
for (i, a) in arguments.enumerated() { argv![i] = strdup(a) }
argv![arguments.count] = nil
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
    selected(UnsafeRawBufferPointer(start: data, count: count))
    return 0
})
#else
guard arguments.count >= 2 else { usage() }
var replayed = 0
for path in arguments.dropFirst(1) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        FileHandle.standardError.write(Data("fabriek-fuzz: \(path) does not exist\n".utf8))
        exit(1)
    }
    let files = isDirectory.boolValue
        ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 } : [path]
    for file in files {
        guard let data = FileManager.default.contents(atPath: file) else { continue }
        data.withUnsafeBytes { selected($0) }
        replayed += 1
    }
}
print("replayed \(replayed) inputs through \(targetName): none crashed")
#endif
