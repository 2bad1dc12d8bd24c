"""Geospatial commands: GEOADD (NX XX CH) GEOPOS GEODIST GEOHASH GEORADIUS
GEORADIUS_RO GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO GEOSEARCH GEOSEARCHSTORE on
sorted sets with Redis's 52-bit geohash scores: exact scores, coordinate and
distance formatting (RESP2 and RESP3), orders, COUNT [ANY], STORE/STOREDIST,
keyspace events and error texts, as Redis 7.2.6 replies."""

import pytest

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


@pytest.fixture
def sicily(r):
    assert r("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo",
             "15.087269", "37.502669", "Catania") == 2
    return r


def test_geoadd_scores_and_options(sicily, err):
    r = sicily
    assert r("ZSCORE", "Sicily", "Palermo") == b"3479099956230698"
    assert r("ZSCORE", "Sicily", "Catania") == b"3479447370796909"
    assert r("GEOADD", "Sicily", "XX", "CH", "13", "38", "Palermo", "1", "1", "new") == 1
    assert r("ZCARD", "Sicily") == 2
    assert r("GEOADD", "Sicily", "NX", "1", "1", "new", "2", "2", "Palermo") == 1
    assert r("GEOADD", "Sicily", "CH", "1", "1", "new") == 0
    assert err(r, "GEOADD", "Sicily", "NX", "XX", "1", "1", "a") == "ERR syntax error"
    assert err(r, "GEOADD", "Sicily", "1", "1", "a", "2") == "ERR syntax error"
    assert err(r, "GEOADD", "Sicily", "181", "1", "a") == \
        "ERR invalid longitude,latitude pair 181.000000,1.000000"
    assert err(r, "GEOADD", "Sicily", "1", "-85.06", "a") == \
        "ERR invalid longitude,latitude pair 1.000000,-85.060000"
    r("SET", "s", "x")
    assert err(r, "GEOADD", "s", "1", "1", "a") == WRONGTYPE


def test_geopos_geodist_geohash(sicily, err):
    r = sicily
    assert r("GEOPOS", "Sicily", "Palermo", "nope") == [
        [b"13.36138933897018433", b"38.11555639549629859"], None]
    assert r("GEODIST", "Sicily", "Palermo", "Catania") == b"166274.1516"
    assert r("GEODIST", "Sicily", "Palermo", "Catania", "km") == b"166.2742"
    assert r("GEODIST", "Sicily", "Palermo", "Catania", "FT") == b"545518.8700"
    assert r("GEODIST", "Sicily", "Palermo", "nope") is None
    assert r("GEODIST", "missing", "a", "b") is None
    assert err(r, "GEODIST", "Sicily", "a", "b", "yd") == \
        "ERR unsupported unit provided. please use M, KM, FT, MI"
    assert r("GEOHASH", "Sicily", "Palermo", "Catania", "nope") == [
        b"sqc8b49rny0", b"sqdtr74hyu0", None]


def test_resp3_coordinates_are_doubles(raw, sicily):
    from conftest import resp_cmd
    data = raw(resp_cmd("HELLO", "3") + resp_cmd("GEOPOS", "Sicily", "Palermo", "nope"), replies=2)
    assert data.endswith(b"*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n")


def test_georadius_options(sicily):
    r = sicily
    assert r("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC") == [
        [b"Catania", b"56.4413", 3479447370796909, [b"15.08726745843887329", b"37.50266842333162032"]],
        [b"Palermo", b"190.4424", 3479099956230698, [b"13.36138933897018433", b"38.11555639549629859"]],
    ]
    assert r("GEORADIUS", "Sicily", "15", "37", "100", "km") == [b"Catania"]
    assert r("GEORADIUS", "Sicily", "15", "37", "200", "km", "DESC") == [b"Palermo", b"Catania"]
    assert r("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1") == [b"Catania"]
    assert len(r("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1", "ANY")) == 1
    assert r("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "ASC") == [b"Catania", b"Palermo"]
    assert r("GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST") == [
        [b"Palermo", b"0.0000"], [b"Catania", b"166.2742"]]
    assert r("GEORADIUS", "missing", "15", "37", "200", "km") == []


def test_geosearch(sicily):
    r = sicily
    assert r("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "DESC", "WITHDIST") == [
        [b"Catania", b"166.2742"], [b"Palermo", b"0.0000"]]
    assert r("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC") == [
        b"Catania", b"Palermo"]
    assert r("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "10", "10", "km") == []


def test_store_and_storedist(sicily):
    r = sicily
    assert r("GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "d") == 2
    assert r("ZRANGE", "d", 0, -1, "WITHSCORES") == [
        b"Catania", b"56.4412578701582", b"Palermo", b"190.44242984775784"]
    assert r("GEORADIUSBYMEMBER", "Sicily", "Palermo", "10", "km", "STORE", "d") == 1
    assert r("ZRANGE", "d", 0, -1, "WITHSCORES") == [b"Palermo", b"3479099956230698"]
    assert r("GEOSEARCHSTORE", "d2", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km",
             "STOREDIST", "COUNT", "1") == 1
    assert r("ZRANGE", "d2", 0, -1, "WITHSCORES") == [b"Catania", b"56.4412578701582"]
    r("SET", "d3", "string")
    assert r("GEOSEARCHSTORE", "d3", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km") == 2
    assert r("TYPE", "d3") == b"zset"
    assert r("GEOSEARCHSTORE", "d3", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "m") == 0
    assert r("EXISTS", "d3") == 0
    assert r("GEORADIUS", "missing", "15", "37", "200", "km", "STORE", "d") == 0
    assert r("EXISTS", "d") == 0


@pytest.mark.parametrize("args, message", [
    (("GEORADIUS", "Sicily", "15", "37", "-1", "km"), "ERR radius cannot be negative"),
    (("GEORADIUS", "Sicily", "15", "37", "x", "km"), "ERR need numeric radius"),
    (("GEORADIUS", "Sicily", "15", "37", "1", "yd"), "ERR unsupported unit provided. please use M, KM, FT, MI"),
    (("GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY"), "ERR the ANY argument requires COUNT argument"),
    (("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0"), "ERR COUNT must be > 0"),
    (("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "x"), "ERR value is not an integer or out of range"),
    (("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d", "WITHDIST"),
     "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
    (("GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHHASH"),
     "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
    (("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "d"), "ERR syntax error"),
    (("GEORADIUSBYMEMBER", "Sicily", "nope", "200", "km"), "ERR could not decode requested zset member"),
    (("GeoSearch", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST"),
     "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GeoSearch"),
    (("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "ASC", "WITHDIST"),
     "ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH"),
    (("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "-1", "1", "km"),
     "ERR height or width cannot be negative"),
    (("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "1", "x", "km"), "ERR need numeric height"),
    (("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STORE", "x"), "ERR syntax error"),
])
def test_search_errors(sicily, err, args, message):
    assert err(sicily, *args) == message


def test_wrongtype(r, err):
    r("SET", "s", "x")
    assert err(r, "GEOPOS", "s", "a") == WRONGTYPE
    assert err(r, "GEORADIUS", "s", "1", "1", "1", "km") == WRONGTYPE
    assert err(r, "GEOSEARCH", "s", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km") == WRONGTYPE


def test_store_event(sicily, new_client):
    r = sicily
    r("CONFIG", "SET", "notify-keyspace-events", "KEA")
    try:
        p = new_client().pubsub()
        p.psubscribe("__keyevent@0__:*")
        p.get_message(timeout=1)
        r("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d")
        r("GEOSEARCHSTORE", "d2", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km")
        r("GEOADD", "Sicily", "1", "1", "x")
        events = []
        for _ in range(10):
            m = p.get_message(timeout=0.5)
            if m and m["type"] == "pmessage":
                events.append((m["channel"], m["data"]))
        assert (b"__keyevent@0__:georadiusstore", b"d") in events
        assert (b"__keyevent@0__:geosearchstore", b"d2") in events
        assert (b"__keyevent@0__:zadd", b"Sicily") in events
        p.close()
    finally:
        r("CONFIG", "SET", "notify-keyspace-events", "")
