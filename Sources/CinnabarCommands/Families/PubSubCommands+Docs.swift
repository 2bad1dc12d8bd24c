// COMMAND DOCS for the Pub/Sub commands: Redis 7.2's summaries, complexities and arguments, keyed by full command
// name. CommandTable attaches them to the specs in PubSubCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension PubSubCommands {
    static let docs: [String: CommandDocs] = [
        "subscribe": CommandDocs(
            "Listens for messages published to channels.", since: "2.0.0",
            complexity: "O(N) where N is the number of channels to subscribe to.",
            arguments: [.string("channel", multiple: true)]),
        "unsubscribe": CommandDocs(
            "Stops listening to messages posted to channels.", since: "2.0.0",
            complexity: "O(N) where N is the number of channels to unsubscribe.",
            arguments: [.string("channel", optional: true, multiple: true)]),
        "psubscribe": CommandDocs(
            "Listens for messages published to channels that match one or more patterns.", since: "2.0.0",
            complexity: "O(N) where N is the number of patterns to subscribe to.",
            arguments: [.pattern("pattern", multiple: true)]),
        "punsubscribe": CommandDocs(
            "Stops listening to messages published to channels that match one or more patterns.", since: "2.0.0",
            complexity: "O(N) where N is the number of patterns to unsubscribe.",
            arguments: [.pattern("pattern", optional: true, multiple: true)]),
        "publish": CommandDocs(
            "Posts a message to a channel.", since: "2.0.0",
            complexity: """
                O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total \
                number of subscribed patterns (by any client).
                """,
            arguments: [.string("channel"), .string("message")]),
        "ssubscribe": CommandDocs(
            "Listens for messages published to shard channels.", since: "7.0.0",
            complexity: "O(N) where N is the number of shard channels to subscribe to.",
            arguments: [.string("shardchannel", multiple: true)]),
        "sunsubscribe": CommandDocs(
            "Stops listening to messages posted to shard channels.", since: "7.0.0",
            complexity: "O(N) where N is the number of shard channels to unsubscribe.",
            arguments: [.string("shardchannel", optional: true, multiple: true)]),
        "spublish": CommandDocs(
            "Post a message to a shard channel", since: "7.0.0",
            complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
            arguments: [.string("shardchannel"), .string("message")]),
        "pubsub": CommandDocs("A container for Pub/Sub commands.", since: "2.8.0", complexity: "Depends on subcommand."),
        "pubsub|channels": CommandDocs(
            "Returns the active channels.", since: "2.8.0",
            complexity: """
                O(N) where N is the number of active channels, and assuming constant time pattern matching \
                (relatively short channels and patterns)
                """,
            arguments: [.pattern("pattern", optional: true)]),
        "pubsub|numsub": CommandDocs(
            "Returns a count of subscribers to channels.", since: "2.8.0",
            complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
            arguments: [.string("channel", optional: true, multiple: true)]),
        "pubsub|numpat": CommandDocs("Returns a count of unique pattern subscriptions.", since: "2.8.0", complexity: "O(1)"),
        "pubsub|shardchannels": CommandDocs(
            "Returns the active shard channels.", since: "7.0.0",
            complexity: """
                O(N) where N is the number of active shard channels, and assuming constant time pattern matching \
                (relatively short shard channels).
                """,
            arguments: [.pattern("pattern", optional: true)]),
        "pubsub|shardnumsub": CommandDocs(
            "Returns the count of subscribers of shard channels.", since: "7.0.0",
            complexity: "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
            arguments: [.string("shardchannel", optional: true, multiple: true)]),
        "pubsub|help": CommandDocs(
            "Returns helpful text about the different subcommands.", since: "6.2.0", complexity: "O(1)"),
    ]
}
