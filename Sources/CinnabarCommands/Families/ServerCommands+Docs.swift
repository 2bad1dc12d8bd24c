// COMMAND DOCS for the server-level commands (DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, LASTSAVE, SHUTDOWN, MONITOR,
// ROLE) and FUNCTION FLUSH: Redis 7.2's summaries, complexities, history and argument trees, keyed by full command
// name. CommandTable attaches them to the specs in ServerCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension ServerCommands {
    static let docs: [String: CommandDocs] = [
        "dbsize": CommandDocs(
            "Returns the number of keys in the database.",
            since: "1.0.0", complexity: "O(1)"),
        "flushdb": CommandDocs(
            "Remove all keys from the current database.",
            since: "1.0.0", complexity: "O(N) where N is the number of keys in the selected database",
            history: [
                ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
                ("6.2.0", "Added the `SYNC` flushing mode modifier."),
            ],
            arguments: [
                .oneOf("flush-type", optional: true, [
                    .pureToken("ASYNC", since: "4.0.0"),
                    .pureToken("SYNC", since: "6.2.0"),
                ]),
            ]),
        "flushall": CommandDocs(
            "Removes all keys from all databases.",
            since: "1.0.0", complexity: "O(N) where N is the total number of keys in all databases",
            history: [
                ("4.0.0", "Added the `ASYNC` flushing mode modifier."),
                ("6.2.0", "Added the `SYNC` flushing mode modifier."),
            ],
            arguments: [
                .oneOf("flush-type", optional: true, [
                    .pureToken("ASYNC", since: "4.0.0"),
                    .pureToken("SYNC", since: "6.2.0"),
                ]),
            ]),
        "swapdb": CommandDocs(
            "Swaps two Redis databases.",
            since: "4.0.0",
            complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
            arguments: [.integer("index1"), .integer("index2")]),
        "time": CommandDocs(
            "Returns the server time.",
            since: "2.6.0", complexity: "O(1)"),
        "lastsave": CommandDocs(
            "Returns the Unix timestamp of the last successful save to disk.",
            since: "1.0.0", complexity: "O(1)"),
        "save": CommandDocs(
            "Synchronously saves the database(s) to disk.",
            since: "1.0.0", complexity: "O(N) where N is the total number of keys in all databases"),
        "bgrewriteaof": CommandDocs(
            "Asynchronously rewrites the append-only file to disk.",
            since: "1.0.0", complexity: "O(1)"),
        "bgsave": CommandDocs(
            "Asynchronously saves the database(s) to disk.",
            since: "1.0.0", complexity: "O(1)",
            history: [("3.2.2", "Added the `SCHEDULE` option.")],
            arguments: [.pureToken("SCHEDULE", since: "3.2.2", optional: true)]),
        "shutdown": CommandDocs(
            "Synchronously saves the database(s) to disk and shuts down the Redis server.",
            since: "1.0.0",
            complexity: """
                O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise \
                O(1)
                """,
            history: [("7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.")],
            arguments: [
                .oneOf("save-selector", optional: true, [.pureToken("NOSAVE"), .pureToken("SAVE")]),
                .pureToken("NOW", since: "7.0.0", optional: true),
                .pureToken("FORCE", since: "7.0.0", optional: true),
                .pureToken("ABORT", since: "7.0.0", optional: true),
            ]),
        "monitor": CommandDocs(
            "Listens for all requests received by the server in real-time.",
            since: "1.0.0", complexity: nil),
        "role": CommandDocs(
            "Returns the replication role.",
            since: "2.8.12", complexity: "O(1)"),
    ]
}
