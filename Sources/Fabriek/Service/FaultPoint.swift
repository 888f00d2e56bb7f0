import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named places where a crash test can kill the process for real (SIGKILL), to leave exactly
/// the disk state a crash there leaves. Inert unless the environment variable
/// `FABRIEK_FAULT_POINT` names the point: operators never set it; the crash tests of the
/// admin CLI do.
enum FaultPoint: String, Sendable {
    /// `MemberErased` is durable; the member's key is not destroyed yet.
    case afterErasureCommit = "after-erasure-commit"

    static let environmentVariable = "FABRIEK_FAULT_POINT"

    private static let armed: String? = ProcessInfo.processInfo.environment[environmentVariable]

    /// Kills this process with SIGKILL when the environment names this point.
    func hit() {
        guard Self.armed == rawValue else { return }
        kill(getpid(), SIGKILL)
    }
}
