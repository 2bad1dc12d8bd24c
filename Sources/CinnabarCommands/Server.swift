// The server's state as commands see it: configuration, keyspace, command table, connected clients, statistics,
// slow log and latency monitor. One event loop owns it; nothing here is locked. There is no global: the transport
// creates a `Server` and hands it to every command through `CommandContext`.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage
import Logging
import NIOCore

/// Counters of INFO stats that are not keyspace statistics.
public struct ServerStats: Sendable {
    public var connectionsReceived = 0
    public var commandsProcessed = 0
    public var rejectedConnections = 0
    public var netInputBytes = 0
    public var netOutputBytes = 0
    public var totalErrorReplies = 0
    public var unexpectedErrorReplies = 0
    public var errorCounts: [String: Int] = [:]
    public var clientQueryBufferLimitDisconnections = 0
    public var clientOutputBufferLimitDisconnections = 0
    public var evictedKeys = 0
    /// Clients closed because client memory exceeded maxmemory-clients (INFO evicted_clients).
    public var evictedClients = 0
    public init() {}
}

/// Counters CONFIG RESETSTAT leaves alone (Redis 7.2 keeps the ACL denial counts).
public struct SecurityStats: Sendable {
    public var authFailures = 0
    public init() {}
}

public enum ClientPauseKind: Sendable { case none, write, all }

public final class Server {
    public static let version = "7.2.6"
    public static let cinnabarVersion = "0.1.0"

    public let config: Configuration
    public let keyspace: Keyspace
    public let commands: CommandTable
    /// Times commands (commandstats, slow log, latency); calibrated when the first server starts.
    let timer = CommandTimer()
    public var logger: Logger
    public var stats = ServerStats()
    public var securityStats = SecurityStats()
    public let runID: String
    public var replicationID: String
    public let startTimeMicros: Int64
    public var lastSaveTime: Int64  // Unix seconds
    /// Saves and loads (Server+Persistence).
    public var persistence = PersistenceState()
    /// What executed commands changed, for the AOF (Propagation.swift).
    public let propagation = PropagationState()
    /// The append-only file (Server+AOF.swift).
    public let aof = AppendOnlyState()
    /// Replicas, the replication stream and its backlog (Server+Replication.swift).
    public let replication = ReplicationState()
    public var clients: [Int: Client] = [:]
    private var nextClientID = 1
    public var slowLog = SlowLog()
    public var latency = LatencyMonitor()
    public var monitors: [Client] = []
    public var pause: (kind: ClientPauseKind, until: Int64) = (.none, 0)
    /// Clients blocked on keys, by id (Server+Blocking).
    public internal(set) var blockedClients: [Int: Client] = [:]
    /// The earliest deadline among blocked clients (a lower bound; Int64.max when none).
    var nextBlockedDeadline = Int64.max
    var servingBlockedClients = false
    /// While a waiter's command runs again: its original deadline, kept if it blocks again.
    var reblockDeadline: Int64?
    /// Pub/Sub subscribers by channel, pattern and shard channel, in subscription order.
    public internal(set) var pubsubChannels: [Bytes: [Client]] = [:]
    public internal(set) var pubsubPatterns: [Bytes: [Client]] = [:]
    public internal(set) var pubsubShardChannels: [Bytes: [Client]] = [:]
    /// The client whose command is executing (its own Pub/Sub pushes wait for its reply). Unmanaged: saved and
    /// restored around every command without reference counting.
    var executing: Unmanaged<Client>?
    public var currentClient: Client? { executing?.takeUnretainedValue() }
    /// The eviction pool (best candidate last) and the next database the random policies look at.
    var evictionPool: [EvictionCandidate] = []
    var evictionNextDatabase = 0
    /// Bytes in use when the allocator was last asked, plus what writes brought since (Server+Eviction).
    var memoryEstimate = 0
    /// Clients watching each key (WATCH).
    var watchers: [WatchedKey: [Client]] = [:]
    /// Client-side caching tables (Tracking.swift), and whether the keyspace hooks report to them.
    var tracking = TrackingTables()
    public internal(set) var trackingHooked = false
    /// The client whose command just ended while tracking's after-command work runs: its pushes are deferred too.
    unowned(unsafe) var trackingReplyClient: Client?
    /// Set by the transport: stops the server (SHUTDOWN). Returns an error text if it refuses.
    public var shutdownHandler: ((_ save: Bool?, _ force: Bool) -> String?)?
    /// Path of the config file the server was started with (CONFIG REWRITE), if any.
    public var configFilePath: String?
    /// Used by the transport to report the listening port when `port 0` asked for an ephemeral one.
    public var boundPort: Int?
    /// Scripting: EVAL's script cache and FUNCTION's libraries (each with its own interpreter, created on first
    /// use), the script running now, whether it has run past busy-reply-threshold, and whether the memory limit
    /// was exceeded when it started.
    var scriptCache: ScriptCache {
        if let existingScriptCache { return existingScriptCache }
        let cache = ScriptCache(server: self)
        existingScriptCache = cache
        return cache
    }
    var functionLibraries: FunctionLibraries {
        if let existingFunctionLibraries { return existingFunctionLibraries }
        let libraries = FunctionLibraries(server: self)
        existingFunctionLibraries = libraries
        return libraries
    }
    /// The script cache and the function libraries once something used them. INFO, SAVE and replication read these,
    /// so that reporting on an interpreter never creates one (each is about 70 KB; creating both inside the first
    /// INFO made it look as if that much memory came with whatever the caller measured next).
    private(set) var existingScriptCache: ScriptCache?
    private(set) var existingFunctionLibraries: FunctionLibraries?
    var runningScript: ScriptRun?
    /// The client whose script is running (the transport leaves its connection alone meanwhile).
    public var scriptCaller: Client? { runningScript?.caller }
    var busyScriptRunning = false
    var outOfMemoryAtCommandStart = false
    /// Background freeing of large deleted values (Server+LazyFree).
    public let lazyFreeStats = LazyFreeStats()
    /// DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call no-script commands (the test suite's DEBUG PROTOCOL).
    var scriptDenyDisabled = false
    /// Set by the transport: serves other clients once while a script runs past busy-reply-threshold (they get
    /// BUSY, SCRIPT KILL and FUNCTION KILL work).
    public var processEventsWhileBusy: (() -> Void)?
    /// DEBUG SET-ACTIVE-EXPIRE: whether the cron runs active expiry.
    public var activeExpireEnabled = true

    // Event-loop and memory statistics maintained by the transport and the cron (INFO stats/memory).
    public var memoryPeak = 0
    public var memoryStartup = 0
    public var instantaneousOps = 0
    public var readsProcessed = 0
    public var writesProcessed = 0
    public var eventLoopCycles = 0
    public var eventLoopDurationSum: Int64 = 0
    public var commandDurationSum: Int64 = 0
    public var instantaneousCycles = 0
    public var instantaneousCycleDuration: Int64 = 0

    /// Bytes of server structures that are not user data (INFO used_memory_overhead).
    public func memoryOverhead() -> Int {
        var total = memoryStartup
        for db in keyspace.databases { total += db.keys.overheadBytes + db.expires.overheadBytes }
        for c in clients.values { total += c.out.capacity + 1024 }
        return total
    }

    public init(config: Configuration, clock: KeyspaceClock = KeyspaceClock(), logger: Logger = Logger(label: "cinnabar")) {
        self.config = config
        self.keyspace = Keyspace(databases: config.databases, clock: clock)
        self.commands = CommandTable(Server.allCommandSpecs())
        self.logger = logger
        self.runID = Server.randomHex(40)
        self.replicationID = Server.randomHex(40)
        self.startTimeMicros = unixTimeMicroseconds()
        self.lastSaveTime = unixTimeMicroseconds() / 1_000_000
        applyEvictionSettings()
        applyLazyFreeSettings()
        updateKeyspaceHooks()
    }

    static func randomHex(_ n: Int) -> String {
        var g = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<n).map { _ in digits[Int(g.next() % 16)] })
    }

    /// Every command family's specs; a new family adds one line here.
    static func allCommandSpecs() -> [CommandSpec] {
        ConnectionCommands.makeSpecs() + ClientCommands.makeSpecs() + KeyspaceCommands.makeSpecs()
            + StringCommands.makeSpecs() + BitmapCommands.makeSpecs() + ServerCommands.makeSpecs()
            + ConfigCommands.makeSpecs() + InfoCommands.makeSpecs() + CommandCommands.makeSpecs()
            + DebugCommands.makeSpecs() + IntrospectionCommands.makeSpecs()
            + HashCommands.makeSpecs() + SetCommands.makeSpecs()
            + SortedSetCommands.makeSpecs() + ListCommands.makeSpecs() + SortCommands.makeSpecs()
            + TransactionCommands.makeSpecs() + PubSubCommands.makeSpecs() + ScriptingCommands.makeSpecs()
            + HyperLogLogCommands.makeSpecs() + GeoCommands.makeSpecs() + StreamCommands.makeSpecs()
            + ReplicationCommands.makeSpecs()
    }

    // MARK: - Clients

    /// Registers a new connection. Returns nil (after counting a rejection) when maxclients is reached.
    public func connect(address: String, localAddress: String, fd: Int32) -> Client? {
        stats.connectionsReceived += 1
        let client = Client(
            id: nextClientID, address: address, localAddress: localAddress, fd: fd,
            authenticated: config.requirePass == nil, now: keyspace.clock.readMilliseconds(),
            database: keyspace.databases[0])
        nextClientID += 1
        if clients.count >= config.maxClients {
            stats.rejectedConnections += 1
            return nil
        }
        clients[client.id] = client
        return client
    }

    /// Protected mode (Redis's clientAcceptHandler): with `protected-mode yes` and no password, connections from
    /// anywhere but the loopback interface or a unix socket get this error line and are closed.
    public func protectedModeRejection(peerAddress: String, isUnixSocket: Bool) -> String? {
        guard config.protectedMode, config.requirePass == nil, !isUnixSocket,
            !Server.isLoopback(peerAddress: peerAddress)
        else { return nil }
        stats.rejectedConnections += 1
        return Server.protectedModeError
    }

    /// "127.x.x.x:port" and "[::1]:port" are loopback (connIsLocal).
    public static func isLoopback(peerAddress: String) -> Bool {
        peerAddress.hasPrefix("127.") || peerAddress.hasPrefix("[::1]:")
    }

    static let protectedModeError =
        "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

    /// A client created for internal use (tests, scripts later); not counted as a connection.
    public func makeDetachedClient() -> Client {
        let client = Client(id: nextClientID, address: "", localAddress: "", fd: -1, authenticated: true,
                            now: keyspace.now, database: keyspace.databases[0])
        nextClientID += 1
        return client
    }

    public func disconnect(_ client: Client) {
        if client.blockedState != nil { unblock(client) }
        if !client.watchedKeys.isEmpty { unwatchAll(client) }
        if client.isSubscribed { unsubscribeAll(client) }
        if !client.trackingFlags.isEmpty { disableTracking(client) }
        clients[client.id] = nil
        if client.isMonitor { monitors.removeAll { $0 === client } }
        if client.isReplica { detachReplica(client) }
    }

    // MARK: - Errors

    /// Writes an error reply and counts it in errorstats.
    public func replyError(_ error: CommandError, client: Client) {
        client.out.writeRESPError(error.message)
        countError(error)
    }

    func countError(_ error: CommandError) {
        stats.totalErrorReplies += 1
        let code = String(error.code)
        // Redis caps the number of distinct error codes it tracks at 128.
        if stats.errorCounts[code] != nil || stats.errorCounts.count < 128 {
            stats.errorCounts[code, default: 0] += 1
        }
    }
}
