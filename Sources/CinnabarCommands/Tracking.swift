// Client-side caching (Redis's tracking.c): CLIENT TRACKING turns it on for a connection. In the default mode the
// keys read by its read-only commands go into a table key → client ids; a modification of a key (the keyspace's
// modification and expiry hooks, installed only while tracking is in use) sends an invalidation to every client in
// the key's entry and forgets the key. In BCAST mode clients subscribe to key prefixes instead: modified keys
// matching a prefix are collected and sent as one array per prefix right after the top-level command (Redis sends
// them before the event loop sleeps). Invalidations are RESP3 pushes (`invalidate [keys]`), or messages on
// `__redis__:invalidate` for a RESP2 connection that tracking is redirected to. A client's own invalidations follow
// its reply (and a whole EXEC's reply). FLUSHDB/FLUSHALL send a null invalidation to every tracking client.
// tracking-table-max-keys bounds the table: past it keys are evicted, with invalidations, as if modified.
// A server with no tracking client pays one flag test per command.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage
import NIOCore

/// A client's tracking state (Redis's CLIENT_TRACKING* flags).
public struct TrackingFlags: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let on = TrackingFlags(rawValue: 1 << 0)
    public static let bcast = TrackingFlags(rawValue: 1 << 1)
    public static let optin = TrackingFlags(rawValue: 1 << 2)
    public static let optout = TrackingFlags(rawValue: 1 << 3)
    /// CLIENT CACHING YES (optin) or NO (optout) was given for the next command or transaction.
    public static let caching = TrackingFlags(rawValue: 1 << 4)
    public static let noloop = TrackingFlags(rawValue: 1 << 5)
    public static let brokenRedirect = TrackingFlags(rawValue: 1 << 6)
}

/// One BCAST prefix: its clients and the keys modified since the last broadcast, each with the id of the client
/// that modified it last (0: none, e.g. expiry), for NOLOOP.
final class BroadcastState {
    var clients: [Client] = []
    var keys: [Bytes: Int] = [:]
}

/// The server's tracking tables.
struct TrackingTables {
    /// Clients with tracking on (INFO tracking_clients).
    var clients = 0
    /// Key → ids of the clients that may cache it (keys are global across databases, as in Redis).
    var table: [Bytes: [Int]] = [:]
    var totalItems = 0
    /// BCAST prefixes.
    var prefixes: [Bytes: BroadcastState] = [:]
    /// Some prefix has keys to broadcast.
    var broadcastPending = false
}

private let invalidateChannel = Array("__redis__:invalidate".utf8)

private func lexicographicallyLess(_ a: Bytes, _ b: Bytes) -> Bool {
    a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.lexicographicallyPrecedes(y) } }
}

private func hasPrefix(_ key: UnsafeRawBufferPointer, _ prefix: Bytes) -> Bool {
    prefix.withUnsafeBytes { p in p.count <= key.count && p.elementsEqual(key.prefix(p.count)) }
}

/// stringCheckPrefix: one is a prefix of the other.
private func prefixesOverlap(_ a: Bytes, _ b: Bytes) -> Bool {
    a.withUnsafeBytes { x in b.withUnsafeBytes { y in
        let n = min(x.count, y.count)
        return x.prefix(n).elementsEqual(y.prefix(n))
    } }
}

extension Server {
    /// Whether the keyspace hooks must report modifications to tracking.
    var trackingNeedsHooks: Bool { tracking.clients > 0 || !tracking.table.isEmpty || !tracking.prefixes.isEmpty }

    /// Reinstalls the keyspace hooks when tracking starts or stops needing them.
    func updateTrackingHooks() {
        if trackingNeedsHooks != trackingHooked { updateKeyspaceHooks() }
    }

    // MARK: - Enabling and disabling

    /// enableTracking.
    func enableTracking(_ c: Client, redirect: Int, options: TrackingFlags, prefixes: [Bytes]) {
        if !c.trackingFlags.contains(.on) { tracking.clients += 1 }
        c.trackingFlags.remove([.brokenRedirect, .bcast, .optin, .optout, .noloop])
        c.trackingFlags.insert(.on)
        c.trackingRedirection = redirect
        if options.contains(.bcast) {
            c.trackingFlags.insert(.bcast)
            if prefixes.isEmpty { enableBroadcast(c, prefix: Bytes()) }
            for p in prefixes { enableBroadcast(c, prefix: p) }
        }
        c.trackingFlags.formUnion(options.intersection([.optin, .optout, .noloop]))
        updateTrackingHooks()
    }

    private func enableBroadcast(_ c: Client, prefix: Bytes) {
        let state: BroadcastState
        if let s = tracking.prefixes[prefix] { state = s } else {
            state = BroadcastState()
            tracking.prefixes[prefix] = state
        }
        guard !state.clients.contains(where: { $0 === c }) else { return }
        state.clients.append(c)
        if !c.trackingPrefixes.contains(prefix) {
            c.trackingPrefixes.append(prefix)
            c.trackingPrefixes.sort(by: lexicographicallyLess)
        }
    }

    /// disableTracking: the client's ids stay in the table and are dropped lazily, as in Redis.
    public func disableTracking(_ c: Client) {
        if c.trackingFlags.contains(.bcast) {
            for p in c.trackingPrefixes {
                guard let state = tracking.prefixes[p] else { continue }
                state.clients.removeAll { $0 === c }
                if state.clients.isEmpty { tracking.prefixes[p] = nil }
            }
            c.trackingPrefixes = []
        }
        if c.trackingFlags.contains(.on) {
            tracking.clients -= 1
            c.trackingFlags = []
        }
        updateTrackingHooks()
    }

    /// checkPrefixCollisionsOrReply.
    func checkPrefixCollisions(_ c: Client, _ prefixes: [Bytes]) throws(CommandError) {
        for (i, p) in prefixes.enumerated() {
            for existing in c.trackingPrefixes where prefixesOverlap(existing, p) {
                throw .err("Prefix '\(String(decoding: p.array, as: UTF8.self))' overlaps with an existing prefix '\(String(decoding: existing.array, as: UTF8.self))'. Prefixes for a single client must not overlap.")
            }
            for q in prefixes[(i + 1)...] where prefixesOverlap(p, q) {
                throw .err("Prefix '\(String(decoding: p.array, as: UTF8.self))' overlaps with another provided prefix '\(String(decoding: q.array, as: UTF8.self))'. Prefixes for a single client must not overlap.")
            }
        }
    }

    // MARK: - Remembering keys

    /// trackingRememberKeys: after a read-only command of a tracking client (not in BCAST mode).
    func trackingRememberKeys(_ spec: CommandSpec, _ args: Arguments, client: Client) {
        let flags = client.trackingFlags
        if flags.contains(.bcast) { return }
        let caching = flags.contains(.caching)
        if (flags.contains(.optin) && !caching) || (flags.contains(.optout) && caching) { return }
        if spec.flags.contains(.pubsub) { return }
        let indexes = spec.keyIndexes(in: args)
        if indexes.isEmpty { return }
        let wasEmpty = tracking.table.isEmpty
        for i in indexes {
            let key = args.bytes(i)
            if tracking.table[key, default: []].contains(client.id) { continue }
            tracking.table[key, default: []].append(client.id)
            tracking.totalItems += 1
        }
        if wasEmpty { updateTrackingHooks() }
    }

    // MARK: - Invalidating

    /// trackingInvalidateKey: `key` changed (or is evicted from the table when `bcast` is false).
    func trackingInvalidateKey(_ key: UnsafeRawBufferPointer, modifier: Client?, bcast: Bool) {
        if bcast && !tracking.prefixes.isEmpty {
            for (prefix, state) in tracking.prefixes where hasPrefix(key, prefix) {
                state.keys[Bytes(key)] = modifier?.id ?? 0
                tracking.broadcastPending = true
            }
        }
        if tracking.table.isEmpty { return }
        let name = Bytes(key)
        guard let ids = tracking.table.removeValue(forKey: name) else { return }
        tracking.totalItems -= ids.count
        for id in ids {
            guard let target = clients[id], target.trackingFlags.contains(.on), !target.trackingFlags.contains(.bcast)
            else { continue }
            if target.trackingFlags.contains(.noloop) && target === currentClient { continue }
            sendTrackingMessage(target) { out, _ in
                out.writeRESPArrayHeader(1)
                out.writeRESPBulk(key)
            }
        }
        if tracking.table.isEmpty && tracking.clients == 0 { updateTrackingHooks() }
    }

    /// trackingInvalidateKeysOnFlush: a null invalidation to every tracking client, and an empty table (the old one
    /// freed on the lazy-free thread when `async` and large, as freeTrackingRadixTreeAsync).
    func trackingInvalidateKeysOnFlush(async: Bool = false) {
        if tracking.clients > 0 {
            for c in clients.values.sorted(by: { $0.id < $1.id }) where c.trackingFlags.contains(.on) {
                sendTrackingMessage(c) { out, resp3 in out.writeRESPNull(resp3: resp3) }
            }
        }
        if async {
            var dropped: [Bytes: [Int]] = [:]
            swap(&dropped, &tracking.table)
            lazyFreeTrackingTable(consume dropped)
        } else {
            tracking.table.removeAll()
        }
        tracking.totalItems = 0
        updateTrackingHooks()
    }

    /// sendTrackingMessage: to the client or its redirection; `payload` writes the value part (for a null, in the
    /// tracking client's protocol, as Redis does).
    func sendTrackingMessage(_ c: Client, _ payload: (inout ByteBuffer, Bool) -> Void) {
        var receiver = c
        var redirected = false
        if c.trackingRedirection != 0 {
            guard let r = clients[c.trackingRedirection] else {
                c.trackingFlags.insert(.brokenRedirect)
                if c.resp3 {
                    push(to: c) { out in
                        out.writeRESPPushHeader(2, resp3: true)
                        out.writeRESPBulk("tracking-redir-broken")
                        out.writeRESPInteger(c.trackingRedirection)
                    }
                }
                return
            }
            receiver = r
            redirected = true
        }
        let trackerResp3 = c.resp3
        if receiver.resp3 {
            push(to: receiver) { out in
                out.writeRESPPushHeader(2, resp3: true)
                out.writeRESPBulk("invalidate")
                payload(&out, trackerResp3)
            }
        } else if redirected && receiver.isSubscribed {
            push(to: receiver) { out in
                out.writeRESPArrayHeader(3)
                out.writeRESPBulk("message")
                invalidateChannel.withUnsafeBytes { out.writeRESPBulk($0) }
                payload(&out, trackerResp3)
            }
        }
    }

    /// Appends a push to a client's output: after the reply when it is the executing client.
    private func push(to client: Client, _ write: (inout ByteBuffer) -> Void) {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        write(&buffer)
        deliverPush(&buffer, to: client, afterReply: client === currentClient || client === trackingReplyClient)
    }

    // MARK: - After a command, cron

    /// After each top-level command while tracking is in use: CLIENT CACHING lasts one command (or transaction),
    /// the table is kept under tracking-table-max-keys, and BCAST invalidations are sent.
    func trackingAfterCommand(_ client: Client) {
        if client.trackingFlags.contains(.caching) && client.multiState == nil
            && client.lastCommandSpec?.parent?.name != "client" && client.lastCommandSpec?.name != "client"
        {
            client.trackingFlags.remove(.caching)
        }
        trackingHousekeeping()
    }

    /// trackingLimitUsedSlots and trackingBroadcastInvalidationMessages (also run by the cron).
    public func trackingHousekeeping() {
        if tracking.clients > 0 { trackingLimitUsedSlots() }
        if tracking.broadcastPending { trackingBroadcastInvalidations() }
    }

    /// trackingLimitUsedSlots, simplified: evicts keys until the table fits, invalidating them.
    func trackingLimitUsedSlots() {
        let max = config.trackingTableMaxKeys
        guard max > 0 else { return }
        while tracking.table.count > max, let key = tracking.table.first?.key {
            key.withUnsafeBytes { trackingInvalidateKey($0, modifier: nil, bcast: false) }
        }
    }

    /// trackingBroadcastInvalidationMessages: one array of keys per prefix, without the keys a NOLOOP client
    /// modified itself.
    func trackingBroadcastInvalidations() {
        tracking.broadcastPending = false
        let prefixes = tracking.prefixes.keys.sorted(by: lexicographicallyLess)
        for p in prefixes {
            guard let state = tracking.prefixes[p], !state.keys.isEmpty else { continue }
            let keys = state.keys.sorted { lexicographicallyLess($0.key, $1.key) }
            state.keys = [:]
            for c in state.clients {
                let selected = c.trackingFlags.contains(.noloop) ? keys.filter { $0.value != c.id } : keys
                if selected.isEmpty { continue }
                sendTrackingMessage(c) { out, _ in
                    out.writeRESPArrayHeader(selected.count)
                    for (k, _) in selected { k.withUnsafeBytes { out.writeRESPBulk($0) } }
                }
            }
        }
    }
}
