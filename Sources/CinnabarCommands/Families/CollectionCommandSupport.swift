// What the collection families share: the option loop of HSCAN/SSCAN (scanGenericCommand's, usable for ZSCAN),
// the empty scan reply, the count argument of HRANDFIELD/SRANDMEMBER (and ZRANDMEMBER), and how Redis picks
// distinct random elements for them and for SPOP.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

/// The options of a collection SCAN: [MATCH pattern] [COUNT count], and NOVALUES where the command allows it.
struct ScanOptions {
    var count = 10
    /// nil also for "*", which matches everything.
    var pattern: UnsafeRawBufferPointer? = nil
    var noValues = false

    /// Parses the options from argument `start` on. NOVALUES (Redis 7.4, HSCAN only) is a syntax error elsewhere,
    /// as in Redis 7.2.
    static func parse(_ c: CommandContext, from start: Int, allowNoValues: Bool) throws(CommandError) -> ScanOptions {
        var o = ScanOptions()
        var i = start
        while i < c.args.count {
            let remaining = c.args.count - i
            if argEquals(c.args[i], "COUNT") && remaining >= 2 {
                o.count = try c.int(i + 1)
                if o.count < 1 { throw .syntax }
                i += 2
            } else if argEquals(c.args[i], "MATCH") && remaining >= 2 {
                let p = c.args[i + 1]
                o.pattern = p.count == 1 && p[0] == UInt8(ascii: "*") ? nil : p
                i += 2
            } else if allowNoValues && argEquals(c.args[i], "NOVALUES") {
                o.noValues = true
                i += 1
            } else {
                throw .syntax
            }
        }
        return o
    }

    /// The reply of a collection SCAN on a missing key: cursor 0, no elements.
    static func replyEmpty(_ c: CommandContext) {
        c.array(2)
        c.bulk("0")
        c.array(0)
    }
}

enum RandomSampling {
    /// The count of HRANDFIELD and SRANDMEMBER: any long but LONG_MIN (whose negation overflows), with Redis's
    /// getRangeLongFromObjectOrReply error.
    static func count(_ arg: UnsafeRawBufferPointer) throws(CommandError) -> Int {
        guard let n = parseInt64(arg) else { throw .notInteger }
        if n == Int64.min {
            throw .err("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
        }
        return Int(n)
    }

    /// `count` distinct ordinals out of `size` (count < size), picked as Redis picks them: in storage order for a
    /// compact encoding (selection sampling, as lpRandomPairsUnique walks a listpack once); else, when most are
    /// wanted, by removing random ones from the full range (SUB_STRATEGY_MUL 3), or by drawing until enough
    /// distinct ones came up.
    static func distinctOrdinals(count: Int, of size: Int, inOrder: Bool, _ rng: inout FastRandom) -> [Int] {
        if inOrder {
            var picked: [Int] = []
            picked.reserveCapacity(count)
            var needed = count
            for i in 0..<size where needed > 0 {
                if rng.below(size - i) < needed {
                    picked.append(i)
                    needed -= 1
                }
            }
            return picked
        }
        if count * 3 > size {
            var all = Array(0..<size)
            while all.count > count {
                all.swapAt(rng.below(all.count), all.count - 1)
                all.removeLast()
            }
            return all
        }
        var seen = Set<Int>(minimumCapacity: count)
        var picked: [Int] = []
        picked.reserveCapacity(count)
        while picked.count < count {
            let i = rng.below(size)
            if seen.insert(i).inserted { picked.append(i) }
        }
        return picked
    }
}

/// The shared tail of LMPOP/BLMPOP and ZMPOP/BZMPOP: `numkeys key [key ...] <where> [COUNT count]`.
enum MultiPopArguments {
    /// Parses from `numkeysIndex` on: the key argument indexes, the direction word (read by `direction`), and the
    /// count (1 when absent), with Redis's errors (lmpopGenericCommand / zmpopGenericCommand).
    static func parse<Direction>(
        _ c: CommandContext, numkeysIndex: Int,
        direction: (UnsafeRawBufferPointer) throws(CommandError) -> Direction
    ) throws(CommandError) -> (Range<Int>, Direction, Int) {
        let a = c.args
        guard let numkeys = parseInt64(a[numkeysIndex]), numkeys >= 1 else { throw .numkeysPositive }
        guard numkeys < a.count else { throw .syntax }
        let whereIndex = numkeysIndex + Int(numkeys) + 1
        if whereIndex >= a.count { throw .syntax }
        let which = try direction(a[whereIndex])
        var count = -1
        var j = whereIndex + 1
        while j < a.count {
            if count == -1 && argEquals(a[j], "COUNT") && j + 1 < a.count {
                guard let n = parseInt64(a[j + 1]), n >= 1 else { throw .countPositive }
                count = Int(n)
                j += 2
            } else {
                throw .syntax
            }
        }
        return ((numkeysIndex + 1)..<whereIndex, which, count == -1 ? 1 : count)
    }
}
