// Logging: pino (JSON lines), with secrets redacted wherever they might appear in a logged object.
import { pino, type Logger as PinoLogger, type LevelWithSilent, type DestinationStream } from "pino";

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

const REDACT = ["password", "*.password", "*.*.password", "ha1", "*.ha1", "*.*.ha1", "secret", "*.secret", "authorization", "*.authorization"];

export function createLogger(level: LogLevel = "info", destination?: NodeJS.WritableStream): Logger {
  const opts = { level, redact: { paths: REDACT, censor: "[redacted]" }, base: { name: "sipreg" } };
  return destination === undefined ? pino(opts) : pino(opts, destination as unknown as DestinationStream);
}

/** A logger that writes nothing (library use and tests). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
