// The master side of replication (Redis's replication.c): replicas attach with SYNC or PSYNC, receive an RDB image
// of the dataset (`$<length>\r\n` and the bytes, Redis's disk-based transfer format, which every replica
// accepts), then the replication stream: the commands propagation records for the AOF (Propagation.swift), with
// SELECT when the database changes, MULTI/EXEC around execution units, expiry and eviction as DEL, and a PING
// every repl-ping-replica-period. The stream also goes into the backlog (repl-backlog-size bytes of history), so a
// replica that reconnects with PSYNC <replid> <offset> continues from it (+CONTINUE) instead of loading a new
// image. Replicas report what they processed with REPLCONF ACK: WAIT counts those acknowledgements and
// min-replicas-to-write refuses writes when too few replicas acknowledged recently.
//
// The image is taken synchronously on the event loop (Keyspace.rdbImage), so the replica's starting offset is
// exactly the master's offset at that instant and nothing has to be buffered while a snapshot runs. Stream bytes
// collect in one buffer during a batch of commands and reach the replicas' connections when the transports flush
// the AOF before writing replies (`flushAppendOnlyFileBeforeReplies`), so a write's reply never leaves before the
// replicas have it queued. Propagation runs while the backlog exists (from the first replica until
// repl-backlog-ttl after the last one left, as in Redis); otherwise replication costs nothing per command.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
import CinnabarStorage
import NIOCore

/// What the master knows about one replica (Redis's client repl_* fields). REPLCONF before SYNC creates it;
/// SYNC/PSYNC attach it.
public final class ReplicaLink {
    /// Receiving the stream (after SYNC/PSYNC); before, only its REPLCONF settings are known.
    public internal(set) var attached = false
    /// REPLCONF listening-port and ip-address.
    public internal(set) var listeningPort = 0
    public internal(set) var announcedIP: String?
    /// REPLCONF capa eof / psync2.
    var capaEOF = false
    var capaPSync2 = false
    /// Attached with SYNC, the pre-PSYNC protocol (redis-cli --replica, the test suite): it never acknowledges.
    public internal(set) var prePSync = false
    /// The offset the replica acknowledged (REPLCONF ACK) and when (Unix ms).
    public internal(set) var ackOffset: Int64 = 0
    var ackTime: Int64 = 0

    init() {}
}

/// The replication state of the master (Redis's server.repl_* and master_repl_offset).
public final class ReplicationState {
    /// Attached replicas, in attach order.
    public internal(set) var replicas: [Client] = []
    /// master_repl_offset: bytes of stream produced since the replication id was created.
    public internal(set) var offset: Int64 = 0
    /// Stream bytes not handed to the replicas yet.
    var pending: [UInt8] = []
    /// The database the stream's last command selected (-1: the next command starts with SELECT).
    var selectedDB = -1
    /// The backlog: the last bytes of the stream in a ring (nil until the first replica attaches).
    var backlog: [UInt8]?
    var backlogWrite = 0
    var backlogHistory = 0
    /// When the last replica left (Unix ms; 0 while some are attached): repl-backlog-ttl counts from here.
    var noReplicasSince: Int64 = 0
    /// REPLCONF GETACK is already in `pending` (one request per batch, however many WAITs).
    var ackRequested = false
    /// Clients blocked in WAIT.
    var waiting: [Client] = []
    /// When the last PING was put in the stream (Unix ms).
    var lastPing: Int64 = 0
    /// REPLICAOF host port: the master this server is meant to follow. The link itself is not implemented: it
    /// stays down, so the server behaves as a replica that lost its master (READONLY, MASTERDOWN with
    /// replica-serve-stale-data no) and keeps its data.
    public internal(set) var masterHost: String?
    public internal(set) var masterPort = 0
    public internal(set) var fullSyncs = 0
    public internal(set) var partialSyncsAccepted = 0
    public internal(set) var partialSyncsRefused = 0

    init() {}

    /// repl_backlog->offset: the offset of the first byte the backlog holds.
    var backlogFirstByteOffset: Int64 { backlog == nil ? 0 : offset - Int64(backlogHistory) + 1 }
}

extension Client {
    /// Attached to the replication stream (CLIENT LIST flag S, type replica).
    public var isReplica: Bool { replica?.attached == true }
}

extension Server {
    // MARK: - Attaching (SYNC, PSYNC)

    /// syncCommand: a full resynchronization, or a partial one when PSYNC names our history and the backlog
    /// still holds everything after its offset.
    func attachReplica(_ c: CommandContext, psync: (replid: [UInt8], offset: Int64)?) throws(CommandError) {
        let client = c.client
        if client.isReplica { return }
        if client.out.readableBytes > 0 || client.unsentBytes > 0 {
            throw .err("SYNC and PSYNC are invalid with pending output")
        }
        let link = client.replica ?? ReplicaLink()
        let r = replication
        logger.notice("Replica \(replicaName(client, link)) asks for synchronization")
        // Everything produced so far reaches the current replicas first: the new one starts after it.
        flushReplicationStream()
        if let psync {
            if tryPartialResync(c, link: link, replid: psync.replid, offset: psync.offset) { return }
            if psync.replid.first != UInt8(ascii: "?") { r.partialSyncsRefused += 1 }
        } else {
            link.prePSync = true
        }
        r.fullSyncs += 1
        if r.backlog == nil { createBacklog() }
        let image = keyspace.rdbImage(aux: replicationAuxFields(), functionLibraries: existingFunctionLibraries?.libraries.map(\.code) ?? [],
                                      compress: config.get("rdbcompression") != "no",
                                      checksum: config.get("rdbchecksum") != "no")
        if psync != nil {
            client.out.writeString("+FULLRESYNC \(replicationID) \(r.offset)\r\n")
        }
        client.out.writeString("$\(image.count)\r\n")
        client.out.writeBytes(image)
        logger.notice("Synchronization with replica \(replicaName(client, link)) succeeded")
        link.ackOffset = 0
        link.ackTime = keyspace.clock.readMilliseconds()
        attach(client, link: link)
        // Every replica's next command selects its database again (replicationSetupSlaveForFullResync).
        r.selectedDB = -1
    }

    private func attach(_ client: Client, link: ReplicaLink) {
        link.attached = true
        client.replica = link
        replication.replicas.append(client)
        replication.noReplicasSince = 0
        updatePropagation()
    }

    /// masterTryPartialResynchronization.
    private func tryPartialResync(_ c: CommandContext, link: ReplicaLink, replid: [UInt8], offset: Int64) -> Bool {
        let r = replication
        guard let backlog = r.backlog, replid.elementsEqual(replicationID.utf8) else {
            if replid.first != UInt8(ascii: "?") {
                logger.notice("Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '\(String(decoding: replid, as: UTF8.self))', my replication IDs are '\(replicationID)' and '0000000000000000000000000000000000000000')")
            } else {
                logger.notice("Full resync requested by replica \(replicaName(c.client, link))")
            }
            return false
        }
        guard offset >= r.backlogFirstByteOffset, offset <= r.offset + 1 else {
            logger.notice("Unable to partial resync with replica \(replicaName(c.client, link)) for lack of backlog (Replica request was: \(offset)).")
            return false
        }
        let client = c.client
        client.out.writeString(link.capaPSync2 ? "+CONTINUE \(replicationID)\r\n" : "+CONTINUE\r\n")
        // The backlog's bytes from `offset` on.
        var count = Int(r.offset + 1 - offset)
        var start = (r.backlogWrite - count + backlog.count) % backlog.count
        while count > 0 {
            let n = min(count, backlog.count - start)
            _ = backlog.withUnsafeBytes { client.out.writeBytes(UnsafeRawBufferPointer(rebasing: $0[start..<start + n])) }
            count -= n
            start = 0
        }
        r.partialSyncsAccepted += 1
        logger.notice("Partial resynchronization request from \(replicaName(c.client, link)) accepted. Sending \(r.offset + 1 - offset) bytes of backlog starting from offset \(offset).")
        link.ackTime = keyspace.clock.readMilliseconds()
        attach(client, link: link)
        return true
    }

    /// createReplicationBacklog: a new history, so a new replication id (changeReplicationId).
    private func createBacklog() {
        let size = Int(config.get("repl-backlog-size").flatMap { Configuration.parseMemory($0) } ?? 1_048_576)
        replication.backlog = [UInt8](repeating: 0, count: max(size, 16 * 1024))
        replication.backlogWrite = 0
        replication.backlogHistory = 0
        // The first PING follows a full period after the first replica (Redis counts cron loops from startup).
        replication.lastPing = keyspace.clock.readMilliseconds()
        replicationID = Server.randomHex(40)
        logger.notice("Replication backlog created, my new replication IDs are '\(replicationID)' and '0000000000000000000000000000000000000000'")
    }

    /// The aux fields Redis adds to a replication image (rdbPopulateSaveInfo): the stream's database and position.
    private func replicationAuxFields() -> [(String, String)] {
        [
            ("redis-ver", Server.version), ("redis-bits", "64"), ("ctime", String(unixTimeMicroseconds() / 1_000_000)),
            ("used-mem", String(cinnabar_malloc_used())),
            ("repl-stream-db", String(max(replication.selectedDB, 0))), ("repl-id", replicationID),
            ("repl-offset", String(replication.offset)), ("aof-base", "0"),
        ]
    }

    func replicaName(_ client: Client, _ link: ReplicaLink) -> String {
        let ip = link.announcedIP ?? String(client.address.split(separator: ":").dropLast().joined(separator: ":"))
        return link.listeningPort > 0 ? "\(ip):\(link.listeningPort)" : "client id#\(client.id)"
    }

    /// A replica's connection closed (or it was dropped).
    func detachReplica(_ client: Client) {
        guard client.isReplica else { return }
        replication.replicas.removeAll { $0 === client }
        client.replica?.attached = false
        logger.notice("Connection with replica \(replicaName(client, client.replica!)) lost.")
        if replication.replicas.isEmpty { replication.noReplicasSince = keyspace.clock.readMilliseconds() }
    }

    // MARK: - The stream

    /// Propagation is on while the AOF or the replication backlog needs it.
    func updatePropagation() {
        let wanted = aof.status != .off || replication.backlog != nil
        if wanted != propagation.enabled { setPropagation(enabled: wanted) }
    }

    /// The propagation sink: the AOF and the replication stream get the same commands.
    func feedPropagated(db: Int, _ command: UnsafeRawBufferPointer, toAOF: Bool) {
        if toAOF && aof.status != .off { feedAppendOnlyFile(db: db, command) }
        if replication.backlog != nil { feedReplicationStream(db: db, command) }
    }

    /// replicationFeedSlaves: SELECT when the database changes, then the command, into the pending bytes and the
    /// backlog; the offset advances by what was added.
    func feedReplicationStream(db: Int, _ command: UnsafeRawBufferPointer) {
        let r = replication
        // A replica proxies its master's stream (none here, the link being down) and produces none of its own.
        if r.masterHost != nil { return }
        let start = r.pending.count
        if db != -1 && db != r.selectedDB {
            r.pending.appendRESPArrayHeader(2)
            Server.selectWord.withUnsafeBytes { r.pending.appendRESPBulk($0) }
            r.pending.appendRESPBulk(decimal: Int64(db))
            r.selectedDB = db
        }
        r.pending.append(contentsOf: command)
        let added = r.pending.count - start
        r.pending.withUnsafeBytes { appendToBacklog(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        r.offset += Int64(added)
        // WAIT waits for the offset after the client's last write (c->woff).
        executing?.takeUnretainedValue().writeOffset = r.offset
    }

    private static let selectWord = Array("SELECT".utf8)

    private func appendToBacklog(_ bytes: UnsafeRawBufferPointer) {
        let r = replication
        guard r.backlog != nil else { return }
        let size = r.backlog!.count
        var src = bytes
        if src.count > size { src = UnsafeRawBufferPointer(rebasing: src[(src.count - size)...]) }
        r.backlog!.withUnsafeMutableBytes { ring in
            var i = 0
            while i < src.count {
                let n = min(src.count - i, size - r.backlogWrite)
                ring.baseAddress!.advanced(by: r.backlogWrite).copyMemory(from: src.baseAddress! + i, byteCount: n)
                r.backlogWrite = (r.backlogWrite + n) % size
                i += n
            }
        }
        r.backlogHistory = min(size, r.backlogHistory + bytes.count)
    }

    /// Hands the pending stream to every replica's connection and enforces the replica class of
    /// client-output-buffer-limit.
    func flushReplicationStream() {
        let r = replication
        guard !r.pending.isEmpty else { return }
        r.ackRequested = false
        if r.replicas.isEmpty {
            r.pending.removeAll(keepingCapacity: true)
            return
        }
        var buffer = ByteBufferAllocator().buffer(capacity: r.pending.count)
        buffer.writeBytes(r.pending)
        if r.pending.capacity > 4 << 20 { r.pending = [] } else { r.pending.removeAll(keepingCapacity: true) }
        for replica in r.replicas {
            if let send = replica.sendAsync { send(buffer) } else { replica.out.writeBytes(buffer.readableBytesView) }
        }
        for replica in r.replicas { enforceOutputLimit(replica, config.outputBufferLimits.replica) }
    }

    // MARK: - Acknowledgements and WAIT

    /// REPLCONF ACK <offset>: the replica processed the stream up to `offset`.
    func replicaAcknowledged(_ client: Client, offset: Int64) {
        guard let link = client.replica, link.attached else { return }
        if offset > link.ackOffset { link.ackOffset = offset }
        link.ackTime = keyspace.clock.readMilliseconds()
        if !replication.waiting.isEmpty { serveReplicationWaiters() }
    }

    /// replicationCountAcksByOffset.
    func replicasAcknowledging(_ offset: Int64) -> Int {
        var n = 0
        for r in replication.replicas where r.replica!.ackOffset >= offset { n += 1 }
        return n
    }

    /// Asks the replicas for an acknowledgement (REPLCONF GETACK * in the stream), once per batch.
    func requestReplicaAcks() {
        let r = replication
        guard r.backlog != nil, !r.ackRequested else { return }
        r.ackRequested = true
        let previous = executing
        executing = nil
        Server.getAck.withUnsafeBytes { feedReplicationStream(db: -1, $0) }
        executing = previous
    }

    private static let getAck = Array("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n".utf8)
    private static let ping = Array("*1\r\n$4\r\nPING\r\n".utf8)

    /// WAIT numreplicas timeout.
    func waitForReplicas(_ c: CommandContext) throws(CommandError) {
        if replication.masterHost != nil {
            throw .err("WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")
        }
        guard let wanted = parseInt64(c.args[1]) else { throw .notInteger }
        guard let timeout = parseInt64(c.args[2]) else { throw .err("timeout is not an integer or out of range") }
        if timeout < 0 { throw .err("timeout is negative") }
        let client = c.client
        let acked = replicasAcknowledging(client.writeOffset)
        if acked >= wanted || client.denyBlocking || client.fd < 0 {
            c.integer(acked)
            return
        }
        let deadline = timeout == 0 ? 0 : keyspace.now + timeout
        blockForReplication(c, offset: client.writeOffset, replicas: Int(wanted), deadline: deadline)
        requestReplicaAcks()
    }

    /// processClientsWaitingReplicas: WAITs whose replicas acknowledged get their count.
    func serveReplicationWaiters() {
        for client in replication.waiting {
            guard let s = client.blockedState, case .replicas(let offset, let wanted) = s.type else { continue }
            let acked = replicasAcknowledging(offset)
            guard acked >= wanted else { continue }
            unblock(client)
            client.out.writeRESPInteger(acked)
            s.spec.calls += 1
            stats.commandsProcessed += 1
            client.onUnblocked?()
        }
    }

    // MARK: - Role

    /// REPLICAOF host port (replicationSetMaster): this server becomes a replica. Attached replicas stay (they
    /// could continue from our history); the stream stops.
    func becomeReplica(host: String, port: Int) {
        flushReplicationStream()
        replication.masterHost = host
        replication.masterPort = port
        // Clients blocked on keys or WAIT get UNBLOCKED (disconnectAllBlockedClients).
        for client in Array(blockedClients.values) {
            guard let s = client.blockedState else { continue }
            unblock(client)
            replyError(CommandError("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)"), client: client)
            s.spec.failedCalls += 1
            client.onUnblocked?()
        }
        logger.notice("Connecting to MASTER \(host):\(port)")
        logger.warning("Following a master is not implemented: the link with \(host):\(port) stays down")
    }

    /// REPLICAOF NO ONE (replicationUnsetMaster): a master again, with a new history.
    func becomeMaster() {
        guard replication.masterHost != nil else { return }
        replication.masterHost = nil
        replication.masterPort = 0
        replicationID = Server.randomHex(40)
        replication.selectedDB = -1
        logger.notice("MASTER MODE enabled")
    }

    /// The replica-side checks of processCommand while REPLICAOF is set: MASTERDOWN (replica-serve-stale-data no,
    /// and the link is always down) and READONLY (replica-read-only).
    func replicaRejection(_ spec: CommandSpec, _ client: Client, write: Bool) -> CommandError? {
        if write && config.get("replica-read-only") != "no" {
            return CommandError("READONLY You can't write against a read only replica.")
        }
        if config.get("replica-serve-stale-data") == "no" {
            var stale = spec.flags.contains(.stale)
            if stale && spec.parent == nil && spec.name == "exec", let multi = client.multiState {
                stale = multi.commands.allSatisfy { $0.spec.flags.contains(.stale) }
            }
            if !stale {
                return CommandError("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")
            }
        }
        return nil
    }

    // MARK: - min-replicas-to-write

    /// checkGoodReplicasStatus: enough replicas acknowledged within min-replicas-max-lag seconds.
    var hasEnoughGoodReplicas: Bool {
        let needed = config.minReplicasToWrite
        let lag = config.minReplicasMaxLag
        if needed == 0 || lag == 0 || replication.masterHost != nil { return true }
        return goodReplicaCount() >= needed
    }

    /// refreshGoodSlavesCount.
    func goodReplicaCount() -> Int {
        let now = keyspace.clock.readMilliseconds()
        let lag = Int64(config.minReplicasMaxLag) * 1000
        var n = 0
        for r in replication.replicas where now - r.replica!.ackTime <= lag { n += 1 }
        return n
    }

    // MARK: - Cron

    /// replicationCron: PINGs in the stream every repl-ping-replica-period, replicas that stopped acknowledging
    /// for repl-timeout dropped, the backlog freed repl-backlog-ttl after the last replica left.
    public func replicationCron() {
        let r = replication
        guard r.backlog != nil else { return }
        let now = keyspace.clock.readMilliseconds()
        if !r.replicas.isEmpty {
            let period = Int64(config.get("repl-ping-replica-period").flatMap { Int64($0) } ?? 10) * 1000
            if now - r.lastPing >= period {
                r.lastPing = now
                Server.ping.withUnsafeBytes { feedReplicationStream(db: -1, $0) }
            }
            let timeout = Int64(config.get("repl-timeout").flatMap { Int64($0) } ?? 60) * 1000
            for replica in r.replicas where !replica.replica!.prePSync && now - replica.replica!.ackTime > timeout {
                logger.warning("Disconnecting timedout replica (streaming sync): \(replicaName(replica, replica.replica!))")
                replica.closeConnection?()
                disconnect(replica)
            }
            flushReplicationStream()
        } else if let ttl = config.get("repl-backlog-ttl").flatMap({ Int64($0) }), ttl > 0,
            now - r.noReplicasSince >= ttl * 1000
        {
            // A new history begins with the next replica (Redis changes the replication id here too).
            r.backlog = nil
            r.backlogHistory = 0
            r.pending.removeAll()
            replicationID = Server.randomHex(40)
            logger.notice("Replication backlog freed after \(ttl) seconds without connected replicas.")
            updatePropagation()
        }
    }

    // MARK: - INFO and ROLE

    func replicationInfoLines() -> [String] {
        let r = replication
        var lines = ["role:master"]
        if let host = r.masterHost {
            lines = [
                "role:slave", "master_host:\(host)", "master_port:\(r.masterPort)", "master_link_status:down",
                "master_last_io_seconds_ago:-1", "master_sync_in_progress:0", "slave_read_repl_offset:\(r.offset)",
                "slave_repl_offset:\(r.offset)", "master_link_down_since_seconds:-1",
                "slave_priority:\(config.get("replica-priority") ?? "100")",
                "slave_read_only:\(config.get("replica-read-only") == "no" ? 0 : 1)", "replica_announced:1",
            ]
        }
        lines.append("connected_slaves:\(r.replicas.count)")
        if config.minReplicasToWrite > 0 && config.minReplicasMaxLag > 0 {
            lines.append("min_slaves_good_slaves:\(goodReplicaCount())")
        }
        let now = keyspace.clock.readMilliseconds()
        for (i, client) in r.replicas.enumerated() {
            let link = client.replica!
            lines.append("slave\(i):ip=\(replicaIP(client, link)),port=\(link.listeningPort),state=online,offset=\(link.ackOffset),lag=\((now - link.ackTime) / 1000)")
        }
        lines += [
            "master_failover_state:no-failover", "master_replid:\(replicationID)",
            "master_replid2:0000000000000000000000000000000000000000", "master_repl_offset:\(r.offset)",
            "second_repl_offset:-1", "repl_backlog_active:\(r.backlog == nil ? 0 : 1)",
            "repl_backlog_size:\(Configuration.parseMemory(config.get("repl-backlog-size") ?? "1048576") ?? 1_048_576)",
            "repl_backlog_first_byte_offset:\(r.backlogFirstByteOffset)", "repl_backlog_histlen:\(r.backlogHistory)",
        ]
        return lines
    }

    func replicaIP(_ client: Client, _ link: ReplicaLink) -> String {
        if let ip = link.announcedIP { return ip }
        var parts = client.address.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count > 1 { parts.removeLast() }
        var ip = parts.joined(separator: ":")
        if ip.hasPrefix("[") && ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
        return ip
    }
}
