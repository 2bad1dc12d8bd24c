// BITFIELD and BITFIELD_RO (Redis's bitfieldGeneric in bitops.c): signed (i1..i64) and unsigned (u1..u63) integers
// at any bit offset of a string (`#N` offsets count in units of the type's width), with GET, SET and INCRBY, and
// OVERFLOW WRAP (default), SAT or FAIL applying to the SET/INCRBY operations after it. All operations are parsed
// and checked before any runs; only GETs leave a missing key missing.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

extension BitmapCommands {
    enum Overflow { case wrap, sat, fail }

    struct BitfieldOp {
        enum Kind { case get, set, incrby }
        var kind: Kind
        var signed: Bool
        var bits: Int
        var offset: Int
        var value: Int64
        var overflow: Overflow
    }

    static let bitfieldTypeError = CommandError.err(
        "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")

    /// BITFIELD key [GET type offset] [OVERFLOW WRAP|SAT|FAIL] [SET type offset value] [INCRBY type offset incr] ...
    static func bitfield(_ c: CommandContext, readOnlyCommand: Bool) throws(CommandError) {
        let a = c.args
        var ops: [BitfieldOp] = []
        var overflow = Overflow.wrap
        var readOnly = true
        var highestWrite = 0
        var j = 2
        while j < a.count {
            let remaining = a.count - j - 1
            let kind: BitfieldOp.Kind
            if argEquals(a[j], "get") && remaining >= 2 {
                kind = .get
            } else if argEquals(a[j], "set") && remaining >= 3 {
                kind = .set
            } else if argEquals(a[j], "incrby") && remaining >= 3 {
                kind = .incrby
            } else if argEquals(a[j], "overflow") && remaining >= 1 {
                let t = a[j + 1]
                if argEquals(t, "wrap") { overflow = .wrap }
                else if argEquals(t, "sat") { overflow = .sat }
                else if argEquals(t, "fail") { overflow = .fail }
                else { throw .err("Invalid OVERFLOW type specified") }
                j += 2
                continue
            } else {
                throw .syntax
            }
            let (signed, bits) = try bitfieldType(a[j + 1])
            let offset = try bitOffset(c, a[j + 2], hashUnit: bits)
            var value: Int64 = 0
            if kind != .get {
                readOnly = false
                highestWrite = max(highestWrite, offset + bits - 1)
                guard let v = parseInt64(a[j + 3]) else { throw .notInteger }
                value = v
            }
            ops.append(BitfieldOp(kind: kind, signed: signed, bits: bits, offset: offset, value: value,
                                  overflow: overflow))
            j += kind == .get ? 3 : 4
        }

        let db = c.db
        let key = a[1]
        if readOnly {
            let v = try c.stringValue(key)
            c.array(ops.count)
            for op in ops {
                let field: UInt64 = v?.withStringBytes { readBits($0, op.offset, op.bits) } ?? 0
                c.integer(Int(op.signed ? signExtend(field, op.bits) : Int64(bitPattern: field)))
            }
            return
        }
        if readOnlyCommand { throw .err("BITFIELD_RO only supports the GET subcommand") }

        // lookupStringForBitCommand: the string, created or grown with zero bytes up to the highest written bit.
        let index: Int
        var created = false
        if let i = db.find(key, options: [.noStats]) {
            guard db.keys.entry(i).pointee.holdsString else { throw .wrongType }
            index = i
        } else {
            index = db.add(key, Value(rawString: UnsafeRawBufferPointer(start: nil, count: 0), markRaw: true))
            created = true
        }
        let needed = highestWrite / 8 + 1
        var changes = 0
        c.array(ops.count)
        db.withValue(at: index) { value in
            let grew = value.stringLength < needed
            value.mutateString(minimumCount: needed) { view in
                view.withUnsafeMutableBytes { p in
                    for op in ops {
                        let old = readBits(UnsafeRawBufferPointer(p), op.offset, op.bits)
                        if op.kind == .get {
                            c.integer(Int(op.signed ? signExtend(old, op.bits) : Int64(bitPattern: old)))
                            continue
                        }
                        var newBits: UInt64
                        var reply: Int64
                        var failed = false
                        if op.signed {
                            let oldValue = signExtend(old, op.bits)
                            let (base, incr) = op.kind == .incrby ? (oldValue, op.value) : (op.value, Int64(0))
                            let (overflowed, limited) = signedOverflow(base, incr, op.bits, op.overflow)
                            let newValue = overflowed ? limited : base &+ incr
                            failed = overflowed && op.overflow == .fail
                            reply = op.kind == .incrby ? newValue : oldValue
                            newBits = UInt64(bitPattern: newValue)
                        } else {
                            let (base, incr) = op.kind == .incrby ? (old, op.value) : (UInt64(bitPattern: op.value), Int64(0))
                            let (overflowed, limited) = unsignedOverflow(base, incr, op.bits, op.overflow)
                            let newValue = overflowed ? limited : base &+ UInt64(bitPattern: incr)
                            failed = overflowed && op.overflow == .fail
                            reply = op.kind == .incrby ? Int64(bitPattern: newValue) : Int64(bitPattern: old)
                            newBits = newValue
                        }
                        if failed {
                            c.null()
                            continue
                        }
                        c.integer(Int(reply))
                        if op.bits < 64 { newBits &= (UInt64(1) << UInt64(op.bits)) - 1 }
                        writeBits(p, op.offset, op.bits, newBits)
                        if grew || created || newBits != old { changes += 1 }
                    }
                }
            }
        }
        // Dirty counts the operations that changed something (a new key's `add` already counted one).
        if changes > 0 {
            if !created { db.modified(key) }
            c.keyspace.dirty &+= changes - 1
            c.notify(.string, "setbit", key)
        }
    }

    /// getBitfieldTypeFromArgument: i1...i64 or u1...u63.
    static func bitfieldType(_ arg: UnsafeRawBufferPointer) throws(CommandError) -> (Bool, Int) {
        guard arg.count >= 2 else { throw bitfieldTypeError }
        let signed: Bool
        if arg[0] == UInt8(ascii: "i") { signed = true }
        else if arg[0] == UInt8(ascii: "u") { signed = false }
        else { throw bitfieldTypeError }
        guard let bits = parseInt64(UnsafeRawBufferPointer(rebasing: arg[1...])), bits >= 1,
            bits <= (signed ? 64 : 63)
        else { throw bitfieldTypeError }
        return (signed, Int(bits))
    }

    /// The `bits`-wide unsigned field at bit `offset` (most significant bit first); bytes past the end read as 0.
    static func readBits(_ p: UnsafeRawBufferPointer, _ offset: Int, _ bits: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<bits {
            let bit = offset + k
            let byte = bit >> 3
            let set = byte < p.count && p[byte] & (0x80 >> UInt8(bit & 7)) != 0
            v = v << 1 | (set ? 1 : 0)
        }
        return v
    }

    static func writeBits(_ p: UnsafeMutableRawBufferPointer, _ offset: Int, _ bits: Int, _ value: UInt64) {
        for k in 0..<bits {
            let bit = offset + k
            let mask = UInt8(0x80) >> UInt8(bit & 7)
            if (value >> UInt64(bits - 1 - k)) & 1 != 0 { p[bit >> 3] |= mask } else { p[bit >> 3] &= ~mask }
        }
    }

    static func signExtend(_ v: UInt64, _ bits: Int) -> Int64 {
        if bits == 64 { return Int64(bitPattern: v) }
        let shift = UInt64(64 - bits)
        return Int64(bitPattern: v << shift) >> Int64(shift)
    }

    /// checkUnsignedBitfieldOverflow: whether value + incr leaves 0...2^bits-1, and the wrapped or saturated value.
    static func unsignedOverflow(_ value: UInt64, _ incr: Int64, _ bits: Int, _ kind: Overflow) -> (Bool, UInt64) {
        let maxValue: UInt64 = bits == 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1
        let maxIncr = Int64(bitPattern: maxValue &- value)
        let minIncr = Int64(bitPattern: 0 &- value)
        func wrapped() -> UInt64 { (value &+ UInt64(bitPattern: incr)) & maxValue }
        if value > maxValue || (incr > 0 && incr > maxIncr) {
            return (true, kind == .wrap ? wrapped() : maxValue)
        }
        if incr < 0 && incr < minIncr {
            return (true, kind == .wrap ? wrapped() : 0)
        }
        return (false, 0)
    }

    /// checkSignedBitfieldOverflow: whether value + incr leaves -2^(bits-1)...2^(bits-1)-1.
    static func signedOverflow(_ value: Int64, _ incr: Int64, _ bits: Int, _ kind: Overflow) -> (Bool, Int64) {
        let maxValue: Int64 = bits == 64 ? Int64.max : (Int64(1) << Int64(bits - 1)) - 1
        let minValue = -maxValue - 1
        let maxIncr = Int64(bitPattern: UInt64(bitPattern: maxValue) &- UInt64(bitPattern: value))
        let minIncr = minValue &- value
        func wrapped() -> Int64 {
            var r = UInt64(bitPattern: value) &+ UInt64(bitPattern: incr)
            if bits < 64 {
                let mask = UInt64.max << UInt64(bits)
                if r & (UInt64(1) << UInt64(bits - 1)) != 0 { r |= mask } else { r &= ~mask }
            }
            return Int64(bitPattern: r)
        }
        if value > maxValue || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr) {
            return (true, kind == .wrap ? wrapped() : maxValue)
        }
        if value < minValue || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr) {
            return (true, kind == .wrap ? wrapped() : minValue)
        }
        return (false, 0)
    }
}
