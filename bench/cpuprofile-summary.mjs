#!/usr/bin/env node
// cpuprofile-summary.mjs FILE.cpuprofile [--top N] [--root DIR]
//
// Summarises a V8 CPU profile (node --cpu-prof) by SELF time: per function (name, file:line), then per
// source file, then per area (sipreg's src/<layer>, node: internals, node_modules packages, GC,
// (program) = native code outside JS frames, (idle) = waiting in the event loop). Percentages are of
// the sampled wall time, so (idle) is the headroom left; "busy" percentages exclude it.
// Output: Markdown tables on stdout.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
if (file === undefined) {
  console.error("usage: cpuprofile-summary.mjs FILE.cpuprofile [--top N] [--root DIR]");
  process.exit(2);
}
const topIndex = args.indexOf("--top");
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
const rootIndex = args.indexOf("--root");
const root = rootIndex >= 0 ? args[rootIndex + 1] : process.cwd();

const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

// Self time per node: each sample's timeDelta belongs to the sample (V8 records the delta before it).
const selfUs = new Map();
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  const dt = timeDeltas[i + 1] ?? 0; // the time until the next sample is spent where this sample is
  selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, dt));
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

function shortUrl(url) {
  if (!url) return "";
  let u = url.replace(/^file:\/\//, "");
  if (u.startsWith(root)) u = u.slice(root.length).replace(/^\/+/, "");
  const nm = u.lastIndexOf("node_modules/");
  if (nm >= 0) u = u.slice(nm);
  return u;
}

function area(frame) {
  const name = frame.functionName;
  if (name === "(garbage collector)") return "GC";
  if (name === "(program)" || name === "(idle)" || name === "(root)") return name;
  const u = shortUrl(frame.url);
  if (u === "") return "(native/builtin)";
  if (u.startsWith("node:")) {
    const m = /^node:(?:internal\/)?([a-z_]+)/.exec(u);
    return `node:${m ? m[1] : u}`;
  }
  if (u.startsWith("node_modules/")) return u.split("/").slice(0, 2).join("/");
  const m = /(?:^|\/)dist\/src\/([^/]+)\//.exec(u) ?? /(?:^|\/)src\/([^/]+)\//.exec(u);
  if (m) return `src/${m[1]}`;
  return u;
}

const perFn = new Map();
const perFile = new Map();
const perArea = new Map();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const f = node.callFrame;
  const u = shortUrl(f.url);
  const fnKey = `${f.functionName || "(anonymous)"}\t${u ? `${u}:${f.lineNumber + 1}` : ""}`;
  perFn.set(fnKey, (perFn.get(fnKey) ?? 0) + us);
  const fileKey = u || (f.functionName.startsWith("(") ? f.functionName : "(native/builtin)");
  perFile.set(fileKey, (perFile.get(fileKey) ?? 0) + us);
  const a = area(f);
  perArea.set(a, (perArea.get(a) ?? 0) + us);
}
const idleUs = perArea.get("(idle)") ?? 0;
const busyUs = totalUs - idleUs;
const pct = (us, of) => (of > 0 ? ((100 * us) / of).toFixed(1) : "-");
const ms = (us) => (us / 1000).toFixed(0);

function table(title, map, n, split) {
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`\n### ${title}\n`);
  console.log(split ? "| self ms | % of wall | % of busy | function | where |" : "| self ms | % of wall | % of busy | what |");
  console.log(split ? "| ---: | ---: | ---: | --- | --- |" : "| ---: | ---: | ---: | --- |");
  for (const [k, us] of rows) {
    const cells = split ? k.split("\t").map((c) => `\`${c || "-"}\``) : [`\`${k}\``];
    console.log(`| ${ms(us)} | ${pct(us, totalUs)} | ${k.startsWith("(idle)") ? "-" : pct(us, busyUs)} | ${cells.join(" | ")} |`);
  }
}

const durS = (profile.endTime - profile.startTime) / 1e6;
console.log(`profile: ${file}`);
console.log(`sampled ${durS.toFixed(1)} s, ${samples.length} samples; busy (not idle) ${pct(busyUs, totalUs)} % of the sampled time`);
table("Self time by area", perArea, 30, false);
table(`Self time by function (top ${top})`, perFn, top, true);
table("Self time by file (top 20)", perFile, 20, false);
