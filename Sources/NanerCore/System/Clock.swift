import Glibc

enum Clock {
    /// The file system's idea of now: the coarse clock it stamps files with.
    static var fileSystemNow: Timestamp {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &time)
        return Timestamp(seconds: time.tv_sec, nanoseconds: time.tv_nsec)
    }

    /// Seconds on a clock that never goes back, for deadlines.
    static var monotonicSeconds: Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func sleep(milliseconds: Int) { usleep(useconds_t(milliseconds * 1000)) }
}
