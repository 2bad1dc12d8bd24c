// Server-level commands: DBSIZE, FLUSHDB, FLUSHALL (SYNC, or ASYNC through the lazy-free thread), SWAPDB, TIME, SAVE, BGSAVE, LASTSAVE, SHUTDOWN, MONITOR, ROLE and
// FUNCTION FLUSH (which the Redis test suite sends before every test block; scripting arrives later).
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

enum ServerCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("dbsize", arity: 1, flags: [.readonly, .fast], acl: ["@keyspace"], group: "server",
                    summary: "Returns the number of keys in the database.",
                    tips: ["request_policy:all_shards", "response_policy:agg_sum"]) { c throws(CommandError) in
            c.integer(c.db.count)
        },
        CommandSpec("flushdb", arity: -1, flags: [.write], acl: ["@keyspace", "@dangerous"], group: "server",
                    summary: "Remove all keys from the current database.", complexity: "O(N) where N is the number of keys in the selected database",
                    tips: ["request_policy:all_shards", "response_policy:all_succeeded"]) { c throws(CommandError) in
            let async = try flushIsAsync(c)
            c.forcePropagation()
            c.server.flush(database: c.db, async: async)
            c.server.trackingInvalidateKeysOnFlush(async: async)
            c.ok()
        },
        CommandSpec("flushall", arity: -1, flags: [.write], acl: ["@keyspace", "@dangerous"], group: "server",
                    summary: "Removes all keys from all databases.", complexity: "O(N) where N is the total number of keys in all databases",
                    tips: ["request_policy:all_shards", "response_policy:all_succeeded"]) { c throws(CommandError) in
            let async = try flushIsAsync(c)
            c.forcePropagation()
            // flushAllDataAndResetRDB: kill a background save, and with save points write the empty dataset.
            c.server.abortBackgroundSave()
            for db in c.keyspace.databases { c.server.flush(database: db, async: async) }
            c.server.trackingInvalidateKeysOnFlush(async: async)
            if !c.server.config.savePoints.isEmpty {
                let dirty = c.keyspace.dirty
                c.server.saveSynchronously()
                c.keyspace.dirty += dirty
            }
            c.ok()
        },
        CommandSpec("swapdb", arity: 3, flags: [.write, .fast], acl: ["@keyspace", "@dangerous"], group: "server",
                    summary: "Swaps two Redis databases.", since: "4.0.0", complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
                    handler: swapdb),
        CommandSpec("time", arity: 1, flags: [.loading, .stale, .fast], group: "server",
                    summary: "Returns the server time.", since: "2.6.0", tips: ["nondeterministic_output"]) { c throws(CommandError) in
            // A script sees the time it started at.
            let us = c.client.fd < 0 ? c.server.runningScript?.startedMicros ?? unixTimeMicroseconds() : unixTimeMicroseconds()
            c.array(2)
            c.bulk(String(us / 1_000_000))
            c.bulk(String(us % 1_000_000))
        },
        CommandSpec("lastsave", arity: 1, flags: [.loading, .stale, .fast], acl: ["@admin", "@dangerous"],
                    group: "server", summary: "Returns the Unix timestamp of the last successful save to disk.",
                    tips: ["nondeterministic_output"]) { c throws(CommandError) in
            c.integer(Int(c.server.lastSaveTime))
        },
        CommandSpec("save", arity: 1, flags: [.admin, .noAsyncLoading, .noScript, .noMulti], group: "server",
                    summary: "Synchronously saves the database(s) to disk.",
                    complexity: "O(N) where N is the total number of keys in all databases") { c throws(CommandError) in
            if c.server.persistence.background != nil { throw .err("Background save already in progress") }
            c.server.persistence.saves += 1
            guard c.server.saveSynchronously() else { throw CommandError("ERR") }
            c.ok()
        },
        CommandSpec("bgsave", arity: -1, flags: [.admin, .noAsyncLoading, .noScript], group: "server",
                    summary: "Asynchronously saves the database(s) to disk.",
                    complexity: "O(1)", handler: bgsave),
        CommandSpec("bgrewriteaof", arity: 1, flags: [.admin, .noAsyncLoading, .noScript], group: "server",
                    summary: "Asynchronously rewrites the append-only file to disk.",
                    complexity: "O(1)", handler: bgrewriteaof),
        CommandSpec("shutdown", arity: -1, flags: [.admin, .noScript, .loading, .stale, .noMulti, .sentinel, .allowBusy],
                    group: "server", summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
                    complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
                    handler: shutdown),
        CommandSpec("monitor", arity: 1, flags: [.admin, .noScript, .loading, .stale], group: "server",
                    summary: "Listens for all requests received by the server in real-time.") { c throws(CommandError) in
            if !c.client.isMonitor {
                c.client.isMonitor = true
                c.server.monitors.append(c.client)
            }
            c.ok()
        },
        CommandSpec("role", arity: 1, flags: [.noScript, .loading, .stale, .fast, .sentinel], acl: ["@admin", "@dangerous"],
                    group: "server", summary: "Returns the replication role.", since: "2.8.12") { c throws(CommandError) in
            // A master: its offset and the attached replicas (ip, listening port, acknowledged offset).
            let r = c.server.replication
            if let host = r.masterHost {
                // A replica whose link is down: state "connect", no offset.
                c.array(5)
                c.bulk("slave")
                c.bulk(host)
                c.integer(r.masterPort)
                c.bulk("connect")
                c.integer(-1)
                return
            }
            c.array(3)
            c.bulk("master")
            c.integer(Int(r.offset))
            c.array(r.replicas.count)
            for replica in r.replicas {
                let link = replica.replica!
                c.array(3)
                c.bulk(c.server.replicaIP(replica, link))
                c.bulk(String(link.listeningPort))
                c.bulk(String(link.ackOffset))
            }
        },
    ]
    }

    /// getFlushCommandFlags: ASYNC or SYNC, else lazyfree-lazy-user-flush decides.
    static func flushIsAsync(_ c: CommandContext) throws(CommandError) -> Bool {
        if c.args.count == 1 { return c.server.config.lazyfreeUserFlush }
        if c.args.count == 2 && argEquals(c.args[1], "ASYNC") { return true }
        if c.args.count == 2 && argEquals(c.args[1], "SYNC") { return false }
        throw .syntax
    }

    static func swapdb(_ c: CommandContext) throws(CommandError) {
        guard let a = parseInt64(c.args[1]) else { throw .err("invalid first DB index") }
        guard let b = parseInt64(c.args[2]) else { throw .err("invalid second DB index") }
        let n = Int64(c.keyspace.databases.count)
        guard a >= 0 && a < n && b >= 0 && b < n else { throw .invalidDB }
        if a != b {
            let (x, y) = (c.keyspace.databases[Int(a)], c.keyspace.databases[Int(b)])
            c.server.touchAllWatchedKeys(emptied: x, replacedWith: y)
            c.server.touchAllWatchedKeys(emptied: y, replacedWith: x)
            c.keyspace.swap(Int(a), Int(b))
            c.keyspace.dirty += 1
        }
        c.ok()
    }

    /// BGSAVE [SCHEDULE]. Inside MULTI (or a script) the save is scheduled, as Redis does while in EXEC.
    static func bgsave(_ c: CommandContext) throws(CommandError) {
        if c.args.count > 1 && !(c.args.count == 2 && argEquals(c.args[1], "SCHEDULE")) { throw .syntax }
        if c.server.persistence.background != nil { throw .err("Background save already in progress") }
        if c.client.denyBlocking || (c.server.aof.rewrite != nil && c.args.count == 2) {
            c.server.persistence.bgsaveScheduled = true
            return c.status("Background saving scheduled")
        }
        if let problem = c.server.startBackgroundSave() { throw .err(problem) }
        c.status("Background saving started")
    }

    /// BGREWRITEAOF: scheduled while a BGSAVE runs or inside MULTI (the rotation must not split a transaction).
    static func bgrewriteaof(_ c: CommandContext) throws(CommandError) {
        let server = c.server
        if server.aof.rewrite != nil { throw .err("Background append only file rewriting already in progress") }
        if server.persistence.background != nil || c.client.denyBlocking {
            server.aof.rewriteScheduled = true
            return c.status("Background append only file rewriting scheduled")
        }
        guard server.startAOFRewrite() == nil else {
            throw .err("Can't execute an AOF background rewriting. Please check the server logs for more information.")
        }
        c.status("Background append only file rewriting started")
    }

    static func shutdown(_ c: CommandContext) throws(CommandError) {
        var save: Bool? = nil
        var force = false
        for i in 1..<max(1, c.args.count) {
            let a = c.args[i]
            if argEquals(a, "NOSAVE") { save = false }
            else if argEquals(a, "SAVE") { save = true }
            else if argEquals(a, "NOW") || argEquals(a, "FORCE") { force = force || argEquals(a, "FORCE") }
            else if argEquals(a, "ABORT") {
                guard c.args.count == 2 else { throw .syntax }
                throw .err("No shutdown in progress.")
            } else { throw .syntax }
        }
        // While a script runs past busy-reply-threshold, only SHUTDOWN NOSAVE may stop the server.
        if c.server.busyScriptRunning && save != false { throw c.server.busyScriptError }
        if !c.server.prepareForShutdown(save: save, force: force) {
            throw .err("Errors trying to SHUTDOWN. Check logs.")
        }
        if let handler = c.server.shutdownHandler, let problem = handler(save, force) {
            throw .err(problem)
        }
        // On success the transport closes every connection; no reply is sent, as with Redis.
        c.client.closeAfterReply = true
    }
}

extension Server {
    /// Empties a database (FLUSHDB, FLUSHALL), counting every key as a change. WATCH, blocked clients and a running
    /// save see the same either way; `async` only moves the freeing of the old tables to the lazy-free thread
    /// (emptyDbAsync), so the keys are gone at once and the flush costs O(1) on the event loop.
    func flush(database db: Database, async: Bool = false) {
        touchAllWatchedKeys(emptied: db, replacedWith: nil)
        keyspace.dirty += db.count
        if async {
            let (keys, expires) = db.detachAll()
            lazyFreeTables(consume keys, consume expires)
        } else {
            db.removeAll()
        }
    }
}
