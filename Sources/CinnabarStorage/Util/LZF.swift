// An independent implementation of the LZF compressed format (as produced and
// consumed by liblzf, which Redis uses for RDB string compression). The
// stream is a sequence of chunks, each starting with a control byte `c`:
//   c < 32:  a literal run of c + 1 bytes follows;
//   c >= 32: a back reference. length = c >> 5 (if 7, add the next byte),
//            offset = ((c & 31) << 8 | next byte) + 1, and length + 2 bytes
//            are copied from `offset` bytes back in the output (overlap OK).
// The compressor is a greedy single-probe hash-table LZ77 (3-byte minimum
// match, offsets up to 8192, matches up to 264 bytes). Its output can differ
// byte-wise from liblzf's but any LZF decoder (liblzf, Redis) decodes it, and
// the decoder here decodes anything liblzf produces. The decoder validates
// every length and offset and never reads or writes out of bounds.

private let lzfMaxLiteral = 32
private let lzfMaxOffset = 1 << 13          // 8192
private let lzfMaxMatch = 7 + 255 + 2        // 264
private let lzfHashLog = 14

/// Compresses `input` into the LZF format. Returns nil if the input is empty
/// or the compressed form would not be strictly shorter than the input
/// (Redis additionally only keeps compressed RDB strings when they save at
/// least 4 bytes: check `result.count <= input.count - 4` at the call site,
/// or pass `maxOutputLength`). When `maxOutputLength` is given, nil is also
/// returned if the output would exceed it.
public func lzfCompress(_ input: UnsafeRawBufferPointer, maxOutputLength: Int? = nil) -> [UInt8]? {
    let n = input.count
    guard n > 0, let inBase = input.baseAddress else { return nil }
    let limit = min(maxOutputLength ?? (n - 1), n - 1)
    if limit <= 0 { return nil }
    let ip = inBase.assumingMemoryBound(to: UInt8.self)
    // Worst-case growth is one control byte per 32 literals, plus slack.
    let cap = n + n / 32 + 8
    var out = [UInt8](repeating: 0, count: cap)
    let produced: Int = out.withUnsafeMutableBufferPointer { ob -> Int in
        let op = ob.baseAddress!
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 1 << lzfHashLog) { table -> Int in
            let ht = table.baseAddress!
            ht.initialize(repeating: -1, count: 1 << lzfHashLog)
            var o = 0          // output position
            var litStart = 0   // position of the pending literal control byte
            var litLen = 0     // pending literals
            o = 1              // reserve the first literal control byte
            var i = 0

            @inline(__always) func hash3(_ at: Int) -> Int {
                let v = UInt32(ip[at]) << 16 | UInt32(ip[at + 1]) << 8 | UInt32(ip[at + 2])
                return Int((v &* 2_654_435_761) >> UInt32(32 - lzfHashLog))
            }

            while i + 2 < n {
                if o >= limit + 8 { return -1 }  // already too long
                let h = hash3(i)
                let cand = Int(ht[h])
                ht[h] = Int32(i)
                let off = i - cand - 1
                if cand >= 0 && off < lzfMaxOffset
                    && ip[cand] == ip[i] && ip[cand + 1] == ip[i + 1] && ip[cand + 2] == ip[i + 2] {
                    // Extend the match.
                    var len = 3
                    let maxLen = min(lzfMaxMatch, n - i)
                    while len < maxLen && ip[cand + len] == ip[i + len] { len += 1 }
                    // Close the pending literal run (drop its control byte if empty).
                    if litLen > 0 {
                        op[litStart] = UInt8(litLen - 1)
                    } else {
                        o -= 1
                    }
                    let l = len - 2
                    if l < 7 {
                        op[o] = UInt8(l << 5 | off >> 8); o += 1
                    } else {
                        op[o] = UInt8(7 << 5 | off >> 8); o += 1
                        op[o] = UInt8(l - 7); o += 1
                    }
                    op[o] = UInt8(off & 0xFF); o += 1
                    // Start a new literal run.
                    litStart = o
                    litLen = 0
                    o += 1
                    // Index a couple of positions inside the match.
                    let end = i + len
                    var j = i + 1
                    while j < end && j + 2 < n && j <= i + 2 {
                        ht[hash3(j)] = Int32(j)
                        j += 1
                    }
                    if end - 1 > i + 2 && end + 1 < n {
                        ht[hash3(end - 1)] = Int32(end - 1)
                    }
                    i = end
                } else {
                    op[o] = ip[i]; o += 1
                    litLen += 1
                    i += 1
                    if litLen == lzfMaxLiteral {
                        op[litStart] = UInt8(lzfMaxLiteral - 1)
                        litStart = o
                        litLen = 0
                        o += 1
                    }
                }
            }
            while i < n {
                op[o] = ip[i]; o += 1
                litLen += 1
                i += 1
                if litLen == lzfMaxLiteral {
                    op[litStart] = UInt8(lzfMaxLiteral - 1)
                    litStart = o
                    litLen = 0
                    o += 1
                }
            }
            if litLen > 0 {
                op[litStart] = UInt8(litLen - 1)
            } else {
                o -= 1
            }
            return o
        }
    }
    if produced < 0 || produced > limit { return nil }
    out.removeSubrange(produced...)
    return out
}

/// Convenience overload of `lzfCompress` for byte arrays.
public func lzfCompress(_ input: [UInt8], maxOutputLength: Int? = nil) -> [UInt8]? {
    input.withUnsafeBytes { lzfCompress($0, maxOutputLength: maxOutputLength) }
}

/// Decompresses LZF data that must expand to exactly `expectedLength` bytes
/// (Redis stores the uncompressed length next to the compressed blob).
/// Returns nil on any corruption: truncated chunks, a back reference before
/// the start of the output, output that would exceed `expectedLength`, or
/// output shorter than `expectedLength`. Safe on arbitrary bytes.
public func lzfDecompress(_ input: UnsafeRawBufferPointer, expectedLength: Int) -> [UInt8]? {
    if expectedLength < 0 { return nil }
    let n = input.count
    if expectedLength == 0 { return n == 0 ? [] : nil }
    guard n > 0, let inBase = input.baseAddress else { return nil }
    let ip = inBase.assumingMemoryBound(to: UInt8.self)
    var ok = true
    let out = [UInt8](unsafeUninitializedCapacity: expectedLength) { ob, count in
        let op = ob.baseAddress!
        var i = 0
        var o = 0
        while i < n {
            let ctrl = Int(ip[i]); i += 1
            if ctrl < 32 {
                let len = ctrl + 1
                if i + len > n || o + len > expectedLength { ok = false; break }
                (op + o).initialize(from: ip + i, count: len)
                i += len
                o += len
            } else {
                var len = ctrl >> 5
                if len == 7 {
                    if i >= n { ok = false; break }
                    len += Int(ip[i]); i += 1
                }
                if i >= n { ok = false; break }
                let off = ((ctrl & 0x1F) << 8 | Int(ip[i])) + 1
                i += 1
                len += 2
                if off > o || o + len > expectedLength { ok = false; break }
                var src = o - off
                if off >= len {
                    (op + o).initialize(from: op + src, count: len)
                    o += len
                } else {
                    // Overlapping copy: byte by byte (run-length style).
                    for _ in 0..<len {
                        op[o] = op[src]
                        o += 1
                        src += 1
                    }
                }
            }
        }
        if o != expectedLength { ok = false }
        count = o
    }
    return ok ? out : nil
}

/// Convenience overload of `lzfDecompress` for byte arrays.
public func lzfDecompress(_ input: [UInt8], expectedLength: Int) -> [UInt8]? {
    input.withUnsafeBytes { lzfDecompress($0, expectedLength: expectedLength) }
}
