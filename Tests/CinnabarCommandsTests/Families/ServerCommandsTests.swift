// ServerCommands, ConfigCommands, InfoCommands, CommandCommands, DebugCommands and IntrospectionCommands.
import CinnabarCommands
import Testing

@Suite("Server commands")
struct ServerCommandsTests {
    @Test("DBSIZE, FLUSHDB, FLUSHALL with ASYNC/SYNC and bad modes")
    func flush() {
        let h = Harness()
        h.callRaw("MSET", "a", "1", "b", "2")
        h.callRaw("SELECT", "1")
        h.callRaw("SET", "c", "3")
        #expect(h.callRaw("DBSIZE") == int(1))
        #expect(h.callRaw("FLUSHDB", "SYNC") == ok)
        #expect(h.callRaw("DBSIZE") == int(0))
        #expect(h.callRaw("FLUSHALL", "FOO") == err("ERR syntax error"))
        #expect(h.callRaw("FLUSHALL", "ASYNC") == ok)
        h.callRaw("SELECT", "0")
        #expect(h.callRaw("DBSIZE") == int(0))
    }

    @Test("SWAPDB exchanges databases and validates indexes")
    func swapdb() {
        let h = Harness()
        h.callRaw("SET", "a", "0")
        #expect(h.callRaw("SWAPDB", "0", "1") == ok)
        #expect(h.callRaw("GET", "a") == nullBulk)
        h.callRaw("SELECT", "1")
        #expect(h.callRaw("GET", "a") == bulk("0"))
        #expect(h.callRaw("SWAPDB", "x", "1") == err("ERR invalid first DB index"))
        #expect(h.callRaw("SWAPDB", "0", "y") == err("ERR invalid second DB index"))
        #expect(h.callRaw("SWAPDB", "0", "16") == err("ERR DB index is out of range"))
    }

    @Test("TIME, LASTSAVE, ROLE, FUNCTION FLUSH")
    func misc() {
        let h = Harness()
        #expect(h.callRaw("TIME").hasPrefix("*2\r\n$10\r\n"))
        #expect(h.callRaw("LASTSAVE").hasPrefix(":"))
        #expect(h.callRaw("ROLE") == array(bulk("master"), int(0), array()))
        #expect(h.callRaw("FUNCTION", "FLUSH") == ok)
        #expect(h.callRaw("FUNCTION", "FLUSH", "BAD") == err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"))
    }

    @Test("CONFIG GET with globs, several patterns, exact names as typed; RESP3 map")
    func configGet() {
        let h = Harness()
        #expect(h.callRaw("CONFIG", "GET", "maxmemory") == array(bulk("maxmemory"), bulk("0")))
        #expect(h.callRaw("CONFIG", "GET", "MaxMemory") == array(bulk("MaxMemory"), bulk("0")))
        #expect(h.callRaw("CONFIG", "GET", "port", "databases") == array(bulk("port"), bulk("6379"), bulk("databases"), bulk("16")))
        let glob = h.callRaw("CONFIG", "GET", "*max-*-entries*")
        #expect(glob.contains("hash-max-listpack-entries") && glob.contains("hash-max-ziplist-entries"))
        #expect(h.callRaw("CONFIG", "GET", "nosuch") == array())
        let h3 = Harness(resp3: true)
        #expect(h3.callRaw("CONFIG", "GET", "hz") == "%1\r\n" + bulk("hz") + bulk("10"))
    }

    @Test("CONFIG SET: several pairs, memory units, clamping, and every error text")
    func configSet() {
        let h = Harness()
        #expect(h.callRaw("CONFIG", "SET", "maxmemory", "1gb", "hz", "1000") == ok)
        #expect(h.callRaw("CONFIG", "GET", "maxmemory") == array(bulk("maxmemory"), bulk("1073741824")))
        #expect(h.callRaw("CONFIG", "GET", "hz") == array(bulk("hz"), bulk("500")))
        #expect(h.callRaw("CONFIG", "SET", "notify-keyspace-events", "KEA") == ok)
        #expect(h.callRaw("CONFIG", "GET", "notify-keyspace-events") == array(bulk("notify-keyspace-events"), bulk("AKE")))
        #expect(h.callRaw("CONFIG", "SET", "foo", "bar") == err("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"))
        // Like Redis 7.2, the listpack value limits of hashes and zsets are memory values; set's is an integer.
        #expect(h.callRaw("CONFIG", "SET", "zset-max-listpack-value", "1kb") == ok)
        #expect(h.callRaw("CONFIG", "GET", "zset-max-listpack-value") == array(bulk("zset-max-listpack-value"), bulk("1024")))
        #expect(h.server.config.zsetLimits.maxListpackValue == 1024)
        #expect(h.callRaw("CONFIG", "SET", "set-max-listpack-value", "1kb").hasPrefix("-ERR CONFIG SET failed (possibly related to argument 'set-max-listpack-value') - argument couldn't be parsed into an integer"))
        #expect(h.callRaw("CONFIG", "SET", "port", "abc") == err("ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer"))
        #expect(h.callRaw("CONFIG", "SET", "port", "70000") == err("ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive"))
        #expect(h.callRaw("CONFIG", "SET", "maxmemory", "-1") == err("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"))
        #expect(h.callRaw("CONFIG", "SET", "DAEMONIZE", "yes") == err("ERR CONFIG SET failed (possibly related to argument 'DAEMONIZE') - can't set immutable config"))
        #expect(h.callRaw("CONFIG", "SET", "maxmemory", "1", "MAXMEMORY", "2") == err("ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter"))
        #expect(h.callRaw("CONFIG", "SET", "appendonly", "maybe") == err("ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"))
        #expect(h.callRaw("CONFIG", "SET", "loglevel", "loud") == err("ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning, nothing"))
        #expect(h.callRaw("CONFIG", "SET", "a", "b", "c") == err("ERR syntax error"))
        // All or nothing: a bad pair leaves the good one unapplied.
        #expect(h.callRaw("CONFIG", "SET", "timeout", "5", "port", "x").hasPrefix("-ERR CONFIG SET failed"))
        #expect(h.callRaw("CONFIG", "GET", "timeout") == array(bulk("timeout"), bulk("0")))
    }

    @Test("maxmemory-clients takes bytes or a percentage of maxmemory, with Redis's error texts and a 128 KB floor")
    func maxmemoryClients() {
        let h = Harness()
        func set(_ v: String) -> String { h.callRaw("CONFIG", "SET", "maxmemory-clients", v) }
        func get() -> String { h.callRaw("CONFIG", "GET", "maxmemory-clients") }
        let name = bulk("maxmemory-clients")
        let prefix = "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - "
        #expect(get() == array(name, bulk("0")))
        #expect(h.server.config.clientEvictionLimit == 0)
        #expect(set("10%") == ok)
        #expect(get() == array(name, bulk("10%")))
        #expect(h.server.config.clientEvictionLimit == 0)  // a percentage of no maxmemory is no limit
        #expect(h.callRaw("CONFIG", "SET", "maxmemory", "100mb") == ok)
        #expect(h.server.config.clientEvictionLimit == 10 * 1024 * 1024)
        #expect(set("100%") == ok)
        #expect(h.server.config.clientEvictionLimit == 100 * 1024 * 1024)
        #expect(set("0%") == ok)
        #expect(get() == array(name, bulk("0")))
        #expect(h.server.config.clientEvictionLimit == 0)
        #expect(set("5kb") == ok)
        #expect(get() == array(name, bulk("5120")))
        #expect(h.server.config.clientEvictionLimit == 128 * 1024)  // never under 128 KB
        #expect(set("2mb") == ok)
        #expect(h.server.config.clientEvictionLimit == 2 * 1024 * 1024)
        #expect(set("101%") == err(prefix + "percentage argument must be less or equal to 100"))
        for bad in ["05%", "+5%", "1.5%", "%", "-5", "abc", " 5%", "99999999999999999999%"] {
            #expect(set(bad) == err(prefix + "argument must be a memory or percent value"), "\(bad)")
        }
        #expect(get() == array(name, bulk("2097152")))
        #expect(h.callRaw("CONFIG", "SET", "maxmemory", "0") == ok)
    }

    @Test("CONFIG RESETSTAT clears counters; CONFIG REWRITE needs a config file")
    func configMisc() {
        let h = Harness()
        h.callRaw("GET", "x")
        h.callRaw("NOSUCH")
        #expect(h.server.stats.totalErrorReplies == 1)
        #expect(h.callRaw("CONFIG", "RESETSTAT") == ok)
        #expect(h.server.stats.totalErrorReplies == 0)
        #expect(h.server.keyspace.stats.keyspaceMisses == 0)
        #expect(h.callRaw("CONFIG", "REWRITE") == err("ERR The server is running without a config file"))
    }

    @Test("INFO sections, their order, keyspace line format and unknown sections")
    func info() {
        let h = Harness()
        h.callRaw("SET", "a", "1", "EX", "100")
        h.callRaw("SET", "b", "1")
        let all = h.callRaw("INFO")
        let headers = all.split(separator: "\r\n").filter { $0.hasPrefix("# ") }
        #expect(headers == ["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU",
                            "# Modules", "# Errorstats", "# Cluster", "# Keyspace"])
        #expect(all.contains("db0:keys=2,expires=1,avg_ttl="))
        #expect(all.contains("redis_version:7.2.6\r\n"))
        #expect(h.callRaw("INFO", "keyspace", "CLUSTER") == bulk("# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n" + "db0:keys=2,expires=1,avg_ttl=0\r\n"))
        #expect(h.callRaw("INFO", "nosuch") == bulk(""))
        let everything = h.callRaw("INFO", "everything")
        #expect(everything.contains("# Commandstats\r\ncmdstat_") && everything.contains("# Latencystats"))
        let h3 = Harness(resp3: true)
        #expect(h3.callRaw("INFO", "cluster") == "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n")
    }

    @Test("INFO memory reports the Lua interpreters without creating them; SAVE does not create them either")
    func infoMemoryInterpreters() {
        let h = Harness()
        for _ in 0..<2 {
            let info = h.callRaw("INFO", "memory")
            #expect(info.contains("\r\nused_memory_vm_eval:0\r\n"))
            #expect(info.contains("\r\nused_memory_vm_functions:0\r\n"))
            #expect(info.contains("\r\nnumber_of_cached_scripts:0\r\n"))
        }
        #expect(h.callRaw("EVAL", "return 1", "0") == int(1))
        let info = h.callRaw("INFO", "memory")
        #expect(!info.contains("\r\nused_memory_vm_eval:0\r\n"))
        #expect(info.contains("\r\nused_memory_vm_functions:0\r\n"))
        #expect(info.contains("\r\nnumber_of_cached_scripts:1\r\n"))
    }

    @Test("INFO commandstats and errorstats count calls, rejections and failures")
    func stats() {
        let h = Harness()
        h.callRaw("SET", "k", "v")
        h.callRaw("SET", "k")
        h.callRaw("INCR", "k")
        h.callRaw("NOSUCH")
        let info = h.callRaw("INFO", "commandstats", "errorstats")
        #expect(info.contains("cmdstat_set:calls=1,usec="))
        #expect(info.contains("rejected_calls=1,failed_calls=0"))
        #expect(info.contains("cmdstat_incr:calls=1,") && info.contains(",rejected_calls=0,failed_calls=1"))
        #expect(info.contains("errorstat_ERR:count=3"))
    }

    @Test("COMMAND COUNT/INFO/LIST/GETKEYS/GETKEYSANDFLAGS answer from the specs")
    func command() {
        let h = Harness()
        #expect(h.callRaw("COMMAND", "COUNT") == int(h.server.commands.all.count))
        #expect(h.callRaw("COMMAND", "INFO", "get") == "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n")
        #expect(h.callRaw("COMMAND", "INFO", "nosuch") == "*1\r\n*-1\r\n")
        #expect(h.callRaw("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2") == array(bulk("a"), bulk("b")))
        #expect(h.callRaw("COMMAND", "GETKEYS", "BITOP", "AND", "d", "s1", "s2") == array(bulk("d"), bulk("s1"), bulk("s2")))
        #expect(h.callRaw("COMMAND", "GETKEYS", "ECHO", "a") == err("ERR The command has no key arguments"))
        #expect(h.callRaw("COMMAND", "GETKEYS", "SET", "a") == err("ERR Invalid number of arguments specified for command"))
        #expect(h.callRaw("COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b") == array(array(bulk("a"), array("+OW\r\n", "+update\r\n"))))
        #expect(h.callRaw("COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b", "GET") == array(array(bulk("a"), array("+RW\r\n", "+access\r\n", "+update\r\n"))))
        let list = h.callRaw("COMMAND", "LIST", "FILTERBY", "PATTERN", "client|*")
        #expect(list.contains(bulk("client|kill")) && !list.contains(bulk("get")))
        #expect(h.callRaw("COMMAND", "LIST", "FILTERBY", "ACLCAT", "bitmap").contains(bulk("setbit")))
    }

    @Test("DEBUG is refused unless enabled; DIGEST matches Redis for a known dataset")
    func debug() {
        let off = Harness { try! $0.set("enable-debug-command", ["no"], startup: true) }
        #expect(off.callRaw("DEBUG", "SLEEP", "0").hasPrefix("-ERR DEBUG command not allowed."))
        let h = Harness()
        #expect(h.callRaw("DEBUG", "DIGEST") == "+0000000000000000000000000000000000000000\r\n")
        h.callRaw("MSET", "a", "1", "b", "hello", "c", "12345678901234567890123456789")
        h.callRaw("EXPIRE", "a", "100")
        // The value redis-server 7.0.15 and 7.2.6 print for the same dataset.
        #expect(h.callRaw("DEBUG", "DIGEST") == "+08dca679b13e6c3367514d9b58adff0d40321224\r\n")
        #expect(h.callRaw("DEBUG", "DIGEST-VALUE", "b", "zz") == array("+36b23a1456b2dce2c3ed252c456761301dba8060\r\n", "+0000000000000000000000000000000000000000\r\n"))
        #expect(h.callRaw("DEBUG", "POPULATE", "10", "p", "4") == ok)
        #expect(h.callRaw("GET", "p:3") == bulk("valu"))
        #expect(h.callRaw("DEBUG", "POPULATE", "abc") == err("ERR value is out of range, must be positive"))
        #expect(h.callRaw("DEBUG", "NOPE") == err("ERR unknown subcommand or wrong number of arguments for 'NOPE'. Try DEBUG HELP."))
        #expect(h.callRaw("DEBUG", "OBJECT", "a").hasPrefix("+Value at:"))
        #expect(h.callRaw("DEBUG", "SET-ACTIVE-EXPIRE", "0") == ok)
        #expect(!h.server.activeExpireEnabled)
    }

    @Test("DEBUG PROTOCOL renders every RESP3 type and degrades in RESP2")
    func debugProtocol() {
        let h = Harness()
        #expect(h.callRaw("DEBUG", "PROTOCOL", "map") == "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n")
        #expect(h.callRaw("DEBUG", "PROTOCOL", "push") == err("ERR RESP2 is not supported by this command"))
        let h3 = Harness(resp3: true)
        #expect(h3.callRaw("DEBUG", "PROTOCOL", "map") == "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n")
        #expect(h3.callRaw("DEBUG", "PROTOCOL", "double") == ",3.141\r\n")
        #expect(h3.callRaw("DEBUG", "PROTOCOL", "bignum") == "(1234567999999999999999999999999999999\r\n")
        #expect(h3.callRaw("DEBUG", "PROTOCOL", "verbatim") == "=29\r\ntxt:This is a verbatim\nstring\r\n")
    }

    @Test("SLOWLOG records slow commands with truncated arguments; LATENCY records above the threshold")
    func slowlog() {
        let h = Harness()
        #expect(h.callRaw("CONFIG", "SET", "slowlog-log-slower-than", "0") == ok)
        #expect(h.callRaw("SLOWLOG", "RESET") == ok)
        h.callRaw("SET", "k", String(repeating: "x", count: 200))
        let log = h.callRaw("SLOWLOG", "GET", "1")
        #expect(log.contains(bulk(String(repeating: "x", count: 128) + "... (72 more bytes)")))
        // Like Redis: SLOWLOG RESET, SET and SLOWLOG GET were each logged (threshold 0).
        #expect(h.callRaw("SLOWLOG", "LEN") == int(3))
        #expect(h.callRaw("SLOWLOG", "GET", "-2") == err("ERR count should be greater than or equal to -1"))
        #expect(h.callRaw("CONFIG", "SET", "latency-monitor-threshold", "1") == ok)
        #expect(h.callRaw("DEBUG", "SLEEP", "0.01") == ok)
        #expect(h.callRaw("LATENCY", "LATEST").hasPrefix("*1\r\n*4\r\n$7\r\ncommand\r\n"))
        #expect(h.callRaw("LATENCY", "RESET") == int(1))
    }

    @Test("LATENCY HISTOGRAM of a container lists its called subcommands; LATENCY GRAPH has Redis's header")
    func latencyReports() {
        let h = Harness()
        h.callRaw("CONFIG", "RESETSTAT")
        h.callRaw("CLIENT", "ID")
        h.callRaw("CLIENT", "GETNAME")
        let histogram = h.callRaw("LATENCY", "HISTOGRAM", "client")
        #expect(histogram.hasPrefix("*4\r\n") && histogram.contains(bulk("client|id")) && histogram.contains(bulk("client|getname")))
        #expect(h.callRaw("LATENCY", "GRAPH", "command") == err("ERR No samples available for event 'command'"))
        h.callRaw("CONFIG", "SET", "latency-monitor-threshold", "1")
        h.callRaw("DEBUG", "SLEEP", "0.01")
        let graph = h.callRaw("LATENCY", "GRAPH", "command")
        #expect(graph.contains("command - high ") && graph.contains(" ms, low ") && graph.contains(" ms (all time high "))
    }

    @Test("MEMORY USAGE of a key and of a missing key")
    func memory() {
        let h = Harness()
        h.callRaw("SET", "k", "v")
        #expect(h.callRaw("MEMORY", "USAGE", "k").hasPrefix(":"))
        #expect(h.callRaw("MEMORY", "USAGE", "nope") == nullBulk)
        #expect(h.callRaw("MEMORY", "USAGE", "k", "SAMPLES") == err("ERR syntax error"))
    }
}
