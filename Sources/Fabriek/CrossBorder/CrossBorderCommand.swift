import Events
import Foundation

/// What can be asked of a cross-border assignment (stream `xborder-{uuid}`).
public enum CrossBorderCommand: Sendable, Hashable {
    /// Register the work (invariant 9).
    case register(RegisterCrossBorderWork)
    /// Record the state of the A1 certificate (applicable social security legislation).
    case recordA1(status: A1Status, issuer: String?, validFrom: Day?, validUntil: Day?)
    /// End the work (on or after its start).
    case end(endedOn: Day, reason: String?)
}
