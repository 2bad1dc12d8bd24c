// COMMAND DOCS for the set commands (SADD, SMEMBERS, SPOP, SRANDMEMBER, SINTER/SUNION/SDIFF and their STORE forms,
// SINTERCARD, SSCAN...): Redis 7.2's summaries, complexities, history and argument trees, keyed by command name.
// CommandTable attaches them to the specs in SetCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension SetCommands {
    static let docs: [String: CommandDocs] = [
        "sadd": CommandDocs(
            "Adds one or more members to a set. Creates the key if it doesn't exist.",
            since: "1.0.0",
            complexity: """
                O(1) for each element added, so O(N) to add N elements when the command is called with multiple \
                arguments.
                """,
            history: [("2.4.0", "Accepts multiple `member` arguments.")],
            arguments: [
                .key("key", spec: 0),
                .string("member", multiple: true),
            ]),
        "srem": CommandDocs(
            "Removes one or more members from a set. Deletes the set if the last member was removed.",
            since: "1.0.0", complexity: "O(N) where N is the number of members to be removed.",
            history: [("2.4.0", "Accepts multiple `member` arguments.")],
            arguments: [
                .key("key", spec: 0),
                .string("member", multiple: true),
            ]),
        "smembers": CommandDocs(
            "Returns all members of a set.",
            since: "1.0.0", complexity: "O(N) where N is the set cardinality.",
            arguments: [
                .key("key", spec: 0),
            ]),
        "sismember": CommandDocs(
            "Determines whether a member belongs to a set.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("member"),
            ]),
        "smismember": CommandDocs(
            "Determines whether multiple members belong to a set.",
            since: "6.2.0", complexity: "O(N) where N is the number of elements being checked for membership",
            arguments: [
                .key("key", spec: 0),
                .string("member", multiple: true),
            ]),
        "scard": CommandDocs(
            "Returns the number of members in a set.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
            ]),
        "spop": CommandDocs(
            """
                Returns one or more random members from a set after removing them. Deletes the set if the last \
                member was popped.
                """,
            since: "1.0.0",
            complexity: "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
            history: [("3.2.0", "Added the `count` argument.")],
            arguments: [
                .key("key", spec: 0),
                .integer("count", since: "3.2.0", optional: true),
            ]),
        "srandmember": CommandDocs(
            "Get one or multiple random members from a set",
            since: "1.0.0",
            complexity: """
                Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.
                """,
            history: [("2.6.0", "Added the optional `count` argument.")],
            arguments: [
                .key("key", spec: 0),
                .integer("count", since: "2.6.0", optional: true),
            ]),
        "smove": CommandDocs(
            "Moves a member from one set to another.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [
                .key("source", spec: 0),
                .key("destination", spec: 1),
                .string("member"),
            ]),
        "sinter": CommandDocs(
            "Returns the intersect of multiple sets.",
            since: "1.0.0",
            complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
            arguments: [
                .key("key", spec: 0, multiple: true),
            ]),
        "sintercard": CommandDocs(
            "Returns the number of members of the intersect of multiple sets.",
            since: "7.0.0",
            complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
            arguments: [
                .integer("numkeys"),
                .key("key", spec: 0, multiple: true),
                .integer("limit", token: "LIMIT", optional: true),
            ]),
        "sinterstore": CommandDocs(
            "Stores the intersect of multiple sets in a key.",
            since: "1.0.0",
            complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
            arguments: [
                .key("destination", spec: 0),
                .key("key", spec: 1, multiple: true),
            ]),
        "sunion": CommandDocs(
            "Returns the union of multiple sets.",
            since: "1.0.0", complexity: "O(N) where N is the total number of elements in all given sets.",
            arguments: [
                .key("key", spec: 0, multiple: true),
            ]),
        "sunionstore": CommandDocs(
            "Stores the union of multiple sets in a key.",
            since: "1.0.0", complexity: "O(N) where N is the total number of elements in all given sets.",
            arguments: [
                .key("destination", spec: 0),
                .key("key", spec: 1, multiple: true),
            ]),
        "sdiff": CommandDocs(
            "Returns the difference of multiple sets.",
            since: "1.0.0", complexity: "O(N) where N is the total number of elements in all given sets.",
            arguments: [
                .key("key", spec: 0, multiple: true),
            ]),
        "sdiffstore": CommandDocs(
            "Stores the difference of multiple sets in a key.",
            since: "1.0.0", complexity: "O(N) where N is the total number of elements in all given sets.",
            arguments: [
                .key("destination", spec: 0),
                .key("key", spec: 1, multiple: true),
            ]),
        "sscan": CommandDocs(
            "Iterates over members of a set.",
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
    ]
}
