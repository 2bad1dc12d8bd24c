// Number parsing and formatting with Redis 7.2 semantics. This file implements
// the strict integer parser used for every integer argument (string2ll), the
// strict double parser used for float arguments such as ZADD scores
// (string2d / getDoubleFromObject), the long double parser and formatter used
// by INCRBYFLOAT / HINCRBYFLOAT (string2ld / ld2string in its "human" and
// "auto" modes), a fast decimal integer formatter, and the double formatter
// used for RESP double replies and sorted-set scores (d2string), which in
// Redis 7.2 prints integral values in [-2^62, 2^62] as plain integers and
// everything else with a Grisu2 shortest-digits conversion (the fpconv
// library's digit generation and output layout). All routines work on raw
// bytes; nothing here touches Swift String or Foundation. The strtod/strtold
// calls go through Glibc, exactly like Redis, so accepted syntax (hex floats,
// "inf", "infinity", ...) is whatever glibc accepts.

import Glibc

// MARK: - Integers

/// Parses a signed 64-bit integer with Redis `string2ll` strictness.
///
/// Accepted: an optional `-` followed by a decimal number without leading
/// zeros, or exactly `"0"`. Rejected (returns nil): empty input, inputs of 21
/// bytes or more, a leading `+`, any whitespace, leading zeros (`"01"`),
/// `"-0"`, a lone `"-"`, trailing garbage and values outside the Int64 range.
/// `"-9223372036854775808"` is accepted.
@inlinable
public func parseInt64(_ b: UnsafeRawBufferPointer) -> Int64? {
    let n = b.count
    if n == 0 || n >= 21 { return nil }
    let p = b.baseAddress!.assumingMemoryBound(to: UInt8.self)
    if n == 1 && p[0] == 0x30 { return 0 }
    var i = 0
    var negative = false
    if p[0] == 0x2D {  // '-'
        negative = true
        i = 1
        if n == 1 { return nil }
    }
    let first = p[i] &- 0x30
    if first == 0 || first > 9 { return nil }
    var v = UInt64(first)
    i += 1
    while i < n {
        let d = p[i] &- 0x30
        if d > 9 { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        if o1 { return nil }
        let (s, o2) = m.addingReportingOverflow(UInt64(d))
        if o2 { return nil }
        v = s
        i += 1
    }
    if negative {
        if v > UInt64(1) << 63 { return nil }
        return Int64(bitPattern: 0 &- v)
    } else {
        if v > UInt64(Int64.max) { return nil }
        return Int64(v)
    }
}

/// Convenience overload of `parseInt64` for byte arrays.
@inlinable
public func parseInt64(_ b: [UInt8]) -> Int64? {
    b.withUnsafeBytes { parseInt64($0) }
}

@usableFromInline
let _digitPairs: StaticString =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

/// Writes the decimal digits of `v` (no sign) ending just before `end`;
/// returns the number of bytes written. `end` must have room for 20 bytes
/// before it.
@inline(__always)
@usableFromInline
func _writeDecimalBackwards(_ value: UInt64, end: UnsafeMutablePointer<UInt8>) -> Int {
    let pairs = _digitPairs.utf8Start
    var v = value
    var q = end
    while v >= 100 {
        let r = Int(v % 100) &* 2
        v /= 100
        q -= 2
        q[0] = pairs[r]
        q[1] = pairs[r + 1]
    }
    if v >= 10 {
        let r = Int(v) &* 2
        q -= 2
        q[0] = pairs[r]
        q[1] = pairs[r + 1]
    } else {
        q -= 1
        q[0] = 0x30 &+ UInt8(truncatingIfNeeded: v)
    }
    return end - q
}

/// Appends the decimal representation of `v` (as `ll2string` would print
/// it, e.g. `-42`, `0`, `-9223372036854775808`) to `buffer`.
@inlinable
public func formatInt64(_ v: Int64, into buffer: inout [UInt8]) {
    var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24-byte stack scratch
    withUnsafeMutableBytes(of: &tmp) { raw in
        let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let end = base + 24
        let mag = v < 0 ? (0 &- UInt64(bitPattern: v)) : UInt64(v)
        var n = _writeDecimalBackwards(mag, end: end)
        if v < 0 {
            (end - n - 1).pointee = 0x2D
            n += 1
        }
        buffer.append(contentsOf: UnsafeBufferPointer(start: end - n, count: n))
    }
}

// MARK: - Doubles (string2d)

@inline(__always)
@usableFromInline
func _cIsSpace(_ c: UInt8) -> Bool {
    c == 0x20 || (c >= 0x09 && c <= 0x0D)
}

/// Parses a double the way Redis parses float arguments (`string2d`, used
/// by `getDoubleFromObject`: ZADD/ZINCRBY scores, INCRBYFLOAT-free float
/// options, GEO coordinates, ...).
///
/// The whole buffer must be consumed by glibc `strtod`. Returns nil for:
/// empty input, a leading whitespace byte (C `isspace`), trailing garbage
/// (including trailing whitespace and embedded NUL bytes), a NaN result
/// (`"nan"`, `"-nan"`, `"nan(123)"`), an overflow to ±HUGE_VAL reported with
/// ERANGE (`"1e400"`), and an underflow to zero reported with ERANGE
/// (`"1e-400"`). Gradual underflow to a nonzero subnormal is accepted.
/// Accepted: anything else `strtod` fully consumes, e.g. `"+1.5"`, `".5"`,
/// `"5."`, `"1e3"`, `"0x1p-2"`, `"inf"`, `"-Infinity"`, `"+inf"`.
/// There is no length limit (Redis has none for string2d).
public func parseDouble(_ b: UnsafeRawBufferPointer) -> Double? {
    let n = b.count
    if n == 0 { return nil }
    if _cIsSpace(b[0]) { return nil }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp -> Double? in
        let base = tmp.baseAddress!
        UnsafeMutableRawPointer(base).copyMemory(from: b.baseAddress!, byteCount: n)
        base[n] = 0
        var end: UnsafeMutablePointer<CChar>? = nil
        errno = 0
        let v = strtod(base, &end)
        let err = errno
        guard let e = end, e - base == n else { return nil }
        if err == ERANGE && (v.isInfinite || v == 0) { return nil }
        if v.isNaN { return nil }
        return v
    }
}

/// Convenience overload of `parseDouble` for byte arrays.
public func parseDouble(_ b: [UInt8]) -> Double? {
    b.withUnsafeBytes { parseDouble($0) }
}

// MARK: - Long doubles (string2ld / ld2string)

/// Maximum accepted length (exclusive) of a long double string, Redis's
/// `MAX_LONG_DOUBLE_CHARS` (5 * 1024).
public let maxLongDoubleChars = 5 * 1024

/// Parses an x87 80-bit long double the way Redis's `string2ld` does (used
/// by INCRBYFLOAT and HINCRBYFLOAT for both the stored value and the
/// increment).
///
/// Returns nil for: empty input, input of 5120 bytes or more, a leading
/// whitespace byte, anything glibc `strtold` does not consume entirely
/// (trailing spaces, embedded NUL), NaN results, overflow to infinity with
/// ERANGE, underflow to zero with ERANGE and EINVAL. Literal infinities
/// (`"inf"`, `"-inf"`, `"+infinity"`) ARE accepted here (INCRBYFLOAT then
/// rejects the infinite sum separately). Values beyond the double range such
/// as `"1e400"` are accepted since they fit in a long double.
public func parseLongDouble(_ b: UnsafeRawBufferPointer) -> Float80? {
    let n = b.count
    if n == 0 || n >= maxLongDoubleChars { return nil }
    if _cIsSpace(b[0]) { return nil }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp -> Float80? in
        let base = tmp.baseAddress!
        UnsafeMutableRawPointer(base).copyMemory(from: b.baseAddress!, byteCount: n)
        base[n] = 0
        var end: UnsafeMutablePointer<CChar>? = nil
        errno = 0
        let v = strtold(base, &end)
        let err = errno
        guard let e = end, e.pointee == 0, e - base == n else { return nil }
        if err == ERANGE && (v.isInfinite || v == 0) { return nil }
        if err == EINVAL { return nil }
        if v.isNaN { return nil }
        return v
    }
}

/// Convenience overload of `parseLongDouble` for byte arrays.
public func parseLongDouble(_ b: [UInt8]) -> Float80? {
    b.withUnsafeBytes { parseLongDouble($0) }
}

/// Formats a long double exactly like Redis's `ld2string`.
///
/// - `humanFriendly == true` (LD_STR_HUMAN, what INCRBYFLOAT / HINCRBYFLOAT
///   store and reply with): `printf("%.17Lf")`, then trailing zeros after
///   the decimal point are removed, a trailing `.` is removed, and `"-0"`
///   becomes `"0"`. Never uses an exponent: `1e308` prints as 309 digits.
///   Examples: 10.5+0.1 → `"10.6"`, 3.0e3 → `"3000"`, 1+1.5 → `"2.5"`.
/// - `humanFriendly == false` (LD_STR_AUTO): `printf("%.17Lg")` unmodified
///   (17 significant digits, `%g` drops trailing zeros itself), e.g. the
///   double 0.1 widened → `"0.10000000000000001"`, strtold("0.1") → `"0.1"`,
///   1e30 → `"1e+30"`, -0.0 → `"-0"`.
///
/// Infinity formats as `"inf"` / `"-inf"` and NaN as `"nan"` in both modes
/// (Redis's INCRBYFLOAT never formats these: it replies with the error
/// "increment would produce NaN or Infinity" before formatting).
/// The output always fits Redis's 5120-byte buffer (the longest possible
/// human output is about 4950 bytes), so the Redis "no room" error path is
/// unreachable and this function never fails.
public func formatLongDouble(_ v: Float80, humanFriendly: Bool) -> [UInt8] {
    if v.isInfinite { return v > 0 ? [0x69, 0x6E, 0x66] : [0x2D, 0x69, 0x6E, 0x66] }
    if v.isNaN { return [0x6E, 0x61, 0x6E] }
    let cap = maxLongDoubleChars + 32
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: cap) { tmp -> [UInt8] in
        let base = tmp.baseAddress!
        let written: Int32 = withVaList([v]) { args in
            humanFriendly ? vsnprintf(base, cap, "%.17Lf", args) : vsnprintf(base, cap, "%.17Lg", args)
        }
        var l = Int(written)
        if l <= 0 || l >= cap { return [] }
        let raw = UnsafeRawPointer(base).assumingMemoryBound(to: UInt8.self)
        if humanFriendly {
            var hasDot = false
            for i in 0..<l where raw[i] == 0x2E { hasDot = true; break }
            if hasDot {
                while raw[l - 1] == 0x30 { l -= 1 }
                if raw[l - 1] == 0x2E { l -= 1 }
            }
            if l == 2 && raw[0] == 0x2D && raw[1] == 0x30 { return [0x30] }
        }
        return Array(UnsafeBufferPointer(start: raw, count: l))
    }
}

// MARK: - Doubles (d2string / fpconv)

/// Formats a double exactly as Redis 7.2's `d2string` (used by
/// `addReplyDouble`, i.e. ZSCORE / ZINCRBY / ZRANGE WITHSCORES replies and
/// RESP3 doubles, and for scores stored in listpacks).
///
/// Rules: NaN → `"nan"`; ±infinity → `"inf"` / `"-inf"`; ±0 → `"0"` / `"-0"`;
/// integral values with |v| ≤ 2^62 → plain integer (`3` → `"3"`,
/// `1e18` → `"1000000000000000000"`); everything else → Grisu2 digits laid
/// out as fpconv does: digits plus trailing zeros when the decimal exponent
/// is small (`2^63` → `"9223372036854776000"`, `1e23` →
/// `"99999999999999990000000"`: Grisu2 is not always the shortest form),
/// fixed notation for moderate negative exponents (`0.1` → `"0.1"`,
/// `1.5e-5` → `"0.000015"`), otherwise scientific with an explicit sign and
/// no exponent zero padding (`1e20` → `"1e+20"`, `1.5e-7` → `"1.5e-7"`,
/// `1e-100` → `"1e-100"`). At most 25 bytes.
///
/// Note that Redis 7.0 used `%.17g` instead (0.1 → `"0.10000000000000001"`);
/// this function follows 7.2.
public func formatDouble(_ v: Double) -> [UInt8] {
    if v.isNaN { return [0x6E, 0x61, 0x6E] }
    if v.isInfinite { return v < 0 ? [0x2D, 0x69, 0x6E, 0x66] : [0x69, 0x6E, 0x66] }
    if v == 0 { return v.sign == .minus ? [0x2D, 0x30] : [0x30] }
    // Integral and safely representable as a long long (|v| <= 2^62).
    if v >= -4611686018427387904.0 && v <= 4611686018427387904.0 {
        let ll = Int64(v)
        if Double(ll) == v {
            var out = [UInt8]()
            out.reserveCapacity(20)
            formatInt64(ll, into: &out)
            return out
        }
    }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { tmp -> [UInt8] in
        let n = _grisuFormat(v, tmp.baseAddress!)
        return Array(UnsafeBufferPointer(start: tmp.baseAddress!, count: n))
    }
}

/// Appends `formatDouble(v)` to `buffer` (avoids the intermediate array on
/// the common integral path).
public func formatDouble(_ v: Double, into buffer: inout [UInt8]) {
    if v.isFinite && v != 0 && v >= -4611686018427387904.0 && v <= 4611686018427387904.0 {
        let ll = Int64(v)
        if Double(ll) == v { formatInt64(ll, into: &buffer); return }
    }
    if v.isFinite && v != 0 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { tmp in
            let n = _grisuFormat(v, tmp.baseAddress!)
            buffer.append(contentsOf: UnsafeBufferPointer(start: tmp.baseAddress!, count: n))
        }
        return
    }
    buffer.append(contentsOf: formatDouble(v))
}

// Grisu2 (Loitsch, "Printing Floating-Point Numbers Quickly and Accurately
// with Integers", 2010), with the cached-power selection, rounding and output
// layout that Redis's fpconv produces, so the bytes match Redis 7.2.

/// A "do-it-yourself" floating point value: f * 2^e.
@usableFromInline
struct _DiyFp: Sendable {
    var f: UInt64
    var e: Int
}

/// Cached normalized approximations of 10^k for k = -348, -340, ..., 340
/// (87 entries), rounded to nearest, computed once with exact big-integer
/// arithmetic.
@usableFromInline
let _cachedPowers: [_DiyFp] = {
    // Little-endian base-2^32 big integers, just enough for this table.
    func bitLength(_ x: [UInt32]) -> Int {
        var i = x.count - 1
        while i >= 0 && x[i] == 0 { i -= 1 }
        if i < 0 { return 0 }
        return i * 32 + (32 - x[i].leadingZeroBitCount)
    }
    func bit(_ x: [UInt32], _ i: Int) -> UInt64 {
        let w = i >> 5
        return w < x.count ? UInt64((x[w] >> UInt32(i & 31)) & 1) : 0
    }
    // Top `count` bits of x (count <= 65 handled by caller using two reads).
    func topBits(_ x: [UInt32], _ count: Int) -> (UInt64, UInt64) {  // (top 64 bits, the next bit)
        let L = bitLength(x)
        var hi: UInt64 = 0
        for i in 0..<64 {
            let pos = L - 1 - i
            hi = (hi << 1) | (pos >= 0 ? bit(x, pos) : 0)
        }
        let next: UInt64 = (L - 65 >= 0) ? bit(x, L - 65) : 0
        _ = count
        return (hi, next)
    }
    func mulSmall(_ x: inout [UInt32], _ m: UInt32) {
        var carry: UInt64 = 0
        for i in 0..<x.count {
            let t = UInt64(x[i]) * UInt64(m) + carry
            x[i] = UInt32(truncatingIfNeeded: t)
            carry = t >> 32
        }
        if carry != 0 { x.append(UInt32(carry)) }
    }
    func divSmall(_ x: inout [UInt32], _ d: UInt32) {
        var rem: UInt64 = 0
        var i = x.count - 1
        while i >= 0 {
            let t = (rem << 32) | UInt64(x[i])
            x[i] = UInt32(t / UInt64(d))
            rem = t % UInt64(d)
            i -= 1
        }
        while x.count > 1 && x[x.count - 1] == 0 { x.removeLast() }
    }
    var table = [_DiyFp]()
    table.reserveCapacity(87)
    for idx in 0..<87 {
        let k = -348 + idx * 8
        if k >= 0 {
            var x: [UInt32] = [1]
            for _ in 0..<k { mulSmall(&x, 10) }
            let L = bitLength(x)
            var (f, next) = topBits(x, 64)
            var e = L - 64
            if next == 1 {
                f = f &+ 1
                if f == 0 { f = 1 << 63; e += 1 }
            }
            table.append(_DiyFp(f: f, e: e))
        } else {
            let m = -k
            // floor(2^E / 10^m) with E large enough for > 65 significant bits.
            let E = (m * 3322) / 1000 + 80
            var x = [UInt32](repeating: 0, count: E / 32 + 1)
            x[E / 32] = 1 << UInt32(E % 32)
            for _ in 0..<m { divSmall(&x, 10) }
            let L = bitLength(x)
            var (f, next) = topBits(x, 64)
            // The exact quotient is never a dyadic rational, so no ties.
            var e = L - 64 - E
            if next == 1 {
                f = f &+ 1
                if f == 0 { f = 1 << 63; e += 1 }
            }
            table.append(_DiyFp(f: f, e: e))
        }
    }
    return table
}()

@inline(__always)
@usableFromInline
func _diyMul(_ a: _DiyFp, _ b: _DiyFp) -> _DiyFp {
    let p = a.f.multipliedFullWidth(by: b.f)
    // Round the 128-bit product to its upper 64 bits (half up).
    return _DiyFp(f: p.high &+ (p.low >> 63), e: a.e + b.e + 64)
}

@usableFromInline
let _pow10u64: [UInt64] = {
    var t = [UInt64](repeating: 1, count: 20)
    for i in 1..<20 { t[i] = t[i - 1] &* 10 }
    return t
}()

/// Nudges the last generated digit down while that brings the value closer
/// to the exact one and stays inside the rounding interval.
@inline(__always)
@usableFromInline
func _grisuRound(_ digits: UnsafeMutablePointer<UInt8>, _ count: Int, _ delta: UInt64,
                 _ remIn: UInt64, _ ten: UInt64, _ w: UInt64) {
    var rem = remIn
    while rem < w && delta &- rem >= ten
        && (rem &+ ten < w || w &- rem > rem &+ ten &- w) {
        digits[count - 1] &-= 1
        rem = rem &+ ten
    }
}

/// Grisu2 digit generation for a finite, nonzero, positive double. Writes
/// ASCII digits and returns (count, decimal exponent K) with
/// value ≈ digits × 10^K.
@usableFromInline
func _grisu2(_ d: Double, _ digits: UnsafeMutablePointer<UInt8>) -> (Int, Int) {
    let bits = d.bitPattern
    let hidden: UInt64 = 1 << 52
    let rawExp = Int((bits >> 52) & 0x7FF)
    var w = _DiyFp(f: bits & (hidden - 1), e: 0)
    if rawExp != 0 {
        w.f += hidden
        w.e = rawExp - 1075
    } else {
        w.e = -1074
    }
    // Boundaries m+ and m- (before normalizing w).
    var upper = _DiyFp(f: (w.f << 1) + 1, e: w.e - 1)
    while upper.f & (hidden << 1) == 0 {
        upper.f <<= 1
        upper.e -= 1
    }
    upper.f <<= 10
    upper.e -= 10
    let lshift = w.f == hidden ? 2 : 1
    var lower = _DiyFp(f: (w.f << UInt64(lshift)) - 1, e: w.e - lshift)
    lower.f <<= UInt64(lower.e - upper.e)
    lower.e = upper.e
    // Normalize w.
    while w.f & hidden == 0 {
        w.f <<= 1
        w.e -= 1
    }
    w.f <<= 11
    w.e -= 11
    // Pick a cached power so the scaled exponent lands in [-60, -32]; the
    // starting guess matters when two entries qualify.
    let approx = Int((Double(-(upper.e + 87)) * 0.30102999566398114).rounded(.towardZero))
    var idx = (approx + 348) / 8
    var c: _DiyFp
    while true {
        c = _cachedPowers[idx]
        let cur = upper.e + c.e + 64
        if cur < -60 { idx += 1; continue }
        if cur > -32 { idx -= 1; continue }
        break
    }
    let k = -348 + idx * 8
    w = _diyMul(w, c)
    upper = _diyMul(upper, c)
    lower = _diyMul(lower, c)
    lower.f &+= 1
    upper.f &-= 1
    var K = -k

    let wgap = upper.f &- w.f
    var delta = upper.f &- lower.f
    let shift = UInt64(-upper.e)
    let one: UInt64 = 1 << shift
    var intPart = upper.f >> shift
    var frac = upper.f & (one - 1)
    var n = 0
    var kappa = 10
    var div: UInt64 = 1_000_000_000
    while kappa > 0 {
        let digit = intPart / div
        if digit != 0 || n != 0 {
            digits[n] = 0x30 &+ UInt8(truncatingIfNeeded: digit)
            n += 1
        }
        intPart -= digit &* div
        kappa -= 1
        let rest = (intPart << shift) &+ frac
        if rest <= delta {
            K += kappa
            _grisuRound(digits, n, delta, rest, div << shift, wgap)
            return (n, K)
        }
        div /= 10
    }
    var unitIdx = 1
    while true {
        frac = frac &* 10
        delta = delta &* 10
        kappa -= 1
        let digit = frac >> shift
        if digit != 0 || n != 0 {
            digits[n] = 0x30 &+ UInt8(truncatingIfNeeded: digit)
            n += 1
        }
        frac &= one - 1
        if frac < delta {
            K += kappa
            _grisuRound(digits, n, delta, frac, one, wgap &* _pow10u64[unitIdx])
            return (n, K)
        }
        unitIdx += 1
    }
}

/// fpconv-compatible formatting of a finite nonzero double into `out`
/// (needs 25 bytes); returns the length.
@usableFromInline
func _grisuFormat(_ v: Double, _ out: UnsafeMutablePointer<UInt8>) -> Int {
    var pos = 0
    let neg = v.sign == .minus
    if neg {
        out[0] = 0x2D
        pos = 1
    }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { tmp -> Int in
        let digits = tmp.baseAddress!
        var (nd, K) = _grisu2(abs(v), digits)
        let dexp = K + nd - 1
        var ax = dexp < 0 ? -dexp : dexp
        let dst = out + pos
        if K >= 0 && ax < nd + 7 {
            // Plain integer: digits followed by K zeros.
            dst.update(from: digits, count: nd)
            (dst + nd).update(repeating: 0x30, count: K)
            return pos + nd + K
        }
        if K < 0 && (K > -7 || ax < 4) {
            let intDigits = nd + K
            if intDigits <= 0 {
                let zeros = -intDigits
                dst[0] = 0x30
                dst[1] = 0x2E
                (dst + 2).update(repeating: 0x30, count: zeros)
                (dst + 2 + zeros).update(from: digits, count: nd)
                return pos + nd + 2 + zeros
            } else {
                dst.update(from: digits, count: intDigits)
                dst[intDigits] = 0x2E
                (dst + intDigits + 1).update(from: digits + intDigits, count: nd - intDigits)
                return pos + nd + 1
            }
        }
        // Scientific notation.
        nd = min(nd, neg ? 17 : 18)
        var i = 0
        dst[i] = digits[0]; i += 1
        if nd > 1 {
            dst[i] = 0x2E; i += 1
            (dst + i).update(from: digits + 1, count: nd - 1)
            i += nd - 1
        }
        dst[i] = 0x65; i += 1  // 'e'
        dst[i] = (K + nd - 1 < 0) ? 0x2D : 0x2B; i += 1
        var hundreds = 0
        if ax > 99 {
            hundreds = ax / 100
            dst[i] = 0x30 &+ UInt8(hundreds); i += 1
            ax -= hundreds * 100
        }
        if ax > 9 {
            let tens = ax / 10
            dst[i] = 0x30 &+ UInt8(tens); i += 1
            ax -= tens * 10
        } else if hundreds != 0 {
            dst[i] = 0x30; i += 1
        }
        dst[i] = 0x30 &+ UInt8(ax % 10); i += 1
        return pos + i
    }
}
