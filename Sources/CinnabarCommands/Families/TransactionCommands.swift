// Transactions (Redis's multi.c): MULTI queues commands (the dispatcher checks each for existence and arity when it
// is queued; a rejected one makes EXEC answer EXECABORT), EXEC runs the queue in one go with nothing else in
// between and no rollback on runtime errors, DISCARD drops it. WATCH is optimistic locking: any write to a watched
// key by anyone (including expiry, FLUSHDB/FLUSHALL and SWAPDB) before EXEC makes EXEC answer a null array. Blocking
// commands inside EXEC answer as if they timed out, and clients waiting on keys the transaction fills are served
// once EXEC is over.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

/// A client's transaction: the queued commands (owned copies) and whether one was rejected when queued.
public final class MultiState {
    var commands: [(spec: CommandSpec, args: Arguments)] = []
    var rejected = false
}

/// A watched key: its database and name.
struct WatchedKey: Hashable {
    let database: Int
    let key: Bytes
}

enum TransactionCommands {
    static func makeSpecs() -> [CommandSpec] {
        let acl = ["@transaction"]
        let g = "transactions"
        return [
            CommandSpec("multi", arity: 1, flags: [.noScript, .loading, .stale, .fast, .allowBusy], acl: acl, group: g,
                        handler: multi),
            CommandSpec("exec", arity: 1, flags: [.noScript, .loading, .stale, .skipSlowlog], acl: acl, group: g,
                        handler: exec),
            CommandSpec("discard", arity: 1, flags: [.noScript, .loading, .stale, .fast, .allowBusy], acl: acl,
                        group: g, handler: discard),
            CommandSpec("watch", arity: -2, flags: [.noScript, .loading, .stale, .fast, .allowBusy],
                        keys: [.key(1, "RO", last: -1)], acl: acl, group: g, handler: watch),
            CommandSpec("unwatch", arity: 1, flags: [.noScript, .loading, .stale, .fast, .allowBusy], acl: acl,
                        group: g, handler: { c throws(CommandError) in
                            c.server.unwatchAll(c.client)
                            c.ok()
                        }),
        ]
    }

    static func multi(_ c: CommandContext) throws(CommandError) {
        if c.client.multiState != nil { throw .err("MULTI calls can not be nested") }
        c.client.multiState = MultiState()
        c.ok()
    }

    static func discard(_ c: CommandContext) throws(CommandError) {
        guard c.client.multiState != nil else { throw .err("DISCARD without MULTI") }
        c.client.multiState = nil
        c.server.unwatchAll(c.client)
        c.ok()
    }

    static func watch(_ c: CommandContext) throws(CommandError) {
        if c.client.multiState != nil { throw .err("WATCH inside MULTI is not allowed") }
        for i in 1..<c.args.count { c.server.watch(c.args[i], in: c.db, client: c.client) }
        c.ok()
    }

    static func exec(_ c: CommandContext) throws(CommandError) {
        let client = c.client
        guard let state = client.multiState else { throw .err("EXEC without MULTI") }
        client.multiState = nil
        // The queued commands are propagated (wrapped in MULTI/EXEC when more than one changed something).
        c.preventPropagation()
        let server = c.server
        if state.rejected {
            server.unwatchAll(client)
            throw CommandError("EXECABORT Transaction discarded because of previous errors.")
        }
        if client.watchTouched || server.watchedKeyExpired(client) {
            server.unwatchAll(client)
            c.nullArray()
            return
        }
        server.unwatchAll(client)
        c.array(state.commands.count)
        let denied = client.denyBlocking
        client.denyBlocking = true
        defer { client.denyBlocking = denied }
        for (spec, args) in state.commands {
            server.invoke(spec, args, client: client)
        }
    }
}

extension Server {
    // MARK: - WATCH bookkeeping

    /// Watches `key` in `db` for `client` (recording whether it is already logically expired, as Redis does, so a
    /// stale key being deleted does not fail the transaction).
    func watch(_ key: UnsafeRawBufferPointer, in db: Database, client: Client) {
        let w = WatchedKey(database: db.id, key: Bytes(key))
        if client.watchedKeys.contains(where: { $0.key == w }) { return }
        client.watchedKeys.append((w, db.isExpired(key)))
        let first = watchers.isEmpty
        watchers[w, default: []].append(client)
        if first { updateKeyspaceHooks() }
    }

    /// Forgets all of a client's watched keys and its "touched" mark.
    public func unwatchAll(_ client: Client) {
        let hadWatchers = !watchers.isEmpty
        for (w, _) in client.watchedKeys {
            guard var list = watchers[w] else { continue }
            list.removeAll { $0 === client }
            watchers[w] = list.isEmpty ? nil : list
        }
        client.watchedKeys.removeAll()
        client.watchTouched = false
        if watchers.isEmpty && hadWatchers { updateKeyspaceHooks() }
    }

    /// touchWatchedKey: a write to `key` aborts the transactions watching it.
    func touchWatchedKey(_ db: Database, _ key: UnsafeRawBufferPointer) {
        let w = WatchedKey(database: db.id, key: Bytes(key))
        guard let list = watchers[w] else { return }
        for client in list {
            if let i = client.watchedKeys.firstIndex(where: { $0.key == w }), client.watchedKeys[i].expired {
                // Stale when watched: its deletion changes nothing logically; a new value does.
                if db.keys.find(key, hash: keyHash(key)) == nil {
                    client.watchedKeys[i].expired = false
                    continue
                }
            }
            client.watchTouched = true
        }
    }

    /// touchAllWatchedKeysInDb: `emptied` loses its keys (FLUSHDB/FLUSHALL) or gets `replacedWith`'s (SWAPDB, called
    /// for each side before the swap). A watched key that existed or will exist is touched, except that a key
    /// stale when watched may disappear or stay stale, and a missing key may be replaced by a stale one.
    func touchAllWatchedKeys(emptied: Database, replacedWith: Database?) {
        guard !watchers.isEmpty else { return }
        for (w, list) in watchers where w.database == emptied.id {
            w.key.withUnsafeBytes { key in
                let existsInEmptied = emptied.keys.find(key, hash: keyHash(key)) != nil
                let existsInReplacement = replacedWith.map { $0.keys.find(key, hash: keyHash(key)) != nil } ?? false
                guard existsInEmptied || existsInReplacement else { return }
                let replacementStale = existsInReplacement && replacedWith!.isExpired(key)
                for client in list {
                    guard let i = client.watchedKeys.firstIndex(where: { $0.key == w }) else { continue }
                    if client.watchedKeys[i].expired {
                        if !existsInReplacement {
                            client.watchedKeys[i].expired = false
                            continue
                        }
                        if replacementStale { continue }
                    } else if !existsInEmptied && replacementStale {
                        client.watchedKeys[i].expired = true
                        continue
                    }
                    client.watchTouched = true
                }
            }
        }
    }

    /// isWatchedKeyExpired: a watched key that was alive at WATCH time and is logically expired now.
    func watchedKeyExpired(_ client: Client) -> Bool {
        for (w, expiredAtWatch) in client.watchedKeys where !expiredAtWatch {
            if w.key.withUnsafeBytes({ keyspace.databases[w.database].isExpired($0) }) { return true }
        }
        return false
    }

}
