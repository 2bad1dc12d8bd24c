// cinnabar-server: parse redis-server's command line, load the configuration, run until SHUTDOWN or a signal.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarCommands
import CinnabarServer
import Logging
#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
switch ServerCommandLine.parse(arguments, program: CommandLine.arguments.first ?? "cinnabar-server") {
case let .printAndExit(text, toStandardError, status):
    fputs(text, toStandardError ? stderr : stdout)
    exit(status)
case let .run(config, configFile):
    let logPath = config.logFile
    LoggingSystem.bootstrap { _ in RedisLogHandler(path: logPath) }
    var logger = Logger(label: "cinnabar")
    logger.logLevel = ConfigFile.logLevel(config.logLevel)
    logger.notice("oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo")
    logger.notice("Cinnabar version=\(Server.cinnabarVersion) (Redis \(Server.version) compatible), bits=64, commit=00000000, modified=0, pid=\(getpid()), just started")
    if arguments.isEmpty {
        logger.warning("Warning: no config file specified, using the default config. In order to specify a config file use \(CommandLine.arguments[0]) /path/to/redis.conf")
    } else {
        logger.notice("Configuration loaded")
    }
    let server = CinnabarServer(config: config, logger: logger, configFilePath: configFile)
    do {
        try server.start()
    } catch {
        exit(1)
    }
    logger.notice("Running mode=standalone, port=\(server.port).")
    server.installSignalHandlers()
    try? server.wait()
    exit(0)
}
