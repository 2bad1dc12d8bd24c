// COMMAND DOCS for COMMAND and its subcommands: Redis 7.2's summaries, complexities, history and argument trees, keyed
// by full command name. CommandTable attaches them to the specs in CommandCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension CommandCommands {
    static let docs: [String: CommandDocs] = [
        "command": CommandDocs(
            "Returns detailed information about all commands.",
            since: "2.8.13", complexity: "O(N) where N is the total number of Redis commands"),
        "command|count": CommandDocs(
            "Returns a count of commands.",
            since: "2.8.13", complexity: "O(1)"),
        "command|info": CommandDocs(
            "Returns information about one, multiple or all commands.",
            since: "2.8.13", complexity: "O(N) where N is the number of commands to look up",
            history: [("7.0.0", "Allowed to be called with no argument to get info on all commands.")],
            arguments: [.string("command-name", optional: true, multiple: true)]),
        "command|docs": CommandDocs(
            "Returns documentary information about one, multiple or all commands.",
            since: "7.0.0", complexity: "O(N) where N is the number of commands to look up",
            arguments: [.string("command-name", optional: true, multiple: true)]),
        "command|list": CommandDocs(
            "Returns a list of command names.",
            since: "7.0.0", complexity: "O(N) where N is the total number of Redis commands",
            arguments: [
                .oneOf("filterby", token: "FILTERBY", optional: true, [
                    .string("module-name", token: "MODULE"),
                    .string("category", token: "ACLCAT"),
                    .pattern("pattern", token: "PATTERN"),
                ]),
            ]),
        "command|getkeys": CommandDocs(
            "Extracts the key names from an arbitrary command.",
            since: "2.8.13", complexity: "O(N) where N is the number of arguments to the command",
            arguments: [.string("command"), .string("arg", optional: true, multiple: true)]),
        "command|getkeysandflags": CommandDocs(
            "Extracts the key names and access flags for an arbitrary command.",
            since: "7.0.0", complexity: "O(N) where N is the number of arguments to the command",
            arguments: [.string("command"), .string("arg", optional: true, multiple: true)]),
        "command|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "5.0.0", complexity: "O(1)"),
    ]
}
