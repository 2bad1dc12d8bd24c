// COMMAND DOCS for the type-agnostic keyspace commands (DEL, EXISTS, RENAME, SCAN, the EXPIRE family, COPY, MOVE) and
// OBJECT: Redis 7.2's summaries, complexities, history and argument trees, keyed by full command name. CommandTable
// attaches them to the specs in KeyspaceCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension KeyspaceCommands {
    static let docs: [String: CommandDocs] = [
        "del": CommandDocs(
            "Deletes one or more keys.",
            since: "1.0.0",
            complexity: """
                O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than \
                a string, the individual complexity for this key is O(M) where M is the number of elements in the \
                list, set, sorted set or hash. Removing a single key that holds a string value is O(1).
                """,
            arguments: [.key("key", spec: 0, multiple: true)]),
        "unlink": CommandDocs(
            "Asynchronously deletes one or more keys.",
            since: "4.0.0",
            complexity: """
                O(1) for each key removed regardless of its size. Then the command does O(N) work in a different \
                thread in order to reclaim memory, where N is the number of allocations the deleted objects where \
                composed of.
                """,
            arguments: [.key("key", spec: 0, multiple: true)]),
        "exists": CommandDocs(
            "Determines whether one or more keys exist.",
            since: "1.0.0", complexity: "O(N) where N is the number of keys to check.",
            history: [("3.0.3", "Accepts multiple `key` arguments.")],
            arguments: [.key("key", spec: 0, multiple: true)]),
        "type": CommandDocs(
            "Determines the type of value stored at a key.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "rename": CommandDocs(
            "Renames a key and overwrites the destination.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0), .key("newkey", spec: 1)]),
        "renamenx": CommandDocs(
            "Renames a key only when the target key name doesn't exist.",
            since: "1.0.0", complexity: "O(1)",
            history: [
                ("3.2.0", "The command no longer returns an error when source and destination names are the same."),
            ],
            arguments: [.key("key", spec: 0), .key("newkey", spec: 1)]),
        "keys": CommandDocs(
            "Returns all key names that match a pattern.",
            since: "1.0.0",
            complexity: """
                O(N) with N being the number of keys in the database, under the assumption that the key names in the \
                database and the given pattern have limited length.
                """,
            arguments: [.pattern("pattern")]),
        "scan": CommandDocs(
            "Iterates over the key names in the database.",
            since: "2.8.0",
            complexity: """
                O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to \
                return back to 0. N is the number of elements inside the collection.
                """,
            history: [("6.0.0", "Added the `TYPE` subcommand.")],
            arguments: [
                .integer("cursor"),
                .pattern("pattern", token: "MATCH", optional: true),
                .integer("count", token: "COUNT", optional: true),
                .string("type", token: "TYPE", since: "6.0.0", optional: true),
            ]),
        "randomkey": CommandDocs(
            "Returns a random key name from the database.",
            since: "1.0.0", complexity: "O(1)"),
        "expire": CommandDocs(
            "Sets the expiration time of a key in seconds.",
            since: "1.0.0", complexity: "O(1)",
            history: [("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")],
            arguments: [
                .key("key", spec: 0),
                .integer("seconds"),
                .oneOf("condition", since: "7.0.0", optional: true, [
                    .pureToken("NX"),
                    .pureToken("XX"),
                    .pureToken("GT"),
                    .pureToken("LT"),
                ]),
            ]),
        "pexpire": CommandDocs(
            "Sets the expiration time of a key in milliseconds.",
            since: "2.6.0", complexity: "O(1)",
            history: [("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")],
            arguments: [
                .key("key", spec: 0),
                .integer("milliseconds"),
                .oneOf("condition", since: "7.0.0", optional: true, [
                    .pureToken("NX"),
                    .pureToken("XX"),
                    .pureToken("GT"),
                    .pureToken("LT"),
                ]),
            ]),
        "expireat": CommandDocs(
            "Sets the expiration time of a key to a Unix timestamp.",
            since: "1.2.0", complexity: "O(1)",
            history: [("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")],
            arguments: [
                .key("key", spec: 0),
                .unixTime("unix-time-seconds"),
                .oneOf("condition", since: "7.0.0", optional: true, [
                    .pureToken("NX"),
                    .pureToken("XX"),
                    .pureToken("GT"),
                    .pureToken("LT"),
                ]),
            ]),
        "pexpireat": CommandDocs(
            "Sets the expiration time of a key to a Unix milliseconds timestamp.",
            since: "2.6.0", complexity: "O(1)",
            history: [("7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`.")],
            arguments: [
                .key("key", spec: 0),
                .unixTime("unix-time-milliseconds"),
                .oneOf("condition", since: "7.0.0", optional: true, [
                    .pureToken("NX"),
                    .pureToken("XX"),
                    .pureToken("GT"),
                    .pureToken("LT"),
                ]),
            ]),
        "ttl": CommandDocs(
            "Returns the expiration time in seconds of a key.",
            since: "1.0.0", complexity: "O(1)",
            history: [("2.8.0", "Added the -2 reply.")],
            arguments: [.key("key", spec: 0)]),
        "pttl": CommandDocs(
            "Returns the expiration time in milliseconds of a key.",
            since: "2.6.0", complexity: "O(1)",
            history: [("2.8.0", "Added the -2 reply.")],
            arguments: [.key("key", spec: 0)]),
        "expiretime": CommandDocs(
            "Returns the expiration time of a key as a Unix timestamp.",
            since: "7.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "pexpiretime": CommandDocs(
            "Returns the expiration time of a key as a Unix milliseconds timestamp.",
            since: "7.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "persist": CommandDocs(
            "Removes the expiration time of a key.",
            since: "2.2.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "touch": CommandDocs(
            """
                Returns the number of existing keys out of those specified after updating the time they were last \
                accessed.
                """,
            since: "3.2.1", complexity: "O(N) where N is the number of keys that will be touched.",
            arguments: [.key("key", spec: 0, multiple: true)]),
        "copy": CommandDocs(
            "Copies the value of a key to a new key.",
            since: "6.2.0",
            complexity: """
                O(N) worst case for collections, where N is the number of nested items. O(1) for string values.
                """,
            arguments: [
                .key("source", spec: 0),
                .key("destination", spec: 1),
                .integer("destination-db", token: "DB", optional: true),
                .pureToken("REPLACE", optional: true),
            ]),
        "move": CommandDocs(
            "Moves a key to another database.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0), .integer("db")]),
        "object": CommandDocs(
            "A container for object introspection commands.",
            since: "2.2.3", complexity: "Depends on subcommand."),
        "object|encoding": CommandDocs(
            "Returns the internal encoding of a Redis object.",
            since: "2.2.3", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "object|freq": CommandDocs(
            "Returns the logarithmic access frequency counter of a Redis object.",
            since: "4.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "object|idletime": CommandDocs(
            "Returns the time since the last access to a Redis object.",
            since: "2.2.3", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "object|refcount": CommandDocs(
            "Returns the reference count of a value of a key.",
            since: "2.2.3", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "object|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "6.2.0", complexity: "O(1)"),
        "dump": CommandDocs(
            "Returns a serialized representation of the value stored at a key.",
            since: "2.6.0",
            complexity: """
                O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects \
                composing the value and M their average size. For small string values the time complexity is thus \
                O(1)+O(1*M) where M is small, so simply O(1).
                """,
            arguments: [.key("key", spec: 0)]),
        "restore": CommandDocs(
            "Creates a key from the serialized representation of a value.",
            since: "2.6.0",
            complexity: """
                O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the \
                number of Redis objects composing the value and M their average size. For small string values the \
                time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values \
                the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).
                """,
            history: [
                ("3.0.0", "Added the `REPLACE` modifier."),
                ("5.0.0", "Added the `ABSTTL` modifier."),
                ("5.0.0", "Added the `IDLETIME` and `FREQ` options."),
            ],
            arguments: [
                .key("key", spec: 0),
                .integer("ttl"),
                .string("serialized-value"),
                .pureToken("REPLACE", since: "3.0.0", optional: true),
                .pureToken("ABSTTL", since: "5.0.0", optional: true),
                .integer("seconds", token: "IDLETIME", since: "5.0.0", optional: true),
                .integer("frequency", token: "FREQ", since: "5.0.0", optional: true),
            ]),
    ]
}
