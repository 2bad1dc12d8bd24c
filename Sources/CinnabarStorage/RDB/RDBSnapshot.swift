// A point-in-time RDB save without fork() ("serialize ahead of writes"). Redis forks and lets the kernel's
// copy-on-write keep the child's image; Cinnabar keeps the image by ordering instead:
//  - starting a save bumps the keyspace's `saveEpoch`, so every entry (StoredValue.epoch) is "not yet saved";
//  - the event loop sweeps each database's entry array in slices between requests (`step`), serializing every
//    entry still unsaved and stamping it with the new epoch; entries added during the save get the new epoch at
//    once and are never written (they did not exist at the start);
//  - before anything changes or removes an unsaved entry, the Database hooks (`snapshotBeforeWrite`, called by
//    every lookup while a save runs, and `snapshotBeforeRemove`) serialize its old value first. Removing an entry
//    moves the table's last entry into the hole; when the hole is behind the sweep's cursor, that last entry is
//    serialized first too, so it cannot slip behind the cursor unsaved;
//  - FLUSHDB hands the database's old tables to the snapshot (O(1)) to finish sweeping, and SWAPDB swaps the
//    sweep states along with the contents, so each image keeps its database number.
// Encoded bytes go to an `RDBFileSink`, whose serial queue writes them to a temp file, computes the CRC64, fsyncs
// and renames the file over the target. The memory cost is the sink's queue (bounded: the sweep pauses while
// more than `maxPendingBytes` wait) plus the serialized values of keys written ahead of the sweep.
// SPDX-License-Identifier: BSD-3-Clause
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class RDBSnapshot {
    /// One table being swept: a database's live tables, or tables FLUSHDB detached.
    struct Part {
        let keys: ValueTable
        let expires: ExpiresTable
        var outputID: Int
        var cursor: Int
        var end: Int
        var keyCount: Int
        var expireCount: Int
    }

    let keyspace: Keyspace
    let epoch: UInt8
    var live: [Part]
    var detached: [Part] = []
    var writer = RDBWriter()
    var selected = -1
    var resized: Set<Int> = []
    public let sink: RDBFileSink
    /// Keys serialized so far (INFO current_save_keys_processed).
    public private(set) var keysWritten = 0
    /// Keys present when the save started (INFO current_save_keys_total).
    public let keysTotal: Int
    public private(set) var isSweepDone = false
    /// The sweep pauses while the file writer has this much waiting.
    public var maxPendingBytes = 32 << 20
    static let chunkBytes = 64 << 10

    /// Starts a save of `keyspace` into `sink`: writes the header and aux fields and arms the write hooks.
    public init(keyspace: Keyspace, sink: RDBFileSink, compress: Bool, aux: [(String, String)],
                functionLibraries: [[UInt8]] = []) {
        self.keyspace = keyspace
        self.sink = sink
        let state = keyspace.state
        precondition(state.snapshot == nil, "one save at a time")
        state.saveEpoch &+= 1
        epoch = state.saveEpoch
        live = keyspace.databases.map {
            Part(keys: $0.keys, expires: $0.expires, outputID: $0.id, cursor: 0, end: $0.keys.count,
                 keyCount: $0.keys.count, expireCount: $0.expires.count)
        }
        keysTotal = keyspace.totalKeys
        writer.compact = true
        writer.compress = compress
        // The registry of hashes with field deadlines may hold stale keys: at worst the header says 12 needlessly.
        writer.fileHeader(fieldDeadlines: keyspace.databases.contains { $0.volatileHashes.count > 0 })
        for (k, v) in aux { writer.aux(k, v) }
        for code in functionLibraries { writer.functionLibrary(code) }
        state.snapshot = self
        state.isSaving = true
    }

    // MARK: - The sweep

    /// Serializes unsaved entries for about `microseconds`; returns true once every entry is in the image (the
    /// EOF marker is written then, and the write hooks are disarmed).
    @discardableResult
    public func step(microseconds: Int64) -> Bool {
        if isSweepDone { return true }
        let deadline = monotonicMicroseconds() + microseconds
        var budgetChecks = 0
        for p in 0..<(live.count + detached.count) {
            let isLive = p < live.count
            var part = isLive ? live[p] : detached[p - live.count]
            while part.cursor < min(part.end, part.keys.count) {
                let e = part.keys.entry(part.cursor)
                if e.pointee.epoch != epoch { serialize(&part, index: part.cursor) }
                part.cursor += 1
                budgetChecks += 1
                if budgetChecks & 63 == 0 {
                    if monotonicMicroseconds() >= deadline || sink.pendingBytes > maxPendingBytes {
                        if isLive { live[p] = part } else { detached[p - live.count] = part }
                        flushIfNeeded(force: true)
                        return false
                    }
                }
            }
            if isLive { live[p] = part } else { detached[p - live.count] = part }
        }
        finishSweep()
        return true
    }

    /// Runs the sweep to the end (SAVE, SHUTDOWN, DEBUG RELOAD).
    public func runToCompletion() {
        while !step(microseconds: 1_000_000) {
            if sink.pendingBytes > maxPendingBytes { sink.waitUntilPendingBelow(maxPendingBytes / 2) }
        }
    }

    func finishSweep() {
        writer.byte(RDBOpcode.eof)
        flushIfNeeded(force: true)
        detached.removeAll()
        disarm()
        isSweepDone = true
        sink.finish()
    }

    /// Stops the save (FLUSHALL, errors): every live entry gets the current epoch so the next save starts clean.
    public func abort() {
        guard !isSweepDone else {
            sink.abort()
            return
        }
        for part in live {
            var i = part.cursor
            while i < part.keys.count {
                part.keys.entry(i).pointee.epoch = epoch
                i += 1
            }
        }
        detached.removeAll()
        disarm()
        isSweepDone = true
        sink.abort()
    }

    func disarm() {
        keyspace.state.isSaving = false
        keyspace.state.snapshot = nil
    }

    // MARK: - Serializing

    func serialize(_ part: inout Part, index: Int) {
        let e = part.keys.entry(index)
        e.pointee.epoch = epoch
        if selected != part.outputID {
            writer.selectDB(part.outputID)
            selected = part.outputID
            if !resized.contains(part.outputID) {
                resized.insert(part.outputID)
                writer.resizeDB(keys: part.keyCount, expires: part.expireCount)
            }
        }
        var expire: Int64? = nil
        if part.expires.count > 0 {
            expire = e.pointee.key.withUnsafeBytes { k in
                part.expires.find(k, hash: UInt64(e.pointee.hash)).map { part.expires.entry($0).pointee.value }
            }
        }
        e.pointee.key.withUnsafeBytes { writer.entry(key: $0, value: e.pointee.value, expire: expire) }
        keysWritten += 1
        flushIfNeeded(force: false)
    }

    func flushIfNeeded(force: Bool) {
        if writer.count >= RDBSnapshot.chunkBytes || (force && writer.count > 0) { sink.write(writer.drain()) }
    }

    // MARK: - Write hooks (called by Database while `isSaving`)

    /// An entry is about to be read or changed: save its value first if the image does not have it yet.
    func beforeWrite(database id: Int, index: Int) {
        guard live[id].keys.entry(index).pointee.epoch != epoch else { return }
        serialize(&live[id], index: index)
    }

    /// An entry is about to be removed; the table's last entry will move into its slot.
    func beforeRemove(database id: Int, index: Int) {
        beforeWrite(database: id, index: index)
        let last = live[id].keys.count - 1
        if index < live[id].cursor && last >= live[id].cursor { beforeWrite(database: id, index: last) }
    }

    /// FLUSHDB: the old contents leave the database; the snapshot keeps them to finish the sweep.
    func beforeRemoveAll(_ db: Database) {
        let part = live[db.id]
        if part.cursor < min(part.end, part.keys.count) {
            let keys = ValueTable()
            let expires = ExpiresTable()
            keys.swapContents(with: db.keys)
            expires.swapContents(with: db.expires)
            detached.append(Part(keys: keys, expires: expires, outputID: part.outputID, cursor: part.cursor,
                                 end: part.end, keyCount: part.keyCount, expireCount: part.expireCount))
        }
        live[db.id].cursor = 0
        live[db.id].end = 0
    }

    /// SWAPDB: the sweep states follow the contents they describe.
    func databasesSwapped(_ a: Int, _ b: Int) {
        let pa = live[a]
        let pb = live[b]
        live[a] = Part(keys: pa.keys, expires: pa.expires, outputID: pb.outputID, cursor: pb.cursor, end: pb.end,
                       keyCount: pb.keyCount, expireCount: pb.expireCount)
        live[b] = Part(keys: pb.keys, expires: pb.expires, outputID: pa.outputID, cursor: pa.cursor, end: pa.end,
                       keyCount: pa.keyCount, expireCount: pa.expireCount)
    }
}

extension Database {
    @usableFromInline
    func snapshotBeforeWrite(_ index: Int) { keyspace.snapshot?.beforeWrite(database: id, index: index) }

    @usableFromInline
    func snapshotBeforeRemove(_ index: Int) { keyspace.snapshot?.beforeRemove(database: id, index: index) }

    func snapshotBeforeRemoveAll() { keyspace.snapshot?.beforeRemoveAll(self) }
}

// MARK: - The file writer

/// Writes a dump to `temp-<pid>.rdb` on a serial queue and, on `finish`, appends the CRC64, fsyncs, renames it
/// over the target and fsyncs the directory, so the target is never half-written.
public final class RDBFileSink: @unchecked Sendable {
    public enum Outcome: Sendable, Equatable { case success, failure(String) }

    struct State {
        var pending = 0
        var outcome: Outcome?
        var failed: String?
    }

    let queue = DispatchQueue(label: "cinnabar.rdb-writer")
    let state = Mutex(State())
    let fd: Int32
    public let tempPath: String
    public let targetPath: String
    let directory: String
    let checksum: Bool
    /// Written from the queue only.
    var crc: UInt64 = 0
    var isClosed = false
    public private(set) var bytesWritten = 0

    /// Opens the temp file; throws with Redis's log text when it cannot.
    public init(directory: String, filename: String, checksum: Bool) throws(RDBLoadError) {
        self.directory = directory.isEmpty ? "." : directory
        self.targetPath = RDBFileSink.join(self.directory, filename)
        self.tempPath = RDBFileSink.join(self.directory, "temp-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).rdb")
        self.checksum = checksum
        fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw RDBLoadError("Failed opening the temp RDB file \(tempPath) (in server root dir \(self.directory)) for saving: \(reason)")
        }
    }

    static func join(_ dir: String, _ file: String) -> String {
        if file.hasPrefix("/") { return file }
        return dir.hasSuffix("/") ? dir + file : dir + "/" + file
    }

    /// Bytes handed over and not written yet.
    public var pendingBytes: Int { state.withLock { $0.pending } }

    /// The result once the file is in place (or the save failed); nil while writing.
    public var outcome: Outcome? { state.withLock { $0.outcome } }

    func write(_ chunk: [UInt8]) {
        state.withLock { $0.pending += chunk.count }
        queue.async { [self] in
            if state.withLock({ $0.failed }) == nil {
                if checksum { crc = crc64(crc, chunk) }
                if let error = writeAll(chunk) { state.withLock { $0.failed = error } }
                bytesWritten += chunk.count
            }
            state.withLock { $0.pending -= chunk.count }
        }
    }

    func writeAll(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return "Write error saving DB on disk: \(String(cString: strerror(errno)))"
            }
            offset += n
        }
        return nil
    }

    func finish() {
        queue.async { [self] in
            var failure = state.withLock { $0.failed }
            if failure == nil {
                var tail = [UInt8]()
                withUnsafeBytes(of: (checksum ? crc : 0).littleEndian) { tail.append(contentsOf: $0) }
                failure = writeAll(tail)
            }
            if failure == nil && fsync(fd) != 0 { failure = "Write error saving DB on disk: \(String(cString: strerror(errno)))" }
            close(fd)
            isClosed = true
            if failure == nil && rename(tempPath, targetPath) != 0 {
                failure = "Error moving temp DB file \(tempPath) on the final destination \(targetPath) (in server root dir \(directory)): \(String(cString: strerror(errno)))"
            }
            if failure == nil {
                let dirFD = open(directory, O_RDONLY | O_CLOEXEC)
                if dirFD >= 0 {
                    fsync(dirFD)
                    close(dirFD)
                }
            } else {
                unlink(tempPath)
            }
            state.withLock { $0.outcome = failure.map { .failure($0) } ?? .success }
        }
    }

    func abort() {
        state.withLock { $0.failed = "aborted" }
        queue.async { [self] in
            // A save that completed before the abort keeps its outcome (the file is in place).
            guard !isClosed else { return }
            close(fd)
            isClosed = true
            unlink(tempPath)
            state.withLock { $0.outcome = .failure("aborted") }
        }
    }

    /// Blocks until the queue has written everything handed over (SAVE).
    public func waitForOutcome() -> Outcome {
        queue.sync {}
        return outcome ?? .failure("unfinished")
    }

    func waitUntilPendingBelow(_ limit: Int) {
        while pendingBytes > limit { usleep(200) }
    }
}
