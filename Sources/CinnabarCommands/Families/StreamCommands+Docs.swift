// COMMAND DOCS for the stream commands (XADD ... XINFO and their subcommands): Redis 7.2's summaries, complexities,
// history and argument trees, keyed by full command name. CommandTable attaches them to the specs in
// StreamCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension StreamCommands {
    static let docs: [String: CommandDocs] = [
        "xadd": CommandDocs(
            "Appends a new message to a stream. Creates the key if it doesn't exist.",
            since: "5.0.0",
            complexity: "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
            history: [("6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option."), ("7.0.0", "Added support for the `<ms>-*` explicit ID form.")],
            arguments: [
                .key("key", spec: 0),
                .pureToken("NOMKSTREAM", since: "6.2.0", optional: true),
                .block("trim", optional: true, [
                    .oneOf("strategy", [
                        .pureToken("MAXLEN"),
                        .pureToken("MINID", since: "6.2.0"),
                    ]),
                    .oneOf("operator", optional: true, [
                        ArgumentDoc("equal", .pureToken, token: "="),
                        ArgumentDoc("approximately", .pureToken, token: "~"),
                    ]),
                    .string("threshold"),
                    .integer("count", token: "LIMIT", since: "6.2.0", optional: true),
                ]),
                .oneOf("id-selector", [
                    ArgumentDoc("auto-id", .pureToken, token: "*"),
                    .string("id"),
                ]),
                .block("data", multiple: true, [
                    .string("field"),
                    .string("value"),
                ]),
            ]),
        "xlen": CommandDocs(
            "Return the number of messages in a stream.",
            since: "5.0.0",
            complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
            ]),
        "xrange": CommandDocs(
            "Returns the messages from a stream within a range of IDs.",
            since: "5.0.0",
            complexity: "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
            history: [("6.2.0", "Added exclusive ranges.")],
            arguments: [
                .key("key", spec: 0),
                .string("start"),
                .string("end"),
                .integer("count", token: "COUNT", optional: true),
            ]),
        "xrevrange": CommandDocs(
            "Returns the messages from a stream within a range of IDs in reverse order.",
            since: "5.0.0",
            complexity: "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
            history: [("6.2.0", "Added exclusive ranges.")],
            arguments: [
                .key("key", spec: 0),
                .string("end"),
                .string("start"),
                .integer("count", token: "COUNT", optional: true),
            ]),
        "xdel": CommandDocs(
            "Returns the number of messages after removing them from a stream.",
            since: "5.0.0",
            complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
            arguments: [
                .key("key", spec: 0),
                .string("id", multiple: true),
            ]),
        "xtrim": CommandDocs(
            "Deletes messages from the beginning of a stream.",
            since: "5.0.0",
            complexity: "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
            history: [("6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option.")],
            arguments: [
                .key("key", spec: 0),
                .block("trim", [
                    .oneOf("strategy", [
                        .pureToken("MAXLEN"),
                        .pureToken("MINID", since: "6.2.0"),
                    ]),
                    .oneOf("operator", optional: true, [
                        ArgumentDoc("equal", .pureToken, token: "="),
                        ArgumentDoc("approximately", .pureToken, token: "~"),
                    ]),
                    .string("threshold"),
                    .integer("count", token: "LIMIT", since: "6.2.0", optional: true),
                ]),
            ]),
        "xsetid": CommandDocs(
            "An internal command for replicating stream values.",
            since: "5.0.0",
            complexity: "O(1)",
            history: [("7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments.")],
            arguments: [
                .key("key", spec: 0),
                .string("last-id"),
                .integer("entries-added", token: "ENTRIESADDED", since: "7.0.0", optional: true),
                .string("max-deleted-id", token: "MAXDELETEDID", since: "7.0.0", optional: true),
            ]),
        "xread": CommandDocs(
            "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.",
            since: "5.0.0",
            complexity: nil,
            arguments: [
                .integer("count", token: "COUNT", optional: true),
                .integer("milliseconds", token: "BLOCK", optional: true),
                .block("streams", token: "STREAMS", [
                    .key("key", spec: 0, multiple: true),
                    .string("id", multiple: true),
                ]),
            ]),
        "xreadgroup": CommandDocs(
            "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.",
            since: "5.0.0",
            complexity: "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
            arguments: [
                .block("group-block", token: "GROUP", [
                    .string("group"),
                    .string("consumer"),
                ]),
                .integer("count", token: "COUNT", optional: true),
                .integer("milliseconds", token: "BLOCK", optional: true),
                .pureToken("NOACK", optional: true),
                .block("streams", token: "STREAMS", [
                    .key("key", spec: 0, multiple: true),
                    .string("id", multiple: true),
                ]),
            ]),
        "xack": CommandDocs(
            "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.",
            since: "5.0.0",
            complexity: "O(1) for each message ID processed.",
            arguments: [
                .key("key", spec: 0),
                .string("group"),
                .string("id", multiple: true),
            ]),
        "xpending": CommandDocs(
            "Returns the information and entries from a stream consumer group's pending entries list.",
            since: "5.0.0",
            complexity: "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
            history: [("6.2.0", "Added the `IDLE` option and exclusive range intervals.")],
            arguments: [
                .key("key", spec: 0),
                .string("group"),
                .block("filters", optional: true, [
                    .integer("min-idle-time", token: "IDLE", since: "6.2.0", optional: true),
                    .string("start"),
                    .string("end"),
                    .integer("count"),
                    .string("consumer", optional: true),
                ]),
            ]),
        "xclaim": CommandDocs(
            "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.",
            since: "5.0.0",
            complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.",
            arguments: [
                .key("key", spec: 0),
                .string("group"),
                .string("consumer"),
                .string("min-idle-time"),
                .string("id", multiple: true),
                .integer("ms", token: "IDLE", optional: true),
                .unixTime("unix-time-milliseconds", token: "TIME", optional: true),
                .integer("count", token: "RETRYCOUNT", optional: true),
                .pureToken("FORCE", optional: true),
                .pureToken("JUSTID", optional: true),
                .string("lastid", token: "LASTID", optional: true),
            ]),
        "xautoclaim": CommandDocs(
            "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.",
            since: "6.2.0",
            complexity: "O(1) if COUNT is small.",
            history: [("7.0.0", "Added an element to the reply array, containing deleted entries the command cleared from the PEL")],
            arguments: [
                .key("key", spec: 0),
                .string("group"),
                .string("consumer"),
                .string("min-idle-time"),
                .string("start"),
                .integer("count", token: "COUNT", optional: true),
                .pureToken("JUSTID", optional: true),
            ]),
        "xgroup": CommandDocs(
            "A container for consumer groups commands.",
            since: "5.0.0",
            complexity: "Depends on subcommand."),
        "xgroup|create": CommandDocs(
            "Creates a consumer group.",
            since: "5.0.0",
            complexity: "O(1)",
            history: [("7.0.0", "Added the `entries_read` named argument.")],
            arguments: [
                .key("key", spec: 0),
                .string("group"),
                .oneOf("id-selector", [
                    .string("id"),
                    ArgumentDoc("new-id", .pureToken, token: "$"),
                ]),
                .pureToken("MKSTREAM", optional: true),
                .integer("entries-read", token: "ENTRIESREAD", optional: true),
            ]),
        "xgroup|createconsumer": CommandDocs(
            "Creates a consumer in a consumer group.",
            since: "6.2.0",
            complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("group"),
                .string("consumer"),
            ]),
        "xgroup|delconsumer": CommandDocs(
            "Deletes a consumer from a consumer group.",
            since: "5.0.0",
            complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("group"),
                .string("consumer"),
            ]),
        "xgroup|destroy": CommandDocs(
            "Destroys a consumer group.",
            since: "5.0.0",
            complexity: "O(N) where N is the number of entries in the group's pending entries list (PEL).",
            arguments: [
                .key("key", spec: 0),
                .string("group"),
            ]),
        "xgroup|setid": CommandDocs(
            "Sets the last-delivered ID of a consumer group.",
            since: "5.0.0",
            complexity: "O(1)",
            history: [("7.0.0", "Added the optional `entries_read` argument.")],
            arguments: [
                .key("key", spec: 0),
                .string("group"),
                .oneOf("id-selector", [
                    .string("id"),
                    ArgumentDoc("new-id", .pureToken, token: "$"),
                ]),
                .integer("entriesread", token: "ENTRIESREAD", display: "entries-read", optional: true),
            ]),
        "xgroup|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "5.0.0",
            complexity: "O(1)"),
        "xinfo": CommandDocs(
            "A container for stream introspection commands.",
            since: "5.0.0",
            complexity: "Depends on subcommand."),
        "xinfo|stream": CommandDocs(
            "Returns information about a stream.",
            since: "5.0.0",
            complexity: "O(1)",
            history: [("6.0.0", "Added the `FULL` modifier."), ("7.0.0", "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields"), ("7.2.0", "Added the `active-time` field, and changed the meaning of `seen-time`.")],
            arguments: [
                .key("key", spec: 0),
                .block("full-block", optional: true, [
                    .pureToken("FULL"),
                    .integer("count", token: "COUNT", optional: true),
                ]),
            ]),
        "xinfo|groups": CommandDocs(
            "Returns a list of the consumer groups of a stream.",
            since: "5.0.0",
            complexity: "O(1)",
            history: [("7.0.0", "Added the `entries-read` and `lag` fields")],
            arguments: [
                .key("key", spec: 0),
            ]),
        "xinfo|consumers": CommandDocs(
            "Returns a list of the consumers in a consumer group.",
            since: "5.0.0",
            complexity: "O(1)",
            history: [("7.2.0", "Added the `inactive` field.")],
            arguments: [
                .key("key", spec: 0),
                .string("group"),
            ]),
        "xinfo|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "5.0.0",
            complexity: "O(1)"),
    ]
}
