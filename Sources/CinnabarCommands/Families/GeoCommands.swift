// Geospatial commands (Redis's geo.c) on sorted sets whose scores are 52-bit geohashes (CinnabarStorage/
// Geohash.swift): GEOADD (through ZADD, as Redis does), GEOPOS, GEODIST, GEOHASH, and the searches GEORADIUS,
// GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and GEOSEARCHSTORE, which share one implementation as Redis's
// georadiusGeneric. Coordinates reply as Redis's human long doubles, distances with four decimals.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage
import Glibc

enum GeoCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        let read = ["@read", "@geo", "@slow"]
        let write = ["@write", "@geo", "@slow"]
        func storeKeys(from: Int) -> [KeySpec] {
            [.key(1, "RO ACCESS"),
             KeySpec(flags: ["OW", "UPDATE"], begin: .keyword("STORE", startFrom: from),
                     find: .range(lastKey: 0, step: 1, limit: 0)),
             KeySpec(flags: ["OW", "UPDATE"], begin: .keyword("STOREDIST", startFrom: from),
                     find: .range(lastKey: 0, step: 1, limit: 0))]
        }
        return [
            CommandSpec("geoadd", arity: -5, flags: [.write, .denyOOM], keys: [.key(1, "RW UPDATE")], acl: write,
                        group: "geo", handler: geoadd),
            CommandSpec("geodist", arity: -4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: read,
                        group: "geo", handler: geodist),
            CommandSpec("geohash", arity: -2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: read,
                        group: "geo", handler: geohash),
            CommandSpec("geopos", arity: -2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: read,
                        group: "geo", handler: geopos),
            CommandSpec("georadius", arity: -6, flags: [.write, .denyOOM, .movableKeys], keys: storeKeys(from: 6),
                        acl: write, group: "geo",
                        handler: { c throws(CommandError) in try search(c, source: 1, mode: .radiusFromCoordinates) }),
            CommandSpec("georadius_ro", arity: -6, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: read,
                        group: "geo",
                        handler: { c throws(CommandError) in
                            try search(c, source: 1, mode: .radiusFromCoordinates, noStore: true)
                        }),
            CommandSpec("georadiusbymember", arity: -5, flags: [.write, .denyOOM, .movableKeys],
                        keys: storeKeys(from: 5), acl: write, group: "geo",
                        handler: { c throws(CommandError) in try search(c, source: 1, mode: .radiusFromMember) }),
            CommandSpec("georadiusbymember_ro", arity: -5, flags: [.readonly], keys: [.key(1, "RO ACCESS")],
                        acl: read, group: "geo",
                        handler: { c throws(CommandError) in
                            try search(c, source: 1, mode: .radiusFromMember, noStore: true)
                        }),
            CommandSpec("geosearch", arity: -7, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: read,
                        group: "geo",
                        handler: { c throws(CommandError) in try search(c, source: 1, mode: .search) }),
            CommandSpec("geosearchstore", arity: -8, flags: [.write, .denyOOM],
                        keys: [.key(1, "OW UPDATE"), .key(2, "RO ACCESS")], acl: write, group: "geo",
                        handler: { c throws(CommandError) in try search(c, source: 2, mode: .searchStore) }),
        ]
    }

    // MARK: - Argument helpers

    /// extractLongLatOrReply: two floats within Redis's limits.
    static func coordinates(_ c: CommandContext, at i: Int) throws(CommandError) -> (Double, Double) {
        let lon = try c.doubleArgument(i)
        let lat = try c.doubleArgument(i + 1)
        if lon < Geohash.longitudeMin || lon > Geohash.longitudeMax || lat < Geohash.latitudeMin
            || lat > Geohash.latitudeMax
        {
            throw .err("invalid longitude,latitude pair \(cFixed6(lon)),\(cFixed6(lat))")
        }
        return (lon, lat)
    }

    /// printf("%f").
    static func cFixed6(_ v: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buf -> String in
            let n = withVaList([v]) { vsnprintf(buf.baseAddress!, 400, "%f", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buf.baseAddress!, count: Int(n)), as: UTF8.self)
        }
    }

    /// extractUnitOrReply: meters per unit.
    static func unit(_ arg: UnsafeRawBufferPointer) throws(CommandError) -> Double {
        if argEquals(arg, "m") { return 1 }
        if argEquals(arg, "km") { return 1000 }
        if argEquals(arg, "ft") { return 0.3048 }
        if argEquals(arg, "mi") { return 1609.34 }
        throw .err("unsupported unit provided. please use M, KM, FT, MI")
    }

    static func float(_ c: CommandContext, _ i: Int, _ message: String) throws(CommandError) -> Double {
        guard let v = parseDouble(c.args[i]) else { throw .err(message) }
        return v
    }

    /// extractDistanceOrReply: radius and unit.
    static func radius(_ c: CommandContext, at i: Int) throws(CommandError) -> (Double, Double) {
        let r = try float(c, i, "need numeric radius")
        if r < 0 { throw .err("radius cannot be negative") }
        return (r, try unit(c.args[i + 1]))
    }

    /// A distance as Redis replies it: four decimals (fixedpoint_d2string).
    static func formatDistance(_ d: Double) -> [UInt8] {
        if d == 0 { return Array("0.0000".utf8) }
        let scaled = (d * 10000).rounded(.toNearestOrEven)
        let negative = scaled < 0
        let magnitude = UInt64(abs(scaled))
        var digits = Array(String(magnitude).utf8)
        while digits.count < 5 { digits.insert(UInt8(ascii: "0"), at: 0) }
        digits.insert(UInt8(ascii: "."), at: digits.count - 4)
        if negative { digits.insert(UInt8(ascii: "-"), at: 0) }
        return digits
    }

    /// A coordinate as Redis replies it (addReplyHumanLongDouble): a bulk string in RESP2, a double in RESP3.
    static func coordinate(_ c: CommandContext, _ v: Double) {
        c.client.out.writeRESPDouble(formatted: formatLongDouble(Float80(v), humanFriendly: true), resp3: c.resp3)
    }

    // MARK: - GEOADD, GEOPOS, GEODIST, GEOHASH

    /// GEOADD key [NX|XX] [CH] longitude latitude member ...: turns the positions into scores and runs ZADD.
    static func geoadd(_ c: CommandContext) throws(CommandError) {
        let a = c.args
        var first = 2
        var nx = false
        var xx = false
        while first < a.count {
            if argEquals(a[first], "nx") { nx = true }
            else if argEquals(a[first], "xx") { xx = true }
            else if !argEquals(a[first], "ch") { break }
            first += 1
        }
        if (a.count - first) % 3 != 0 || (nx && xx) { throw .syntax }
        var zaddArgs: [[UInt8]] = [Array("zadd".utf8)]
        for i in 1..<first { zaddArgs.append(Array(a[i])) }
        var i = first
        while i < a.count {
            let (lon, lat) = try coordinates(c, at: i)
            let score = Geohash.score(longitude: lon, latitude: lat)!
            zaddArgs.append(Array(String(UInt64(score)).utf8))
            zaddArgs.append(Array(a[i + 2]))
            i += 3
        }
        let inner = CommandContext(server: c.server, client: c.client, args: Arguments(zaddArgs), spec: c.spec)
        try SortedSetCommands.zadd(inner, increment: false)
    }

    /// GEOPOS key [member ...]: [longitude, latitude] per member, a null array for missing ones.
    static func geopos(_ c: CommandContext) throws(CommandError) {
        let z = try c.zsetForReading(c.args[1])
        c.array(c.args.count - 2)
        for j in 2..<c.args.count {
            guard let score = z?.score(of: c.args[j]) else {
                c.nullArray()
                continue
            }
            let (lon, lat) = Geohash.position(ofScore: score)
            c.array(2)
            coordinate(c, lon)
            coordinate(c, lat)
        }
    }

    /// GEODIST key member1 member2 [M|KM|FT|MI].
    static func geodist(_ c: CommandContext) throws(CommandError) {
        var toMeters = 1.0
        if c.args.count == 5 {
            toMeters = try unit(c.args[4])
        } else if c.args.count > 5 {
            throw .syntax
        }
        guard let z = try c.zsetForReading(c.args[1]) else { return c.null() }
        guard let s1 = z.score(of: c.args[2]), let s2 = z.score(of: c.args[3]) else { return c.null() }
        let p1 = Geohash.position(ofScore: s1)
        let p2 = Geohash.position(ofScore: s2)
        c.bulk(formatDistance(Geohash.distance(p1.longitude, p1.latitude, p2.longitude, p2.latitude) / toMeters))
    }

    /// GEOHASH key [member ...]: standard 11-character geohashes, null for missing members.
    static func geohash(_ c: CommandContext) throws(CommandError) {
        let z = try c.zsetForReading(c.args[1])
        c.array(c.args.count - 2)
        for j in 2..<c.args.count {
            guard let score = z?.score(of: c.args[j]) else {
                c.null()
                continue
            }
            c.bulk(Geohash.standardGeohash(ofScore: score))
        }
    }

    // MARK: - Searches

    enum Mode { case radiusFromCoordinates, radiusFromMember, search, searchStore }
    enum Sort { case none, ascending, descending }

    struct Match {
        var longitude: Double
        var latitude: Double
        var distance: Double
        var score: Double
        var member: Bytes
    }

    struct StopScan: Error {}

    /// georadiusGeneric: GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH and GEOSEARCHSTORE. The source set is
    /// argument `source`; options are parsed in Redis's order so that the first error reported is Redis's.
    static func search(_ c: CommandContext, source: Int, mode: Mode, noStore: Bool = false) throws(CommandError) {
        let a = c.args
        let z = try c.zsetForReading(a[source])
        let isSearch = mode == .search || mode == .searchStore
        var storeKey: Int? = mode == .searchStore ? 1 : nil
        var storeDistance = false
        var center = (0.0, 0.0)
        var kind = Geohash.Shape.Kind.radius(0)
        var conversion = 1.0
        var base: Int
        switch mode {
        case .radiusFromCoordinates:
            base = 6
            center = try coordinates(c, at: 2)
            let (r, u) = try radius(c, at: 4)
            kind = .radius(r)
            conversion = u
        case .radiusFromMember:
            base = 5
            // Without the set, Redis skips the member and the radius and only parses the options.
            if let z {
                guard let s = z.score(of: a[2]) else { throw .err("could not decode requested zset member") }
                center = Geohash.position(ofScore: s)
                let (r, u) = try radius(c, at: 3)
                kind = .radius(r)
                conversion = u
            }
        case .search: base = 2
        case .searchStore: base = 3
        }

        var withDist = false, withHash = false, withCoord = false
        var fromMember = false, fromLonLat = false, byRadius = false, byBox = false
        var sort = Sort.none
        var any = false
        var count = 0
        let remaining = a.count - base
        var i = 0
        while i < remaining {
            let arg = a[base + i]
            if argEquals(arg, "withdist") {
                withDist = true
            } else if argEquals(arg, "withhash") {
                withHash = true
            } else if argEquals(arg, "withcoord") {
                withCoord = true
            } else if argEquals(arg, "any") {
                any = true
            } else if argEquals(arg, "asc") {
                sort = .ascending
            } else if argEquals(arg, "desc") {
                sort = .descending
            } else if argEquals(arg, "count") && i + 1 < remaining {
                count = try c.int(base + i + 1)
                if count <= 0 { throw .err("COUNT must be > 0") }
                i += 1
            } else if argEquals(arg, "store") && i + 1 < remaining && !noStore && !isSearch {
                storeKey = base + i + 1
                storeDistance = false
                i += 1
            } else if argEquals(arg, "storedist") && i + 1 < remaining && !noStore && !isSearch {
                storeKey = base + i + 1
                storeDistance = true
                i += 1
            } else if argEquals(arg, "storedist") && mode == .searchStore {
                storeDistance = true
            } else if argEquals(arg, "frommember") && i + 1 < remaining && isSearch && !fromLonLat {
                if let z {
                    guard let s = z.score(of: a[base + i + 1]) else {
                        throw .err("could not decode requested zset member")
                    }
                    center = Geohash.position(ofScore: s)
                }
                fromMember = true
                i += 1
            } else if argEquals(arg, "fromlonlat") && i + 2 < remaining && isSearch && !fromMember {
                center = try coordinates(c, at: base + i + 1)
                fromLonLat = true
                i += 2
            } else if argEquals(arg, "byradius") && i + 2 < remaining && isSearch && !byBox {
                let (r, u) = try radius(c, at: base + i + 1)
                kind = .radius(r)
                conversion = u
                byRadius = true
                i += 2
            } else if argEquals(arg, "bybox") && i + 3 < remaining && isSearch && !byRadius {
                let w = try float(c, base + i + 1, "need numeric width")
                let h = try float(c, base + i + 2, "need numeric height")
                if h < 0 || w < 0 { throw .err("height or width cannot be negative") }
                conversion = try unit(a[base + i + 3])
                kind = .box(width: w, height: h)
                byBox = true
                i += 3
            } else {
                throw .syntax
            }
            i += 1
        }

        if storeKey != nil && (withDist || withHash || withCoord) {
            let what = mode == .searchStore ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"
            throw .err("\(what) is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
        }
        if isSearch && !(fromMember || fromLonLat) {
            throw .err("exactly one of FROMMEMBER or FROMLONLAT can be specified for \(a.string(0))")
        }
        if isSearch && !(byRadius || byBox) {
            throw .err("exactly one of BYRADIUS and BYBOX can be specified for \(a.string(0))")
        }
        if any && count == 0 { throw .err("the ANY argument requires COUNT argument") }

        guard let z else {
            if let storeKey {
                if c.db.delete(a[storeKey]) { c.notify(.generic, "del", a[storeKey]) }
                return c.integer(0)
            }
            return c.array(0)
        }
        // COUNT without an order returns the nearest ones (ANY excepted).
        if count != 0 && sort == .none && !any { sort = .ascending }

        let shape = Geohash.Shape(longitude: center.0, latitude: center.1, kind: kind, conversion: conversion)
        var matches = findMatches(z, shape, limit: any ? count : 0)
        if matches.isEmpty && storeKey == nil { return c.array(0) }
        let returned = count == 0 || matches.count < count ? matches.count : count
        switch sort {
        case .none: break
        case .ascending: matches.sort { $0.distance < $1.distance }
        case .descending: matches.sort { $0.distance > $1.distance }
        }

        guard let storeKey else {
            let options = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0)
            c.array(returned)
            for m in matches.prefix(returned) {
                if options > 0 { c.array(options + 1) }
                c.bulk(m.member)
                if withDist { c.bulk(formatDistance(m.distance / conversion)) }
                if withHash { c.integer(Int(Int64(m.score))) }
                if withCoord {
                    c.array(2)
                    coordinate(c, m.longitude)
                    coordinate(c, m.latitude)
                }
            }
            return
        }
        let destination = a[storeKey]
        if returned > 0 {
            let limits = c.zsetLimits
            let result = ZSetValue(sizeHint: returned, limits: limits)
            for m in matches.prefix(returned) {
                let score = storeDistance ? m.distance / conversion : m.score
                _ = m.member.withUnsafeBytes { result.add($0, score: score, options: [], limits: limits) }
            }
            c.db.set(destination, Value(object: result, type: .zset))
            c.notify(.zset, isSearch ? "geosearchstore" : "georadiusstore", destination)
            c.keyspace.dirty += returned - 1
        } else if c.db.delete(destination) {
            c.notify(.generic, "del", destination)
        }
        c.integer(returned)
    }

    /// membersOfAllNeighbors: the members inside the shape, cell by cell in Redis's order (a cell equal to the
    /// last one scanned is skipped), each cell's score range ascending; with `limit` (ANY) the scan stops once
    /// that many are found.
    static func findMatches(_ z: ZSetValue, _ shape: Geohash.Shape, limit: Int) -> [Match] {
        let cells = Geohash.searchCells(shape)
        var matches: [Match] = []
        var lastProcessed = 0
        for (i, cell) in cells.enumerated() {
            if cell.bits == 0 && cell.step == 0 { continue }
            if lastProcessed != 0 && cell == cells[lastProcessed] { continue }
            if !matches.isEmpty && limit > 0 && matches.count >= limit { break }
            let (min, max) = Geohash.scoreRange(of: cell)
            let ranks = z.ranks(in: ZScoreRange(min: min, minExclusive: false, max: max, maxExclusive: true))
            try? z.forEach(in: ranks) { member, score in
                if let (lon, lat, d) = shape.contains(score: score) {
                    matches.append(
                        Match(longitude: lon, latitude: lat, distance: d, score: score, member: Bytes(member)))
                }
                if !matches.isEmpty && limit > 0 && matches.count >= limit { throw StopScan() }
            }
            lastProcessed = i
        }
        return matches
    }
}
