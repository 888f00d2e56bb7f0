#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides from an event's type bytes whether a projector wants it, without allocating.
/// Admits everything when the projector declares no `handledTypes`.
struct TypeFilter: Sendable {
    private let names: [[UInt8]]?

    init(_ types: Set<String>?) {
        names = types.map { $0.map { Array($0.utf8) }.sorted { $0.count < $1.count } }
    }

    func admits(_ type: UnsafeRawBufferPointer) -> Bool {
        guard let names else { return true }
        for name in names where name.count == type.count {
            let equal = name.withUnsafeBytes { memcmp($0.baseAddress!, type.baseAddress!, type.count) == 0 }
            if equal { return true }
        }
        return false
    }
}
