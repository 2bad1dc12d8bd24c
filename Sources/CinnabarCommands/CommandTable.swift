// Finds a command by name without allocating: an open-addressing table keyed by the ASCII-lowercased name's hash,
// compared case-insensitively. Built once at startup from the families' specs.
// SPDX-License-Identifier: BSD-3-Clause

public final class CommandTable {
    public let all: [CommandSpec]
    private var slots: [Int32]
    private let mask: Int

    init(_ specs: [CommandSpec]) {
        all = specs.sorted { $0.name < $1.name }
        var size = 64
        while size < all.count * 4 { size *= 2 }
        mask = size - 1
        slots = Array(repeating: -1, count: size)
        for (i, spec) in all.enumerated() {
            var s = spec.nameBytes.withUnsafeBytes { CommandTable.hash($0) } & mask
            precondition(find(spec.nameBytes.withUnsafeBytes { Array($0) }) == nil, "duplicate command \(spec.name)")
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }

    @inline(__always)
    static func hash(_ name: UnsafeRawBufferPointer) -> Int {
        var h: UInt32 = 2_166_136_261
        for c in name {
            h = (h ^ UInt32(c | (c >= 65 && c <= 90 ? 0x20 : 0))) &* 16_777_619
        }
        return Int(h)
    }

    /// The command named by `name` (any case), or nil.
    @inline(__always)
    public func find(_ name: UnsafeRawBufferPointer) -> CommandSpec? {
        var s = CommandTable.hash(name) & mask
        while true {
            let i = Int(slots[s])
            if i < 0 { return nil }
            let spec = all[i]
            if equalsLowercased(name, spec.nameBytes) { return spec }
            s = (s + 1) & mask
        }
    }

    private func find(_ name: [UInt8]) -> CommandSpec? { name.withUnsafeBytes { find($0) } }

    public func find(_ name: String) -> CommandSpec? { find(Array(name.utf8)) }
}
