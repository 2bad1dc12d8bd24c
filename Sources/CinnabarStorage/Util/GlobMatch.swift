// Glob-style pattern matching with the exact semantics of Redis 7.2's
// stringmatchlen() (KEYS, SCAN MATCH, PSUBSCRIBE, ACL key/channel patterns,
// CONFIG GET, ...). Supported syntax: `*` (any run, including empty), `?`
// (exactly one byte), `[...]` classes with `^` negation, `a-z` ranges whose
// ends may be given in either order (compared as *signed* C chars, like
// Redis on x86; with noCase the glibc tolower() quirk that maps negative
// chars other than -1 back to 128...254 is reproduced too), `\` escapes both inside and outside classes, and the odd
// corner cases Redis has: a trailing lone `\` matches a literal backslash,
// an unterminated `[` class simply ends at the end of the pattern, and a `-`
// right before the closing `]` is treated as a range ending at `]`. Like
// Redis 7.2 the matcher stops trying longer matches for an earlier `*` once
// a later `*` failed everywhere (so `a*a*a*...b` is polynomial), and gives up
// (no match) beyond 1000 nested `*` levels. Pattern bytes past the end read
// as NUL, mirroring the NUL terminator Redis relies on.

@usableFromInline
struct _GlobMatcher {
    let pat: UnsafePointer<UInt8>
    let patLen: Int
    let str: UnsafePointer<UInt8>
    let strLen: Int
    let noCase: Bool
    var skipLongerMatches = false

    @inline(__always)
    func pc(_ i: Int) -> UInt8 { i < patLen ? pat[i] : 0 }

    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 { (c &- 0x41) < 26 ? c | 0x20 : c }

    /// glibc `tolower()` on a (possibly negative) C `char` value: ASCII
    /// letters fold, -128...-2 come back as their unsigned byte value
    /// (128...254), and -1 is EOF and stays -1.
    @inline(__always)
    static func lower(_ c: Int) -> Int {
        if c >= 0x41 && c <= 0x5A { return c | 0x20 }
        if c < -1 { return c + 256 }
        return c
    }

    mutating func run(_ pStart: Int, _ sStart: Int, _ nesting: Int) -> Bool {
        if nesting > 1000 { return false }
        var p = pStart
        var s = sStart
        while p < patLen && s < strLen {
            switch pat[p] {
            case 0x2A:  // '*'
                while p < patLen && pc(p + 1) == 0x2A { p += 1 }
                if patLen - p == 1 { return true }
                while s < strLen {
                    if run(p + 1, s, nesting + 1) { return true }
                    if skipLongerMatches { return false }
                    s += 1
                }
                // Nothing after this '*' matches anywhere in the rest of the
                // string, so longer matches for earlier stars cannot help.
                skipLongerMatches = true
                return false
            case 0x3F:  // '?'
                s += 1
            case 0x5B:  // '['
                p += 1
                let negate = pc(p) == 0x5E
                if negate { p += 1 }
                var matched = false
                let sc = str[s]
                while true {
                    let rem = patLen - p
                    let c0 = pc(p)
                    if c0 == 0x5C && rem >= 2 {
                        p += 1
                        if pat[p] == sc { matched = true }
                    } else if c0 == 0x5D {
                        break
                    } else if rem == 0 {
                        p -= 1  // unterminated class: stay on the last byte
                        break
                    } else if rem >= 3 && pat[p + 1] == 0x2D {
                        // Ranges compare C `char` values, which are signed.
                        var lo = Int(Int8(bitPattern: pat[p]))
                        var hi = Int(Int8(bitPattern: pat[p + 2]))
                        var c = Int(Int8(bitPattern: sc))
                        if lo > hi { swap(&lo, &hi) }
                        if noCase {
                            lo = _GlobMatcher.lower(lo)
                            hi = _GlobMatcher.lower(hi)
                            c = _GlobMatcher.lower(c)
                        }
                        p += 2
                        if c >= lo && c <= hi { matched = true }
                    } else if noCase {
                        if _GlobMatcher.lower(c0) == _GlobMatcher.lower(sc) { matched = true }
                    } else if c0 == sc {
                        matched = true
                    }
                    p += 1
                }
                if negate { matched = !matched }
                if !matched { return false }
                s += 1
            default:
                if pat[p] == 0x5C && patLen - p >= 2 { p += 1 }  // '\' escape
                let c = pat[p]
                let d = str[s]
                if noCase {
                    if _GlobMatcher.lower(c) != _GlobMatcher.lower(d) { return false }
                } else if c != d {
                    return false
                }
                s += 1
            }
            p += 1
            if s == strLen {
                while pc(p) == 0x2A { p += 1 }
                break
            }
        }
        return p == patLen && s == strLen
    }
}

/// Returns whether `string` matches the glob `pattern`, with exactly the
/// semantics of Redis 7.2's `stringmatchlen()` (see the file comment for the
/// syntax and corner cases). `noCase` folds ASCII letters only.
///
/// Faithful quirk: an empty subject never matches a non-empty pattern, so
/// `globMatch("*", "")` is false, as `stringmatchlen("*", "")` is (Redis's
/// KEYS/SCAN skip matching entirely for a lone `*`, callers should too).
public func globMatch(pattern: UnsafeRawBufferPointer, string: UnsafeRawBufferPointer,
                      noCase: Bool = false) -> Bool {
    let pl = pattern.count
    let sl = string.count
    if pl == 0 || sl == 0 { return pl == 0 && sl == 0 }
    var m = _GlobMatcher(
        pat: pattern.baseAddress!.assumingMemoryBound(to: UInt8.self), patLen: pl,
        str: string.baseAddress!.assumingMemoryBound(to: UInt8.self), strLen: sl,
        noCase: noCase)
    return m.run(0, 0, 0)
}

/// Convenience overload of `globMatch` for byte arrays.
public func globMatch(pattern: [UInt8], string: [UInt8], noCase: Bool = false) -> Bool {
    pattern.withUnsafeBytes { p in
        string.withUnsafeBytes { s in globMatch(pattern: p, string: s, noCase: noCase) }
    }
}
