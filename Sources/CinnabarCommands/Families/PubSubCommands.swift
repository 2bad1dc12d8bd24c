// Pub/Sub (Redis's pubsub.c): SUBSCRIBE/UNSUBSCRIBE, PSUBSCRIBE/PUNSUBSCRIBE (glob patterns, matched like KEYS),
// the sharded SSUBSCRIBE/SUNSUBSCRIBE/SPUBLISH, PUBLISH and PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB.
// Subscription replies and messages are arrays in RESP2 and pushes in RESP3. A message is encoded once per
// protocol and copied to every receiver's output; receivers that let their output pass the pubsub class of
// client-output-buffer-limit (hard, or soft for longer than its seconds) are disconnected so memory stays bounded.
// In RESP2 a subscribed connection may only run the commands Redis allows there (the dispatcher checks).
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage
import NIOCore

/// A client's subscriptions of one kind, in subscription order with O(1) membership.
struct Subscriptions {
    private(set) var list: [Bytes] = []
    private var set: Set<Bytes> = []

    var count: Int { list.count }
    func contains(_ b: Bytes) -> Bool { set.contains(b) }

    mutating func insert(_ b: Bytes) -> Bool {
        guard set.insert(b).inserted else { return false }
        list.append(b)
        return true
    }

    mutating func remove(_ b: Bytes) -> Bool {
        guard set.remove(b) != nil else { return false }
        list.removeAll { $0 == b }
        return true
    }
}

/// Which registry a subscription command works on, with its reply words (Redis's pubsubtype).
enum PubSubKind {
    case channel, pattern, shard

    var subscribeWord: String {
        switch self {
        case .channel: "subscribe"
        case .pattern: "psubscribe"
        case .shard: "ssubscribe"
        }
    }

    var unsubscribeWord: String {
        switch self {
        case .channel: "unsubscribe"
        case .pattern: "punsubscribe"
        case .shard: "sunsubscribe"
        }
    }
}

enum PubSubCommands {
    static func makeSpecs() -> [CommandSpec] {
        let g = "pubsub"
        let notKey = KeySpec(flags: ["NOT_KEY"], begin: .index(1), find: .range(lastKey: -1, step: 1, limit: 0))
        func sub(_ name: String, _ arity: Int, _ flags: CommandFlags, since: String,
                 _ handler: @escaping CommandHandler) -> CommandSpec {
            CommandSpec(name, arity: arity, flags: flags, group: g, since: since, handler: handler)
        }
        return [
            CommandSpec("subscribe", arity: -2, flags: [.pubsub, .noScript, .loading, .stale, .sentinel], group: g,
                        handler: { c throws(CommandError) in try subscribe(c, .channel) }),
            CommandSpec("unsubscribe", arity: -1, flags: [.pubsub, .noScript, .loading, .stale, .sentinel], group: g,
                        handler: { c throws(CommandError) in unsubscribe(c, .channel) }),
            CommandSpec("psubscribe", arity: -2, flags: [.pubsub, .noScript, .loading, .stale, .sentinel], group: g,
                        handler: { c throws(CommandError) in try subscribe(c, .pattern) }),
            CommandSpec("punsubscribe", arity: -1, flags: [.pubsub, .noScript, .loading, .stale, .sentinel],
                        group: g, handler: { c throws(CommandError) in unsubscribe(c, .pattern) }),
            CommandSpec("ssubscribe", arity: -2, flags: [.pubsub, .noScript, .loading, .stale], keys: [notKey],
                        group: g, since: "7.0.0",
                        handler: { c throws(CommandError) in try subscribe(c, .shard) }),
            CommandSpec("sunsubscribe", arity: -1, flags: [.pubsub, .noScript, .loading, .stale], keys: [notKey],
                        group: g, since: "7.0.0", handler: { c throws(CommandError) in unsubscribe(c, .shard) }),
            CommandSpec("publish", arity: 3, flags: [.pubsub, .loading, .stale, .fast, .mayReplicate, .sentinel],
                        group: g, handler: { c throws(CommandError) in
                            c.integer(c.server.publish(c.args[1], c.args[2], shard: false, publisher: c.client))
                            c.forceReplicationPropagation()
                        }),
            CommandSpec("spublish", arity: 3, flags: [.pubsub, .loading, .stale, .fast, .mayReplicate],
                        keys: [KeySpec(flags: ["NOT_KEY"], begin: .index(1), find: .range(lastKey: 0, step: 1, limit: 0))],
                        group: g, since: "7.0.0", handler: { c throws(CommandError) in
                            c.integer(c.server.publish(c.args[1], c.args[2], shard: true, publisher: c.client))
                            c.forceReplicationPropagation()
                        }),
            CommandSpec(container: "pubsub", group: g, since: "2.8.0", subcommands: [
                sub("channels", -2, [.pubsub, .loading, .stale], since: "2.8.0") { c throws(CommandError) in
                    try channelList(c, c.server.pubsubChannels)
                },
                sub("numsub", -2, [.pubsub, .loading, .stale], since: "2.8.0") { c throws(CommandError) in
                    numsub(c, c.server.pubsubChannels)
                },
                sub("numpat", 2, [.pubsub, .loading, .stale], since: "2.8.0") { c throws(CommandError) in
                    c.integer(c.server.pubsubPatterns.count)
                },
                sub("shardchannels", -2, [.pubsub, .loading, .stale], since: "7.0.0") { c throws(CommandError) in
                    try channelList(c, c.server.pubsubShardChannels)
                },
                sub("shardnumsub", -2, [.pubsub, .loading, .stale], since: "7.0.0") { c throws(CommandError) in
                    numsub(c, c.server.pubsubShardChannels)
                },
                sub("help", 2, [.loading, .stale], since: "6.2.0") { c throws(CommandError) in
                    let lines = [
                        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "CHANNELS [<pattern>]",
                        "    Return the currently active channels matching a <pattern> (default: '*').",
                        "NUMPAT",
                        "    Return number of subscriptions to patterns.",
                        "NUMSUB [<channel> ...]",
                        "    Return the number of subscribers for the specified channels, excluding",
                        "    pattern subscriptions(default: no channels).",
                        "SHARDCHANNELS [<pattern>]",
                        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                        "SHARDNUMSUB [<shardchannel> ...]",
                        "    Return the number of subscribers for the specified shard level channel(s)",
                        "HELP",
                        "    Print this help.",
                    ]
                    c.array(lines.count)
                    for l in lines { c.status(l) }
                },
            ]),
        ]
    }

    // MARK: - Subscribing

    static func subscribe(_ c: CommandContext, _ kind: PubSubKind) throws(CommandError) {
        let client = c.client
        for i in 1..<c.args.count {
            let name = c.args.bytes(i)
            if client.addSubscription(name, kind) {
                c.server.register(client, name, kind)
            }
            replySubscription(client, kind.subscribeWord, name, count: client.subscriptionCount(kind))
        }
    }

    static func unsubscribe(_ c: CommandContext, _ kind: PubSubKind) {
        let client = c.client
        if c.args.count == 1 {
            let all = client.subscriptionList(kind)
            for name in all { c.server.unsubscribe(client, name, kind, notify: true) }
            if all.isEmpty { replySubscription(client, kind.unsubscribeWord, nil, count: client.subscriptionCount(kind)) }
            return
        }
        for i in 1..<c.args.count { c.server.unsubscribe(client, c.args.bytes(i), kind, notify: true) }
    }

    /// addReplyPubsub(Un)Subscribed: [word, name or null, count] as an array (RESP2) or a push (RESP3).
    static func replySubscription(_ client: Client, _ word: String, _ name: Bytes?, count: Int) {
        func write(_ out: inout ByteBuffer) {
            out.writeRESPPushHeader(3, resp3: client.resp3)
            out.writeRESPBulk(word)
            if let name { name.withUnsafeBytes { out.writeRESPBulk($0) } } else { out.writeRESPNull(resp3: client.resp3) }
            out.writeRESPInteger(count)
        }
        if client.replyMode == .on {
            write(&client.out)
        } else {
            var buffer = ByteBufferAllocator().buffer(capacity: 64)
            write(&buffer)
            client.deferPush(&buffer)
        }
    }

    // MARK: - PUBSUB

    static func channelList(_ c: CommandContext, _ registry: [Bytes: [Client]]) throws(CommandError) {
        if c.args.count > 3 { throw .err("unknown subcommand or wrong number of arguments for '\(c.args.string(1))'. Try PUBSUB HELP.") }
        let pattern: [UInt8]? = c.args.count == 3 ? Array(c.args[2]) : nil
        var names: [Bytes] = []
        for name in registry.keys {
            if let pattern, !name.withUnsafeBytes({ globMatch(pattern: pattern, string: Array($0)) }) { continue }
            names.append(name)
        }
        c.array(names.count)
        for n in names { c.bulk(n) }
    }

    static func numsub(_ c: CommandContext, _ registry: [Bytes: [Client]]) {
        c.array((c.args.count - 2) * 2)
        for i in 2..<max(2, c.args.count) {
            c.bulk(c.args[i])
            c.integer(registry[c.args.bytes(i)]?.count ?? 0)
        }
    }
}

extension Client {
    func addSubscription(_ name: Bytes, _ kind: PubSubKind) -> Bool {
        let added: Bool
        switch kind {
        case .channel: added = pubsubChannels.insert(name)
        case .pattern: added = pubsubPatterns.insert(name)
        case .shard: added = pubsubShardChannels.insert(name)
        }
        if added { isSubscribed = true }
        return added
    }

    func removeSubscription(_ name: Bytes, _ kind: PubSubKind) -> Bool {
        let removed: Bool
        switch kind {
        case .channel: removed = pubsubChannels.remove(name)
        case .pattern: removed = pubsubPatterns.remove(name)
        case .shard: removed = pubsubShardChannels.remove(name)
        }
        if removed {
            isSubscribed = pubsubChannels.count + pubsubPatterns.count + pubsubShardChannels.count > 0
        }
        return removed
    }

    func subscriptionList(_ kind: PubSubKind) -> [Bytes] {
        switch kind {
        case .channel: return pubsubChannels.list
        case .pattern: return pubsubPatterns.list
        case .shard: return pubsubShardChannels.list
        }
    }

    /// The count a (un)subscribe reply shows: channels + patterns, or shard channels (Redis's subscriptionCount).
    func subscriptionCount(_ kind: PubSubKind) -> Int {
        kind == .shard ? pubsubShardChannels.count : pubsubChannels.count + pubsubPatterns.count
    }
}

extension Server {
    // MARK: - Registry and delivery

    func register(_ client: Client, _ name: Bytes, _ kind: PubSubKind) {
        switch kind {
        case .channel: pubsubChannels[name, default: []].append(client)
        case .pattern: pubsubPatterns[name, default: []].append(client)
        case .shard: pubsubShardChannels[name, default: []].append(client)
        }
    }

    /// pubsubUnsubscribeChannel/Pattern: removes one subscription; `notify` replies as UNSUBSCRIBE does.
    func unsubscribe(_ client: Client, _ name: Bytes, _ kind: PubSubKind, notify: Bool) {
        if client.removeSubscription(name, kind) {
            func drop(_ registry: inout [Bytes: [Client]]) {
                guard var list = registry[name] else { return }
                list.removeAll { $0 === client }
                registry[name] = list.isEmpty ? nil : list
            }
            switch kind {
            case .channel: drop(&pubsubChannels)
            case .pattern: drop(&pubsubPatterns)
            case .shard: drop(&pubsubShardChannels)
            }
        }
        if notify {
            PubSubCommands.replySubscription(client, kind.unsubscribeWord, name, count: client.subscriptionCount(kind))
        }
    }

    /// Drops every subscription of a client (disconnect, RESET) without replies.
    public func unsubscribeAll(_ client: Client) {
        for kind in [PubSubKind.channel, .pattern, .shard] {
            for name in client.subscriptionList(kind) { unsubscribe(client, name, kind, notify: false) }
        }
    }

    /// PUBLISH/SPUBLISH: delivers to the channel's subscribers and (not for shard channels) to matching patterns.
    /// Returns the number of receivers. The message is encoded once per protocol and shape.
    public func publish(_ channel: UnsafeRawBufferPointer, _ message: UnsafeRawBufferPointer, shard: Bool,
                        publisher: Client?) -> Int {
        var receivers = 0
        let name = Bytes(channel)
        if let list = shard ? pubsubShardChannels[name] : pubsubChannels[name] {
            var encoded: (resp2: ByteBuffer?, resp3: ByteBuffer?) = (nil, nil)
            for client in list {
                deliver(to: client, publisher: publisher, &encoded) { out, resp3 in
                    out.writeRESPPushHeader(3, resp3: resp3)
                    out.writeRESPBulk(shard ? "smessage" : "message")
                    out.writeRESPBulk(channel)
                    out.writeRESPBulk(message)
                }
                receivers += 1
            }
        }
        if shard || pubsubPatterns.isEmpty { return receivers }
        for (pattern, list) in pubsubPatterns {
            let matches = pattern.withUnsafeBytes { globMatch(pattern: $0, string: channel) }
            guard matches else { continue }
            var encoded: (resp2: ByteBuffer?, resp3: ByteBuffer?) = (nil, nil)
            for client in list {
                deliver(to: client, publisher: publisher, &encoded) { out, resp3 in
                    out.writeRESPPushHeader(4, resp3: resp3)
                    out.writeRESPBulk("pmessage")
                    pattern.withUnsafeBytes { out.writeRESPBulk($0) }
                    out.writeRESPBulk(channel)
                    out.writeRESPBulk(message)
                }
                receivers += 1
            }
        }
        return receivers
    }

    /// Appends an encoded message to a receiver's output (encoding it the first time its protocol needs it) and
    /// enforces the pubsub output-buffer limits.
    private func deliver(to client: Client, publisher: Client?,
                         _ encoded: inout (resp2: ByteBuffer?, resp3: ByteBuffer?),
                         _ encode: (inout ByteBuffer, Bool) -> Void) {
        let resp3 = client.resp3
        var buffer: ByteBuffer
        if let cached = resp3 ? encoded.resp3 : encoded.resp2 {
            buffer = cached
        } else {
            buffer = ByteBufferAllocator().buffer(capacity: 64)
            encode(&buffer, resp3)
            if resp3 { encoded.resp3 = buffer } else { encoded.resp2 = buffer }
        }
        // The executing client's own messages follow its reply (and EXEC's whole reply), as in Redis.
        deliverPush(&buffer, to: client, afterReply: client === currentClient)
        enforceOutputLimit(client, config.outputBufferLimits.pubsub)
    }

    /// Hands a push (a Pub/Sub message, a tracking invalidation) to a client: held until its reply is written when
    /// `afterReply`, else given to its transport (or appended to its output when it has none, as in tests).
    func deliverPush(_ buffer: inout ByteBuffer, to client: Client, afterReply: Bool) {
        if afterReply {
            client.deferPush(&buffer)
        } else if let send = client.sendAsync {
            send(buffer)
        } else {
            client.out.writeBuffer(&buffer)
        }
    }

    /// checkClientOutputBufferLimits for one class: past the hard limit, or past the soft limit for longer than
    /// its seconds, the client is closed (Redis closes it asynchronously; the transport drops it here).
    func enforceOutputLimit(_ client: Client, _ limit: OutputBufferLimit) {
        guard limit.hard > 0 || limit.soft > 0 else { return }
        let used = client.out.readableBytes + client.unsentBytes
        var exceeded = limit.hard > 0 && used >= limit.hard
        if !exceeded && limit.soft > 0 && used >= limit.soft {
            let now = keyspace.clock.readMilliseconds()
            if client.softLimitSince == 0 {
                client.softLimitSince = now
            } else if now - client.softLimitSince >= Int64(limit.seconds) * 1000 {
                exceeded = true
            }
        } else if used < limit.soft {
            client.softLimitSince = 0
        }
        guard exceeded, let close = client.closeConnection else { return }
        stats.clientOutputBufferLimitDisconnections += 1
        logger.warning("Client id=\(client.id) addr=\(client.address) scheduled to be closed ASAP for overcoming of output buffer limits.")
        close()
    }
}
