#if FUZZING
import Foundation
import Events
import PersonalData

/// The libFuzzer target of the import line parser (issue 13): `fabriek-admin import-line
/// [libFuzzer options] [CORPUS_DIR...]` in a build with `-sanitize=fuzzer -DFUZZING`
/// (tools/fuzz/run-fuzzers.sh). Each input is parsed as line 1 of an import file, exactly as
/// `import` parses it (`ImportLine.parse`, with a vault in a scratch directory for lines that
/// hold plaintext personal data); it must parse or throw, never crash, hang or allocate without
/// bound. The normal build replays the corpus in `ImportLineFuzzTests`.
enum ImportLineFuzzer {
    static let target = "import-line"

    /// Runs libFuzzer when the first argument (or, in libFuzzer's own re-runs for merges, the
    /// environment) names the target; returns otherwise.
    static func runIfAsked() {
        var arguments = CommandLine.arguments
        let inArguments = arguments.count >= 2 && arguments[1] == target
        guard inArguments || ProcessInfo.processInfo.environment["FABRIEK_FUZZ_TARGET"] == target else { return }
        if inArguments { arguments.remove(at: 1) }
        setenv("FABRIEK_FUZZ_TARGET", target, 1)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fabriek-fuzz-import-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        guard let vault = try? PersonalDataVault.open(directory: scratch) else {
            FileHandle.standardError.write(Data("fabriek-admin: cannot open a scratch vault in \(scratch)\n".utf8))
            exit(1)
        }
        state = State(vault: vault)
        var argc = Int32(arguments.count)
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: arguments.count + 1)
        for (i, a) in arguments.enumerated() { argv![i] = strdup(a) }
        argv![arguments.count] = nil
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, count in
            ImportLineFuzzer.parse(UnsafeRawBufferPointer(start: data, count: count))
            return 0
        }
        try? FileManager.default.removeItem(atPath: scratch)
        exit(status)
    }

    struct State {
        var vault: PersonalDataVault
        var context = JSONContext()
    }

    nonisolated(unsafe) static var state: State?

    static func parse(_ bytes: UnsafeRawBufferPointer) {
        guard let vault = state?.vault else { return }
        _ = try? ImportLine.parse(bytes, number: 1, context: &state!.context, vault: { vault })
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif
