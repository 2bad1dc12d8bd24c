// Sorted set commands (Redis's t_zset.c "Sorted set commands"): ZADD and ZINCRBY, ZREM, the counts and score
// lookups, ranks, the ZRANGE family (by rank, score or lex, forward or reversed, with LIMIT, and ZRANGESTORE), the
// ZREMRANGEBY* deletions, ZPOPMIN/ZPOPMAX/ZMPOP, ZRANDMEMBER, the set algebra (ZUNION, ZINTER, ZDIFF, ZINTERCARD and
// the STORE forms, with sets as inputs scoring 1) and ZSCAN. The data work is CinnabarStorage's ZSetValue; score and
// lex ranges are turned into rank intervals there, so every range command here is "parse, find the ranks, walk".
// The blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP) reuse `pop` and block through Server+Blocking.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

enum SortedSetCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        let acl = ["@sortedset"]
        let g = "sorted-set"
        /// The ZRANGE family's handlers differ only in the source key's position and what the options may choose.
        func ranged(_ source: Int, store: Bool, _ kind: RangeKind?, reverse: Bool?) -> CommandHandler {
            { c throws(CommandError) in try range(c, source: source, store: store, kind: kind, reverse: reverse) }
        }
        /// keynum-based key specs: `numkeys key [key ...]` from argument `at`.
        func keynum(_ at: Int, _ flags: String) -> KeySpec {
            KeySpec(flags: flags.split(separator: " ").map(String.init), begin: .index(at),
                    find: .keynum(keyNumIndex: 0, firstKey: 1, step: 1))
        }
        return [
        CommandSpec("zadd", arity: -4, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW UPDATE")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try zadd(c, increment: false) }),
        CommandSpec("zincrby", arity: 4, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW ACCESS UPDATE")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try zadd(c, increment: true) }),
        CommandSpec("zrem", arity: -3, flags: [.write, .fast], keys: [.key(1, "RW DELETE")], acl: acl, group: g, handler: zrem),
        CommandSpec("zcard", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: acl, group: g, handler: zcard),
        CommandSpec("zcount", arity: 4, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: zcount),
        CommandSpec("zlexcount", arity: 4, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: zlexcount),
        CommandSpec("zscore", arity: 3, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: zscore),
        CommandSpec("zmscore", arity: -3, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: zmscore),
        CommandSpec("zrank", arity: -3, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try zrank(c, reverse: false) }),
        CommandSpec("zrevrank", arity: -3, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try zrank(c, reverse: true) }),
        CommandSpec("zrange", arity: -4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: ranged(1, store: false, nil, reverse: nil)),
        CommandSpec("zrangestore", arity: -5, flags: [.write, .denyOOM], keys: [.key(1, "OW UPDATE"), .key(2, "RO ACCESS")],
                    acl: acl, group: g,
                    handler: ranged(2, store: true, nil, reverse: nil)),
        CommandSpec("zrevrange", arity: -4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: ranged(1, store: false, .rank, reverse: true)),
        CommandSpec("zrangebyscore", arity: -4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: ranged(1, store: false, .score, reverse: false)),
        CommandSpec("zrevrangebyscore", arity: -4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: ranged(1, store: false, .score, reverse: true)),
        CommandSpec("zrangebylex", arity: -4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: ranged(1, store: false, .lex, reverse: false)),
        CommandSpec("zrevrangebylex", arity: -4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: ranged(1, store: false, .lex, reverse: true)),
        CommandSpec("zremrangebyrank", arity: 4, flags: [.write], keys: [.key(1, "RW DELETE")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try zremrange(c, kind: .rank) }),
        CommandSpec("zremrangebyscore", arity: 4, flags: [.write], keys: [.key(1, "RW DELETE")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try zremrange(c, kind: .score) }),
        CommandSpec("zremrangebylex", arity: 4, flags: [.write], keys: [.key(1, "RW DELETE")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try zremrange(c, kind: .lex) }),
        CommandSpec("zpopmin", arity: -2, flags: [.write, .fast], keys: [.key(1, "RW ACCESS DELETE")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try zpop(c, max: false) }),
        CommandSpec("zpopmax", arity: -2, flags: [.write, .fast], keys: [.key(1, "RW ACCESS DELETE")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try zpop(c, max: true) }),
        CommandSpec("zmpop", arity: -4, flags: [.write, .movableKeys], keys: [keynum(1, "RW ACCESS DELETE")], acl: acl,
                    group: g, handler: zmpop),
        CommandSpec("bzpopmin", arity: -3, flags: [.write, .fast, .blocking],
                    keys: [.key(1, "RW ACCESS DELETE", last: -2)], acl: acl, group: g,
                    handler: { c throws(CommandError) in try bzpop(c, max: false) }),
        CommandSpec("bzpopmax", arity: -3, flags: [.write, .fast, .blocking],
                    keys: [.key(1, "RW ACCESS DELETE", last: -2)], acl: acl, group: g,
                    handler: { c throws(CommandError) in try bzpop(c, max: true) }),
        CommandSpec("bzmpop", arity: -5, flags: [.write, .blocking], keys: [keynum(2, "RW ACCESS DELETE")], acl: acl,
                    group: g, handler: bzmpop),
        CommandSpec("zrandmember", arity: -2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    tips: ["nondeterministic_output"], handler: zrandmember),
        CommandSpec("zunion", arity: -3, flags: [.readonly, .movableKeys], keys: [keynum(1, "RO ACCESS")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try algebra(c, .union, destination: false) }),
        CommandSpec("zinter", arity: -3, flags: [.readonly, .movableKeys], keys: [keynum(1, "RO ACCESS")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try algebra(c, .inter, destination: false) }),
        CommandSpec("zintercard", arity: -3, flags: [.readonly, .movableKeys], keys: [keynum(1, "RO ACCESS")], acl: acl,
                    group: g, handler: { c throws(CommandError) in
                        try algebra(c, .inter, destination: false, cardinalityOnly: true)
                    }),
        CommandSpec("zdiff", arity: -3, flags: [.readonly, .movableKeys], keys: [keynum(1, "RO ACCESS")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try algebra(c, .diff, destination: false) }),
        CommandSpec("zunionstore", arity: -4, flags: [.write, .denyOOM, .movableKeys],
                    keys: [.key(1, "OW UPDATE"), keynum(2, "RO ACCESS")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try algebra(c, .union, destination: true) }),
        CommandSpec("zinterstore", arity: -4, flags: [.write, .denyOOM, .movableKeys],
                    keys: [.key(1, "OW UPDATE"), keynum(2, "RO ACCESS")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try algebra(c, .inter, destination: true) }),
        CommandSpec("zdiffstore", arity: -4, flags: [.write, .denyOOM, .movableKeys],
                    keys: [.key(1, "OW UPDATE"), keynum(2, "RO ACCESS")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try algebra(c, .diff, destination: true) }),
        CommandSpec("zscan", arity: -3, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    tips: ["nondeterministic_output"], handler: zscan),
    ]
    }

    // MARK: - ZADD, ZINCRBY, ZREM

    /// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...], and ZINCRBY key increment member (the
    /// same parser, as in Redis: `ZINCRBY k nx m` is a syntax error, not a bad float).
    static func zadd(_ c: CommandContext, increment: Bool) throws(CommandError) {
        let a = c.args
        var options: ZAddOptions = increment ? [.incr] : []
        var changed = false
        var first = 2
        while first < a.count {
            let o = a[first]
            if argEquals(o, "NX") { options.insert(.nx) }
            else if argEquals(o, "XX") { options.insert(.xx) }
            else if argEquals(o, "CH") { changed = true }
            else if argEquals(o, "INCR") { options.insert(.incr) }
            else if argEquals(o, "GT") { options.insert(.gt) }
            else if argEquals(o, "LT") { options.insert(.lt) }
            else { break }
            first += 1
        }
        let pairs = (a.count - first) / 2
        if (a.count - first) % 2 != 0 || pairs == 0 { throw .syntax }
        if options.contains(.nx) && options.contains(.xx) { throw .zaddNXAndXX }
        if options.contains(.nx) && (options.contains(.gt) || options.contains(.lt))
            || (options.contains(.gt) && options.contains(.lt)) { throw .zaddGTLTNX }
        let incr = options.contains(.incr)
        if incr && pairs > 1 { throw .zaddIncrPairs }
        // Every score is checked before anything changes: the command applies fully or not at all.
        var firstScore = 0.0
        var scores: [Double] = []
        if pairs == 1 {
            guard let s = parseDouble(a[first]) else { throw .notFloat }
            firstScore = s
        } else {
            scores.reserveCapacity(pairs)
            for j in 0..<pairs {
                guard let s = parseDouble(a[first + 2 * j]) else { throw .notFloat }
                scores.append(s)
            }
        }

        let db = c.db
        let key = a[1]
        let existing = try c.zsetForWriting(key)
        // Only a listpack (or a new set) consults the thresholds; reading them costs two dictionary lookups.
        let limits = existing?.isListpack == false ? ZSetLimits() : c.zsetLimits
        var created = false
        let z: ZSetValue
        if let existing {
            z = existing
            z.convertIfNeeded(sizeHint: pairs, limits: limits)
        } else {
            if options.contains(.xx) { return incr ? c.null() : c.integer(0) }
            z = ZSetValue(sizeHint: pairs, memberLengthHint: a[first + 1].count, limits: limits)
            created = true
        }
        var added = 0
        var updated = 0
        var processed = 0
        var score = 0.0
        for j in 0..<pairs {
            let result = z.add(a[first + 2 * j + 1], score: pairs == 1 ? firstScore : scores[j], options: options,
                               limits: limits)
            switch result {
            case let .added(s):
                added += 1
                processed += 1
                score = s
            case let .updated(s):
                updated += 1
                processed += 1
                score = s
            case let .unchanged(s):
                processed += 1
                score = s
            case .skipped:
                break
            case .notANumber:
                if added + updated > 0 { db.modified(key) }
                throw .zsetNaN
            }
        }
        if created {
            _ = db.add(key, Value(object: z, type: .zset))
        } else if added + updated > 0 {
            db.modified(key)
        }
        if added + updated > 0 { c.notify(.zset, incr ? "zincr" : "zadd", key) }
        if incr {
            processed > 0 ? c.score(score) : c.null()
        } else {
            c.integer(changed ? added + updated : added)
        }
    }

    static func zrem(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        guard let z = try c.zsetForWriting(key) else { return c.integer(0) }
        var deleted = 0
        for i in 2..<c.args.count {
            if z.remove(c.args[i]) { deleted += 1 }
            if z.count == 0 { break }
        }
        c.signalWrite(key, z, changed: deleted > 0, event: "zrem")
        c.integer(deleted)
    }

    // MARK: - Counts, scores, ranks

    static func zcard(_ c: CommandContext) throws(CommandError) {
        c.integer(try c.zsetForReading(c.args[1])?.count ?? 0)
    }

    static func zcount(_ c: CommandContext) throws(CommandError) {
        let range = try parseScoreRange(c.args[2], c.args[3])
        guard let z = try c.zsetForReading(c.args[1]) else { return c.integer(0) }
        c.integer(z.ranks(in: range).count)
    }

    static func zlexcount(_ c: CommandContext) throws(CommandError) {
        let range = try parseLexRange(c.args[2], c.args[3])
        guard let z = try c.zsetForReading(c.args[1]) else { return c.integer(0) }
        c.integer(z.ranks(in: range).count)
    }

    static func zscore(_ c: CommandContext) throws(CommandError) {
        guard let z = try c.zsetForReading(c.args[1]), let s = z.score(of: c.args[2]) else { return c.null() }
        c.score(s)
    }

    static func zmscore(_ c: CommandContext) throws(CommandError) {
        // A missing key answers like an empty set.
        let z = try c.zsetForReading(c.args[1])
        c.array(c.args.count - 2)
        for i in 2..<c.args.count {
            if let s = z?.score(of: c.args[i]) { c.score(s) } else { c.null() }
        }
    }

    /// ZRANK / ZREVRANK key member [WITHSCORE].
    static func zrank(_ c: CommandContext, reverse: Bool) throws(CommandError) {
        if c.args.count > 4 { throw .wrongArity(c.spec.fullName) }
        var withScore = false
        if c.args.count == 4 {
            guard argEquals(c.args[3], "WITHSCORE") else { throw .syntax }
            withScore = true
        }
        guard let z = try c.zsetForReading(c.args[1]), let (rank, score) = z.rank(of: c.args[2]) else {
            return withScore ? c.nullArray() : c.null()
        }
        if withScore { c.array(2) }
        c.integer(reverse ? z.count - 1 - rank : rank)
        if withScore { c.score(score) }
    }

    // MARK: - ZRANGE and friends

    enum RangeKind { case rank, score, lex }

    /// ZRANGE, ZRANGESTORE, ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX (zrangeGenericCommand): `source` is
    /// the source key's index (min and max follow), `kind`/`reverse` are fixed by the legacy commands and nil when
    /// the options choose (BYSCORE, BYLEX, REV).
    static func range(_ c: CommandContext, source: Int, store: Bool, kind fixedKind: RangeKind?,
                      reverse fixedReverse: Bool?) throws(CommandError) {
        let a = c.args
        var kind = fixedKind
        var reverse = fixedReverse
        var withScores = false
        var offset = 0
        var limit = -1
        var j = source + 3
        while j < a.count {
            let leftArgs = a.count - j - 1
            if !store && argEquals(a[j], "WITHSCORES") {
                withScores = true
            } else if argEquals(a[j], "LIMIT") && leftArgs >= 2 {
                offset = try c.int(j + 1)
                limit = try c.int(j + 2)
                j += 2
            } else if fixedReverse == nil && argEquals(a[j], "REV") {
                reverse = true
            } else if fixedKind == nil && argEquals(a[j], "BYLEX") {
                kind = .lex
            } else if fixedKind == nil && argEquals(a[j], "BYSCORE") {
                kind = .score
            } else {
                throw .syntax
            }
            j += 1
        }
        let rangeKind = kind ?? .rank
        let descending = reverse ?? false
        if limit != -1 && rangeKind == .rank { throw .zrangeLimitNeedsBy }
        if withScores && rangeKind == .lex { throw .zrangeWithScoresByLex }
        // Reversed score and lex ranges are given as max, min.
        var minIndex = source + 1
        var maxIndex = source + 2
        if descending && rangeKind != .rank { swap(&minIndex, &maxIndex) }

        var rankStart = 0
        var rankEnd = 0
        var scoreRange: ZScoreRange? = nil
        var lexRange: ZLexRange? = nil
        switch rangeKind {
        case .rank:
            rankStart = try c.int(minIndex)
            rankEnd = try c.int(maxIndex)
        case .score:
            scoreRange = try parseScoreRange(a[minIndex], a[maxIndex])
        case .lex:
            lexRange = try parseLexRange(a[minIndex], a[maxIndex])
        }

        guard let z = try c.zsetForReading(a[source]) else {
            if store { return storeResult(c, a[1], nil) }
            return c.array(0)
        }
        // The ranks to emit, in emission order.
        let ranks: Range<Int>
        switch rangeKind {
        case .rank:
            let n = z.count
            var start = rankStart < 0 ? n + rankStart : rankStart
            var end = rankEnd < 0 ? n + rankEnd : rankEnd
            if start < 0 { start = 0 }
            if start > end || start >= n {
                ranks = 0..<0
            } else {
                if end >= n { end = n - 1 }
                // ZREVRANGE counts ranks from the top.
                ranks = descending ? (n - 1 - end)..<(n - start) : start..<(end + 1)
            }
        case .score, .lex:
            let all = rangeKind == .score ? z.ranks(in: scoreRange!) : z.ranks(in: lexRange!)
            ranks = window(all, offset: offset, limit: limit, reverse: descending)
        }
        if store {
            let result = ZSetValue(sizeHint: rangeKind == .rank ? ranks.count : 0, limits: c.zsetLimits)
            let limits = c.zsetLimits
            z.forEach(in: ranks, reverse: descending) { m, s in
                _ = result.add(m, score: s, options: [], limits: limits)
            }
            return storeResult(c, a[1], result)
        }
        c.elements(z, ranks, reverse: descending, withScores: withScores)
    }

    /// The part of a score or lex range that LIMIT offset count selects, walking up or (`reverse`) down.
    static func window(_ all: Range<Int>, offset: Int, limit: Int, reverse: Bool) -> Range<Int> {
        // A negative offset walks past the end in Redis: nothing is returned.
        if offset < 0 || offset >= all.count { return 0..<0 }
        var n = all.count - offset
        if limit >= 0 { n = min(n, limit) }
        if n == 0 { return 0..<0 }
        return reverse ? (all.upperBound - offset - n)..<(all.upperBound - offset)
            : (all.lowerBound + offset)..<(all.lowerBound + offset + n)
    }

    /// Stores a computed set at `destination` and replies its size; an empty (or missing) result deletes the key.
    static func storeResult(_ c: CommandContext, _ destination: UnsafeRawBufferPointer, _ result: ZSetValue?) {
        if let result, result.count > 0 {
            c.db.set(destination, Value(object: result, type: .zset))
            c.notify(.zset, c.spec.name, destination)
            return c.integer(result.count)
        }
        c.integer(0)
        if c.db.delete(destination) { c.notify(.generic, "del", destination) }
    }

    // MARK: - ZREMRANGEBY*

    static func zremrange(_ c: CommandContext, kind: RangeKind) throws(CommandError) {
        var start = 0
        var end = 0
        var scoreRange: ZScoreRange? = nil
        var lexRange: ZLexRange? = nil
        switch kind {
        case .rank:
            start = try c.int(2)
            end = try c.int(3)
        case .score: scoreRange = try parseScoreRange(c.args[2], c.args[3])
        case .lex: lexRange = try parseLexRange(c.args[2], c.args[3])
        }
        let key = c.args[1]
        guard let z = try c.zsetForWriting(key) else { return c.integer(0) }
        let ranks: Range<Int>
        switch kind {
        case .rank:
            let n = z.count
            if start < 0 { start += n }
            if end < 0 { end += n }
            if start < 0 { start = 0 }
            if start > end || start >= n { return c.integer(0) }
            ranks = start..<(min(end, n - 1) + 1)
        case .score: ranks = z.ranks(in: scoreRange!)
        case .lex: ranks = z.ranks(in: lexRange!)
        }
        z.removeRanks(ranks)
        c.signalWrite(key, z, changed: !ranks.isEmpty, event: c.spec.name)
        c.integer(ranks.count)
    }

    // MARK: - Pops

    /// ZPOPMIN / ZPOPMAX key [count].
    static func zpop(_ c: CommandContext, max: Bool) throws(CommandError) {
        if c.args.count > 3 { throw .syntax }
        var count = -1
        if c.args.count == 3 {
            guard let n = parseInt64(c.args[2]), n >= 0 else { throw .mustBePositive }
            count = Int(n)
        }
        // RESP3 nests member/score pairs when a count was given.
        _ = try pop(c, keys: [1], max: max, emitKey: false, count: count, nested: c.resp3 && count != -1,
                    nullWhenEmpty: false)
    }

    /// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count].
    static func zmpop(_ c: CommandContext) throws(CommandError) {
        let (keys, max, count) = try parseMultiPop(c, numkeysIndex: 1)
        _ = try pop(c, keys: keys, max: max, emitKey: true, count: count, nested: true, nullWhenEmpty: true)
    }

    /// BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score] from the first non-empty key, or block.
    static func bzpop(_ c: CommandContext, max: Bool) throws(CommandError) {
        let timeoutIndex = c.args.count - 1
        let deadline = try c.server.blockingDeadline(c, timeoutIndex)
        let keys = Array(1..<timeoutIndex)
        for i in keys {
            if try pop(c, keys: [i], max: max, emitKey: true, count: -1, nested: false, nullWhenEmpty: true,
                       replyWhenEmpty: false) { return }
        }
        try blockOrDeny(c, keys: keys, deadline: deadline)
    }

    /// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count].
    static func bzmpop(_ c: CommandContext) throws(CommandError) {
        let (keys, max, count) = try parseMultiPop(c, numkeysIndex: 2)
        let deadline = try c.server.blockingDeadline(c, 1)
        if try pop(c, keys: keys, max: max, emitKey: true, count: count, nested: true, nullWhenEmpty: true,
                   replyWhenEmpty: false) { return }
        try blockOrDeny(c, keys: keys, deadline: deadline)
    }

    /// No key had members: block, or answer a timeout where blocking is not allowed (MULTI, scripts).
    static func blockOrDeny(_ c: CommandContext, keys: [Int], deadline: Int64) throws(CommandError) {
        if c.client.denyBlocking {
            c.nullArray()
            return
        }
        c.server.block(c, on: .zset, keyIndexes: keys, deadline: deadline)
    }

    /// The arguments of ZMPOP and BZMPOP from `numkeysIndex` on: the key indexes, MIN (false) or MAX (true), count.
    static func parseMultiPop(_ c: CommandContext, numkeysIndex: Int) throws(CommandError) -> ([Int], Bool, Int) {
        let (keys, max, count) = try MultiPopArguments.parse(c, numkeysIndex: numkeysIndex) { (w) throws(CommandError) -> Bool in
            if argEquals(w, "MIN") { return false }
            if argEquals(w, "MAX") { return true }
            throw .syntax
        }
        return (Array(keys), max, count)
    }

    /// genericZpopCommand: pops up to `count` members (-1: one, flat reply) from the lowest or highest end of the
    /// first existing key among the argument indexes `keys`. `emitKey` prefixes the key (ZMPOP, BZ*), `nested`
    /// replies [member, score] pairs, `nullWhenEmpty` answers a null array instead of an empty one when no key
    /// exists. Returns whether a key was found (a blocking caller blocks otherwise).
    @discardableResult
    static func pop(_ c: CommandContext, keys: [Int], max: Bool, emitKey: Bool, count requested: Int, nested: Bool,
                    nullWhenEmpty: Bool, replyWhenEmpty: Bool = true) throws(CommandError) -> Bool {
        var found: (key: UnsafeRawBufferPointer, set: ZSetValue)? = nil
        for i in keys {
            if let z = try c.zsetForWriting(c.args[i]) {
                found = (c.args[i], z)
                break
            }
        }
        guard let (key, z) = found else {
            if replyWhenEmpty { nullWhenEmpty ? c.nullArray() : c.array(0) }
            return false
        }
        if requested == 0 {
            c.array(0)
            return true
        }
        let n = min(requested == -1 ? 1 : requested, z.count)
        switch (nested, emitKey) {
        case (false, false): c.array(n * 2)
        case (true, false): c.array(n)
        case (false, true):
            c.array(n * 2 + 1)
            c.bulk(key)
        case (true, true):
            c.array(2)
            c.bulk(key)
            c.array(n)
        }
        let ranks = max ? (z.count - n)..<z.count : 0..<n
        z.forEach(in: ranks, reverse: max) { m, s in
            if nested { c.array(2) }
            c.bulk(m)
            c.score(s)
        }
        z.removeRanks(ranks)
        c.signalWrite(key, z, changed: true, event: max ? "zpopmax" : "zpopmin")
        if emitKey {
            // ZMPOP and the blocking pops are propagated as ZPOPMIN/ZPOPMAX key [count].
            let name: PropagatedArgument = max ? "ZPOPMAX" : "ZPOPMIN"
            c.propagateAs(requested == -1 ? [name, .bytes(Array(key))] : [name, .bytes(Array(key)), .integer(Int64(n))])
        }
        return true
    }

    // MARK: - ZRANDMEMBER

    /// ZRANDMEMBER key [count [WITHSCORES]].
    static func zrandmember(_ c: CommandContext) throws(CommandError) {
        if c.args.count >= 3 {
            guard let l = parseInt64(c.args[2]) else { throw .notInteger }
            if l == Int64.min {
                throw .err("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
            }
            if c.args.count > 4 || (c.args.count == 4 && !argEquals(c.args[3], "WITHSCORES")) { throw .syntax }
            let withScores = c.args.count == 4
            if withScores && (l < -(Int64.max / 2) || l > Int64.max / 2) { throw .valueOutOfRange }
            return try randomMembers(c, Int(l), withScores: withScores)
        }
        guard let z = try c.zsetForReading(c.args[1]) else { return c.null() }
        let (m, _) = z.randomElement(&c.keyspace.random)
        c.bulk(m)
    }

    /// zrandmemberWithCountCommand: a negative count may repeat members (any order); a positive one returns
    /// distinct members, the whole set when the count reaches its size.
    static func randomMembers(_ c: CommandContext, _ requested: Int, withScores: Bool) throws(CommandError) {
        guard let z = try c.zsetForReading(c.args[1]) else { return c.array(0) }
        if requested == 0 { return c.array(0) }
        let size = z.count
        let unique = requested > 0
        let count = requested.magnitude > UInt(Int.max) ? Int.max : Int(requested.magnitude)
        let pairs = withScores && c.resp3
        func emit(_ m: UnsafeRawBufferPointer, _ s: Double) {
            if pairs { c.array(2) }
            c.bulk(m)
            if withScores { c.score(s) }
        }
        let index = z.ordinals()
        // CASE 1: repetitions allowed.
        if !unique || count == 1 {
            c.array(withScores && !c.resp3 ? count * 2 : count)
            for _ in 0..<count {
                z.withMember(at: c.keyspace.random.below(size), index, emit)
            }
            return
        }
        let replySize = min(count, size)
        c.array(withScores && !c.resp3 ? replySize * 2 : replySize)
        // CASE 2: the whole set, from the highest score down (Redis's zset iterators walk from the tail).
        if count >= size {
            z.forEach(in: 0..<size, reverse: true, emit)
            return
        }
        // CASE 2.5: a listpack is sampled in one ordered pass (lpRandomPairsUnique).
        if z.isListpack {
            var wanted = count
            var rank = 0
            z.forEach { m, s in
                if wanted > 0 && c.keyspace.random.below(size - rank) < wanted {
                    emit(m, s)
                    wanted -= 1
                }
                rank += 1
            }
            return
        }
        // CASE 3: most of the set: drop random members from a copy of the index.
        if count * 3 > size {
            var picks = Array(0..<size)
            while picks.count > count {
                let i = c.keyspace.random.below(picks.count)
                picks.swapAt(i, picks.count - 1)
                picks.removeLast()
            }
            for i in picks { z.withMember(at: i, index, emit) }
            return
        }
        // CASE 4: a few members of a big set: random picks until enough distinct ones.
        var seen = Set<Int>()
        seen.reserveCapacity(count)
        while seen.count < count {
            let i = c.keyspace.random.below(size)
            if seen.insert(i).inserted { z.withMember(at: i, index, emit) }
        }
    }

    // MARK: - ZUNION, ZINTER, ZDIFF, ZINTERCARD and the STORE forms

    enum Algebra { case union, inter, diff }
    enum Aggregate { case sum, min, max }

    /// zunionInterDiffGenericCommand. `destination`: the STORE forms (destination key first, then numkeys);
    /// `cardinalityOnly`: ZINTERCARD.
    static func algebra(_ c: CommandContext, _ op: Algebra, destination: Bool, cardinalityOnly: Bool = false)
        throws(CommandError)
    {
        let a = c.args
        let numkeysIndex = destination ? 2 : 1
        let setCount = try c.int(numkeysIndex)
        if setCount < 1 { throw .atLeastOneKey(c.spec.fullName) }
        if setCount > a.count - (numkeysIndex + 1) { throw .syntax }
        var sources: [(operand: SortedSetOperand?, weight: Double)] = []
        sources.reserveCapacity(setCount)
        for i in 0..<setCount {
            guard let v = c.db.get(a[numkeysIndex + 1 + i], options: c.readOptions) else {
                sources.append((nil, 1))
                continue
            }
            guard v.type == .zset || v.type == .set, let operand = v.collection as? SortedSetOperand else {
                throw .wrongType
            }
            sources.append((operand, 1))
        }
        var aggregate = Aggregate.sum
        var withScores = false
        var limit = 0
        var j = numkeysIndex + 1 + setCount
        while j < a.count {
            let remaining = a.count - j
            if op != .diff && !cardinalityOnly && remaining >= setCount + 1 && argEquals(a[j], "WEIGHTS") {
                j += 1
                for i in 0..<setCount {
                    guard let w = parseDouble(a[j]) else { throw .weightNotFloat }
                    sources[i].weight = w
                    j += 1
                }
            } else if op != .diff && !cardinalityOnly && remaining >= 2 && argEquals(a[j], "AGGREGATE") {
                if argEquals(a[j + 1], "SUM") { aggregate = .sum }
                else if argEquals(a[j + 1], "MIN") { aggregate = .min }
                else if argEquals(a[j + 1], "MAX") { aggregate = .max }
                else { throw .syntax }
                j += 2
            } else if !destination && !cardinalityOnly && argEquals(a[j], "WITHSCORES") {
                withScores = true
                j += 1
            } else if cardinalityOnly && remaining >= 2 && argEquals(a[j], "LIMIT") {
                guard let n = parseInt64(a[j + 1]), n >= 0 else { throw .limitNegative }
                limit = Int(n)
                j += 2
            } else {
                throw .syntax
            }
        }
        // Smallest inputs first (the first one drives an intersection); a difference keeps its first set first.
        if op != .diff {
            sources.sort { ($0.operand?.operandCount ?? 0) < ($1.operand?.operandCount ?? 0) }
        }
        let limits = c.zsetLimits
        var cardinality = 0
        var result: ZSetValue? = cardinalityOnly ? nil : ZSetValue(sizeHint: 0, limits: limits)
        switch op {
        case .inter:
            guard let first = sources[0].operand, first.operandCount > 0 else { break }
            first.forEachOperandMember { m, s in
                if cardinalityOnly && limit > 0 && cardinality >= limit { return }
                var score = sources[0].weight * s
                if score.isNaN { score = 0 }
                for k in 1..<sources.count {
                    guard let other = sources[k].operand else { return }
                    let value: Double
                    if other === first {
                        value = s * sources[k].weight
                    } else if let found = other.operandScore(of: m) {
                        value = found * sources[k].weight
                    } else {
                        return
                    }
                    combine(&score, value, aggregate)
                }
                if cardinalityOnly {
                    cardinality += 1
                } else {
                    _ = result!.add(m, score: score, options: [], limits: limits)
                }
            }
        case .union:
            var accumulator: [Bytes: Double] = [:]
            accumulator.reserveCapacity(sources.last?.operand?.operandCount ?? 0)
            for source in sources {
                guard let operand = source.operand else { continue }
                operand.forEachOperandMember { m, s in
                    var score = source.weight * s
                    if score.isNaN { score = 0 }
                    let key = Bytes(m)
                    if let existing = accumulator[key] {
                        var target = existing
                        combine(&target, score, aggregate)
                        accumulator[key] = target
                    } else {
                        accumulator[key] = score
                    }
                }
            }
            result = ZSetValue(sizeHint: accumulator.count, limits: limits)
            for (member, score) in accumulator {
                member.withUnsafeBytes { _ = result!.add($0, score: score, options: [], limits: limits) }
            }
        case .diff:
            guard let first = sources[0].operand, first.operandCount > 0 else { break }
            first.forEachOperandMember { m, s in
                for k in 1..<sources.count {
                    guard let other = sources[k].operand else { continue }
                    if other === first || other.operandScore(of: m) != nil { return }
                }
                _ = result!.add(m, score: s, options: [], limits: limits)
            }
        }
        if destination { return storeResult(c, a[1], result) }
        if cardinalityOnly { return c.integer(cardinality) }
        let computed = result!
        result = nil
        c.elements(computed, 0..<computed.count, reverse: false, withScores: withScores)
        c.server.releaseTemporary(Value(object: consume computed, type: .zset))
    }

    /// zunionInterAggregate: SUM turns inf + -inf into 0 rather than NaN.
    @inline(__always)
    static func combine(_ target: inout Double, _ value: Double, _ aggregate: Aggregate) {
        switch aggregate {
        case .sum:
            target += value
            if target.isNaN { target = 0 }
        case .min: target = value < target ? value : target
        case .max: target = value > target ? value : target
        }
    }

    // MARK: - ZSCAN

    /// ZSCAN key cursor [MATCH pattern] [COUNT count]. A listpack is returned whole with its scores as stored
    /// (d2string); the big encoding formats them with "%.17Lg" as Redis's scanCallback does
    /// (0.1 → 0.10000000000000001).
    static func zscan(_ c: CommandContext) throws(CommandError) {
        let cursor = try KeyspaceCommands.parseCursor(c.args[2])
        guard let z = try c.zsetForReading(c.args[1]) else {
            c.array(2)
            c.bulk("0")
            return c.array(0)
        }
        var count = 10
        var pattern: UnsafeRawBufferPointer? = nil
        var i = 3
        while i < c.args.count {
            let remaining = c.args.count - i
            if argEquals(c.args[i], "COUNT") && remaining >= 2 {
                count = try c.int(i + 1)
                if count < 1 { throw .syntax }
            } else if argEquals(c.args[i], "MATCH") && remaining >= 2 {
                let p = c.args[i + 1]
                pattern = (p.count == 1 && p[0] == UInt8(ascii: "*")) ? nil : p
            } else {
                throw .syntax
            }
            i += 2
        }
        var found: [(Bytes, [UInt8])] = []
        let listpack = z.isListpack
        let next = z.scan(cursor: cursor, count: count) { m, s in
            if let pattern, !globMatch(pattern: pattern, string: m, noCase: false) { return }
            let text: [UInt8]
            if listpack {
                text = formatDouble(s)
            } else {
                text = formatLongDouble(Float80(s), humanFriendly: false)
            }
            found.append((Bytes(m), text))
        }
        c.array(2)
        c.bulk(String(next))
        c.array(found.count * 2)
        for (m, s) in found {
            c.bulk(m)
            c.bulk(s)
        }
    }

    // MARK: - Range parsing

    /// zslParseRange: `[(]number` for each end, as strtod reads it (leading spaces, "inf", hex; "" is 0).
    static func parseScoreRange(_ min: UnsafeRawBufferPointer, _ max: UnsafeRawBufferPointer) throws(CommandError)
        -> ZScoreRange
    {
        guard let lo = parseScoreBound(min), let hi = parseScoreBound(max) else { throw .minMaxNotFloat }
        return ZScoreRange(min: lo.value, minExclusive: lo.exclusive, max: hi.value, maxExclusive: hi.exclusive)
    }

    static func parseScoreBound(_ b: UnsafeRawBufferPointer) -> (value: Double, exclusive: Bool)? {
        let exclusive = b.count > 0 && b[0] == UInt8(ascii: "(")
        let start = exclusive ? 1 : 0
        let n = b.count - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp -> (Double, Bool)? in
            let base = tmp.baseAddress!
            if n > 0 { UnsafeMutableRawPointer(base).copyMemory(from: b.baseAddress! + start, byteCount: n) }
            base[n] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(base, &end)
            // Redis checks that strtod stopped at a NUL (which may be an embedded one) and that it is not NaN.
            guard let e = end, e.pointee == 0, !v.isNaN else { return nil }
            return (v, exclusive)
        }
    }

    /// zslParseLexRange: each end is `-`, `+`, `[member` or `(member`.
    static func parseLexRange(_ min: UnsafeRawBufferPointer, _ max: UnsafeRawBufferPointer) throws(CommandError)
        -> ZLexRange
    {
        guard let lo = parseLexBound(min), let hi = parseLexBound(max) else { throw .minMaxNotString }
        return ZLexRange(min: lo, max: hi)
    }

    static func parseLexBound(_ b: UnsafeRawBufferPointer) -> ZLexBound? {
        guard b.count > 0 else { return nil }
        // Redis reads C strings: "+" and "-" must be followed by the terminating (or an embedded) NUL.
        let alone = b.count == 1 || b[1] == 0
        switch b[0] {
        case UInt8(ascii: "+"): return alone ? .plusInfinity : nil
        case UInt8(ascii: "-"): return alone ? .minusInfinity : nil
        case UInt8(ascii: "("): return .exclusive(UnsafeRawBufferPointer(rebasing: b[1...]))
        case UInt8(ascii: "["): return .inclusive(UnsafeRawBufferPointer(rebasing: b[1...]))
        default: return nil
        }
    }
}

// MARK: - Lookups, writes and replies

extension CommandContext {
    /// zset-max-listpack-entries and zset-max-listpack-value, as configured now (typed, no lookup per command).
    var zsetLimits: ZSetLimits { server.config.zsetLimits }

    /// lookupKeyRead + checkType: the live sorted set at `key` (counted as a hit or miss), nil when missing.
    func zsetForReading(_ key: UnsafeRawBufferPointer) throws(CommandError) -> ZSetValue? {
        guard let v = db.get(key, options: readOptions) else { return nil }
        guard v.type == .zset else { throw .wrongType }
        return unsafeDowncast(v.collection, to: ZSetValue.self)
    }

    /// lookupKeyWrite + checkType: as for reading, without hit/miss statistics.
    func zsetForWriting(_ key: UnsafeRawBufferPointer) throws(CommandError) -> ZSetValue? {
        guard let i = db.find(key, options: [.noStats]) else { return nil }
        let v = db.keys.entry(i).pointee.value
        guard v.type == .zset else { throw .wrongType }
        return unsafeDowncast(v.collection, to: ZSetValue.self)
    }

    /// After a write to an existing sorted set: an emptied set is deleted, a changed one signalled, once.
    func signalWrite(_ key: UnsafeRawBufferPointer, _ z: ZSetValue, changed: Bool, event: String) {
        if changed { notify(.zset, event, key) }
        if z.count == 0 {
            db.delete(key)
            notify(.generic, "del", key)
        } else if changed {
            db.modified(key)
        }
    }

    /// A score: a RESP3 double, or a bulk string in RESP2, formatted as Redis's d2string without allocating.
    func score(_ v: Double) {
        withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { buffer in
            let text = UnsafeRawBufferPointer(rebasing: buffer[0..<formatScore(v, into: buffer.baseAddress!)])
            if client.resp3 {
                client.out.writeInteger(UInt8(ascii: ","))
                client.out.writeBytes(text)
                client.out.writeCRLF()
            } else {
                client.out.writeRESPBulk(text)
            }
        }
    }

    /// Members at `ranks` (descending from the top when `reverse`), with scores as a flat array in RESP2 and
    /// [member, score] pairs in RESP3 (Redis avoids a map there: the order matters).
    func elements(_ z: ZSetValue, _ ranks: Range<Int>, reverse: Bool, withScores: Bool) {
        array(withScores && !resp3 ? ranks.count * 2 : ranks.count)
        let pairs = withScores && resp3
        z.forEach(in: ranks, reverse: reverse) { m, s in
            if pairs { array(2) }
            bulk(m)
            if withScores { score(s) }
        }
    }
}

// MARK: - Sets as ZUNION/ZINTER/ZDIFF inputs

extension SetValue: SortedSetOperand {
    public var operandCount: Int { count }

    public func operandScore(of member: UnsafeRawBufferPointer) -> Double? { contains(member) ? 1 : nil }

    public func forEachOperandMember(_ body: (UnsafeRawBufferPointer, Double) throws -> Void) rethrows {
        try forEach { m in try m.withBytes { try body($0, 1) } }
    }
}

// MARK: - Errors

extension CommandError {
    static let zaddNXAndXX = CommandError.err("XX and NX options at the same time are not compatible")
    static let zaddGTLTNX = CommandError.err("GT, LT, and/or NX options at the same time are not compatible")
    static let zaddIncrPairs = CommandError.err("INCR option supports a single increment-element pair")
    static let zsetNaN = CommandError.err("resulting score is not a number (NaN)")
    static let minMaxNotFloat = CommandError.err("min or max is not a float")
    static let minMaxNotString = CommandError.err("min or max not valid string range item")
    static let zrangeLimitNeedsBy = CommandError.err(
        "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
    static let zrangeWithScoresByLex = CommandError.err(
        "syntax error, WITHSCORES not supported in combination with BYLEX")
    static let weightNotFloat = CommandError.err("weight value is not a float")
    static let numkeysPositive = CommandError.err("numkeys should be greater than 0")
    static let countPositive = CommandError.err("count should be greater than 0")
    static let limitNegative = CommandError.err("LIMIT can't be negative")
    static let valueOutOfRange = CommandError.err("value is out of range")

    static func atLeastOneKey(_ command: String) -> CommandError {
        .err("at least 1 input key is needed for '\(command)' command")
    }
}
