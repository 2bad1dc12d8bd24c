// One client connection's state as the command layer sees it: protocol version, selected database,
// authentication, names, reply mode, and the output buffer replies are written into. The transport (the NIO
// server, or a test) owns the socket and tells the client how to close it; commands never touch I/O.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage
import NIOCore

public enum ClientReplyMode: Sendable { case on, off, skipNext, skipThis }

public final class Client {
    public let id: Int
    /// "ip:port" of the peer and of the local socket (CLIENT LIST addr/laddr).
    public var address: String
    public var localAddress: String
    public var fd: Int32
    public var name: [UInt8] = []
    public var libraryName: [UInt8] = []
    public var libraryVersion: [UInt8] = []
    public var protocolVersion = 2
    @inlinable public var resp3: Bool { protocolVersion == 3 }
    /// The selected database. unowned(unsafe): databases live as long as the server, and reading it on every
    /// command must not cost a retain/release pair.
    public unowned(unsafe) var database: Database {
        didSet { databaseEpoch &+= 1 }
    }
    /// Changes whenever `database` is assigned (CommandContext re-reads it then).
    public private(set) var databaseEpoch = 0
    public var databaseIndex: Int { database.id }
    public var authenticated: Bool
    public var user = "default"
    public var replyMode: ClientReplyMode = .on
    public var noEvict = false
    public var noTouch = false
    /// Set by QUIT and CLIENT KILL on self: close once the pending replies are written.
    public var closeAfterReply = false
    public var isMonitor = false
    /// Waiting for CLIENT PAUSE to end before its command can run (counted as blocked, as in Redis).
    public var isPausedByServer = false
    /// Blocked on keys by BLPOP, BZPOPMIN... (see Server+Blocking); nil otherwise.
    public internal(set) var blockedState: BlockedState?
    /// Inside MULTI: the queued commands.
    public internal(set) var multiState: MultiState?
    /// WATCHed keys, each with whether it was already logically expired when watched.
    var watchedKeys: [(key: WatchedKey, expired: Bool)] = []
    /// A watched key was written: the next EXEC fails.
    var watchTouched = false
    /// Pub/Sub subscriptions (PubSubCommands).
    var pubsubChannels = Subscriptions()
    var pubsubPatterns = Subscriptions()
    var pubsubShardChannels = Subscriptions()
    /// Subscribed to anything: in RESP2 only the Pub/Sub commands, PING, QUIT and RESET may run. Stored, because
    /// the dispatcher tests it for every command.
    public internal(set) var isSubscribed = false
    /// Pub/Sub notifications held back until the command's reply is written: those written while replies are
    /// suppressed (CLIENT REPLY OFF/SKIP; like Redis's CLIENT_PUSHING they are delivered anyway) and the messages a
    /// client receives from its own command (PUBLISH to itself, keyspace events of its writes).
    var deferredPushes: ByteBuffer?

    /// Holds a push until the current command's reply has been written (Server.execute appends it).
    func deferPush(_ buffer: inout ByteBuffer) {
        var side = deferredPushes ?? ByteBufferAllocator().buffer(capacity: buffer.readableBytes)
        side.writeBuffer(&buffer)
        deferredPushes = side
    }
    /// Client-side caching (Tracking.swift): flags, the client invalidations are redirected to (0: none) and the
    /// BCAST prefixes, sorted.
    public internal(set) var trackingFlags: TrackingFlags = []
    var trackingRedirection = 0
    var trackingPrefixes: [Bytes] = []
    /// Reply bytes the transport holds but has not written yet (output-buffer limits, CLIENT LIST omem).
    public var unsentBytes = 0
    /// When the output passed the soft limit (Unix ms), 0 while under it.
    var softLimitSince: Int64 = 0
    /// Set by SYNC/PSYNC: this connection is a replica fed the replication stream (Server+Replication).
    public internal(set) var replica: ReplicaLink?
    /// master_repl_offset right after this client's last command that propagated something (WAIT waits for it).
    var writeOffset: Int64 = 0
    /// MULTI/EXEC and scripts: blocking commands answer as if they timed out instead of blocking.
    public var denyBlocking = false
    /// Set by the transport: the client was unblocked (served, timed out, CLIENT UNBLOCK); write its reply and
    /// resume its pending input. Called on the event loop, never during this client's own command.
    public var onUnblocked: (() -> Void)?
    /// Blocked on keys or paused: CLIENT LIST flag b, INFO blocked_clients.
    public var isBlocked: Bool { blockedState != nil || isPausedByServer }
    /// Replies are appended here and flushed by the transport after a batch of commands.
    public var out: ByteBuffer
    public let createdAt: Int64  // Unix ms
    public var lastInteraction: Int64  // Unix ms
    /// The command being or last executed (CLIENT LIST cmd=); specs live as long as the server.
    public unowned(unsafe) var lastCommandSpec: CommandSpec? = nil
    public var lastCommand: String { lastCommandSpec?.fullName ?? "NULL" }
    /// Bytes waiting in the query buffer (CLIENT LIST qbuf), maintained by the transport.
    public var queryBufferLength = 0
    /// Bytes allocated for the query buffer (CLIENT LIST rbs, qbuf-free), maintained by the transport.
    public var queryBufferCapacity = 16 * 1024
    /// Set by the transport: closes the connection (CLIENT KILL, timeouts, SHUTDOWN).
    public var closeConnection: (() -> Void)?
    /// Set by the transport for MONITOR: writes a line to this client and flushes.
    public var sendAsync: ((ByteBuffer) -> Void)?

    public init(id: Int, address: String, localAddress: String, fd: Int32, authenticated: Bool, now: Int64,
                database: Database, allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.id = id
        self.database = database
        self.address = address
        self.localAddress = localAddress
        self.fd = fd
        self.authenticated = authenticated
        self.createdAt = now
        self.lastInteraction = now
        self.out = allocator.buffer(capacity: 16 * 1024)
    }

    /// The flags field of CLIENT LIST.
    var flagString: String {
        var f = ""
        if replica != nil { f += "S" }
        if isMonitor { f += "O" }
        if isSubscribed { f += "P" }
        if isBlocked { f += "b" }
        if trackingFlags.contains(.on) { f += "t" }
        if trackingFlags.contains(.brokenRedirect) { f += "R" }
        if trackingFlags.contains(.bcast) { f += "B" }
        if watchTouched { f += "d" }
        if multiState != nil { f += "x" }
        if closeAfterReply { f += "c" }
        if noEvict { f += "e" }
        if noTouch { f += "T" }
        return f.isEmpty ? "N" : f
    }
}
