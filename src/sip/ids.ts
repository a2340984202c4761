// Fresh identifiers: branch (§8.1.1.7, with the magic cookie), tags (§19.3) and Call-IDs (§8.1.1.4).
import { defaultRandom, type RandomSource } from "../util/random.js";
import { MAGIC_COOKIE } from "./headers/via.js";

export function newBranch(random: RandomSource = defaultRandom): string {
  return MAGIC_COOKIE + random.hex(10);
}

export function newTag(random: RandomSource = defaultRandom): string {
  return random.hex(6);
}

export function newCallId(random: RandomSource = defaultRandom, host?: string): string {
  const id = random.hex(12);
  return host === undefined ? id : `${id}@${host}`;
}
