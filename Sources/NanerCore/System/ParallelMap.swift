import Dispatch
import Synchronization

/// Maps `items` on `lanes` threads, each with its own per-thread state from
/// `setUp` (a libgit2 handle, for instance). Results keep the input order.
func parallelMap<Item, State, Result>(
    _ items: [Item], lanes: Int, setUp: () -> State, _ transform: (Item, State) -> Result
) -> [Result] {
    let count = items.count
    guard count > 0 else { return [] }
    let lanes = max(1, min(lanes, count))
    if lanes == 1 {
        let state = setUp()
        return items.map { transform($0, state) }
    }
    let output = UnsafeMutablePointer<Result>.allocate(capacity: count)
    defer { output.deallocate() }
    // Each lane takes the next unclaimed chunk, so slow files do not stall one lane.
    let next = Mutex(0)
    let chunk = max(1, min(256, count / (lanes * 8)))
    withoutActuallyEscaping(setUp) { setUp in
        withoutActuallyEscaping(transform) { transform in
            // Each index of `output` is initialized by exactly one lane; the rest is read-only.
            let work = UnsafeSendable(value: (items, output, setUp, transform))
            DispatchQueue.concurrentPerform(iterations: lanes) { _ in
                let (items, output, setUp, transform) = work.value
                let state = setUp()
                while true {
                    let start = next.withLock { next in
                        defer { next += chunk }
                        return next
                    }
                    if start >= count { break }
                    for index in start..<min(start + chunk, count) {
                        (output + index).initialize(to: transform(items[index], state))
                    }
                }
            }
        }
    }
    let result = Array(UnsafeBufferPointer(start: output, count: count))
    output.deinitialize(count: count)
    return result
}

func parallelMap<Item, Result>(_ items: [Item], lanes: Int = 2, _ transform: (Item) -> Result) -> [Result] {
    parallelMap(items, lanes: lanes, setUp: { () }, { item, _ in transform(item) })
}

/// Runs `body(lane)` on `lanes` threads at once and waits for all of them.
func runConcurrently(lanes: Int, _ body: (Int) -> Void) {
    // One lane runs here: no thread to start for work that takes less than starting one.
    if lanes <= 1 { return body(0) }
    withoutActuallyEscaping(body) { body in
        // The body runs only until concurrentPerform returns; what it shares, it guards.
        let shared = UnsafeSendable(value: body)
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in shared.value(lane) }
    }
}
