// Clients blocked on keys (Redis's blocked.c): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX and
// BZMPOP block when none of their keys holds data. A blocked client waits in a FIFO queue per key (kept in the
// database's `blockingKeys`); when a key gets a value (Database.signalKeyAsReady on every add or overwrite), the
// waiters are served right after the command that did it, in the same event-loop turn: each is unblocked and its
// command executed again, exactly as Redis 7 re-processes it, so a waiter whose key was emptied by an earlier one
// simply blocks again (at the back of the queue). A MULTI/EXEC or a script serves waiters only once it is over,
// because only top-level commands trigger the serving. Timeouts have millisecond precision: the transport asks
// for the next deadline and calls `expireBlockedClients` when it passes.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

/// The type of value a blocked client waits for.
public enum BlockedOn: Sendable {
    case list, zset, stream
    /// WAIT: `replicas` replicas acknowledging `offset` (Server+Replication).
    case replicas(offset: Int64, replicas: Int)

    func matches(_ t: ValueType) -> Bool {
        switch self {
        case .list: t == .list
        case .zset: t == .zset
        case .stream: t == .stream
        case .replicas: false
        }
    }
}

/// What a blocked client waits for and the command to run again when it may be served.
public final class BlockedState {
    public let type: BlockedOn
    public let keys: [Bytes]
    /// XREADGROUP: served also when the key is deleted or changes type (the command then fails).
    let unblockOnNoKey: Bool
    /// The database the client had selected (databases live as long as the server).
    unowned(unsafe) let database: Database
    /// Unix milliseconds; 0 waits forever.
    public let deadline: Int64
    /// An owned copy of the command.
    let args: Arguments
    unowned(unsafe) let spec: CommandSpec

    init(type: BlockedOn, keys: [Bytes], database: Database, deadline: Int64, args: Arguments, spec: CommandSpec,
         unblockOnNoKey: Bool) {
        self.unblockOnNoKey = unblockOnNoKey
        self.type = type
        self.keys = keys
        self.database = database
        self.deadline = deadline
        self.args = args
        self.spec = spec
    }
}

/// The clients waiting on one key, first come first served.
final class BlockedQueue {
    var clients: [Client] = []
}

extension Server {
    // MARK: - Blocking

    /// blockForKeys: blocks the calling client on the keys at argument indexes `keyIndexes` until one of them
    /// holds a value of `type`, or until `deadline` (Unix ms, 0 for never). `rewrite` replaces arguments in the
    /// copy that runs again (XREAD's `$` becomes the ID it meant when the client blocked).
    func block(_ c: CommandContext, on type: BlockedOn, keyIndexes: some Sequence<Int>, deadline: Int64,
               unblockOnNoKey: Bool = false, rewrite: [(Int, [UInt8])] = []) {
        var keys: [Bytes] = []
        for i in keyIndexes {
            let k = c.args.bytes(i)
            if !keys.contains(k) { keys.append(k) }
        }
        let client = c.client
        let db = c.db
        for k in keys {
            let queue: BlockedQueue
            if let q = db.blockingKeys[k] {
                queue = unsafeDowncast(q, to: BlockedQueue.self)
            } else {
                queue = BlockedQueue()
                db.blockingKeys[k] = queue
            }
            queue.clients.append(client)
        }
        // A waiter that blocks again while being served keeps its original deadline (CLIENT_REPROCESSING_COMMAND).
        let deadline = reblockDeadline ?? deadline
        var args = c.args.owned()
        if !rewrite.isEmpty {
            var arrays = (0..<c.args.count).map { Array(c.args[$0]) }
            for (i, a) in rewrite { arrays[i] = a }
            args = Arguments(arrays)
        }
        client.blockedState = BlockedState(type: type, keys: keys, database: db, deadline: deadline,
                                           args: args, spec: c.spec, unblockOnNoKey: unblockOnNoKey)
        blockedClients[client.id] = client
        if deadline > 0 && deadline < nextBlockedDeadline { nextBlockedDeadline = deadline }
    }

    /// Keys with a waiter that is woken by the key's deletion (INFO's total_blocking_keys_on_nokey).
    var blockingKeysOnNoKey: Int {
        var n = 0
        for db in keyspace.databases {
            for q in db.blockingKeys.values {
                let queue = unsafeDowncast(q, to: BlockedQueue.self)
                if queue.clients.contains(where: { $0.blockedState?.unblockOnNoKey == true }) { n += 1 }
            }
        }
        return n
    }

    /// blockForReplication: WAIT blocks the client until enough replicas acknowledged `offset`, or `deadline`.
    func blockForReplication(_ c: CommandContext, offset: Int64, replicas: Int, deadline: Int64) {
        let client = c.client
        client.blockedState = BlockedState(type: .replicas(offset: offset, replicas: replicas), keys: [],
                                           database: c.db, deadline: deadline, args: c.args.owned(), spec: c.spec,
                                           unblockOnNoKey: false)
        blockedClients[client.id] = client
        replication.waiting.append(client)
        if deadline > 0 && deadline < nextBlockedDeadline { nextBlockedDeadline = deadline }
    }

    /// Removes a client from every queue it waits in.
    func unblock(_ client: Client) {
        guard let state = client.blockedState else { return }
        if case .replicas = state.type { replication.waiting.removeAll { $0 === client } }
        let db = state.database
        for k in state.keys {
            guard let q = db.blockingKeys[k] else { continue }
            let queue = unsafeDowncast(q, to: BlockedQueue.self)
            queue.clients.removeAll { $0 === client }
            if queue.clients.isEmpty { db.blockingKeys[k] = nil }
        }
        client.blockedState = nil
        blockedClients[client.id] = nil
    }

    /// A blocking command's timeout argument in seconds (getTimeoutFromObjectOrReply): the deadline in Unix ms,
    /// or 0 for none.
    func blockingDeadline(_ c: CommandContext, _ index: Int) throws(CommandError) -> Int64 {
        guard let seconds = parseLongDouble(c.args[index]) else {
            throw .err("timeout is not a float or out of range")
        }
        let ms = seconds * 1000
        if ms > Float80(Int64.max) { throw .err("timeout is out of range") }
        let t = Int64(ms.rounded(.up))
        if t < 0 { throw .err("timeout is negative") }
        if t == 0 { return 0 }
        let now = keyspace.now
        if t > Int64.max - now { throw .err("timeout is out of range") }
        return now + t
    }

    // MARK: - Serving

    /// handleClientsBlockedOnKeys: serves the clients waiting on keys that received values. Runs after every
    /// top-level command that signalled a key, and from the transport when a CLIENT PAUSE that held it back ends.
    public func serveClientsBlockedOnKeys() {
        guard !servingBlockedClients else { return }
        if pause.kind != .none {
            // Paused clients do not run commands, and served waiters would: wait for the pause to end.
            guard keyspace.clock.readMilliseconds() >= pause.until else { return }
            unpause()
        }
        servingBlockedClients = true
        defer { servingBlockedClients = false }
        let state = keyspace.state
        while state.hasReadyKeys {
            state.hasReadyKeys = false
            for db in keyspace.databases where !db.readyKeys.isEmpty {
                let ready = db.readyKeys
                db.readyKeys.removeAll()
                for key in ready { serveWaiters(of: key, in: db) }
            }
        }
    }

    private func serveWaiters(of key: Bytes, in db: Database) {
        guard let q = db.blockingKeys[key] else { return }
        // Only the clients waiting now: one that blocks again joins the back and waits for the next signal.
        let waiting = unsafeDowncast(q, to: BlockedQueue.self).clients
        for client in waiting {
            guard let blocked = client.blockedState, blocked.database === db else { continue }
            keyspace.updateTime()
            let value = key.withUnsafeBytes { db.get($0, options: [.noTouch, .noStats, .noExpire]) }
            if !blocked.unblockOnNoKey {
                guard let value, blocked.type.matches(value.type) else { continue }
            }
            unblock(client)
            reblockDeadline = blocked.deadline
            execute(blocked.args, client: client)
            reblockDeadline = nil
            if client.blockedState == nil { client.onUnblocked?() }
        }
    }

    // MARK: - Timeouts and CLIENT UNBLOCK

    /// The next moment (Unix ms) the transport must call ``expireBlockedClients(now:)`` or
    /// ``serveClientsBlockedOnKeys()``, if any.
    public var nextBlockingWakeup: Int64? {
        var t = nextBlockedDeadline
        if keyspace.state.hasReadyKeys && pause.kind != .none { t = min(t, pause.until) }
        return t == Int64.max ? nil : t
    }

    /// Unblocks the clients whose timeout passed, replying as Redis does on timeout.
    public func expireBlockedClients(now: Int64) {
        guard now >= nextBlockedDeadline else { return }
        var next = Int64.max
        for client in Array(blockedClients.values) {
            guard let s = client.blockedState, s.deadline > 0 else { continue }
            if s.deadline <= now {
                unblock(client)
                replyBlockedTimeout(client, state: s)
                client.onUnblocked?()
            } else {
                next = min(next, s.deadline)
            }
        }
        nextBlockedDeadline = next
    }

    /// replyToBlockedClientTimedOut: a null array for every blocking command (BLMOVE included, as in Redis); WAIT
    /// answers the number of replicas that acknowledged.
    private func replyBlockedTimeout(_ client: Client, state: BlockedState) {
        if case .replicas(let offset, _) = state.type {
            client.out.writeRESPInteger(replicasAcknowledging(offset))
        } else {
            client.out.writeRESPNullArray(resp3: client.resp3)
        }
        let spec = state.spec
        spec.calls += 1
        stats.commandsProcessed += 1
    }

    /// CLIENT UNBLOCK: ends a client's wait as a timeout or with an UNBLOCKED error. Returns whether it was
    /// blocked on keys.
    public func unblockClient(id: Int, withError: Bool) -> Bool {
        guard let client = clients[id], let s = client.blockedState else { return false }
        unblock(client)
        if withError {
            replyError(CommandError("UNBLOCKED client unblocked via CLIENT UNBLOCK"), client: client)
            s.spec.failedCalls += 1
        } else {
            replyBlockedTimeout(client, state: s)
        }
        client.onUnblocked?()
        return true
    }
}
