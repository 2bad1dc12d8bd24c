// HyperLogLog on string values, in Redis's exact representation (hyperloglog.c), so that the bytes GET returns,
// DUMP/RESTORE payloads and RDB files are interchangeable with Redis's:
//
//   - a 16-byte header: "HYLL", the encoding (0 dense, 1 sparse), three zero bytes and the cached cardinality as
//     8 little-endian bytes whose most significant bit set means "stale";
//   - 16384 registers of 6 bits, each the longest run of zeros (plus one) seen among the hashes that map to it.
//     Dense: 12288 bytes, registers packed from the least significant bit of each byte up. Sparse: run-length
//     opcodes ZERO (00xxxxxx, 1–64 zero registers), XZERO (01xxxxxx yyyyyyyy, 1–16384) and VAL (1vvvvvxx, 1–4
//     registers of value 1–32). A new HLL is sparse; it becomes dense when a register needs a value above 32 or
//     the sparse form would grow past hll-sparse-max-bytes.
//
// Elements are hashed with MurmurHash64A (seed 0xadc83b19, little-endian reads); the low 14 bits choose the
// register. The estimate is Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog
// sketches", arXiv:1702.01284) over the register histogram, as Redis computes it.
// SPDX-License-Identifier: BSD-3-Clause
import Glibc

/// Redis's HyperLogLog algorithms on the raw bytes of a string value.
public enum HyperLogLog {
    public static let headerSize = 16
    public static let precision = 14
    public static let registerCount = 1 << precision
    static let q = 64 - precision
    static let registerMax: UInt8 = 63
    /// Header plus 16384 six-bit registers.
    public static let denseSize = headerSize + (registerCount * 6 + 7) / 8
    public static let dense: UInt8 = 0
    public static let sparse: UInt8 = 1

    static let sparseValMaxValue = 32
    static let sparseValMaxLen = 4
    static let sparseZeroMaxLen = 64
    static let sparseXZeroMaxLen = 16384
    static let alphaInf = 0.721347520444481703680

    // MARK: - Hashing

    /// MurmurHash2, 64-bit version, reading 8-byte blocks little-endian (Redis's endian-neutral variant).
    public static func murmurHash64A(_ key: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let m: UInt64 = 0xc6a4_a793_5bd1_e995
        let r: UInt64 = 47
        let len = key.count
        var h = seed ^ (UInt64(truncatingIfNeeded: len) &* m)
        var i = 0
        let blocks = len - (len & 7)
        while i < blocks {
            var k = UInt64(littleEndian: key.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            k = k &* m
            k ^= k >> r
            k = k &* m
            h ^= k
            h = h &* m
            i += 8
        }
        let tail = len & 7
        if tail > 0 {
            var t = tail
            while t > 0 {
                t -= 1
                h ^= UInt64(key[i + t]) << (8 * UInt64(t))
            }
            h = h &* m
        }
        h ^= h >> r
        h = h &* m
        h ^= h >> r
        return h
    }

    /// The register an element maps to and the length of its hash's "000..1" pattern (hllPatLen).
    public static func patternLength(_ element: UnsafeRawBufferPointer) -> (index: Int, count: UInt8) {
        var hash = murmurHash64A(element, seed: 0xadc8_3b19)
        let index = Int(hash & UInt64(registerCount - 1))
        hash >>= UInt64(precision)
        hash |= 1 << UInt64(q)
        return (index, UInt8(hash.trailingZeroBitCount + 1))
    }

    // MARK: - Dense registers

    @inline(__always)
    static func denseGet(_ r: UnsafePointer<UInt8>, _ index: Int) -> UInt8 {
        let byte = index * 6 / 8
        let fb = UInt8(index * 6 & 7)
        var v = r[byte] >> fb
        // Registers starting at bit 0 or 2 of a byte end inside it; the others spill into the next byte.
        if fb > 2 { v |= r[byte + 1] << (8 - fb) }
        return v & registerMax
    }

    @inline(__always)
    static func denseSetRegister(_ r: UnsafeMutablePointer<UInt8>, _ index: Int, _ value: UInt8) {
        let byte = index * 6 / 8
        let fb = UInt8(index * 6 & 7)
        r[byte] &= ~(registerMax << fb)
        r[byte] |= value << fb
        if fb > 2 {
            r[byte + 1] &= ~(registerMax >> (8 - fb))
            r[byte + 1] |= value >> (8 - fb)
        }
    }

    /// Raises a dense register to `count`; true when it changed (hllDenseSet).
    @inline(__always)
    static func denseSet(_ r: UnsafeMutablePointer<UInt8>, _ index: Int, _ count: UInt8) -> Bool {
        if count > denseGet(r, index) {
            denseSetRegister(r, index, count)
            return true
        }
        return false
    }

    // MARK: - Values

    /// An empty HLL: sparse, one XZERO opcode covering every register, cached cardinality 0 (createHLLObject).
    public static func makeEmpty() -> Value {
        var bytes = [UInt8](repeating: 0, count: headerSize + 2)
        bytes.replaceSubrange(0..<4, with: "HYLL".utf8)
        bytes[4] = sparse
        let l = registerCount - 1
        bytes[headerSize] = UInt8(l >> 8) | 0x40
        bytes[headerSize + 1] = UInt8(l & 0xFF)
        var v = bytes.withUnsafeBytes { Value(rawString: $0, markRaw: true) }
        _ = v.uniqueStringStorage(minimumCapacity: headerSize + 2)
        return v
    }

    /// Whether a string holds a well-formed HLL header (isHLLObjectOrReply): at least the header, "HYLL", a
    /// known encoding, and exactly the dense size when dense. Sparse opcodes are checked as they are read.
    public static func isValid(_ v: Value) -> Bool {
        guard v.isString, v.integer == nil else { return false }
        return v.withStringBytes { b in
            guard b.count >= headerSize, b[0] == 72, b[1] == 89, b[2] == 76, b[3] == 76, b[4] <= sparse else {
                return false
            }
            return b[4] != dense || b.count == denseSize
        }
    }

    /// The encoding byte of a valid HLL.
    public static func encoding(_ v: Value) -> UInt8 { v.withStringBytes { $0[4] } }

    /// Adds an element; 1 when a register changed, 0 when not, -1 when the sparse form is corrupt (hllAdd).
    public static func add(_ v: inout Value, _ element: UnsafeRawBufferPointer, sparseMaxBytes: Int) -> Int {
        let (index, count) = patternLength(element)
        return set(&v, index, count, sparseMaxBytes: sparseMaxBytes)
    }

    /// Raises register `index` to `count` in either encoding.
    static func set(_ v: inout Value, _ index: Int, _ count: UInt8, sparseMaxBytes: Int) -> Int {
        let storage = v.uniqueStringStorage(minimumCapacity: v.stringLength)
        let enc = storage.withUnsafeMutablePointerToElements { $0[4] }
        if enc == dense {
            return storage.withUnsafeMutablePointerToElements { denseSet($0 + headerSize, index, count) } ? 1 : 0
        }
        return sparseSet(&v, index, count, sparseMaxBytes: sparseMaxBytes)
    }

    /// Marks the cached cardinality stale.
    public static func invalidateCache(_ v: inout Value) {
        let storage = v.uniqueStringStorage(minimumCapacity: v.stringLength)
        storage.withUnsafeMutablePointerToElements { $0[15] |= 0x80 }
    }

    /// PFCOUNT of one key: the cached cardinality when valid, otherwise computed and cached; nil when the
    /// sparse form is corrupt. `recomputed` tells the caller the value changed.
    public static func cachedCount(_ v: inout Value) -> (count: UInt64, recomputed: Bool)? {
        let storage = v.uniqueStringStorage(minimumCapacity: v.stringLength)
        return storage.withUnsafeMutablePointerToElements { p -> (UInt64, Bool)? in
            if p[15] & 0x80 == 0 {
                var card: UInt64 = 0
                for i in 0..<8 { card |= UInt64(p[8 + i]) << (8 * UInt64(i)) }
                return (card, false)
            }
            let bytes = UnsafeRawBufferPointer(start: p, count: storage.header)
            guard let card = count(bytes) else { return nil }
            for i in 0..<8 { p[8 + i] = UInt8(truncatingIfNeeded: card >> (8 * UInt64(i))) }
            return (card, true)
        }
    }

    /// The estimate for the HLL in `bytes` (dense or sparse); nil when a sparse form does not cover exactly
    /// 16384 registers.
    public static func count(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { histo -> UInt64? in
            histo.initialize(repeating: 0)
            let regs = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + headerSize
            if bytes[4] == dense {
                denseHistogram(regs, histo)
            } else if !sparseHistogram(regs, bytes.count - headerSize, histo) {
                return nil
            }
            return estimate(histo)
        }
    }

    /// The estimate for 16384 registers held one per byte (PFCOUNT of several keys).
    public static func count(rawRegisters r: UnsafePointer<UInt8>) -> UInt64 {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { histo in
            histo.initialize(repeating: 0)
            for i in 0..<registerCount { histo[Int(r[i] & 63)] += 1 }
            return estimate(histo)
        }
    }

    static func denseHistogram(_ r: UnsafePointer<UInt8>, _ histo: UnsafeMutableBufferPointer<Int>) {
        var p = r
        for _ in 0..<(registerCount / 4) {
            // Four registers in three bytes.
            let b0 = Int(p[0]), b1 = Int(p[1]), b2 = Int(p[2])
            histo[b0 & 63] += 1
            histo[(b0 >> 6 | b1 << 2) & 63] += 1
            histo[(b1 >> 4 | b2 << 4) & 63] += 1
            histo[(b2 >> 2) & 63] += 1
            p += 3
        }
    }

    /// False when the opcodes do not cover exactly 16384 registers.
    static func sparseHistogram(
        _ p: UnsafePointer<UInt8>, _ length: Int, _ histo: UnsafeMutableBufferPointer<Int>
    ) -> Bool {
        var idx = 0
        var i = 0
        while i < length {
            let op = p[i]
            if op & 0xC0 == 0 {
                let run = Int(op & 0x3F) + 1
                idx += run
                histo[0] += run
                i += 1
            } else if op & 0xC0 == 0x40 {
                guard i + 1 < length else { return false }
                let run = (Int(op & 0x3F) << 8 | Int(p[i + 1])) + 1
                idx += run
                histo[0] += run
                i += 2
            } else {
                let run = Int(op & 3) + 1
                idx += run
                histo[Int((op >> 2) & 0x1F) + 1] += run
                i += 1
            }
        }
        return idx == registerCount
    }

    static func sigma(_ x: Double) -> Double {
        if x == 1 { return .infinity }
        var x = x
        var zPrime: Double
        var y = 1.0
        var z = x
        repeat {
            x *= x
            zPrime = z
            z += x * y
            y += y
        } while zPrime != z
        return z
    }

    static func tau(_ x: Double) -> Double {
        if x == 0 || x == 1 { return 0 }
        var x = x
        var zPrime: Double
        var y = 1.0
        var z = 1 - x
        repeat {
            x = x.squareRoot()
            zPrime = z
            y *= 0.5
            z -= pow(1 - x, 2) * y
        } while zPrime != z
        return z / 3
    }

    static func estimate(_ histo: UnsafeMutableBufferPointer<Int>) -> UInt64 {
        let m = Double(registerCount)
        var z = m * tau((m - Double(histo[q + 1])) / m)
        var j = q
        while j >= 1 {
            z += Double(histo[j])
            z *= 0.5
            j -= 1
        }
        z += m * sigma(Double(histo[0]) / m)
        let e = (alphaInf * m * m / z).rounded(.toNearestOrAwayFromZero)
        return UInt64(e)
    }

    // MARK: - Merging

    /// max[i] = max(max[i], register i of the HLL in `v`) over 16384 byte registers; false when the sparse form
    /// is corrupt (hllMerge).
    public static func merge(into max: UnsafeMutablePointer<UInt8>, _ v: Value) -> Bool {
        v.withStringBytes { b -> Bool in
            let base = b.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let r = base + headerSize
            if b[4] == dense {
                for i in 0..<registerCount {
                    let x = denseGet(r, i)
                    if x > max[i] { max[i] = x }
                }
                return true
            }
            let length = b.count - headerSize
            var idx = 0
            var i = 0
            while i < length {
                let op = r[i]
                if op & 0xC0 == 0 {
                    idx += Int(op & 0x3F) + 1
                    i += 1
                } else if op & 0xC0 == 0x40 {
                    guard i + 1 < length else { return false }
                    idx += (Int(op & 0x3F) << 8 | Int(r[i + 1])) + 1
                    i += 2
                } else {
                    let run = Int(op & 3) + 1
                    let value = ((op >> 2) & 0x1F) + 1
                    if run + idx > registerCount { break }
                    for k in idx..<(idx + run) where value > max[k] { max[k] = value }
                    idx += run
                    i += 1
                }
            }
            return idx == registerCount
        }
    }

    /// Writes merged registers into the HLL in `v` (PFMERGE's destination), converting it to dense first when
    /// `useDense`; false when that conversion finds a corrupt sparse form.
    public static func store(
        _ max: UnsafePointer<UInt8>, into v: inout Value, useDense: Bool, sparseMaxBytes: Int
    ) -> Bool {
        if useDense, !toDense(&v) { return false }
        for j in 0..<registerCount where max[j] != 0 {
            _ = set(&v, j, max[j], sparseMaxBytes: sparseMaxBytes)
        }
        invalidateCache(&v)
        return true
    }

    // MARK: - Sparse representation

    /// Converts a sparse HLL to dense, keeping the header (and its cached cardinality); false when the opcodes do
    /// not cover exactly 16384 registers (hllSparseToDense). A dense HLL is left alone.
    public static func toDense(_ v: inout Value) -> Bool {
        guard encoding(v) == sparse else { return true }
        let storage = ByteStorage.make(capacity: denseSize)
        storage.header = denseSize
        let ok = storage.withUnsafeMutablePointerToElements { d -> Bool in
            d.initialize(repeating: 0, count: denseSize)
            return v.withStringBytes { b -> Bool in
                let s = b.baseAddress!.assumingMemoryBound(to: UInt8.self)
                d.update(from: s, count: headerSize)
                d[4] = dense
                let r = d + headerSize
                var idx = 0
                var i = headerSize
                while i < b.count {
                    let op = s[i]
                    if op & 0xC0 == 0 {
                        idx += Int(op & 0x3F) + 1
                        i += 1
                    } else if op & 0xC0 == 0x40 {
                        guard i + 1 < b.count else { return false }
                        idx += (Int(op & 0x3F) << 8 | Int(s[i + 1])) + 1
                        i += 2
                    } else {
                        let run = Int(op & 3) + 1
                        let value = ((op >> 2) & 0x1F) + 1
                        if run + idx > registerCount { break }
                        for k in idx..<(idx + run) { denseSetRegister(r, k, value) }
                        idx += run
                        i += 1
                    }
                }
                return idx == registerCount
            }
        }
        guard ok else { return false }
        v = Value(rawStorage: storage)
        return true
    }

    /// hllSparseSet: raises register `index` of a sparse HLL to `count`, splitting the opcode that covers it
    /// and merging equal neighbours, or promotes the HLL to dense when the value does not fit a VAL opcode or the
    /// string would pass `sparseMaxBytes`. 1 changed, 0 unchanged, -1 corrupt.
    static func sparseSet(_ v: inout Value, _ index: Int, _ count: UInt8, sparseMaxBytes: Int) -> Int {
        if Int(count) > sparseValMaxValue { return promote(&v, index, count) }
        // Room for the worst case (an XZERO split into XZERO-VAL-XZERO, 3 more bytes), grown greedily.
        let length = v.stringLength
        let grown = length + 3
        let storage = v.uniqueStringStorage(minimumCapacity: grown, growTo: grown + min(grown, 300))
        enum Outcome { case unchanged, updated, promote, corrupt }
        let outcome = storage.withUnsafeMutablePointerToElements { base -> Outcome in
            let sparse = base + headerSize
            var end = base + storage.header
            var p = sparse
            var first = 0
            var prev: UnsafeMutablePointer<UInt8>? = nil
            var span = 0
            // Step 1: the opcode covering `index`.
            while p < end {
                var opLength = 1
                let op = p.pointee
                if op & 0xC0 == 0 {
                    span = Int(op & 0x3F) + 1
                } else if op & 0x80 != 0 {
                    span = Int(op & 3) + 1
                } else {
                    guard p + 1 < end else { return .corrupt }
                    span = (Int(op & 0x3F) << 8 | Int(p[1])) + 1
                    opLength = 2
                }
                if index <= first + span - 1 { break }
                prev = p
                p += opLength
                first += span
            }
            if span == 0 || p >= end { return .corrupt }
            let op = p.pointee
            let isXZero = op & 0xC0 == 0x40
            let isVal = op & 0x80 != 0
            let isZero = !isXZero && !isVal
            var next: UnsafeMutablePointer<UInt8>? = isXZero ? p + 2 : p + 1
            if next! >= end { next = nil }
            let runLength = isZero ? Int(op & 0x3F) + 1 : (isVal ? Int(op & 3) + 1 : span)

            func valOp(_ value: Int, _ len: Int) -> UInt8 { UInt8(((value - 1) << 2 | (len - 1)) | 0x80) }

            var updatedInPlace = false
            // Step 2, the trivial cases: a VAL already as high (nothing to do), a VAL or a ZERO of length 1.
            if isVal {
                let old = Int((op >> 2) & 0x1F) + 1
                if old >= Int(count) { return .unchanged }
                if runLength == 1 {
                    p.pointee = valOp(Int(count), 1)
                    updatedInPlace = true
                }
            }
            if !updatedInPlace && isZero && runLength == 1 {
                p.pointee = valOp(Int(count), 1)
                updatedInPlace = true
            }
            if !updatedInPlace {
                // The general case: split the opcode into up to three.
                var seq: (UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0)
                let seqLength = withUnsafeMutableBytes(of: &seq) { n -> Int in
                    var k = 0
                    let last = first + span - 1
                    func zeros(_ len: Int) {
                        if len > sparseZeroMaxLen {
                            n[k] = UInt8((len - 1) >> 8) | 0x40
                            n[k + 1] = UInt8((len - 1) & 0xFF)
                            k += 2
                        } else {
                            n[k] = UInt8(len - 1)
                            k += 1
                        }
                    }
                    if isZero || isXZero {
                        if index != first { zeros(index - first) }
                        n[k] = valOp(Int(count), 1); k += 1
                        if index != last { zeros(last - index) }
                    } else {
                        let current = Int((op >> 2) & 0x1F) + 1
                        if index != first { n[k] = valOp(current, index - first); k += 1 }
                        n[k] = valOp(Int(count), 1); k += 1
                        if index != last { n[k] = valOp(current, last - index); k += 1 }
                    }
                    return k
                }
                // Step 3: put the sequence in place of the opcode.
                let oldLength = isXZero ? 2 : 1
                let delta = seqLength - oldLength
                if delta > 0 && storage.header + delta > sparseMaxBytes { return .promote }
                if delta != 0, let next { (next + delta).update(from: next, count: end - next) }
                storage.header += delta
                end += delta
                withUnsafeBytes(of: &seq) { s in
                    for k in 0..<seqLength { p[k] = s[k] }
                }
            }
            // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the previous one.
            var q = prev ?? sparse
            var scan = 5
            while q < end && scan > 0 {
                scan -= 1
                let o = q.pointee
                if o & 0xC0 == 0x40 { q += 2; continue }
                if o & 0xC0 == 0 { q += 1; continue }
                if q + 1 < end && q[1] & 0x80 != 0 {
                    let v1 = Int((o >> 2) & 0x1F) + 1
                    let v2 = Int((q[1] >> 2) & 0x1F) + 1
                    if v1 == v2 {
                        let len = Int(o & 3) + 1 + Int(q[1] & 3) + 1
                        if len <= sparseValMaxLen {
                            q[1] = valOp(v1, len)
                            q.update(from: q + 1, count: end - q - 1)
                            storage.header -= 1
                            end -= 1
                            continue
                        }
                    }
                }
                q += 1
            }
            base[15] |= 0x80
            return .updated
        }
        switch outcome {
        case .unchanged: return 0
        case .updated: return 1
        case .corrupt: return -1
        case .promote: return promote(&v, index, count)
        }
    }

    static func promote(_ v: inout Value, _ index: Int, _ count: UInt8) -> Int {
        guard toDense(&v) else { return -1 }
        let storage = v.uniqueStringStorage(minimumCapacity: denseSize)
        _ = storage.withUnsafeMutablePointerToElements { denseSet($0 + headerSize, index, count) }
        return 1
    }

    // MARK: - Debugging (PFDEBUG, PFSELFTEST)

    /// The 16384 register values (PFDEBUG GETREG, after converting to dense).
    public static func registers(_ v: Value) -> [UInt8] {
        v.withStringBytes { b in
            let r = b.baseAddress!.assumingMemoryBound(to: UInt8.self) + headerSize
            return (0..<registerCount).map { denseGet(r, $0) }
        }
    }

    /// The sparse opcodes as PFDEBUG DECODE prints them ("Z:16384", "z:3 v:2,1 ...").
    public static func decode(_ v: Value) -> String {
        v.withStringBytes { b in
            var parts: [String] = []
            var i = headerSize
            while i < b.count {
                let op = b[i]
                if op & 0xC0 == 0 {
                    parts.append("z:\(Int(op & 0x3F) + 1)")
                    i += 1
                } else if op & 0xC0 == 0x40 {
                    let low = i + 1 < b.count ? Int(b[i + 1]) : 0
                    parts.append("Z:\((Int(op & 0x3F) << 8 | low) + 1)")
                    i += 2
                } else {
                    parts.append("v:\(Int((op >> 2) & 0x1F) + 1),\(Int(op & 3) + 1)")
                    i += 1
                }
            }
            return parts.joined(separator: " ")
        }
    }

    /// PFSELFTEST: register access (random values written and read back through the 6-bit packing) and the
    /// estimate's error against exact cardinalities 1, 10, ..., 10^7, in both encodings. nil on success,
    /// otherwise the TESTFAILED message.
    public static func selfTest(sparseMaxBytes: Int) -> String? {
        // A fast generator seeded at random (the system generator costs a system call per value).
        var system = SystemRandomNumberGenerator()
        var state = system.next() | 1
        func nextRandom() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        var denseBytes = [UInt8](repeating: 0, count: denseSize + 1)
        var expected = [UInt8](repeating: 0, count: registerCount)
        let failure: String? = denseBytes.withUnsafeMutableBufferPointer { d -> String? in
            let r = d.baseAddress! + headerSize
            for _ in 0..<1000 {
                for i in 0..<registerCount {
                    let x = UInt8(truncatingIfNeeded: nextRandom() >> 32) & registerMax
                    expected[i] = x
                    denseSetRegister(r, i, x)
                }
                for i in 0..<registerCount where denseGet(r, i) != expected[i] {
                    return "TESTFAILED Register \(i) should be \(expected[i]) but is \(denseGet(r, i))"
                }
            }
            return nil
        }
        if let failure { return failure }
        for i in 0..<denseBytes.count { denseBytes[i] = 0 }
        denseBytes[4] = dense
        var sparseValue = makeEmpty()
        let relerr = 1.04 / Double(registerCount).squareRoot()
        var checkpoint = 1
        let seed = nextRandom()
        let denseRegisters = UnsafeMutablePointer<UInt8>.allocate(capacity: registerCount * 6 / 8)
        denseRegisters.initialize(repeating: 0, count: registerCount * 6 / 8)
        defer { denseRegisters.deallocate() }
        // Once the other HLL is dense too, its registers are written in place (the loop runs ten million times).
        var promoted: ByteStorage? = nil
        for j in 1...10_000_000 {
            var ele = UInt64(j) ^ seed
            let (index, run) = withUnsafeBytes(of: &ele) { patternLength($0) }
            _ = denseSet(denseRegisters, index, run)
            if let promoted {
                _ = promoted.withUnsafeMutablePointerToElements { denseSet($0 + headerSize, index, run) }
            } else {
                _ = set(&sparseValue, index, run, sparseMaxBytes: sparseMaxBytes)
                if encoding(sparseValue) == dense {
                    promoted = sparseValue.uniqueStringStorage(minimumCapacity: denseSize)
                }
            }
            guard j == checkpoint else { continue }
            denseBytes.withUnsafeMutableBufferPointer { d in
                (d.baseAddress! + headerSize).update(from: denseRegisters, count: registerCount * 6 / 8)
            }
            if j < sparseMaxBytes / 2 && encoding(sparseValue) != sparse {
                return "TESTFAILED sparse encoding not used"
            }
            let denseCount = denseBytes.withUnsafeBytes { count(UnsafeRawBufferPointer(rebasing: $0[0..<denseSize])) }!
            let otherCount = sparseValue.withStringBytes { count($0) }
            if denseCount != otherCount { return "TESTFAILED dense/sparse disagree" }
            var maxErr = UInt64((relerr * 6 * Double(checkpoint)).rounded(.up))
            if j == 10 { maxErr = 1 }
            let absErr = (Int64(checkpoint) - Int64(denseCount)).magnitude
            if absErr > maxErr { return "TESTFAILED Too big error. card:\(checkpoint) abserr:\(absErr)" }
            checkpoint *= 10
        }
        return nil
    }
}

extension Value {
    /// A string value owning `storage` (marked raw, as Redis's HLL strings are).
    init(rawStorage storage: ByteStorage) {
        self.init(tag: Value.tagHeapRaw, object: storage)
    }

    /// The string's bytes as heap storage this value alone references, with room for `minimumCapacity` bytes
    /// (reallocated to `growTo` when short): HLL commands change the bytes and the length in place. Marks the
    /// value raw, as Redis's dbUnshareStringValue does.
    mutating func uniqueStringStorage(minimumCapacity: Int, growTo: Int? = nil) -> ByteStorage {
        let t = tag
        if t == Value.tagHeapString || t == Value.tagHeapRaw, isKnownUniquelyReferenced(&object) {
            let s = unsafeDowncast(object!, to: ByteStorage.self)
            if s.capacity >= minimumCapacity {
                w2 = UInt64(Value.tagHeapRaw) << 56
                return s
            }
        }
        let capacity = Swift.max(growTo ?? minimumCapacity, minimumCapacity)
        let s = withStringBytes { ByteStorage.make(copying: $0, capacity: Swift.max(capacity, $0.count)) }
        object = s
        w0 = 0
        w1 = 0
        w2 = UInt64(Value.tagHeapRaw) << 56
        return s
    }
}
