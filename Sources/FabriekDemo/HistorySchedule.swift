import Fabriek
/// The generator's agenda: steps ordered by instant, then by the order they were planned in
/// (so equal instants replay in one order). A binary heap.
struct HistorySchedule<Step> {
    private struct Entry {
        var time: Int64
        var sequence: Int
        var step: Step
        func precedes(_ other: Entry) -> Bool { (time, sequence) < (other.time, other.sequence) }
    }

    private var heap: [Entry] = []
    private var planned = 0

    var isEmpty: Bool { heap.isEmpty }

    mutating func plan(_ step: Step, at time: Int64) {
        heap.append(Entry(time: time, sequence: planned, step: step))
        planned += 1
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].precedes(heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func next() -> (time: Int64, step: Step)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < heap.count, heap[l].precedes(heap[best]) { best = l }
            if r < heap.count, heap[r].precedes(heap[best]) { best = r }
            if best == i { break }
            heap.swapAt(i, best)
            i = best
        }
        return (top.time, top.step)
    }
}
