#!/usr/bin/env node
// The `sipreg` command.
import { Command } from "commander";
import { registerServeCommand } from "./serve.js";

const program = new Command();
program.name("sipreg").description("SIP registrar, location service and registrant").version("0.1.0");
registerServeCommand(program);
program.showHelpAfterError();
await program.parseAsync(process.argv);
