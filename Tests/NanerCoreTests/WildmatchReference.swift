import Foundation
@testable import NanerCore

/// The recursive, line-for-line port of git 2.39's `wildmatch.c` that naner
/// used before: exponential on some patterns, kept here as the reference the
/// bounded `Wildmatch` must agree with on small random inputs.
enum WildmatchReference {
    enum Outcome {
        case match
        case noMatch
        case abortAll
        case abortToStarStar
    }

    static func matches(_ pattern: [UInt8], _ text: [UInt8], options: Wildmatch.Options) -> Bool {
        pattern.withUnsafeBufferPointer { pattern in
            text.withUnsafeBufferPointer { text in dowild(pattern, 0, text, 0, options) == .match }
        }
    }

    /// `dowild(p, text, flags)`. `patternStart` plays the role of the C
    /// `pattern` local: the `**` rule looks at the byte before the stars only
    /// when it lies inside the pattern this call was given.
    static func dowild(_ pattern: UnsafeBufferPointer<UInt8>, _ patternStart: Int,
                       _ text: UnsafeBufferPointer<UInt8>, _ textStart: Int,
                       _ options: Wildmatch.Options) -> Outcome {
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

        var p = patternStart
        var t = textStart
        while true {
            var pCh = patternByte(p)
            if pCh == 0 { break }
            var tCh = textByte(t)
            if tCh == 0 && pCh != ASCII.star { return .abortAll }
            if caseFold && CharacterClass.isUpper(tCh) { tCh = CharacterClass.lower(tCh) }
            if caseFold && CharacterClass.isUpper(pCh) { pCh = CharacterClass.lower(pCh) }

            switch pCh {
            case ASCII.question:
                // Anything but '/'.
                if pathname && tCh == ASCII.slash { return .noMatch }

            case ASCII.star:
                var matchSlash: Bool
                p += 1
                if patternByte(p) == ASCII.star {
                    let beforeStars = p - 2
                    repeat { p += 1 } while patternByte(p) == ASCII.star
                    if !pathname {
                        matchSlash = true
                    } else if (beforeStars < patternStart || patternByte(beforeStars) == ASCII.slash)
                                && (patternByte(p) == 0 || patternByte(p) == ASCII.slash
                                    || (patternByte(p) == ASCII.backslash && patternByte(p + 1) == ASCII.slash)) {
                        // `**/` may match nothing at all: try the rest right here
                        // so that `foo/**/bar` matches `foo/bar`.
                        if patternByte(p) == ASCII.slash && dowild(pattern, p + 1, text, t, options) == .match {
                            return .match
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
                    // A trailing `**` matches everything; a trailing `*` only
                    // when no '/' is left.
                    if !matchSlash && slashIndex(from: t) != nil { return .noMatch }
                    return .match
                } else if !matchSlash && patternByte(p) == ASCII.slash {
                    // `*/` eats the rest of one path component; the outer loop
                    // then matches the '/' itself.
                    guard let slash = slashIndex(from: t) else { return .noMatch }
                    t = slash
                    break
                }
                while true {
                    if tCh == 0 { break }
                    // When a literal follows the star, skip ahead to its next
                    // occurrence (never past a '/' unless the star may match one).
                    let next = patternByte(p)
                    if !CharacterClass.isGlobSpecial(next) {
                        var literal = next
                        if caseFold && CharacterClass.isUpper(literal) { literal = CharacterClass.lower(literal) }
                        while true {
                            tCh = textByte(t)
                            if tCh == 0 || !(matchSlash || tCh != ASCII.slash) { break }
                            if caseFold && CharacterClass.isUpper(tCh) { tCh = CharacterClass.lower(tCh) }
                            if tCh == literal { break }
                            t += 1
                        }
                        if tCh != literal { return .noMatch }
                    }
                    let matched = dowild(pattern, p, text, t, options)
                    if matched != .noMatch {
                        if !matchSlash || matched != .abortToStarStar { return matched }
                    } else if !matchSlash && tCh == ASCII.slash {
                        return .abortToStarStar
                    }
                    t += 1
                    tCh = textByte(t)
                }
                return .abortAll

            case ASCII.openBracket:
                p += 1
                pCh = patternByte(p)
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
                if matched == negated || (pathname && tCh == ASCII.slash) { return .noMatch }

            case ASCII.backslash:
                // Literal next byte (not case-folded, as in git). A trailing
                // backslash compares against NUL and so never matches.
                p += 1
                pCh = patternByte(p)
                if tCh != pCh { return .noMatch }

            default:
                if tCh != pCh { return .noMatch }
            }
            p += 1
            t += 1
        }
        return textByte(t) != 0 ? .noMatch : .match
    }
}
