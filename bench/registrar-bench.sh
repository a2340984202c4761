#!/usr/bin/env bash
# registrar-bench.sh [--quick] [options]   (npm run bench:registrar [-- options])
#
# sipreg against Kamailio 5.6 as a UDP REGISTER registrar on this machine, with the shared SIPp
# harness (../shared/bench, next to this repository). Every server runs ALONE, pinned to CPU 0
# (taskset -c 0), SIPp pinned to CPU 1; one server after the other, never two at once:
#
#   name                server                                   auth                    durability
#   kam-a               Kamailio 5.6, registrar.cfg variant a    none                    memory only (usrloc db_mode 0)
#   sipreg-full         sipreg serve                             none                    SQLite WAL, synchronous=full (default)
#   sipreg-normal       sipreg serve                             none                    SQLite WAL, synchronous=normal
#   kam-b               Kamailio 5.6, variant b                  digest MD5 qop=auth     memory only
#   sipreg-full-auth    sipreg serve                             digest (subscriber tbl) synchronous=full
#   sipreg-normal-auth  sipreg serve                             digest (subscriber tbl) synchronous=normal
#
# The headline compares sipreg durable (every 200 sent after its binding is committed and fsynced,
# group commit) with Kamailio in memory: that durability costs nothing is the claim under test.
#
# Per server: start it fresh, read its idle RSS/PSS, register 100 000 distinct AORs (user000001..
# user100000, the harness's prefill) and read RSS/PSS and the number of bindings held, then search
# the highest rate the harness calls "ok" (< 0.1 % failed calls, no unexpected reply, >= 97 % of the
# offered rate completed, < 1 % retransmissions, p99 < 200 ms) with one harness run per rate: the
# rate doubles until a step fails, then bisects, within a budget of steps. Reported at that rate:
# p50/p99 response time (first REGISTER sent -> final 200; with auth that is two round trips), the
# server's CPU % of one core, and CPU µs per registration. A rate is registrations per second; with
# auth each is two REGISTERs (401, then 200).
#
# Then (unless --no-profile) a CPU profile of sipreg (synchronous=full, without and with auth) at a
# fixed rate: node --cpu-prof on the server process, summarised by self time (cpuprofile-summary.mjs).
#
# Output: a Markdown report on stdout and in bench/results/registrar-DATE[-quick].md; raw harness
# files (per-step SIPp output, results.tsv, server logs, profiles) in a temporary folder named there.
#
# Options
#   --quick               ~4 min: kam-a, sipreg-full, kam-b, sipreg-full-auth; 3 steps of 5 s each;
#                         only the no-auth profile
#   --only A,B,...        run only these configurations (names above)
#   --duration S          seconds per rate step (default 10; quick 5)
#   --steps N             rate steps per configuration (default 6; quick 3)
#   --prefill-rate R      REGISTER/s while creating the 100 000 bindings (default 5000; quick 6000)
#   --max-rate R          never offer more than R/s (default 64000; one SIPp process tops out
#                         somewhere past 30 000/s: a failing step with SIPp saturated marks the max
#                         found as ">=", a limit of the generator, not of the server)
#   --kam-children N      Kamailio UDP workers (default 1: the best on one core in RESULTS.md)
#   --port P              sipreg's UDP port (default 5090; Kamailio always uses 5070)
#   --nonce-shim          run the sipreg auth configurations through sipreg-bench-shim.mjs with
#                         SIPREG_SHIM_NONCE_SALT=1: salted nonces for builds before db7c0f4 (which
#                         issued identical nonces within one millisecond); a no-op on later builds
#   --sipreg-rcvbuf BYTES run every sipreg through sipreg-bench-shim.mjs with a UDP receive buffer of
#                         BYTES where sipreg sets none (builds before sipreg-server.ts passed
#                         udpRecvBufferBytes; the Kamailio baseline uses 4194304)
#   --no-profile          skip the CPU profiles
#   --profile-rate R      rate of the profile runs (default: 60 % of the max found, else 3000)
#   --wait-idle S         wait up to S seconds for an idle machine first (default 600; 0 = no wait)
#   --no-build            do not run `npm run build` first
#   --out FILE            report file (default bench/results/registrar-DATE[-quick].md)
#
# Needs (Debian): kamailio, sip-tester (SIPp), util-linux (taskset), iproute2 (ss), sqlite3, gawk or
# mawk, procps; Node >= 20 and the npm packages (npm ci). kamailio-sqlite-modules is not used here
# (variants a/b keep usrloc in memory). Not run by CI.
set -euo pipefail
argv_text="$*"
repo=$(cd "$(dirname "$0")/.." && pwd)
bench="$repo/bench"
shared=$(cd "$repo/.." && pwd)/shared/bench

die() { echo "registrar-bench: $*" >&2; exit 1; }
log() { echo "registrar-bench: $*" >&2; }

quick=0; only=""; dur=""; steps=""; prefill_rate=""; max_rate=64000; kam_children=1; port=5090
nonce_shim=0; sipreg_rcvbuf=0; profile=1; profile_rate=""; wait_idle=600; build=1; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift;;
    --only) only=",$2,"; shift 2;;
    --duration) dur=$2; shift 2;;
    --steps) steps=$2; shift 2;;
    --prefill-rate) prefill_rate=$2; shift 2;;
    --max-rate) max_rate=$2; shift 2;;
    --kam-children) kam_children=$2; shift 2;;
    --port) port=$2; shift 2;;
    --nonce-shim) nonce_shim=1; shift;;
    --sipreg-rcvbuf) sipreg_rcvbuf=$2; shift 2;;
    --no-profile) profile=0; shift;;
    --profile-rate) profile_rate=$2; shift 2;;
    --wait-idle) wait_idle=$2; shift 2;;
    --no-build) build=0; shift;;
    --out) out=$2; shift 2;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;;
    *) die "unknown option $1 (see --help)";;
  esac
done
if [ "$quick" = 1 ]; then
  : "${dur:=5}" "${steps:=3}" "${prefill_rate:=6000}"
  [ -n "$only" ] || only=",kam-a,sipreg-full,kam-b,sipreg-full-auth,"
else
  : "${dur:=10}" "${steps:=6}" "${prefill_rate:=5000}"
fi

# ------------------------------------------------------------------ prerequisites
[ -d "$shared" ] && [ -x "$shared/register-load.sh" ] || die "the shared load harness is missing: expected $shared/register-load.sh
  (../shared/bench beside this repository, with register-load.sh, sipp/, kamailio/run.sh; see its README.md)"
[ -x "$shared/kamailio/run.sh" ] || die "$shared/kamailio/run.sh missing"
missing=()
for c in sipp kamailio kamcmd taskset ss sqlite3 awk node; do command -v "$c" >/dev/null || missing+=("$c"); done
[ ${#missing[@]} -eq 0 ] || die "missing commands: ${missing[*]} (Debian: apt-get install kamailio sip-tester sqlite3 util-linux iproute2 gawk; Node >= 20)"
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (server on CPU 0, SIPp on CPU 1)"
for p in "$port" 5070; do
  if ss -Hlun "sport = :$p" | grep -q .; then die "UDP port $p is in use (another server or test run?)"; fi
done

# one benchmark at a time on this host (two would share the cores and the ports)
exec 9>"${TMPDIR:-/tmp}/registrar-bench.lock"
flock -n 9 || die "another registrar-bench.sh is running on this host (lock ${TMPDIR:-/tmp}/registrar-bench.lock)"

if [ "$build" = 1 ]; then (cd "$repo" && npm run build --silent) >&2 || die "npm run build failed"; fi
[ -f "$repo/dist/src/cli/main.js" ] || die "dist/src/cli/main.js missing (npm run build)"
# what is measured: HEAD and whether src/ differed from it, taken now (others may commit meanwhile)
sipreg_rev="$(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$repo" && [ -n "$(git status --porcelain -- src 2>/dev/null)" ] && echo " + uncommitted changes in src/" || true)"
[ "$build" = 1 ] || sipreg_rev="$sipreg_rev (--no-build: dist/ as found, may be older)"

stamp=$(date +%Y-%m-%d)
if [ -z "$out" ]; then
  mkdir -p "$bench/results"
  out="$bench/results/registrar-$stamp$([ "$quick" = 1 ] && echo -quick || true).md"
  [ -e "$out" ] && out="${out%.md}-$(date +%H%M%S).md"
fi
raw=$(mktemp -d "${TMPDIR:-/tmp}/registrar-bench.XXXXXX")
export SIPP="$bench/sipp-auth-uri-fix.sh"   # see that file: the harness's -auth_uri gets "sip:" twice
load="$shared/register-load.sh"; kam="$shared/kamailio/run.sh"
USERS=100000

# ------------------------------------------------------------------ server processes (ours only)
srv_pid=""; kam_dir=""
cleanup() {
  if [ -n "$srv_pid" ] && kill -0 "$srv_pid" 2>/dev/null; then kill -TERM "$srv_pid" 2>/dev/null || true; fi
  if [ -n "$kam_dir" ]; then "$kam" stop --port 5070 --dir "$kam_dir" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tree_pids() { local p=$1 c; echo "$p"; for c in $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v pp="$p" '$4==pp {print $1}'); do tree_pids "$c"; done; }
memkb() {  # PID -> "rss_kb pss_kb" summed over the process and its descendants
  local r=0 s=0 p v
  for p in $(tree_pids "$1"); do
    v=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null || true); r=$((r + ${v:-0}))
    v=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true); s=$((s + ${v:-0}))
  done
  echo "$r $s"
}
busy_pct() {  # CPU busy % of the whole host (all cores = 100) over $1 seconds, from /proc/stat
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat); sleep "$1"
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  echo "$a $b" | awk '{ d = $4 - $2; printf "%.0f\n", (d > 0 ? 100 * ($3 - $1) / d : 0) }'
}

start_sipreg() {  # NAME SYNC AUTH(0|1) ELD(0|1) [node flags...] -> sets srv_pid, data dir $raw/NAME/data
  local name=$1 sync=$2 auth=$3 eld=$4; shift 4
  local d="$raw/$name" entry="$repo/dist/src/cli/main.js" shim=()
  mkdir -p "$d/data"
  {
    echo "# registrar-bench: sipreg $name"
    echo "listen: [\"udp:127.0.0.1:$port\"]"
    echo "log_level: warn"
    echo "data_dir: ./data"
    echo "location:"
    echo "  synchronous: $sync"
    echo "auth:"
    if [ "$auth" = 1 ]; then
      # Users as in Kamailio's variant b: userNNNNNN / pw-userNNNNNN, realm = AOR domain (127.0.0.1),
      # from the subscriber table (100 000 users in auth.users YAML take ~7 s and ~550 MB of heap to load).
      echo "  subscriber_table: true"
      # Kamailio's bench config has no failure throttling; with sipreg's default (10 failures a minute
      # per source) a few failures would block the single SIPp source address for 5 minutes.
      echo "  throttle: { max_failures: 1000000000, window: 1, block: 1 }"
    else
      echo "  enabled: false"
    fi
  } > "$d/sipreg.yaml"
  if [ "$auth" = 1 ]; then
    node "$bench/import-subscribers.mjs" "$d/data/sipreg.db" "$USERS" 127.0.0.1 2>>"$d/server.log" || die "subscriber import failed ($d/server.log)"
    [ "$nonce_shim" = 1 ] && shim+=(SIPREG_SHIM_NONCE_SALT=1)
  fi
  [ "$sipreg_rcvbuf" -gt 0 ] && shim+=(SIPREG_SHIM_RCVBUF="$sipreg_rcvbuf")
  [ "$eld" = 1 ] && shim+=(SIPREG_SHIM_ELD=1)
  [ ${#shim[@]} -gt 0 ] && entry="$bench/sipreg-bench-shim.mjs"
  ( exec 9>&-; cd "$d" && exec env "${shim[@]}" taskset -c 0 node "$@" "$entry" serve --config "$d/sipreg.yaml" ) >>"$d/server.log" 2>&1 < /dev/null &
  srv_pid=$!
  local i
  for i in $(seq 1 150); do
    kill -0 "$srv_pid" 2>/dev/null || { tail -20 "$d/server.log" >&2; die "sipreg ($name) exited at start"; }
    ss -Hlun "sport = :$port" | grep -q . && return 0
    sleep 0.1
  done
  die "sipreg ($name) did not open udp:127.0.0.1:$port within 15 s"
}
stop_sipreg() {
  [ -n "$srv_pid" ] || return 0
  kill -TERM "$srv_pid" 2>/dev/null || true
  local i; for i in $(seq 1 150); do kill -0 "$srv_pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$srv_pid" 2>/dev/null; then log "sipreg pid $srv_pid did not stop in 30 s; killing it"; kill -KILL "$srv_pid" 2>/dev/null || true; fi
  wait "$srv_pid" 2>/dev/null || true
  srv_pid=""
}
start_kam() {  # NAME VARIANT -> sets srv_pid, kam_dir
  kam_dir="$raw/$1/kam"; mkdir -p "$kam_dir"
  srv_pid=$("$kam" start "$2" --fresh --port 5070 --cpus 0 --children "$kam_children" --dir "$kam_dir" 2>>"$raw/$1/server.log" 9>&-) \
    || die "kamailio ($1) did not start (see $kam_dir/kamailio.log)"
}
stop_kam() { "$kam" stop --port 5070 --dir "$kam_dir" >/dev/null 2>&1 || true; srv_pid=""; kam_dir=""; }
bindings() {  # NAME KIND -> number of bindings the server holds
  case "$2" in
    sipreg) sqlite3 "$raw/$1/data/sipreg.db" "select count(*) from location where expires > 0" 2>/dev/null || echo "?";;
    kam) "$kam" rpc --port 5070 --dir "$kam_dir" stats.get_statistics usrloc: 2>/dev/null |
           awk -F' = ' '$1 == "usrloc:location_contacts" { n = $2 } END { print (n == "" ? "?" : n) }';;
  esac
}

# ------------------------------------------------------------------ one harness run per rate
# run_rate NAME AUTH RATE [extra harness args] -> prints the verdict, appends rows to $raw/NAME/rows.tsv
run_rate() {
  local name=$1 auth=$2 rate=$3; shift 3
  local d="$raw/$name" n a=()
  n=$(ls -d "$d"/run*/ 2>/dev/null | wc -l)
  [ "$auth" = 1 ] && a=(--auth)
  timeout 600 "$load" 127.0.0.1:"$cur_port" "${a[@]}" --users "$USERS" --duration "$dur" --rates "$rate" \
      --server-pid "$srv_pid" --label "$name" --out "$d/run$n" "$@" >"$d/run$n.log" 2>&1 || true
  if [ "$(wc -l < "$d/run$n/results.tsv" 2>/dev/null || echo 0)" -lt 2 ]; then
    # the harness stopped before writing a row (SIPp could not start, a /proc read failed, ...)
    { echo "$name: register-load.sh wrote no result row for rate '${rate:-prefill}'; end of $d/run$n.log:"; tail -5 "$d/run$n.log"; } >&2
    echo "harness run $n (rate ${rate:-prefill}) wrote no row: see $d/run$n.log" >> "$d/errors"
    echo "ERROR(harness)"; return 0
  fi
  [ -s "$d/rows.tsv" ] || head -1 "$d/run$n/results.tsv" > "$d/rows.tsv"
  tail -n +2 "$d/run$n/results.tsv" >> "$d/rows.tsv"
  awk -F'\t' -v r="$rate" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
       $c["step"] == "sweep" && $c["rate"] == r { v = $c["verdict"] } END { print (v == "" ? "FAIL(no-row)" : v) }' "$d/run$n/results.tsv"
}
round250() { awk -v x="$1" 'BEGIN { r = int(x / 250 + 0.5) * 250; print (r < 250 ? 250 : r) }'; }
# search NAME AUTH START: doubling then bisection; writes "max_ok capped" to $raw/NAME/max
search() {
  local name=$1 auth=$2 r=$3 i ok=0 fail=0 v next capped=0
  for i in $(seq 1 "$steps"); do
    kill -0 "$srv_pid" 2>/dev/null || { log "$name: server died"; break; }
    v=$(run_rate "$name" "$auth" "$r")
    log "$name: rate $r -> $v"
    [ "$v" = "ERROR(harness)" ] && break
    if [ "$v" = ok ]; then
      [ "$r" -gt "$ok" ] && ok=$r
      if [ "$fail" = 0 ]; then
        [ "$r" -ge "$max_rate" ] && { capped=1; break; }
        next=$((r * 2)); [ "$next" -gt "$max_rate" ] && next=$max_rate
      else next=$(round250 $(( (ok + fail) / 2 ))); fi
    else
      if [ "$fail" = 0 ] || [ "$r" -lt "$fail" ]; then fail=$r; fi
      if [ "$ok" = 0 ]; then next=$(round250 $((r / 2))); [ "$r" -le 250 ] && break
      else next=$(round250 $(( (ok + fail) / 2 ))); fi
    fi
    if [ "$ok" -gt 0 ] && [ "$fail" -gt 0 ]; then
      # close enough: the gap is within ~6 % (run-to-run noise is ~10 %)
      [ $((fail - ok)) -le $(( ok * 6 / 100 > 250 ? ok * 6 / 100 : 250 )) ] && break
    fi
    [ "$next" = "$r" ] && break
    r=$next
    sleep 1
  done
  echo "$ok $capped $fail" > "$raw/$name/max"
}

# ------------------------------------------------------------------ one configuration
declare -A KIND AUTH SYNC START DESC
KIND=([kam-a]=kam [kam-b]=kam [sipreg-full]=sipreg [sipreg-normal]=sipreg [sipreg-full-auth]=sipreg [sipreg-normal-auth]=sipreg)
AUTH=([kam-a]=0 [kam-b]=1 [sipreg-full]=0 [sipreg-normal]=0 [sipreg-full-auth]=1 [sipreg-normal-auth]=1)
SYNC=([sipreg-full]=full [sipreg-normal]=normal [sipreg-full-auth]=full [sipreg-normal-auth]=normal)
START=([kam-a]=16000 [kam-b]=8000 [sipreg-full]=5000 [sipreg-normal]=5000 [sipreg-full-auth]=3000 [sipreg-normal-auth]=3000)
DESC=([kam-a]="Kamailio 5.6 variant a, $kam_children worker(s), usrloc in memory"
      [kam-b]="Kamailio 5.6 variant b, $kam_children worker(s), usrloc in memory"
      [sipreg-full]="sipreg, SQLite synchronous=full (durable, default)"
      [sipreg-normal]="sipreg, SQLite synchronous=normal"
      [sipreg-full-auth]="sipreg, SQLite synchronous=full (durable, default)"
      [sipreg-normal-auth]="sipreg, SQLite synchronous=normal")
ORDER=(kam-a sipreg-full sipreg-normal kam-b sipreg-full-auth sipreg-normal-auth)
want() { [ -z "$only" ] || [[ "$only" == *",$1,"* ]]; }

run_config() {
  local name=$1 kind=${KIND[$1]} auth=${AUTH[$1]} t0 m0 m1 b v
  t0=$(date +%s)
  mkdir -p "$raw/$name"
  log "=== $name: ${DESC[$name]}, auth=$auth"
  if [ "$kind" = kam ]; then
    cur_port=5070; start_kam "$name" "$([ "$auth" = 1 ] && echo b || echo a)"
  else
    cur_port=$port; start_sipreg "$name" "${SYNC[$name]}" "$auth" 0
  fi
  sleep 2
  m0=$(memkb "$srv_pid")
  # 100 000 distinct AORs, registered once each (harness prefill, no sweep step)
  v=$(run_rate "$name" "$auth" "" --prefill "$prefill_rate")
  sleep 3
  m1=$(memkb "$srv_pid"); b=$(bindings "$name" "$kind"); b=${b:-?}
  echo "$m0 $m1 $b" > "$raw/$name/mem"
  log "$name: idle RSS/PSS kB $m0; after prefill $m1; bindings $b"
  search "$name" "$auth" "${START[$name]}"
  if [ "$kind" = kam ]; then stop_kam; else stop_sipreg; fi
  echo $(( $(date +%s) - t0 )) > "$raw/$name/seconds"
  sleep 2
}

# ------------------------------------------------------------------ machine load
la0=$(cut -d' ' -f1-3 /proc/loadavg); busy0=$(busy_pct 3); waited=0
if [ "$wait_idle" -gt 0 ]; then
  while [ "$busy0" -gt 10 ] && [ "$waited" -lt "$wait_idle" ]; do
    log "machine busy (${busy0} % of 2 cores, load $(cut -d' ' -f1-3 /proc/loadavg)); waiting for it to go idle ($waited/$wait_idle s)"
    sleep 20; waited=$((waited + 23)); busy0=$(busy_pct 3)
  done
fi
la1=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -Is)
log "start $started; host busy ${busy0} % (load $la1); raw files in $raw"

for name in "${ORDER[@]}"; do want "$name" && run_config "$name"; done

# ------------------------------------------------------------------ profiles
prof_md="$raw/profiles.md"; : > "$prof_md"
profile_one() {  # NAME SYNC AUTH BASE_CONFIG (the configuration whose max sets the rate)
  local name=$1 sync=$2 auth=$3 base=$4 r d mx
  d="$raw/$name"; mkdir -p "$d/prof"
  r=$profile_rate
  if [ -z "$r" ]; then
    mx=$(awk '{print $1}' "$raw/$base/max" 2>/dev/null || echo 0)
    if [ "${mx:-0}" -gt 0 ]; then r=$(round250 $((mx * 6 / 10))); else r=3000; fi
  fi
  log "=== $name: CPU profile of sipreg ($sync, auth=$auth) at $r/s for ${dur} s"
  cur_port=$port; start_sipreg "$name" "$sync" "$auth" 1 --cpu-prof --cpu-prof-dir "$d/prof"
  sleep 1
  # 20 000 AORs: the prefill creates them, the fixed-rate step refreshes them (steady state)
  local a=(); [ "$auth" = 1 ] && a=(--auth)
  timeout 300 "$load" 127.0.0.1:"$port" "${a[@]}" --users 20000 --prefill "$r" --duration "$dur" --rates "$r" \
      --server-pid "$srv_pid" --label "$name" --out "$d/run0" >"$d/run0.log" 2>&1 || true
  stop_sipreg
  local f files; files=$(ls "$d"/prof/*.cpuprofile 2>/dev/null | sort -t. -k4,4n || true)
  {
    echo; echo "## CPU profile: sipreg synchronous=$sync, $([ "$auth" = 1 ] && echo "digest auth$([ "$nonce_shim" = 1 ] && echo ' (+nonce-shim)')" || echo "no auth"), $r registrations/s"
    echo
    echo "Harness rows (prefill creates 20 000 AORs, then ${dur} s of refreshes at the same rate):"
    echo; echo '```'; column -t -s $'\t' "$d/run0/results.tsv" 2>/dev/null | cut -c1-250 || echo "(no results)"; echo '```'
    if grep -q 'event-loop delay' "$d/server.log"; then
      echo; echo "Event-loop delay of the server (perf_hooks, 5 s windows: prefill, then the fixed-rate step):"
      echo; echo '```'; grep 'event-loop delay' "$d/server.log" | sed 's/^sipreg-bench-shim: //'; echo '```'
    fi
    # one file per thread: CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, thread 0 = main
    for f in $files; do
      local th; th=$(basename "$f" | awk -F. '{ print $5 }')
      echo; echo "### Thread $th ($([ "$th" = 0 ] && echo "main thread: SIP, registrar, auth" || echo "worker thread, e.g. the location writer"))"
      echo; echo "File: \`$f\` (open in Chrome DevTools or speedscope). A V8 profile samples wall time per thread: time blocked in a native call (an fsync inside better-sqlite3) counts as that call's self time."
      echo
      node "$bench/cpuprofile-summary.mjs" "$f" --top "$([ "$th" = 0 ] && echo 25 || echo 10)" --root "$repo" | sed 's/^### /#### /'
    done
    [ -n "$files" ] || { echo; echo "(no .cpuprofile written: see $d/server.log)"; }
  } >> "$prof_md"
}
if [ "$profile" = 1 ]; then
  profile_one prof-noauth full 0 sipreg-full
  [ "$quick" = 1 ] || profile_one prof-auth full 1 sipreg-full-auth
fi

# ------------------------------------------------------------------ report
# summary line per configuration (tab-separated):
# name max capped first_fail p50 p99 cpu us_per_reg note rss0 pss0 rss1 pss1 bindings prefill_verdict others_max secs
summary() {
  local name=$1 mx capped ff m0r m0p m1r m1p b
  read -r mx capped ff < "$raw/$name/max" || { mx=0; capped=0; ff=0; }
  read -r m0r m0p m1r m1p b < "$raw/$name/mem" || { m0r=0; m0p=0; m1r=0; m1p=0; b="?"; }
  awk -F'\t' -v n="$name" -v mx="$mx" -v capped="$capped" -v ff="$ff" -v m0r="$m0r" -v m0p="$m0p" -v m1r="$m1r" -v m1p="$m1p" \
      -v b="$b" -v secs="$(cat "$raw/$name/seconds" 2>/dev/null || echo 0)" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { o = $c["other_cpu_pct"] + 0; if (o > omax) omax = o }
    $c["step"] == "prefill" { pv = $c["verdict"]; pok = $c["ok"]; pfail = $c["failed"] }
    $c["step"] == "sweep" && $c["rate"] == ff && $c["verdict"] != "ok" && $c["note"] ~ /sipp-sat/ { gen = 1 }
    $c["step"] == "sweep" && $c["rate"] == mx && $c["verdict"] == "ok" {
      p50 = $c["p50_ms"]; p99 = $c["p99_ms"]; cpu = $c["srv_cpu_pct"]; note = $c["note"] }
    END {
      us = (mx > 0 && cpu != "") ? sprintf("%.0f", cpu * 10000 / mx) : "-"
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%s\t%s\t%s\n", n, mx, (capped || gen) ? 1 : 0, ff, \
        (p50 == "" ? "-" : p50), (p99 == "" ? "-" : p99), (cpu == "" ? "-" : cpu), us, (note == "" ? "-" : note),
        m0r / 1024, m0p / 1024, m1r / 1024, m1p / 1024, (b == "" ? "?" : b), (pv == "" ? "-" : pv " (" pok " ok, " pfail " failed)"), omax + 0, secs }' \
    "$raw/$name/rows.tsv" 2>/dev/null || printf '%s\t0\t0\t0\t-\t-\t-\t-\t-\t0\t0\t0\t0\t?\t-\t0\t0\n' "$name"
}
: > "$raw/summary.tsv"
for name in "${ORDER[@]}"; do [ -f "$raw/$name/max" ] && summary "$name" >> "$raw/summary.tsv"; done

{
  echo "# sipreg vs Kamailio 5.6 — UDP REGISTER on one core ($(date -Is))"
  echo
  echo "\`bench/registrar-bench.sh${argv_text:+ $argv_text}\` (npm run bench:registrar)."
  echo "Host: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(uname -r), node $(node -v), Kamailio $(kamailio -v 2>/dev/null | head -1 | awk '{print $3}'), $(sipp -v 2>/dev/null | grep -o 'v[0-9][^ ,]*' | head -1 | sed 's/^/SIPp /')."
  echo "sipreg: $sipreg_rev, as built at the start of the run."
  echo "Servers pinned to CPU 0, SIPp to CPU 1, one server at a time. Kamailio: ${kam_children} UDP worker(s)."
  echo "Machine load at the start: ${busy0} % of both cores busy (load average $la1$([ "$waited" -gt 0 ] && echo ", after waiting ${waited} s for it to go idle")); 'others %' below = the highest CPU share (100 = one core) any other process on the host used during a step."
  echo "Steps: ${dur} s each, up to ${steps} per configuration (doubling, then bisection; one harness run per rate); prefill of ${USERS} AORs at ${prefill_rate}/s."
  echo
  echo "A rate is registrations per second (SIPp calls); with auth each is two REGISTERs (401 + 200). 'max ok' = the highest rate the harness passed: < 0.1 % failed, no unexpected reply, >= 97 % of the offered rate completed, < 1 % retransmissions, p99 < 200 ms. p50/p99 (ms, SIPp clock ticks ~4 ms: 0 = under one tick), CPU (% of one core) and CPU µs per registration are those of the max ok step. Memory: RSS / PSS summed over the server's processes, idle and after ${USERS} distinct AORs were registered; 'bindings' = what the server reports holding."
  echo
  echo "| config | server | auth | durability | max ok reg/s | p50 ms | p99 ms | CPU % | CPU µs/reg | RSS MB idle | RSS MB 100k | PSS MB 100k | bindings | prefill | others % | note |"
  echo "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |"
  while IFS=$'\t' read -r n mx capped ff p50 p99 cpu us note r0 p0 r1 p1 b pv omax secs; do
    local_auth=$([ "${AUTH[$n]}" = 1 ] && echo "digest MD5" || echo none)
    case "$n" in kam-*) srv="Kamailio 5.6"; dura="memory";; *) srv="sipreg"; dura="SQLite ${SYNC[$n]}";; esac
    [ "${AUTH[$n]}" = 1 ] && [ "$nonce_shim" = 1 ] && [ "${KIND[$n]}" = sipreg ] && srv="$srv +nonce-shim"
    [ "$sipreg_rcvbuf" -gt 0 ] && [ "${KIND[$n]}" = sipreg ] && srv="$srv +rcvbuf $sipreg_rcvbuf"
    [ -s "$raw/$n/errors" ] && note="$note; harness error: $(head -1 "$raw/$n/errors")"
    shown=$mx; [ "$capped" = 1 ] && shown=">= $mx"; case "$note" in *sipp-sat*) shown=">= $mx";; esac
    [ "$mx" = 0 ] && shown="none passed (lowest tried ${ff})"
    echo "| $n | $srv | $local_auth | $dura | $shown | $p50 | $p99 | $cpu | $us | $r0 | $r1 | $p1 | $b | $pv | $omax | $note |"
  done < "$raw/summary.tsv"
  echo
  echo "### Ratios sipreg / Kamailio (same auth; > 1 = sipreg higher)"
  echo
  echo "| line | max ok reg/s | p50 | p99 | CPU µs/reg | RSS 100k | PSS 100k |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' '
    function ratio(a, b) { return (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b + 0 > 0) ? sprintf("%.2f", a / b) : "-" }
    { mx[$1] = $2; p50[$1] = $5; p99[$1] = $6; us[$1] = $8; rss[$1] = $12; pss[$1] = $13; have[$1] = 1 }
    END {
      split("sipreg-full:kam-a sipreg-normal:kam-a sipreg-full-auth:kam-b sipreg-normal-auth:kam-b", pairs, " ")
      for (i = 1; i <= 4; i++) { split(pairs[i], p, ":"); s = p[1]; k = p[2]
        if (!(s in have) || !(k in have)) continue
        printf "| %s / %s | %s | %s | %s | %s | %s | %s |\n", s, k, ratio(mx[s], mx[k]), ratio(p50[s], p50[k]), ratio(p99[s], p99[k]),
          ratio(us[s], us[k]), ratio(rss[s], rss[k]), ratio(pss[s], pss[k]) } }' "$raw/summary.tsv"
  echo
  echo "(Absolute figures move by about ±10 % from run to run. A rate marked '>=' was limited by the load generator (SIPp saturated at the next step, or the --max-rate cap), not by the server.$([ "$nonce_shim" = 1 ] || [ "$sipreg_rcvbuf" -gt 0 ] && echo " '+nonce-shim' / '+rcvbuf': sipreg run through bench/sipreg-bench-shim.mjs, see that file."))"
  echo
  echo "## Every step"
  for name in "${ORDER[@]}"; do
    [ -s "$raw/$name/rows.tsv" ] || continue
    echo; echo "### $name — ${DESC[$name]}$([ "${AUTH[$name]}" = 1 ] && echo ", digest auth") ($(cat "$raw/$name/seconds" 2>/dev/null || echo ?) s)"; echo
    echo '```'
    awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
      { printf "%-8s %6s %6s %7s %8s %7s %7s %8s %7s %7s %5s %5s %5s %6s %6s %-16s %s\n", $c["step"], $c["rate"], $c["ok_s"], $c["failed"], $c["unexpected"],
        $c["retrans"], $c["p50_ms"], $c["p99_ms"], $c["max_ms"], $c["srv_cpu_pct"], $c["srv_rss_mb"], $c["srv_pss_mb"], $c["srv_procs"],
        $c["sipp_cpu_pct"], $c["other_cpu_pct"], $c["verdict"], $c["note"] }' "$raw/$name/rows.tsv"
    echo '```'
  done
  cat "$prof_md"
  echo
  echo "Raw files (SIPp output per step, server logs, profiles): \`$raw\`"
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
log "report: $out"
