// SORT and SORT_RO (Redis's sort.c) over lists, sets and sorted sets: numeric or ALPHA order, ASC/DESC, LIMIT,
// BY pattern (`weight_*`, or a hash field `weight_*->field`; a pattern without `*` means "don't sort"), GET
// patterns (`#` is the element itself) and STORE into a list. Ties in numeric order fall back to comparing the
// elements, so the result is deterministic, as in Redis. ALPHA compares bytes (strcoll in the C locale).
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum SortCommands {
    static func makeSpecs() -> [CommandSpec] {
        let acl = ["@set", "@sortedset", "@list", "@dangerous"]
        let byGet = KeySpec(flags: ["RO", "ACCESS"],
                            notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
                            begin: .unknown, find: .unknown)
        let store = KeySpec(flags: ["OW", "UPDATE"],
                            notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
                            begin: .unknown, find: .unknown)
        return [
            CommandSpec("sort", arity: -2, flags: [.write, .denyOOM, .movableKeys],
                        keys: [.key(1, "RO ACCESS"), byGet, store], acl: acl, group: "generic",
                        handler: { c throws(CommandError) in try sort(c, readOnly: false) }),
            CommandSpec("sort_ro", arity: -2, flags: [.readonly, .movableKeys], keys: [.key(1, "RO ACCESS"), byGet],
                        acl: acl, group: "generic", handler: { c throws(CommandError) in try sort(c, readOnly: true) }),
        ]
    }

    /// sortGetKeys: the argument index of the STORE destination (the last STORE wins), skipping option values.
    static func storeKeyIndex(_ args: Arguments) -> Int? {
        var found: Int? = nil
        var i = 2
        while i < args.count {
            if argEquals(args[i], "limit") {
                i += 2
            } else if argEquals(args[i], "get") || argEquals(args[i], "by") {
                i += 1
            } else if argEquals(args[i], "store") && i + 1 < args.count {
                found = i + 1
            }
            i += 1
        }
        return found
    }

    /// One element to sort with its weight.
    struct Item {
        var element: Bytes
        var score: Double = 0
        /// ALPHA with BY: the weight string; nil when the BY key is missing.
        var weight: Bytes? = nil
    }

    static func sort(_ c: CommandContext, readOnly: Bool) throws(CommandError) {
        let a = c.args
        var desc = false
        var alpha = false
        var limitStart = 0
        var limitCount = -1
        var storeKey: UnsafeRawBufferPointer? = nil
        var sortBy: UnsafeRawBufferPointer? = nil
        var dontSort = false
        var gets: [UnsafeRawBufferPointer] = []
        var j = 2
        while j < a.count {
            let left = a.count - j - 1
            if argEquals(a[j], "asc") {
                desc = false
            } else if argEquals(a[j], "desc") {
                desc = true
            } else if argEquals(a[j], "alpha") {
                alpha = true
            } else if argEquals(a[j], "limit") && left >= 2 {
                guard let s = parseInt64(a[j + 1]), let n = parseInt64(a[j + 2]) else { throw .notInteger }
                limitStart = Int(s)
                limitCount = Int(n)
                j += 2
            } else if !readOnly && argEquals(a[j], "store") && left >= 1 {
                storeKey = a[j + 1]
                j += 1
            } else if argEquals(a[j], "by") && left >= 1 {
                sortBy = a[j + 1]
                if !a[j + 1].contains(UInt8(ascii: "*")) { dontSort = true }
                j += 1
            } else if argEquals(a[j], "get") && left >= 1 {
                gets.append(a[j + 1])
                j += 1
            } else {
                throw .syntax
            }
            j += 1
        }

        let value = c.db.get(a[1], options: c.readOptions)
        if let value, value.type != .set && value.type != .list && value.type != .zset { throw .wrongType }
        let type = value?.type ?? .list

        // A set has no order of its own: when storing, or for a script, sort it so the result is deterministic.
        if dontSort && type == .set && (storeKey != nil || c.client.fd < 0) {
            dontSort = false
            alpha = true
            sortBy = nil
        }

        var length = 0
        if let value {
            switch type {
            case .list: length = unsafeDowncast(value.collection, to: ListValue.self).count
            case .set: length = unsafeDowncast(value.collection, to: SetValue.self).count
            default: length = unsafeDowncast(value.collection, to: ZSetValue.self).count
            }
        }
        var start = min(max(limitStart, 0), length)
        let count = min(max(limitCount, -1), length)
        var end = count < 0 ? length - 1 : start + count - 1
        if start >= length {
            start = length - 1
            end = length - 2
        }
        if end >= length { end = length - 1 }

        // Load the elements; lists and sorted sets that need no sorting load just the range, in their order.
        var items: [Item] = []
        if let value {
            if dontSort && (type == .list || type == .zset) {
                if end >= start {
                    let n = end - start + 1
                    items.reserveCapacity(n)
                    if type == .list {
                        let list = unsafeDowncast(value.collection, to: ListValue.self)
                        if desc {
                            let top = list.count - start - 1
                            list.forEach(in: (top - n + 1)...top) { items.append(Item(element: Bytes($0))) }
                            items.reverse()
                        } else {
                            list.forEach(in: start...end) { items.append(Item(element: Bytes($0))) }
                        }
                    } else {
                        let z = unsafeDowncast(value.collection, to: ZSetValue.self)
                        let ranks = desc ? (z.count - start - n)..<(z.count - start) : start..<(start + n)
                        z.forEach(in: ranks, reverse: desc) { m, _ in items.append(Item(element: Bytes(m))) }
                    }
                    end -= start
                    start = 0
                }
            } else {
                items.reserveCapacity(length)
                switch type {
                case .list:
                    unsafeDowncast(value.collection, to: ListValue.self).forEach { items.append(Item(element: Bytes($0))) }
                case .set:
                    unsafeDowncast(value.collection, to: SetValue.self).forEach { m in
                        m.withBytes { items.append(Item(element: Bytes($0))) }
                    }
                default:
                    unsafeDowncast(value.collection, to: ZSetValue.self).forEach { m, _ in
                        items.append(Item(element: Bytes(m)))
                    }
                }
            }
        }

        if !dontSort {
            var conversionError = false
            for i in items.indices {
                let weight: Bytes?
                if let sortBy {
                    weight = items[i].element.withUnsafeBytes { lookupByPattern(c, sortBy, element: $0) }
                    if weight == nil { continue }
                } else {
                    weight = items[i].element
                }
                if alpha {
                    if sortBy != nil { items[i].weight = weight }
                } else if let w = weight {
                    if let d = w.withUnsafeBytes({ strtodExact($0) }) {
                        items[i].score = d
                    } else {
                        conversionError = true
                    }
                }
            }
            if conversionError { throw .err("One or more scores can't be converted into double") }
            let byPattern = sortBy != nil
            items.sort { x, y in
                let cmp: Int
                if !alpha {
                    if x.score != y.score {
                        cmp = x.score > y.score ? 1 : -1
                    } else {
                        cmp = compare(x.element, y.element)
                    }
                } else if byPattern {
                    switch (x.weight, y.weight) {
                    case (nil, nil): cmp = 0
                    case (nil, _): cmp = -1
                    case (_, nil): cmp = 1
                    case let (p?, q?): cmp = compare(p, q)
                    }
                } else {
                    cmp = compare(x.element, y.element)
                }
                return desc ? cmp > 0 : cmp < 0
            }
        }

        let range = end >= start ? start..<(end + 1) : 0..<0
        let outputLength = (gets.isEmpty ? 1 : gets.count) * range.count
        guard let storeKey else {
            c.array(outputLength)
            for i in range {
                if gets.isEmpty { c.bulk(items[i].element) }
                for g in gets {
                    if let v = items[i].element.withUnsafeBytes({ lookupByPattern(c, g, element: $0) }) {
                        c.bulk(v)
                    } else {
                        c.null()
                    }
                }
            }
            return
        }
        var output: [Bytes] = []
        output.reserveCapacity(outputLength)
        for i in range {
            if gets.isEmpty { output.append(items[i].element) }
            for g in gets {
                output.append(items[i].element.withUnsafeBytes { lookupByPattern(c, g, element: $0) } ?? Bytes())
            }
        }
        if output.isEmpty {
            if c.db.delete(storeKey) { c.notify(.generic, "del", storeKey) }
        } else {
            let limits = c.server.config.listLimits
            let list = ListValue()
            list.prepareForAdding(bytes: output.reduce(0) { $0 + $1.count }, count: output.count, limits: limits)
            for e in output { e.withUnsafeBytes { list.push($0, at: .tail, limits: limits) } }
            c.db.set(storeKey, Value(object: list, type: .list))
            c.notify(.list, "sortstore", storeKey)
            c.keyspace.dirty &+= output.count - 1
        }
        c.integer(outputLength)
    }

    /// Byte-wise comparison, shorter first on a common prefix (compareStringObjects / strcoll in the C locale).
    static func compare(_ x: Bytes, _ y: Bytes) -> Int {
        x.withUnsafeBytes { p in
            y.withUnsafeBytes { q in
                let n = min(p.count, q.count)
                if n > 0, let pa = p.baseAddress, let qa = q.baseAddress {
                    let r = memcmp(pa, qa, n)
                    if r != 0 { return r < 0 ? -1 : 1 }
                }
                return p.count == q.count ? 0 : (p.count < q.count ? -1 : 1)
            }
        }
    }

    /// strtod that must consume the whole string, without ERANGE or NaN (SORT's numeric weights).
    static func strtodExact(_ s: UnsafeRawBufferPointer) -> Double? {
        var buffer = [CChar](repeating: 0, count: s.count + 1)
        for i in 0..<s.count { buffer[i] = CChar(bitPattern: s[i]) }
        return buffer.withUnsafeMutableBufferPointer { b -> Double? in
            var endPointer: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let d = strtod(b.baseAddress!, &endPointer)
            guard let e = endPointer, e.pointee == 0, e - b.baseAddress! == s.count, errno != ERANGE, !d.isNaN
            else { return nil }
            return d
        }
    }

    /// lookupKeyByPattern: `#` is the element; otherwise the first `*` is replaced by the element and the key read
    /// as a string, or, with `->field` after the `*`, as a hash field. Nil when missing or of another type.
    static func lookupByPattern(_ c: CommandContext, _ pattern: UnsafeRawBufferPointer,
                                element: UnsafeRawBufferPointer) -> Bytes? {
        if pattern.count == 1 && pattern[0] == UInt8(ascii: "#") { return Bytes(element) }
        guard let star = pattern.firstIndex(of: UInt8(ascii: "*")) else { return nil }
        var fieldStart: Int? = nil
        var i = star + 1
        while i + 1 < pattern.count {
            if pattern[i] == UInt8(ascii: "-") && pattern[i + 1] == UInt8(ascii: ">") {
                if i + 2 < pattern.count { fieldStart = i + 2 }
                break
            }
            i += 1
        }
        let postfixEnd = fieldStart.map { $0 - 2 } ?? pattern.count
        var key: [UInt8] = []
        key.reserveCapacity(pattern.count + element.count)
        key.append(contentsOf: pattern[0..<star])
        key.append(contentsOf: element)
        key.append(contentsOf: pattern[(star + 1)..<postfixEnd])
        return key.withUnsafeBytes { k -> Bytes? in
            guard let v = c.db.get(k, options: c.readOptions) else { return nil }
            if let f = fieldStart {
                guard v.type == .hash else { return nil }
                let field = UnsafeRawBufferPointer(rebasing: pattern[f...])
                return unsafeDowncast(v.collection, to: HashValue.self).withValue(field) { Bytes($0) }
            }
            guard v.isString else { return nil }
            return v.stringBytes
        }
    }
}
