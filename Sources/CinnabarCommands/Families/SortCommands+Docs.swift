// COMMAND DOCS for SORT and SORT_RO: Redis 7.2's summaries, complexities and argument trees, keyed by command name.
// CommandTable attaches them to the specs in SortCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension SortCommands {
    static let docs: [String: CommandDocs] = [
        "sort": CommandDocs(
            "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.",
            since: "1.0.0",
            complexity: """
                O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of \
                returned elements. When the elements are not sorted, complexity is O(N).
                """,
            arguments: [
                .key("key", spec: 0),
                // The BY and GET patterns name keys (key spec 1), which `.pattern` cannot say.
                ArgumentDoc(
                    "by-pattern", .pattern, display: "pattern", keySpecIndex: 1, token: "BY", flags: [.optional]),
                .block("limit", token: "LIMIT", optional: true, [.integer("offset"), .integer("count")]),
                ArgumentDoc(
                    "get-pattern", .pattern, display: "pattern", keySpecIndex: 1, token: "GET",
                    flags: [.optional, .multiple, .multipleToken]),
                .oneOf("order", optional: true, [.pureToken("ASC"), .pureToken("DESC")]),
                ArgumentDoc("sorting", .pureToken, token: "ALPHA", flags: [.optional]),
                .key("destination", spec: 2, token: "STORE", optional: true),
            ]),
        "sort_ro": CommandDocs(
            "Returns the sorted elements of a list, a set, or a sorted set.",
            since: "7.0.0",
            complexity: """
                O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of \
                returned elements. When the elements are not sorted, complexity is O(N).
                """,
            arguments: [
                .key("key", spec: 0),
                ArgumentDoc(
                    "by-pattern", .pattern, display: "pattern", keySpecIndex: 1, token: "BY", flags: [.optional]),
                .block("limit", token: "LIMIT", optional: true, [.integer("offset"), .integer("count")]),
                ArgumentDoc(
                    "get-pattern", .pattern, display: "pattern", keySpecIndex: 1, token: "GET",
                    flags: [.optional, .multiple, .multipleToken]),
                .oneOf("order", optional: true, [.pureToken("ASC"), .pureToken("DESC")]),
                ArgumentDoc("sorting", .pureToken, token: "ALPHA", flags: [.optional]),
            ]),
    ]
}
