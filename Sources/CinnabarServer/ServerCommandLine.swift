// redis-server's command line: `cinnabar-server [/path/to/redis.conf] [--option value ...] [-]`, `-v`/`--version`
// and `-h`/`--help`. The file, stdin and the options are joined into one config text (options last, so they
// win), exactly as redis-server builds it, so errors report the same line numbers.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarCommands
#if canImport(Glibc)
import Glibc
#endif

public enum ServerCommandLine {
    public enum Action {
        case run(Configuration, configFile: String?)
        case printAndExit(String, toStandardError: Bool, status: Int32)
    }

    public static let versionLine =
        "Redis server v=\(Server.version) sha=00000000:0 malloc=libc bits=64 build=cinnabar-\(Server.cinnabarVersion)"

    public static func usage(_ program: String) -> String {
        """
        Usage: \(program) [/path/to/redis.conf] [options] [-]
               \(program) - (read config from stdin)
               \(program) -v or --version
               \(program) -h or --help

        Examples:
               \(program) (run the server with default conf)
               echo 'maxmemory 128mb' | \(program) -
               \(program) /etc/redis/6379.conf
               \(program) --port 7777
               \(program) /etc/myredis.conf --loglevel verbose -
               \(program) /etc/myredis.conf --loglevel verbose

        """
    }

    /// Interprets argv (without the program name). Reads the config file and stdin when asked.
    public static func parse(_ args: [String], program: String = "cinnabar-server", readStdin: () -> String = readAllStdin) -> Action {
        if let first = args.first {
            if first == "-v" || first == "--version" { return .printAndExit(versionLine + "\n", toStandardError: false, status: 0) }
            if first == "-h" || first == "--help" { return .printAndExit(usage(program), toStandardError: true, status: 1) }
        }
        var rest = args[...]
        var text = ""
        var configFile: String? = nil
        if let first = rest.first, !first.hasPrefix("-") {
            configFile = absolutePath(first)
            do {
                text = try ConfigFile.read(path: first)
            } catch {
                return .printAndExit("Fatal error, can't open config file '\(first)': \(error.message)\n", toStandardError: false, status: 1)
            }
            rest = rest.dropFirst()
        }
        var readsStdin = false
        if rest.first == "-" { readsStdin = true; rest = rest.dropFirst() }
        if rest.last == "-" { readsStdin = true; rest = rest.dropLast() }
        if readsStdin { text += readStdin() }
        let options = ConfigFile.commandLineText(Array(rest))
        if !options.isEmpty { text += "\n" + options }
        let config = Configuration()
        do {
            try ConfigFile.apply(text, to: config)
        } catch {
            return .printAndExit(error.description + "\n", toStandardError: true, status: 1)
        }
        return .run(config, configFile: configFile)
    }

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, 4096) != nil else { return path }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/" + path
    }

    public static func readAllStdin() -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(0, &chunk, chunk.count)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
