import Logging

extension Logger {
    /// This logger for postgres-nio: never below `debug`.
    ///
    /// At `trace`, postgres-nio logs every backend message it receives, row bytes included (e-mail
    /// addresses, password-hash prefixes, session data); `LOG_LEVEL=trace` must not put those in the log.
    public var cappedForDatabase: Logger {
        var logger = self
        if logger.logLevel < .debug { logger.logLevel = .debug }
        return logger
    }
}
