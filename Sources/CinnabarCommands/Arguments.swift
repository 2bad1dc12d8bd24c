// A command's arguments as views into the bytes they arrived in: no copy and no allocation per argument on the
// hot path. The views are valid only while the command executes; code that keeps arguments (MULTI queues,
// blocked clients, scripts) copies them with `owned()`.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage

public struct Arguments {
    @usableFromInline let base: UnsafeRawPointer?
    @usableFromInline let slices: UnsafeBufferPointer<ArgumentSlice>
    /// Keeps owned storage alive for arguments built by `owned()` or from arrays.
    @usableFromInline let owner: AnyObject?

    public init(base: UnsafeRawPointer?, slices: UnsafeBufferPointer<ArgumentSlice>) {
        self.base = base
        self.slices = slices
        self.owner = nil
    }

    private init(base: UnsafeRawPointer?, slices: UnsafeBufferPointer<ArgumentSlice>, owner: AnyObject) {
        self.base = base
        self.slices = slices
        self.owner = owner
    }

    @inlinable public var count: Int { slices.count }

    @inlinable
    public subscript(_ i: Int) -> UnsafeRawBufferPointer {
        let s = slices[i]
        return UnsafeRawBufferPointer(start: base.map { $0 + s.offset }, count: s.count)
    }

    /// The argument as a String (error messages, config values; never on a hot path).
    public func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    public func bytes(_ i: Int) -> Bytes { Bytes(self[i]) }

    /// An owning copy.
    public func owned() -> Arguments {
        var all: [[UInt8]] = []
        all.reserveCapacity(count)
        for i in 0..<count { all.append(Array(self[i])) }
        return Arguments(all)
    }

    /// Arguments built from byte arrays (tests, internal calls).
    public init(_ arrays: [[UInt8]]) {
        let storage = OwnedArgumentStorage(arrays)
        self.init(base: storage.blobBase, slices: storage.sliceBuffer, owner: storage)
    }

    public init(_ strings: [String]) {
        self.init(strings.map { Array($0.utf8) })
    }
}

final class OwnedArgumentStorage {
    let blob: UnsafeMutableRawBufferPointer
    let slices: UnsafeMutableBufferPointer<ArgumentSlice>

    init(_ arrays: [[UInt8]]) {
        let total = arrays.reduce(0) { $0 + $1.count }
        let blob = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 8)
        let slices = UnsafeMutableBufferPointer<ArgumentSlice>.allocate(capacity: max(arrays.count, 1))
        var offset = 0
        for (i, a) in arrays.enumerated() {
            a.withUnsafeBytes { src in
                if let s = src.baseAddress { (blob.baseAddress! + offset).copyMemory(from: s, byteCount: a.count) }
            }
            slices[i] = ArgumentSlice(offset: offset, count: a.count)
            offset += a.count
        }
        self.blob = blob
        self.slices = slices
        self.sliceCount = arrays.count
    }

    let sliceCount: Int
    var blobBase: UnsafeRawPointer { UnsafeRawPointer(blob.baseAddress!) }
    var sliceBuffer: UnsafeBufferPointer<ArgumentSlice> {
        UnsafeBufferPointer(start: slices.baseAddress, count: sliceCount)
    }

    deinit {
        blob.deallocate()
        slices.deallocate()
    }
}
