// The network server: creates the Server (state and commands), picks a transport, and handles startup,
// SHUTDOWN and SIGTERM/SIGINT like redis-server. Two transports drive the same transport-independent
// RequestProcessor and ServerCron: a lean epoll event loop (the default on Linux; see docs/performance.md for
// why) and SwiftNIO. Either way one thread owns the keyspace and executes every command. Embedders create a
// `CinnabarServer` with a `Configuration`, `start()` it, and `stop()` it.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
import CinnabarCommands
import CinnabarStorage
import Dispatch
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// What a transport provides: listening sockets, an event loop that owns the server, and a thread-safe stop.
protocol ServerTransport: AnyObject {
    /// Binds the listeners and starts the loop on its own thread; returns the TCP port bound (0 if none).
    func start() throws -> Int
    /// Asks the loop to shut down (from any thread); `reason` lines are logged on the loop first.
    func requestStop(reason: [String])
    /// Blocks until the loop has stopped and released its resources.
    func wait() throws
}

public final class CinnabarServer: @unchecked Sendable {
    public let server: Server
    public let config: Configuration
    private var transport: ServerTransport?
    private var signalSources: [DispatchSourceSignal] = []

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
    }

    /// Binds the listeners and starts serving. Throws if a listener cannot be bound.
    public func start() throws {
        server.memoryStartup = Int(cinnabar_malloc_used())
        adjustOpenFilesLimit()
        let transport: ServerTransport
        #if os(Linux)
        transport = config.get("cinnabar-transport") == "nio"
            ? NIOTransport(server: server, ephemeralPort: ephemeralPort)
            : EpollTransport(server: server, ephemeralPort: ephemeralPort)
        #else
        transport = NIOTransport(server: server, ephemeralPort: ephemeralPort)
        #endif
        #if os(Linux)
        if let epoll = transport as? EpollTransport {
            // A script past busy-reply-threshold keeps the server answering (BUSY, SCRIPT KILL). The NIO
            // transport's event loop cannot be re-entered, so there a script simply runs to its end.
            server.processEventsWhileBusy = { [weak epoll] in epoll?.processEventsWhileBusy() }
        }
        #endif
        server.shutdownHandler = { [weak transport] save, force in
            transport?.requestStop(reason: [])
            return nil
        }
        server.logger.notice("Server initialized")
        do {
            try server.loadDataAtStartup()
        } catch {
            server.logger.warning("Fatal error loading the DB, check server logs. Exiting.")
            throw error
        }
        port = try transport.start()
        server.boundPort = port
        self.transport = transport
        server.logger.notice("Ready to accept connections tcp")
        if config.unixSocket != nil { server.logger.notice("Ready to accept connections unix") }
    }

    /// Redis's adjustOpenFilesLimit: maxclients connections need maxclients + 32 descriptors; raise the soft limit
    /// as far as the hard limit allows, and lower maxclients (with a warning) if even that is not enough.
    private func adjustOpenFilesLimit() {
        let wanted = rlim_t(config.maxClients + 32)
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < wanted else { return }
        let original = limit.rlim_cur
        var target = min(wanted, limit.rlim_max)
        while target > original {
            limit.rlim_cur = target
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { break }
            target -= 16
        }
        if target >= wanted {
            server.logger.notice("Increased maximum number of open files to \(target) (it was originally set to \(original)).")
        } else {
            let reduced = max(1, Int(max(target, original)) - 32)
            server.logger.warning("You requested maxclients of \(config.maxClients) requiring at least \(wanted) max file descriptors. Server can't set maximum open files to \(wanted) because of OS error; maxclients is now \(reduced).")
            try? config.set("maxclients", [String(reduced)], startup: true)
        }
    }

    /// Handles SIGTERM and SIGINT like redis-server: log, shut down, exit 0; a second SIGINT exits at once.
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
                self?.transport?.requestStop(reason: ["Received \(name) scheduling shutdown..."])
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Closes the listeners and every connection; `wait()` returns afterwards.
    public func stop() {
        transport?.requestStop(reason: [])
    }

    /// Blocks until the server has stopped.
    public func wait() throws {
        try transport?.wait()
    }
}

/// Parses `bind` entries: "-addr" is optional (ignore failure), "*" is every IPv4 address, "::*" every IPv6 one.
struct BindAddress {
    let host: String
    let optional: Bool

    init(_ entry: String) {
        optional = entry.hasPrefix("-")
        let raw = optional ? String(entry.dropFirst()) : entry
        switch raw {
        case "*": host = "0.0.0.0"
        case "::*": host = "::"
        default: host = raw
        }
    }
}
