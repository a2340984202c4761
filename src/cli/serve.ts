// `sipreg serve`: start a server on the SIP stack, stop it cleanly on SIGINT/SIGTERM.
import type { Command } from "commander";
import { SipStack } from "../stack/sip-stack.js";
import { parseListenSpec } from "../transport/listen-spec.js";
import type { ListenerSpec } from "../transport/types.js";
import { createLogger, LOG_LEVELS, type LogLevel } from "../util/logger.js";
import { isSipregError } from "../util/errors.js";

const DEFAULT_LISTEN = ["udp:0.0.0.0:5060", "tcp:0.0.0.0:5060"];

interface ServeFlags {
  listen: string[];
  logLevel: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("run the SIP server")
    .option(
      "-l, --listen <PROTO:HOST:PORT>",
      "a listener, repeatable; PROTO is udp, tcp, tls, ws or wss; IPv6 as udp:[::1]:5060 (default: udp and tcp on 0.0.0.0:5060)",
      (value: string, prev: string[]) => [...prev, value],
      [] as string[],
    )
    .option("--log-level <LEVEL>", `one of ${LOG_LEVELS.join(", ")}`, "info")
    .action(async (flags: ServeFlags) => {
      await serve(flags);
    });
}

export async function serve(flags: ServeFlags): Promise<void> {
  // Every flag is checked before any socket opens.
  if (!(LOG_LEVELS as readonly string[]).includes(flags.logLevel)) fail(`--log-level: "${flags.logLevel}" is not one of ${LOG_LEVELS.join(", ")}`);
  let specs: ListenerSpec[];
  try {
    specs = (flags.listen.length > 0 ? flags.listen : DEFAULT_LISTEN).map(parseListenSpec);
  } catch (err) {
    fail(`--listen: ${(err as Error).message}`);
  }
  for (const s of specs) {
    if (s.protocol === "tls" || s.protocol === "wss") fail(`--listen ${s.protocol}: needs a certificate and key, which come from the config file (not yet available on the command line)`);
  }
  const logger = createLogger(flags.logLevel as LogLevel);
  const stack = new SipStack({ listen: specs, logger });
  try {
    await stack.start();
  } catch (err) {
    logger.fatal({ code: isSipregError(err) ? err.code : undefined }, (err as Error).message);
    process.exit(1);
  }
  const stop = async (signal: string): Promise<void> => {
    logger.info(`${signal}: stopping`);
    await stack.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

function fail(message: string): never {
  process.stderr.write(`sipreg serve: ${message}\n`);
  process.exit(2);
}
