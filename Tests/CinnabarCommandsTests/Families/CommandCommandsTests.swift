// CommandCommands: COMMAND DOCS coverage (every command documented, every entry used) and its exact reply shape
// in RESP2 and RESP3. tests/compat/test_command_docs.py compares every command with Redis 7.2's recorded reply.
import CinnabarCommands
import Testing

@Suite("COMMAND DOCS")
struct CommandCommandsTests {
    @Test("every command and subcommand has a docs entry, and every entry documents a command")
    func coverage() {
        let h = Harness()
        var names: Set<String> = []
        for spec in h.server.commands.all {
            for command in [spec] + spec.subcommands {
                names.insert(command.fullName)
                #expect(command.docs != nil, "\(command.fullName) has no CommandDocs entry")
            }
        }
        #expect(Set(CommandTable.allDocs.keys).subtracting(names) == [])
    }

    @Test("COMMAND DOCS GET in RESP2: flat maps, display_text and key_spec_index")
    func getResp2() {
        let h = Harness()
        #expect(h.callRaw("COMMAND", "DOCS", "get") == array(
            bulk("get"),
            array(
                bulk("summary"), bulk("Returns the string value of a key."), bulk("since"), bulk("1.0.0"),
                bulk("group"), bulk("string"), bulk("complexity"), bulk("O(1)"), bulk("arguments"),
                array(array(
                    bulk("name"), bulk("key"), bulk("type"), bulk("key"), bulk("display_text"), bulk("key"),
                    bulk("key_spec_index"), int(0))))))
    }

    @Test("COMMAND DOCS SETNX in RESP3: doc_flags set, deprecation, optional flags as simple strings")
    func setnxResp3() {
        let h = Harness(resp3: true)
        func map(_ pairs: String...) -> String { "%\(pairs.count / 2)\r\n" + pairs.joined() }
        #expect(h.callRaw("COMMAND", "DOCS", "setnx") == map(
            bulk("setnx"),
            map(
                bulk("summary"), bulk("Set the string value of a key only when the key doesn't exist."),
                bulk("since"), bulk("1.0.0"), bulk("group"), bulk("string"), bulk("complexity"), bulk("O(1)"),
                bulk("doc_flags"), "~1\r\n+deprecated\r\n", bulk("deprecated_since"), bulk("2.6.12"),
                bulk("replaced_by"), bulk("`SET` with the `NX` argument"), bulk("arguments"),
                array(
                    map(bulk("name"), bulk("key"), bulk("type"), bulk("key"), bulk("display_text"), bulk("key"),
                        bulk("key_spec_index"), int(0)),
                    map(bulk("name"), bulk("value"), bulk("type"), bulk("string"), bulk("display_text"),
                        bulk("value"))))))
    }

    @Test("COMMAND DOCS of a oneof: nested arguments, no display_text, since and flags")
    func oneOf() {
        let h = Harness(resp3: true)
        let reply = h.callRaw("COMMAND", "DOCS", "set")
        #expect(reply.contains(
            "%5\r\n" + bulk("name") + bulk("condition") + bulk("type") + bulk("oneof") + bulk("since")
                + bulk("2.6.12") + bulk("flags") + "~1\r\n+optional\r\n" + bulk("arguments") + "*2\r\n"))
    }
}
