// COMMAND DOCS for scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, FCALL, FCALL_RO and the SCRIPT and FUNCTION
// subcommands, with Redis 7.2's summaries, complexities, history and argument trees (generated once from Redis's
// src/commands/*.json and checked by tests/compat/test_command_docs.py). CommandTable attaches them to the specs in
// ScriptingCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension ScriptingCommands {
    static let docs: [String: CommandDocs] = [
        "eval": CommandDocs(
            "Executes a server-side Lua script.",
            since: "2.6.0", complexity: "Depends on the script that is executed.",
            arguments: [
                .string("script"),
                .integer("numkeys"),
                .key("key", spec: 0, optional: true, multiple: true),
                .string("arg", optional: true, multiple: true)
            ]),
        "evalsha": CommandDocs(
            "Executes a server-side Lua script by SHA1 digest.",
            since: "2.6.0", complexity: "Depends on the script that is executed.",
            arguments: [
                .string("sha1"),
                .integer("numkeys"),
                .key("key", spec: 0, optional: true, multiple: true),
                .string("arg", optional: true, multiple: true)
            ]),
        "eval_ro": CommandDocs(
            "Executes a read-only server-side Lua script.",
            since: "7.0.0", complexity: "Depends on the script that is executed.",
            arguments: [
                .string("script"),
                .integer("numkeys"),
                .key("key", spec: 0, optional: true, multiple: true),
                .string("arg", optional: true, multiple: true)
            ]),
        "evalsha_ro": CommandDocs(
            "Executes a read-only server-side Lua script by SHA1 digest.",
            since: "7.0.0", complexity: "Depends on the script that is executed.",
            arguments: [
                .string("sha1"),
                .integer("numkeys"),
                .key("key", spec: 0, optional: true, multiple: true),
                .string("arg", optional: true, multiple: true)
            ]),
        "fcall": CommandDocs(
            "Invokes a function.",
            since: "7.0.0", complexity: "Depends on the function that is executed.",
            arguments: [
                .string("function"),
                .integer("numkeys"),
                .key("key", spec: 0, optional: true, multiple: true),
                .string("arg", optional: true, multiple: true)
            ]),
        "fcall_ro": CommandDocs(
            "Invokes a read-only function.",
            since: "7.0.0", complexity: "Depends on the function that is executed.",
            arguments: [
                .string("function"),
                .integer("numkeys"),
                .key("key", spec: 0, optional: true, multiple: true),
                .string("arg", optional: true, multiple: true)
            ]),
        "script": CommandDocs(
            "A container for Lua scripts management commands.",
            since: "2.6.0", complexity: "Depends on subcommand."),
        "script|load": CommandDocs(
            "Loads a server-side Lua script to the script cache.",
            since: "2.6.0", complexity: "O(N) with N being the length in bytes of the script body.",
            arguments: [
                .string("script")
            ]),
        "script|exists": CommandDocs(
            "Determines whether server-side Lua scripts exist in the script cache.",
            since: "2.6.0", complexity: "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
            arguments: [
                .string("sha1", multiple: true)
            ]),
        "script|flush": CommandDocs(
            "Removes all server-side Lua scripts from the script cache.",
            since: "2.6.0", complexity: "O(N) with N being the number of scripts in cache",
            history: [("6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers.")],
            arguments: [
                .oneOf("flush-type", since: "6.2.0", optional: true, [
                    .pureToken("ASYNC"),
                    .pureToken("SYNC")])
            ]),
        "script|kill": CommandDocs(
            "Terminates a server-side Lua script during execution.",
            since: "2.6.0", complexity: "O(1)"),
        "script|debug": CommandDocs(
            "Sets the debug mode of server-side Lua scripts.",
            since: "3.2.0", complexity: "O(1)",
            arguments: [
                .oneOf("mode", [
                    .pureToken("YES"),
                    .pureToken("SYNC"),
                    .pureToken("NO")])
            ]),
        "script|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "5.0.0", complexity: "O(1)"),
        "function": CommandDocs(
            "A container for function commands.",
            since: "7.0.0", complexity: "Depends on subcommand."),
        "function|load": CommandDocs(
            "Creates a library.",
            since: "7.0.0", complexity: "O(1) (considering compilation time is redundant)",
            arguments: [
                .pureToken("REPLACE", optional: true),
                .string("function-code")
            ]),
        "function|delete": CommandDocs(
            "Deletes a library and its functions.",
            since: "7.0.0", complexity: "O(1)",
            arguments: [
                .string("library-name")
            ]),
        "function|flush": CommandDocs(
            "Deletes all libraries and functions.",
            since: "7.0.0", complexity: "O(N) where N is the number of functions deleted",
            arguments: [
                .oneOf("flush-type", optional: true, [
                    .pureToken("ASYNC"),
                    .pureToken("SYNC")])
            ]),
        "function|list": CommandDocs(
            "Returns information about all libraries.",
            since: "7.0.0", complexity: "O(N) where N is the number of functions",
            arguments: [
                .string("library-name-pattern", token: "LIBRARYNAME", optional: true),
                .pureToken("WITHCODE", optional: true)
            ]),
        "function|stats": CommandDocs(
            "Returns information about a function during execution.",
            since: "7.0.0", complexity: "O(1)"),
        "function|kill": CommandDocs(
            "Terminates a function during execution.",
            since: "7.0.0", complexity: "O(1)"),
        "function|dump": CommandDocs(
            "Dumps all libraries into a serialized binary payload.",
            since: "7.0.0", complexity: "O(N) where N is the number of functions"),
        "function|restore": CommandDocs(
            "Restores all libraries from a payload.",
            since: "7.0.0", complexity: "O(N) where N is the number of functions on the payload",
            arguments: [
                .string("serialized-value"),
                .oneOf("policy", optional: true, [
                    .pureToken("FLUSH"),
                    .pureToken("APPEND"),
                    .pureToken("REPLACE")])
            ]),
        "function|help": CommandDocs(
            "Returns helpful text about the different subcommands.",
            since: "7.0.0", complexity: "O(1)"),
    ]
}
