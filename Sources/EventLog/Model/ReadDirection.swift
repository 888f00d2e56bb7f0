/// Direction of a stream read.
public enum ReadDirection: Sendable, Hashable {
    case forward
    case backward
}
