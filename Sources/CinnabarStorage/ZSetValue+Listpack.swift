// The "listpack" encoding of small sorted sets: every member in one malloc'd buffer, in (score, member) order. An
// entry is a tag byte saying how the score is stored (an 8-, 16- or 32-bit integer, or the 8-byte double), the
// score, the member's length (1 byte, or 0xFF and 4 bytes for 255 bytes or more) and its bytes: a member with a
// small integer score costs its length plus 3 bytes, close to Redis's listpack. Like Redis's, it is one allocation
// per set, it is resized with realloc, and every operation is a walk over at most zset-max-listpack-entries entries.
// The bytes differ from Redis's listpack; what is observable is the same: OBJECT ENCODING, and that a score of -0
// comes back as 0 (Redis stores the score's text, and "-0" reads back as the integer 0).
// SPDX-License-Identifier: BSD-3-Clause
#if canImport(Glibc)
import Glibc
#endif

extension ZSetValue {
    /// Redis refuses to grow a listpack past 1 GB (lpSafeToAdd); the set converts instead.
    static let packedMaximum = 1 << 30

    /// Entry bytes used (0 without a buffer; a buffer is freed when it empties).
    var packedUsed: Int {
        @inline(__always) get { packedBuffer.map { Int($0.load(as: UInt32.self)) } ?? 0 }
        set {
            guard let b = packedBuffer else { return precondition(newValue == 0) }
            b.storeBytes(of: UInt32(newValue), as: UInt32.self)
        }
    }

    /// The buffer's size, a function of the bytes used (so it needs no field).
    var packedCapacity: Int { ZSetValue.packedCapacity(for: packedUsed) }

    /// The buffer size (header included) for `n` entry bytes: PackedList's block sizes (the same 4-byte header of
    /// bytes used, the same size steps), and 0 for no buffer.
    static func packedCapacity(for n: Int) -> Int { n == 0 ? 0 : PackedList.blockSize(for: n) }

    /// The entry at `offset`: its score, its member bytes (valid until the buffer changes) and the next offset.
    @inline(__always)
    func packedEntry(at offset: Int) -> (score: Double, member: UnsafeRawBufferPointer, next: Int) {
        let p = packed! + offset
        let score: Double
        var at: Int
        switch p.load(as: UInt8.self) {
        case 0:
            score = Double(p.load(fromByteOffset: 1, as: Int8.self))
            at = 2
        case 1:
            score = Double(p.loadUnaligned(fromByteOffset: 1, as: Int16.self))
            at = 3
        case 2:
            score = Double(p.loadUnaligned(fromByteOffset: 1, as: Int32.self))
            at = 5
        default:
            score = p.loadUnaligned(fromByteOffset: 1, as: Double.self)
            at = 9
        }
        var length = Int(p.load(fromByteOffset: at, as: UInt8.self))
        at += 1
        if length == 0xFF {
            length = Int(p.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            at += 4
        }
        return (score, UnsafeRawBufferPointer(start: p + at, count: length), offset + at + length)
    }

    /// The tag of a score: 0, 1, 2 for integers that fit 8, 16, 32 bits, 3 for a double.
    @inline(__always)
    static func scoreTag(_ score: Double) -> Int {
        guard let i = Int32(exactly: score) else { return 3 }
        if i >= -128 && i <= 127 { return 0 }
        if i >= -32768 && i <= 32767 { return 1 }
        return 2
    }

    /// Bytes an entry takes.
    @inline(__always)
    static func packedSize(_ score: Double, _ length: Int) -> Int {
        let scoreBytes = 1 << scoreTag(score)
        return 1 + scoreBytes + (length < 0xFF ? 1 : 5) + length
    }

    /// The offset, rank and score of `member`, or nil.
    func packedFind(_ member: UnsafeRawBufferPointer) -> (offset: Int, rank: Int, score: Double)? {
        var offset = 0
        for i in 0..<packedCount {
            let e = packedEntry(at: offset)
            if e.member.count == member.count && Bytes.compare(e.member, member) == 0 { return (offset, i, e.score) }
            offset = e.next
        }
        return nil
    }

    /// The offset of the entry at `rank` (the end of the buffer for rank == count).
    func packedOffset(ofRank rank: Int) -> Int {
        var offset = 0
        for _ in 0..<rank { offset = packedEntry(at: offset).next }
        return offset
    }

    /// Inserts a member that is not present at its place in the order.
    func packedInsert(_ member: UnsafeRawBufferPointer, score given: Double) {
        let score = given == 0 ? 0 : given  // -0 is stored as 0, as in Redis's listpack
        var offset = 0
        for _ in 0..<packedCount {
            let e = packedEntry(at: offset)
            if score < e.score || (score == e.score && Bytes.compare(member, e.member) < 0) { break }
            offset = e.next
        }
        let size = ZSetValue.packedSize(score, member.count)
        resizePacked(from: packedUsed, to: packedUsed + size)
        let p = packed! + offset
        memmove(p + size, p, packedUsed - offset)
        let tag = ZSetValue.scoreTag(score)
        p.storeBytes(of: UInt8(tag), as: UInt8.self)
        var at: Int
        switch tag {
        case 0:
            p.storeBytes(of: Int8(score), toByteOffset: 1, as: Int8.self)
            at = 2
        case 1:
            p.storeBytes(of: Int16(score), toByteOffset: 1, as: Int16.self)
            at = 3
        case 2:
            p.storeBytes(of: Int32(score), toByteOffset: 1, as: Int32.self)
            at = 5
        default:
            p.storeBytes(of: score, toByteOffset: 1, as: Double.self)
            at = 9
        }
        if member.count < 0xFF {
            p.storeBytes(of: UInt8(member.count), toByteOffset: at, as: UInt8.self)
            at += 1
        } else {
            p.storeBytes(of: UInt8(0xFF), toByteOffset: at, as: UInt8.self)
            p.storeBytes(of: UInt32(member.count), toByteOffset: at + 1, as: UInt32.self)
            at += 5
        }
        if member.count > 0 { memcpy(p + at, member.baseAddress!, member.count) }
        packedUsed += size
        packedCount += 1
    }

    /// Removes the entry at `offset`.
    func packedRemove(at offset: Int) {
        let next = packedEntry(at: offset).next
        let p = packed!
        memmove(p + offset, p + next, packedUsed - next)
        let used = packedUsed - (next - offset)
        packedCount -= 1  // before the resize, which forgets the count when it frees the buffer
        resizePacked(from: packedUsed, to: used)
        packedUsed = used
    }

    /// Removes the entries at `ranks`.
    func packedRemoveRanks(_ ranks: Range<Int>) {
        let start = packedOffset(ofRank: ranks.lowerBound)
        var end = start
        for _ in ranks { end = packedEntry(at: end).next }
        let p = packed!
        memmove(p + start, p + end, packedUsed - end)
        let used = packedUsed - (end - start)
        packedCount -= ranks.count
        resizePacked(from: packedUsed, to: used)
        packedUsed = used
    }

    /// Resizes the buffer for `needed` entry bytes when its size class changes (realloc, as Redis's listpack does on
    /// every insert), and frees it when the set is empty. The caller then stores the new used size.
    private func resizePacked(from used: Int, to needed: Int) {
        let capacity = ZSetValue.packedCapacity(for: needed)
        if capacity == ZSetValue.packedCapacity(for: used) { return }
        if capacity == 0 {
            free(packedBuffer)
            packedBuffer = nil
            return
        }
        let wasEmpty = packedBuffer == nil
        let b = realloc(packedBuffer, capacity)
        precondition(b != nil, "out of memory")
        if wasEmpty { b!.storeBytes(of: UInt32(0), as: UInt32.self) }
        packedBuffer = b
    }
}
