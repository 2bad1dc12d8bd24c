// Parses and executes the requests buffered for one connection, for any transport: every complete request in the
// pending bytes is executed in order (replies accumulate in the client's output buffer), consumed bytes are
// dropped, and the outcome tells the transport whether to wait for more input, retry later (CLIENT PAUSE), or
// close after flushing. Arguments are views into the pending bytes, so nothing is copied per command.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarCommands
import CinnabarRESP
import CinnabarStorage
import NIOCore

struct RequestProcessor {
    enum Outcome {
        /// Everything complete was executed; wait for more bytes.
        case needMore
        /// A command is postponed by CLIENT PAUSE; call `process` again later.
        case paused
        /// A command blocked the client (BLPOP...); call `process` again once `Client.onUnblocked` fires.
        case blocked
        /// Flush the replies, then close (QUIT, CLIENT KILL of self, a protocol error, the query buffer limit).
        case close
    }

    private(set) var parser = RESPRequestParser()
    /// Commands executed by the last `process` call.
    private(set) var executedInLastBatch = 0

    /// Executes what `pending` holds. The reader index of `pending` is the start of the first unparsed frame.
    mutating func process(_ pending: inout ByteBuffer, client: Client, server: Server) -> Outcome {
        server.keyspace.updateTime()
        var limits = RESPParserLimits()
        limits.maxBulkLength = server.config.protoMaxBulkLen
        var consumed = 0
        var executed = 0
        var protocolError: String? = nil
        var context = server.makeContext(for: client)
        let outcome: Outcome = pending.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return .needMore }
            let total = bytes.count
            while consumed < total {
                let frame = UnsafeRawBufferPointer(start: base + consumed, count: total - consumed)
                limits.authenticated = client.authenticated
                switch parser.parse(frame, limits: limits) {
                case .incomplete:
                    return .needMore
                case let .protocolError(message):
                    protocolError = message
                    return .close
                case let .command(length):
                    if parser.argumentCount == 0 {
                        consumed += length
                        continue
                    }
                    // Like Redis, the command being executed still counts in the query buffer (CLIENT LIST qbuf).
                    client.queryBufferLength = total - consumed
                    let result: ExecutionResult
                    if parser.isInline {
                        result = parser.inlineStorage.withUnsafeBytes { inline in
                            server.execute(Arguments(base: inline.baseAddress, slices: parser.argumentBuffer), client: client,
                                           context: &context)
                        }
                    } else {
                        result = server.execute(Arguments(base: frame.baseAddress, slices: parser.argumentBuffer), client: client,
                                                context: &context)
                    }
                    if result == .postponed { return .paused }
                    executed += 1
                    consumed += length
                    if client.closeAfterReply { return .close }
                    if result == .blocked { return .blocked }
                }
            }
            return .needMore
        }
        executedInLastBatch = executed
        pending.moveReaderIndex(forwardBy: consumed)
        if pending.readableBytes == 0 {
            // Like Redis's query-buffer shrinking: after a very large request, drop the big buffers.
            if pending.capacity > 256 * 1024 {
                pending = ByteBufferAllocator().buffer(capacity: 16 * 1024)
            } else {
                pending.clear()
            }
            parser.releaseLargeBuffers()
        } else if pending.readerIndex > 64 * 1024 {
            pending.discardReadBytes()
        }
        client.queryBufferLength = pending.readableBytes
        client.queryBufferCapacity = pending.capacity
        if let message = protocolError {
            server.replyError(CommandError("ERR " + message), client: client)
            server.logger.info("Protocol error (\(message)) from client: \(client.address)")
            return .close
        }
        if case .needMore = outcome {
            if pending.readableBytes > server.config.clientQueryBufferLimit {
                server.logger.warning("Closing client that reached max query buffer length: \(client.address)")
                server.stats.clientQueryBufferLimitDisconnections += 1
                return .close
            }
            if let expected = parser.expectedBulkLength, expected > 32 * 1024 {
                // A large argument is on its way: make room once instead of growing repeatedly.
                pending.reserveCapacity(minimumWritableBytes: min(expected + 2, server.config.protoMaxBulkLen + 2))
            }
        }
        return outcome
    }
}
