// COMMAND DOCS for CONFIG and its subcommands: Redis 7.2's summaries, complexities, history and argument trees, keyed
// by full command name. CommandTable attaches them to the specs in ConfigCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension ConfigCommands {
    static let docs: [String: CommandDocs] = [
        "config": CommandDocs(
            "A container for server configuration commands.",
            since: "2.0.0", complexity: "Depends on subcommand."),
        "config|get": CommandDocs(
            "Returns the effective values of configuration parameters.",
            since: "2.0.0", complexity: "O(N) when N is the number of configuration parameters provided",
            history: [("7.0.0", "Added the ability to pass multiple pattern parameters in one call")],
            arguments: [.string("parameter", multiple: true)]),
        "config|set": CommandDocs(
            "Sets configuration parameters in-flight.",
            since: "2.0.0", complexity: "O(N) when N is the number of configuration parameters provided",
            history: [("7.0.0", "Added the ability to set multiple parameters in one call.")],
            arguments: [.block("data", multiple: true, [.string("parameter"), .string("value")])]),
        "config|resetstat": CommandDocs(
            "Resets the server's statistics.",
            since: "2.0.0", complexity: "O(1)"),
        "config|rewrite": CommandDocs(
            "Persists the effective configuration to file.",
            since: "2.8.0", complexity: "O(1)"),
        "config|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "5.0.0", complexity: "O(1)"),
    ]
}
