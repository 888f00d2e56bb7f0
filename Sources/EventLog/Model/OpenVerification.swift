/// The whole-chain check a writable open starts in the background (`EventLog.openVerification`):
/// the chain up to the head at open, the hash the last writer closed at, and the stream index.
public enum OpenVerification: Sendable {
    /// A read-only open, or `Options.verifyInBackground` was off.
    case notRun
    case running
    /// Finished. When the chain does not verify, the log refuses appends from then on
    /// (`LogError.writerFailed`): a damaged chain is not extended. A stream index that did not
    /// match the log has been rebuilt.
    case finished(VerificationReport)
    /// The log was closed before the check finished.
    case stopped
}
