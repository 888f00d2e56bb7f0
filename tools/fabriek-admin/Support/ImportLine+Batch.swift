import Dispatch
import Events
import Foundation

extension ImportLine {
    /// Thrown by `parseBatch` for a line that needs the personal-data vault (plaintext personal
    /// fields): the caller parses that line again on its own thread with the vault.
    struct NeedsVault: Error {}

    /// Parses a batch of lines on every core, each line independently (`parse` keeps no state
    /// between lines): one result per line, in order, nil for a blank line. Lines that need the
    /// vault come back as `NeedsVault`; once `context` holds a vault, every line does (the vault
    /// is used from the caller's thread only). With `spoolBodies`, each line's spool entry is
    /// encoded too (`spoolBody`).
    static func parseBatch(_ lines: [LineReader.Line], context: JSONContext,
                           spoolBodies: Bool = true) -> [Result<ImportLine, any Error>?] {
        let count = lines.count
        guard context.vault == nil else { return Array(repeating: .failure(NeedsVault()), count: count) }
        // Each slot is written by exactly one worker (k ≡ w mod workers) and read after
        // `concurrentPerform` returns, which orders the writes before the reads.
        final class Slots: @unchecked Sendable {
            let input: UnsafeBufferPointer<LineReader.Line>
            let results: UnsafeMutableBufferPointer<Result<ImportLine, any Error>?>
            /// Whether `results` were moved out (`take`).
            private var moved = false
            init(_ input: UnsafeBufferPointer<LineReader.Line>, count: Int) {
                self.input = input
                results = .allocate(capacity: count)
                results.initialize(repeating: nil)
            }
            /// The results, moved (not copied: a copy retains every reference of every line).
            func take() -> [Result<ImportLine, any Error>?] {
                moved = true
                return Array(unsafeUninitializedCapacity: results.count) { buffer, n in
                    _ = buffer.moveInitialize(fromContentsOf: results)
                    n = results.count
                }
            }
            deinit {
                if !moved { results.deinitialize() }
                results.deallocate()
            }
        }
        let workers = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), max(count / 64, 1))
        return lines.withUnsafeBufferPointer { input in
            let slots = Slots(input, count: count)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var scratch = Scratch()
                var k = w
                while k < count {
                    let line = slots.input[k]
                    if !line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                        var local = context
                        slots.results[k] = Result {
                            var parsed = try parse(line.bytes, number: line.number, context: &local, vault: { throw NeedsVault() },
                                                   scratch: &scratch)
                            if spoolBodies {
                                parsed.spoolBody = ImportSpool.body(stream: parsed.stream, expected: parsed.expected, event: parsed.event)
                            }
                            return parsed
                        }
                    }
                    k += workers
                }
            }
            return slots.take()
        }
    }
}
