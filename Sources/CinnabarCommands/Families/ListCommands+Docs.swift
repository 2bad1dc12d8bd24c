// COMMAND DOCS for the list commands (LPUSH/RPUSH and their X forms, LPOP/RPOP, LLEN, LINDEX, LINSERT, LRANGE, LREM,
// LSET, LTRIM, LPOS, LMOVE/RPOPLPUSH, LMPOP and the blocking BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BLMPOP): Redis 7.2's
// summaries, complexities, history and argument trees, keyed by full command name. CommandTable attaches them to the
// specs in ListCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension ListCommands {
    static let docs: [String: CommandDocs] = [
        "lpush": CommandDocs(
            "Prepends one or more elements to a list. Creates the key if it doesn't exist.",
            since: "1.0.0",
            complexity: """
                O(1) for each element added, so O(N) to add N elements when the command is called with multiple \
                arguments.
                """,
            history: [("2.4.0", "Accepts multiple `element` arguments.")],
            arguments: [.key("key", spec: 0), .string("element", multiple: true)]),
        "rpush": CommandDocs(
            "Appends one or more elements to a list. Creates the key if it doesn't exist.",
            since: "1.0.0",
            complexity: """
                O(1) for each element added, so O(N) to add N elements when the command is called with multiple \
                arguments.
                """,
            history: [("2.4.0", "Accepts multiple `element` arguments.")],
            arguments: [.key("key", spec: 0), .string("element", multiple: true)]),
        "lpushx": CommandDocs(
            "Prepends one or more elements to a list only when the list exists.",
            since: "2.2.0",
            complexity: """
                O(1) for each element added, so O(N) to add N elements when the command is called with multiple \
                arguments.
                """,
            history: [("4.0.0", "Accepts multiple `element` arguments.")],
            arguments: [.key("key", spec: 0), .string("element", multiple: true)]),
        "rpushx": CommandDocs(
            "Appends an element to a list only when the list exists.",
            since: "2.2.0",
            complexity: """
                O(1) for each element added, so O(N) to add N elements when the command is called with multiple \
                arguments.
                """,
            history: [("4.0.0", "Accepts multiple `element` arguments.")],
            arguments: [.key("key", spec: 0), .string("element", multiple: true)]),
        "lpop": CommandDocs(
            "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.",
            since: "1.0.0", complexity: "O(N) where N is the number of elements returned",
            history: [("6.2.0", "Added the `count` argument.")],
            arguments: [.key("key", spec: 0), .integer("count", since: "6.2.0", optional: true)]),
        "rpop": CommandDocs(
            "Returns and removes the last elements of a list. Deletes the list if the last element was popped.",
            since: "1.0.0", complexity: "O(N) where N is the number of elements returned",
            history: [("6.2.0", "Added the `count` argument.")],
            arguments: [.key("key", spec: 0), .integer("count", since: "6.2.0", optional: true)]),
        "llen": CommandDocs(
            "Returns the length of a list.",
            since: "1.0.0", complexity: "O(1)",
            arguments: [.key("key", spec: 0)]),
        "lindex": CommandDocs(
            "Returns an element from a list by its index.",
            since: "1.0.0",
            complexity: """
                O(N) where N is the number of elements to traverse to get to the element at index. This makes asking \
                for the first or the last element of the list O(1).
                """,
            arguments: [.key("key", spec: 0), .integer("index")]),
        "linsert": CommandDocs(
            "Inserts an element before or after another element in a list.",
            since: "2.2.0",
            complexity: """
                O(N) where N is the number of elements to traverse before seeing the value pivot. This means that \
                inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere \
                on the right end (tail) is O(N).
                """,
            arguments: [
                .key("key", spec: 0),
                .oneOf("where", [.pureToken("BEFORE"), .pureToken("AFTER")]),
                .string("pivot"),
                .string("element"),
            ]),
        "lrange": CommandDocs(
            "Returns a range of elements from a list.",
            since: "1.0.0",
            complexity: """
                O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or \
                TAIL) for large lists; and N is the number of elements in the specified range.
                """,
            arguments: [.key("key", spec: 0), .integer("start"), .integer("stop")]),
        "lrem": CommandDocs(
            "Removes elements from a list. Deletes the list if the last element was removed.",
            since: "1.0.0",
            complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
            arguments: [.key("key", spec: 0), .integer("count"), .string("element")]),
        "lset": CommandDocs(
            "Sets the value of an element in a list by its index.",
            since: "1.0.0",
            complexity: """
                O(N) where N is the length of the list. Setting either the first or the last element of the list is \
                O(1).
                """,
            arguments: [.key("key", spec: 0), .integer("index"), .string("element")]),
        "ltrim": CommandDocs(
            "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
            since: "1.0.0", complexity: "O(N) where N is the number of elements to be removed by the operation.",
            arguments: [.key("key", spec: 0), .integer("start"), .integer("stop")]),
        "lpos": CommandDocs(
            "Returns the index of matching elements in a list.",
            since: "6.0.6",
            complexity: """
                O(N) where N is the number of elements in the list, for the average case. When searching for elements \
                near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in \
                constant time.
                """,
            arguments: [
                .key("key", spec: 0),
                .string("element"),
                .integer("rank", token: "RANK", optional: true),
                .integer("num-matches", token: "COUNT", optional: true),
                .integer("len", token: "MAXLEN", optional: true),
            ]),
        "lmove": CommandDocs(
            """
                Returns an element after popping it from one list and pushing it to another. Deletes the list if the \
                last element was moved.
                """,
            since: "6.2.0", complexity: "O(1)",
            arguments: [
                .key("source", spec: 0),
                .key("destination", spec: 1),
                .oneOf("wherefrom", [.pureToken("LEFT"), .pureToken("RIGHT")]),
                .oneOf("whereto", [.pureToken("LEFT"), .pureToken("RIGHT")]),
            ]),
        "rpoplpush": CommandDocs(
            """
                Returns the last element of a list after removing and pushing it to another list. Deletes the list if \
                the last element was popped.
                """,
            since: "1.2.0", complexity: "O(1)", docFlags: [.deprecated], deprecatedSince: "6.2.0",
            replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments",
            arguments: [.key("source", spec: 0), .key("destination", spec: 1)]),
        "lmpop": CommandDocs(
            """
                Returns multiple elements from a list after removing them. Deletes the list if the last element was \
                popped.
                """,
            since: "7.0.0",
            complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
            arguments: [
                .integer("numkeys"),
                .key("key", spec: 0, multiple: true),
                .oneOf("where", [.pureToken("LEFT"), .pureToken("RIGHT")]),
                .integer("count", token: "COUNT", optional: true),
            ]),
        "blpop": CommandDocs(
            """
                Removes and returns the first element in a list. Blocks until an element is available otherwise. \
                Deletes the list if the last element was popped.
                """,
            since: "2.0.0", complexity: "O(N) where N is the number of provided keys.",
            history: [("6.0.0", "`timeout` is interpreted as a double instead of an integer.")],
            arguments: [.key("key", spec: 0, multiple: true), .double("timeout")]),
        "brpop": CommandDocs(
            """
                Removes and returns the last element in a list. Blocks until an element is available otherwise. \
                Deletes the list if the last element was popped.
                """,
            since: "2.0.0", complexity: "O(N) where N is the number of provided keys.",
            history: [("6.0.0", "`timeout` is interpreted as a double instead of an integer.")],
            arguments: [.key("key", spec: 0, multiple: true), .double("timeout")]),
        "blmove": CommandDocs(
            """
                Pops an element from a list, pushes it to another list and returns it. Blocks until an element is \
                available otherwise. Deletes the list if the last element was moved.
                """,
            since: "6.2.0", complexity: "O(1)",
            arguments: [
                .key("source", spec: 0),
                .key("destination", spec: 1),
                .oneOf("wherefrom", [.pureToken("LEFT"), .pureToken("RIGHT")]),
                .oneOf("whereto", [.pureToken("LEFT"), .pureToken("RIGHT")]),
                .double("timeout"),
            ]),
        "brpoplpush": CommandDocs(
            """
                Pops an element from a list, pushes it to another list and returns it. Block until an element is \
                available otherwise. Deletes the list if the last element was popped.
                """,
            since: "2.2.0", complexity: "O(1)", docFlags: [.deprecated], deprecatedSince: "6.2.0",
            replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
            history: [("6.0.0", "`timeout` is interpreted as a double instead of an integer.")],
            arguments: [.key("source", spec: 0), .key("destination", spec: 1), .double("timeout")]),
        "blmpop": CommandDocs(
            """
                Pops the first element from one of multiple lists. Blocks until an element is available otherwise. \
                Deletes the list if the last element was popped.
                """,
            since: "7.0.0",
            complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
            arguments: [
                .double("timeout"),
                .integer("numkeys"),
                .key("key", spec: 0, multiple: true),
                .oneOf("where", [.pureToken("LEFT"), .pureToken("RIGHT")]),
                .integer("count", token: "COUNT", optional: true),
            ]),
    ]
}
