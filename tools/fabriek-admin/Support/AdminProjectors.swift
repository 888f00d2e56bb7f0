import Projections

/// The projectors this build registers with the runner. The read models of Projections are
/// added here as they land; until then the runner's reference projector.
enum AdminProjectors {
    static var all: [any Projector] {
        [StreamCountProjector()]
    }

    static func named(_ name: String) -> (any Projector)? {
        all.first { $0.name == name }
    }
}
