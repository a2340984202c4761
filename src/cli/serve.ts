// `sipreg serve`: load the configuration (file + flags), start the server, stop it cleanly on SIGINT/SIGTERM.
import type { Command } from "commander";
import { addServeOptions, configFromFlags, isConfigError, type ServeFlags } from "../config/index.js";
import type { SipregConfig } from "../config/types.js";
import { SipregServer } from "../server/sipreg-server.js";
import { createLogger } from "../util/logger.js";
import { isSipregError } from "../util/errors.js";

export function registerServeCommand(program: Command): void {
  addServeOptions(program.command("serve").description("run the SIP registrar")).action(async (flags: ServeFlags) => {
    await serve(flags);
  });
}

export async function serve(flags: ServeFlags): Promise<void> {
  let config: SipregConfig;
  try {
    // Every flag and config key is checked before any socket or database opens.
    config = configFromFlags(flags);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    for (const line of err.message.split("\n")) process.stderr.write(`sipreg serve: ${line}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const server = new SipregServer(config, { logger });
  try {
    await server.start();
  } catch (err) {
    logger.fatal({ code: isSipregError(err) ? err.code : undefined }, (err as Error).message);
    await server.stop().catch(() => undefined);
    process.exit(1);
  }
  logger.info({ auth: config.auth.enabled, domains: config.registrar.domains, data: config.dataDir }, "sipreg registrar running");
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: stopping`);
    await server.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
