// All databases plus the state that every key operation shares: the cached clock, the keyspace statistics of
// INFO stats (hits, misses, expired keys), the dirty counter (changes since the last save), the random source for
// sampling, and the hooks through which later subsystems observe modifications and expirations.
// SPDX-License-Identifier: BSD-3-Clause
#if canImport(Glibc)
import Glibc
#endif

/// Where time comes from. The server reads the system clock once per event-loop batch (Redis's cached
/// `mstime`); tests set `manualMilliseconds` and advance it, so TTL logic runs without sleeping.
public final class KeyspaceClock {
    public var manualMilliseconds: Int64?
    public init() {}

    /// Milliseconds since the Unix epoch.
    public func readMilliseconds() -> Int64 {
        if let m = manualMilliseconds { return m }
        return unixTimeMicroseconds() / 1000
    }
}

/// Microseconds since the Unix epoch, from the system clock.
public func unixTimeMicroseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
}

/// Microseconds of a monotonic clock, for durations.
public func monotonicMicroseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
}

/// Counters reported by INFO stats.
public struct KeyspaceStats: Sendable {
    public var keyspaceHits = 0
    public var keyspaceMisses = 0
    public var expiredKeys = 0
    /// Hash fields deleted because their deadline passed (Redis 7.4's expired_subkeys).
    public var expiredFields = 0
    public var expiredStalePercent = 0.0
    public var expiredTimeCapReachedCount = 0
    public var expireCycleMicroseconds: Int64 = 0
    public init() {}
}

/// The state every key operation shares: the cached clock, keyspace statistics, the dirty counter, the sampling
/// random source, access-stamp settings, and the hooks later subsystems observe. Databases hold it strongly
/// (it references no database, so there is no cycle) and reach it without reference counting.
public final class KeyspaceState {
    public let clock: KeyspaceClock
    /// The cached time of the command being executed, in Unix milliseconds.
    public var now: Int64
    public var stats = KeyspaceStats()
    /// Changes since the last save (rdb_changes_since_last_save).
    public var dirty = 0
    /// A point-in-time save is running: writes hand old values to `snapshot` first (one flag test per lookup).
    public internal(set) var isSaving = false
    /// The running save, if any.
    public internal(set) var snapshot: RDBSnapshot?
    /// Entries whose `epoch` equals this are already in the running save, or newer than it; with no save
    /// running every entry has it.
    public internal(set) var saveEpoch: UInt8 = 0
    public var random = FastRandom(seed: UInt64(truncatingIfNeeded: unixTimeMicroseconds()))
    /// maxmemory-policy is an LFU policy: access stamps hold LFU counters instead of LRU times.
    public var usesLFU = false
    public var lfuLogFactor = 10
    public var lfuDecayTime = 1
    /// Some database has keys in `readyKeys`: blocked clients may be served (checked after every command).
    public var hasReadyKeys = false
    /// While true (a paused server), expired keys are reported missing but not removed.
    public var isExpiryPaused = false
    /// While an AOF is loaded nothing expires (Redis's keyIsExpired returns 0 while loading): a replayed
    /// PERSIST must find the key its deadline would since have removed.
    public var isLoading = false
    /// While a script runs, time stands still for the keyspace: every command of the script sees the time it
    /// started at (Redis 7), even while other clients are answered BUSY.
    public var timeFrozen = false
    /// Called after every modification of a key (WATCH, tracking and notifications hang off this later).
    public var onKeyModified: ((Database, UnsafeRawBufferPointer) -> Void)?
    /// Called when a read finds no key (keyspace event "keymiss").
    public var onKeyMiss: ((Database, UnsafeRawBufferPointer) -> Void)?
    /// Called after a new key was added (keyspace event "new").
    public var onKeyAdded: ((Database, UnsafeRawBufferPointer) -> Void)?
    /// Called after a key was deleted because it expired.
    public var onKeyExpired: ((Database, UnsafeRawBufferPointer) -> Void)?
    /// Called after active expiry deleted fields of a hash (keyspace event "hexpired"); the flag says whether the
    /// hash went with its last field ("del").
    public var onHashFieldsExpired: ((Database, UnsafeRawBufferPointer, Bool) -> Void)?
    /// Called when a key was deleted because it expired, while commands are propagated (AOF): the command layer
    /// records a DEL of the key (Redis's propagateDeletion).
    public var propagateExpired: ((Database, UnsafeRawBufferPointer) -> Void)?
    /// Takes the last reference to a collection that a server-side delete or overwrite removed (Database.delete,
    /// and `set` over an existing key: Redis's dbDelete and dbSetValue), to free it elsewhere
    /// (lazyfree-lazy-server-del); nil frees it inline. Strings are always freed inline.
    public var releaseRemoved: ((consuming Value) -> Void)?
    /// Same for a collection removed because its key expired (lazyfree-lazy-expire).
    public var releaseExpired: ((consuming Value) -> Void)?

    init(clock: KeyspaceClock) {
        self.clock = clock
        self.now = clock.readMilliseconds()
    }

    /// The LRU clock: seconds, as Redis's 24-bit LRU clock with 1 s resolution.
    @inlinable
    public var lruClock: UInt32 { UInt32(truncatingIfNeeded: (now / 1000) & 0xFF_FFFF) }
}

/// All databases plus their shared state (forwarded from `state` so callers write `keyspace.now`).
public final class Keyspace {
    public private(set) var databases: [Database] = []
    public let state: KeyspaceState

    public init(databases count: Int, clock: KeyspaceClock = KeyspaceClock()) {
        state = KeyspaceState(clock: clock)
        databases = []
        for i in 0..<count { databases.append(Database(id: i, keyspace: state)) }
    }

    public var clock: KeyspaceClock { state.clock }
    public var now: Int64 {
        get { state.now }
        set { state.now = newValue }
    }
    public var stats: KeyspaceStats {
        get { state.stats }
        set { state.stats = newValue }
    }
    public var dirty: Int {
        get { state.dirty }
        set { state.dirty = newValue }
    }
    public var random: FastRandom {
        get { state.random }
        set { state.random = newValue }
    }
    public var usesLFU: Bool {
        get { state.usesLFU }
        set { state.usesLFU = newValue }
    }
    public var lfuLogFactor: Int {
        get { state.lfuLogFactor }
        set { state.lfuLogFactor = newValue }
    }
    public var lfuDecayTime: Int {
        get { state.lfuDecayTime }
        set { state.lfuDecayTime = newValue }
    }
    public var isExpiryPaused: Bool {
        get { state.isExpiryPaused }
        set { state.isExpiryPaused = newValue }
    }
    public var onKeyModified: ((Database, UnsafeRawBufferPointer) -> Void)? {
        get { state.onKeyModified }
        set { state.onKeyModified = newValue }
    }
    public var onKeyExpired: ((Database, UnsafeRawBufferPointer) -> Void)? {
        get { state.onKeyExpired }
        set { state.onKeyExpired = newValue }
    }

    /// Refreshes the cached time; called before each batch of commands.
    @inlinable
    public func updateTime() {
        if !state.timeFrozen { state.now = state.clock.readMilliseconds() }
    }

    public var lruClock: UInt32 { state.lruClock }

    /// Idle time in milliseconds of a value stamped with `lru`.
    public func idleMilliseconds(lru: UInt32) -> Int64 {
        let clock = lruClock
        let ticks = clock >= lru ? Int64(clock - lru) : Int64(clock) + 0xFF_FFFF - Int64(lru)
        return ticks * 1000
    }

    public func lfuDecayedCounter(_ stamp: UInt32) -> UInt32 { state.lfuDecayedCounter(stamp) }

    public var totalKeys: Int { databases.reduce(0) { $0 + $1.count } }

    /// SWAPDB: exchanges the contents of two databases.
    public func swap(_ a: Int, _ b: Int) {
        guard a != b else { return }
        databases[a].swapContents(with: databases[b])
    }

    /// Removes every key of every database.
    public func flushAll() {
        for db in databases { db.removeAll() }
    }
}
