// The SwiftNIO transport's per-connection handler: accumulates received bytes, lets the RequestProcessor execute
// every complete request on this (the only) event loop, and flushes all replies of one read with a single write.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarCommands
import CinnabarRESP
import CinnabarStorage
import NIOCore

final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: Server
    private var client: Client?
    private var processor = RequestProcessor()
    /// Received bytes not yet consumed; its reader index is the start of the frame being parsed.
    private var pending: ByteBuffer
    private var context: ChannelHandlerContext?
    private var retryScheduled = false
    private var closed = false

    init(server: Server, allocator: ByteBufferAllocator) {
        self.server = server
        self.pending = allocator.buffer(capacity: 0)
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        let remote = context.remoteAddress.map(Self.describe) ?? "unknown"
        let local = context.localAddress.map(Self.describe) ?? "unknown"
        // NIO does not expose the descriptor; CLIENT LIST's fd is a stable per-connection number instead.
        let fd = Int32(truncatingIfNeeded: 8 + server.stats.connectionsReceived)
        let isUnix: Bool
        if case .unixDomainSocket = context.remoteAddress { isUnix = true } else { isUnix = context.remoteAddress == nil }
        if let denial = server.protectedModeRejection(peerAddress: remote, isUnixSocket: isUnix) {
            var b = context.channel.allocator.buffer(capacity: denial.utf8.count)
            b.writeString(denial)
            context.writeAndFlush(wrapOutboundOut(b)).whenComplete { _ in context.close(promise: nil) }
            closed = true
            return
        }
        guard let client = server.connect(address: remote, localAddress: local, fd: fd) else {
            var b = context.channel.allocator.buffer(capacity: 64)
            b.writeString("-ERR max number of clients reached\r\n")
            context.writeAndFlush(wrapOutboundOut(b)).whenComplete { _ in context.close(promise: nil) }
            closed = true
            return
        }
        client.out = context.channel.allocator.buffer(capacity: 16 * 1024)
        client.closeConnection = { [weak self] in self?.closeNow() }
        client.onUnblocked = { [weak self] in
            guard let self, let ctx = self.context else { return }
            // Served from another client's command: continue this one's input after it, on the loop.
            ctx.eventLoop.execute {
                guard let client = self.client, let ctx = self.context, !self.closed else { return }
                self.process(context: ctx, client: client)
            }
        }
        client.sendAsync = { [weak self] buffer in
            guard let self, let ctx = self.context, !self.closed else { return }
            self.server.flushAppendOnlyFileBeforeReplies()
            ctx.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
        }
        self.client = client
        context.fireChannelActive()
    }

    static func describe(_ address: SocketAddress) -> String {
        switch address {
        case .v4: return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        case .v6: return "[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
        case .unixDomainSocket: return "\(address.pathname ?? ""):0"
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let client { server.disconnect(client) }
        client?.closeConnection = nil
        client?.sendAsync = nil
        client?.onUnblocked = nil
        client = nil
        closed = true
        self.context = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        guard let client, !closed else { return }
        server.stats.netInputBytes += incoming.readableBytes
        server.readsProcessed += 1
        if pending.readableBytes == 0 {
            pending = incoming
        } else {
            pending.writeBuffer(&incoming)
        }
        client.lastInteraction = server.keyspace.now
        process(context: context, client: client)
    }

    private func process(context: ChannelHandlerContext, client: Client) {
        guard client.blockedState == nil else { return }
        switch processor.process(&pending, client: client, server: server) {
        case .needMore:
            flush(context: context, client: client)
        case .paused:
            flush(context: context, client: client)
            scheduleRetry(context: context)
        case .blocked:
            flush(context: context, client: client)
        case .close:
            flush(context: context, client: client)
            closeNow()
        }
    }

    private func flush(context: ChannelHandlerContext, client: Client) {
        guard client.out.readableBytes > 0, !closed else { return }
        // Acknowledged writes reach the AOF (and the disk with appendfsync always) before any reply leaves.
        server.flushAppendOnlyFileBeforeReplies()
        server.stats.netOutputBytes += client.out.readableBytes
        server.writesProcessed += 1
        context.writeAndFlush(wrapOutboundOut(client.out), promise: nil)
        // The socket write usually completes inside the flush, leaving the buffer unique again, so clearing it
        // reuses its storage instead of allocating.
        client.out.clear()
    }

    /// CLIENT PAUSE: try the postponed command again shortly.
    private func scheduleRetry(context: ChannelHandlerContext) {
        guard !retryScheduled else { return }
        retryScheduled = true
        context.eventLoop.scheduleTask(in: .milliseconds(10)) { [weak self] in
            guard let self, let client = self.client, let ctx = self.context, !self.closed else { return }
            self.retryScheduled = false
            self.process(context: ctx, client: client)
        }
    }

    private func closeNow() {
        guard !closed, let context else { return }
        closed = true
        if let client { server.disconnect(client) }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        closeNow()
    }
}
