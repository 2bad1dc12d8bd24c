// HyperLogLog commands (Redis's hyperloglog.c): PFADD, PFCOUNT (one key with the cached cardinality, several
// keys as the count of their union), PFMERGE, PFDEBUG and PFSELFTEST. An HLL is an ordinary string value in
// Redis's byte format (CinnabarStorage/HyperLogLog.swift), so GET, SET, APPEND, DUMP/RESTORE and RDB files treat
// it as a string; these commands check the header and report a damaged one with Redis's errors.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

enum HyperLogLogCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
            CommandSpec("pfadd", arity: -2, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW INSERT")],
                        acl: ["@write", "@hyperloglog", "@fast"], group: "hyperloglog", handler: pfadd),
            CommandSpec("pfcount", arity: -2, flags: [.readonly, .mayReplicate],
                        keys: [.key(1, "RW ACCESS", last: -1, notes: """
                            RW because it may change the internal representation of the key, and propagate to replicas
                            """)],
                        acl: ["@read", "@hyperloglog", "@slow"], group: "hyperloglog", handler: pfcount),
            CommandSpec("pfmerge", arity: -2, flags: [.write, .denyOOM],
                        keys: [.key(1, "RW ACCESS INSERT"), .key(2, "RO ACCESS", last: -1)],
                        acl: ["@write", "@hyperloglog", "@slow"], group: "hyperloglog", handler: pfmerge),
            CommandSpec("pfdebug", arity: 3, flags: [.write, .denyOOM, .admin], keys: [.key(2, "RW ACCESS")],
                        acl: ["@write", "@hyperloglog", "@admin", "@slow", "@dangerous"], group: "hyperloglog",
                        handler: pfdebug),
            CommandSpec("pfselftest", arity: 1, flags: [.admin],
                        acl: ["@hyperloglog", "@admin", "@slow", "@dangerous"], group: "hyperloglog",
                        handler: pfselftest),
        ]
    }

    static let invalidHLL = CommandError("WRONGTYPE Key is not a valid HyperLogLog string value.")
    static let corruptedHLL = CommandError("INVALIDOBJ Corrupted HLL object detected")

    /// isHLLObjectOrReply: WRONGTYPE for other types, the HyperLogLog WRONGTYPE for strings that are not HLLs.
    static func check(_ v: Value) throws(CommandError) {
        guard v.isString else { throw .wrongType }
        guard HyperLogLog.isValid(v) else { throw invalidHLL }
    }

    /// PFADD key [element ...]: 1 when the key was created or a register changed.
    static func pfadd(_ c: CommandContext) throws(CommandError) {
        let db = c.db
        let key = c.args[1]
        let maxBytes = c.server.config.hllSparseMaxBytes
        var updated = 0
        let index: Int
        if let i = db.find(key, options: [.noStats]) {
            try check(db.value(at: i))
            index = i
        } else {
            index = db.add(key, HyperLogLog.makeEmpty())
            updated += 1
        }
        try db.withValue(at: index) { (value: inout Value) throws(CommandError) in
            for j in 2..<c.args.count {
                switch HyperLogLog.add(&value, c.args[j], sparseMaxBytes: maxBytes) {
                case 1: updated += 1
                case -1: throw corruptedHLL
                default: break
                }
            }
            if updated > 0 { HyperLogLog.invalidateCache(&value) }
        }
        if updated > 0 {
            db.modified(key)
            c.keyspace.dirty += updated - 1
            c.notify(.string, "pfadd", key)
        }
        c.integer(updated > 0 ? 1 : 0)
    }

    /// PFCOUNT key [key ...]: one key answers from (and refreshes) the cached cardinality; several keys count
    /// the union of their registers without changing them.
    static func pfcount(_ c: CommandContext) throws(CommandError) {
        let db = c.db
        if c.args.count > 2 {
            let card = try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: HyperLogLog.registerCount) {
                max throws(CommandError) -> UInt64 in
                let registers = max.baseAddress!
                registers.initialize(repeating: 0, count: HyperLogLog.registerCount)
                for j in 1..<c.args.count {
                    guard let v = db.get(c.args[j], options: c.readOptions) else { continue }
                    try check(v)
                    guard HyperLogLog.merge(into: registers, v) else { throw corruptedHLL }
                }
                return HyperLogLog.count(rawRegisters: registers)
            }
            return c.integer(Int(card))
        }
        let key = c.args[1]
        guard let i = db.find(key, options: c.readOptions) else { return c.integer(0) }
        let (card, recomputed) = try db.withValue(at: i) { (value: inout Value) throws(CommandError) in
            try check(value)
            guard let result = HyperLogLog.cachedCount(&value) else { throw corruptedHLL }
            return result
        }
        // The cache lives in the string: a refresh is a change (propagated, seen by WATCH), as in Redis.
        if recomputed { db.modified(key) }
        c.integer(Int(card))
    }

    /// PFMERGE destkey [sourcekey ...]: the destination (itself a source) becomes the union; dense when any
    /// source is dense.
    static func pfmerge(_ c: CommandContext) throws(CommandError) {
        let db = c.db
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: HyperLogLog.registerCount) {
            max throws(CommandError) in
            let registers = max.baseAddress!
            registers.initialize(repeating: 0, count: HyperLogLog.registerCount)
            var useDense = false
            for j in 1..<c.args.count {
                guard let v = db.get(c.args[j], options: c.readOptions) else { continue }
                try check(v)
                if HyperLogLog.encoding(v) == HyperLogLog.dense { useDense = true }
                guard HyperLogLog.merge(into: registers, v) else { throw corruptedHLL }
            }
            let key = c.args[1]
            let index = db.find(key, options: [.noStats]) ?? db.add(key, HyperLogLog.makeEmpty())
            let stored = db.withValue(at: index) {
                HyperLogLog.store(registers, into: &$0, useDense: useDense,
                                  sparseMaxBytes: c.server.config.hllSparseMaxBytes)
            }
            guard stored else { throw corruptedHLL }
        }
        db.modified(c.args[1])
        c.notify(.string, "pfadd", c.args[1])
        c.ok()
    }

    /// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key.
    static func pfdebug(_ c: CommandContext) throws(CommandError) {
        let db = c.db
        let key = c.args[2]
        guard let i = db.find(key, options: [.noStats]) else { throw .err("The specified key does not exist") }
        try db.withValue(at: i) { (value: inout Value) throws(CommandError) in
            try check(value)
            let sub = c.args[1]
            if argEquals(sub, "getreg") {
                if HyperLogLog.encoding(value) == HyperLogLog.sparse {
                    guard HyperLogLog.toDense(&value) else { throw corruptedHLL }
                    c.keyspace.dirty += 1
                }
                let registers = HyperLogLog.registers(value)
                c.array(registers.count)
                for r in registers { c.integer(Int(r)) }
            } else if argEquals(sub, "decode") {
                guard HyperLogLog.encoding(value) == HyperLogLog.sparse else {
                    throw .err("HLL encoding is not sparse")
                }
                c.bulk(HyperLogLog.decode(value))
            } else if argEquals(sub, "encoding") {
                c.simple(HyperLogLog.encoding(value) == HyperLogLog.dense ? "dense" : "sparse")
            } else if argEquals(sub, "todense") {
                var converted = false
                if HyperLogLog.encoding(value) == HyperLogLog.sparse {
                    guard HyperLogLog.toDense(&value) else { throw corruptedHLL }
                    converted = true
                    c.keyspace.dirty += 1
                }
                c.integer(converted ? 1 : 0)
            } else {
                throw .err("Unknown PFDEBUG subcommand '\(c.args.string(1))'")
            }
        }
    }

    /// PFSELFTEST: checks the register packing and the estimate's error up to 10 million elements.
    static func pfselftest(_ c: CommandContext) throws(CommandError) {
        if let failure = HyperLogLog.selfTest(sparseMaxBytes: c.server.config.hllSparseMaxBytes) {
            throw CommandError(failure)
        }
        c.ok()
    }
}
