// Sorted sets (Redis's t_zset.c "Sorted set API"): members with double scores, ordered by score and then by member
// bytes. Two encodings, switched one way as Redis does, with Redis's OBJECT ENCODING names:
//  - "listpack" (ZSetValue+Listpack.swift) while the set has at most zset-max-listpack-entries members, none
//    longer than zset-max-listpack-value bytes: one packed buffer in order, every operation a linear walk;
//  - "skiplist" (ZSetTable.swift, ZSetTable+Tree.swift) beyond that: a member table for O(1) ZSCORE and a counted
//    B+tree for O(log n) insert, delete, rank and range bounds.
// Commands work with ranks: a score or lex range becomes a rank interval (a partition point at each end), and
// replies, pops, stores and deletions walk rank intervals. The thresholds come from the command layer
// (`ZSetLimits`), which reads the configuration.
// SPDX-License-Identifier: BSD-3-Clause
#if canImport(Glibc)
import Glibc
#endif

/// zset-max-listpack-entries and zset-max-listpack-value.
public struct ZSetLimits: Sendable {
    public var maxListpackEntries: Int
    public var maxListpackValue: Int
    public init(maxListpackEntries: Int = 128, maxListpackValue: Int = 64) {
        self.maxListpackEntries = maxListpackEntries
        self.maxListpackValue = maxListpackValue
    }

    /// zset-max-listpack-entries as the listpack can honour it: its member count is 16 bits, so a sorted set
    /// converts past 65 535 members whatever the configuration says.
    var packedEntryLimit: Int { min(maxListpackEntries, PackedList.maxCount) }
}

/// ZADD's options (Redis's ZADD_IN_* flags).
public struct ZAddOptions: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Only add new members.
    public static let nx = ZAddOptions(rawValue: 1)
    /// Only update existing members.
    public static let xx = ZAddOptions(rawValue: 2)
    /// Only update when the new score is greater.
    public static let gt = ZAddOptions(rawValue: 4)
    /// Only update when the new score is less.
    public static let lt = ZAddOptions(rawValue: 8)
    /// The score is an increment (ZINCRBY, ZADD INCR).
    public static let incr = ZAddOptions(rawValue: 16)
}

/// What one ZADD element did (Redis's ZADD_OUT_* flags and `newscore`).
public enum ZAddResult: Equatable, Sendable {
    case added(Double)
    case updated(Double)
    /// Processed without a change (same score, or a zero increment).
    case unchanged(Double)
    /// Not processed: NX on a member, XX on a non-member, or a GT/LT condition that failed.
    case skipped
    /// The score, or the incremented score, is NaN; nothing changed.
    case notANumber
}

/// A score interval, each end inclusive or exclusive (`(1.5`).
public struct ZScoreRange: Sendable {
    public var min: Double
    public var minExclusive: Bool
    public var max: Double
    public var maxExclusive: Bool
    public init(min: Double, minExclusive: Bool, max: Double, maxExclusive: Bool) {
        self.min = min
        self.minExclusive = minExclusive
        self.max = max
        self.maxExclusive = maxExclusive
    }

    /// True while `score` is not yet in the range from below (zslValueGteMin negated).
    @inline(__always) func isBelow(_ score: Double) -> Bool { minExclusive ? score <= min : score < min }
    /// True while `score` is not past the range's top (zslValueLteMax).
    @inline(__always) func isNotAbove(_ score: Double) -> Bool { maxExclusive ? score < max : score <= max }
}

/// One end of a lex range: `-`, `+`, `[member` or `(member`. The bytes are borrowed from the command's arguments.
public enum ZLexBound {
    case minusInfinity
    case plusInfinity
    case inclusive(UnsafeRawBufferPointer)
    case exclusive(UnsafeRawBufferPointer)
}

public struct ZLexRange {
    public var min: ZLexBound
    public var max: ZLexBound
    public init(min: ZLexBound, max: ZLexBound) {
        self.min = min
        self.max = max
    }

    /// True while `member` is below the range (zslLexValueGteMin negated).
    @inline(__always) func isBelow(_ member: UnsafeRawBufferPointer) -> Bool {
        switch min {
        case .minusInfinity: return false
        case .plusInfinity: return true
        case let .inclusive(m): return Bytes.compare(member, m) < 0
        case let .exclusive(m): return Bytes.compare(member, m) <= 0
        }
    }

    /// True while `member` is not past the range's top (zslLexValueLteMax).
    @inline(__always) func isNotAbove(_ member: UnsafeRawBufferPointer) -> Bool {
        switch max {
        case .minusInfinity: return false
        case .plusInfinity: return true
        case let .inclusive(m): return Bytes.compare(member, m) <= 0
        case let .exclusive(m): return Bytes.compare(member, m) < 0
        }
    }
}

/// A sorted set. One event loop owns it; readers get member bytes valid only inside their callback.
public final class ZSetValue: EncodedCollection, DigestibleValue {
    /// The listpack (ZSetValue+Listpack.swift): the buffer's address and, in the top 16 bits, its member count, as
    /// PackedList keeps its word; or, with the low bit set, the retained ZSetTable of the skiplist encoding. One
    /// word makes the object 24 bytes, a 32-byte malloc chunk; the buffer starts with its used size (PackedList's
    /// header) and its length follows from that.
    private var word: UInt = 0

    /// The listpack buffer (header included), nil when empty or once the table exists.
    var packedBuffer: UnsafeMutableRawPointer? {
        @inline(__always) get {
            word & 1 == 0 ? UnsafeMutableRawPointer(bitPattern: word & PackedList.addressMask) : nil
        }
        set {
            precondition(word & 1 == 0, "a skiplist zset has no listpack")
            let address = UInt(bitPattern: newValue)
            precondition(address & ~PackedList.addressMask == 0)
            word = newValue == nil ? 0 : address | word & ~PackedList.addressMask
        }
    }

    /// The first listpack entry.
    var packed: UnsafeMutableRawPointer? {
        @inline(__always) get { packedBuffer.map { $0 + PackedList.headerSize } }
    }

    /// Skiplist encoding, nil while the set is a listpack. Set only once the listpack buffer is freed.
    var table: ZSetTable? {
        @inline(__always) get {
            guard word & 1 != 0 else { return nil }
            return Unmanaged<ZSetTable>.fromOpaque(UnsafeRawPointer(bitPattern: word & ~1)!).takeUnretainedValue()
        }
        set {
            if word & 1 != 0 {
                Unmanaged<ZSetTable>.fromOpaque(UnsafeRawPointer(bitPattern: word & ~1)!).release()
            } else {
                precondition(word == 0, "free the listpack before installing the table")
            }
            word = newValue.map { UInt(bitPattern: Unmanaged.passRetained($0).toOpaque()) | 1 } ?? 0
        }
    }

    /// Listpack members: the top 16 bits of `word` (zero for a table, whose address is below 2^48).
    var packedCount: Int {
        @inline(__always) get { Int(word >> 48) }
        set {
            precondition(newValue <= PackedList.maxCount && word & 1 == 0)
            word = word & PackedList.addressMask | UInt(newValue) << 48
        }
    }

    /// zsetTypeCreate: a listpack when `sizeHint` members of about `memberLengthHint` bytes fit the limits,
    /// else the big encoding presized for `sizeHint`.
    public init(sizeHint: Int = 0, memberLengthHint: Int = 0, limits: ZSetLimits = ZSetLimits()) {
        if sizeHint > limits.packedEntryLimit || memberLengthHint > limits.maxListpackValue {
            table = ZSetTable(capacity: sizeHint)
        }
    }

    private init(copying other: ZSetValue) {
        if let t = other.table {
            table = t.copy()
        } else if let source = other.packedBuffer {
            let used = other.packedUsed
            packedBuffer = malloc(ZSetValue.packedCapacity(for: used))
            packedBuffer!.copyMemory(from: source, byteCount: PackedList.headerSize + used)
            packedCount = other.packedCount
        }
    }

    deinit {
        if word & 1 != 0 { table = nil } else { free(packedBuffer) }
    }

    public var count: Int { table?.count ?? packedCount }

    public var isListpack: Bool { table == nil }

    public var encodingName: String { table == nil ? "listpack" : "skiplist" }

    /// COPY: a deep copy in the same encoding.
    public func duplicate() -> AnyObject { ZSetValue(copying: self) }

    /// MEMORY USAGE: the object, the listpack or the table and tree, and the members' heap blocks (estimated from
    /// up to 16 members, as Redis samples).
    public var heapSize: Int {
        guard let t = table else { return 32 + packedCapacity }
        let sample = min(t.count, 16)
        var strings = 0
        for i in 0..<sample { strings += t.entry(i).pointee.member.heapBlockSize }
        return 32 + t.allocatedBytes + (sample > 0 ? strings * t.count / sample : 0)
    }

    // MARK: - Encoding conversion

    /// zsetTypeMaybeConvert: ZADD of `sizeHint` elements converts a listpack that could not hold them.
    public func convertIfNeeded(sizeHint: Int, limits: ZSetLimits) {
        if table == nil && sizeHint > limits.packedEntryLimit { convertToTable(capacity: sizeHint) }
    }

    /// listpack → skiplist, presized for `capacity` members.
    func convertToTable(capacity: Int) {
        let t = ZSetTable(capacity: max(capacity, packedCount))
        var offset = 0
        for _ in 0..<packedCount {
            let e = packedEntry(at: offset)
            t.insert(Bytes(e.member), hash: ZSetTable.hash(e.member), score: e.score)
            offset = e.next
        }
        free(packedBuffer)
        word = 0
        table = t
    }

    // MARK: - Members

    /// ZSCORE.
    public func score(of member: UnsafeRawBufferPointer) -> Double? {
        if let t = table { return t.score(of: member) }
        return packedFind(member)?.score
    }

    /// zsetAdd: adds or updates one member under `options` (NX/XX/GT/LT/INCR), converting to the big encoding when
    /// a new member does not fit the listpack.
    public func add(
        _ member: UnsafeRawBufferPointer, score: Double, options: ZAddOptions, limits: ZSetLimits
    ) -> ZAddResult {
        if score.isNaN { return .notANumber }
        if table == nil {
            if let found = packedFind(member) {
                guard let s = updatedScore(found.score, score, options) else { return .skipped }
                if s.isNaN { return .notANumber }
                if s == found.score { return .unchanged(s) }
                packedRemove(at: found.offset)
                packedInsert(member, score: s)
                return .updated(s)
            }
            if options.contains(.xx) { return .skipped }
            if packedCount + 1 <= limits.packedEntryLimit && member.count <= limits.maxListpackValue
                && packedUsed + ZSetValue.packedSize(score, member.count) <= ZSetValue.packedMaximum
            {
                packedInsert(member, score: score)
                return .added(score)
            }
            convertToTable(capacity: packedCount + 1)
        }
        let t = table!
        let h = ZSetTable.hash(member)
        if let id = t.find(member, hash: h) {
            let current = t.entry(id).pointee.score
            guard let s = updatedScore(current, score, options) else { return .skipped }
            if s.isNaN { return .notANumber }
            if s == current { return .unchanged(s) }
            t.update(id, score: s)
            return .updated(s)
        }
        if options.contains(.xx) { return .skipped }
        t.insert(Bytes(member), hash: h, score: score)
        return .added(score)
    }

    /// The score an existing member would get, nil when NX/GT/LT skip it (the result may be NaN after INCR).
    @inline(__always)
    private func updatedScore(_ current: Double, _ score: Double, _ options: ZAddOptions) -> Double? {
        if options.contains(.nx) { return nil }
        var s = score
        if options.contains(.incr) {
            s += current
            if s.isNaN { return s }
        }
        if (options.contains(.lt) && s >= current) || (options.contains(.gt) && s <= current) { return nil }
        return s
    }

    /// zsetDel. Returns whether the member existed.
    @discardableResult
    public func remove(_ member: UnsafeRawBufferPointer) -> Bool {
        if let t = table {
            guard let id = t.find(member, hash: ZSetTable.hash(member)) else { return false }
            t.remove(id)
            return true
        }
        guard let found = packedFind(member) else { return false }
        packedRemove(at: found.offset)
        return true
    }

    /// zsetRank: the member's 0-based rank from the lowest score, and its score.
    public func rank(of member: UnsafeRawBufferPointer) -> (rank: Int, score: Double)? {
        if let t = table {
            guard let id = t.find(member, hash: ZSetTable.hash(member)) else { return nil }
            let s = t.entry(id).pointee.score
            return (t.treeRank(score: s, member: member), s)
        }
        return packedFind(member).map { ($0.rank, $0.score) }
    }

    // MARK: - Ranges

    /// The ranks of the members in a score range (empty when the range is, e.g. min > max).
    public func ranks(in range: ZScoreRange) -> Range<Int> {
        let lo = partition { s, _ in range.isBelow(s) }
        let hi = partition { s, _ in range.isNotAbove(s) }
        return lo..<Swift.max(lo, hi)
    }

    /// The ranks of the members in a lex range. Meant for sets whose members all have the same score, as in Redis;
    /// otherwise the bounds are the partition points of the member predicates over the score order.
    public func ranks(in range: ZLexRange) -> Range<Int> {
        let lo = partition { _, m in range.isBelow(m) }
        let hi = partition { _, m in range.isNotAbove(m) }
        return lo..<Swift.max(lo, hi)
    }

    /// The number of leading members (in order) for which `before` holds.
    func partition(_ before: (Double, UnsafeRawBufferPointer) -> Bool) -> Int {
        if let t = table {
            return t.treePartition { s, id in t.entry(Int(id)).pointee.member.withUnsafeBytes { before(s, $0) } }
        }
        var offset = 0
        for i in 0..<packedCount {
            let e = packedEntry(at: offset)
            if !before(e.score, e.member) { return i }
            offset = e.next
        }
        return packedCount
    }

    /// Calls `body` with the member and score at each rank of `ranks`, ascending, or descending from the top of
    /// `ranks` when `reverse`. The member bytes are valid during the call only; `body` must not modify the set.
    public func forEach(
        in ranks: Range<Int>, reverse: Bool = false, _ body: (UnsafeRawBufferPointer, Double) throws -> Void
    ) rethrows {
        if ranks.isEmpty { return }
        if let t = table {
            try t.treeWalk(from: reverse ? ranks.upperBound - 1 : ranks.lowerBound, ranks.count, reverse: reverse) {
                id, score in try t.entry(Int(id)).pointee.member.withUnsafeBytes { try body($0, score) }
            }
            return
        }
        var offset = packedOffset(ofRank: ranks.lowerBound)
        if !reverse {
            for _ in ranks {
                let e = packedEntry(at: offset)
                try body(e.member, e.score)
                offset = e.next
            }
            return
        }
        var offsets = [Int]()
        offsets.reserveCapacity(ranks.count)
        for _ in ranks {
            offsets.append(offset)
            offset = packedEntry(at: offset).next
        }
        for o in offsets.reversed() {
            let e = packedEntry(at: o)
            try body(e.member, e.score)
        }
    }

    /// Every member in order.
    public func forEach(_ body: (UnsafeRawBufferPointer, Double) throws -> Void) rethrows {
        try forEach(in: 0..<count, body)
    }

    /// The member and score at `rank` (copied).
    public func element(at rank: Int) -> (member: Bytes, score: Double) {
        var result = (Bytes(), 0.0)
        forEach(in: rank..<(rank + 1)) { m, s in result = (Bytes(m), s) }
        return result
    }

    /// Deletes the members at `ranks` (ZREMRANGEBY*, pops).
    public func removeRanks(_ ranks: Range<Int>) {
        if ranks.isEmpty { return }
        if let t = table {
            for _ in ranks {
                let (leaf, slot) = t.treeSelect(ranks.lowerBound)
                t.remove(Int(leaf.ids[slot]))
            }
            return
        }
        packedRemoveRanks(ranks)
    }

    // MARK: - Random members and SCAN

    /// A uniformly random member and its score (ZRANDMEMBER); the set must not be empty.
    public func randomElement(_ rng: inout FastRandom) -> (member: Bytes, score: Double) {
        if let t = table {
            let e = t.entry(rng.below(t.count))
            return (e.pointee.member, e.pointee.score)
        }
        return element(at: rng.below(packedCount))
    }

    /// Random access by ordinal (0..<count) for sampling, valid until the set changes: ids of the big encoding
    /// (table order, O(1)), or the offsets of a listpack's entries (score order, built in one pass).
    public struct Ordinals {
        fileprivate let offsets: [Int]
    }

    public func ordinals() -> Ordinals {
        guard table == nil else { return Ordinals(offsets: []) }
        var offsets = [Int]()
        offsets.reserveCapacity(packedCount)
        var offset = 0
        for _ in 0..<packedCount {
            offsets.append(offset)
            offset = packedEntry(at: offset).next
        }
        return Ordinals(offsets: offsets)
    }

    /// Calls `body` with the member and score at ordinal `i`.
    public func withMember<R>(
        at i: Int, _ index: Ordinals, _ body: (UnsafeRawBufferPointer, Double) throws -> R
    ) rethrows -> R {
        if let t = table {
            let e = t.entry(i)
            return try e.pointee.member.withUnsafeBytes { try body($0, e.pointee.score) }
        }
        let e = packedEntry(at: index.offsets[i])
        return try body(e.member, e.score)
    }

    /// One ZSCAN step over the big encoding: visits buckets from `cursor` until about `count` members were seen
    /// (at most 10·count buckets), as scanGenericCommand drives dictScan. A listpack is returned whole with cursor 0.
    public func scan(cursor: UInt64, count: Int, _ body: (UnsafeRawBufferPointer, Double) -> Void) -> UInt64 {
        guard let t = table else {
            forEach(body)
            return 0
        }
        var next = cursor
        var visited = 0
        var iterations = count * 10
        repeat {
            next = t.scan(cursor: next) { id in
                visited += 1
                let e = t.entry(id)
                e.pointee.member.withUnsafeBytes { body($0, e.pointee.score) }
            }
            iterations -= 1
        } while next != 0 && iterations >= 0 && visited < count
        return next
    }

    // MARK: - DEBUG DIGEST

    /// xorObjectDigest for sorted sets: for each member, SHA1-mix the member then its score as fpconv_dtoa prints
    /// it into a zeroed digest, and fold that digest's SHA1 into the value's digest by XOR (order-independent).
    public func mixDigest(into digest: inout [UInt8]) {
        var element = [UInt8](repeating: 0, count: 20)
        var buffer = [UInt8](repeating: 0, count: 32)
        forEach { member, score in
            for j in 0..<20 { element[j] = 0 }
            Digest.mix(&element, member)
            let n = buffer.withUnsafeMutableBytes { fpconvDtoa(score, into: $0.baseAddress!) }
            buffer.withUnsafeBytes { Digest.mix(&element, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            element.withUnsafeBytes { Digest.xor(&digest, $0) }
        }
    }

    /// Checks the big encoding's invariants (tests).
    func checkInvariants() { table?.checkInvariants() }
}

/// A ZUNION/ZINTER/ZDIFF input: a sorted set, or a set whose members all score 1 (zuiNext on OBJ_SET).
public protocol SortedSetOperand: AnyObject {
    var operandCount: Int { get }
    func operandScore(of member: UnsafeRawBufferPointer) -> Double?
    func forEachOperandMember(_ body: (UnsafeRawBufferPointer, Double) throws -> Void) rethrows
}

extension ZSetValue: SortedSetOperand {
    public var operandCount: Int { count }
    public func operandScore(of member: UnsafeRawBufferPointer) -> Double? { score(of: member) }
    public func forEachOperandMember(_ body: (UnsafeRawBufferPointer, Double) throws -> Void) rethrows {
        try forEach(body)
    }
}

extension Bytes {
    /// The size of the heap block holding a long string (0 when inline): the bytes, the count and the object header.
    var heapBlockSize: Int { count > Bytes.inlineCapacity ? count + 32 : 0 }
}

// MARK: - Score formatting

/// Writes `v` as Redis 7.2's d2string formats scores (the same text as `formatDouble`) into `out`, which needs 32
/// bytes, and returns the length. For replies, without allocating.
public func formatScore(_ v: Double, into out: UnsafeMutableRawPointer) -> Int {
    let p = out.assumingMemoryBound(to: UInt8.self)
    if v.isNaN {
        p[0] = 0x6E; p[1] = 0x61; p[2] = 0x6E
        return 3
    }
    if v.isInfinite {
        if v < 0 {
            p[0] = 0x2D; p[1] = 0x69; p[2] = 0x6E; p[3] = 0x66
            return 4
        }
        p[0] = 0x69; p[1] = 0x6E; p[2] = 0x66
        return 3
    }
    if v == 0 {
        if v.sign == .minus {
            p[0] = 0x2D; p[1] = 0x30
            return 2
        }
        p[0] = 0x30
        return 1
    }
    if v >= -4611686018427387904.0 && v <= 4611686018427387904.0 {
        let ll = Int64(v)
        if Double(ll) == v {
            return formatInt64(ll, into: UnsafeMutableRawBufferPointer(start: out, count: 32))
        }
    }
    return _grisuFormat(v, p)
}

/// fpconv_dtoa as DEBUG DIGEST prints scores: like d2string, but integral values also go through Grisu
/// (1e8 → "1e+8"), and -0 is "-0". `out` needs 32 bytes.
func fpconvDtoa(_ v: Double, into out: UnsafeMutableRawPointer) -> Int {
    let p = out.assumingMemoryBound(to: UInt8.self)
    var n = 0
    if v.sign == .minus {
        p[0] = 0x2D
        n = 1
    }
    if v == 0 {
        p[n] = 0x30
        return n + 1
    }
    if v.isNaN || v.isInfinite {
        let text: [UInt8] = v.isNaN ? [0x6E, 0x61, 0x6E] : [0x69, 0x6E, 0x66]
        for (i, c) in text.enumerated() { p[n + i] = c }
        return n + 3
    }
    // _grisuFormat writes the sign itself.
    return _grisuFormat(v, p)
}
