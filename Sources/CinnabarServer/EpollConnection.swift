// One connection of the epoll transport: its socket, its pending input, and output the socket has not taken yet.
// Reads go straight into the pending buffer's free space; replies are written as soon as a read's commands ran,
// and only a remainder waits for EPOLLOUT (with EPOLLOUT registered only while there is one).
// SPDX-License-Identifier: BSD-3-Clause
#if os(Linux)
import CCinnabarShims
import CinnabarCommands
import CinnabarStorage
import Glibc
import NIOCore

final class EpollConnection {
    let fd: Int32
    let token: UInt64
    let client: Client
    /// Strong (the server outlives its connections; an unowned reference would be re-checked at every use).
    private let server: Server
    private unowned let transport: EpollTransport
    private var pending: ByteBuffer
    private var processor = RequestProcessor()
    /// Reply bytes the socket did not accept yet; nil when everything was written.
    private var unsent: ByteBuffer? = nil
    private(set) var closed = false
    private var closeWhenDrained = false
    /// Queued in the transport's end-of-iteration writes.
    private var writeQueued = false

    init(fd: Int32, token: UInt64, client: Client, transport: EpollTransport) {
        self.fd = fd
        self.token = token
        self.client = client
        self.server = transport.server
        self.transport = transport
        self.pending = transport.allocator.buffer(capacity: 16 * 1024)
        client.out = transport.allocator.buffer(capacity: 16 * 1024)
        client.closeConnection = { [weak self] in self?.close() }
        client.onUnblocked = { [weak self] in
            guard let self, !self.closed else { return }
            self.transport.resumeAfterBlock(self)
        }
        client.sendAsync = { [weak self] buffer in
            guard let self, !self.closed else { return }
            var b = buffer
            self.client.out.writeBuffer(&b)
            self.queueWrite()
        }
    }

    /// EPOLLIN: one read (16 KB, or all the room reserved for a large argument), then run what arrived.
    func readable() {
        guard !closed, !closeWhenDrained else { return }
        var count = 0
        var failure: Int32 = 0
        // Move a partial request to the front rather than grow the buffer for the next read (as Redis trims its
        // query buffer): a client pipelining many large commands otherwise kept a buffer of up to 256 KB.
        if pending.writableBytes < 16 * 1024 && pending.readerIndex > 0 { pending.discardReadBytes() }
        pending.writeWithUnsafeMutableBytes(minimumWritableBytes: 16 * 1024) { space in
            count = read(fd, space.baseAddress, space.count)
            if count < 0 { failure = errno }
            return max(count, 0)
        }
        if count == 0 {
            close()
            return
        }
        if count < 0 {
            if failure != EAGAIN && failure != EWOULDBLOCK && failure != EINTR { close() }
            return
        }
        server.stats.netInputBytes += count
        server.readsProcessed += 1
        client.lastInteraction = server.keyspace.now
        handleInput()
    }

    /// Executes the buffered requests and writes their replies.
    func handleInput() {
        // A blocked client's further input waits until it is served (Redis stops processing its query buffer).
        guard !closed, client.blockedState == nil else { return }
        switch processor.process(&pending, client: client, server: server) {
        case .needMore:
            // A pipelined batch already makes a burst of replies: write it now. A single request's reply waits
            // for the end of the loop iteration, so that the replies to many such clients leave together.
            if processor.executedInLastBatch > 1 { flush() } else { queueWrite() }
        case .paused:
            queueWrite()
            transport.retryLater(self)
        case .blocked:
            queueWrite()
        case .close:
            flushAndClose()
        }
    }

    /// Schedules the replies for the end of the loop iteration.
    private func queueWrite() {
        guard !writeQueued, !closed, client.out.readableBytes > 0 else { return }
        writeQueued = true
        transport.pendingWrites.append(self)
    }

    /// Called by the transport at the end of the loop iteration.
    func writeQueuedReplies() {
        writeQueued = false
        flush()
    }

    /// Writes the client's replies now; what the socket does not take waits for EPOLLOUT.
    func flush() {
        guard !closed, client.out.readableBytes > 0 else { return }
        // Acknowledged writes reach the AOF (and the disk with appendfsync always) before any reply leaves.
        server.flushAppendOnlyFileBeforeReplies()
        server.stats.netOutputBytes += client.out.readableBytes
        server.writesProcessed += 1
        if unsent != nil {
            unsent!.writeBuffer(&client.out)
            client.out.clear()
            client.unsentBytes = unsent!.readableBytes
            return
        }
        var failure: Int32 = 0
        let written = client.out.withUnsafeReadableBytes { bytes -> Int in
            let n = write(fd, bytes.baseAddress, bytes.count)
            if n < 0 { failure = errno }
            return n
        }
        if written == client.out.readableBytes {
            // A big reply (KEYS *, a large LRANGE) leaves a big buffer: give it back rather than keep it per client.
            if client.out.capacity > 256 * 1024 {
                client.out = transport.allocator.buffer(capacity: 16 * 1024)
            } else {
                client.out.clear()
            }
            return
        }
        if written < 0 && failure != EAGAIN && failure != EWOULDBLOCK && failure != EINTR {
            close()
            return
        }
        client.out.moveReaderIndex(forwardBy: max(written, 0))
        // Keep the remainder and give the client a fresh buffer rather than copying the remainder.
        unsent = client.out
        client.unsentBytes = client.out.readableBytes
        client.out = transport.allocator.buffer(capacity: 16 * 1024)
        transport.modify(fd, token: token, events: closeWhenDrained ? EPOLLOUT.rawValue : EPOLLIN.rawValue | EPOLLOUT.rawValue)
    }

    /// EPOLLOUT: continue writing what the socket refused earlier.
    func writable() {
        guard !closed, var remainder = unsent else { return }
        var failure: Int32 = 0
        let written = remainder.withUnsafeReadableBytes { bytes -> Int in
            let n = write(fd, bytes.baseAddress, bytes.count)
            if n < 0 { failure = errno }
            return n
        }
        if written < 0 {
            if failure != EAGAIN && failure != EWOULDBLOCK && failure != EINTR { close() }
            return
        }
        remainder.moveReaderIndex(forwardBy: written)
        client.unsentBytes = remainder.readableBytes
        if remainder.readableBytes > 0 {
            unsent = remainder
            return
        }
        unsent = nil
        if closeWhenDrained {
            close()
        } else {
            transport.modify(fd, token: token, events: EPOLLIN.rawValue)
        }
    }

    /// Writes what can be written and closes once the replies are out (QUIT, protocol errors, shutdown).
    func flushAndClose() {
        guard !closed else { return }
        closeWhenDrained = true
        flush()
        if unsent == nil { close() }
    }

    func close() {
        guard !closed else { return }
        closed = true
        transport.unregister(fd)
        Glibc.close(fd)
        transport.connections[token] = nil
        client.closeConnection = nil
        client.sendAsync = nil
        client.onUnblocked = nil
        server.disconnect(client)
    }
}
#endif
