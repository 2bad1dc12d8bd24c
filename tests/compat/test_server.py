"""Server commands: INFO CONFIG COMMAND TIME LASTSAVE SLOWLOG LATENCY MEMORY
ROLE FUNCTION DEBUG."""

import re
import time

import pytest

from conftest import parse_info

SYNTAX = "ERR syntax error"
NOT_INT = "ERR value is not an integer or out of range"


@pytest.fixture
def config(r):
    """config(name, value): CONFIG SET that is undone after the test."""
    saved = {}

    def set_(name, value):
        if name not in saved:
            saved[name] = r("CONFIG", "GET", name)[1]
        assert r("CONFIG", "SET", name, value) == b"OK"

    yield set_
    for name, value in saved.items():
        r("CONFIG", "SET", name, value)


def sections(info):
    return [l[2:] for l in info.decode().split("\r\n") if l.startswith("# ")]


# --------------------------------------------------------------------------
# INFO
# --------------------------------------------------------------------------

DEFAULT_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats",
                    "Replication", "CPU", "Modules", "Errorstats", "Cluster",
                    "Keyspace"]
ALL_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats",
                "Replication", "CPU", "Modules", "Commandstats", "Errorstats",
                "Latencystats", "Cluster", "Keyspace"]

# Fields that monitoring exporters read, by section (present in 7.0 and 7.2).
INFO_FIELDS = {
    "server": [
        "redis_version", "redis_git_sha1", "redis_git_dirty", "redis_build_id",
        "redis_mode", "os", "arch_bits", "monotonic_clock", "multiplexing_api",
        "atomicvar_api", "gcc_version", "process_id", "process_supervised",
        "run_id", "tcp_port", "server_time_usec", "uptime_in_seconds",
        "uptime_in_days", "hz", "configured_hz", "lru_clock", "executable",
        "config_file", "io_threads_active"],
    "clients": [
        "connected_clients", "cluster_connections", "maxclients",
        "client_recent_max_input_buffer", "client_recent_max_output_buffer",
        "blocked_clients", "tracking_clients", "clients_in_timeout_table"],
    "memory": [
        "used_memory", "used_memory_human", "used_memory_rss",
        "used_memory_rss_human", "used_memory_peak", "used_memory_peak_human",
        "used_memory_peak_perc", "used_memory_overhead", "used_memory_startup",
        "used_memory_dataset", "used_memory_dataset_perc", "allocator_allocated",
        "allocator_active", "allocator_resident", "total_system_memory",
        "total_system_memory_human", "used_memory_lua", "used_memory_vm_eval",
        "used_memory_lua_human", "used_memory_scripts_eval",
        "number_of_cached_scripts", "number_of_functions", "number_of_libraries",
        "used_memory_vm_functions", "used_memory_vm_total",
        "used_memory_vm_total_human", "used_memory_functions",
        "used_memory_scripts", "used_memory_scripts_human", "maxmemory",
        "maxmemory_human", "maxmemory_policy", "allocator_frag_ratio",
        "allocator_frag_bytes", "allocator_rss_ratio", "allocator_rss_bytes",
        "rss_overhead_ratio", "rss_overhead_bytes", "mem_fragmentation_ratio",
        "mem_fragmentation_bytes", "mem_not_counted_for_evict",
        "mem_replication_backlog", "mem_total_replication_buffers",
        "mem_clients_slaves", "mem_clients_normal", "mem_cluster_links",
        "mem_aof_buffer", "mem_allocator", "active_defrag_running",
        "lazyfree_pending_objects", "lazyfreed_objects"],
    "persistence": [
        "loading", "async_loading", "current_cow_peak", "current_cow_size",
        "current_cow_size_age", "current_fork_perc", "current_save_keys_processed",
        "current_save_keys_total", "rdb_changes_since_last_save",
        "rdb_bgsave_in_progress", "rdb_last_save_time", "rdb_last_bgsave_status",
        "rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec", "rdb_saves",
        "rdb_last_cow_size", "rdb_last_load_keys_expired",
        "rdb_last_load_keys_loaded", "aof_enabled", "aof_rewrite_in_progress",
        "aof_rewrite_scheduled", "aof_last_rewrite_time_sec",
        "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status",
        "aof_rewrites", "aof_rewrites_consecutive_failures",
        "aof_last_write_status", "aof_last_cow_size", "module_fork_in_progress",
        "module_fork_last_cow_size"],
    "stats": [
        "total_connections_received", "total_commands_processed",
        "instantaneous_ops_per_sec", "total_net_input_bytes",
        "total_net_output_bytes", "total_net_repl_input_bytes",
        "total_net_repl_output_bytes", "instantaneous_input_kbps",
        "instantaneous_output_kbps", "instantaneous_input_repl_kbps",
        "instantaneous_output_repl_kbps", "rejected_connections", "sync_full",
        "sync_partial_ok", "sync_partial_err", "expired_keys",
        "expired_stale_perc", "expired_time_cap_reached_count",
        "expire_cycle_cpu_milliseconds", "evicted_keys", "evicted_clients",
        "total_eviction_exceeded_time", "current_eviction_exceeded_time",
        "keyspace_hits", "keyspace_misses", "pubsub_channels", "pubsub_patterns",
        "pubsubshard_channels", "latest_fork_usec", "total_forks",
        "migrate_cached_sockets", "slave_expires_tracked_keys",
        "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits",
        "active_defrag_key_misses", "total_active_defrag_time",
        "current_active_defrag_time", "tracking_total_keys",
        "tracking_total_items", "tracking_total_prefixes",
        "unexpected_error_replies", "total_error_replies",
        "dump_payload_sanitizations", "total_reads_processed",
        "total_writes_processed", "io_threaded_reads_processed",
        "io_threaded_writes_processed", "reply_buffer_shrinks",
        "reply_buffer_expands"],
    "replication": [
        "role", "connected_slaves", "master_failover_state", "master_replid",
        "master_replid2", "master_repl_offset", "second_repl_offset",
        "repl_backlog_active", "repl_backlog_size",
        "repl_backlog_first_byte_offset", "repl_backlog_histlen"],
    "cpu": [
        "used_cpu_sys", "used_cpu_user", "used_cpu_sys_children",
        "used_cpu_user_children", "used_cpu_sys_main_thread",
        "used_cpu_user_main_thread"],
    "cluster": ["cluster_enabled"],
}

INFO_FIELDS_72 = {
    "clients": ["total_blocking_keys", "total_blocking_keys_on_nokey"],
    "stats": ["eventloop_cycles", "eventloop_duration_sum",
              "eventloop_duration_cmd_sum", "instantaneous_eventloop_cycles_per_sec",
              "instantaneous_eventloop_duration_usec", "acl_access_denied_auth",
              "acl_access_denied_cmd", "acl_access_denied_key",
              "acl_access_denied_channel"],
}


def test_info_default_sections(r):
    assert sections(r("INFO")) == DEFAULT_SECTIONS
    assert sections(r("INFO", "default")) == DEFAULT_SECTIONS


@pytest.mark.parametrize("arg", ["all", "everything", "ALL"])
def test_info_all_sections(r, arg):
    assert sections(r("INFO", arg)) == ALL_SECTIONS


def test_info_multiple_sections_in_canonical_order(r):
    assert sections(r("INFO", "server", "clients")) == ["Server", "Clients"]
    assert sections(r("INFO", "clients", "server")) == ["Server", "Clients"]
    assert sections(r("INFO", "keyspace", "cpu", "memory")) == \
        ["Memory", "CPU", "Keyspace"]


def test_info_section_case_insensitive(r):
    assert sections(r("INFO", "SERVER")) == ["Server"]


def test_info_unknown_section_is_empty(r):
    assert r("INFO", "nosuchsection") == b""
    assert sections(r("INFO", "keyspace", "nosuchsection")) == ["Keyspace"]


def test_info_wire_format(r):
    text = r("INFO", "cpu", "cluster")
    assert text.startswith(b"# CPU\r\nused_cpu_sys:")
    # sections separated by an empty line, body ends with a single CRLF
    assert b"\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n" in text
    assert text.endswith(b"\r\ncluster_enabled:0\r\n")
    for line in text.split(b"\r\n"):
        assert b"\n" not in line


def test_info_keyspace_empty(r):
    assert r("INFO", "keyspace") == b"# Keyspace\r\n"


def test_info_keyspace_format(r):
    r("SET", "a", "1")
    assert r("INFO", "keyspace") == \
        b"# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n"


def test_info_keyspace_several_dbs(r):
    r("SET", "a", "1")
    r("SELECT", 5)
    r("MSET", "b", "1", "c", "2")
    r("SELECT", 12)
    r("SET", "d", "1")
    text = r("INFO", "keyspace").decode()
    lines = text.split("\r\n")
    assert lines[0] == "# Keyspace"
    assert [l.split(":")[0] for l in lines[1:-1]] == ["db0", "db5", "db12"]
    assert lines[2].startswith("db5:keys=2,expires=0,avg_ttl=")


def test_info_modules_section_empty(r):
    assert r("INFO", "modules") == b"# Modules\r\n"


@pytest.mark.parametrize("section", sorted(INFO_FIELDS))
def test_info_fields_present(r, section):
    text = r("INFO", section)
    assert len(sections(text)) == 1
    fields = parse_info(text)
    missing = [f for f in INFO_FIELDS[section] if f not in fields]
    assert missing == []
    for k in fields:
        assert re.fullmatch(r"[a-z0-9_]+", k), k


@pytest.mark.redis72
@pytest.mark.parametrize("section", sorted(INFO_FIELDS_72))
def test_info_fields_present_72(r, section):
    fields = parse_info(r("INFO", section))
    assert [f for f in INFO_FIELDS_72[section] if f not in fields] == []


def test_info_server_values(r, server):
    f = parse_info(r("INFO", "server"))
    assert f["redis_version"] == server.version
    assert f["redis_mode"] == "standalone"
    assert f["arch_bits"] in ("32", "64")
    assert f["tcp_port"] == str(server.port)
    assert re.fullmatch(r"[0-9a-f]{40}", f["run_id"])
    assert int(f["process_id"]) > 0
    assert int(f["uptime_in_days"]) == int(f["uptime_in_seconds"]) // 86400
    assert f["hz"] == "10"
    assert f["configured_hz"] == "10"
    assert f["config_file"] == ""
    assert abs(int(f["server_time_usec"]) / 1e6 - time.time()) < 5


@pytest.mark.redis72
def test_info_server_listener_72(r, server):
    f = parse_info(r("INFO", "server"))
    assert f["listener0"] == "name=tcp,bind=127.0.0.1,port=%d" % server.port


@pytest.mark.redis72
def test_info_acl_auth_failures_not_reset_by_resetstat_72(r, err):
    def failures():
        return int(parse_info(r("INFO", "stats"))["acl_access_denied_auth"])
    before = failures()
    err(r, "AUTH", "nosuchuser", "pw")
    assert failures() == before + 1
    # the "no password configured" error is not an auth failure
    err(r, "AUTH", "pw")
    assert failures() == before + 1
    r("CONFIG", "RESETSTAT")
    assert failures() == before + 1


def test_info_run_id_stable(r):
    a = parse_info(r("INFO", "server"))["run_id"]
    b = parse_info(r("INFO", "server"))["run_id"]
    assert a == b


def test_info_replication_values(r):
    f = parse_info(r("INFO", "replication"))
    assert f["role"] == "master"
    assert f["connected_slaves"] == "0"
    assert f["master_failover_state"] == "no-failover"
    assert re.fullmatch(r"[0-9a-f]{40}", f["master_replid"])
    assert f["master_replid2"] == "0" * 40
    assert f["second_repl_offset"] == "-1"


def test_info_persistence_values(r):
    f = parse_info(r("INFO", "persistence"))
    assert f["loading"] == "0"
    assert f["aof_enabled"] == "0"
    assert f["rdb_bgsave_in_progress"] == "0"
    assert f["rdb_last_bgsave_status"] == "ok"
    assert f["aof_last_write_status"] == "ok"
    assert f["rdb_last_save_time"] == str(r("LASTSAVE"))


def test_info_memory_values(r):
    f = parse_info(r("INFO", "memory"))
    assert int(f["used_memory"]) > 0
    assert int(f["used_memory_peak"]) >= int(f["used_memory"])
    assert f["maxmemory"] == "0"
    assert f["maxmemory_human"] == "0B"
    assert f["maxmemory_policy"] == "noeviction"
    assert re.fullmatch(r"\d+(\.\d+)?[BKMGTPE]", f["used_memory_human"])
    float(f["mem_fragmentation_ratio"])


def test_info_clients_and_cluster(r, new_client):
    new_client()("PING")
    f = parse_info(r("INFO", "clients", "cluster"))
    assert int(f["connected_clients"]) >= 2
    assert f["blocked_clients"] == "0"
    assert f["maxclients"] == r("CONFIG", "GET", "maxclients")[1].decode()
    assert f["cluster_enabled"] == "0"


def test_info_cpu_values_are_floats(r):
    f = parse_info(r("INFO", "cpu"))
    for k in INFO_FIELDS["cpu"]:
        assert re.fullmatch(r"\d+\.\d{6}", f[k]), (k, f[k])


def test_info_stats_hits_misses_after_resetstat(r):
    r("SET", "a", "1")
    assert r("CONFIG", "RESETSTAT") == b"OK"
    r("GET", "a")
    r("GET", "a")
    r("GET", "nokey")
    f = parse_info(r("INFO", "stats"))
    assert f["keyspace_hits"] == "2"
    assert f["keyspace_misses"] == "1"
    assert f["total_error_replies"] == "0"
    assert f["expired_keys"] == "0"
    assert f["total_connections_received"] == "0"


def test_info_errorstats(r, err):
    r("CONFIG", "RESETSTAT")
    assert r("INFO", "errorstats") == b"# Errorstats\r\n"
    err(r, "GET")
    err(r, "NOSUCHCMD")
    err(r, "HELLO", "9")
    assert r("INFO", "errorstats") == (
        b"# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOPROTO:count=1\r\n")
    assert parse_info(r("INFO", "stats"))["total_error_replies"] == "3"


def test_info_commandstats(r, err):
    r("CONFIG", "RESETSTAT")
    r("SET", "a", "1")
    r("GET", "a")
    r("GET", "a")
    err(r, "GET")  # arity errors count as rejected calls
    text = r("INFO", "commandstats").decode()
    lines = dict(l.split(":", 1) for l in text.split("\r\n")[1:] if l)
    assert re.fullmatch(r"calls=2,usec=\d+,usec_per_call=\d+\.\d{2},"
                        r"rejected_calls=1,failed_calls=0", lines["cmdstat_get"])
    assert lines["cmdstat_set"].startswith("calls=1,")
    # the RESETSTAT itself is accounted after the reset
    assert lines["cmdstat_config|resetstat"].startswith("calls=1,")


def test_info_latencystats(r):
    r("CONFIG", "RESETSTAT")
    r("SET", "a", "1")
    text = r("INFO", "latencystats").decode()
    assert text.startswith("# Latencystats\r\n")
    assert re.search(r"\r\nlatency_percentiles_usec_set:p50=\d+\.\d{3},"
                     r"p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n", text)


def test_info_resp3_is_verbatim(raw_conn):
    c = raw_conn()
    c.request(b"HELLO 3\r\n")
    reply = c.request(b"INFO server\r\n")
    assert reply.startswith(b"=")
    n, rest = reply[1:].split(b"\r\n", 1)
    assert rest.startswith(b"txt:# Server\r\nredis_version:")
    assert len(rest) == int(n) + 2


def test_info_resp2_wire_is_bulk(raw):
    reply = raw(b"INFO keyspace\r\n")
    assert reply.startswith(b"$")
    assert b"# Keyspace\r\n" in reply


# --------------------------------------------------------------------------
# CONFIG
# --------------------------------------------------------------------------

def test_config_get_single(r):
    assert r("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"0"]
    assert r("CONFIG", "GET", "databases") == [b"databases", b"16"]


def test_config_get_echoes_requested_case(r):
    assert r("CONFIG", "GET", "MAXMEMORY") == [b"MAXMEMORY", b"0"]


def test_config_get_glob(r):
    got = r("CONFIG", "GET", "maxmemory*")
    d = dict(zip(got[0::2], got[1::2]))
    assert d == {b"maxmemory": b"0", b"maxmemory-policy": b"noeviction",
                 b"maxmemory-samples": b"5", b"maxmemory-clients": b"0",
                 b"maxmemory-eviction-tenacity": b"10"}


def test_config_get_several_patterns_deduplicated(r):
    got = r("CONFIG", "GET", "maxmemory", "hz", "maxmemory")
    assert dict(zip(got[0::2], got[1::2])) == {b"maxmemory": b"0", b"hz": b"10"}
    assert len(got) == 4
    got = r("CONFIG", "GET", "maxmemory", "maxmemory*")
    assert len(got) == 10


def test_config_get_unknown_is_empty(r):
    assert r("CONFIG", "GET", "nosuchparam") == []


def test_config_get_values_of_startup_args(r, server):
    got = r("CONFIG", "GET", "port", "bind", "save", "appendonly")
    d = dict(zip(got[0::2], got[1::2]))
    assert d == {b"port": str(server.port).encode(), b"bind": b"127.0.0.1",
                 b"save": b"", b"appendonly": b"no"}


def test_config_get_resp3_map(r3):
    assert r3("CONFIG", "GET", "maxmemory", "hz") == \
        {b"maxmemory": b"0", b"hz": b"10"}


def test_config_get_resp3_wire(raw_conn):
    c = raw_conn()
    c.request(b"HELLO 3\r\n")
    assert c.request(b"CONFIG GET maxmemory\r\n") == \
        b"%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"
    assert c.request(b"CONFIG GET nosuchparam\r\n") == b"%0\r\n"


def test_config_get_arity(r, err):
    assert err(r, "CONFIG", "GET") == \
        "ERR wrong number of arguments for 'config|get' command"


def test_config_set_and_get(r, config):
    config("maxmemory", "100mb")
    assert r("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"104857600"]


def test_config_set_several_at_once(r, config):
    config("hz", "10")
    config("maxmemory", "0")
    assert r("CONFIG", "SET", "hz", "20", "maxmemory", "1gb") == b"OK"
    got = r("CONFIG", "GET", "hz", "maxmemory")
    assert dict(zip(got[0::2], got[1::2])) == {b"hz": b"20",
                                               b"maxmemory": b"1073741824"}


def test_config_set_is_atomic(r, err, config):
    config("hz", "10")
    assert err(r, "CONFIG", "SET", "hz", "20", "maxmemory", "abc") == (
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - "
        "argument must be a memory value")
    assert r("CONFIG", "GET", "hz") == [b"hz", b"10"]


def test_config_set_enum_case_insensitive(r, config):
    config("maxmemory-policy", "ALLKEYS-LRU")
    assert r("CONFIG", "GET", "maxmemory-policy") == \
        [b"maxmemory-policy", b"allkeys-lru"]


def test_config_set_hz_clamped(r, config):
    config("hz", "1000")
    assert r("CONFIG", "GET", "hz") == [b"hz", b"500"]
    config("hz", "0")
    assert r("CONFIG", "GET", "hz") == [b"hz", b"1"]


def test_config_set_flags_normalized(r, config):
    config("notify-keyspace-events", "KEA")
    assert r("CONFIG", "GET", "notify-keyspace-events") == \
        [b"notify-keyspace-events", b"AKE"]


def test_config_set_unknown_parameter(r, err):
    assert err(r, "CONFIG", "SET", "foo", "bar") == \
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"
    assert err(r, "CONFIG", "SET", "maxmemory", "1", "foo", "2") == \
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"


@pytest.mark.parametrize("name,value,reason", [
    ("maxmemory", "abc", "argument must be a memory value"),
    ("maxmemory", "-1", "argument must be a memory value"),
    ("hz", "abc", "argument couldn't be parsed into an integer"),
    ("appendonly", "maybe", "argument must be 'yes' or 'no'"),
    ("maxmemory-policy", "bad",
     "argument(s) must be one of the following: volatile-lru, volatile-lfu, "
     "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, "
     "noeviction"),
    ("daemonize", "yes", "can't set immutable config"),
    ("proto-max-bulk-len", "1",
     "argument must be between 1048576 and 9223372036854775807 inclusive"),
])
def test_config_set_invalid_value(r, err, name, value, reason):
    before = r("CONFIG", "GET", name)
    assert err(r, "CONFIG", "SET", name, value) == \
        "ERR CONFIG SET failed (possibly related to argument '%s') - %s" % (name, reason)
    assert r("CONFIG", "GET", name) == before


def test_config_set_duplicate_parameter(r, err):
    assert err(r, "CONFIG", "SET", "hz", "10", "hz", "20") == \
        "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"


def test_config_set_arity(r, err):
    assert err(r, "CONFIG", "SET", "maxmemory") == \
        "ERR wrong number of arguments for 'config|set' command"
    assert err(r, "CONFIG", "SET", "maxmemory", "1", "hz") == SYNTAX


def test_config_unknown_subcommand(r, err):
    assert err(r, "CONFIG", "foo") == "ERR unknown subcommand 'foo'. Try CONFIG HELP."


def test_config_help(r):
    assert r("CONFIG", "HELP")[0] == \
        b"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"


def test_config_resetstat(r, err):
    r("SET", "a", "1")
    r("GET", "a")
    err(r, "GET")
    assert r("CONFIG", "RESETSTAT") == b"OK"
    f = parse_info(r("INFO", "stats"))
    assert f["keyspace_hits"] == "0"
    assert f["total_error_replies"] == "0"
    assert "cmdstat_set" not in parse_info(r("INFO", "commandstats"))


# --------------------------------------------------------------------------
# COMMAND
# --------------------------------------------------------------------------

def test_command_count_matches_command(r):
    n = r("COMMAND", "COUNT")
    assert isinstance(n, int) and n > 0
    assert len(r("COMMAND")) == n
    # COMMAND LIST names subcommands too (container|sub); the top-level ones are what COUNT counts.
    assert len([c for c in r("COMMAND", "LIST") if b"|" not in c]) == n


def test_command_list(r):
    names = r("COMMAND", "LIST")
    assert len(names) == len(set(names))
    for must in (b"get", b"set", b"ping", b"client|list", b"config|get",
                 b"command|count", b"object|encoding"):
        assert must in names
    top = {e[0] for e in r("COMMAND")}
    assert top == {n for n in names if b"|" not in n}


def test_command_list_filterby_pattern(r):
    assert sorted(r("COMMAND", "LIST", "FILTERBY", "PATTERN", "get*")) == \
        [b"get", b"getbit", b"getdel", b"getex", b"getrange", b"getset"]


def test_command_list_filterby_aclcat(r):
    names = r("COMMAND", "LIST", "FILTERBY", "ACLCAT", "string")
    for must in (b"get", b"set", b"incrbyfloat", b"lcs", b"append"):
        assert must in names
    assert b"ping" not in names
    assert r("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcat") == []


def test_command_list_filterby_module(r):
    assert r("COMMAND", "LIST", "FILTERBY", "MODULE", "nosuchmodule") == []


def test_command_list_syntax(r, err):
    assert err(r, "COMMAND", "LIST", "FILTERBY", "foo", "bar") == SYNTAX


GET_INFO = [b"get", 2, [b"readonly", b"fast"], 1, 1, 1,
            [b"@read", b"@string", b"@fast"], [],
            [[b"flags", [b"RO", b"access"], b"begin_search",
              [b"type", b"index", b"spec", [b"index", 1]], b"find_keys",
              [b"type", b"range", b"spec",
               [b"lastkey", 0, b"keystep", 1, b"limit", 0]]]], []]


def test_command_info_get(r):
    assert r("COMMAND", "INFO", "get") == [GET_INFO]
    assert r("COMMAND", "INFO", "GET") == [GET_INFO]


def test_command_info_unknown_is_nil(r):
    assert r("COMMAND", "INFO", "get", "nosuchcmd") == [GET_INFO, None]


def test_command_info_subcommand(r):
    assert r("COMMAND", "INFO", "config|get") == [
        [b"config|get", -3, [b"admin", b"noscript", b"loading", b"stale"], 0, 0,
         0, [b"@admin", b"@slow", b"@dangerous"], [], [], []]]


def test_command_info_set_notes(r):
    info = r("COMMAND", "INFO", "set")[0]
    assert info[:7] == [b"set", -3, [b"write", b"denyoom"], 1, 1, 1,
                        [b"@write", b"@string", b"@slow"]]
    spec = info[8][0]
    assert spec[:4] == [b"notes",
                        b"RW and ACCESS due to the optional `GET` argument",
                        b"flags", [b"RW", b"access", b"update", b"variable_flags"]]


def test_command_info_container_lists_subcommands(r):
    info = r("COMMAND", "INFO", "client")[0]
    assert info[0] == b"client"
    assert info[1] == -2
    subs = {s[0] for s in info[9]}
    assert {b"client|id", b"client|list", b"client|kill"} <= subs


def test_command_info_without_args_is_all(r):
    assert len(r("COMMAND", "INFO")) == r("COMMAND", "COUNT")


def test_command_info_get_wire_resp2(raw):
    # flags and ACL categories are status strings, not bulk strings
    assert raw(b"COMMAND INFO get\r\n") == (
        b"*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n"
        b":1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n"
        b"*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n"
        b"$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
        b"$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n"
        b"*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n"
        b"$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
        b"*0\r\n")


def test_command_info_get_wire_resp3(raw_conn):
    c = raw_conn()
    c.request(b"HELLO 3\r\n")
    # flags, categories, tips, key specs and subcommands are RESP3 sets;
    # each key spec is a map
    assert c.request(b"COMMAND INFO get\r\n") == (
        b"*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n"
        b":1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n"
        b"~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n"
        b"$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n"
        b"$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n"
        b"%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n"
        b"$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
        b"~0\r\n")


def test_command_docs_get(r):
    reply = r("COMMAND", "DOCS", "get")
    assert reply[0] == b"get"
    d = dict(zip(reply[1][0::2], reply[1][1::2]))
    assert list(d) == [b"summary", b"since", b"group", b"complexity",
                       b"arguments"]
    assert d[b"since"] == b"1.0.0"
    assert d[b"group"] == b"string"
    assert d[b"complexity"] == b"O(1)"
    arg = dict(zip(d[b"arguments"][0][0::2], d[b"arguments"][0][1::2]))
    assert arg[b"name"] == b"key"
    assert arg[b"type"] == b"key"
    assert arg[b"key_spec_index"] == 0


@pytest.mark.redis72
def test_command_docs_get_72(r):
    assert r("COMMAND", "DOCS", "get") == [b"get", [
        b"summary", b"Returns the string value of a key.", b"since", b"1.0.0",
        b"group", b"string", b"complexity", b"O(1)", b"arguments",
        [[b"name", b"key", b"type", b"key", b"display_text", b"key",
          b"key_spec_index", 0]]]]


def test_command_docs_unknown_is_empty(r):
    assert r("COMMAND", "DOCS", "nosuchcmd") == []


def test_command_docs_resp3_map(r3):
    docs = r3("COMMAND", "DOCS", "get")
    assert docs[b"get"][b"group"] == b"string"


@pytest.mark.parametrize("args,keys", [
    (["SET", "a", "b"], [b"a"]),
    (["GET", "k"], [b"k"]),
    (["MSET", "a", "1", "b", "2"], [b"a", b"b"]),
    (["MGET", "a", "b", "c"], [b"a", b"b", b"c"]),
    (["DEL", "x", "y"], [b"x", b"y"]),
    (["COPY", "s", "d", "REPLACE"], [b"s", b"d"]),
    (["BITOP", "AND", "dest", "s1", "s2"], [b"dest", b"s1", b"s2"]),
    (["LCS", "k1", "k2"], [b"k1", b"k2"]),
    (["set", "lower", "v"], [b"lower"]),
])
def test_command_getkeys(r, args, keys):
    assert r("COMMAND", "GETKEYS", *args) == keys


def test_command_getkeys_errors(r, err):
    assert err(r, "COMMAND", "GETKEYS", "ECHO", "a") == \
        "ERR The command has no key arguments"
    assert err(r, "COMMAND", "GETKEYS", "SET", "a") == \
        "ERR Invalid number of arguments specified for command"
    assert err(r, "COMMAND", "GETKEYS", "nosuchcmd", "a") == \
        "ERR Invalid command specified"
    assert err(r, "COMMAND", "GETKEYS") == \
        "ERR wrong number of arguments for 'command|getkeys' command"


@pytest.mark.redis72
def test_command_getkeys_short_forms_72(r, err):
    assert err(r, "COMMAND", "GETKEYS", "PING") == \
        "ERR The command has no key arguments"
    assert err(r, "COMMAND", "GETKEYS", "GET") == \
        "ERR Invalid number of arguments specified for command"


def test_command_getkeysandflags(r):
    assert r("COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b") == \
        [[b"a", [b"OW", b"update"]]]
    assert r("COMMAND", "GETKEYSANDFLAGS", "COPY", "a", "b") == \
        [[b"a", [b"RO", b"access"]], [b"b", [b"OW", b"update"]]]
    assert r("COMMAND", "GETKEYSANDFLAGS", "GET", "k") == \
        [[b"k", [b"RO", b"access"]]]


def test_command_unknown_subcommand(r, err):
    assert err(r, "COMMAND", "foo") == "ERR unknown subcommand 'foo'. Try COMMAND HELP."


# --------------------------------------------------------------------------
# TIME / LASTSAVE / ROLE / FUNCTION FLUSH
# --------------------------------------------------------------------------

def test_time(r):
    secs, usecs = r("TIME")
    assert isinstance(secs, bytes) and isinstance(usecs, bytes)
    assert abs(int(secs) - time.time()) < 5
    assert 0 <= int(usecs) < 1000000


def test_time_wire(raw):
    assert re.fullmatch(rb"\*2\r\n\$10\r\n\d{10}\r\n\$\d\r\n\d{1,6}\r\n",
                        raw(b"TIME\r\n"))


def test_lastsave(r):
    ts = r("LASTSAVE")
    assert isinstance(ts, int)
    assert ts <= time.time() + 5


def test_role(r):
    assert r("ROLE") == [b"master", 0, []]


@pytest.mark.parametrize("cmd", ["TIME", "LASTSAVE", "ROLE"])
def test_no_arg_commands_arity(r, err, cmd):
    assert err(r, cmd, "x") == \
        "ERR wrong number of arguments for '%s' command" % cmd.lower()


@pytest.mark.parametrize("mode", [[], ["ASYNC"], ["SYNC"]])
def test_function_flush(r, mode):
    assert r("FUNCTION", "FLUSH", *mode) == b"OK"


def test_function_flush_bad_mode(r, err):
    assert err(r, "FUNCTION", "FLUSH", "foo") == \
        "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"


# --------------------------------------------------------------------------
# SLOWLOG
# --------------------------------------------------------------------------

def test_slowlog_get_len_reset(r, config):
    config("slowlog-log-slower-than", "0")
    r("CLIENT", "SETNAME", "slowpoke")
    assert r("SLOWLOG", "RESET") == b"OK"
    r("SET", "a", "b")
    entries = r("SLOWLOG", "GET", 1)
    assert len(entries) == 1
    eid, ts, dur, args, addr, name = entries[0]
    assert args == [b"SET", b"a", b"b"]
    assert isinstance(eid, int) and isinstance(dur, int) and dur >= 0
    assert abs(ts - time.time()) < 5
    assert addr.startswith(b"127.0.0.1:")
    assert name == b"slowpoke"
    assert r("SLOWLOG", "LEN") >= 2


def test_slowlog_newest_first_and_ids_increase(r, config):
    config("slowlog-log-slower-than", "0")
    r("SLOWLOG", "RESET")
    r("ECHO", "first")
    r("ECHO", "second")
    e = r("SLOWLOG", "GET", 3)
    # a command is logged after it ran: this GET is not in its own reply
    assert [x[3] for x in e] == [[b"ECHO", b"second"], [b"ECHO", b"first"],
                                 [b"SLOWLOG", b"RESET"]]
    assert e[0][0] > e[1][0] > e[2][0]


def test_slowlog_reset_empties(r, config):
    r("SLOWLOG", "RESET")
    assert r("SLOWLOG", "LEN") == 0
    assert r("SLOWLOG", "GET") == []


def test_slowlog_argument_truncation(r, config):
    config("slowlog-log-slower-than", "0")
    r("SLOWLOG", "RESET")
    r("ECHO", "x" * 200)
    r("EXISTS", *["k%d" % i for i in range(40)])
    e = r("SLOWLOG", "GET", 2)
    exists_args = e[0][3]
    echo_args = e[1][3]
    assert echo_args == [b"ECHO", b"x" * 128 + b"... (72 more bytes)"]
    assert len(exists_args) == 32
    assert exists_args[:2] == [b"EXISTS", b"k0"]
    assert exists_args[30] == b"k29"
    assert exists_args[31] == b"... (10 more arguments)"


def test_slowlog_threshold_respected(r, config):
    config("slowlog-log-slower-than", "10000000")
    r("SLOWLOG", "RESET")
    r("SET", "a", "b")
    assert r("SLOWLOG", "LEN") == 0


def test_slowlog_negative_threshold_disables(r, config):
    config("slowlog-log-slower-than", "-1")
    r("SLOWLOG", "RESET")
    r("DEBUG", "SLEEP", "0.01")
    assert r("SLOWLOG", "LEN") == 0


def test_slowlog_errors(r, err):
    assert err(r, "SLOWLOG", "GET", "abc") == \
        "ERR count should be greater than or equal to -1"
    assert err(r, "SLOWLOG", "GET", "-2") == \
        "ERR count should be greater than or equal to -1"
    assert err(r, "SLOWLOG", "foo") == "ERR unknown subcommand 'foo'. Try SLOWLOG HELP."


def test_slowlog_help(r):
    assert r("SLOWLOG", "HELP")[:2] == [
        b"SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        b"GET [<count>]"]


# --------------------------------------------------------------------------
# LATENCY
# --------------------------------------------------------------------------

def test_latency_latest_and_reset(r, config):
    r("LATENCY", "RESET")
    assert r("LATENCY", "LATEST") == []
    config("latency-monitor-threshold", "1")
    r("DEBUG", "SLEEP", "0.01")
    latest = r("LATENCY", "LATEST")
    assert len(latest) == 1
    event, ts, last_ms, max_ms = latest[0]
    assert event == b"command"
    assert abs(ts - time.time()) < 5
    assert 10 <= last_ms <= max_ms < 1000
    hist = r("LATENCY", "HISTORY", "command")
    assert len(hist) == 1 and hist[0][1] == last_ms
    assert r("LATENCY", "RESET") == 1
    assert r("LATENCY", "LATEST") == []
    assert r("LATENCY", "RESET") == 0


def test_latency_reset_unknown_event(r):
    assert r("LATENCY", "RESET", "nosuchevent") == 0


def test_latency_histogram(r):
    r("CONFIG", "RESETSTAT")
    r("SET", "a", "1")
    r("SET", "a", "2")
    reply = r("LATENCY", "HISTOGRAM", "set", "nosuchcmd")
    assert reply[0] == b"set"
    assert len(reply) == 2
    body = reply[1]
    assert body[0:3] == [b"calls", 2, b"histogram_usec"]
    buckets = body[3]
    assert len(buckets) % 2 == 0
    assert sum(buckets[1::2]) >= 2
    assert buckets[-1] == 2  # cumulative counts


def test_latency_histogram_unknown_only(r):
    assert r("LATENCY", "HISTOGRAM", "nosuchcmd") == []


def test_latency_histogram_resp3_map(r3):
    r3("CONFIG", "RESETSTAT")
    r3("GET", "a")
    h = r3("LATENCY", "HISTOGRAM", "get")
    assert list(h) == [b"get"]
    assert h[b"get"][b"calls"] == 1


def test_latency_errors(r, err):
    assert err(r, "LATENCY", "foo") == "ERR unknown subcommand 'foo'. Try LATENCY HELP."
    assert r("LATENCY", "HELP")[0] == \
        b"LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"


# --------------------------------------------------------------------------
# MEMORY USAGE
# --------------------------------------------------------------------------

def test_memory_usage(r):
    r("SET", "small", "v")
    r("SET", "big", "x" * 10000)
    small = r("MEMORY", "USAGE", "small")
    big = r("MEMORY", "USAGE", "big")
    assert isinstance(small, int) and 0 < small < 200
    assert 10000 < big < 20000
    assert r("MEMORY", "USAGE", "small", "SAMPLES", 0) == small


def test_memory_usage_missing(r):
    assert r("MEMORY", "USAGE", "nokey") is None


def test_memory_usage_errors(r, err):
    r("SET", "k", "v")
    assert err(r, "MEMORY", "USAGE") == \
        "ERR wrong number of arguments for 'memory|usage' command"
    assert err(r, "MEMORY", "USAGE", "k", "SAMPLES") == SYNTAX
    assert err(r, "MEMORY", "USAGE", "k", "SAMPLES", "abc") == NOT_INT
    assert err(r, "MEMORY", "USAGE", "k", "foo", "1") == SYNTAX


# --------------------------------------------------------------------------
# DEBUG
# --------------------------------------------------------------------------

def test_debug_sleep_zero(r):
    assert r("DEBUG", "SLEEP", 0) == b"OK"


def test_debug_sleep_blocks(r):
    t0 = time.monotonic()
    assert r("DEBUG", "SLEEP", "0.05") == b"OK"
    assert time.monotonic() - t0 >= 0.045


def test_debug_object(r, err):
    r("SET", "k", "v")
    line = r("DEBUG", "OBJECT", "k").decode()
    assert re.fullmatch(r"Value at:0x[0-9a-f]+ refcount:1 encoding:embstr "
                        r"serializedlength:2 lru:\d+ lru_seconds_idle:\d+", line)
    r("SET", "n", "12345")
    assert " encoding:int " in r("DEBUG", "OBJECT", "n").decode()
    assert err(r, "DEBUG", "OBJECT", "nokey") == "ERR no such key"


def test_debug_populate(r):
    assert r("DEBUG", "POPULATE", 3) == b"OK"
    assert sorted(r("KEYS", "*")) == [b"key:0", b"key:1", b"key:2"]
    assert r("GET", "key:1") == b"value:1"


def test_debug_populate_prefix_and_size(r):
    assert r("DEBUG", "POPULATE", 2, "pre", 10) == b"OK"
    assert sorted(r("KEYS", "*")) == [b"pre:0", b"pre:1"]
    assert len(r("GET", "pre:0")) == 10
    assert r("GET", "pre:0").startswith(b"value:0")


def test_debug_populate_keeps_existing(r):
    r("SET", "key:0", "mine")
    r("DEBUG", "POPULATE", 2)
    assert r("GET", "key:0") == b"mine"
    assert r("DBSIZE") == 2


def test_debug_populate_errors(r, err):
    assert err(r, "DEBUG", "POPULATE", -1) == \
        "ERR value is out of range, must be positive"
    assert err(r, "DEBUG", "POPULATE", "abc") == \
        "ERR value is out of range, must be positive"


def test_debug_digest_empty(r):
    assert r("DEBUG", "DIGEST") == b"0" * 40


def test_debug_digest_known_dataset(r):
    r("SET", "k", "v")
    assert r("DEBUG", "DIGEST") == b"264ccf65edec66bccfa7cc659414ccca432057d2"
    r("SET", "n", "1")
    assert r("DEBUG", "DIGEST") == b"221a91148c5b08e6737cb2ad3db1f0a6c4f10dba"


def test_debug_digest_changes_with_content(r):
    r("SET", "k", "v")
    a = r("DEBUG", "DIGEST")
    r("SET", "k", "w")
    b = r("DEBUG", "DIGEST")
    r("SET", "k", "v")
    assert a != b
    assert r("DEBUG", "DIGEST") == a


def test_debug_digest_value(r):
    r("SET", "k", "v")
    assert r("DEBUG", "DIGEST-VALUE", "k", "nokey") == [
        b"d79ee9fe5d5ad902d7f6620efc3b07b75ddd742f", b"0" * 40]
    assert r("DEBUG", "DIGEST-VALUE") == []


def test_debug_unknown_subcommand(r, err):
    assert err(r, "DEBUG", "foo") == \
        "ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP."
    assert err(r, "DEBUG", "OBJECT") == \
        "ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP."
    assert err(r, "DEBUG") == "ERR wrong number of arguments for 'debug' command"


def test_debug_help(r):
    assert r("DEBUG", "HELP")[0] == \
        b"DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"


@pytest.mark.parametrize("kind,resp2,resp3", [
    ("string", b"$11\r\nHello World\r\n", b"$11\r\nHello World\r\n"),
    ("integer", b":12345\r\n", b":12345\r\n"),
    ("double", b"$5\r\n3.141\r\n", b",3.141\r\n"),
    ("bignum", b"$37\r\n1234567999999999999999999999999999999\r\n",
     b"(1234567999999999999999999999999999999\r\n"),
    ("null", b"$-1\r\n", b"_\r\n"),
    ("array", b"*3\r\n:0\r\n:1\r\n:2\r\n", b"*3\r\n:0\r\n:1\r\n:2\r\n"),
    ("set", b"*3\r\n:0\r\n:1\r\n:2\r\n", b"~3\r\n:0\r\n:1\r\n:2\r\n"),
    ("map", b"*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
     b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"),
    ("true", b":1\r\n", b"#t\r\n"),
    ("false", b":0\r\n", b"#f\r\n"),
    ("verbatim", b"$25\r\nThis is a verbatim\nstring\r\n",
     b"=29\r\ntxt:This is a verbatim\nstring\r\n"),
])
def test_debug_protocol(raw_conn, kind, resp2, resp3):
    c = raw_conn()
    assert c.request(b"DEBUG PROTOCOL %s\r\n" % kind.encode()) == resp2
    c.request(b"HELLO 3\r\n")
    assert c.request(b"DEBUG PROTOCOL %s\r\n" % kind.encode()) == resp3


def test_debug_protocol_unknown(r, err):
    assert err(r, "DEBUG", "PROTOCOL", "foo") == (
        "ERR Wrong protocol type name. Please use one of the following: "
        "string|integer|double|bignum|null|array|set|map|attrib|push|"
        "verbatim|true|false")
