/// git's `wildmatch.c`: every pattern matches exactly the paths git matches,
/// quirks included, in time polynomial in the pattern and the text and with
/// no recursion, whatever a pattern (a pulled `.syncignore`, a `.gitignore`
/// in the tree) looks like.
///
/// git's `dowild` recurses once per star and backtracks; its abort values
/// say that a failed star cannot be helped by an outer star taking more
/// text. git 2.39 (the git of Debian 12) failed to return them in three
/// places, so `*a*a*a…*ab` against `aaa…a` took exponential time; git 2.41
/// fixed that (1f2e05f0b7, "wildmatch: fix exponential behavior") without
/// changing any answer. This is the fixed algorithm, plus one more abort of
/// the same kind: when `**/` matching no folder at all aborts everything,
/// so does `**/` matching folders, since that only starts the rest later
/// (git still retries there, which makes `**/a/**/a/…` exponential).
///
/// With those aborts a star's frame never answers "no match": it answers
/// match, abort-all or abort-to-`**`. So once a frame reaches a star, the
/// star that called the frame will only pass its answer up, and at any time
/// at most two stars may still try a later position: the innermost star
/// that can match '/' (`**`, or any star without `WM_PATHNAME`), and the
/// innermost one that cannot, inside it. That makes the recursion a loop
/// with two resume points, the classic shape of a bounded glob matcher.
///
/// Works on UTF-8 bytes. Like the C code, a NUL byte ends the pattern or the
/// text, and every "past the end" read yields NUL.
public enum Wildmatch {
    public struct Options: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// `WM_PATHNAME`: `*`, `?` and `[...]` never match `/`, and `**` between
        /// slashes (or at either end) matches any number of directories.
        public static let pathname = Options(rawValue: 1 << 0)
        /// `WM_CASEFOLD`: ASCII letters compare without case.
        public static let caseFold = Options(rawValue: 1 << 1)
    }

    /// `WM_MATCH`, `WM_NOMATCH`, `WM_ABORT_ALL`, `WM_ABORT_TO_STARSTAR`: what
    /// a frame of git's recursion answers; the two aborts cut the
    /// backtracking short.
    enum Outcome {
        case match
        case noMatch
        case abortAll
        case abortToStarStar
    }

    public static func matches(pattern: UnsafeBufferPointer<UInt8>, text: UnsafeBufferPointer<UInt8>,
                               options: Options = .pathname) -> Bool {
        dowild(pattern, 0, text, 0, options) == .match
    }

    public static func matches(pattern: [UInt8], text: [UInt8], options: Options = .pathname) -> Bool {
        pattern.withUnsafeBufferPointer { pattern in
            text.withUnsafeBufferPointer { text in
                matches(pattern: pattern, text: text, options: options)
            }
        }
    }

    public static func matches(_ pattern: String, _ text: String, options: Options = .pathname) -> Bool {
        matches(pattern: Array(pattern.utf8), text: Array(text.utf8), options: options)
    }

    /// git's `dowild(p, text, flags)` for the whole pattern from
    /// `patternStart`, without recursion (see the type's comment).
    /// `patternStart` plays the role of the C `pattern` local: a `**` counts
    /// as a folder wildcard only at that position or right after a '/'.
    static func dowild(_ pattern: UnsafeBufferPointer<UInt8>, _ patternStart: Int,
                       _ text: UnsafeBufferPointer<UInt8>, _ textStart: Int,
                       _ options: Options) -> Outcome {
        let patternCount = pattern.count
        let textCount = text.count
        @inline(__always) func patternByte(_ index: Int) -> UInt8 {
            index < patternCount ? pattern[index] : 0
        }
        @inline(__always) func textByte(_ index: Int) -> UInt8 {
            index < textCount ? text[index] : 0
        }
        /// `strchr(text, '/')`, stopping at NUL like C.
        func slashIndex(from index: Int) -> Int? {
            var index = index
            while true {
                let byte = textByte(index)
                if byte == 0 { return nil }
                if byte == ASCII.slash { return index }
                index += 1
            }
        }
        let caseFold = options.contains(.caseFold)
        let pathname = options.contains(.pathname)
        @inline(__always) func folded(_ byte: UInt8) -> UInt8 {
            caseFold && CharacterClass.isUpper(byte) ? CharacterClass.lower(byte) : byte
        }

        /// The head of git's star loop, for a star whose rest of pattern
        /// starts at `p`, about to try text position `t`: at the end of the
        /// text the star gives up (abort-all); when a literal follows the
        /// star, `t` skips ahead to its next occurrence (never past a '/'
        /// unless the star may match one), and a literal that does not
        /// occur aborts. Nil: try the rest of the pattern at `t`.
        func starLoopHead(_ p: Int, _ t: inout Int, matchSlash: Bool) -> Outcome? {
            if textByte(t) == 0 { return .abortAll }
            let next = patternByte(p)
            if !CharacterClass.isGlobSpecial(next) {
                let literal = folded(next)
                var tCh: UInt8
                while true {
                    tCh = textByte(t)
                    if tCh == 0 || !(matchSlash || tCh != ASCII.slash) { break }
                    tCh = folded(tCh)
                    if tCh == literal { break }
                    t += 1
                }
                if tCh != literal { return matchSlash ? .abortAll : .abortToStarStar }
            }
            return nil
        }

        // The two stars that may still try a later position: `p` is where
        // the rest of the pattern starts, `t` the text position tried last.
        var single: (p: Int, t: Int)?
        var slashing: (p: Int, t: Int, zeroWidth: Bool)?

        var p = patternStart
        var t = textStart
        while true {
            // One frame of git's recursion: the fixed-width part of the
            // pattern from (p, t), up to its answer or up to a star loop.
            var outcome: Outcome
            frame: while true {
                var pCh = patternByte(p)
                if pCh == 0 {
                    outcome = textByte(t) != 0 ? .noMatch : .match
                    break frame
                }
                var tCh = textByte(t)
                if tCh == 0 && pCh != ASCII.star {
                    outcome = .abortAll
                    break frame
                }
                tCh = folded(tCh)
                pCh = folded(pCh)

                switch pCh {
                case ASCII.question:
                    // Anything but '/'.
                    if pathname && tCh == ASCII.slash {
                        outcome = .noMatch
                        break frame
                    }

                case ASCII.star:
                    let firstStar = p
                    var matchSlash: Bool
                    p += 1
                    if patternByte(p) == ASCII.star {
                        repeat { p += 1 } while patternByte(p) == ASCII.star
                        if !pathname {
                            matchSlash = true
                        } else if (firstStar == patternStart || patternByte(firstStar - 1) == ASCII.slash)
                                    && (patternByte(p) == 0 || patternByte(p) == ASCII.slash
                                        || (patternByte(p) == ASCII.backslash && patternByte(p + 1) == ASCII.slash)) {
                            if patternByte(p) == ASCII.slash {
                                // `**/` may match no folder at all: try the rest
                                // right here first, so that `foo/**/bar` matches
                                // `foo/bar`; the star loop comes after, if needed.
                                single = nil
                                slashing = (p, t, true)
                                p += 1
                                continue frame
                            }
                            matchSlash = true
                        } else {
                            // `**` not delimited by slashes is just `*`.
                            matchSlash = false
                        }
                    } else {
                        matchSlash = !pathname
                    }
                    if patternByte(p) == 0 {
                        // A trailing `**` matches everything; a trailing `*`
                        // only when no '/' is left.
                        outcome = !matchSlash && slashIndex(from: t) != nil ? .abortToStarStar : .match
                        break frame
                    }
                    if !matchSlash && patternByte(p) == ASCII.slash {
                        // `*/` eats the rest of one path component; the '/'
                        // itself is matched below.
                        guard let slash = slashIndex(from: t) else {
                            outcome = .abortAll
                            break frame
                        }
                        t = slash
                        break
                    }
                    // A star loop. The star that called this frame, if any,
                    // will only pass this star's answer up: this one replaces it.
                    var start = t
                    if let abort = starLoopHead(p, &start, matchSlash: matchSlash) {
                        outcome = abort
                        if matchSlash { return abort }
                        single = nil
                        break frame
                    }
                    if matchSlash {
                        single = nil
                        slashing = (p, start, false)
                    } else {
                        single = (p, start)
                    }
                    t = start
                    continue frame

                case ASCII.openBracket:
                    switch bracket(pattern, &p, tCh, caseFold: caseFold) {
                    case .abortAll:
                        outcome = .abortAll
                        break frame
                    case .noMatch:
                        outcome = .noMatch
                        break frame
                    default:
                        if pathname && tCh == ASCII.slash {
                            outcome = .noMatch
                            break frame
                        }
                    }

                case ASCII.backslash:
                    // Literal next byte (not case-folded, as in git). A trailing
                    // backslash compares against NUL and so never matches.
                    p += 1
                    pCh = patternByte(p)
                    if tCh != pCh {
                        outcome = .noMatch
                        break frame
                    }

                default:
                    if tCh != pCh {
                        outcome = .noMatch
                        break frame
                    }
                }
                p += 1
                t += 1
            }

            // Hand the frame's answer to the star that called it, as git's
            // star loops do, until one of them tries a later position.
            deliver: while true {
                if var star = single {
                    // A star that cannot match '/': any answer but "no match"
                    // is its own answer too; it cannot step over a '/'.
                    if outcome != .noMatch || textByte(star.t) == ASCII.slash {
                        if outcome == .noMatch { outcome = .abortToStarStar }
                        single = nil
                        continue deliver
                    }
                    star.t += 1
                    if let abort = starLoopHead(star.p, &star.t, matchSlash: false) {
                        outcome = abort
                        single = nil
                        continue deliver
                    }
                    single = star
                    p = star.p
                    t = star.t
                    break deliver
                } else if var star = slashing {
                    // A star that may match '/': only a match or an abort-all
                    // ends it, and either ends the whole match.
                    if outcome == .match || outcome == .abortAll { return outcome }
                    if star.zeroWidth {
                        star.zeroWidth = false
                    } else {
                        star.t += 1
                    }
                    if let abort = starLoopHead(star.p, &star.t, matchSlash: true) { return abort }
                    slashing = star
                    p = star.p
                    t = star.t
                    break deliver
                } else {
                    return outcome
                }
            }
        }
    }

    /// A bracket expression starting at `p` (on the '['), against `tCh`:
    /// `.match` when the byte is in the set, `.noMatch` when not,
    /// `.abortAll` when the set is malformed; `p` ends on the closing ']'.
    /// The '/' rule of `WM_PATHNAME` is the caller's.
    private static func bracket(_ pattern: UnsafeBufferPointer<UInt8>, _ p: inout Int, _ tCh: UInt8,
                                caseFold: Bool) -> Outcome {
        let patternCount = pattern.count
        @inline(__always) func patternByte(_ index: Int) -> UInt8 {
            index < patternCount ? pattern[index] : 0
        }
        p += 1
        var pCh = patternByte(p)
        if pCh == ASCII.caret { pCh = ASCII.bang }
        let negated = pCh == ASCII.bang
        if negated {
            p += 1
            pCh = patternByte(p)
        }
        var previous: UInt8 = 0
        var matched = false
        while true {
            element: do {
                if pCh == 0 { return .abortAll }
                if pCh == ASCII.backslash {
                    p += 1
                    pCh = patternByte(p)
                    if pCh == 0 { return .abortAll }
                    if tCh == pCh { matched = true }
                } else if pCh == ASCII.dash && previous != 0
                            && patternByte(p + 1) != 0 && patternByte(p + 1) != ASCII.closeBracket {
                    p += 1
                    pCh = patternByte(p)
                    if pCh == ASCII.backslash {
                        p += 1
                        pCh = patternByte(p)
                        if pCh == 0 { return .abortAll }
                    }
                    if tCh <= pCh && tCh >= previous {
                        matched = true
                    } else if caseFold && CharacterClass.isLower(tCh) {
                        let upper = CharacterClass.upper(tCh)
                        if upper <= pCh && upper >= previous { matched = true }
                    }
                    pCh = 0 // so that `previous` becomes 0: no range may start here
                } else if pCh == ASCII.openBracket && patternByte(p + 1) == ASCII.colon {
                    p += 2
                    let nameStart = p
                    while true {
                        pCh = patternByte(p)
                        if pCh == 0 || pCh == ASCII.closeBracket { break }
                        p += 1
                    }
                    if pCh == 0 { return .abortAll }
                    let nameLength = p - nameStart - 1
                    if nameLength < 0 || patternByte(p - 1) != ASCII.colon {
                        // No ":]": the '[' was an ordinary member.
                        p = nameStart - 2
                        pCh = ASCII.openBracket
                        if tCh == pCh { matched = true }
                        break element
                    }
                    let name = UnsafeBufferPointer(rebasing: pattern[nameStart ..< nameStart + nameLength])
                    guard let member = CharacterClass.named(name, byte: tCh, caseFold: caseFold) else {
                        return .abortAll // malformed [:class:]
                    }
                    if member { matched = true }
                    pCh = 0
                } else if tCh == pCh {
                    matched = true
                }
            }
            previous = pCh
            p += 1
            pCh = patternByte(p)
            if pCh == ASCII.closeBracket { break }
        }
        return matched == negated ? .noMatch : .match
    }
}
