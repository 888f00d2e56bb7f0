/// Lets one command at a time decide and append (FIFO). Cross-aggregate rules (one register
/// entry per KvK number, a consortium's composition locked by its live bid, single
/// participation) read facts of other streams; running decisions one after another makes
/// those reads exact. The gate is held until the command's append is durable, so commands of
/// one service commit one after another (one fsync each); they do not share a group commit.
actor CommandGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
