// The SwiftNIO transport: a ServerBootstrap on a one-thread event loop group, a ConnectionHandler per connection,
// the cron as a repeated task. Selected with `cinnabar-transport nio`; the portable choice off Linux.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarCommands
import CinnabarStorage
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

final class NIOTransport: ServerTransport, @unchecked Sendable {
    private let server: Server
    private let ephemeralPort: Bool
    private let group: MultiThreadedEventLoopGroup
    private let eventLoop: EventLoop
    private let stopped: EventLoopPromise<Void>
    private var channels: [Channel] = []
    private var cronTask: RepeatedTask?
    private var blockingTask: RepeatedTask?
    private let cron: ServerCron
    private var fastCycleScheduled = false
    private var stopping = false

    init(server: Server, ephemeralPort: Bool) {
        self.server = server
        self.ephemeralPort = ephemeralPort
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.eventLoop = group.next()
        self.stopped = eventLoop.makePromise(of: Void.self)
        self.cron = ServerCron(server: server)
    }

    func start() throws -> Int {
        let config = server.config
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: Int32(clamping: config.tcpBacklog))
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.so_keepalive), value: config.tcpKeepAlive > 0 ? 1 : 0)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 16 * 1024))
            .childChannelInitializer { [server] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(server: server, allocator: channel.allocator))
                }
            }
        var boundPort: Int?
        // `port 0` disables TCP, as in Redis, unless the embedder asked for an ephemeral port.
        let entries = config.port == 0 && !ephemeralPort ? [] : config.bind
        for entry in entries {
            let address = BindAddress(entry)
            do {
                let channel = try bootstrap.bind(host: address.host, port: boundPort ?? config.port).wait()
                boundPort = channel.localAddress?.port
                channels.append(channel)
            } catch {
                if address.optional { continue }
                server.logger.warning("Warning: Could not create server TCP listening socket \(address.host):\(config.port): bind: \(error)")
                server.logger.warning("Failed listening on port \(config.port) (tcp), aborting.")
                throw error
            }
        }
        if let path = config.unixSocket {
            unlink(path)
            channels.append(try bootstrap.bind(unixDomainSocketPath: path).wait())
            if let perm = Int(config.get("unixsocketperm") ?? "0"), perm != 0 {
                chmod(path, mode_t(Int(String(perm), radix: 8) ?? 0o700))
            }
        }
        let period = TimeAmount.milliseconds(cron.periodMilliseconds)
        cronTask = eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { [weak self] _ in
            guard let self else { return }
            if self.cron.tick() { self.scheduleFastCycle() }
        }
        // Blocked-client timeouts and waiters held back by CLIENT PAUSE, checked every millisecond while any.
        blockingTask = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(1), delay: .milliseconds(1)) {
            [weak self] _ in
            guard let self else { return }
            let server = self.server
            if let wakeup = server.nextBlockingWakeup, wakeup <= server.keyspace.clock.readMilliseconds() {
                server.keyspace.updateTime()
                server.expireBlockedClients(now: server.keyspace.now)
                if server.keyspace.state.hasReadyKeys { server.serveClientsBlockedOnKeys() }
            }
        }
        return boundPort ?? 0
    }

    /// A fast expire cycle shortly after a slow one that hit its time limit.
    private func scheduleFastCycle() {
        guard !fastCycleScheduled else { return }
        fastCycleScheduled = true
        eventLoop.scheduleTask(in: .milliseconds(2)) { [weak self] in
            guard let self else { return }
            self.fastCycleScheduled = false
            if self.cron.fastCycle() { self.scheduleFastCycle() }
        }
    }

    func requestStop(reason: [String]) {
        eventLoop.execute { [self] in
            guard !stopping else { return }
            stopping = true
            for line in reason { server.logger.warning("\(line)") }
            server.logger.notice("User requested shutdown...")
            if !reason.isEmpty && !server.persistence.shutdownPrepared {
                _ = server.prepareForShutdown(save: nil, force: true)
            }
            cronTask?.cancel()
            blockingTask?.cancel()
            for client in Array(server.clients.values) { client.closeConnection?() }
            let closes = channels.map { $0.close() }
            EventLoopFuture.andAllComplete(closes, on: eventLoop).whenComplete { [self] _ in
                if let path = server.config.unixSocket {
                    server.logger.notice("Removing the unix socket file.")
                    unlink(path)
                }
                server.logger.warning("Redis is now ready to exit, bye bye...")
                stopped.succeed(())
            }
        }
    }

    func wait() throws {
        try stopped.futureResult.wait()
        try group.syncShutdownGracefully()
    }
}
