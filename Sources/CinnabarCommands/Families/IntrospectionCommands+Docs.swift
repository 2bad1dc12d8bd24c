// COMMAND DOCS for SLOWLOG, LATENCY and MEMORY and their subcommands: Redis 7.2's summaries, complexities, history and
// argument trees, keyed by full command name. CommandTable attaches them to the specs in IntrospectionCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension IntrospectionCommands {
    static let docs: [String: CommandDocs] = [
        "slowlog": CommandDocs(
            "A container for slow log commands.",
            since: "2.2.12", complexity: "Depends on subcommand."),
        "slowlog|get": CommandDocs(
            "Returns the slow log's entries.",
            since: "2.2.12", complexity: "O(N) where N is the number of entries returned",
            history: [("4.0.0", "Added client IP address, port and name to the reply.")],
            arguments: [.integer("count", optional: true)]),
        "slowlog|len": CommandDocs(
            "Returns the number of entries in the slow log.",
            since: "2.2.12", complexity: "O(1)"),
        "slowlog|reset": CommandDocs(
            "Clears all entries from the slow log.",
            since: "2.2.12", complexity: "O(N) where N is the number of entries in the slowlog"),
        "slowlog|help": CommandDocs(
            "Show helpful text about the different subcommands",
            since: "6.2.0", complexity: "O(1)"),
        "latency": CommandDocs(
            "A container for latency diagnostics commands.",
            since: "2.8.13", complexity: "Depends on subcommand."),
        "latency|latest": CommandDocs(
            "Returns the latest latency samples for all events.",
            since: "2.8.13", complexity: "O(1)"),
        "latency|history": CommandDocs(
            "Returns timestamp-latency samples for an event.",
            since: "2.8.13", complexity: "O(1)",
            arguments: [.string("event")]),
        "latency|reset": CommandDocs(
            "Resets the latency data for one or more events.",
            since: "2.8.13", complexity: "O(1)",
            arguments: [.string("event", optional: true, multiple: true)]),
        "latency|histogram": CommandDocs(
            "Returns the cumulative distribution of latencies of a subset or all commands.",
            since: "7.0.0",
            complexity: "O(N) where N is the number of commands with latency information being retrieved.",
            arguments: [.string("command", optional: true, multiple: true)]),
        "latency|doctor": CommandDocs(
            "Returns a human-readable latency analysis report.",
            since: "2.8.13", complexity: "O(1)"),
        "latency|graph": CommandDocs(
            "Returns a latency graph for an event.",
            since: "2.8.13", complexity: "O(1)",
            arguments: [.string("event")]),
        "latency|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "2.8.13", complexity: "O(1)"),
        "memory": CommandDocs(
            "A container for memory diagnostics commands.",
            since: "4.0.0", complexity: "Depends on subcommand."),
        "memory|usage": CommandDocs(
            "Estimates the memory usage of a key.",
            since: "4.0.0", complexity: "O(N) where N is the number of samples.",
            arguments: [.key("key", spec: 0), .integer("count", token: "SAMPLES", optional: true)]),
        "memory|stats": CommandDocs(
            "Returns details about memory usage.",
            since: "4.0.0", complexity: "O(1)"),
        "memory|doctor": CommandDocs(
            "Outputs a memory problems report.",
            since: "4.0.0", complexity: "O(1)"),
        "memory|malloc-stats": CommandDocs(
            "Returns the allocator statistics.",
            since: "4.0.0", complexity: "Depends on how much memory is allocated, could be slow"),
        "memory|purge": CommandDocs(
            "Asks the allocator to release memory.",
            since: "4.0.0", complexity: "Depends on how much memory is allocated, could be slow"),
        "memory|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "4.0.0", complexity: "O(1)"),
    ]
}
