// COMMAND DOCS for the HyperLogLog commands (PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST): Redis 7.2's summaries,
// complexities and argument trees, keyed by command name. CommandTable attaches them to the specs in
// HyperLogLogCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension HyperLogLogCommands {
    static let docs: [String: CommandDocs] = [
        "pfadd": CommandDocs(
            "Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.",
            since: "2.8.9",
            complexity: "O(1) to add every element.",
            arguments: [
                .key("key", spec: 0),
                .string("element", optional: true, multiple: true),
            ]),
        "pfcount": CommandDocs(
            "Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).",
            since: "2.8.9",
            complexity: """
                O(1) with a very small average constant time when called with a single key. O(N) with N being the \
                number of keys, and much bigger constant times, when called with multiple keys.
                """,
            arguments: [
                .key("key", spec: 0, multiple: true),
            ]),
        "pfmerge": CommandDocs(
            "Merges one or more HyperLogLog values into a single key.",
            since: "2.8.9",
            complexity: "O(N) to merge N HyperLogLogs, but with high constant times.",
            arguments: [
                .key("destkey", spec: 0),
                .key("sourcekey", spec: 1, optional: true, multiple: true),
            ]),
        "pfdebug": CommandDocs(
            "Internal commands for debugging HyperLogLog values.",
            since: "2.8.9",
            complexity: "N/A",
            docFlags: [.syscmd],
            arguments: [
                .string("subcommand"),
                .key("key", spec: 0),
            ]),
        "pfselftest": CommandDocs(
            "An internal command for testing HyperLogLog values.",
            since: "2.8.9",
            complexity: "N/A",
            docFlags: [.syscmd]),
    ]
}
