// The server cron (Redis's serverCron), run `hz` times per second on the event loop: active expiry (the slow
// cycle, plus fast cycles scheduled right after a slow cycle that ran out of time), incremental rehashing of the
// keyspace tables, idle-client timeouts, the end of CLIENT PAUSE, and the event-loop statistics of INFO.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarCommands
import CinnabarStorage
import NIOCore

final class ServerCron {
    private let server: Server
    private let eventLoop: EventLoop
    private var task: RepeatedTask?
    private var lastCommands = 0
    private var lastSample: Int64 = 0
    private var fastCycleScheduled = false

    init(server: Server, eventLoop: EventLoop) {
        self.server = server
        self.eventLoop = eventLoop
    }

    func start() {
        let hz = max(1, min(server.config.hz, 500))
        task = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(Int64(1000 / hz)), delay: .milliseconds(Int64(1000 / hz))) {
            [weak self] _ in self?.tick()
        }
    }

    func stop() { task?.cancel() }

    private func tick() {
        let start = monotonicMicroseconds()
        let hz = max(1, min(server.config.hz, 500))
        let keyspace = server.keyspace
        keyspace.updateTime()
        if server.pause.kind != .none && keyspace.now >= server.pause.until { server.unpause() }
        if server.activeExpireEnabled && server.pause.kind == .none {
            let timedOut = keyspace.activeExpireCycle(kind: .slow, hz: hz, effort: server.config.activeExpireEffort)
            if timedOut { scheduleFastCycle() }
        }
        // Incremental rehashing: up to 1 ms per cron call, as Redis's activerehashing.
        for db in keyspace.databases {
            if db.keys.isRehashing { _ = db.keys.rehashFor(microseconds: 1000, now: monotonicMicroseconds) }
            if db.expires.isRehashing { _ = db.expires.rehashFor(microseconds: 1000, now: monotonicMicroseconds) }
        }
        closeIdleClients()
        sampleStatistics(start: start)
    }

    /// A fast expire cycle (≤ 1 ms) shortly after a slow one that hit its time limit.
    private func scheduleFastCycle() {
        guard !fastCycleScheduled else { return }
        fastCycleScheduled = true
        eventLoop.scheduleTask(in: .milliseconds(2)) { [weak self] in
            guard let self else { return }
            self.fastCycleScheduled = false
            guard self.server.activeExpireEnabled, self.server.pause.kind == .none else { return }
            let hz = max(1, self.server.config.hz)
            if self.server.keyspace.activeExpireCycle(kind: .fast, hz: hz, effort: self.server.config.activeExpireEffort) {
                self.scheduleFastCycle()
            }
        }
    }

    private func closeIdleClients() {
        let timeout = server.config.timeoutSeconds
        guard timeout > 0 else { return }
        let now = server.keyspace.now
        for client in Array(server.clients.values) where !client.isMonitor {
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
