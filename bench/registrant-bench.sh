#!/usr/bin/env bash
# registrant-bench.sh [--quick] [options]   (npm run bench:registrant [-- options])
#
# sipreg's registrant keeping N accounts registered (digest MD5, loopback UDP), side by side with
# Kamailio 5.6's registrant (the uac module), the one to beat. For each N of --n, one after the other:
#
#   run   registrant                                     registrar
#   a     sipreg (bench-registrant.js), CPU 1            sipreg's Registrar in a child process, CPU 0
#   b     sipreg (bench-registrant.js), CPU 1            Kamailio 5.6 bench registrar, variant b (run.sh start b), CPU 0
#   c     Kamailio 5.6 uac (../shared/bench/registrant/  the same Kamailio registrar (the script starts it)
#         registrant-scale.sh -n N -e E -d D), CPU 1
#
# Accounts user000001..userN, password pw-<user>; with Kamailio the AOR domain (= realm) is 127.0.0.1.
# Every run lasts D seconds from the registrant's start. Figures of a and b come from the registrant's
# own view (bench-registrant.js: registered = first 2xx of each account) and, for b, from the registrar
# as well; c is measured by registrant-scale.sh at the registrar. b and c are also sampled the same way
# at the registrar (usrloc:location_contacts and rcv_requests_register once a second), so the "at the
# Kamailio registrar" table compares the two registrants on one yardstick.
#
# Options
#   --n N[,N...]             account counts (default 10000)
#   --expires S              requested expiry (default 120; the Kamailio registrar's min_expires is 60)
#   --duration S             run length from the registrant's start (default 330, registrant-scale.sh's)
#   --rate R                 sipreg maxRegistersPerSecond (default 5000)
#   --initial-delay S        sipreg maxRandomInitialDelaySec (default 5)
#   --no-preemptive-auth     sipreg preemptiveAuth off (default on: a refresh carries the credentials of
#                            the last challenge; Kamailio uac waits for the challenge every time)
#   --with-kamailio-uac      run c for every N (default: only N <= 10000: at 100 000 it needs > 1 GB
#   --no-kamailio-uac        and minutes); --no-kamailio-uac: never
#   --only a,b,c             runs to do (default a,b,c)
#   --quick                  smoke test, ~2-3 min: N=1000, duration 30 s, --wait-idle 20, no re-runs
#   --disturbed-pct P        a run during which other processes used more than P % of a core is run
#                            once more and the less disturbed of the two is reported (default 25; 0 = off)
#   --wait-idle S            first wait up to S s for the host to be idle (< 15 % busy) (default 180)
#   --no-build               do not run `npm run build`
#   --out FILE               report (default bench/results/registrant-DATE[-quick].md)
#
# Uncontrolled: the load other users put on the host. It is measured (host busy minus our processes,
# per run, and the load average) and printed with every run.
# For N > 10000 without c, Kamailio uac's figures at 100 000 accounts are quoted from
# ../shared/bench/RESULTS.md and marked so.
# Loopback only; ports 5070 and 5071 must be free; every step has a timeout; our processes are
# stopped by PID on exit. Needs: node >= 20, kamailio, kamcmd, sqlite3, taskset, ss, flock, awk.
# Environment: SIPREG_SHARED_BENCH (default ../shared/bench beside the repository), SIPREG_BENCH_REV
# (what to call the measured sipreg in the report; default: git HEAD and whether src/ differs).
set -uo pipefail
argv_text="$*"
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SIPREG_SHARED_BENCH:-$(cd "$repo/.." && pwd)/shared/bench}
kam="$shared/kamailio/run.sh"
scale="$shared/registrant/registrant-scale.sh"
benchjs="$repo/dist/src/registrant/bench-registrant.js"

die() { echo "registrant-bench: $*" >&2; exit 1; }
log() { echo "[$(date +%T)] registrant-bench: $*" >&2; }

ns="10000"; E=120; D=330; rate=5000; idelay=5; uac="auto"; only="a,b,c"; quick=0; dist_pct=25
wait_idle=180; build=1; out=""; preempt=1
while [ $# -gt 0 ]; do
  case "$1" in
    --n) ns=$2; shift 2;;
    --expires) E=$2; shift 2;;
    --duration) D=$2; shift 2;;
    --rate) rate=$2; shift 2;;
    --initial-delay) idelay=$2; shift 2;;
    --no-preemptive-auth) preempt=0; shift;;
    --with-kamailio-uac) uac=yes; shift;;
    --no-kamailio-uac) uac=no; shift;;
    --only) only=$2; shift 2;;
    --quick) quick=1; shift;;
    --disturbed-pct) dist_pct=$2; shift 2;;
    --wait-idle) wait_idle=$2; shift 2;;
    --no-build) build=0; shift;;
    --out) out=$2; shift 2;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;;
    *) die "unknown option $1 (see --help)";;
  esac
done
if [ "$quick" = 1 ]; then
  case " $argv_text " in *" --n "*) ;; *) ns=1000;; esac
  case " $argv_text " in *" --duration "*) ;; *) D=30;; esac
  case " $argv_text " in *" --wait-idle "*) ;; *) wait_idle=20;; esac
  case " $argv_text " in *" --disturbed-pct "*) ;; *) dist_pct=0;; esac
fi
for v in E D rate idelay dist_pct wait_idle; do [[ "${!v}" =~ ^[0-9]+$ ]] || die "--${v} must be a non-negative integer (got '${!v}')"; done
[[ "$ns" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--n must be N[,N...] (got '$ns')"
[ "$D" -ge 10 ] && [ "$D" -le 590 ] || die "--duration must be 10..590 s (registrant-scale.sh's range)"
[ "$E" -ge 60 ] || die "--expires must be >= 60 (the Kamailio registrar's min_expires)"
want() { [[ ",$only," == *",$1,"* ]]; }

# ------------------------------------------------------------------ prerequisites
[ -x "$kam" ] || die "$kam missing (../shared/bench beside this repository)"
[ -x "$scale" ] || die "$scale missing"
missing=()
for c in node kamailio kamcmd sqlite3 taskset ss flock awk timeout; do command -v "$c" >/dev/null || missing+=("$c"); done
[ ${#missing[@]} -eq 0 ] || die "missing commands: ${missing[*]}"
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (registrar on CPU 0, registrant on CPU 1)"
for p in 5070 5071; do ss -Hlun "sport = :$p" | grep -q . && die "UDP port $p is in use (another Kamailio or bench?)"; done
# one benchmark at a time: registrar-bench.sh uses the same port and cores, so its lock is taken too
exec 8>"${TMPDIR:-/tmp}/registrant-bench.lock"
flock -n 8 || die "another registrant-bench.sh is running"
exec 9>"${TMPDIR:-/tmp}/registrar-bench.lock"
flock -w 600 9 || die "registrar-bench.sh holds its lock for more than 10 min"

if [ "$build" = 1 ]; then (cd "$repo" && npm run build --silent) >&2 || die "npm run build failed"; fi
[ -f "$benchjs" ] || die "$benchjs missing (npm run build)"
sipreg_rev=${SIPREG_BENCH_REV:-}
[ -n "$sipreg_rev" ] || sipreg_rev="$(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$repo" && [ -n "$(git status --porcelain -- src 2>/dev/null)" ] && echo " + uncommitted changes in src/" || true)"

stamp=$(date +%Y-%m-%d)
if [ -z "$out" ]; then
  mkdir -p "$repo/bench/results"
  out="$repo/bench/results/registrant-$stamp$([ "$quick" = 1 ] && echo -quick || true).md"
  [ -e "$out" ] && out="${out%.md}-$(date +%H%M%S).md"
fi
raw=$(mktemp -d "${TMPDIR:-/tmp}/registrant-bench.XXXXXX")
log "raw files in $raw"

# ------------------------------------------------------------------ our processes, stopped by PID
bench_pid=""; sampler_pid=""; scale_pid=""; kam_dir=""
cleanup() {
  for p in $sampler_pid $bench_pid $scale_pid; do kill -TERM "$p" 2>/dev/null; done
  for p in $bench_pid $scale_pid; do
    for _ in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$p" 2>/dev/null
  done
  [ -n "$kam_dir" ] && "$kam" stop --port 5070 --dir "$kam_dir" >/dev/null 2>&1
  return 0
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

host_busy() {  # % of the whole host (2 cores = 100) busy over $1 s
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat); sleep "$1"
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  echo "$a $b" | awk '{ d = $4 - $2; printf "%.0f\n", (d > 0 ? 100 * ($3 - $1) / d : 0) }'
}
wait_for_idle() {  # up to $wait_idle s for < 15 % busy over 5 s; prints the seconds waited
  local waited=0 b
  while :; do
    b=$(host_busy 5)
    if [ "$b" -lt 15 ] || [ "$waited" -ge "$wait_idle" ]; then echo "$waited $b"; return; fi
    [ "$waited" = 0 ] && log "host busy ${b} % (others' tests?): waiting up to ${wait_idle} s for it to be idle"
    waited=$((waited + 5))
  done
}
kv() { awk -F= -v k="$2" '$1 == k { sub(/^[^=]*=/, ""); v = $0 } END { print (v == "" ? "NA" : v) }' "$1" 2>/dev/null || echo NA; }

# registrar-side sampler for run b: "epoch rcv_register accepted contacts cpu_ticks drops" once a second
tree_pids() { local p=$1 c; echo "$p"; for c in $(awk -v pp="$p" '$4==pp {print $1}' /proc/[0-9]*/stat 2>/dev/null); do tree_pids "$c"; done; }
kam_sampler() {  # KAMDIR PID OUT MAXSEC
  local kd=$1 pids out=$3 end=$((SECONDS + $4)) i=0 start=${EPOCHREALTIME/./} now w ts v ticks drops
  pids=$(tree_pids "$2" | tr '\n' ' ')
  while [ "$SECONDS" -lt "$end" ]; do
    i=$((i + 1)); now=${EPOCHREALTIME/./}; w=$((start + i * 1000000 - now))
    [ "$w" -gt 0 ] && sleep "$(printf '%d.%06d' $((w / 1000000)) $((w % 1000000)))"
    ts=$EPOCHREALTIME
    v=$(timeout 5 "$kam" rpc --port 5070 --dir "$kd" stats.get_statistics rcv_requests_register usrloc: registrar: 2>/dev/null |
        awk -F' = ' '{ v[$1] = $2 } END { printf "%d %d %d", v["core:rcv_requests_register"], v["registrar:accepted_regs"], v["usrloc:location_contacts"] }')
    # shellcheck disable=SC2086
    ticks=$(awk '{ t += $14 + $15 } END { print t + 0 }' $(printf '/proc/%s/stat ' $pids) 2>/dev/null)
    drops=$(awk '$2 == "0100007F:13CE" { d += $NF } END { print d + 0 }' /proc/net/udp)
    echo "$ts $v $ticks $drops" >> "$out"
  done
}
# the same figures from either sampler: registrar-side view of one run
# input lines "epoch rcv accepted contacts ticks drops"; T0 (epoch s), D, N
registrar_view() {  # FILE T0 D N -> key=value lines
  awk -v T0="$2" -v D="$3" -v N="$4" '
    function ceil(x) { return (x == int(x)) ? x : int(x) + 1 }
    { t = $1 - T0; if (t < -0.5 || t > D + 0.5) next; n++; tt[n] = t; r[n] = $2; a[n] = $3; c[n] = $4; k[n] = $5; dr[n] = $6 }
    END {
      if (n < 2) { print "reg_samples=" n; exit }
      r[0] = 0; for (i = 1; i <= n; i++) d[i] = r[i] - r[i-1]
      h50 = ceil(0.5 * N); h99 = ceil(0.99 * N)
      for (i = 1; i <= n; i++) {
        if (tf == "" && r[i] > 0) tf = tt[i]
        if (t50 == "" && c[i] >= h50) t50 = tt[i]
        if (t99 == "" && c[i] >= h99) t99 = tt[i]
        if (t100 == "" && c[i] >= N) { t100 = tt[i]; i100 = i }
        if (d[i] > pk) pk = d[i]
      }
      if (i100 == "") { for (w0 = 1; w0 <= n && r[w0] == 0; w0++); } else w0 = i100 + 1
      wl = 0; ws = 0
      for (i = w0; i <= n; i++) { wl++; ws += d[i]; if (d[i] > wmax) wmax = d[i] }
      mean = (wl > 0) ? ws / wl : 0
      for (i = w0; i <= n; i++) { if (d[i] == 0) idle++; if (d[i] > 2 * mean) { over++; so += d[i] } }
      printf "reg_samples=%d\nreg_first_register_s=%s\n", n, (tf == "" ? "NA" : sprintf("%.1f", tf))
      printf "reg_t50_s=%s\nreg_t99_s=%s\nreg_t100_s=%s\n", (t50 == "" ? "NA" : sprintf("%.1f", t50)), (t99 == "" ? "NA" : sprintf("%.1f", t99)), (t100 == "" ? "NA" : sprintf("%.1f", t100))
      if (t100 != "" && t100 > 0) printf "reg_startup_per_s=%.0f\n", r[i100] / t100
      printf "reg_peak_per_s=%d\nreg_registers=%d\nreg_accepted=%d\nreg_contacts_end=%d\n", pk, r[n], a[n], c[n]
      printf "reg_steady_s=%d\nreg_steady_mean=%.1f\nreg_steady_max=%d\nreg_steady_peak_over_mean=%s\n", wl, mean, wmax, (mean > 0 ? sprintf("%.2f", wmax / mean) : "NA")
      printf "reg_steady_idle_s=%d\nreg_steady_over2x_s=%d\nreg_steady_share_over2x_pct=%.0f\n", idle, over, (ws > 0 ? 100 * so / ws : 0)
      printf "reg_cpu_s=%.2f\nreg_drops=%d\n", (k[n] - k[1]) / 100, dr[n]
    }' "$1"
}

# ------------------------------------------------------------------ the runs
# run_sipreg TAG N MODE(a|b) -> $raw/TAG/kv
run_sipreg() {
  local tag=$1 n=$2 mode=$3 d="$raw/$1" args=() rc
  mkdir -p "$d"
  args=(--n "$n" --rate "$rate" --expires "$E" --duration "$D" --initial-delay "$idelay" --samples "$d/samples.tsv")
  [ "$preempt" = 1 ] || args+=(--no-preemptive-auth)
  local kpid=""
  if [ "$mode" = a ]; then
    args+=(--registrar-cpu 0 --domain example.com)
  else
    kam_dir="$d/kam"
    kpid=$("$kam" start b --fresh --port 5070 --cpus 0 --children 4 --dir "$kam_dir" 2>>"$d/registrar.log" 8>&- 9>&-) || die "kamailio (run $tag) did not start (see $kam_dir/kamailio.log)"
    args+=(--registrar-addr 127.0.0.1:5070 --domain 127.0.0.1 --user-format 'user%06d' --registrar-pid "$kpid"
           --verify-rpc "$kam rpc --port 5070 --dir $kam_dir")
    kam_sampler "$kam_dir" "$kpid" "$d/registrar-samples.txt" $((D + 900)) 8>&- 9>&- &
    sampler_pid=$!
  fi
  log "run $tag: sipreg registrant -> $([ "$mode" = a ] && echo "sipreg registrar" || echo "Kamailio registrar (pid $kpid)"), N=$n, $D s"
  ( exec 8>&- 9>&-; exec timeout --kill-after=30 $((D + 900)) taskset -c 1 node --expose-gc "$benchjs" "${args[@]}" ) > "$d/out.txt" 2>&1 &
  bench_pid=$!
  wait "$bench_pid"; rc=$?; bench_pid=""
  [ "$rc" = 0 ] || { log "run $tag: bench-registrant exited with $rc; end of $d/out.txt:"; tail -5 "$d/out.txt" >&2; }
  grep '^bench\.' "$d/out.txt" | sed 's/^bench\.//' > "$d/kv"
  echo "rc=$rc" >> "$d/kv"
  if [ "$mode" = b ]; then
    kill -TERM "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null; sampler_pid=""
    "$kam" stop --port 5070 --dir "$kam_dir" >/dev/null 2>&1; kam_dir=""
    local t0; t0=$(kv "$d/kv" t0_epoch_ms)
    [ "$t0" != NA ] && registrar_view "$d/registrar-samples.txt" "$(awk -v x="$t0" 'BEGIN { printf "%.3f", x / 1000 }')" "$D" "$n" >> "$d/kv"
  fi
}

# run_uac TAG N -> $raw/TAG/kv
run_uac() {
  local tag=$1 n=$2 d="$raw/$1" rc
  mkdir -p "$d"
  log "run $tag: Kamailio uac registrant -> Kamailio registrar, N=$n, $D s"
  # host ticks once a second, to take the others' load over the same window as the script's samples
  ( exec 8>&- 9>&-; end=$((SECONDS + D + 900)); while [ "$SECONDS" -lt "$end" ]; do
      echo "$EPOCHREALTIME $(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)"; sleep 1; done ) > "$d/host.txt" &
  sampler_pid=$!
  ( exec 8>&- 9>&-; exec timeout --kill-after=60 $((D + 900)) "$scale" -n "$n" -e "$E" -d "$D" --out "$d/scale" --label "registrant-bench $tag" ) > "$d/out.txt" 2>&1 &
  scale_pid=$!
  wait "$scale_pid"; rc=$?; scale_pid=""
  kill -TERM "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null; sampler_pid=""
  [ "$rc" = 0 ] || { log "run $tag: registrant-scale.sh exited with $rc; end of $d/out.txt:"; tail -5 "$d/out.txt" >&2; }
  local s="$d/scale/summary.txt" t0
  {
    echo "rc=$rc"; echo "n=$n"
    t0=$(sed -n 's/.*t0_epoch_us=\([0-9]*\).*/\1/p' "$d/scale/params.txt" 2>/dev/null)
    if [ -s "$d/scale/samples.tsv" ] && [ -n "$t0" ]; then
      awk -F'\t' 'NR > 1 { print $2, $3, $4, $6, $11, $33 }' "$d/scale/samples.tsv" > "$d/registrar-samples.txt"
      registrar_view "$d/registrar-samples.txt" "$(awk -v x="$t0" 'BEGIN { printf "%.6f", x / 1e6 }')" "$D" "$n"
      # the registrant's CPU and the others' load over the sampled window
      awk -F'\t' 'NR == 2 { e0 = $2; u0 = $13; r0 = $11 } NR > 1 { e1 = $2; u1 = $13; r1 = $11 } END { printf "%s %s %s %s %s %s\n", e0, e1, u0, u1, r0, r1 }' "$d/scale/samples.tsv" > "$d/window.txt"
      read -r e0 e1 u0 u1 r0 r1 < "$d/window.txt"
      # host.txt: "epoch busy_ticks"; the host samples nearest inside [e0, e1]; ticks are 1/100 s, so ticks/s = % of a core
      awk -v e0="$e0" -v e1="$e1" -v u="$((u1 - u0))" -v r="$((r1 - r0))" '
        $1 >= e0 && h0 == "" { h0 = $1; b0 = $2 }
        $1 <= e1 { h1 = $1; b1 = $2 }
        END { if (h0 != "" && h1 > h0 && e1 > e0) printf "host_busy_pct=%.1f\nothers_cpu_pct=%.1f\n", (b1 - b0) / (h1 - h0), (b1 - b0) / (h1 - h0) - (u + r) / (e1 - e0) }' "$d/host.txt"
    fi
    grep -q . "$s" 2>/dev/null || { echo "summary=missing"; return; }
    awk '
      /^CPU: / { printf "cpu_s=%s\ncpu_pct=%s\n", $2, $8 }
      /^whole-run CPU per accepted registration/ { for (i = 1; i <= NF; i++) if ($i == "registrant") printf "cpu_us_per_registration=%.0f\n", $(i+1) }
      /^CPU in the .* baseline subtracted/ { for (i = 1; i <= NF; i++) if ($i == "us" && $(i+1) == "per" && !x++) printf "cpu_us_per_registration_active=%s\n", $(i-1) }
      /^memory at the end: RSS sum/ { printf "rss_end_mb=%s\n", $7; for (i = 1; i <= NF; i++) { if ($i == "PSS" && $(i+1) == "sum") printf "pss_end_mb=%s\n", $(i+2); if ($i == "peak" && $(i+1) == "PSS") printf "pss_peak_mb=%s\n", $(i+2) } }
      /^registrar: .* kernel drops on/ { printf "udp_drops_registrar=%s\n", $NF }
      /^registrant: uac:regtotal=/ { split($2, a, "="); printf "loaded=%s\n", a[2] + 0
        for (i = 1; i <= NF; i++) if ($i ~ /^uac:regdisabled=/) { split($i, b, "="); printf "given_up=%d\n", b[2] + 0 }
        printf "udp_drops_registrant=%s\n", $NF }
      /^totals: / { printf "registers_sent=%s\naccepted=%s\n", $2, $4 }
      /usrloc:location_contacts = / { for (i = 1; i <= NF; i++) if ($i == "usrloc:location_contacts") printf "registrar_bindings=%s\n", $(i+2) }
      /^# ul.lookup of accounts/ { for (i = 1; i <= NF; i++) { if ($i ~ /^checked=/) { split($i, a, "="); c = a[2] } if ($i ~ /^bound_with_time_left=/) { split($i, b, "="); ok = b[2] } } printf "lookups_ok=%s/%s\n", ok, c }
      /^EARLY STOP/ { print "early_stop=" substr($0, 13) }
    ' "$s"
  } > "$d/kv"
}

# run_checked TAG KIND ARGS...: runs, then once more when others used > dist_pct % of a core; keeps the quieter run
run_checked() {
  local tag=$1 kind=$2; shift 2
  local w; w=$(wait_for_idle); echo "$w" > "$raw/$tag.idle"
  "$kind" "$tag" "$@"
  local o; o=$(kv "$raw/$tag/kv" others_cpu_pct)
  if [ "$dist_pct" -gt 0 ] && [ "$o" != NA ] && awk -v o="$o" -v p="$dist_pct" 'BEGIN { exit !(o > p) }'; then
    log "run $tag: other processes used ${o} % of a core meanwhile (> ${dist_pct} %): running it once more"
    mv "$raw/$tag" "$raw/$tag-first"
    w=$(wait_for_idle); echo "$w" > "$raw/$tag.idle"
    "$kind" "$tag" "$@"
    local o2; o2=$(kv "$raw/$tag/kv" others_cpu_pct)
    if [ "$o2" = NA ] || awk -v a="$o2" -v b="$o" 'BEGIN { exit !(a > b) }'; then
      log "run $tag: the re-run was not quieter (${o2} %); keeping the first"
      mv "$raw/$tag" "$raw/$tag-second"; mv "$raw/$tag-first" "$raw/$tag"
      echo "rerun_note=re-run (others ${o2} %) was not quieter; first run kept" >> "$raw/$tag/kv"
    else
      echo "rerun_note=first run disturbed (others ${o} % of a core), re-run kept" >> "$raw/$tag/kv"
    fi
  fi
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
t_start=$(date -Is)
ORDER=()
for n in ${ns//,/ }; do
  [ "$n" -ge 1 ] || die "N must be >= 1"
  if want a; then run_checked "a-$n" run_sipreg "$n" a; ORDER+=("a-$n"); fi
  if want b; then run_checked "b-$n" run_sipreg "$n" b; ORDER+=("b-$n"); fi
  do_uac=0
  case "$uac" in yes) do_uac=1;; auto) [ "$n" -le 10000 ] && do_uac=1;; esac
  if want c && [ "$do_uac" = 1 ]; then run_checked "c-$n" run_uac "$n"; ORDER+=("c-$n")
  elif want c; then ORDER+=("q-$n"); fi
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ report
# Kamailio uac at 100 000 accounts, expires 120 s, from ../shared/bench/RESULTS.md (not re-run here)
quoted() {
  if [ "$1" = 100000 ] && [ "$E" = 120 ]; then
    printf '%s\n' "t100=32" "t100_note=100 % at 32 s, 98.1 % after 5 min" "peak=63000" "burst=bursts up to 63 000/s every 90 s; 95 % of REGISTERs in 19 % of seconds" \
      "cpu=210-260" "pss=1.37 GB" "lost=2 083 accounts disabled for good" "drops=1 860 000 / 230 000"
  fi
}
v() { kv "$raw/$1/kv" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b + 0 > 0) printf "%.2f", a / b; else printf "-" }'; }
label() { case "$1" in a-*) echo "sipreg → sipreg";; b-*) echo "sipreg → Kamailio";; c-*) echo "Kamailio uac → Kamailio";; q-*) echo "Kamailio uac → Kamailio (quoted)";; esac; }
{
  echo "# sipreg registrant vs Kamailio 5.6 uac — N accounts kept registered, digest MD5, UDP ($t_start)"
  echo
  echo "\`bench/registrant-bench.sh${argv_text:+ $argv_text}\` (npm run bench:registrant)."
  echo "Host: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(uname -r), node $(node -v), Kamailio $(kamailio -v 2>/dev/null | head -1 | awk '{print $3}')."
  echo "sipreg: $sipreg_rev, as built at the start of the run."
  echo "Registrant on CPU 1, registrar on CPU 0 (Kamailio registrar: run.sh variant b, 4 workers). Accounts user000001..userN, password pw-<user>."
  echo "Every run: expires $E s, $D s from the registrant's start. sipreg: rate cap $rate REGISTER/s, first REGISTERs spread over $idelay s, pre-emptive credentials on refresh $([ "$preempt" = 1 ] && echo on || echo off)."
  echo "Kamailio uac: registrant-scale.sh defaults (reg_timer_interval 90 s, reg_retry_interval 0, 4 workers)."
  echo "Machine load average: $load_start at the start, $load_end at the end (other developers' tests share this host; 'others %' = CPU other processes used during the run, % of one core, the samplers included)."
  echo
  echo "## Figures"
  echo
  echo "Registration times of the sipreg runs: the registrant's view (first 2xx of each account); of Kamailio uac: bindings at the registrar, sampled each second."
  echo "'REGISTER/s start-up' counts every REGISTER (the challenged one and the one with credentials) up to 100 %. Spread: per-second REGISTERs from 100 % to the end of the run."
  echo "CPU µs per registration: the registrant's whole-run CPU / registrations (2xx) in the run; (net): less the idle baseline (sipreg: 3 s measured before the start, with the 1-s sampling; Kamailio: registrant-scale.sh's figure over the seconds with REGISTERs, baseline subtracted). Memory: sipreg RSS peak (VmHWM) and PSS at the end; Kamailio: PSS summed over its processes (peak / end)."
  echo
  echo "| N | registrant → registrar | 50 / 99 / 100 % (s) | REGISTER/s start-up | peak REGISTER/s | spread: mean/s, max/s, peak/mean, idle s | CPU µs/registration (net) | CPU % core | memory MB | heap B/account | failures / given up / unbound at end | UDP drops registrant / registrar | bindings at registrar (spot checks) | others % |"
  echo "| ---: | --- | --- | ---: | ---: | --- | ---: | ---: | --- | ---: | --- | --- | --- | ---: |"
  for tag in "${ORDER[@]}"; do
    n=${tag#*-}
    case "$tag" in
      a-*|b-*)
        echo "| $n | $(label "$tag") | $(v "$tag" t50_s) / $(v "$tag" t99_s) / $(v "$tag" t100_s) | $(v "$tag" startup_register_per_s) | $(v "$tag" peak_register_per_s) | $(v "$tag" steady_mean_per_s), $(v "$tag" steady_max_per_s), $(v "$tag" steady_peak_over_mean)×, $(v "$tag" steady_idle_s) of $(v "$tag" steady_window_s) | $(v "$tag" cpu_us_per_registration) ($(v "$tag" cpu_us_per_registration_net)) | $(v "$tag" cpu_pct) | RSS peak $(v "$tag" rss_peak_mb); PSS peak $(v "$tag" pss_peak_mb), end $(v "$tag" pss_end_mb) | $(v "$tag" heap_per_account_registered_b) | $(v "$tag" failures) / $(v "$tag" given_up) / $(v "$tag" not_bound_end) | $(v "$tag" udp_drops_registrant) / $(v "$tag" udp_drops_registrar) | $(v "$tag" registrar_bindings)$([ "$(v "$tag" lookups_ok)" != NA ] && echo " ($(v "$tag" lookups_ok))") | $(v "$tag" others_cpu_pct) |";;
      c-*)
        echo "| $n | $(label "$tag") | $(v "$tag" reg_t50_s) / $(v "$tag" reg_t99_s) / $(v "$tag" reg_t100_s) | $(v "$tag" reg_startup_per_s) | $(v "$tag" reg_peak_per_s) | $(v "$tag" reg_steady_mean), $(v "$tag" reg_steady_max), $(v "$tag" reg_steady_peak_over_mean)×, $(v "$tag" reg_steady_idle_s) of $(v "$tag" reg_steady_s) | $(v "$tag" cpu_us_per_registration) ($(v "$tag" cpu_us_per_registration_active)) | $(v "$tag" cpu_pct) | PSS peak $(v "$tag" pss_peak_mb), end $(v "$tag" pss_end_mb) | - | - / $(v "$tag" given_up) / $(( n - $(v "$tag" reg_contacts_end | sed 's/NA/0/') )) | $(v "$tag" udp_drops_registrant) / $(v "$tag" udp_drops_registrar) | $(v "$tag" registrar_bindings) ($(v "$tag" lookups_ok)) | $(v "$tag" others_cpu_pct) |";;
      q-*)
        if [ -n "$(quoted "$n")" ]; then
          echo "| $n | $(label "$tag") | $(quoted "$n" | kv /dev/stdin t100_note) | - | $(quoted "$n" | kv /dev/stdin peak) | $(quoted "$n" | kv /dev/stdin burst) | $(quoted "$n" | kv /dev/stdin cpu) | - | PSS $(quoted "$n" | kv /dev/stdin pss) | - | $(quoted "$n" | kv /dev/stdin lost) | $(quoted "$n" | kv /dev/stdin drops) | - | - |"
        else
          echo "| $n | Kamailio uac → Kamailio | not run (N > 10000; --with-kamailio-uac forces it) | | | | | | | | | | | |"
        fi;;
    esac
  done
  echo
  echo "## At the Kamailio registrar (both registrants measured the same way)"
  echo
  echo "usrloc:location_contacts and rcv_requests_register (challenged + authenticated REGISTERs, retransmissions included) once a second; t from the registrant's start (Kamailio uac: from its process start, it loads its uacreg table first)."
  echo
  echo "| N | registrant | first REGISTER s | 50 / 99 / 100 % bound (s) | REGISTERs (accepted) | peak /s | from 100 % to the end: mean/s, max/s, peak/mean | idle s | s above 2× mean (share of REGISTERs) | bound at the end | registrar CPU s | registrar drops |"
  echo "| ---: | --- | ---: | --- | --- | ---: | --- | ---: | --- | ---: | ---: | ---: |"
  for tag in "${ORDER[@]}"; do
    case "$tag" in b-*|c-*) ;; *) continue;; esac
    n=${tag#*-}
    echo "| $n | $(label "$tag" | sed 's/ → Kamailio//') | $(v "$tag" reg_first_register_s) | $(v "$tag" reg_t50_s) / $(v "$tag" reg_t99_s) / $(v "$tag" reg_t100_s) | $(v "$tag" reg_registers) ($(v "$tag" reg_accepted)) | $(v "$tag" reg_peak_per_s) | $(v "$tag" reg_steady_mean), $(v "$tag" reg_steady_max), $(v "$tag" reg_steady_peak_over_mean)× | $(v "$tag" reg_steady_idle_s) of $(v "$tag" reg_steady_s) | $(v "$tag" reg_steady_over2x_s) ($(v "$tag" reg_steady_share_over2x_pct) %) | $(v "$tag" reg_contacts_end) | $(v "$tag" reg_cpu_s) | $(v "$tag" reg_drops) |"
  done
  echo
  echo "## Ratios sipreg / Kamailio uac (both against the Kamailio registrar; < 1 = sipreg lower)"
  echo
  echo "| N | time to 100 % bound | peak REGISTER/s | peak/mean from 100 % on | CPU µs per registration (net) | peak PSS | PSS at the end |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for n in ${ns//,/ }; do
    b="b-$n"; c="c-$n"
    [ -f "$raw/$b/kv" ] || continue
    if [ -f "$raw/$c/kv" ]; then
      echo "| $n | $(ratio "$(v "$b" reg_t100_s)" "$(v "$c" reg_t100_s)") | $(ratio "$(v "$b" reg_peak_per_s)" "$(v "$c" reg_peak_per_s)") | $(ratio "$(v "$b" reg_steady_peak_over_mean)" "$(v "$c" reg_steady_peak_over_mean)") | $(ratio "$(v "$b" cpu_us_per_registration)" "$(v "$c" cpu_us_per_registration)") ($(ratio "$(v "$b" cpu_us_per_registration_net)" "$(v "$c" cpu_us_per_registration_active)")) | $(ratio "$(v "$b" pss_peak_mb)" "$(v "$c" pss_peak_mb)") | $(ratio "$(v "$b" pss_end_mb)" "$(v "$c" pss_end_mb)") |"
    elif [ -n "$(quoted "$n")" ]; then
      pss_q=1370
      echo "| $n (uac quoted) | $(ratio "$(v "$b" reg_t100_s)" 32) | $(ratio "$(v "$b" reg_peak_per_s)" 63000) | - | $(ratio "$(v "$b" cpu_us_per_registration)" 235) (vs 210–260) | - | $(ratio "$(v "$b" pss_end_mb)" "$pss_q") |"
    fi
  done
  echo
  echo "(Figures move by about ±10 % between runs; compare only rows taken side by side.)"
  echo
  echo "## Runs"
  for tag in "${ORDER[@]}"; do
    case "$tag" in q-*) continue;; esac
    echo
    echo "### $tag — $(label "$tag")"
    echo
    read -r waited busy < "$raw/$tag.idle" 2>/dev/null || { waited=0; busy=NA; }
    echo "Host before the run: ${busy} % busy$([ "${waited:-0}" -gt 0 ] && echo " after waiting ${waited} s for it to go idle"). $(grep -h '^rerun_note=' "$raw/$tag/kv" | sed 's/^rerun_note=//')"
    echo
    echo '```'
    case "$tag" in
      c-*) sed -n '/^== Kamailio uac registrant/,/^-- 10-second buckets/p' "$raw/$tag/scale/summary.txt" 2>/dev/null | sed '$d'
           sed -n '/^-- verification/,$p' "$raw/$tag/scale/summary.txt" 2>/dev/null
           echo "registrant-bench: host busy $(v "$tag" host_busy_pct) % of a core over the sampled window, others $(v "$tag" others_cpu_pct) %";;
      *) grep -v '^bench\.' "$raw/$tag/out.txt";;
    esac
    echo '```'
  done
  if [ -n "$(for n in ${ns//,/ }; do quoted "$n"; done)" ] && [[ " ${ORDER[*]} " == *" q-"* ]]; then
    echo
    echo "Kamailio uac at 100 000 accounts was not re-run: its figures are quoted from ../shared/bench/RESULTS.md"
    echo "(\"Kamailio 5.6 uac as a registrant at scale\", row 100 000, 120 s, shm 4 GB; CPU 210–260 µs per registration at 100 k)."
  fi
  echo
  echo "Raw files (per-run output, per-second samples, registrant-scale.sh folders): \`$raw\`"
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
log "report: $out"
