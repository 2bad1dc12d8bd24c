// The network server: binds the configured TCP addresses (and unix socket), runs every connection and the cron
// on one SwiftNIO event loop that owns the keyspace, and shuts down on SHUTDOWN or SIGTERM/SIGINT. Embedders
// create a `CinnabarServer` with a `Configuration`, `start()` it, and `stop()` it.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
import CinnabarCommands
import CinnabarStorage
import Dispatch
import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

public final class CinnabarServer: @unchecked Sendable {
    public let server: Server
    public let config: Configuration
    private let group: MultiThreadedEventLoopGroup
    private let eventLoop: EventLoop
    private var channels: [Channel] = []
    private var cron: ServerCron?
    private var signalSources: [DispatchSourceSignal] = []
    private let stopped: EventLoopPromise<Void>
    private var stopping = false

    /// The TCP port actually bound.
    public private(set) var port: Int = 0
    /// With `port 0`, bind an ephemeral port instead of disabling TCP (Redis's meaning of port 0). For embedders
    /// and tests that need a free port without racing for one.
    public let ephemeralPort: Bool

    public init(config: Configuration, logger: Logger? = nil, configFilePath: String? = nil, ephemeralPort: Bool = false) {
        self.config = config
        self.ephemeralPort = ephemeralPort
        var log = logger ?? Logger(label: "cinnabar")
        log.logLevel = ConfigFile.logLevel(config.logLevel)
        self.server = Server(config: config, logger: log)
        self.server.configFilePath = configFilePath
        // One event loop owns the keyspace: commands are atomic by construction and need no locks.
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.eventLoop = group.next()
        self.stopped = eventLoop.makePromise(of: Void.self)
    }

    /// Binds the listeners and starts the cron. Throws if a listener cannot be bound.
    public func start() throws {
        server.memoryStartup = MemoryStatsProbe.used()
        server.shutdownHandler = { [weak self] save, force in
            guard let self else { return nil }
            self.server.logger.notice("User requested shutdown...")
            self.stop()
            return nil
        }
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
        let bindAddresses = config.port == 0 && !ephemeralPort ? [] : config.bind
        for address in bindAddresses {
            // "-addr" means: bind if the address exists, ignore failure (Redis's optional bind).
            let optional = address.hasPrefix("-")
            let host = optional ? String(address.dropFirst()) : address
            let resolved = host == "*" ? "0.0.0.0" : host
            do {
                let channel = try bootstrap.bind(host: resolved, port: boundPort ?? config.port).wait()
                boundPort = channel.localAddress?.port
                channels.append(channel)
            } catch {
                if optional { continue }
                server.logger.warning("Warning: Could not create server TCP listening socket \(host):\(config.port): bind: \(error)")
                server.logger.warning("Failed listening on port \(config.port) (tcp), aborting.")
                throw error
            }
        }
        if let path = config.unixSocket {
            unlink(path)
            let channel = try bootstrap.bind(unixDomainSocketPath: path).wait()
            channels.append(channel)
            if let perm = Int(config.get("unixsocketperm") ?? "0"), perm != 0 {
                chmod(path, mode_t(Int(String(perm), radix: 8) ?? 0o700))
            }
        }
        port = boundPort ?? 0
        server.boundPort = port
        let cron = ServerCron(server: server, eventLoop: eventLoop)
        cron.start()
        self.cron = cron
        server.logger.notice("Server initialized")
        server.logger.notice("Ready to accept connections tcp")
        if config.unixSocket != nil { server.logger.notice("Ready to accept connections unix") }
    }

    /// Handles SIGTERM and SIGINT like redis-server: log, shut down, exit 0.
    public func installSignalHandlers() {
        for (sig, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            var count = 0
            source.setEventHandler { [weak self] in
                count += 1
                if count > 1 && sig == SIGINT {
                    self?.server.logger.warning("You insist... exiting now.")
                    exit(1)
                }
                guard let self else { return }
                self.eventLoop.execute {
                    self.server.logger.warning("Received \(name) scheduling shutdown...")
                    self.server.logger.notice("User requested shutdown...")
                    self.stop()
                }
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Closes the listeners and every connection; `wait()` returns afterwards.
    public func stop() {
        eventLoop.execute { [self] in
            guard !stopping else { return }
            stopping = true
            cron?.stop()
            for client in server.clients.values { client.closeConnection?() }
            let closes = channels.map { $0.close() }
            EventLoopFuture.andAllComplete(closes, on: eventLoop).whenComplete { [self] _ in
                if let path = config.unixSocket {
                    server.logger.notice("Removing the unix socket file.")
                    unlink(path)
                }
                server.logger.warning("Redis is now ready to exit, bye bye...")
                stopped.succeed(())
            }
        }
    }

    /// Blocks until the server has stopped, then releases the event loop.
    public func wait() throws {
        try stopped.futureResult.wait()
        try group.syncShutdownGracefully()
    }
}

enum MemoryStatsProbe {
    static func used() -> Int {
        Int(cinnabar_malloc_used())
    }
}
