import Foundation

/// The disk states a power cut could leave at each point of a traced run (`PowerLossTrace`),
/// starting from a directory whose files were all durable.
///
/// The model, per file: its content as of its last successful `fsync`/`fdatasync`, plus any
/// subset of the writes and truncations made since (applied in call order, or reordered when
/// they overlap), and each of those writes possibly torn at 512-byte sectors (any subset of its
/// sectors reached the disk, or only the file's new size with zeros); per directory: the entries
/// created, renamed or removed are durable once a directory `fsync` followed, and of the later
/// ones any prefix (a journaling file system keeps their order; a rename is atomic). The states
/// of a cut hold the acknowledgements printed up to the next call on the disk: an event the run
/// acknowledged must be in every state from then on.
struct PowerLossStates {
    final class Inode {
        var durable: [UInt8]
        var current: [UInt8]
        var pending: [Change] = []

        init(_ content: [UInt8]) {
            durable = content
            current = content
        }
    }

    enum Change {
        case write(offset: Int, bytes: [UInt8])
        case truncate(length: Int)
    }

    enum Entry {
        case file(Inode)
        case directory
    }

    enum NamespaceChange {
        case create(String, Inode)
        case rename(String, String)
        case unlink(String)
        case makeDirectory(String)
    }

    struct State {
        /// The number of the trace's operations that had happened (0: none).
        var cut: Int
        var label: String
        /// Relative path → content; directories have no content.
        var files: [String: [UInt8]]
        var directories: Set<String>
        /// The `ACK <position> <id>` lines printed before the cut.
        var acknowledged: [UInt64: UUID]
    }

    static let sector = 512

    /// At most this many states per cut (a deterministic spread of them beyond that).
    var statesPerCut = 512

    let root: String
    let trace: PowerLossTrace
    private var initial: [String: [UInt8]] = [:]
    private var initialDirectories: Set<String> = []

    /// `root` is the traced directory; its files are read now as the durable starting state.
    init(root: String, base: String, trace: PowerLossTrace) throws {
        self.root = root
        self.trace = trace
        let fm = FileManager.default
        for relative in try fm.subpathsOfDirectory(atPath: base) {
            var isDirectory: ObjCBool = false
            fm.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory)
            if isDirectory.boolValue { initialDirectories.insert(relative) } else { initial[relative] = Files.readOrEmpty(base + "/" + relative) }
        }
    }

    private func relative(_ path: String) -> String? {
        guard path.hasPrefix(root + "/") else { return nil }
        return String(path.dropFirst(root.count + 1))
    }

    /// Calls `body` with every state, cut by cut.
    func forEachState(_ body: (State) async throws -> Void) async throws {
        var live: [String: Entry] = [:]
        for (path, content) in initial { live[path] = .file(Inode(content)) }
        for directory in initialDirectories { live[directory] = .directory }
        var durable = live
        var pendingNames: [NamespaceChange] = []
        var acknowledged: [UInt64: UUID] = [:]
        let operations = trace.operations

        func record(_ change: NamespaceChange) {
            pendingNames.append(change)
            Self.apply(change, to: &live)
        }
        func inode(_ path: String) -> Inode? {
            guard let r = relative(path), case .file(let inode)? = live[r] else { return nil }
            return inode
        }

        var index = 0
        while index <= operations.count {
            if index > 0 {
                switch operations[index - 1] {
                case .output:
                    index += 1
                    continue
                case let .write(path, offset, bytes):
                    if let node = inode(path) {
                        Self.apply(.write(offset: offset, bytes: bytes), to: &node.current)
                        node.pending.append(.write(offset: offset, bytes: bytes))
                    }
                case let .truncate(path, length):
                    if let node = inode(path) {
                        Self.apply(.truncate(length: length), to: &node.current)
                        node.pending.append(.truncate(length: length))
                    }
                case let .truncateOnOpen(path):
                    if let node = inode(path) {
                        node.current = []
                        node.pending.append(.truncate(length: 0))
                    }
                case let .sync(path):
                    guard let r = relative(path) ?? (path == root ? "" : nil) else { break }
                    if case .file(let node)? = live[r] {
                        node.durable = node.current
                        node.pending = []
                    } else {
                        // A directory's fsync: every earlier change of names is durable.
                        for change in pendingNames { Self.apply(change, to: &durable) }
                        pendingNames = []
                    }
                case let .create(path):
                    if let r = relative(path) { record(.create(r, Inode([]))) }
                case let .rename(from, to):
                    if let f = relative(from), let t = relative(to) { record(.rename(f, t)) }
                case let .unlink(path):
                    if let r = relative(path) { record(.unlink(r)) }
                case let .makeDirectory(path):
                    if let r = relative(path) { record(.makeDirectory(r)) }
                }
            }
            // The acknowledgements printed before the next call on the disk.
            var next = index
            while next < operations.count, case .output(let text) = operations[next] {
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: " ")
                    if parts.count == 3, parts[0] == "ACK", let position = UInt64(parts[1]), let id = UUID(uuidString: String(parts[2])) {
                        acknowledged[position] = id
                    }
                }
                next += 1
            }
            try await states(cut: index, durable: durable, pendingNames: pendingNames, acknowledged: acknowledged, body)
            index += 1
        }
    }

    /// The states of one cut: each prefix of the pending name changes, times the combinations
    /// of each file's data variants.
    private func states(cut: Int, durable: [String: Entry], pendingNames: [NamespaceChange],
                        acknowledged: [UInt64: UUID], _ body: (State) async throws -> Void) async throws {
        var all: [State] = []
        for prefix in 0...pendingNames.count {
            var names = durable
            for change in pendingNames.prefix(prefix) { Self.apply(change, to: &names) }
            var fixed: [String: [UInt8]] = [:]
            var varying: [(String, [(String, [UInt8])])] = []
            var directories: Set<String> = []
            for (path, entry) in names {
                switch entry {
                case .directory: directories.insert(path)
                case .file(let node):
                    let variants = Self.variants(of: node)
                    if variants.count == 1 { fixed[path] = variants[0].1 } else { varying.append((path, variants)) }
                }
            }
            // Only files whose directory exists in this state.
            let present = { (path: String) -> Bool in
                let parent = (path as NSString).deletingLastPathComponent
                return parent.isEmpty || directories.contains(parent)
            }
            var combinations: [([String: [UInt8]], String)] = [(fixed, "names +\(prefix)/\(pendingNames.count)")]
            for (path, variants) in varying.sorted(by: { $0.0 < $1.0 }) {
                var next: [([String: [UInt8]], String)] = []
                for (files, label) in combinations {
                    for (variant, content) in variants {
                        var f = files
                        f[path] = content
                        next.append((f, label + ", \(path): \(variant)"))
                    }
                }
                combinations = next
            }
            for (files, label) in combinations {
                all.append(State(cut: cut, label: label, files: files.filter { present($0.key) }, directories: directories,
                                 acknowledged: acknowledged))
            }
        }
        let stride = all.count <= statesPerCut ? 1 : (all.count + statesPerCut - 1) / statesPerCut
        for (i, state) in all.enumerated() where i % stride == 0 { try await body(state) }
    }

    static func apply(_ change: NamespaceChange, to names: inout [String: Entry]) {
        switch change {
        case let .create(path, node): names[path] = .file(node)
        case let .rename(from, to):
            if let entry = names.removeValue(forKey: from) { names[to] = entry }
        case let .unlink(path): names[path] = nil
        case let .makeDirectory(path): names[path] = .directory
        }
    }

    static func apply(_ change: Change, to content: inout [UInt8], sectors: Set<Int>? = nil, sizeOnly: Bool = false) {
        switch change {
        case let .truncate(length):
            if length < content.count { content.removeLast(content.count - length) } else { content += [UInt8](repeating: 0, count: length - content.count) }
        case let .write(offset, bytes):
            var end = offset + bytes.count
            if let sectors, !sizeOnly {
                // Only the bytes of the sectors that reached the disk; the size grows to the end
                // of the last of them.
                let written = (0..<bytes.count).filter { sectors.contains((offset + $0) / sector) }
                end = written.last.map { max(content.count, offset + $0 + 1) } ?? content.count
            }
            if end > content.count { content += [UInt8](repeating: 0, count: end - content.count) }
            if sizeOnly { return }
            for i in 0..<bytes.count where sectors.map({ $0.contains((offset + i) / sector) }) ?? true {
                content[offset + i] = bytes[i]
            }
        }
    }

    /// The contents a file could have after a power cut: its durable content plus a subset of
    /// its pending changes (in order, and reversed), and each pending write torn at sectors.
    static func variants(of node: Inode) -> [(String, [UInt8])] {
        let changes = node.pending
        if changes.isEmpty { return [("durable", node.durable)] }
        var out: [(String, [UInt8])] = []
        var seen: Set<[UInt8]> = []
        func add(_ label: String, _ content: [UInt8]) {
            if seen.insert(content).inserted { out.append((label, content)) }
        }
        let m = changes.count
        if m <= 8 {
            for mask in 0..<(1 << m) {
                var content = node.durable
                for i in 0..<m where mask & (1 << i) != 0 { apply(changes[i], to: &content) }
                add("changes \(String(mask, radix: 2))/\(m)", content)
            }
        } else {
            for k in 0...m {
                var content = node.durable
                for i in 0..<k { apply(changes[i], to: &content) }
                add("first \(k)/\(m) changes", content)
            }
        }
        if m >= 2 {
            var content = node.durable
            for change in changes.reversed() { apply(change, to: &content) }
            add("all \(m) changes in reverse order", content)
        }
        // Each write torn: the changes before it whole, it in part, none after it.
        for (i, change) in changes.enumerated() {
            guard case let .write(offset, bytes) = change, !bytes.isEmpty else { continue }
            var before = node.durable
            for c in changes.prefix(i) { apply(c, to: &before) }
            let first = offset / sector, last = (offset + bytes.count - 1) / sector
            let spanned = Array(first...last)
            var subsets: [Set<Int>] = []
            if spanned.count <= 5 {
                for mask in 1..<((1 << spanned.count) - 1) {
                    subsets.append(Set(spanned.indices.filter { mask & (1 << $0) != 0 }.map { spanned[$0] }))
                }
            } else {
                for k in 1..<spanned.count {
                    subsets.append(Set(spanned.prefix(k)))
                    subsets.append(Set(spanned.suffix(k)))
                }
                for s in spanned { subsets.append(Set(spanned).subtracting([s])) }
            }
            for subset in subsets {
                var content = before
                apply(change, to: &content, sectors: subset)
                add("write \(i + 1)/\(m) torn: sectors \(subset.sorted()) of \(first)...\(last)", content)
            }
            if offset + bytes.count > before.count {
                var content = before
                apply(change, to: &content, sizeOnly: true)
                add("write \(i + 1)/\(m): size only, zeros", content)
            }
        }
        return out
    }

    /// Writes a state into `directory` (which must not exist).
    static func materialize(_ state: State, at directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for d in state.directories.sorted() { try fm.createDirectory(atPath: directory + "/" + d, withIntermediateDirectories: true) }
        for (path, content) in state.files { try Files.write(content, to: directory + "/" + path) }
    }
}

extension Files {
    static func readOrEmpty(_ path: String) -> [UInt8] { (try? read(path)) ?? [] }
}
