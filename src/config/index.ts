// The configuration of `sipreg serve`: YAML file + command-line flags → SipregConfig.
export { ConfigError, formatProblem, isConfigError, type ConfigErrorCode, type ConfigProblem } from "./config-error.js";
export { addServeOptions, configFromFlags, overridesFromFlags, parseUserFlag, type ServeFlags } from "./cli-flags.js";
export { loadConfig, type LoadOptions } from "./load-config.js";
export { configSchema, DEFAULT_DATA_DIR, DEFAULT_LISTEN, type FileConfig } from "./schema.js";
export type { AuthConfig, AuthThrottle, ConfigOverrides, LocationConfig, OverrideUser, SipregConfig } from "./types.js";
