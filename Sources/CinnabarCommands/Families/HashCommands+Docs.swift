// COMMAND DOCS for the hash commands (HSET, HGET, HGETALL, HINCRBY*, HRANDFIELD, HSCAN...): Redis 7.2's summaries,
// complexities, history and argument trees, keyed by command name. CommandTable attaches them to the specs in
// HashCommands.swift. (HSCAN's NOVALUES is Redis 7.4's and not in 7.2's docs, so it is not listed here.) The
// hash-field expiration commands are Redis 7.4's; their entries are what Redis 7.4 answers, from its
// src/commands/*.json.
// SPDX-License-Identifier: BSD-3-Clause

extension HashCommands {
    static let docs: [String: CommandDocs] = [
        "hset": CommandDocs(
            "Creates or modifies the value of a field in a hash.",
            since: "2.0.0",
            complexity: """
                O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called \
                with multiple field/value pairs.
                """,
            history: [("4.0.0", "Accepts multiple `field` and `value` arguments.")],
            arguments: [
                .key("key", spec: 0),
                .block("data", multiple: true, [
                    .string("field"),
                    .string("value"),
                ]),
            ]),
        "hsetnx": CommandDocs(
            "Sets the value of a field in a hash only when the field doesn't exist.",
            since: "2.0.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("field"),
                .string("value"),
            ]),
        "hmset": CommandDocs(
            "Sets the values of multiple fields.",
            since: "2.0.0", complexity: "O(N) where N is the number of fields being set.", docFlags: [.deprecated],
            deprecatedSince: "4.0.0", replacedBy: "`HSET` with multiple field-value pairs",
            arguments: [
                .key("key", spec: 0),
                .block("data", multiple: true, [
                    .string("field"),
                    .string("value"),
                ]),
            ]),
        "hget": CommandDocs(
            "Returns the value of a field in a hash.",
            since: "2.0.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("field"),
            ]),
        "hmget": CommandDocs(
            "Returns the values of all fields in a hash.",
            since: "2.0.0", complexity: "O(N) where N is the number of fields being requested.",
            arguments: [
                .key("key", spec: 0),
                .string("field", multiple: true),
            ]),
        "hgetall": CommandDocs(
            "Returns all fields and values in a hash.",
            since: "2.0.0", complexity: "O(N) where N is the size of the hash.",
            arguments: [
                .key("key", spec: 0),
            ]),
        "hdel": CommandDocs(
            "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
            since: "2.0.0", complexity: "O(N) where N is the number of fields to be removed.",
            history: [("2.4.0", "Accepts multiple `field` arguments.")],
            arguments: [
                .key("key", spec: 0),
                .string("field", multiple: true),
            ]),
        "hexists": CommandDocs(
            "Determines whether a field exists in a hash.",
            since: "2.0.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("field"),
            ]),
        "hlen": CommandDocs(
            "Returns the number of fields in a hash.",
            since: "2.0.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
            ]),
        "hstrlen": CommandDocs(
            "Returns the length of the value of a field.",
            since: "3.2.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("field"),
            ]),
        "hkeys": CommandDocs(
            "Returns all fields in a hash.",
            since: "2.0.0", complexity: "O(N) where N is the size of the hash.",
            arguments: [
                .key("key", spec: 0),
            ]),
        "hvals": CommandDocs(
            "Returns all values in a hash.",
            since: "2.0.0", complexity: "O(N) where N is the size of the hash.",
            arguments: [
                .key("key", spec: 0),
            ]),
        "hincrby": CommandDocs(
            """
                Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field \
                doesn't exist.
                """,
            since: "2.0.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("field"),
                .integer("increment"),
            ]),
        "hincrbyfloat": CommandDocs(
            """
                Increments the floating point value of a field by a number. Uses 0 as initial value if the field \
                doesn't exist.
                """,
            since: "2.6.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("field"),
                .double("increment"),
            ]),
        "hrandfield": CommandDocs(
            "Returns one or more random fields from a hash.",
            since: "6.2.0", complexity: "O(N) where N is the number of fields returned",
            arguments: [
                .key("key", spec: 0),
                .block("options", optional: true, [
                    .integer("count"),
                    .pureToken("WITHVALUES", optional: true),
                ]),
            ]),
        "hscan": CommandDocs(
            "Iterates over fields and values of a hash.",
            since: "2.8.0",
            complexity: """
                O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to \
                return back to 0. N is the number of elements inside the collection.
                """,
            arguments: [
                .key("key", spec: 0),
                .integer("cursor"),
                .pattern("pattern", token: "MATCH", optional: true),
                .integer("count", token: "COUNT", optional: true),
            ]),
        "hexpire": CommandDocs(
            "Set expiry for hash field using relative time to expire (seconds)",
            since: "7.4.0", complexity: "O(N) where N is the number of specified fields",
            arguments: [
                .key("key", spec: 0),
                .integer("seconds"),
                .oneOf("condition", optional: true, [
                    .pureToken("NX"),
                    .pureToken("XX"),
                    .pureToken("GT"),
                    .pureToken("LT"),
                ]),
                fieldsBlock,
            ]),
        "hpexpire": CommandDocs(
            "Set expiry for hash field using relative time to expire (milliseconds)",
            since: "7.4.0", complexity: "O(N) where N is the number of specified fields",
            arguments: [
                .key("key", spec: 0),
                .integer("milliseconds"),
                .oneOf("condition", optional: true, [
                    .pureToken("NX"),
                    .pureToken("XX"),
                    .pureToken("GT"),
                    .pureToken("LT"),
                ]),
                fieldsBlock,
            ]),
        "hexpireat": CommandDocs(
            "Set expiry for hash field using an absolute Unix timestamp (seconds)",
            since: "7.4.0", complexity: "O(N) where N is the number of specified fields",
            arguments: [
                .key("key", spec: 0),
                .unixTime("unix-time-seconds"),
                .oneOf("condition", optional: true, [
                    .pureToken("NX"),
                    .pureToken("XX"),
                    .pureToken("GT"),
                    .pureToken("LT"),
                ]),
                fieldsBlock,
            ]),
        "hpexpireat": CommandDocs(
            "Set expiry for hash field using an absolute Unix timestamp (milliseconds)",
            since: "7.4.0", complexity: "O(N) where N is the number of specified fields",
            arguments: [
                .key("key", spec: 0),
                .unixTime("unix-time-milliseconds"),
                .oneOf("condition", optional: true, [
                    .pureToken("NX"),
                    .pureToken("XX"),
                    .pureToken("GT"),
                    .pureToken("LT"),
                ]),
                fieldsBlock,
            ]),
        "httl": CommandDocs(
            "Returns the TTL in seconds of a hash field.",
            since: "7.4.0", complexity: "O(N) where N is the number of specified fields",
            arguments: [.key("key", spec: 0), fieldsBlock]),
        "hpttl": CommandDocs(
            "Returns the TTL in milliseconds of a hash field.",
            since: "7.4.0", complexity: "O(N) where N is the number of specified fields",
            arguments: [.key("key", spec: 0), fieldsBlock]),
        "hexpiretime": CommandDocs(
            "Returns the expiration time of a hash field as a Unix timestamp, in seconds.",
            since: "7.4.0", complexity: "O(N) where N is the number of specified fields",
            arguments: [.key("key", spec: 0), fieldsBlock]),
        "hpexpiretime": CommandDocs(
            "Returns the expiration time of a hash field as a Unix timestamp, in msec.",
            since: "7.4.0", complexity: "O(N) where N is the number of specified fields",
            arguments: [.key("key", spec: 0), fieldsBlock]),
        "hpersist": CommandDocs(
            "Removes the expiration time for each specified field",
            since: "7.4.0", complexity: "O(N) where N is the number of specified fields",
            arguments: [.key("key", spec: 0), fieldsBlock]),
    ]

    /// `FIELDS numfields field [field ...]`, the tail of every hash-field expiration command.
    private static var fieldsBlock: ArgumentDoc {
        .block("fields", token: "FIELDS", [.integer("numfields"), .string("field", multiple: true)])
    }
}
