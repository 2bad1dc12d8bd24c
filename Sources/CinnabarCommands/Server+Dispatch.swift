// The dispatcher: Redis's processCommand + call in one place. It looks the command up, checks existence,
// subcommand, arity and authentication, honours CLIENT PAUSE and CLIENT REPLY, runs the handler, turns a thrown
// CommandError into the error reply, and records commandstats, errorstats, the slow log and MONITOR output.
// Handlers only read their arguments, do the work and reply.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage
import NIOCore

public enum ExecutionResult: Equatable, Sendable {
    case done
    /// The client is paused (CLIENT PAUSE): retry the same command later without consuming it.
    case postponed
    /// The command blocked the client (BLPOP...): it is consumed; process nothing more for this client until
    /// `Client.onUnblocked` is called.
    case blocked
}

extension Server {
    /// Executes one command for a client, appending the reply to `client.out`.
    @discardableResult
    public func execute(_ args: Arguments, client: Client) -> ExecutionResult {
        var context = makeContext(for: client)
        return execute(args, client: client, context: &context)
    }

    /// A context for a batch of `client`'s commands, passed to each `execute(_:client:context:)` of the batch. Its
    /// arguments and spec are placeholders until `invoke` points it at a command.
    public func makeContext(for client: Client) -> CommandContext {
        let noArguments = Arguments(base: nil, slices: UnsafeBufferPointer(start: nil, count: 0))
        return CommandContext(server: self, client: client, args: noArguments, spec: commands.all[0])
    }

    /// Executes one command of `client`, reusing its batch's context (see CommandContext).
    @discardableResult
    public func execute(_ args: Arguments, client: Client, context: inout CommandContext) -> ExecutionResult {
        guard args.count > 0 else { return .done }
        assert(context.client === client)
        let before = client.replyMode
        let replyStart = client.out.writerIndex
        let previous = executing
        executing = Unmanaged.passUnretained(client)
        let result = dispatch(args, client: client, context: &context)
        executing = previous
        if keyspace.state.hasReadyKeys { serveClientsBlockedOnKeys() }
        if before == .on && client.replyMode == .on {
            if client.deferredPushes != nil { appendDeferredPushes(client) }
            if trackingHooked { afterCommandWithTracking(client) }
            return result
        }
        // CLIENT REPLY OFF / SKIP: the reply of a suppressed command, error or not, is discarded. As in Redis,
        // SKIP set by one command applies to the next one, and REPLY ON's own +OK is sent.
        let after = client.replyMode
        let skipped = before == .skipThis && after == .skipThis
        if after == .off || skipped { client.out.moveWriterIndex(to: replyStart) }
        if client.deferredPushes != nil { appendDeferredPushes(client) }
        if skipped { client.replyMode = .on }
        if after == .skipNext { client.replyMode = .skipThis }
        if trackingHooked { afterCommandWithTracking(client) }
        return result
    }

    /// Tracking's work after a top-level command (Tracking.swift). The client's own invalidations it sends (BCAST,
    /// evictions) go to its output after the reply, never ahead of it through `sendAsync`.
    private func afterCommandWithTracking(_ client: Client) {
        trackingReplyClient = client
        trackingAfterCommand(client)
        trackingReplyClient = nil
        if client.deferredPushes != nil { appendDeferredPushes(client) }
    }

    /// Whether this command must check memory first: only commands that can grow the dataset (deny-oom ones, or
    /// anything queued into a MULTI) do, and only once the bytes they brought since the allocator was last asked
    /// could have reached maxmemory. Reading the allocator's statistics on every write would cost more than the
    /// write itself; this estimate only ever overshoots, so the limit is still enforced.
    @inline(__always)
    private func mayGrowMemory(_ spec: CommandSpec, _ args: Arguments, _ client: Client) -> Bool {
        guard spec.flags.contains(.denyOOM) || client.multiState != nil else { return false }
        var bytes = 64
        for i in 1..<args.count { bytes &+= args[i].count + 16 }
        memoryEstimate &+= bytes
        return memoryEstimate >= config.maxMemory
    }

    /// Out of memory, Redis refuses deny-oom commands, EXEC of a transaction holding one, and anything queued into
    /// a MULTI (queues grow without bound) except EXEC, DISCARD, QUIT and RESET.
    private func refusedWhenOutOfMemory(_ spec: CommandSpec, _ client: Client) -> Bool {
        if spec.flags.contains(.denyOOM) { return true }
        guard let multi = client.multiState else { return false }
        if spec.parent == nil && spec.name == "exec" { return multi.commands.contains { $0.spec.flags.contains(.denyOOM) } }
        if spec.parent == nil && ["discard", "quit", "reset"].contains(spec.name) { return false }
        return true
    }

    /// processCommand's is_write_command: a write, or EXEC of a transaction holding one.
    private func isWriteCommand(_ spec: CommandSpec, _ client: Client) -> Bool {
        if spec.flags.contains(.write) { return true }
        guard spec.parent == nil && spec.name == "exec", let multi = client.multiState else { return false }
        return multi.commands.contains { $0.spec.flags.contains(.write) }
    }

    /// Pushes held back during the command (CLIENT REPLY OFF, a client's own messages inside EXEC) follow its reply.
    private func appendDeferredPushes(_ client: Client) {
        guard var pushes = client.deferredPushes else { return }
        client.out.writeBuffer(&pushes)
        client.deferredPushes = nil
    }

    private func dispatch(_ args: Arguments, client: Client, context: inout CommandContext) -> ExecutionResult {
        guard let found = commands.findUnmanaged(args[0]) else {
            rejectUnknown(args, client: client)
            return .done
        }
        // The table keeps every spec alive: use it without reference counting.
        return found._withUnsafeGuaranteedRef { command in
            if !command.subcommands.isEmpty && args.count >= 2 {
                guard let sub = command.subcommand(args[1]) else {
                    reject(.unknownSubcommand(args.string(1), command: args.string(0)), client: client)
                    return .done
                }
                return run(sub, args, client: client, context: &context)
            }
            return run(command, args, client: client, context: &context)
        }
    }

    /// Checks arity, authentication and pause for a resolved command, then executes it.
    @inline(__always)
    private func run(_ spec: CommandSpec, _ args: Arguments, client: Client, context: inout CommandContext)
        -> ExecutionResult
    {
        if (spec.arity > 0 && spec.arity != args.count) || args.count < -spec.arity {
            spec.rejectedCalls += 1
            reject(.wrongArity(spec.fullName), client: client)
            return .done
        }
        if !client.authenticated && !spec.flags.contains(.noAuth) {
            reject(.noAuth, client: client, spec: spec)
            return .done
        }
        if busyScriptRunning && !spec.flags.contains(.allowBusy) && client !== runningScript?.caller {
            reject(busyScriptError, client: client, spec: spec)
            return .done
        }
        if client.isSubscribed && !client.resp3 && !spec.allowedWhileSubscribed {
            reject(.err("Can't execute '\(spec.fullName)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"), client: client)
            return .done
        }
        if config.maxMemory > 0 && mayGrowMemory(spec, args, client) {
            // Evictions happen before the command runs: pushes they cause (tracking invalidations, keyspace
            // events) reach even this client before its reply, as in Redis.
            let running = executing
            executing = nil
            let ok = performEvictions()
            executing = running
            if !ok && refusedWhenOutOfMemory(spec, client) {
                reject(.outOfMemory, client: client, spec: spec)
                return .done
            }
        }
        if !persistence.lastBgsaveOK && writesRefusedByDiskError
            && (spec.flags.contains(.write) || (spec.parent == nil && spec.name == "ping"))
        {
            reject(.diskError, client: client, spec: spec)
            return .done
        }
        if !aof.lastWriteOK && (spec.flags.contains(.write) || (spec.parent == nil && spec.name == "ping")) {
            reject(CommandError("MISCONF Errors writing to the AOF file: \(aof.lastWriteError)"), client: client)
            return .done
        }
        if config.minReplicasToWrite > 0 && !hasEnoughGoodReplicas && isWriteCommand(spec, client) {
            reject(.noReplicas, client: client, spec: spec)
            return .done
        }
        if replication.masterHost != nil,
            let problem = replicaRejection(spec, client, write: isWriteCommand(spec, client))
        {
            reject(problem, client: client, spec: spec)
            return .done
        }
        // CLIENT PAUSE holds a command before it is queued into MULTI too, as Redis's processCommand does.
        if pause.kind != .none && isPaused(spec, args, client: client) {
            client.isPausedByServer = true
            return .postponed
        }
        if client.isPausedByServer { client.isPausedByServer = false }
        if let multi = client.multiState, !spec.runsInsideMulti {
            if spec.flags.contains(.noMulti) {
                reject(.err("Command not allowed inside a transaction"), client: client)
                return .done
            }
            // Queued, not run: EXEC runs it (queueMultiCommand).
            multi.commands.append((spec, args.owned()))
            client.out.writeRESPSimpleString("QUEUED")
            return .done
        }
        return invoke(spec, args, client: client, context: &context)
    }

    /// Runs a checked command: the handler, the error reply, commandstats, slow log, MONITOR and latency (Redis's
    /// call()). EXEC calls it for each queued command.
    @discardableResult
    func invoke(_ spec: CommandSpec, _ args: Arguments, client: Client) -> ExecutionResult {
        var context = CommandContext(server: self, client: client, args: args, spec: spec)
        return invoke(spec, args, client: client, context: &context)
    }

    @inline(__always)
    @discardableResult
    private func invoke(_ spec: CommandSpec, _ args: Arguments, client: Client, context: inout CommandContext)
        -> ExecutionResult
    {
        client.lastCommandSpec = spec
        context.prepare(spec, args)
        let start = timer.now()
        // Propagation (AOF): one predictable branch when off.
        if propagation.enabled {
            invokePropagating(spec, args, context: context)
        } else {
            do {
                try spec.handler(context)
            } catch {
                spec.failedCalls += 1
                replyError(error, client: client)
            }
        }
        if spec.flags.contains(.readonly) && (!client.trackingFlags.isEmpty || client.fd < 0) {
            rememberReadKeys(spec, args, client: client)
        }
        let duration = timer.microseconds(from: start, to: timer.now())
        // A command that blocked is counted when it completes (served again, timed out or unblocked).
        if client.blockedState != nil { return .blocked }
        spec.calls += 1
        spec.microseconds += duration
        stats.commandsProcessed += 1
        if duration >= config.slowlogLogSlowerThan && config.slowlogLogSlowerThan >= 0
            && !spec.flags.contains(.skipSlowlog)
        {
            slowLog.add(args: args, duration: duration, client: client, maxLength: config.slowlogMaxLen)
        }
        if !monitors.isEmpty && !spec.flags.contains(.skipMonitor) { feedMonitors(args, client: client) }
        let threshold = config.latencyMonitorThreshold
        if threshold > 0 && duration / 1000 >= threshold {
            latency.record(spec.flags.contains(.fast) ? "fast-command" : "command", milliseconds: Int(duration / 1000))
        }
        return .done
    }

    /// Client-side caching of what a read command fetched. A script's reads are remembered for the client that
    /// ran the script; the read-only script commands themselves track nothing (only what their scripts read).
    private func rememberReadKeys(_ spec: CommandSpec, _ args: Arguments, client: Client) {
        let tracker = client.fd < 0 ? (runningScript?.caller ?? client) : client
        guard !tracker.trackingFlags.isEmpty else { return }
        if spec.parent == nil && (spec.name == "eval_ro" || spec.name == "evalsha_ro" || spec.name == "fcall_ro") {
            return
        }
        trackingRememberKeys(spec, args, client: tracker)
    }

    /// The handler call while commands are propagated: records what the command changed (Propagation.swift).
    private func invokePropagating(_ spec: CommandSpec, _ args: Arguments, context: CommandContext) {
        let dirtyBefore = keyspace.dirty
        let expiryBefore = propagation.expiryChanges
        let saved = beginPropagation()
        do {
            try spec.handler(context)
        } catch {
            spec.failedCalls += 1
            replyError(error, client: context.client)
        }
        endPropagation(spec, args, db: context.db.id, dirtyBefore: dirtyBefore, expiryBefore: expiryBefore,
                       saved: saved)
    }

    /// Convenience for tests and internal callers: executes and returns the raw reply bytes.
    public func call(_ args: [String], client: Client) -> [UInt8] {
        let start = client.out.writerIndex
        execute(Arguments(args), client: client)
        let bytes = client.out.getBytes(at: start, length: client.out.writerIndex - start) ?? []
        client.out.moveWriterIndex(to: start)
        return bytes
    }

    /// rejectCommand: a rejected EXEC aborts its transaction with the reason (execCommandAbort).
    private func reject(_ error: CommandError, client: Client, spec: CommandSpec) {
        spec.rejectedCalls += 1
        if spec.parent == nil && spec.name == "exec" && client.multiState != nil {
            client.multiState = nil
            unwatchAll(client)
            replyError(CommandError("EXECABORT Transaction discarded because of: " + error.message), client: client)
            return
        }
        reject(error, client: client)
    }

    private func reject(_ error: CommandError, client: Client) {
        // A command refused while queueing makes the transaction fail at EXEC (flagTransaction).
        client.multiState?.rejected = true
        replyError(error, client: client)
    }

    private func rejectUnknown(_ args: Arguments, client: Client) {
        var shown = ""
        var i = 1
        while i < args.count && shown.utf8.count < 128 {
            let room = 128 - shown.utf8.count
            shown += "'" + String(decoding: args[i].prefix(room), as: UTF8.self) + "' "
            i += 1
        }
        let name = String(decoding: args[0].prefix(128), as: UTF8.self)
        reject(.err("unknown command '\(name)', with args beginning with: \(shown)"), client: client)
    }

    /// CLIENT PAUSE: ALL pauses every command of normal clients; WRITE pauses writes and commands that may
    /// write or expire keys (Redis 7 also pauses EVAL/PUBLISH-like may-replicate commands).
    func isPaused(_ spec: CommandSpec, _ args: Arguments, client: Client) -> Bool {
        if keyspace.clock.readMilliseconds() >= pause.until {
            unpause()
            return false
        }
        switch pause.kind {
        case .none: return false
        case .all: return true
        case .write:
            // EXEC is a write when its transaction holds one (Redis pauses it as a whole).
            if spec.parent == nil && spec.name == "exec", let multi = client.multiState {
                return multi.commands.contains { queued in
                    (queued.spec.flags.contains(.write) || queued.spec.flags.contains(.mayReplicate))
                        && !scriptDeclaresNoWrites(queued.spec, queued.args)
                }
            }
            guard spec.flags.contains(.write) || spec.flags.contains(.mayReplicate) else { return false }
            return !scriptDeclaresNoWrites(spec, args)
        }
    }

    /// A script command whose script or function declares `no-writes` is a read (Redis's evalGetCommandFlags and
    /// fcallGetCommandFlags): CLIENT PAUSE WRITE lets it run.
    private func scriptDeclaresNoWrites(_ spec: CommandSpec, _ args: Arguments) -> Bool {
        guard spec.parent == nil, spec.group == "scripting", args.count >= 2 else { return false }
        let flags: ScriptFlags?
        switch spec.name {
        case "eval":
            let body = args[1]
            flags = scriptCache.find(body: body)?.flags ?? (try? scriptCache.parseShebang(body))?.0
        case "evalsha": flags = scriptCache.find(sha: args[1])?.flags
        case "fcall": flags = functionLibraries.functions[args.string(1).lowercased()]?.flags
        default: flags = nil
        }
        guard let flags else { return false }
        return flags.contains(.noWrites) && !flags.contains(.evalCompat)
    }

    public func unpause() {
        pause = (.none, 0)
        keyspace.isExpiryPaused = false
    }

    /// MONITOR output for a command that feeds it itself (EVAL and FCALL, ahead of their scripts' commands).
    func feedMonitorsNow(_ args: Arguments, client: Client) {
        if !monitors.isEmpty { feedMonitors(args, client: client) }
    }

    private func feedMonitors(_ args: Arguments, client: Client) {
        let nowMicros = unixTimeMicroseconds()
        var line = "+\(nowMicros / 1_000_000).\(String(format6(nowMicros % 1_000_000))) [\(client.databaseIndex) "
        line += client.fd < 0 ? "lua] " : "\(client.address)] "
        for i in 0..<args.count {
            if i > 0 { line += " " }
            line += "\"" + monitorEscape(args[i]) + "\""
        }
        line += "\r\n"
        var buffer = ByteBufferAllocator().buffer(capacity: line.utf8.count)
        buffer.writeString(line)
        for m in monitors where m !== client { m.sendAsync?(buffer) }
    }
}

private func format6(_ v: Int64) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, 6 - s.count)) + s
}

/// sdscatrepr: quotes and escapes like Redis's MONITOR and SLOWLOG printing.
func monitorEscape(_ b: UnsafeRawBufferPointer) -> String {
    var s = ""
    for c in b {
        switch c {
        case UInt8(ascii: "\\"): s += "\\\\"
        case UInt8(ascii: "\""): s += "\\\""
        case 10: s += "\\n"
        case 13: s += "\\r"
        case 9: s += "\\t"
        case 7: s += "\\a"
        case 8: s += "\\b"
        case 32...126: s.unicodeScalars.append(Unicode.Scalar(c))
        default:
            let hex = Array("0123456789abcdef")
            s += "\\x" + String(hex[Int(c >> 4)]) + String(hex[Int(c & 15)])
        }
    }
    return s
}
