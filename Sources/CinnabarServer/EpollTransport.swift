// The epoll transport (Linux): Redis's own shape, an `ae`-style loop on one thread. epoll_wait with a timeout up
// to the next timer (cron, fast expire cycle, CLIENT PAUSE retry); a readable listener accepts every pending
// connection; a readable connection is read once into its pending buffer (16 KB, or the rest of a large argument,
// as Redis reads) and handed to the RequestProcessor; the replies of that read are written at once, and only what
// the socket does not take is kept and written on EPOLLOUT. Per read-and-reply cycle this costs a few hundred
// instructions instead of SwiftNIO's several thousand (see docs/performance.md), which matters most when clients
// do not pipeline.
// SPDX-License-Identifier: BSD-3-Clause
#if os(Linux)
import CCinnabarShims
import CinnabarCommands
import CinnabarStorage
import Glibc
import NIOConcurrencyHelpers
import NIOCore

struct TransportError: Error, CustomStringConvertible {
    let description: String
}

final class EpollTransport: ServerTransport, @unchecked Sendable {
    let server: Server
    private let ephemeralPort: Bool
    private let epollFD: Int32
    private let wakeFD: Int32
    private var listeners: [UInt64: (fd: Int32, isUnix: Bool)] = [:]
    var connections: [UInt64: EpollConnection] = [:]
    private var nextToken: UInt64 = 1
    private let wakeToken: UInt64 = 0
    private let cron: ServerCron
    private var nextCron: Int64 = 0
    private var nextFastCycle: Int64? = nil
    private var pausedTokens: [UInt64] = []
    /// Connections unblocked during this iteration: their pending input runs before the replies are written.
    private var resumed: [EpollConnection] = []
    private var nextPauseRetry: Int64 = 0
    private let stopRequest = NIOLockedValueBox<[String]?>(nil)
    /// Connections with replies to write at the end of this loop iteration (Redis's beforeSleep writes): the
    /// replies of everything that was ready leave together, so clients wake up once per burst.
    var pendingWrites: [EpollConnection] = []
    /// The list being written; swapped with `pendingWrites` so neither is copied or reallocated per iteration.
    private var writing: [EpollConnection] = []
    private var thread = pthread_t()
    private var running = false
    let allocator = ByteBufferAllocator()

    init(server: Server, ephemeralPort: Bool) {
        self.server = server
        self.ephemeralPort = ephemeralPort
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        cron = ServerCron(server: server)
        register(wakeFD, token: wakeToken, events: EPOLLIN.rawValue)
    }

    deinit {
        close(wakeFD)
        close(epollFD)
    }

    // MARK: - Listeners

    func start() throws -> Int {
        let config = server.config
        var boundPort: Int? = nil
        // `port 0` disables TCP, as in Redis, unless the embedder asked for an ephemeral port.
        let entries = config.port == 0 && !ephemeralPort ? [] : config.bind
        for entry in entries {
            let address = BindAddress(entry)
            do {
                let (fd, port) = try listenTCP(host: address.host, port: boundPort ?? config.port, backlog: config.tcpBacklog)
                boundPort = port
                addListener(fd, isUnix: false)
            } catch {
                if address.optional { continue }
                server.logger.warning("Warning: Could not create server TCP listening socket \(address.host):\(config.port): \(error)")
                server.logger.warning("Failed listening on port \(config.port) (tcp), aborting.")
                closeListeners()
                throw error
            }
        }
        if let path = config.unixSocket {
            let perm = Int(config.get("unixsocketperm") ?? "0").flatMap { Int(String($0), radix: 8) } ?? 0
            addListener(try listenUnix(path: path, permissions: perm, backlog: config.tcpBacklog), isUnix: true)
        }
        nextCron = monotonicMilliseconds() + cron.periodMilliseconds
        running = true
        let unmanaged = Unmanaged.passRetained(self)
        let rc = pthread_create(&thread, nil, { argument in
            let transport = Unmanaged<EpollTransport>.fromOpaque(argument!).takeRetainedValue()
            transport.run()
            return nil
        }, unmanaged.toOpaque())
        guard rc == 0 else {
            unmanaged.release()
            throw TransportError(description: "could not start the event loop thread: \(rc)")
        }
        return boundPort ?? 0
    }

    private func addListener(_ fd: Int32, isUnix: Bool) {
        let token = nextToken
        nextToken += 1
        listeners[token] = (fd, isUnix)
        register(fd, token: token, events: EPOLLIN.rawValue)
    }

    private func closeListeners() {
        for (_, listener) in listeners {
            epoll_ctl(epollFD, EPOLL_CTL_DEL, listener.fd, nil)
            close(listener.fd)
        }
        listeners.removeAll()
    }

    private func listenTCP(host: String, port: Int, backlog: Int) throws -> (Int32, Int) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST
        var result: UnsafeMutablePointer<addrinfo>? = nil
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            throw TransportError(description: "bind: \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(result) }
        var lastError = "bind: no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let ai = candidate {
            candidate = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if ai.pointee.ai_family == AF_INET6 {
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            if bind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) != 0 || listen(fd, Int32(clamping: backlog)) != 0 {
                lastError = "bind: " + String(cString: strerror(errno))
                close(fd)
                continue
            }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
            }
            return (fd, SocketAddressText.port(storage))
        }
        throw TransportError(description: lastError)
    }

    private func listenUnix(path: String, permissions: Int, backlog: Int) throws -> Int32 {
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TransportError(description: "socket: " + String(cString: strerror(errno))) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw TransportError(description: "unix socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0, listen(fd, Int32(clamping: backlog)) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw TransportError(description: "bind: \(message)")
        }
        if permissions != 0 { chmod(path, mode_t(permissions)) }
        return fd
    }

    // MARK: - The loop

    private func run() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while true {
            let now = monotonicMilliseconds()
            var deadline = nextCron
            if let fast = nextFastCycle { deadline = min(deadline, fast) }
            if !pausedTokens.isEmpty { deadline = min(deadline, nextPauseRetry) }
            var timeout = Int32(clamping: max(0, deadline - now))
            if let wakeup = server.nextBlockingWakeup {
                // Blocked-client deadlines are Unix milliseconds.
                let wait = wakeup - server.keyspace.clock.readMilliseconds()
                timeout = min(timeout, Int32(clamping: max(0, wait)))
            }
            // A background save sweeps between events: poll instead of sleeping until it is done.
            if server.hasBackgroundWork { timeout = 0 }
            let n = epoll_wait(epollFD, events, Int32(capacity), timeout)
            if n < 0 && errno != EINTR {
                server.logger.warning("epoll_wait failed: \(String(cString: strerror(errno)))")
                break
            }
            for i in 0..<Int(max(n, 0)) {
                let token = events[i].data.u64
                let mask = events[i].events
                if token == wakeToken {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else if let connection = connections[token] {
                    // Connections first: one table lookup for the common event.
                    if mask & (EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { connection.readable() }
                    if !connection.closed && mask & EPOLLOUT.rawValue != 0 { connection.writable() }
                } else if let listener = listeners[token] {
                    acceptConnections(listener.fd, isUnix: listener.isUnix)
                }
            }
            runTimers()
            runBlockedClients()
            writePendingReplies()
            // Changes with no reply to carry them (expiry, CLIENT REPLY OFF) reach the AOF each iteration too.
            server.flushAppendOnlyFileBeforeReplies()
            // What that handed to replicas (the stream of changes no reply carried) leaves now too.
            writePendingReplies()
            if server.hasBackgroundWork { server.backgroundWorkStep(microseconds: 1000) }
            if let reasons = stopRequest.withLockedValue({ $0 }) {
                shutDown(reasons)
                return
            }
        }
    }

    /// While a script runs past busy-reply-threshold (Redis's processEventsWhileBlocked): one non-blocking pass
    /// over the sockets. Other clients' commands get BUSY unless they may run (SCRIPT KILL, FUNCTION KILL,
    /// SHUTDOWN NOSAVE ...); the script's own client is left alone until the script ends.
    func processEventsWhileBusy() {
        let capacity = 64
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        let caller = server.scriptCaller
        let n = epoll_wait(epollFD, events, Int32(capacity), 0)
        for i in 0..<Int(max(n, 0)) {
            let token = events[i].data.u64
            let mask = events[i].events
            if token == wakeToken {
                var value: UInt64 = 0
                _ = read(wakeFD, &value, 8)
            } else if let listener = listeners[token] {
                acceptConnections(listener.fd, isUnix: listener.isUnix)
            } else if let connection = connections[token], connection.client !== caller {
                if mask & (EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { connection.readable() }
                if !connection.closed && mask & EPOLLOUT.rawValue != 0 { connection.writable() }
            }
        }
        writePendingReplies()
        if let reasons = stopRequest.withLockedValue({ $0 }) {
            // SHUTDOWN NOSAVE while a script runs: there is no returning to the loop; leave as Redis does.
            shutDown(reasons)
            exit(0)
        }
    }

    private func runTimers() {
        let now = monotonicMilliseconds()
        if now >= nextCron {
            if cron.tick() && nextFastCycle == nil { nextFastCycle = now + 2 }
            nextCron = now + cron.periodMilliseconds
        }
        if let fast = nextFastCycle, now >= fast {
            nextFastCycle = cron.fastCycle() ? now + 2 : nil
        }
        if !pausedTokens.isEmpty && now >= nextPauseRetry {
            let tokens = pausedTokens
            pausedTokens.removeAll()
            for token in tokens { connections[token]?.handleInput() }
        }
    }

    /// Blocked-client timeouts, waiters held back by a CLIENT PAUSE that ended, and the input of clients that
    /// were unblocked in this iteration.
    private func runBlockedClients() {
        if !server.blockedClients.isEmpty {
            server.keyspace.updateTime()
            server.expireBlockedClients(now: server.keyspace.now)
        }
        if server.keyspace.state.hasReadyKeys { server.serveClientsBlockedOnKeys() }
        while !resumed.isEmpty {
            let batch = resumed
            resumed.removeAll()
            for connection in batch { connection.handleInput() }
        }
    }

    /// Called when a blocked client is unblocked: its replies and remaining input are handled in this iteration.
    func resumeAfterBlock(_ connection: EpollConnection) {
        resumed.append(connection)
    }

    private func writePendingReplies() {
        guard !pendingWrites.isEmpty else { return }
        swap(&pendingWrites, &writing)
        for connection in writing { connection.writeQueuedReplies() }
        writing.removeAll(keepingCapacity: true)
    }

    /// CLIENT PAUSE: the connection retries its postponed command every 10 ms.
    func retryLater(_ connection: EpollConnection) {
        if !pausedTokens.contains(connection.token) { pausedTokens.append(connection.token) }
        nextPauseRetry = monotonicMilliseconds() + 10
    }

    private func acceptConnections(_ listenFD: Int32, isUnix: Bool) {
        while true {
            var storage = sockaddr_storage()
            var length = UInt32(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { cinnabar_accept_nonblocking(listenFD, $0, &length) }
            }
            if fd < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK {
                    server.logger.warning("Accepting client connection: \(String(cString: strerror(errno)))")
                }
                return
            }
            var one: Int32 = 1
            if !isUnix {
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                let keepAlive = Int32(clamping: server.config.tcpKeepAlive)
                if keepAlive > 0 {
                    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
                    var idle = keepAlive
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, socklen_t(MemoryLayout<Int32>.size))
                }
            }
            let peer = isUnix ? "\(server.config.unixSocket ?? ""):0" : SocketAddressText.describe(storage)
            let local = isUnix ? "\(server.config.unixSocket ?? ""):0" : SocketAddressText.local(fd)
            if let denial = server.protectedModeRejection(peerAddress: peer, isUnixSocket: isUnix) {
                let message = Array(denial.utf8)
                _ = message.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                continue
            }
            guard let client = server.connect(address: peer, localAddress: local, fd: fd) else {
                let message = Array("-ERR max number of clients reached\r\n".utf8)
                _ = message.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                continue
            }
            let token = nextToken
            nextToken += 1
            let connection = EpollConnection(fd: fd, token: token, client: client, transport: self)
            connections[token] = connection
            register(fd, token: token, events: EPOLLIN.rawValue)
        }
    }

    // MARK: - epoll registration

    func register(_ fd: Int32, token: UInt64, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    func modify(_ fd: Int32, token: UInt64, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    func unregister(_ fd: Int32) {
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    // MARK: - Stopping

    func requestStop(reason: [String]) {
        stopRequest.withLockedValue { current in current = (current ?? []) + reason }
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func shutDown(_ reasons: [String]) {
        for line in reasons { server.logger.warning("\(line)") }
        server.logger.notice("User requested shutdown...")
        // A signal (SIGTERM/SIGINT) saves like SHUTDOWN without arguments; SHUTDOWN has saved already.
        if !reasons.isEmpty && !server.persistence.shutdownPrepared {
            _ = server.prepareForShutdown(save: nil, force: true)
        }
        for connection in Array(connections.values) { connection.flushAndClose() }
        closeListeners()
        if let path = server.config.unixSocket {
            server.logger.notice("Removing the unix socket file.")
            unlink(path)
        }
        server.logger.warning("Redis is now ready to exit, bye bye...")
    }

    func wait() throws {
        guard running else { return }
        pthread_join(thread, nil)
        running = false
    }
}

/// Milliseconds of the monotonic clock (timers).
@inline(__always)
func monotonicMilliseconds() -> Int64 { monotonicMicroseconds() / 1000 }

/// Socket addresses in Redis's "ip:port" / "[ipv6]:port" form.
enum SocketAddressText {
    static func describe(_ storage: sockaddr_storage) -> String {
        var s = storage
        return withUnsafePointer(to: &s) { p -> String in
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            if Int32(storage.ss_family) == AF_INET {
                return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin -> String in
                    var addr = sin.pointee.sin_addr
                    inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
                    return String(cString: buffer) + ":\(UInt16(bigEndian: sin.pointee.sin_port))"
                }
            }
            if Int32(storage.ss_family) == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 -> String in
                    var addr = sin6.pointee.sin6_addr
                    inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                    return "[" + String(cString: buffer) + "]:\(UInt16(bigEndian: sin6.pointee.sin6_port))"
                }
            }
            return "?:0"
        }
    }

    static func port(_ storage: sockaddr_storage) -> Int {
        var s = storage
        return withUnsafePointer(to: &s) { p in
            if Int32(storage.ss_family) == AF_INET {
                return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
        }
    }

    static func local(_ fd: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        return describe(storage)
    }
}
#endif
