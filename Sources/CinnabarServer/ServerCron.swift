// The server cron (Redis's serverCron), run `hz` times per second by the transport's event loop: active expiry
// (the slow cycle; the transport schedules fast cycles right after a slow cycle that ran out of time),
// incremental rehashing of the keyspace tables, idle-client timeouts, the end of CLIENT PAUSE, and the
// event-loop statistics of INFO. It knows nothing about the transport.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarCommands
import CinnabarStorage

final class ServerCron {
    private let server: Server
    private var lastCommands = 0
    private var lastSample: Int64 = 0

    init(server: Server) {
        self.server = server
    }

    /// Milliseconds between ticks.
    var periodMilliseconds: Int64 { Int64(1000 / max(1, min(server.config.hz, 500))) }

    /// One cron tick. Returns true when a fast expire cycle should follow shortly.
    func tick() -> Bool {
        let start = monotonicMicroseconds()
        let hz = max(1, min(server.config.hz, 500))
        let keyspace = server.keyspace
        keyspace.updateTime()
        if server.pause.kind != .none && keyspace.now >= server.pause.until { server.unpause() }
        var wantsFastCycle = false
        if server.activeExpireEnabled && server.pause.kind == .none {
            let cycleStart = monotonicMicroseconds()
            wantsFastCycle = keyspace.activeExpireCycle(kind: .slow, hz: hz, effort: server.config.activeExpireEffort)
            let elapsed = Int((monotonicMicroseconds() - cycleStart) / 1000)
            let threshold = server.config.latencyMonitorThreshold
            if threshold > 0 && elapsed >= threshold { server.latency.record("expire-cycle", milliseconds: elapsed) }
        }
        // Incremental rehashing: up to 1 ms per table and tick, as Redis's activerehashing.
        for db in keyspace.databases {
            if db.keys.isRehashing { _ = db.keys.rehashFor(microseconds: 1000, now: monotonicMicroseconds) }
            if db.expires.isRehashing { _ = db.expires.rehashFor(microseconds: 1000, now: monotonicMicroseconds) }
        }
        closeIdleClients()
        server.evictClientsIfNeeded()
        // Keep evicting while over maxmemory even when no command arrives (Redis's eviction time proc).
        if server.config.maxMemory > 0 { server.evictIfNeeded() }
        if server.trackingHooked { server.trackingHousekeeping() }
        // A background save's sweep also advances here (the epoll loop adds slices between events), then
        // finished saves and save points are checked.
        if server.hasBackgroundWork { server.backgroundWorkStep(microseconds: periodMilliseconds * 250) }
        server.persistenceCron()
        server.replicationCron()
        sampleStatistics(start: start)
        return wantsFastCycle
    }

    /// A fast expire cycle (at most about 1 ms). Returns true when another should follow.
    func fastCycle() -> Bool {
        guard server.activeExpireEnabled, server.pause.kind == .none else { return false }
        return server.keyspace.activeExpireCycle(kind: .fast, hz: max(1, server.config.hz),
                                                 effort: server.config.activeExpireEffort)
    }

    private func closeIdleClients() {
        let timeout = server.config.timeoutSeconds
        guard timeout > 0 else { return }
        let now = server.keyspace.now
        // Blocked clients are waiting on purpose; their own timeout applies (clientsCronHandleTimeout).
        for client in Array(server.clients.values)
        where !client.isMonitor && !client.isReplica && client.blockedState == nil {
            if now - client.lastInteraction > Int64(timeout) * 1000 {
                server.logger.info("Closing idle client")
                client.closeConnection?()
                server.disconnect(client)
            }
        }
    }

    private func sampleStatistics(start: Int64) {
        let end = monotonicMicroseconds()
        server.eventLoopCycles += 1
        server.eventLoopDurationSum += end - start
        if end - lastSample >= 1_000_000 {
            let elapsed = Double(end - lastSample) / 1_000_000
            let commands = server.stats.commandsProcessed
            server.instantaneousOps = lastSample == 0 ? 0 : Int(Double(commands - lastCommands) / elapsed)
            server.instantaneousCycles = max(1, server.config.hz)
            server.instantaneousCycleDuration = max(1, end - start)
            lastCommands = commands
            lastSample = end
        }
    }
}
