// What COMMAND DOCS says about a command beyond its dispatch metadata: summary, since, complexity, deprecation,
// history and the argument tree, Redis's commands/*.json documentation fields written as Swift values. Each family
// keeps them in `Families/<Family>Commands+Docs.swift`, keyed by the command's full name ("set", "client|list"), so
// the handler files stay about behaviour; CommandTable attaches them to the specs when it is built.
//
// An argument list reads like the syntax line it documents:
//
//     SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | ...]
//
//     .key("key", spec: 0),
//     .string("value"),
//     .oneOf("condition", since: "2.6.12", optional: true, [.pureToken("NX"), .pureToken("XX")]),
//     .pureToken("GET", since: "6.2.0", optional: true),
//     .oneOf("expiration", optional: true, [.integer("seconds", token: "EX", since: "2.6.12"), ...]),
// SPDX-License-Identifier: BSD-3-Clause

/// The documentation of one command or subcommand (Redis's redisCommand doc fields).
public struct CommandDocs: Sendable {
    /// Redis's CMD_DOC_* flags, in the order COMMAND DOCS lists them.
    public struct DocFlags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let deprecated = DocFlags(rawValue: 1 << 0)
        public static let syscmd = DocFlags(rawValue: 1 << 1)

        public var names: [String] {
            [(DocFlags.deprecated, "deprecated"), (.syscmd, "syscmd")].filter { contains($0.0) }.map(\.1)
        }
    }

    public let summary: String
    public let since: String
    /// nil for the few commands Redis documents no complexity for (MONITOR).
    public let complexity: String?
    public let docFlags: DocFlags
    public let deprecatedSince: String?
    public let replacedBy: String?
    /// Behaviour changes, oldest first: (version, what changed).
    public let history: [(since: String, changes: String)]
    public let arguments: [ArgumentDoc]

    /// `complexity` has no default on purpose: a command without one says `complexity: nil`.
    public init(
        _ summary: String, since: String, complexity: String?, docFlags: DocFlags = [],
        deprecatedSince: String? = nil, replacedBy: String? = nil,
        history: [(since: String, changes: String)] = [], arguments: [ArgumentDoc] = []
    ) {
        self.summary = summary
        self.since = since
        self.complexity = complexity
        self.docFlags = docFlags
        self.deprecatedSince = deprecatedSince
        self.replacedBy = replacedBy
        self.history = history
        self.arguments = arguments
    }
}

/// One node of a command's argument tree (Redis's redisCommandArg).
public struct ArgumentDoc: Sendable {
    /// The argument types, named as COMMAND DOCS prints them.
    public enum Kind: String, Sendable {
        case string, integer, double, key, pattern
        case unixTime = "unix-time"
        case pureToken = "pure-token"
        case oneOf = "oneof"
        case block
    }

    /// Redis's CMD_ARG_* flags, in the order COMMAND DOCS lists them.
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let optional = Flags(rawValue: 1 << 0)
        public static let multiple = Flags(rawValue: 1 << 1)
        public static let multipleToken = Flags(rawValue: 1 << 2)

        public var names: [String] {
            [(Flags.optional, "optional"), (.multiple, "multiple"), (.multipleToken, "multiple_token")]
                .filter { contains($0.0) }.map(\.1)
        }
    }

    public let name: String
    public let kind: Kind
    /// What the syntax line shows for the argument; Redis falls back to the name.
    public let displayText: String?
    /// The key spec (COMMAND INFO) this key argument belongs to.
    public let keySpecIndex: Int?
    /// The keyword that introduces the argument ("EX" in `EX seconds`).
    public let token: String?
    public let summary: String?
    public let since: String?
    public let deprecatedSince: String?
    public let flags: Flags
    /// The alternatives of a `oneOf`, the parts of a `block`; empty for the other kinds.
    public let arguments: [ArgumentDoc]

    public init(
        _ name: String, _ kind: Kind, display: String? = nil, keySpecIndex: Int? = nil, token: String? = nil,
        summary: String? = nil, since: String? = nil, deprecatedSince: String? = nil, flags: Flags = [],
        arguments: [ArgumentDoc] = []
    ) {
        self.name = name
        self.kind = kind
        self.displayText = display
        self.keySpecIndex = keySpecIndex
        self.token = token
        self.summary = summary
        self.since = since
        self.deprecatedSince = deprecatedSince
        self.flags = flags
        self.arguments = arguments
    }

    // MARK: - Constructors, one per type
    //
    // The labels come in one order everywhere: token, display, since, deprecatedSince, then the flags.

    /// A key argument, documented with the index of its key spec.
    public static func key(
        _ name: String, spec: Int, token: String? = nil, display: String? = nil, since: String? = nil,
        optional: Bool = false, multiple: Bool = false
    ) -> ArgumentDoc {
        ArgumentDoc(name, .key, display: display, keySpecIndex: spec, token: token, since: since,
                    flags: flags(optional, multiple, false))
    }

    public static func string(
        _ name: String, token: String? = nil, display: String? = nil, since: String? = nil,
        deprecatedSince: String? = nil, optional: Bool = false, multiple: Bool = false, multipleToken: Bool = false
    ) -> ArgumentDoc {
        scalar(name, .string, token, display, since, deprecatedSince, flags(optional, multiple, multipleToken))
    }

    public static func integer(
        _ name: String, token: String? = nil, display: String? = nil, since: String? = nil,
        deprecatedSince: String? = nil, optional: Bool = false, multiple: Bool = false, multipleToken: Bool = false
    ) -> ArgumentDoc {
        scalar(name, .integer, token, display, since, deprecatedSince, flags(optional, multiple, multipleToken))
    }

    public static func double(
        _ name: String, token: String? = nil, display: String? = nil, since: String? = nil,
        deprecatedSince: String? = nil, optional: Bool = false, multiple: Bool = false, multipleToken: Bool = false
    ) -> ArgumentDoc {
        scalar(name, .double, token, display, since, deprecatedSince, flags(optional, multiple, multipleToken))
    }

    public static func pattern(
        _ name: String, token: String? = nil, display: String? = nil, since: String? = nil,
        deprecatedSince: String? = nil, optional: Bool = false, multiple: Bool = false, multipleToken: Bool = false
    ) -> ArgumentDoc {
        scalar(name, .pattern, token, display, since, deprecatedSince, flags(optional, multiple, multipleToken))
    }

    public static func unixTime(
        _ name: String, token: String? = nil, display: String? = nil, since: String? = nil,
        deprecatedSince: String? = nil, optional: Bool = false, multiple: Bool = false, multipleToken: Bool = false
    ) -> ArgumentDoc {
        scalar(name, .unixTime, token, display, since, deprecatedSince, flags(optional, multiple, multipleToken))
    }

    /// A keyword on its own (`NX`); Redis names it after the lowercased token.
    public static func pureToken(
        _ token: String, since: String? = nil, deprecatedSince: String? = nil, optional: Bool = false,
        multiple: Bool = false
    ) -> ArgumentDoc {
        scalar(token.lowercased(), .pureToken, token, nil, since, deprecatedSince, flags(optional, multiple, false))
    }

    /// Exactly one of `alternatives`.
    public static func oneOf(
        _ name: String, token: String? = nil, since: String? = nil, deprecatedSince: String? = nil,
        optional: Bool = false, multiple: Bool = false, multipleToken: Bool = false, _ alternatives: [ArgumentDoc]
    ) -> ArgumentDoc {
        ArgumentDoc(name, .oneOf, token: token, since: since, deprecatedSince: deprecatedSince,
                    flags: flags(optional, multiple, multipleToken), arguments: alternatives)
    }

    /// `parts` in sequence.
    public static func block(
        _ name: String, token: String? = nil, since: String? = nil, deprecatedSince: String? = nil,
        optional: Bool = false, multiple: Bool = false, multipleToken: Bool = false, _ parts: [ArgumentDoc]
    ) -> ArgumentDoc {
        ArgumentDoc(name, .block, token: token, since: since, deprecatedSince: deprecatedSince,
                    flags: flags(optional, multiple, multipleToken), arguments: parts)
    }

    private static func scalar(
        _ name: String, _ kind: Kind, _ token: String?, _ display: String?, _ since: String?,
        _ deprecatedSince: String?, _ flags: Flags
    ) -> ArgumentDoc {
        ArgumentDoc(name, kind, display: display, token: token, since: since, deprecatedSince: deprecatedSince,
                    flags: flags)
    }

    private static func flags(_ optional: Bool, _ multiple: Bool, _ multipleToken: Bool) -> Flags {
        var f: Flags = []
        if optional { f.insert(.optional) }
        if multiple { f.insert(.multiple) }
        if multipleToken { f.insert(.multipleToken) }
        return f
    }
}
