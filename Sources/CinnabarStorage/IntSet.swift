// The "intset" encoding of sets whose members are all integers: Redis's intset.c. The integers are kept sorted in
// one malloc'd block at the narrowest width that holds them all (2, 4 or 8 bytes each); adding a wider integer
// upgrades the whole block, and nothing ever downgrades it, as in Redis. Lookups are binary searches and members
// come out in ascending order, which is what SMEMBERS shows for an intset.
// SPDX-License-Identifier: BSD-3-Clause
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sorted distinct 64-bit integers, stored 2, 4 or 8 bytes wide. The owner calls ``release()`` exactly once.
struct IntSet {
    /// Header: width in bytes (UInt32), count (UInt32).
    static var headerSize: Int { 8 }

    var base: UnsafeMutableRawPointer?

    init() { base = nil }

    init(base: UnsafeMutableRawPointer?) { self.base = base }

    mutating func release() {
        if let base { free(base) }
        base = nil
    }

    func copy() -> IntSet {
        guard let base else { return IntSet() }
        let n = allocatedBytes
        let p = malloc(n)!
        p.copyMemory(from: base, byteCount: n)
        var r = IntSet()
        r.base = p
        return r
    }

    var count: Int { base.map { Int($0.load(fromByteOffset: 4, as: UInt32.self)) } ?? 0 }
    var width: Int { base.map { Int($0.load(as: UInt32.self)) } ?? 2 }
    var allocatedBytes: Int { base == nil ? 0 : IntSet.headerSize + count * width }

    static func width(for v: Int64) -> Int {
        if v >= Int64(Int16.min) && v <= Int64(Int16.max) { return 2 }
        if v >= Int64(Int32.min) && v <= Int64(Int32.max) { return 4 }
        return 8
    }

    @inline(__always)
    func get(_ i: Int) -> Int64 {
        let p = UnsafeRawPointer(base!) + IntSet.headerSize
        switch width {
        case 2: return Int64(p.load(fromByteOffset: i * 2, as: Int16.self))
        case 4: return Int64(p.load(fromByteOffset: i * 4, as: Int32.self))
        default: return p.load(fromByteOffset: i * 8, as: Int64.self)
        }
    }

    @inline(__always)
    private func set(_ i: Int, _ v: Int64, width w: Int) {
        let p = base! + IntSet.headerSize
        switch w {
        case 2: p.storeBytes(of: Int16(truncatingIfNeeded: v), toByteOffset: i * 2, as: Int16.self)
        case 4: p.storeBytes(of: Int32(truncatingIfNeeded: v), toByteOffset: i * 4, as: Int32.self)
        default: p.storeBytes(of: v, toByteOffset: i * 8, as: Int64.self)
        }
    }

    var min: Int64 { self.get(0) }
    var max: Int64 { self.get(count - 1) }

    /// Binary search: (found, index where it is or would be inserted).
    func search(_ v: Int64) -> (found: Bool, index: Int) {
        let n = count
        if n == 0 { return (false, 0) }
        if v > get(n - 1) { return (false, n) }
        if v < get(0) { return (false, 0) }
        var lo = 0
        var hi = n - 1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let x = get(mid)
            if x == v { return (true, mid) }
            if x < v { lo = mid + 1 } else { hi = mid - 1 }
        }
        return (false, lo)
    }

    func contains(_ v: Int64) -> Bool {
        if base == nil || IntSet.width(for: v) > width { return false }
        return search(v).found
    }

    /// Adds `v`; returns false when it was already a member.
    mutating func insert(_ v: Int64) -> Bool {
        let w = IntSet.width(for: v)
        let n = count
        if base == nil {
            base = malloc(IntSet.headerSize + w)!
            base!.storeBytes(of: UInt32(w), as: UInt32.self)
            base!.storeBytes(of: UInt32(1), toByteOffset: 4, as: UInt32.self)
            set(0, v, width: w)
            return true
        }
        let current = width
        if w > current {
            // Upgrade: the new value is beyond every member, so it goes first (negative) or last (positive).
            base = realloc(base, IntSet.headerSize + (n + 1) * w)!
            let prepend = v < 0
            var i = n - 1
            while i >= 0 {
                let x = getAt(i, width: current)
                set(i + (prepend ? 1 : 0), x, width: w)
                i -= 1
            }
            set(prepend ? 0 : n, v, width: w)
            base!.storeBytes(of: UInt32(w), as: UInt32.self)
            base!.storeBytes(of: UInt32(n + 1), toByteOffset: 4, as: UInt32.self)
            return true
        }
        let (found, index) = search(v)
        if found { return false }
        base = realloc(base, IntSet.headerSize + (n + 1) * current)!
        let p = base! + IntSet.headerSize
        if index < n {
            (p + (index + 1) * current).copyMemory(from: p + index * current, byteCount: (n - index) * current)
        }
        set(index, v, width: current)
        base!.storeBytes(of: UInt32(n + 1), toByteOffset: 4, as: UInt32.self)
        return true
    }

    private func getAt(_ i: Int, width w: Int) -> Int64 {
        let p = UnsafeRawPointer(base!) + IntSet.headerSize
        switch w {
        case 2: return Int64(p.load(fromByteOffset: i * 2, as: Int16.self))
        case 4: return Int64(p.load(fromByteOffset: i * 4, as: Int32.self))
        default: return p.load(fromByteOffset: i * 8, as: Int64.self)
        }
    }

    /// Removes `v`; returns whether it was a member.
    mutating func remove(_ v: Int64) -> Bool {
        guard base != nil, IntSet.width(for: v) <= width else { return false }
        let (found, index) = search(v)
        if !found { return false }
        removeAt(index)
        return true
    }

    mutating func removeAt(_ index: Int) {
        let n = count
        let w = width
        if n == 1 {
            release()
            return
        }
        let p = base! + IntSet.headerSize
        if index < n - 1 {
            (p + index * w).copyMemory(from: p + (index + 1) * w, byteCount: (n - 1 - index) * w)
        }
        base = realloc(base, IntSet.headerSize + (n - 1) * w)!
        base!.storeBytes(of: UInt32(n - 1), toByteOffset: 4, as: UInt32.self)
    }
}
