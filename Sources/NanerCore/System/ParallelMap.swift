import Dispatch
import Glibc

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
    // Each lane takes the next unclaimed item, so slow files do not stall one lane.
    let next = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    next.initialize(to: 0)
    defer { next.deallocate() }
    var mutex = pthread_mutex_t()
    pthread_mutex_init(&mutex, nil)
    defer { pthread_mutex_destroy(&mutex) }
    let chunk = max(1, min(256, count / (lanes * 8)))
    withoutActuallyEscaping(setUp) { setUp in
        withoutActuallyEscaping(transform) { transform in
            let work = UnsafeSendable(value: (items, output, next, setUp, transform))
            withUnsafeMutablePointer(to: &mutex) { lock in
                let lockBox = UnsafeSendable(value: lock)
                DispatchQueue.concurrentPerform(iterations: lanes) { _ in
                    let (items, output, next, setUp, transform) = work.value
                    let state = setUp()
                    while true {
                        pthread_mutex_lock(lockBox.value)
                        let start = next.pointee
                        next.pointee = start + chunk
                        pthread_mutex_unlock(lockBox.value)
                        if start >= count { break }
                        for index in start..<min(start + chunk, count) {
                            (output + index).initialize(to: transform(items[index], state))
                        }
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
