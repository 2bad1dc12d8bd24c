// Bitmap commands on string values (Redis's bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP. Bits are
// numbered from the most significant bit of the first byte. BITFIELD and BITFIELD_RO are in +Bitfield.swift.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

enum BitmapCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("setbit", arity: 4, flags: [.write, .denyOOM], keys: [.key(1, "RW ACCESS UPDATE")], acl: ["@bitmap"], group: "bitmap",
                    summary: "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.",
                    since: "2.2.0", handler: setbit),
        CommandSpec("getbit", arity: 3, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@bitmap"], group: "bitmap",
                    summary: "Returns a bit value by offset.", since: "2.2.0", handler: getbit),
        CommandSpec("bitcount", arity: -2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@bitmap"], group: "bitmap",
                    summary: "Counts the number of set bits (population counting) in a string.", since: "2.6.0",
                    complexity: "O(N)", handler: bitcount),
        CommandSpec("bitpos", arity: -3, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@bitmap"], group: "bitmap",
                    summary: "Finds the first set (1) or clear (0) bit in a string.", since: "2.8.7",
                    complexity: "O(N)", handler: bitpos),
        CommandSpec("bitop", arity: -4, flags: [.write, .denyOOM], keys: [.key(2, "OW UPDATE"), .key(3, "RO ACCESS", last: -1)], acl: ["@bitmap"],
                    group: "bitmap", summary: "Performs bitwise operations on multiple strings, and stores the result.",
                    since: "2.6.0", complexity: "O(N)", handler: bitop),
        CommandSpec("bitfield", arity: -2, flags: [.write, .denyOOM],
                    keys: [.key(1, "RW UPDATE ACCESS VARIABLE_FLAGS",
                                notes: "This command allows both access and modification of the key")],
                    acl: ["@bitmap"], group: "bitmap", since: "3.2.0",
                    handler: { c throws(CommandError) in try bitfield(c, readOnlyCommand: false) }),
        CommandSpec("bitfield_ro", arity: -2, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")],
                    acl: ["@bitmap"], group: "bitmap", since: "6.0.0",
                    handler: { c throws(CommandError) in try bitfield(c, readOnlyCommand: true) }),
    ]
    }

    /// A bit offset argument: 0 ≤ offset < proto-max-bulk-len · 8 (getBitOffsetFromArgument). With `hashUnit`
    /// (BITFIELD's type width), `#N` means N · hashUnit.
    static func bitOffset(_ c: CommandContext, _ arg: UnsafeRawBufferPointer, hashUnit: Int = 0) throws(CommandError) -> Int {
        let hash = hashUnit > 0 && arg.count > 0 && arg[0] == UInt8(ascii: "#")
        guard var v = parseInt64(hash ? UnsafeRawBufferPointer(rebasing: arg[1...]) : arg) else { throw .bitOffset }
        if hash {
            let (m, overflow) = v.multipliedReportingOverflow(by: Int64(hashUnit))
            if overflow { throw .bitOffset }
            v = m
        }
        guard v >= 0, v < Int64(c.server.config.protoMaxBulkLen) * 8 else { throw .bitOffset }
        return Int(v)
    }

    static func setbit(_ c: CommandContext) throws(CommandError) {
        let offset = try bitOffset(c, c.args[2])
        let bitArg = c.args[3]
        guard bitArg.count == 1, bitArg[0] == 48 || bitArg[0] == 49 else {
            throw .err("bit is not an integer or out of range")
        }
        let on = bitArg[0] == 49
        let byte = offset >> 3
        let db = c.db
        let key = c.args[1]
        let index: Int
        var created = false
        if let i = db.find(key, options: [.noStats]) {
            guard db.keys.entry(i).pointee.holdsString else { throw .wrongType }
            index = i
        } else {
            index = db.add(key, Value(rawString: UnsafeRawBufferPointer(start: nil, count: 0), markRaw: true))
            created = true
        }
        let (grew, old) = db.withValue(at: index) { value in
            let grew = value.stringLength <= byte
            let old = value.mutateString(minimumCount: byte + 1) { view in
                view.withUnsafeMutableBytes { p -> Int in
                    let mask = UInt8(0x80) >> UInt8(offset & 7)
                    let was = p[byte] & mask != 0
                    if on { p[byte] |= mask } else { p[byte] &= ~mask }
                    return was ? 1 : 0
                }
            }
            return (grew, old)
        }
        // Only a change counts (Redis 7.2): a new key (`add` signalled it), a longer string, or a flipped bit.
        if created || grew || (old == 1) != on {
            if !created { db.modified(key) }
            c.notify(.string, "setbit", key)
        }
        c.integer(old)
    }

    static func getbit(_ c: CommandContext) throws(CommandError) {
        let offset = try bitOffset(c, c.args[2])
        guard let v = try c.stringValue(c.args[1]) else { return c.integer(0) }
        let bit = v.withStringBytes { b -> Int in
            let byte = offset >> 3
            guard byte < b.count else { return 0 }
            return b[byte] & (UInt8(0x80) >> UInt8(offset & 7)) != 0 ? 1 : 0
        }
        c.integer(bit)
    }

    /// Resolves a [start, end] range with negative indexes against `length` units; nil when empty.
    static func range(_ start: Int, _ end: Int, length: Int) -> (Int, Int)? {
        var s = start
        var e = end
        if s < 0 && e < 0 && s > e { return nil }
        if s < 0 { s = length + s }
        if e < 0 { e = length + e }
        if s < 0 { s = 0 }
        if e < 0 { e = 0 }
        if e >= length { e = length - 1 }
        if s > e || length == 0 { return nil }
        return (s, e)
    }

    static func countBits(_ b: UnsafeRawBufferPointer, fromBit: Int, toBit: Int) -> Int {
        var n = 0
        var bit = fromBit
        while bit <= toBit && bit & 7 != 0 {
            if b[bit >> 3] & (UInt8(0x80) >> UInt8(bit & 7)) != 0 { n += 1 }
            bit += 1
        }
        let firstFull = bit >> 3
        let lastFull = (toBit + 1) >> 3  // exclusive
        if firstFull < lastFull {
            n += popcount(UnsafeRawBufferPointer(rebasing: b[firstFull..<lastFull]))
            bit = lastFull << 3
        }
        while bit <= toBit {
            if b[bit >> 3] & (UInt8(0x80) >> UInt8(bit & 7)) != 0 { n += 1 }
            bit += 1
        }
        return n
    }

    static func bitcount(_ c: CommandContext) throws(CommandError) {
        var start = 0
        var end = -1
        var isBit = false
        let n = c.args.count
        if n == 4 || n == 5 {
            start = try c.int(2)
            end = try c.int(3)
            if n == 5 {
                if argEquals(c.args[4], "BIT") { isBit = true }
                else if !argEquals(c.args[4], "BYTE") { throw .syntax }
            }
        } else if n != 2 {
            throw .syntax
        }
        guard let v = try c.stringValue(c.args[1]) else { return c.integer(0) }
        let count = v.withStringBytes { b -> Int in
            if n == 2 { return popcount(b) }
            guard let (s, e) = range(start, end, length: isBit ? b.count * 8 : b.count) else { return 0 }
            return isBit ? countBits(b, fromBit: s, toBit: e) : popcount(UnsafeRawBufferPointer(rebasing: b[s...e]))
        }
        c.integer(count)
    }

    static func bitpos(_ c: CommandContext) throws(CommandError) {
        let bitArg = c.args[2]
        guard let bitValue = parseInt64(bitArg) else { throw .notInteger }
        guard bitValue == 0 || bitValue == 1 else { throw .err("The bit argument must be 1 or 0.") }
        let wantSet = bitValue == 1
        let n = c.args.count
        var start = 0
        var end = -1
        var endGiven = false
        var isBit = false
        if n >= 4 { start = try c.int(3) }
        if n >= 5 {
            end = try c.int(4)
            endGiven = true
        }
        if n == 6 {
            if argEquals(c.args[5], "BIT") { isBit = true }
            else if !argEquals(c.args[5], "BYTE") { throw .syntax }
        } else if n > 6 {
            throw .syntax
        }
        guard let v = try c.stringValue(c.args[1]) else { return c.integer(wantSet ? -1 : 0) }
        let result = v.withStringBytes { b -> Int in
            let units = isBit ? b.count * 8 : b.count
            guard let (s, e) = range(start, end, length: units) else { return -1 }
            let fromBit = isBit ? s : s * 8
            let toBit = isBit ? e : e * 8 + 7
            var bit = fromBit
            while bit <= toBit {
                // Skip whole bytes that cannot contain the bit we look for.
                if bit & 7 == 0 && bit + 7 <= toBit {
                    let byte = b[bit >> 3]
                    if (wantSet && byte == 0) || (!wantSet && byte == 0xFF) {
                        bit += 8
                        continue
                    }
                }
                let isSet = b[bit >> 3] & (UInt8(0x80) >> UInt8(bit & 7)) != 0
                if isSet == wantSet { return bit }
                bit += 1
            }
            // Looking for a clear bit with no explicit end: the string is treated as padded with zeros.
            if !wantSet && !endGiven { return toBit + 1 }
            return -1
        }
        c.integer(result)
    }

    static func bitop(_ c: CommandContext) throws(CommandError) {
        enum Op { case and, or, xor, not }
        let opArg = c.args[1]
        let op: Op
        if argEquals(opArg, "AND") { op = .and }
        else if argEquals(opArg, "OR") { op = .or }
        else if argEquals(opArg, "XOR") { op = .xor }
        else if argEquals(opArg, "NOT") { op = .not }
        else { throw .syntax }
        if op == .not && c.args.count != 4 { throw .err("BITOP NOT must be called with a single source key.") }
        let db = c.db
        var sources: [Bytes?] = []
        var maxLength = 0
        for i in 3..<c.args.count {
            if let v = db.get(c.args[i], options: c.readOptions) {
                guard v.isString else { throw .wrongType }
                let b = v.stringBytes
                maxLength = max(maxLength, b.count)
                sources.append(b)
            } else {
                sources.append(nil)
            }
        }
        let dest = c.args[2]
        guard maxLength > 0 else {
            if db.delete(dest) { c.notify(.generic, "del", dest) }
            return c.integer(0)
        }
        var result = [UInt8](repeating: 0, count: maxLength)
        for (k, source) in sources.enumerated() {
            let bytes = source?.array ?? []
            for j in 0..<maxLength {
                let x = j < bytes.count ? bytes[j] : 0
                switch op {
                case .not: result[j] = ~x
                case .and: result[j] = k == 0 ? x : result[j] & x
                case .or: result[j] |= x
                case .xor: result[j] ^= x
                }
            }
        }
        result.withUnsafeBytes { db.set(dest, Value(rawString: $0, markRaw: true)) }
        c.notify(.string, "set", dest)
        c.integer(maxLength)
    }
}
