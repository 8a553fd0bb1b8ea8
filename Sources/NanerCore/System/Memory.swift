import Glibc

/// libc's byte routines for the hot loops (the rules matcher, the walk cache, the stat
/// lanes), which compile to vector code a Swift loop does not become.
enum Memory {
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        memcmp(a, b, count) == 0
    }

    /// The first `byte` in `count` bytes from `start`.
    @inline(__always)
    static func find(_ byte: UInt8, in start: UnsafeRawPointer, count: Int) -> UnsafeRawPointer? {
        UnsafeRawPointer(memchr(start, Int32(byte), count))
    }

    static func copy(_ destination: UnsafeMutableRawPointer, from source: UnsafeRawPointer, count: Int) {
        memcpy(destination, source, count)
    }
}
