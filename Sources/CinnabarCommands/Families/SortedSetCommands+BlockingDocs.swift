// COMMAND DOCS for the blocking sorted set commands (BZPOPMIN, BZPOPMAX, BZMPOP): Redis 7.2's summaries,
// complexities, history and argument trees, keyed by full command name. CommandTable attaches them to the specs in
// SortedSetCommands.swift alongside SortedSetCommands.docs.
// SPDX-License-Identifier: BSD-3-Clause

extension SortedSetCommands {
    static let blockingDocs: [String: CommandDocs] = [
        "bzpopmin": CommandDocs(
            """
                Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a \
                member is available otherwise. Deletes the sorted set if the last element was popped.
                """,
            since: "5.0.0", complexity: "O(log(N)) with N being the number of elements in the sorted set.",
            history: [("6.0.0", "`timeout` is interpreted as a double instead of an integer.")],
            arguments: [.key("key", spec: 0, multiple: true), .double("timeout")]),
        // Redis's summary has two spaces after "otherwise.".
        "bzpopmax": CommandDocs(
            """
                Removes and returns the member with the highest score from one or more sorted sets. Blocks until a \
                member available otherwise.  Deletes the sorted set if the last element was popped.
                """,
            since: "5.0.0", complexity: "O(log(N)) with N being the number of elements in the sorted set.",
            history: [("6.0.0", "`timeout` is interpreted as a double instead of an integer.")],
            arguments: [.key("key", spec: 0, multiple: true), .double("timeout")]),
        "bzmpop": CommandDocs(
            """
                Removes and returns a member by score from one or more sorted sets. Blocks until a member is \
                available otherwise. Deletes the sorted set if the last element was popped.
                """,
            since: "7.0.0",
            complexity: """
                O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the \
                sorted set, and M being the number of elements popped.
                """,
            arguments: [
                .double("timeout"),
                .integer("numkeys"),
                .key("key", spec: 0, multiple: true),
                .oneOf("where", [.pureToken("MIN"), .pureToken("MAX")]),
                .integer("count", token: "COUNT", optional: true),
            ]),
    ]
}
