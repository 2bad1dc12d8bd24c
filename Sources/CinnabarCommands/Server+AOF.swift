// The append-only file as the server runs it (Redis 7's aof.c): propagated commands are appended to one reusable
// buffer (with SELECT when the database changes), written before any reply leaves (the transports call
// `flushAppendOnlyFileBeforeReplies` before writing to a socket, as beforeSleep does) and fsynced there with
// `appendfsync always`, once a second on a background queue with `everysec`, or left to the kernel with `no`.
// Files follow Redis 7's multi-part layout (AOFManifest): loading at startup (the AOF wins over dump.rdb), the
// base created on first start, BGREWRITEAOF without fork (the incremental file is rotated, then the RDB snapshot
// machinery writes the new base as a point-in-time image while commands keep going to the new incremental file;
// the manifest is swapped atomically when the base is in place), automatic rewrites, CONFIG SET appendonly,
// DEBUG LOADAOF and the INFO persistence fields.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The AOF's state (Redis's server.aof_* fields).
public final class AppendOnlyState {
    public enum Status: Sendable { case off, on, waitRewrite }
    public internal(set) var status = Status.off
    var manifest = AOFManifest()
    var fd: Int32 = -1
    /// Commands not written yet (aof_buf).
    var buffer: [UInt8] = []
    /// The database the file's last command ran in (-1: the next command starts with SELECT).
    var selectedDB = -1
    var baseSize = 0
    var earlierIncrementalsSize = 0
    var incrementalSize = 0
    /// aof_current_size: the base and every incremental file.
    public var currentSize: Int { baseSize + earlierIncrementalsSize + incrementalSize }
    /// The size after the last rewrite (auto-aof-rewrite-percentage grows from it).
    var rewriteBaseSize = 0
    // everysec: fsyncs run on their own queue; the loop never waits for one.
    let fsyncQueue = DispatchQueue(label: "cinnabar.aof-fsync")
    let fsyncInProgress = FsyncFlag()
    var writtenSinceFsync = false
    var lastFsyncMilliseconds: Int64 = 0
    var delayedFsyncs = 0
    public internal(set) var lastWriteOK = true
    var lastWriteError = ""
    // BGREWRITEAOF
    public internal(set) var rewrite: RDBSnapshot?
    var rewriteStartSeconds: Int64 = 0
    var rewriteBaseName = ""
    public internal(set) var rewriteScheduled = false
    var lastRewriteSeconds = -1
    var lastRewriteOK = true
    var rewrites = 0
    var consecutiveFailures = 0

    init() {
        buffer.reserveCapacity(64 * 1024)
    }
}

/// Whether a background fsync is running (shared with the fsync queue).
final class FsyncFlag: @unchecked Sendable {
    let value = Mutex(false)
}

public struct AOFLoadError: Error, Sendable {
    public let message: String
}

extension Server {
    var appendFilename: String { config.get("appendfilename") ?? "appendonly.aof" }

    /// dir + appenddirname.
    public var aofDirectory: String {
        let dir = config.get("dir") ?? ""
        let name = config.get("appenddirname") ?? "appendonlydir"
        if dir.isEmpty { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    func aofPath(_ name: String) -> String { aofDirectory + "/" + name }

    // MARK: - Feeding and writing

    /// The propagation sink (feedAppendOnlyFile): SELECT when the database changes, then the command.
    func feedAppendOnlyFile(db: Int, _ command: UnsafeRawBufferPointer) {
        let a = aof
        // Turning AOF on: what happens before the rewrite starts is in its image.
        if a.status == .waitRewrite && a.rewrite == nil { return }
        if db != -1 && db != a.selectedDB {
            a.buffer.appendRESPArrayHeader(2)
            "SELECT".utf8CString.withUnsafeBytes { a.buffer.appendRESPBulk(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
            a.buffer.appendRESPBulk(decimal: Int64(db))
            a.selectedDB = db
        }
        a.buffer.append(contentsOf: command)
    }

    /// Called by the transports before replies are written to sockets: acknowledged writes reach the file first
    /// (and the disk, with appendfsync always).
    @inline(__always)
    public func flushAppendOnlyFileBeforeReplies() {
        if !aof.buffer.isEmpty { flushAppendOnlyFile() }
        // The replicas get the stream before the replies that acknowledge it leave.
        if !replication.pending.isEmpty { flushReplicationStream() }
    }

    /// flushAppendOnlyFile: writes the buffer; fdatasync with appendfsync always.
    func flushAppendOnlyFile() {
        let a = aof
        guard !a.buffer.isEmpty, a.fd >= 0 else { return }
        var offset = 0
        var failure: Int32 = 0
        a.buffer.withUnsafeBytes { b in
            while offset < b.count {
                let n = write(a.fd, b.baseAddress! + offset, b.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                offset += n
            }
        }
        if failure != 0 {
            // Redis removes a partial write so the file never ends in half a command.
            if offset > 0 && ftruncate(a.fd, off_t(a.incrementalSize)) != 0 {
                a.incrementalSize += offset
                a.buffer.removeFirst(offset)
            }
            let reason = String(cString: strerror(failure))
            if config.get("appendfsync") == "always" {
                logger.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...")
                exit(1)
            }
            if a.lastWriteOK { logger.warning("Error writing to the AOF file: \(reason)") }
            a.lastWriteOK = false
            a.lastWriteError = reason
            return
        }
        a.incrementalSize += offset
        if a.buffer.capacity > 4 << 20 {
            a.buffer = []
            a.buffer.reserveCapacity(64 * 1024)
        } else {
            a.buffer.removeAll(keepingCapacity: true)
        }
        if !a.lastWriteOK {
            logger.warning("AOF write error looks solved, Redis can write again.")
            a.lastWriteOK = true
        }
        switch config.get("appendfsync") {
        case "always":
            if fdatasync(a.fd) != 0 {
                logger.warning("Can't persist AOF for fsync error when the AOF fsync policy is 'always': \(String(cString: strerror(errno))). Exiting...")
                exit(1)
            }
            a.lastFsyncMilliseconds = keyspace.clock.readMilliseconds()
        case "everysec":
            a.writtenSinceFsync = true
        default:
            break
        }
    }

    /// Writes and fsyncs everything now (shutdown, rotation, stopping the AOF).
    func flushAndSyncAppendOnlyFile() {
        flushAppendOnlyFile()
        let a = aof
        if a.fd >= 0 {
            a.fsyncQueue.sync {}
            fdatasync(a.fd)
            a.writtenSinceFsync = false
        }
    }

    /// everysec: starts a background fdatasync when something was written and a second has passed.
    func backgroundFsyncIfDue() {
        let a = aof
        guard a.writtenSinceFsync, a.fd >= 0, config.get("appendfsync") == "everysec" else { return }
        let now = keyspace.clock.readMilliseconds()
        guard now - a.lastFsyncMilliseconds >= 1000 else { return }
        let busy = a.fsyncInProgress.value.withLock { running -> Bool in
            if running { return true }
            running = true
            return false
        }
        if busy {
            a.delayedFsyncs += 1
            return
        }
        let fd = a.fd
        let flag = a.fsyncInProgress
        a.fsyncQueue.async {
            fdatasync(fd)
            flag.value.withLock { $0 = false }
        }
        a.writtenSinceFsync = false
        a.lastFsyncMilliseconds = now
    }

    /// Closes a file descriptor after its pending fsyncs, off the event loop.
    func closeAppendOnlyFD(_ fd: Int32, sync: Bool) {
        guard fd >= 0 else { return }
        aof.fsyncQueue.async {
            if sync { fdatasync(fd) }
            close(fd)
        }
    }

    // MARK: - Files

    /// persistAofManifest: writes the manifest to a temp file, fsyncs it, renames it over the manifest and fsyncs
    /// the directory. Returns an error text.
    func persistManifest(_ manifest: AOFManifest) -> String? {
        let temp = aofPath(AOFManifest.tempManifestName(appendFilename))
        let target = aofPath(AOFManifest.manifestName(appendFilename))
        let text = Array(manifest.render().utf8)
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "Can't open the AOF manifest file \(temp): \(String(cString: strerror(errno)))" }
        var offset = 0
        while offset < text.count {
            let n = text.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                return "Can't persist the AOF manifest file \(temp): \(reason)"
            }
            offset += n
        }
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            return "Can't fsync the AOF manifest file \(temp): \(reason)"
        }
        close(fd)
        if rename(temp, target) != 0 { return "Error trying to rename the temporary AOF manifest file \(temp) into \(target): \(String(cString: strerror(errno)))" }
        fsyncDirectory(aofDirectory)
        return nil
    }

    func fsyncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    func createAOFDirectoryIfMissing() -> String? {
        if mkdir(aofDirectory, 0o755) != 0 && errno != EEXIST {
            return "Can't open or create append-only dir \(aofDirectory): \(String(cString: strerror(errno)))"
        }
        return nil
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// Reads the manifest in the AOF directory (an empty one when there is none).
    func loadManifestFromDisk() throws(AOFLoadError) -> AOFManifest {
        let path = aofPath(AOFManifest.manifestName(appendFilename))
        guard let bytes = Server.readFile(path) else {
            if errno == ENOENT { return AOFManifest() }
            throw AOFLoadError(message: "Fatal error: can't open the AOF manifest file \(path) for reading: \(String(cString: strerror(errno)))")
        }
        do {
            return try AOFManifest.parse(bytes)
        } catch {
            logger.warning("*** FATAL AOF MANIFEST FILE ERROR ***")
            if error.line > 0 {
                logger.warning("Reading the manifest file, at line \(error.line)")
                logger.warning(">>> '\(error.text)'")
            }
            throw AOFLoadError(message: "\(error.message) (manifest \(path), line \(error.line))")
        }
    }

    // MARK: - Loading

    enum AOFLoadStatus { case ok, empty, truncated, notExist }

    /// loadAppendOnlyFiles: the base, then each incremental file. Only the last file may be truncated.
    func loadAppendOnlyFiles(_ manifest: AOFManifest) throws(AOFLoadError) -> AOFLoadStatus {
        var files: [AOFManifest.Entry] = []
        if let base = manifest.base { files.append(base) }
        files += manifest.incrementals
        guard !files.isEmpty else { return .notExist }
        var total = 0
        for f in files {
            var st = stat()
            guard stat(aofPath(f.name), &st) == 0 else {
                throw AOFLoadError(message: "The append log file \(f.name) doesn't exist: \(String(cString: strerror(errno)))")
            }
            total += Int(st.st_size)
        }
        if total == 0 { return .empty }
        var result = AOFLoadStatus.ok
        for (i, f) in files.enumerated() {
            let last = i == files.count - 1
            let start = monotonicMicroseconds()
            let status = try loadSingleAppendOnlyFile(f.name)
            if status == .truncated && !last {
                throw AOFLoadError(message: "Fatal error: the truncated file is not the last file")
            }
            if status == .truncated { result = .truncated }
            let seconds = Double(monotonicMicroseconds() - start) / 1_000_000
            logger.notice("DB loaded from \(f.type == .base ? "base" : "incr") file \(f.name): \(format3(seconds)) seconds")
        }
        aof.baseSize = manifest.base.map { Server.fileSize(aofPath($0.name)) } ?? 0
        aof.rewriteBaseSize = aof.baseSize
        return result
    }

    /// loadSingleAppendOnlyFile: an RDB image ("REDIS" signature) or commands, run as a client would.
    func loadSingleAppendOnlyFile(_ name: String) throws(AOFLoadError) -> AOFLoadStatus {
        let path = aofPath(name)
        guard let data = Server.readFile(path) else {
            if errno == ENOENT { return .notExist }
            throw AOFLoadError(message: "Fatal error: can't open the append log file \(name) for reading: \(String(cString: strerror(errno)))")
        }
        if data.isEmpty { return .empty }
        let wasPropagating = propagation.enabled
        propagation.enabled = false
        keyspace.state.isLoading = true
        defer {
            keyspace.state.isLoading = false
            propagation.enabled = wasPropagating
        }
        if data.count >= 5 && data[0..<5].elementsEqual("REDIS".utf8) {
            logger.notice("Reading RDB base file on AOF loading...")
            do {
                // Keys past their deadline are kept: later commands in the AOF may still touch them.
                try loadRDB(data, allowDuplicates: false, now: Int64.min)
            } catch {
                logger.warning("Error reading the RDB base file \(name), AOF loading aborted")
                throw AOFLoadError(message: "Error reading the RDB base file \(name): \(error.message)")
            }
            return .ok
        }
        let client = makeDetachedClient()
        client.denyBlocking = true
        var queued: [(CommandSpec, Arguments)]? = nil
        var lastEnd = 0
        var beforeMulti = 0
        var unknown: String?
        var slices: [ArgumentSlice] = []
        let outcome = data.withUnsafeBytes { raw in
            AOFReader.read(raw, from: 0) { arguments, end in
                slices.removeAll(keepingCapacity: true)
                for a in arguments { slices.append(ArgumentSlice(offset: a.offset, count: a.count)) }
                return slices.withUnsafeBufferPointer { buffer -> Bool in
                    let args = Arguments(base: raw.baseAddress, slices: buffer)
                    guard let spec = commands.lookup(args) else {
                        unknown = args.string(0)
                        return false
                    }
                    let top = spec.parent == nil
                    if top && spec.name == "multi" {
                        beforeMulti = lastEnd
                        queued = []
                    } else if queued != nil && !(top && spec.name == "exec") {
                        queued!.append((spec, args.owned()))
                    } else if let transaction = queued {
                        queued = nil
                        for (s, a) in transaction { invoke(s, a, client: client) }
                    } else {
                        invoke(spec, args, client: client)
                    }
                    client.out.clear()
                    lastEnd = end
                    return true
                }
            }
        }
        if let unknown {
            throw AOFLoadError(message: "Unknown command '\(unknown)' reading the append only file \(name)")
        }
        var validUpTo: Int
        switch outcome {
        case .complete:
            // A MULTI without its EXEC is a short read too: the transaction is dropped.
            guard queued != nil else { return .ok }
            logger.warning("Revert incomplete MULTI/EXEC transaction in AOF file \(name)")
            validUpTo = beforeMulti
        case .truncated(let upTo):
            validUpTo = queued != nil ? beforeMulti : upTo
        case .formatError(let offset):
            throw AOFLoadError(message: "Bad file format reading the append only file \(name) at offset \(offset): make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>")
        }
        if config.get("aof-load-truncated") != "no" {
            logger.warning("!!! Warning: short read while loading the AOF file \(name)!!!")
            logger.warning("!!! Truncating the AOF \(name) at offset \(validUpTo) !!!")
            if truncate(path, off_t(validUpTo)) == 0 {
                logger.warning("AOF \(name) loaded anyway because aof-load-truncated is enabled")
                return .truncated
            }
            logger.warning("Error truncating the AOF file \(name): \(String(cString: strerror(errno)))")
        }
        validUpTo = 0
        throw AOFLoadError(message: "Unexpected end of file reading the append only file \(name). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.")
    }

    /// Startup with appendonly yes (loadDataFromDisk + aofOpenIfNeededOnServerStart): load the AOF if there is
    /// one (dump.rdb is not read), then make sure a base and an incremental file exist and open the latter.
    func loadAppendOnlyAtStartup() throws(AOFLoadError) {
        let start = monotonicMicroseconds()
        let manifest = try loadManifestFromDisk()
        let status = try loadAppendOnlyFiles(manifest)
        if status != .notExist {
            let seconds = Double(monotonicMicroseconds() - start) / 1_000_000
            logger.notice("DB loaded from append only file: \(format3(seconds)) seconds")
        }
        keyspace.dirty = 0
        aof.manifest = manifest
        try openAppendOnlyOnStart()
    }

    /// aofOpenIfNeededOnServerStart.
    func openAppendOnlyOnStart() throws(AOFLoadError) {
        if let problem = createAOFDirectoryIfMissing() { throw AOFLoadError(message: problem) }
        var manifest = aof.manifest
        if manifest.isEmpty {
            let baseName = manifest.newBase(appendFilename, rdb: true)
            if let problem = writeBaseSynchronously(baseName) { throw AOFLoadError(message: problem) }
            logger.notice("Creating AOF base file \(baseName) on server start")
            aof.baseSize = Server.fileSize(aofPath(baseName))
            aof.rewriteBaseSize = aof.baseSize
        }
        let hadIncrementals = !manifest.incrementals.isEmpty
        let incr = manifest.lastIncrementalName(appendFilename)
        let fd = open(aofPath(incr), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw AOFLoadError(message: "Can't open the append-only file \(incr): \(String(cString: strerror(errno)))")
        }
        if let problem = persistManifest(manifest) {
            close(fd)
            throw AOFLoadError(message: problem)
        }
        logger.notice("\(hadIncrementals ? "Opening" : "Creating") AOF incr file \(incr) on server start")
        aof.manifest = manifest
        aof.fd = fd
        aof.earlierIncrementalsSize = manifest.incrementals.dropLast().reduce(0) { $0 + Server.fileSize(aofPath($1.name)) }
        aof.incrementalSize = Server.fileSize(aofPath(incr))
        aof.selectedDB = -1
        aof.status = .on
        updatePropagation()
    }

    /// A base image written on the event loop (at startup, when there is nothing to keep answering).
    func writeBaseSynchronously(_ name: String) -> String? {
        let snapshot: RDBSnapshot
        do {
            snapshot = try makeSnapshot(directory: aofDirectory, filename: name, aofBase: true)
        } catch {
            return error.message
        }
        snapshot.runToCompletion()
        if case .failure(let reason) = snapshot.sink.waitForOutcome() { return reason }
        return nil
    }

    // MARK: - BGREWRITEAOF

    /// rewriteAppendOnlyFileBackground without fork. Returns nil when started, else why not.
    @discardableResult
    public func startAOFRewrite() -> String? {
        let a = aof
        guard a.rewrite == nil else { return "Background append only file rewriting already in progress" }
        if let problem = createAOFDirectoryIfMissing() {
            logger.warning("\(problem)")
            return problem
        }
        flushAppendOnlyFile()
        // Rotate: commands from now on go to a new incremental file; the image taken at this instant is the new
        // base. (Turning AOF on writes them to a temp file that joins the manifest when the base is done.)
        switch a.status {
        case .on:
            var manifest = a.manifest
            let name = manifest.newIncremental(appendFilename)
            let fd = open(aofPath(name), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                let problem = "Can't open the append-only file \(name): \(String(cString: strerror(errno)))"
                logger.warning("\(problem)")
                return problem
            }
            if let problem = persistManifest(manifest) {
                close(fd)
                unlink(aofPath(name))
                logger.warning("\(problem)")
                return problem
            }
            closeAppendOnlyFD(a.fd, sync: true)
            a.fd = fd
            a.manifest = manifest
            a.earlierIncrementalsSize += a.incrementalSize
            a.incrementalSize = 0
        case .waitRewrite:
            let temp = aofPath(AOFManifest.tempIncrementalName(appendFilename))
            let fd = open(temp, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                let problem = "Can't open the append-only file \(temp): \(String(cString: strerror(errno)))"
                logger.warning("\(problem)")
                return problem
            }
            closeAppendOnlyFD(a.fd, sync: false)
            a.fd = fd
            a.incrementalSize = 0
        case .off:
            break
        }
        a.selectedDB = -1
        let baseName = "\(appendFilename).\(a.manifest.baseSeq + 1).base.rdb"
        do {
            a.rewrite = try makeSnapshot(directory: aofDirectory, filename: baseName, aofBase: true)
        } catch {
            logger.warning("Can't rewrite append only file in background: \(error.message)")
            a.lastRewriteOK = false
            return error.message
        }
        a.rewriteBaseName = baseName
        a.rewriteStartSeconds = unixTimeMicroseconds() / 1_000_000
        a.rewriteScheduled = false
        logger.notice("Background append only file rewriting started")
        return nil
    }

    /// backgroundRewriteDoneHandler: once the new base is in place, swap the manifest and drop history files.
    func checkAOFRewriteDone() {
        let a = aof
        guard let rw = a.rewrite, rw.isSweepDone, let outcome = rw.sink.outcome else { return }
        a.rewrite = nil
        a.lastRewriteSeconds = Int(unixTimeMicroseconds() / 1_000_000 - a.rewriteStartSeconds)
        switch outcome {
        case .success:
            var manifest = a.manifest
            let baseName = manifest.newBase(appendFilename, rdb: true)
            precondition(baseName == a.rewriteBaseName)
            var tempRenamed: String?
            switch a.status {
            case .waitRewrite:
                flushAppendOnlyFile()
                let name = manifest.newIncremental(appendFilename)
                if rename(aofPath(AOFManifest.tempIncrementalName(appendFilename)), aofPath(name)) != 0 {
                    rewriteFailed("Error trying to rename the temporary AOF incr file into \(name): \(String(cString: strerror(errno)))")
                    unlink(aofPath(baseName))
                    return
                }
                tempRenamed = name
                manifest.markRewrittenIncrementalsAsHistory()
            case .on:
                manifest.markRewrittenIncrementalsAsHistory()
            case .off:
                for var e in manifest.incrementals {
                    e.type = .history
                    manifest.history.append(e)
                }
                manifest.incrementals = []
            }
            if let problem = persistManifest(manifest) {
                if let tempRenamed {
                    rename(aofPath(tempRenamed), aofPath(AOFManifest.tempIncrementalName(appendFilename)))
                }
                unlink(aofPath(baseName))
                rewriteFailed(problem)
                return
            }
            // aofDelHistoryFiles.
            for h in manifest.history {
                logger.notice("Removing the history file \(h.name) in the background")
                unlink(aofPath(h.name))
            }
            manifest.history = []
            _ = persistManifest(manifest)
            a.manifest = manifest
            if a.status == .waitRewrite {
                a.status = .on
                logger.notice("Background AOF rewrite finished successfully")
            }
            a.baseSize = Server.fileSize(aofPath(baseName))
            a.earlierIncrementalsSize = manifest.incrementals.dropLast().reduce(0) { $0 + Server.fileSize(aofPath($1.name)) }
            a.rewriteBaseSize = a.currentSize
            a.lastRewriteOK = true
            a.consecutiveFailures = 0
            a.rewrites += 1
            logger.notice("Background AOF rewrite terminated with success")
            logger.notice("Background AOF rewrite finished successfully")
        case .failure("aborted"):
            break
        case .failure(let reason):
            rewriteFailed(reason)
        }
    }

    private func rewriteFailed(_ reason: String) {
        let a = aof
        logger.warning("\(reason)")
        logger.warning("Background AOF rewrite terminated with error")
        a.lastRewriteOK = false
        a.consecutiveFailures += 1
        // Turning AOF on needs a base: try again from the cron.
        if a.status == .waitRewrite { a.rewriteScheduled = true }
    }

    /// Kills a running rewrite (SHUTDOWN, CONFIG SET appendonly no); its temp files are removed.
    func abortAOFRewrite() {
        let a = aof
        guard let rw = a.rewrite else { return }
        rw.abort()
        _ = rw.sink.waitForOutcome()
        a.rewrite = nil
        if a.status == .waitRewrite { unlink(aofPath(AOFManifest.tempIncrementalName(appendFilename))) }
    }

    /// Runs a rewrite to its end now (SAVE while one runs: one snapshot at a time).
    func finishAOFRewrite() {
        guard let rw = aof.rewrite else { return }
        rw.runToCompletion()
        _ = rw.sink.waitForOutcome()
        checkAOFRewriteDone()
    }

    /// The AOF part of serverCron: everysec fsync, a finished or scheduled rewrite, automatic rewrites.
    public func appendOnlyCron() {
        let a = aof
        flushAppendOnlyFileBeforeReplies()
        if a.status != .off { backgroundFsyncIfDue() }
        if a.rewrite != nil { checkAOFRewriteDone() }
        guard a.rewrite == nil, persistence.background == nil else { return }
        if a.rewriteScheduled {
            startAOFRewrite()
            return
        }
        let percentage = Int(config.get("auto-aof-rewrite-percentage") ?? "100") ?? 100
        let minSize = Int(config.get("auto-aof-rewrite-min-size") ?? "67108864") ?? 67_108_864
        if a.status == .on && percentage > 0 && a.currentSize > minSize {
            let base = max(a.rewriteBaseSize, 1)
            let growth = (a.currentSize * 100 / base) - 100
            if growth >= percentage {
                logger.notice("Starting automatic rewriting of AOF on \(growth)% growth")
                startAOFRewrite()
            }
        }
    }

    // MARK: - Turning AOF on and off

    /// CONFIG SET appendonly yes (startAppendOnly): the AOF starts with a rewrite of the current dataset.
    func startAppendOnly() -> Bool {
        let a = aof
        guard a.status == .off else { return true }
        if let problem = createAOFDirectoryIfMissing() {
            logger.warning("\(problem)")
            return false
        }
        do {
            a.manifest = try loadManifestFromDisk()
        } catch {
            logger.warning("\(error.message)")
            return false
        }
        a.status = .waitRewrite
        updatePropagation()
        if persistence.background != nil {
            a.rewriteScheduled = true
            logger.notice("AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.")
            return true
        }
        if let problem = startAOFRewrite() {
            logger.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error: \(problem)")
            a.status = .off
            updatePropagation()
            return false
        }
        return true
    }

    /// CONFIG SET appendonly no (stopAppendOnly).
    func stopAppendOnly() {
        let a = aof
        guard a.status != .off else { return }
        flushAndSyncAppendOnlyFile()
        abortAOFRewrite()
        closeAppendOnlyFD(a.fd, sync: false)
        a.fd = -1
        a.status = .off
        a.rewriteScheduled = false
        a.selectedDB = -1
        a.buffer.removeAll(keepingCapacity: true)
        updatePropagation()
    }

    /// DEBUG LOADAOF: flush the AOF, empty the dataset and load it back from the files.
    func debugLoadAOF() throws(CommandError) {
        if aof.status == .on { flushAppendOnlyFile() }
        let dirty = keyspace.dirty
        for db in keyspace.databases { self.flush(database: db) }
        existingFunctionLibraries?.flush()
        keyspace.dirty = dirty
        do {
            let manifest = try loadManifestFromDisk()
            _ = try loadAppendOnlyFiles(manifest)
        } catch {
            logger.warning("\(error.message)")
            // As Redis: a file that no longer loads is fatal.
            exit(1)
        }
        keyspace.dirty = 0
        logger.notice("Append Only File loaded by DEBUG LOADAOF")
    }

    /// The final flush at shutdown (prepareForShutdown): kill a rewrite, write and fsync what is buffered.
    func shutdownAppendOnly() {
        guard aof.status != .off || aof.rewrite != nil else { return }
        if aof.rewrite != nil {
            logger.warning("There is a child rewriting the AOF. Killing it!")
            abortAOFRewrite()
        }
        logger.notice("Calling fsync() on the AOF file.")
        flushAndSyncAppendOnlyFile()
        aof.fsyncQueue.sync {}
    }
}
