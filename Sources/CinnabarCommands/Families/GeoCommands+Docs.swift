// COMMAND DOCS for the geospatial commands (GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS and GEORADIUSBYMEMBER with
// their _RO forms, GEOSEARCH, GEOSEARCHSTORE): Redis 7.2's summaries, complexities, deprecations, history and
// argument trees, keyed by command name. CommandTable attaches them to the specs in GeoCommands.swift.
// SPDX-License-Identifier: BSD-3-Clause

extension GeoCommands {
    static let docs: [String: CommandDocs] = [
        "geoadd": CommandDocs(
            "Adds one or more members to a geospatial index. The key is created if it doesn't exist.",
            since: "3.2.0",
            complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
            history: [
                ("6.2.0", "Added the `CH`, `NX` and `XX` options."),
            ],
            arguments: [
                .key("key", spec: 0),
                .oneOf("condition", since: "6.2.0", optional: true, [
                    .pureToken("NX"),
                    .pureToken("XX"),
                ]),
                ArgumentDoc("change", .pureToken, token: "CH", since: "6.2.0", flags: [.optional]),
                .block("data", multiple: true, [
                    .double("longitude"),
                    .double("latitude"),
                    .string("member"),
                ]),
            ]),
        "geodist": CommandDocs(
            "Returns the distance between two members of a geospatial index.",
            since: "3.2.0",
            complexity: "O(1)",
            arguments: [
                .key("key", spec: 0),
                .string("member1"),
                .string("member2"),
                .oneOf("unit", optional: true, [
                    .pureToken("M"),
                    .pureToken("KM"),
                    .pureToken("FT"),
                    .pureToken("MI"),
                ]),
            ]),
        "geohash": CommandDocs(
            "Returns members from a geospatial index as geohash strings.",
            since: "3.2.0",
            complexity: "O(1) for each member requested.",
            arguments: [
                .key("key", spec: 0),
                .string("member", optional: true, multiple: true),
            ]),
        "geopos": CommandDocs(
            "Returns the longitude and latitude of members from a geospatial index.",
            since: "3.2.0",
            complexity: "O(1) for each member requested.",
            arguments: [
                .key("key", spec: 0),
                .string("member", optional: true, multiple: true),
            ]),
        "georadius": CommandDocs(
            "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.",
            since: "3.2.0",
            complexity: """
                O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited \
                by center and radius and M is the number of items inside the index.
                """,
            docFlags: [.deprecated], deprecatedSince: "6.2.0",
            replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument",
            history: [
                ("6.2.0", "Added the `ANY` option for `COUNT`."),
                ("7.0.0", "Added support for uppercase unit names."),
            ],
            arguments: [
                .key("key", spec: 0),
                .double("longitude"),
                .double("latitude"),
                .double("radius"),
                .oneOf("unit", [
                    .pureToken("M"),
                    .pureToken("KM"),
                    .pureToken("FT"),
                    .pureToken("MI"),
                ]),
                .pureToken("WITHCOORD", optional: true),
                .pureToken("WITHDIST", optional: true),
                .pureToken("WITHHASH", optional: true),
                .block("count-block", optional: true, [
                    .integer("count", token: "COUNT"),
                    .pureToken("ANY", since: "6.2.0", optional: true),
                ]),
                .oneOf("order", optional: true, [
                    .pureToken("ASC"),
                    .pureToken("DESC"),
                ]),
                .oneOf("store", optional: true, [
                    .key("storekey", spec: 1, token: "STORE", display: "key"),
                    .key("storedistkey", spec: 2, token: "STOREDIST", display: "key"),
                ]),
            ]),
        "georadius_ro": CommandDocs(
            "Returns members from a geospatial index that are within a distance from a coordinate.",
            since: "3.2.10",
            complexity: """
                O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited \
                by center and radius and M is the number of items inside the index.
                """,
            docFlags: [.deprecated], deprecatedSince: "6.2.0",
            replacedBy: "`GEOSEARCH` with the `BYRADIUS` argument",
            history: [
                ("6.2.0", "Added the `ANY` option for `COUNT`."),
            ],
            arguments: [
                .key("key", spec: 0),
                .double("longitude"),
                .double("latitude"),
                .double("radius"),
                .oneOf("unit", [
                    .pureToken("M"),
                    .pureToken("KM"),
                    .pureToken("FT"),
                    .pureToken("MI"),
                ]),
                .pureToken("WITHCOORD", optional: true),
                .pureToken("WITHDIST", optional: true),
                .pureToken("WITHHASH", optional: true),
                .block("count-block", optional: true, [
                    .integer("count", token: "COUNT"),
                    .pureToken("ANY", since: "6.2.0", optional: true),
                ]),
                .oneOf("order", optional: true, [
                    .pureToken("ASC"),
                    .pureToken("DESC"),
                ]),
            ]),
        "georadiusbymember": CommandDocs(
            "Queries a geospatial index for members within a distance from a member, optionally stores the result.",
            since: "3.2.0",
            complexity: """
                O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited \
                by center and radius and M is the number of items inside the index.
                """,
            docFlags: [.deprecated], deprecatedSince: "6.2.0",
            replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
            history: [
                ("7.0.0", "Added support for uppercase unit names."),
            ],
            arguments: [
                .key("key", spec: 0),
                .string("member"),
                .double("radius"),
                .oneOf("unit", [
                    .pureToken("M"),
                    .pureToken("KM"),
                    .pureToken("FT"),
                    .pureToken("MI"),
                ]),
                .pureToken("WITHCOORD", optional: true),
                .pureToken("WITHDIST", optional: true),
                .pureToken("WITHHASH", optional: true),
                .block("count-block", optional: true, [
                    .integer("count", token: "COUNT"),
                    .pureToken("ANY", optional: true),
                ]),
                .oneOf("order", optional: true, [
                    .pureToken("ASC"),
                    .pureToken("DESC"),
                ]),
                .oneOf("store", optional: true, [
                    .key("storekey", spec: 1, token: "STORE", display: "key"),
                    .key("storedistkey", spec: 2, token: "STOREDIST", display: "key"),
                ]),
            ]),
        "georadiusbymember_ro": CommandDocs(
            "Returns members from a geospatial index that are within a distance from a member.",
            since: "3.2.10",
            complexity: """
                O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited \
                by center and radius and M is the number of items inside the index.
                """,
            docFlags: [.deprecated], deprecatedSince: "6.2.0",
            replacedBy: "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments",
            arguments: [
                .key("key", spec: 0),
                .string("member"),
                .double("radius"),
                .oneOf("unit", [
                    .pureToken("M"),
                    .pureToken("KM"),
                    .pureToken("FT"),
                    .pureToken("MI"),
                ]),
                .pureToken("WITHCOORD", optional: true),
                .pureToken("WITHDIST", optional: true),
                .pureToken("WITHHASH", optional: true),
                .block("count-block", optional: true, [
                    .integer("count", token: "COUNT"),
                    .pureToken("ANY", optional: true),
                ]),
                .oneOf("order", optional: true, [
                    .pureToken("ASC"),
                    .pureToken("DESC"),
                ]),
            ]),
        "geosearch": CommandDocs(
            "Queries a geospatial index for members inside an area of a box or a circle.",
            since: "6.2.0",
            complexity: """
                O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape \
                provided as the filter and M is the number of items inside the shape
                """,
            history: [
                ("7.0.0", "Added support for uppercase unit names."),
            ],
            arguments: [
                .key("key", spec: 0),
                .oneOf("from", [
                    .string("member", token: "FROMMEMBER"),
                    .block("fromlonlat", token: "FROMLONLAT", [
                        .double("longitude"),
                        .double("latitude"),
                    ]),
                ]),
                .oneOf("by", [
                    .block("circle", [
                        .double("radius", token: "BYRADIUS"),
                        .oneOf("unit", [
                            .pureToken("M"),
                            .pureToken("KM"),
                            .pureToken("FT"),
                            .pureToken("MI"),
                        ]),
                    ]),
                    .block("box", [
                        .double("width", token: "BYBOX"),
                        .double("height"),
                        .oneOf("unit", [
                            .pureToken("M"),
                            .pureToken("KM"),
                            .pureToken("FT"),
                            .pureToken("MI"),
                        ]),
                    ]),
                ]),
                .oneOf("order", optional: true, [
                    .pureToken("ASC"),
                    .pureToken("DESC"),
                ]),
                .block("count-block", optional: true, [
                    .integer("count", token: "COUNT"),
                    .pureToken("ANY", optional: true),
                ]),
                .pureToken("WITHCOORD", optional: true),
                .pureToken("WITHDIST", optional: true),
                .pureToken("WITHHASH", optional: true),
            ]),
        "geosearchstore": CommandDocs(
            "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.",
            since: "6.2.0",
            complexity: """
                O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape \
                provided as the filter and M is the number of items inside the shape
                """,
            history: [
                ("7.0.0", "Added support for uppercase unit names."),
            ],
            arguments: [
                .key("destination", spec: 0),
                .key("source", spec: 1),
                .oneOf("from", [
                    .string("member", token: "FROMMEMBER"),
                    .block("fromlonlat", token: "FROMLONLAT", [
                        .double("longitude"),
                        .double("latitude"),
                    ]),
                ]),
                .oneOf("by", [
                    .block("circle", [
                        .double("radius", token: "BYRADIUS"),
                        .oneOf("unit", [
                            .pureToken("M"),
                            .pureToken("KM"),
                            .pureToken("FT"),
                            .pureToken("MI"),
                        ]),
                    ]),
                    .block("box", [
                        .double("width", token: "BYBOX"),
                        .double("height"),
                        .oneOf("unit", [
                            .pureToken("M"),
                            .pureToken("KM"),
                            .pureToken("FT"),
                            .pureToken("MI"),
                        ]),
                    ]),
                ]),
                .oneOf("order", optional: true, [
                    .pureToken("ASC"),
                    .pureToken("DESC"),
                ]),
                .block("count-block", optional: true, [
                    .integer("count", token: "COUNT"),
                    .pureToken("ANY", optional: true),
                ]),
                .pureToken("STOREDIST", optional: true),
            ]),
    ]
}
