// Tokenizing of redis.conf lines / inline commands and parsing of memory
// amounts, with the semantics of Redis 7.2's sdssplitargs() and memtoull().
// splitArgs treats its input as a C string (a NUL byte ends the line), splits
// on C-locale whitespace, supports "double quotes" with \n \r \t \b \a \xHH
// and backslash-anything escapes, 'single quotes' with only \' as an escape,
// lets quotes start in the middle of a token (foo"bar" is foobar), and fails
// when a closing quote is followed by something other than whitespace or the
// end, or when a quote is never closed. parseMemoryAmount accepts a run of
// decimal digits followed by an optional case-insensitive unit (b, k, kb, m,
// mb, g, gb; k/m/g are powers of 1000, kb/mb/gb powers of 1024).

@inline(__always)
private func isCSpace(_ c: UInt8) -> Bool {
    c == 0x20 || (c >= 0x09 && c <= 0x0D)
}

@inline(__always)
private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: return c - 0x30
    case 0x61...0x66: return c - 0x61 + 10
    case 0x41...0x46: return c - 0x41 + 10
    default: return nil
    }
}

/// Splits a line into arguments exactly like Redis's `sdssplitargs()`.
///
/// Returns nil on unbalanced quotes or when a closing quote is directly
/// followed by a non-space byte (`"foo"bar`). An empty or all-blank line
/// yields `[]`. Separators between tokens are any C `isspace` byte
/// (space, \t, \n, \v, \f, \r), but an unquoted token ends only at space,
/// \t, \n, \r or NUL (so \v and \f inside a token are kept). A NUL byte
/// terminates the whole line (anything after it is ignored), as in C.
/// Inside double quotes: `\xHH` (two hex digits, any case) gives that byte,
/// `\n \r \t \b \a` their control characters, `\` + any other byte gives
/// that byte (`\"`, `\\`, `\q` → `q`); an `\x` not followed by two hex
/// digits is just `x`. Inside single quotes only `\'` is special.
public func splitArgs(_ line: [UInt8]) -> [[UInt8]]? {
    line.withUnsafeBufferPointer { buf -> [[UInt8]]? in
        let n = buf.count
        // Byte at i, or NUL past the end (C string view).
        @inline(__always) func at(_ i: Int) -> UInt8 { i < n ? buf[i] : 0 }
        var result: [[UInt8]] = []
        var i = 0
        while true {
            while at(i) != 0 && isCSpace(at(i)) { i += 1 }
            if at(i) == 0 { return result }
            var current: [UInt8] = []
            var inDouble = false
            var inSingle = false
            var done = false
            while !done {
                let c = at(i)
                if inDouble {
                    if c == 0x5C && at(i + 1) == 0x78,
                       let h = hexValue(at(i + 2)), let l = hexValue(at(i + 3)) {
                        current.append(h << 4 | l)
                        i += 3
                    } else if c == 0x5C && at(i + 1) != 0 {
                        i += 1
                        switch at(i) {
                        case 0x6E: current.append(0x0A)  // \n
                        case 0x72: current.append(0x0D)  // \r
                        case 0x74: current.append(0x09)  // \t
                        case 0x62: current.append(0x08)  // \b
                        case 0x61: current.append(0x07)  // \a
                        default: current.append(at(i))
                        }
                    } else if c == 0x22 {
                        if at(i + 1) != 0 && !isCSpace(at(i + 1)) { return nil }
                        done = true
                    } else if c == 0 {
                        return nil  // unterminated double quotes
                    } else {
                        current.append(c)
                    }
                } else if inSingle {
                    if c == 0x5C && at(i + 1) == 0x27 {
                        i += 1
                        current.append(0x27)
                    } else if c == 0x27 {
                        if at(i + 1) != 0 && !isCSpace(at(i + 1)) { return nil }
                        done = true
                    } else if c == 0 {
                        return nil  // unterminated single quotes
                    } else {
                        current.append(c)
                    }
                } else {
                    switch c {
                    case 0x20, 0x0A, 0x0D, 0x09, 0x00: done = true
                    case 0x22: inDouble = true
                    case 0x27: inSingle = true
                    default: current.append(c)
                    }
                }
                if at(i) != 0 { i += 1 }
            }
            result.append(current)
        }
    }
}

/// Parses a memory amount like Redis's `memtoull()` as used for memory-type
/// config values (maxmemory, client-query-buffer-limit, ...).
///
/// Grammar: `[0-9]*` followed by nothing or one of the case-insensitive
/// units `b` (×1), `k` (×1000), `kb` (×1024), `m` (×10^6), `mb` (×2^20),
/// `g` (×10^9), `gb` (×2^30). Returns nil (Redis: err=1) for a leading `-`,
/// a leading `+` or space, any other unit/garbage, and digit runs of 128
/// bytes or more. Faithful C quirks: the digit run may be empty (`""` and
/// `"kb"` give 0), a NUL byte ends the string, digit overflow saturates to
/// 2^64-1 (strtoull's ERANGE is ignored) and the unit multiplication wraps
/// modulo 2^64. The result is returned as the bit pattern Redis stores in
/// its `long long` (so `"18446744073709551615"` → -1); callers must apply
/// the config's own min/max bounds, as Redis does, to reject such values.
public func parseMemoryAmount(_ s: [UInt8]) -> Int64? {
    var end = s.count
    if let z = s.firstIndex(of: 0) { end = z }
    if end > 0 && s[0] == 0x2D { return nil }
    var u = 0
    while u < end && s[u] >= 0x30 && s[u] <= 0x39 { u += 1 }
    let unitLen = end - u
    @inline(__always) func lc(_ i: Int) -> UInt8 { let c = s[u + i]; return (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c }
    let mul: UInt64
    switch unitLen {
    case 0: mul = 1
    case 1:
        switch lc(0) {
        case 0x62: mul = 1
        case 0x6B: mul = 1000
        case 0x6D: mul = 1_000_000
        case 0x67: mul = 1_000_000_000
        default: return nil
        }
    case 2:
        guard lc(1) == 0x62 else { return nil }
        switch lc(0) {
        case 0x6B: mul = 1024
        case 0x6D: mul = 1024 * 1024
        case 0x67: mul = 1024 * 1024 * 1024
        default: return nil
        }
    default: return nil
    }
    if u >= 128 { return nil }
    var val: UInt64 = 0
    var overflow = false
    for i in 0..<u {
        let (m, o1) = val.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(UInt64(s[i] - 0x30))
        if o1 || o2 { overflow = true; break }
        val = a
    }
    if overflow { val = UInt64.max }
    return Int64(bitPattern: val &* mul)
}
