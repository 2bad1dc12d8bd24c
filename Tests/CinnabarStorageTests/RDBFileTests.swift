// RDB files: every type and encoding survives a save and a load; corrupt files are refused, never crash; a save
// is a point-in-time image whatever is written, deleted, flushed (also asynchronously) or swapped while it runs.
import CinnabarStorage
import Dispatch
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("RDB files")
struct RDBFileTests {
    static let limits = RDBLoadLimits(list: ListLimits(), set: SetLimits(), zset: ZSetLimits(), hash: HashLimits())
    static let now: Int64 = 1_700_000_000_000

    static func temporaryDirectory() -> String {
        var template = Array("/tmp/cinnabar-rdb-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    static func removeDirectory(_ path: String) {
        if let d = opendir(path) {
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { unlink(path + "/" + name) }
            }
            closedir(d)
        }
        rmdir(path)
    }

    static func readFile(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, 65536) }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    static func makeKeyspace() -> Keyspace {
        let clock = KeyspaceClock()
        clock.manualMilliseconds = now
        let k = Keyspace(databases: 16, clock: clock)
        k.updateTime()
        return k
    }

    static func put(_ db: Database, _ key: String, _ value: Value, expire: Int64? = nil) {
        var k = key
        k.withUTF8 { p in
            let raw = UnsafeRawBufferPointer(p)
            db.set(raw, value)
            if let expire { db.setExpire(raw, at: expire) }
        }
    }

    static func string(_ s: String) -> Value {
        var c = s
        return c.withUTF8 { Value(string: UnsafeRawBufferPointer($0)) }
    }

    static func list(_ items: [String]) -> Value {
        let l = ListValue()
        l.prepareForAdding(bytes: items.reduce(0) { $0 + $1.utf8.count }, count: items.count, limits: ListLimits())
        for var i in items { i.withUTF8 { l.push(UnsafeRawBufferPointer($0), at: .tail, limits: ListLimits()) } }
        return Value(object: l, type: .list)
    }

    static func set(_ members: [String]) -> Value {
        var first = members[0]
        let s = first.withUTF8 { SetValue.forMembers(first: UnsafeRawBufferPointer($0), sizeHint: members.count, limits: SetLimits()) }
        for var m in members { _ = m.withUTF8 { s.add(UnsafeRawBufferPointer($0), limits: SetLimits()) } }
        return Value(object: s, type: .set)
    }

    static func zset(_ pairs: [(String, Double)]) -> Value {
        let z = ZSetValue(sizeHint: pairs.count, memberLengthHint: 16, limits: ZSetLimits())
        for (m, s) in pairs {
            var mm = m
            _ = mm.withUTF8 { z.add(UnsafeRawBufferPointer($0), score: s, options: [], limits: ZSetLimits()) }
        }
        return Value(object: z, type: .zset)
    }

    static func hash(_ pairs: [(String, String)]) -> Value {
        let h = HashValue()
        for (f, v) in pairs {
            var ff = f
            var vv = v
            ff.withUTF8 { fp in vv.withUTF8 { vp in _ = h.set(UnsafeRawBufferPointer(fp), UnsafeRawBufferPointer(vp), limits: HashLimits()) } }
        }
        return Value(object: h, type: .hash)
    }

    /// Every type in every encoding, in three databases, some keys with deadlines.
    static func fill(_ k: Keyspace) {
        let db0 = k.databases[0]
        put(db0, "int", string("12345"))
        put(db0, "negative", string("-9223372036854775808"))
        put(db0, "short", string("hello"))
        put(db0, "empty", string(""))
        put(db0, "compressible", string(String(repeating: "abcdefgh", count: 100)))
        put(db0, "long", string((0..<300).map { String($0 * 7919 % 1000) }.joined(separator: ",")))
        put(db0, "binary", [UInt8](0...255).withUnsafeBytes { Value(rawString: $0, markRaw: false) })
        put(db0, "list-small", list(["a", "b", "1", "-2", "300000"]))
        put(db0, "list-big", list((0..<2000).map { "element-\($0)" }))
        put(db0, "set-intset", set(["1", "2", "3", "-70000", "9000000000"]))
        put(db0, "set-listpack", set(["a", "b", "c", "1"]))
        put(db0, "set-hashtable", set((0..<1000).map { "member:\($0)" }))
        put(db0, "zset-small", zset([("a", 1), ("b", 2.5), ("c", -3), ("inf", .infinity)]))
        put(db0, "zset-big", zset((0..<500).map { ("m\($0)", Double($0) / 3) }))
        put(db0, "hash-small", hash([("f", "v"), ("n", "42")]))
        put(db0, "hash-big", hash((0..<1000).map { ("field\($0)", String(repeating: "v", count: $0 % 90)) }))
        put(db0, "stream", Value(object: RDBStreamTests.sample(), type: .stream))
        put(db0, "expiring", string("soon"), expire: now + 100_000)
        put(db0, "expiring-list", list(["x"]), expire: now + 5_000)
        put(k.databases[3], "db3", string("three"))
        put(k.databases[15], "db15", hash([("a", "b")]), expire: now + 1)
    }

    /// Saves `k` to a file in `dir` with a snapshot run to completion; returns the path.
    static func save(_ k: Keyspace, dir: String, compress: Bool = true, checksum: Bool = true) throws -> String {
        let sink = try RDBFileSink(directory: dir, filename: "dump.rdb", checksum: checksum)
        let snapshot = RDBSnapshot(keyspace: k, sink: sink, compress: compress, aux: [("redis-ver", "7.2.6"), ("redis-bits", "64")])
        snapshot.runToCompletion()
        #expect(sink.waitForOutcome() == .success)
        return dir + "/dump.rdb"
    }

    static func encodings(_ k: Keyspace) -> [String: String] {
        var out: [String: String] = [:]
        for db in k.databases {
            for i in 0..<db.keys.count {
                let e = db.keys.entry(i).pointee
                out["\(db.id):" + String(decoding: e.key.withUnsafeBytes { Array($0) }, as: UTF8.self)] = e.value.encodingName
            }
        }
        return out
    }

    @Test("Every type and encoding round-trips, with deadlines and databases", arguments: [true, false])
    func roundTrip(compress: Bool) throws {
        let dir = RDBFileTests.temporaryDirectory()
        defer { RDBFileTests.removeDirectory(dir) }
        let source = RDBFileTests.makeKeyspace()
        RDBFileTests.fill(source)
        let path = try RDBFileTests.save(source, dir: dir, compress: compress)
        let data = RDBFileTests.readFile(path)
        #expect(Array(data[0..<9]) == Array("REDIS0011".utf8))
        let target = RDBFileTests.makeKeyspace()
        let summary = try RDBFile.load(data, into: target, limits: RDBFileTests.limits, now: RDBFileTests.now)
        #expect(summary.keysLoaded == source.totalKeys)
        #expect(summary.aux.first?.key == "redis-ver")
        #expect(target.datasetDigest() == source.datasetDigest())
        #expect(RDBFileTests.encodings(target) == RDBFileTests.encodings(source))
        #expect(Array("expiring".utf8).withUnsafeBytes { target.databases[0].expireTime($0) } == RDBFileTests.now + 100_000)
        #expect(Array("db15".utf8).withUnsafeBytes { target.databases[15].expireTime($0) } == RDBFileTests.now + 1)
        // Loaded later, keys past their deadline are skipped.
        let later = RDBFileTests.makeKeyspace()
        let s2 = try RDBFile.load(data, into: later, limits: RDBFileTests.limits, now: RDBFileTests.now + 10_000)
        #expect(s2.expiredSkipped == 2)
        #expect(s2.keysLoaded == source.totalKeys - 2)
    }

    @Test("rdbcompression: LZF makes the file smaller and loads the same")
    func compression() throws {
        let source = RDBFileTests.makeKeyspace()
        RDBFileTests.fill(source)
        let dir = RDBFileTests.temporaryDirectory()
        defer { RDBFileTests.removeDirectory(dir) }
        let plain = RDBFileTests.readFile(try RDBFileTests.save(source, dir: dir, compress: false))
        let packed = RDBFileTests.readFile(try RDBFileTests.save(source, dir: dir, compress: true))
        #expect(packed.count < plain.count - 1000)
    }

    @Test("A truncated or corrupted file is refused with an error, never a crash")
    func corruptFiles() throws {
        let dir = RDBFileTests.temporaryDirectory()
        defer { RDBFileTests.removeDirectory(dir) }
        let source = RDBFileTests.makeKeyspace()
        RDBFileTests.fill(source)
        let data = RDBFileTests.readFile(try RDBFileTests.save(source, dir: dir))
        // Every truncation fails.
        for cut in stride(from: 0, to: data.count - 1, by: max(1, data.count / 400)) {
            #expect(throws: RDBLoadError.self) {
                try RDBFile.load(Array(data[0..<cut]), into: RDBFileTests.makeKeyspace(), limits: RDBFileTests.limits, now: 0)
            }
        }
        // A flipped byte is caught by the checksum...
        var flipped = data
        flipped[data.count / 2] ^= 0x5A
        #expect(throws: RDBLoadError.self) {
            try RDBFile.load(flipped, into: RDBFileTests.makeKeyspace(), limits: RDBFileTests.limits, now: 0)
        }
        // ...and without it the parser still never crashes on mutated input.
        var random = FastRandom(seed: 7)
        for _ in 0..<1500 {
            var m = data
            for _ in 0..<(1 + Int(random.next() % 4)) {
                m[9 + Int(random.next() % UInt64(m.count - 9))] = UInt8(truncatingIfNeeded: random.next())
            }
            _ = try? RDBFile.load(m, into: RDBFileTests.makeKeyspace(), limits: RDBFileTests.limits, now: 0,
                                  verifyChecksum: false)
        }
        // Header checks.
        var version = data
        version.replaceSubrange(5..<9, with: Array("0013".utf8))
        do {
            _ = try RDBFile.load(version, into: RDBFileTests.makeKeyspace(), limits: RDBFileTests.limits, now: 0)
            Issue.record("version 13 accepted")
        } catch {
            #expect(error.message == "Can't handle RDB format version 13")
        }
        do {
            _ = try RDBFile.load(Array("RODIS0011".utf8), into: RDBFileTests.makeKeyspace(), limits: RDBFileTests.limits, now: 0)
            Issue.record("bad magic accepted")
        } catch {
            #expect(error.message == "Wrong signature trying to load DB from file")
        }
    }

    @Test("A file written with rdbchecksum no has a zero checksum and loads")
    func noChecksum() throws {
        let dir = RDBFileTests.temporaryDirectory()
        defer { RDBFileTests.removeDirectory(dir) }
        let source = RDBFileTests.makeKeyspace()
        RDBFileTests.fill(source)
        let data = RDBFileTests.readFile(try RDBFileTests.save(source, dir: dir, checksum: false))
        #expect(Array(data.suffix(8)) == [UInt8](repeating: 0, count: 8))
        let target = RDBFileTests.makeKeyspace()
        _ = try RDBFile.load(data, into: target, limits: RDBFileTests.limits, now: RDBFileTests.now)
        #expect(target.datasetDigest() == source.datasetDigest())
    }

    @Test("A save is the image of its start whatever is written, deleted, flushed or swapped meanwhile")
    func pointInTime() throws {
        let dir = RDBFileTests.temporaryDirectory()
        defer { RDBFileTests.removeDirectory(dir) }
        let k = RDBFileTests.makeKeyspace()
        for i in 0..<5000 { RDBFileTests.put(k.databases[0], "key:\(i)", RDBFileTests.string("value-\(i)")) }
        for i in 0..<3000 { RDBFileTests.put(k.databases[1], "one:\(i)", RDBFileTests.list(["a\(i)", "b"])) }
        for i in 0..<2000 { RDBFileTests.put(k.databases[2], "two:\(i)", RDBFileTests.string("\(i)")) }
        RDBFileTests.fill(k)
        let before = k.datasetDigest()
        let sink = try RDBFileSink(directory: dir, filename: "dump.rdb", checksum: true)
        let snapshot = RDBSnapshot(keyspace: k, sink: sink, compress: true, aux: [])
        #expect(k.state.isSaving)
        var random = FastRandom(seed: 42)
        var round = 0
        while !snapshot.step(microseconds: 0) {
            round += 1
            let db0 = k.databases[0]
            // Overwrite, modify in place (through a lookup), delete and add keys, all over the table.
            for _ in 0..<20 {
                let i = Int(random.next() % 6000)
                var key = "key:\(i)"
                switch random.next() % 4 {
                case 0: RDBFileTests.put(db0, key, RDBFileTests.string("changed-\(round)"))
                case 1: _ = key.withUTF8 { db0.delete(UnsafeRawBufferPointer($0)) }
                case 2:
                    key = "list-big"
                    if let index = key.withUTF8({ db0.find(UnsafeRawBufferPointer($0)) }) {
                        let v = db0.keys.entry(index).pointee.value
                        if v.type == .list {
                            "new".utf8CString.withUnsafeBytes {
                                unsafeDowncast(v.collection, to: ListValue.self).push(UnsafeRawBufferPointer(rebasing: $0.dropLast()), at: .head, limits: ListLimits())
                            }
                        }
                    }
                default: RDBFileTests.put(db0, "new:\(round):\(i)", RDBFileTests.string("fresh"))
                }
            }
            if round == 3 { k.databases[1].removeAll() }
            if round == 5 { k.swap(2, 3) }
            if round == 7 { k.swap(2, 3) ; k.swap(0, 4) }
        }
        #expect(!k.state.isSaving)
        #expect(sink.waitForOutcome() == .success)
        #expect(round > 10)
        let loaded = RDBFileTests.makeKeyspace()
        _ = try RDBFile.load(RDBFileTests.readFile(dir + "/dump.rdb"), into: loaded, limits: RDBFileTests.limits, now: RDBFileTests.now)
        #expect(loaded.datasetDigest() == before)
        // Every live entry carries the save's epoch again, so the next save starts clean.
        let second = try RDBFileTests.save(k, dir: dir)
        let again = RDBFileTests.makeKeyspace()
        _ = try RDBFile.load(RDBFileTests.readFile(second), into: again, limits: RDBFileTests.limits, now: RDBFileTests.now)
        #expect(again.datasetDigest() == k.datasetDigest())
    }

    @Test("FLUSHDB ASYNC during a save: the save still writes the flushed keys, and the tables freed on another thread hold nothing it needs")
    func detachDuringSave() throws {
        final class Parcel: @unchecked Sendable {
            var tables: [(ValueTable, ExpiresTable)] = []
        }
        let dir = RDBFileTests.temporaryDirectory()
        defer { RDBFileTests.removeDirectory(dir) }
        let k = RDBFileTests.makeKeyspace()
        for i in 0..<5000 { RDBFileTests.put(k.databases[0], "key:\(i)", RDBFileTests.string("value-\(i)"), expire: RDBFileTests.now + 100_000) }
        for i in 0..<3000 { RDBFileTests.put(k.databases[1], "one:\(i)", RDBFileTests.set(["a\(i)", "b", "c"])) }
        let before = k.datasetDigest()
        let sink = try RDBFileSink(directory: dir, filename: "dump.rdb", checksum: true)
        let snapshot = RDBSnapshot(keyspace: k, sink: sink, compress: true, aux: [])
        #expect(!snapshot.step(microseconds: 0))  // part of database 0 is written
        // Flushed as FLUSHALL ASYNC does: the old tables go to another thread and are freed there at once, while the
        // sweep goes on. What the save has not written yet stays with the save, so the detached tables are empty.
        let parcel = Parcel()
        parcel.tables = [k.databases[0].detachAll(), k.databases[1].detachAll()]
        #expect(parcel.tables.allSatisfy { $0.0.count == 0 && $0.1.count == 0 })
        #expect(k.totalKeys == 0)
        let freed = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            parcel.tables = []
            freed.signal()
        }
        RDBFileTests.put(k.databases[0], "after", RDBFileTests.string("flush"))
        while !snapshot.step(microseconds: 0) {}
        freed.wait()
        #expect(sink.waitForOutcome() == .success)
        let loaded = RDBFileTests.makeKeyspace()
        _ = try RDBFile.load(RDBFileTests.readFile(dir + "/dump.rdb"), into: loaded, limits: RDBFileTests.limits, now: RDBFileTests.now)
        #expect(loaded.datasetDigest() == before)
        // With no save running, detachAll hands over everything.
        let (keys, _) = k.databases[0].detachAll()
        #expect(keys.count == 1)
    }

    @Test("An aborted save leaves no temp file and the next save is complete")
    func abort() throws {
        let dir = RDBFileTests.temporaryDirectory()
        defer { RDBFileTests.removeDirectory(dir) }
        let k = RDBFileTests.makeKeyspace()
        for i in 0..<3000 { RDBFileTests.put(k.databases[0], "key:\(i)", RDBFileTests.string("value-\(i)")) }
        let sink = try RDBFileSink(directory: dir, filename: "dump.rdb", checksum: true)
        let snapshot = RDBSnapshot(keyspace: k, sink: sink, compress: true, aux: [])
        _ = snapshot.step(microseconds: 0)
        snapshot.abort()
        #expect(sink.waitForOutcome() == .failure("aborted"))
        #expect(access(sink.tempPath, F_OK) != 0)
        #expect(access(dir + "/dump.rdb", F_OK) != 0)
        let path = try RDBFileTests.save(k, dir: dir)
        let loaded = RDBFileTests.makeKeyspace()
        _ = try RDBFile.load(RDBFileTests.readFile(path), into: loaded, limits: RDBFileTests.limits, now: RDBFileTests.now)
        #expect(loaded.datasetDigest() == k.datasetDigest())
    }
}
