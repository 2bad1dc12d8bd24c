// One node of a list (Redis's listpack, as a quicklist node or as a small list's whole body): a malloc'd block of
// entries, each a varint length, the bytes, and the length again written backwards, so the node can be walked
// from either end. Unlike a listpack, the entries sit between a gap at the front and a gap at the back, so pushing
// or popping at either end moves nothing (a listpack memmoves the whole node on every LPUSH and LPOP); a gap is
// refilled by growing the block or, when the other gap has room to spare, by recentring the entries.
// SPDX-License-Identifier: BSD-3-Clause
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A list node (see the file comment). A value type over manually managed memory: the owning ListValue frees it
/// with ``release()``.
struct ListNode {
    // Header (UInt32 each): entry count, first entry byte, end of the last entry, capacity of the data area.
    static var headerSize: Int { 16 }
    /// Redis's listpack header and terminator, added to the entry bytes when a node's size is compared with
    /// list-max-listpack-size (so the thresholds land where Redis's do).
    static var listpackOverhead: Int { 7 }

    let base: UnsafeMutableRawPointer

    init(base: UnsafeMutableRawPointer) { self.base = base }

    /// An empty node with room for `capacity` bytes, the gap at the back or, for `atFront`, at the front.
    static func make(capacity: Int, atFront: Bool = false) -> ListNode {
        let size = usableSize(headerSize + max(capacity, 8))
        let p = malloc(size)!
        let cap = size - headerSize
        let node = ListNode(base: p)
        node.count = 0
        node.start = atFront ? cap : 0
        node.end = node.start
        node.capacity = cap
        return node
    }

    /// The bytes glibc malloc really gives for a request of `n` (16-byte chunks with an 8-byte size word).
    static func usableSize(_ n: Int) -> Int { max(24, ((n + 8 + 15) & ~15) - 8) }

    func release() { free(base) }

    func copy() -> ListNode {
        let node = ListNode.make(capacity: used)
        (node.data).copyMemory(from: data + start, byteCount: used)
        node.count = count
        node.end = used
        return node
    }

    // MARK: - Header

    var count: Int {
        get { Int(base.load(as: UInt32.self)) }
        nonmutating set { base.storeBytes(of: UInt32(truncatingIfNeeded: newValue), as: UInt32.self) }
    }
    var start: Int {
        get { Int(base.load(fromByteOffset: 4, as: UInt32.self)) }
        nonmutating set { base.storeBytes(of: UInt32(truncatingIfNeeded: newValue), toByteOffset: 4, as: UInt32.self) }
    }
    var end: Int {
        get { Int(base.load(fromByteOffset: 8, as: UInt32.self)) }
        nonmutating set { base.storeBytes(of: UInt32(truncatingIfNeeded: newValue), toByteOffset: 8, as: UInt32.self) }
    }
    var capacity: Int {
        get { Int(base.load(fromByteOffset: 12, as: UInt32.self)) }
        nonmutating set { base.storeBytes(of: UInt32(truncatingIfNeeded: newValue), toByteOffset: 12, as: UInt32.self) }
    }
    var data: UnsafeMutableRawPointer { base + ListNode.headerSize }
    /// Bytes of entries.
    var used: Int { end - start }
    /// The size Redis would compare with its limits (lpBytes).
    var listpackBytes: Int { used + ListNode.listpackOverhead }
    var allocatedBytes: Int { ListNode.headerSize + capacity }

    // MARK: - Entry coding

    /// Bytes of each of the two length fields of an entry of `n` bytes (the same varint as PackedList's prefix).
    @inline(__always)
    static func lengthSize(_ n: Int) -> Int { PackedList.prefixSize(n) }

    /// Bytes of a whole entry holding `n` bytes.
    @inline(__always)
    static func entrySize(_ n: Int) -> Int { 2 * lengthSize(n) + n }

    /// The entry starting at data offset `offset`: its bytes and the offset after it.
    @inline(__always)
    func entry(at offset: Int) -> (bytes: UnsafeRawBufferPointer, next: Int) {
        let p = UnsafeRawPointer(data)
        var o = offset
        var b = p.load(fromByteOffset: o, as: UInt8.self)
        o += 1
        var n = Int(b)
        if b >= 0x80 {
            n = Int(b & 0x7F)
            var shift = 7
            repeat {
                b = p.load(fromByteOffset: o, as: UInt8.self)
                o += 1
                n |= Int(b & 0x7F) << shift
                shift += 7
            } while b >= 0x80
        }
        return (UnsafeRawBufferPointer(start: p + o, count: n), o + n + (o - offset))
    }

    /// The entry that ends at data offset `offset`: its bytes and its start offset.
    @inline(__always)
    func entry(endingAt offset: Int) -> (bytes: UnsafeRawBufferPointer, start: Int) {
        let p = UnsafeRawPointer(data)
        var o = offset - 1
        var b = p.load(fromByteOffset: o, as: UInt8.self)
        var n = Int(b & 0x7F)
        var shift = 7
        while b >= 0x80 {
            o -= 1
            b = p.load(fromByteOffset: o, as: UInt8.self)
            n |= Int(b & 0x7F) << shift
            shift += 7
        }
        let k = offset - o
        let bytesStart = o - n
        return (UnsafeRawBufferPointer(start: p + bytesStart, count: n), bytesStart - k)
    }

    /// Writes an entry for `s` at `p`; returns its size.
    @inline(__always)
    static func write(_ s: UnsafeRawBufferPointer, at p: UnsafeMutableRawPointer) -> Int {
        let n = s.count
        let k = lengthSize(n)
        var v = n
        for i in 0..<k {
            let low = UInt8(truncatingIfNeeded: v & 0x7F)
            v >>= 7
            // Forward: little-endian groups, continuation bit on all but the last.
            p.storeBytes(of: low | (i < k - 1 ? 0x80 : 0), toByteOffset: i, as: UInt8.self)
            // Backward: the same groups mirrored, so the byte nearest the end holds the low bits.
            p.storeBytes(of: low | (i < k - 1 ? 0x80 : 0), toByteOffset: k + n + k - 1 - i, as: UInt8.self)
        }
        if n > 0 { (p + k).copyMemory(from: s.baseAddress!, byteCount: n) }
        return 2 * k + n
    }

    // MARK: - Room

    /// Makes sure there are at least `front` free bytes before the entries and `back` after them. Returns the
    /// (possibly moved) node. Growth leaves half again the needed size, on the side being filled.
    /// `limit` caps the growth (a quicklist node never holds more than its size limit, so room past it is waste).
    func reserve(front: Int, back: Int, limit: Int = Int.max) -> ListNode {
        let cap = capacity
        if start >= front && cap - end >= back { return self }
        let u = used
        let needed = u + front + back
        if needed + needed / 4 <= cap && u <= cap / 2 {
            // Enough room overall: recentre in place, the spare room split over the requested sides.
            let spare = cap - needed
            let newStart = front + (front > 0 && back > 0 ? spare / 2 : (front > 0 ? spare : 0))
            (data + newStart).copyMemory(from: data + start, byteCount: u)
            start = newStart
            end = newStart + u
            return self
        }
        let wanted = needed <= 64 ? needed : min(needed + needed / 2, max(needed, limit))
        let node = ListNode.make(capacity: wanted)
        let spare = node.capacity - needed
        let newStart = front + (front > 0 ? (back > 0 ? spare / 2 : spare) : 0)
        (node.data + newStart).copyMemory(from: data + start, byteCount: u)
        node.count = count
        node.start = newStart
        node.end = newStart + u
        release()
        return node
    }

    /// Gives memory back when at most a quarter of a large block is in use.
    func shrinkIfSparse() -> ListNode {
        let cap = capacity
        let u = used
        guard cap > 256 && u * 4 < cap else { return self }
        let node = ListNode.make(capacity: u + u / 2)
        (node.data).copyMemory(from: data + start, byteCount: u)
        node.count = count
        node.start = 0
        node.end = u
        release()
        return node
    }

    // MARK: - Edits (the caller has reserved room)

    func pushFront(_ s: UnsafeRawBufferPointer) {
        let size = ListNode.entrySize(s.count)
        let o = start - size
        _ = ListNode.write(s, at: data + o)
        start = o
        count += 1
    }

    func pushBack(_ s: UnsafeRawBufferPointer) {
        end += ListNode.write(s, at: data + end)
        count += 1
    }

    /// Inserts an entry at data offset `offset` (an entry boundary), moving the entries after it.
    func insert(_ s: UnsafeRawBufferPointer, at offset: Int) {
        let size = ListNode.entrySize(s.count)
        (data + offset + size).copyMemory(from: data + offset, byteCount: end - offset)
        _ = ListNode.write(s, at: data + offset)
        end += size
        count += 1
    }

    /// Removes the entries in data offsets `from..<to` (`entries` of them).
    func remove(from: Int, to: Int, entries: Int) {
        if from == start {
            start = to
        } else if to == end {
            end = from
        } else {
            (data + from).copyMemory(from: data + to, byteCount: end - to)
            end -= to - from
        }
        count -= entries
        if count == 0 {
            start = 0
            end = 0
        }
    }
}
