// maxmemory and eviction (Redis's evict.c): before each command, when maxmemory is set and the allocator reports
// more bytes in use than it, keys are evicted by maxmemory-policy until memory is back under the limit or the
// time budget of maxmemory-eviction-tenacity runs out (the rest continues before the next commands). LRU, LFU and
// TTL policies sample maxmemory-samples keys per database into a 16-entry pool of the best candidates kept across
// calls (Redis's approximated LRU/LFU); the random policies pick uniformly. Evicting deletes the key as any
// delete does (WATCH, tracking), publishes `evicted` and counts evicted_keys; under lazyfree-lazy-eviction large
// values are released on the lazy-free thread. Memory that evicting cannot reduce (the AOF buffer, the stream
// waiting for replicas: mem_not_counted_for_evict) is left out of the comparison, as Redis does. When nothing can
// be evicted (noeviction, or no candidate) commands flagged deny-oom are refused with Redis's OOM error.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#endif

public enum EvictionPolicy: Sendable {
    case noeviction, allkeysLRU, volatileLRU, allkeysLFU, volatileLFU, allkeysRandom, volatileRandom, volatileTTL

    init(_ name: String) {
        switch name {
        case "allkeys-lru": self = .allkeysLRU
        case "volatile-lru": self = .volatileLRU
        case "allkeys-lfu": self = .allkeysLFU
        case "volatile-lfu": self = .volatileLFU
        case "allkeys-random": self = .allkeysRandom
        case "volatile-random": self = .volatileRandom
        case "volatile-ttl": self = .volatileTTL
        default: self = .noeviction
        }
    }

    var volatileOnly: Bool { self == .volatileLRU || self == .volatileLFU || self == .volatileRandom || self == .volatileTTL }
    var random: Bool { self == .allkeysRandom || self == .volatileRandom }
}

/// One candidate of the eviction pool: higher scores are evicted first.
struct EvictionCandidate {
    var score: UInt64
    var database: Int
    var key: Bytes
}

extension Server {
    /// performEvictions: returns false when memory is over the limit and nothing could be evicted.
    func performEvictions() -> Bool {
        let limit = config.maxMemory
        var used = memoryCountedForEviction()
        memoryEstimate = used
        if used <= limit { return true }
        defer { memoryEstimate = memoryCountedForEviction() }
        let policy = config.evictionPolicy
        if policy == .noeviction { return false }
        let start = monotonicMicroseconds()
        let budget = Server.evictionTimeLimit(tenacity: config.evictionTenacity)
        let lazy = config.lazyfreeEviction
        var evicted = 0
        while used > limit {
            guard let (db, key) = nextEvictionVictim(policy) else { return evicted > 0 }
            key.withUnsafeBytes { k in
                deleteKey(db, k, lazy: lazy)
                stats.evictedKeys += 1
                if propagation.enabled { propagateDeletion(db: db.id, key: k, lazy: lazy, fromExpiry: false) }
                notify(.evicted, "evicted", k, db: db.id)
            }
            evicted += 1
            // Re-measure every few keys: the allocator's counter is cheap but not free.
            if evicted % 16 == 0 || evicted < 16 {
                used = memoryCountedForEviction()
                if monotonicMicroseconds() - start > budget { return true }
            }
        }
        return true
    }

    /// The memory maxmemory is compared with (Redis's getMaxmemoryState): what the allocator reports, less what
    /// eviction cannot reduce (`memoryNotCountedForEviction`) and less the values already handed to the lazy-free
    /// thread. Redis counts those until the thread has freed them, and so with lazyfree-lazy-eviction keeps
    /// evicting keys while the first ones are still being released; here they count as gone.
    func memoryCountedForEviction() -> Int {
        let reported = Int(cinnabar_malloc_used())
        return max(0, reported - memoryNotCountedForEviction() - lazyFreeStats.pendingBytes)
    }

    /// freeMemoryGetNotCountedMemory (INFO mem_not_counted_for_evict): the AOF buffer while the AOF is on, and the
    /// replication stream waiting for replicas (the stream not handed over yet and what each replica's connection
    /// has not sent). Evicting makes these grow (every evicted key is propagated as a DEL), so counting them could
    /// evict the whole dataset. Redis 7 counts its shared replication buffer beyond the backlog; Cinnabar's backlog
    /// is a fixed ring of its own, so what lies beyond it is exactly the replicas' unsent output.
    func memoryNotCountedForEviction() -> Int {
        var overhead = aof.status == .off ? 0 : aof.buffer.capacity
        let r = replication
        if !r.replicas.isEmpty {
            overhead += r.pending.count
            for replica in r.replicas { overhead += replica.out.readableBytes + replica.unsentBytes }
        }
        return overhead
    }

    /// For the cron: evicts when over maxmemory.
    public func evictIfNeeded() { _ = performEvictions() }

    /// evictionTimeLimitUs: 50 µs per tenacity step up to 10, then growing by 15 % per step; 100 is unlimited.
    static func evictionTimeLimit(tenacity: Int) -> Int64 {
        if tenacity <= 10 { return Int64(50 * max(tenacity, 1)) }
        if tenacity < 100 { return Int64(500.0 * pow(1.15, Double(tenacity - 10))) }
        return Int64.max
    }

    /// The key to evict next, or nil when no database has a candidate.
    private func nextEvictionVictim(_ policy: EvictionPolicy) -> (Database, Bytes)? {
        let databases = keyspace.databases
        if policy.random {
            for _ in 0..<databases.count {
                let db = databases[evictionNextDatabase % databases.count]
                evictionNextDatabase += 1
                let table = policy.volatileOnly ? db.expires.count : db.keys.count
                guard table > 0 else { continue }
                var rng = keyspace.random
                defer { keyspace.random = rng }
                if policy.volatileOnly {
                    guard let i = db.expires.randomIndex(&rng) else { continue }
                    return (db, db.expires.entry(i).pointee.key)
                }
                guard let i = db.keys.randomIndex(&rng) else { continue }
                return (db, db.keys.entry(i).pointee.key)
            }
            return nil
        }
        // Sample every database into the pool, then take the best candidate that still exists.
        let samples = config.maxmemorySamples
        var rng = keyspace.random
        for db in databases {
            let size = policy.volatileOnly ? db.expires.count : db.keys.count
            guard size > 0 else { continue }
            for _ in 0..<min(samples, size) {
                let key: Bytes
                if policy.volatileOnly {
                    key = db.expires.entry(db.expires.randomIndex(&rng)!).pointee.key
                } else {
                    key = db.keys.entry(db.keys.randomIndex(&rng)!).pointee.key
                }
                if let score = evictionScore(db, key, policy) { addCandidate(EvictionCandidate(score: score, database: db.id, key: key)) }
            }
        }
        keyspace.random = rng
        while let best = evictionPool.popLast() {
            let db = databases[best.database]
            let alive = best.key.withUnsafeBytes { db.keys.find($0, hash: keyHash($0)) != nil }
            if alive && (!policy.volatileOnly || best.key.withUnsafeBytes({ db.expireTime($0) != nil })) {
                return (db, best.key)
            }
        }
        return nil
    }

    /// A candidate's score: idle time (LRU), 255 minus the decayed counter (LFU), or how soon it expires (TTL).
    private func evictionScore(_ db: Database, _ key: Bytes, _ policy: EvictionPolicy) -> UInt64? {
        key.withUnsafeBytes { k -> UInt64? in
            guard let i = db.keys.find(k, hash: keyHash(k)) else { return nil }
            let stamp = db.keys.entry(i).pointee.lru
            switch policy {
            case .allkeysLRU, .volatileLRU:
                return UInt64(max(0, keyspace.idleMilliseconds(lru: stamp)))
            case .allkeysLFU, .volatileLFU:
                return UInt64(255 - keyspace.state.lfuDecayedCounter(stamp))
            case .volatileTTL:
                guard let when = db.expireTime(k) else { return nil }
                return UInt64.max - UInt64(max(0, when))
            default:
                return nil
            }
        }
    }

    /// Keeps the 16 best candidates, sorted by ascending score (the best last).
    private func addCandidate(_ c: EvictionCandidate) {
        if evictionPool.contains(where: { $0.database == c.database && $0.key == c.key }) { return }
        if evictionPool.count == 16 {
            guard c.score > evictionPool[0].score else { return }
            evictionPool.removeFirst()
        }
        let at = evictionPool.firstIndex { $0.score > c.score } ?? evictionPool.count
        evictionPool.insert(c, at: at)
    }
}

// MARK: - Client eviction (maxmemory-clients, Redis 7.0)

extension Server {
    /// Memory a client holds: its reply buffers (written and not yet sent), its query buffer, and a fixed
    /// overhead for the connection's structures.
    func clientMemory(_ client: Client) -> Int {
        client.out.capacity + client.unsentBytes + client.queryBufferLength + 1024
    }

    /// Redis's evictClients: while the memory of all evictable clients reaches the limit (maxmemory-clients, or
    /// its percentage of maxmemory: `Configuration.clientEvictionLimit`), close the client holding the most.
    /// Clients with CLIENT NO-EVICT, replicas and MONITORs are never evicted. Run by the cron (ten times a second
    /// by default), so a client is evicted within one cron period of crossing.
    public func evictClientsIfNeeded() {
        let limit = config.clientEvictionLimit
        guard limit > 0 else { return }
        var candidates: [(client: Client, bytes: Int)] = []
        var total = 0
        for client in clients.values {
            let bytes = clientMemory(client)
            total += bytes
            if !client.noEvict && !client.isReplica && !client.isMonitor { candidates.append((client, bytes)) }
        }
        guard total >= limit else { return }
        candidates.sort { $0.bytes > $1.bytes }
        for (client, bytes) in candidates where total >= limit {
            logger.notice("Evicting client: id=\(client.id) addr=\(client.address) name=\(String(decoding: client.name, as: UTF8.self)) tot-mem=\(bytes)")
            client.closeConnection?()
            disconnect(client)
            stats.evictedClients += 1
            total -= bytes
        }
    }
}
