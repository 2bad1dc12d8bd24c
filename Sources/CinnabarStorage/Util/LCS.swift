// Longest common subsequence with the exact results of Redis 7.2's LCS
// command: the classic O(len(a) * len(b)) dynamic-programming table of 32-bit
// cells, the same tie-breaking when walking the table back (prefer moving
// in `b` unless dropping a byte of `a` keeps a strictly longer LCS), and the
// same match ranges in the same order (from the end of the strings towards
// the start), filtered by MINMATCHLEN. Like Redis it refuses inputs whose
// table would be too big (Redis compares the table's byte size with
// proto-max-bulk-len, 512 MB by default) and strings of 2^32-2 bytes or more.

import Glibc

/// Result of `longestCommonSubsequence`.
public struct LCSResult {
    /// Length of the LCS (what `LCS k1 k2 LEN` and the IDX `len` field return).
    public var length: Int
    /// The LCS itself (empty unless `computeString` was requested).
    public var string: [UInt8]
    /// Matched ranges, inclusive, in Redis reply order (last match first);
    /// empty unless `computeMatches` was requested. `length` is the match
    /// length reported by WITHMATCHLEN.
    public var matches: [(a: ClosedRange<Int>, b: ClosedRange<Int>, length: Int)]

    public init(length: Int, string: [UInt8],
                matches: [(a: ClosedRange<Int>, b: ClosedRange<Int>, length: Int)]) {
        self.length = length
        self.string = string
        self.matches = matches
    }
}

/// Why `longestCommonSubsequence` refused to run; the messages are Redis's
/// error replies.
public enum LCSError: Error, Equatable {
    /// A string is 2^32-2 bytes or longer: "String too long for LCS".
    case stringTooLong
    /// The (len(a)+1)*(len(b)+1)*4-byte table exceeds the allowed size:
    /// "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len".
    case tableTooLarge
    /// The table could not be allocated / its size overflows:
    /// "Insufficient memory, failed allocating transient memory for LCS".
    case allocationFailed

    /// The error text Redis replies with (without the leading "ERR ").
    public var redisMessage: String {
        switch self {
        case .stringTooLong: return "String too long for LCS"
        case .tableTooLarge: return "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"
        case .allocationFailed: return "Insufficient memory, failed allocating transient memory for LCS"
        }
    }
}

/// Computes the LCS of `a` and `b` like Redis's LCS command.
///
/// - `computeString`: fill `string` (plain `LCS a b`).
/// - `computeMatches`: fill `matches` (`LCS a b IDX`); ranges shorter than
///   `minMatchLength` are skipped (values <= 0 mean no filtering, as Redis
///   clamps negative MINMATCHLEN to 0).
/// - `maxTableBytes`: the limit Redis takes from proto-max-bulk-len
///   (default 512 MB); the table needs (len(a)+1)*(len(b)+1)*4 bytes.
///
/// `length` is always filled. With neither flag set only the table is
/// built (the `LEN` form). Throws `LCSError` instead of running when Redis
/// would reply with an error.
public func longestCommonSubsequence(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer,
                                     computeString: Bool, computeMatches: Bool,
                                     minMatchLength: Int,
                                     maxTableBytes: Int = 512 * 1024 * 1024) throws(LCSError) -> LCSResult {
    let alen = a.count
    let blen = b.count
    if UInt64(alen) >= UInt64(UInt32.max) - 1 || UInt64(blen) >= UInt64(UInt32.max) - 1 {
        throw .stringTooLong
    }
    let (cells, o1) = (alen + 1).multipliedReportingOverflow(by: blen + 1)
    let (bytes, o2) = cells.multipliedReportingOverflow(by: 4)
    if o1 || o2 { throw .allocationFailed }
    if bytes > maxTableBytes { throw .tableTooLarge }
    if alen == 0 || blen == 0 {
        return LCSResult(length: 0, string: [], matches: [])
    }
    let pa = a.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let pb = b.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let width = blen + 1
    let minLen = max(minMatchLength, 0)

    // Like Redis's ztrymalloc: a failed allocation is an error, not a crash.
    guard let raw = malloc(bytes) else { throw .allocationFailed }
    defer { free(raw) }
    let t = raw.bindMemory(to: UInt32.self, capacity: cells)
    do {
        // Row 0 and column 0 are zero.
        t.initialize(repeating: 0, count: width)
        for i in 1...alen {
            let row = t + i * width
            let prev = row - width
            row[0] = 0
            let ca = pa[i - 1]
            for j in 1...blen {
                if ca == pb[j - 1] {
                    row[j] = prev[j - 1] &+ 1
                } else {
                    let up = prev[j]
                    let left = row[j - 1]
                    row[j] = up > left ? up : left
                }
            }
        }
        let total = Int(t[alen * width + blen])
        var result = LCSResult(length: total, string: [], matches: [])
        if !computeString && !computeMatches { return result }

        var str = [UInt8](repeating: 0, count: computeString ? total : 0)
        var idx = total
        // aStart == alen means "no range in progress".
        var aStart = alen, aEnd = 0, bStart = 0, bEnd = 0
        var i = alen, j = blen
        while i > 0 && j > 0 {
            var emit = false
            if pa[i - 1] == pb[j - 1] {
                if computeString { str[idx - 1] = pa[i - 1] }
                if aStart == alen {
                    aStart = i - 1; aEnd = i - 1
                    bStart = j - 1; bEnd = j - 1
                } else if aStart == i && bStart == j {
                    aStart -= 1
                    bStart -= 1
                } else {
                    emit = true
                }
                if aStart == 0 || bStart == 0 { emit = true }
                idx -= 1; i -= 1; j -= 1
            } else {
                let up = t[(i - 1) * width + j]
                let left = t[i * width + j - 1]
                if up > left { i -= 1 } else { j -= 1 }
                if aStart != alen { emit = true }
            }
            if emit {
                // Redis computes this in uint32 arithmetic; only the
                // (unreachable) non-contiguous branch could make it odd.
                let matchLen = Int(UInt32(truncatingIfNeeded: aEnd &- aStart &+ 1))
                if computeMatches && (minLen == 0 || matchLen >= minLen) {
                    result.matches.append((a: aStart...aEnd, b: bStart...bEnd, length: matchLen))
                }
                aStart = alen
            }
        }
        result.string = str
        return result
    }
}

/// Convenience overload of `longestCommonSubsequence` for byte arrays.
public func longestCommonSubsequence(_ a: [UInt8], _ b: [UInt8],
                                     computeString: Bool, computeMatches: Bool,
                                     minMatchLength: Int,
                                     maxTableBytes: Int = 512 * 1024 * 1024) throws(LCSError) -> LCSResult {
    let r: Result<LCSResult, LCSError> = a.withUnsafeBytes { pa in
        b.withUnsafeBytes { pb in
            Result { () throws(LCSError) -> LCSResult in
                try longestCommonSubsequence(pa, pb, computeString: computeString,
                                             computeMatches: computeMatches,
                                             minMatchLength: minMatchLength,
                                             maxTableBytes: maxTableBytes)
            }
        }
    }
    return try r.get()
}
