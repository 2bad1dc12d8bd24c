// RDB persistence as the server runs it (Redis's rdb.c save/bgsave entry points and the serverCron part of it):
// SAVE, BGSAVE and the save points, the final save at shutdown, loading dump.rdb at startup and DEBUG RELOAD,
// the dirty counter's reset, stop-writes-on-bgsave-error, and the INFO persistence figures. The snapshot itself
// (a point-in-time image taken without fork) is CinnabarStorage's RDBSnapshot; a background save runs its sweep
// in slices on the event loop (`backgroundWorkStep`) while its file writer runs on another thread.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#endif

/// What the server remembers about saves and loads (INFO persistence).
public struct PersistenceState {
    /// The background save in progress.
    public internal(set) var background: RDBSnapshot?
    var backgroundStartSeconds: Int64 = 0
    var dirtyBeforeBackground = 0
    /// rdb_last_bgsave_status (a failed SAVE counts too, as in Redis).
    public internal(set) var lastBgsaveOK = true
    var lastBgsaveTrySeconds: Int64 = 0
    var lastBgsaveSeconds = -1
    /// rdb_saves: SAVE and BGSAVE commands plus automatic saves.
    public internal(set) var saves = 0
    /// BGSAVE SCHEDULE or a BGSAVE inside MULTI: start one as soon as possible.
    var bgsaveScheduled = false
    var lastLoadKeysLoaded = 0
    var lastLoadKeysExpired = 0
    /// The final save ran (SHUTDOWN); the transport does not save again.
    public internal(set) var shutdownPrepared = false
    public init() {}
}

extension Server {
    /// dir + dbfilename (dir empty: the working directory).
    public var rdbPath: String {
        let dir = config.get("dir") ?? ""
        let file = config.get("dbfilename") ?? "dump.rdb"
        if dir.isEmpty || file.hasPrefix("/") { return file }
        return dir.hasSuffix("/") ? dir + file : dir + "/" + file
    }

    var rdbLoadLimits: RDBLoadLimits {
        RDBLoadLimits(list: config.listLimits, set: config.setLimits, zset: config.zsetLimits, hash: config.hashLimits)
    }

    /// Opens the temp file and starts a snapshot (header and aux fields written, write hooks armed).
    func makeSnapshot() throws(RDBLoadError) -> RDBSnapshot {
        try makeSnapshot(directory: config.get("dir") ?? "", filename: config.get("dbfilename") ?? "dump.rdb",
                         aofBase: false)
    }

    /// A snapshot into `directory/filename` (dump.rdb, or an AOF base file with the aof-base aux field set).
    func makeSnapshot(directory: String, filename: String, aofBase: Bool) throws(RDBLoadError) -> RDBSnapshot {
        let sink = try RDBFileSink(directory: directory, filename: filename, checksum: config.get("rdbchecksum") != "no")
        let aux: [(String, String)] = [
            ("redis-ver", Server.version), ("redis-bits", "64"), ("ctime", String(unixTimeMicroseconds() / 1_000_000)),
            ("used-mem", String(cinnabar_malloc_used())), ("aof-base", aofBase ? "1" : "0"),
        ]
        return RDBSnapshot(keyspace: keyspace, sink: sink, compress: config.get("rdbcompression") != "no", aux: aux,
                           functionLibraries: existingFunctionLibraries?.libraries.map(\.code) ?? [])
    }

    // MARK: - SAVE

    /// rdbSave: a synchronous save. Returns false (after logging why) when it failed. A background save must not
    /// be running (callers finish or abort it first).
    @discardableResult
    public func saveSynchronously() -> Bool {
        precondition(persistence.background == nil)
        // One snapshot at a time: an AOF rewrite in progress is completed first.
        finishAOFRewrite()
        let snapshot: RDBSnapshot
        do {
            snapshot = try makeSnapshot()
        } catch {
            logger.warning("\(error.message)")
            persistence.lastBgsaveOK = false
            return false
        }
        snapshot.runToCompletion()
        switch snapshot.sink.waitForOutcome() {
        case .success:
            logger.notice("DB saved on disk")
            keyspace.dirty = 0
            lastSaveTime = unixTimeMicroseconds() / 1_000_000
            persistence.lastBgsaveOK = true
            return true
        case .failure(let reason):
            logger.warning("\(reason)")
            persistence.lastBgsaveOK = false
            return false
        }
    }

    // MARK: - BGSAVE

    /// rdbSaveBackground. Returns nil when started, else the reason it could not start.
    @discardableResult
    public func startBackgroundSave() -> String? {
        guard persistence.background == nil else { return "Background save already in progress" }
        guard aof.rewrite == nil else {
            return "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
        }
        persistence.saves += 1
        persistence.dirtyBeforeBackground = keyspace.dirty
        let now = unixTimeMicroseconds() / 1_000_000
        persistence.lastBgsaveTrySeconds = now
        do {
            persistence.background = try makeSnapshot()
        } catch {
            persistence.lastBgsaveOK = false
            logger.warning("Can't save in background: \(error.message)")
            return error.message
        }
        persistence.backgroundStartSeconds = now
        logger.notice("Background saving started")
        return nil
    }

    /// A background save still has entries to sweep: the transport calls `backgroundWorkStep` between events.
    @inline(__always)
    public var hasBackgroundWork: Bool {
        if let bg = persistence.background, !bg.isSweepDone { return true }
        if let rw = aof.rewrite, !rw.isSweepDone { return true }
        return false
    }

    /// One slice of the background save's (or AOF rewrite's) sweep.
    public func backgroundWorkStep(microseconds: Int64) {
        if let bg = persistence.background {
            bg.step(microseconds: microseconds)
            if bg.isSweepDone { checkBackgroundSaveDone() }
        } else if let rw = aof.rewrite {
            rw.step(microseconds: microseconds)
            if rw.isSweepDone { checkAOFRewriteDone() }
        }
    }

    /// backgroundSaveDoneHandler: once the file is in place (or the save failed), record the outcome.
    func checkBackgroundSaveDone() {
        guard let bg = persistence.background, bg.isSweepDone, let outcome = bg.sink.outcome else { return }
        persistence.background = nil
        let now = unixTimeMicroseconds() / 1_000_000
        persistence.lastBgsaveSeconds = Int(now - persistence.backgroundStartSeconds)
        switch outcome {
        case .success:
            logger.notice("Background saving terminated with success")
            keyspace.dirty -= persistence.dirtyBeforeBackground
            lastSaveTime = now
            persistence.lastBgsaveOK = true
        case .failure("aborted"):
            break
        case .failure(let reason):
            logger.warning("\(reason)")
            logger.warning("Background saving error")
            persistence.lastBgsaveOK = false
        }
    }

    /// Kills the background save (killRDBChild): FLUSHALL, SHUTDOWN. The temp file is removed.
    public func abortBackgroundSave() {
        guard let bg = persistence.background else { return }
        bg.abort()
        _ = bg.sink.waitForOutcome()
        persistence.background = nil
    }

    /// Runs a background save to its end now (DEBUG RELOAD while one runs).
    func finishBackgroundSave() {
        guard let bg = persistence.background else { return }
        bg.runToCompletion()
        _ = bg.sink.waitForOutcome()
        checkBackgroundSaveDone()
    }

    /// The persistence part of serverCron: a finished background save, a scheduled one, the save points.
    public func persistenceCron() {
        if persistence.background != nil { checkBackgroundSaveDone() }
        appendOnlyCron()
        guard persistence.background == nil, aof.rewrite == nil else { return }
        if persistence.bgsaveScheduled {
            persistence.bgsaveScheduled = false
            startBackgroundSave()
            return
        }
        let now = unixTimeMicroseconds() / 1_000_000
        for point in config.savePoints {
            // After a failed attempt, wait CONFIG_BGSAVE_RETRY_DELAY (5 s) before trying again.
            if keyspace.dirty >= point.changes && now - lastSaveTime > Int64(point.seconds)
                && (now - persistence.lastBgsaveTrySeconds > 5 || persistence.lastBgsaveOK)
            {
                logger.notice("\(point.changes) changes in \(point.seconds) seconds. Saving...")
                startBackgroundSave()
                return
            }
        }
    }

    /// stop-writes-on-bgsave-error: writes (and PING) are refused while the last save failed.
    @inline(__always)
    var writesRefusedByDiskError: Bool {
        !persistence.lastBgsaveOK && config.stopWritesOnBgsaveError && !config.savePoints.isEmpty
    }

    // MARK: - Loading

    /// Loads dir/dbfilename into the (empty) keyspace if the file exists. Throws with the reason on a bad file.
    public func loadDataAtStartup() throws(RDBLoadError) {
        // With appendonly yes the AOF is the dataset (dump.rdb is not read), as in Redis.
        if config.get("appendonly") == "yes" {
            do {
                try loadAppendOnlyAtStartup()
            } catch {
                logger.warning("\(error.message)")
                throw RDBLoadError(error.message)
            }
            return
        }
        let start = monotonicMicroseconds()
        guard let summary = try loadRDBFile() else { return }
        let seconds = Double(monotonicMicroseconds() - start) / 1_000_000
        logger.notice("Done loading RDB, keys loaded: \(summary.keysLoaded), keys expired: \(summary.expiredSkipped).")
        logger.notice("DB loaded from disk: \(String(format3(seconds))) seconds")
    }

    /// Reads and loads the RDB file; nil when it does not exist.
    @discardableResult
    func loadRDBFile(allowDuplicates: Bool = false) throws(RDBLoadError) -> RDBLoadSummary? {
        let path = rdbPath
        guard let data = Server.readFile(path) else {
            if errno == ENOENT { return nil }
            throw RDBLoadError("Fatal error loading the DB: \(String(cString: strerror(errno))). Exiting.")
        }
        keyspace.updateTime()
        return try loadRDB(data, allowDuplicates: allowDuplicates, now: keyspace.now)
    }

    /// Loads an RDB image (dump.rdb, an AOF base) with its function libraries; keys past `now` are skipped.
    @discardableResult
    func loadRDB(_ data: [UInt8], allowDuplicates: Bool, now: Int64) throws(RDBLoadError) -> RDBLoadSummary {
        let summary: RDBLoadSummary
        do {
            summary = try RDBFile.load(data, into: keyspace, limits: rdbLoadLimits, now: now,
                                       allowDuplicates: allowDuplicates)
        } catch {
            logger.warning("\(error.message)")
            throw error
        }
        persistence.lastLoadKeysLoaded = summary.keysLoaded
        persistence.lastLoadKeysExpired = summary.expiredSkipped
        // Function libraries are part of the dataset: loaded as FUNCTION LOAD would (replacing same-named ones
        // only when merging, as DEBUG RELOAD MERGE does).
        for code in summary.functionLibraries {
            do {
                _ = try functionLibraries.load(code, replace: allowDuplicates)
            } catch {
                logger.warning("Failed loading library from the RDB: \(error.message)")
                throw RDBLoadError("Failed loading library from the RDB: \(error.message)")
            }
        }
        return summary
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        var data = [UInt8](repeating: 0, count: Int(st.st_size))
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
        if offset < data.count { data.removeLast(data.count - offset) }
        return data
    }

    /// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE].
    func debugReload(save: Bool, flush: Bool, merge: Bool) throws(CommandError) {
        if save {
            finishBackgroundSave()
            guard saveSynchronously() else { throw CommandError("ERR") }
        }
        if flush {
            // emptyData here does not count changes (the reload restores what was saved).
            let dirty = keyspace.dirty
            for db in keyspace.databases { self.flush(database: db) }
            existingFunctionLibraries?.flush()
            keyspace.dirty = dirty
        }
        do {
            try loadRDBFile(allowDuplicates: merge)
        } catch {
            throw .err("Error trying to load the RDB dump, check server logs.")
        }
        logger.notice("DB reloaded by DEBUG RELOAD")
    }

    // MARK: - Shutdown

    /// prepareForShutdown's save: kill a background save, then save when asked or when save points exist.
    /// Returns false when the save failed and `force` is not set (the server keeps running).
    public func prepareForShutdown(save: Bool?, force: Bool) -> Bool {
        if persistence.background != nil {
            logger.warning("There is a child saving an .rdb. Killing it!")
            abortBackgroundSave()
        }
        shutdownAppendOnly()
        if save == true || (save == nil && !config.savePoints.isEmpty) {
            logger.notice("Saving the final RDB snapshot before exiting.")
            if !saveSynchronously() && !force {
                logger.warning("Error trying to save the DB, can't exit.")
                return false
            }
        }
        persistence.shutdownPrepared = true
        return true
    }
}

/// Seconds with three decimals ("0.012").
func format3(_ x: Double) -> String {
    let ms = Int((x * 1000).rounded())
    let frac = String(ms % 1000)
    return "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
}
