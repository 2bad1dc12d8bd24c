// The AOF manifest (Redis 7's text format, its errors) and the command reader (truncation, format errors,
// annotations).
import CinnabarStorage
import Testing

@Suite("AOF manifest and reader")
struct AOFTests {
    @Test("a manifest written by Redis 7 parses, and renders back byte for byte")
    func manifestRoundTrip() throws {
        let text = "file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.2.incr.aof seq 2 type h\nfile appendonly.aof.4.incr.aof seq 4 type i\nfile appendonly.aof.5.incr.aof seq 5 type i\n"
        let m = try AOFManifest.parse(Array(text.utf8))
        #expect(m.base == AOFManifest.Entry(name: "appendonly.aof.3.base.rdb", seq: 3, type: .base))
        #expect(m.history.map(\.name) == ["appendonly.aof.2.incr.aof"])
        #expect(m.incrementals.map(\.seq) == [4, 5])
        #expect(m.baseSeq == 3 && m.incrementalSeq == 5)
        #expect(m.render() == text)
    }

    @Test("a rewrite's bookkeeping: new base, old base and rewritten incremental files become history")
    func manifestRewrite() throws {
        var m = try AOFManifest.parse(Array("file a.aof.1.base.rdb seq 1 type b\nfile a.aof.1.incr.aof seq 1 type i\n".utf8))
        #expect(m.newIncremental("a.aof") == "a.aof.2.incr.aof")
        #expect(m.newBase("a.aof", rdb: true) == "a.aof.2.base.rdb")
        m.markRewrittenIncrementalsAsHistory()
        #expect(m.render() == "file a.aof.2.base.rdb seq 2 type b\nfile a.aof.1.base.rdb seq 1 type h\nfile a.aof.1.incr.aof seq 1 type h\nfile a.aof.2.incr.aof seq 2 type i\n")
        var empty = AOFManifest()
        #expect(empty.newBase("x", rdb: false) == "x.1.base.aof")
        #expect(empty.lastIncrementalName("x") == "x.1.incr.aof")
    }

    @Test("manifest errors carry Redis's texts and the line")
    func manifestErrors() {
        func error(_ text: String) -> AOFManifestError? {
            do {
                _ = try AOFManifest.parse(Array(text.utf8))
                return nil
            } catch {
                return error
            }
        }
        #expect(error("")?.message == "Found an empty AOF manifest")
        #expect(error("file a seq 1 type b")?.message == "The AOF manifest file contains too long line")
        #expect(error("file a seq 1\n")?.message == "Invalid AOF manifest file format")
        #expect(error("\n")?.message == "Invalid AOF manifest file format")
        #expect(error("file a seq 1 type x\n")?.message == "Unknown AOF file type")
        #expect(error("file a/b seq 1 type b\n")?.message == "File can't be a path, just a filename")
        #expect(error("file a seq 1 type b\nfile b seq 2 type b\n")?.message == "Found duplicate base file information")
        let e = error("# comment\nfile a seq 2 type i\nfile b seq 2 type i\n")
        #expect(e?.message == "Found a non-monotonic sequence number")
        #expect(e?.line == 3)
        #expect(error("file a seq 0 type i\n")?.message == "Invalid AOF manifest file format")
    }

    @Test("quoted file names (sdssplitargs / sdscatrepr)")
    func quotedNames() throws {
        var m = AOFManifest()
        m.incrementals = [AOFManifest.Entry(name: "my file.aof", seq: 1, type: .incremental)]
        m.incrementalSeq = 1
        let text = m.render()
        #expect(text == "file \"my file.aof\" seq 1 type i\n")
        #expect(try AOFManifest.parse(Array(text.utf8)) == m)
        #expect(AOFManifest.splitArguments("a \"b\\x41\\n\" 'c d'") == ["a", "bA\n", "c d"])
        #expect(AOFManifest.splitArguments("a \"b") == nil)
    }

    func commands(_ text: String) -> ([String], AOFReadOutcome) { commands(Array(text.utf8)) }

    func commands(_ bytes: [UInt8]) -> ([String], AOFReadOutcome) {
        var out: [String] = []
        let outcome = bytes.withUnsafeBytes { raw in
            AOFReader.read(raw, from: 0) { args, _ in
                out.append(args.map { String(decoding: raw[$0.offset..<($0.offset + $0.count)], as: UTF8.self) }.joined(separator: " "))
                return true
            }
        }
        return (out, outcome)
    }

    @Test("commands, annotations and an empty argument")
    func reader() {
        let (cmds, outcome) = commands("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n#TS:1700000000\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n")
        #expect(cmds == ["SELECT 0", "SET k "])
        #expect(outcome == .complete)
    }

    @Test("a file cut anywhere inside its last command is truncated after the previous one")
    func truncation() {
        let full = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"
        let firstEnd = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n".utf8.count
        for cut in (firstEnd + 1)..<full.utf8.count {
            let (cmds, outcome) = commands(Array(full.utf8.prefix(cut)))
            #expect(cmds == ["SELECT 0"], "cut at \(cut)")
            #expect(outcome == .truncated(validUpTo: firstEnd), "cut at \(cut)")
        }
        #expect(commands(full).1 == .complete)
    }

    @Test("format errors report the offset of the bad line")
    func formatErrors() {
        #expect(commands("*1\r\n$4\r\nPING\r\nGARBAGE\r\n").1 == .formatError(offset: 14))
        #expect(commands("*1\r\nX4\r\nPING\r\n").1 == .formatError(offset: 4))
        #expect(commands("*0\r\n").1 == .formatError(offset: 0))
        #expect(commands("*-1\r\n").1 == .formatError(offset: 0))
    }
}
