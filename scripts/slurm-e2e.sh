#!/usr/bin/env bash
# End to end on a real scheduler: installs Slurm and munge from the
# distribution's packages, starts a one-node cluster on localhost
# (munged, slurmctld and slurmd started directly, no systemd), submits
# `quotaplan slurm` job arrays for the embedded demo and for a generated
# scenario, waits for the dependent merge jobs, and checks that each merged
# result is byte-identical to a local `quotaplan simulate`. Prints the wall
# times; exits non-zero on any failure; stops the daemons it started on exit.
#
#   scripts/slurm-e2e.sh                 # builds quotaplan (release) first
#   QUOTAPLAN=path/to/quotaplan scripts/slurm-e2e.sh
#   SLURM_E2E_SHARDS=4 SLURM_E2E_TRIALS=20000 scripts/slurm-e2e.sh
#
# Where packages cannot be installed (no apt-get, not root, no network) it
# says so loudly and exits 0 without testing; SLURM_E2E_REQUIRED=1 makes
# that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SHARDS=${SLURM_E2E_SHARDS:-4}
TRIALS=${SLURM_E2E_TRIALS:-20000}

say() { printf '[slurm-e2e] %s\n' "$*"; }
skip() {
  local banner="################################################################"
  printf '%s\n# SLURM END-TO-END TEST SKIPPED: %s\n# Nothing was run on a scheduler.\n%s\n' "$banner" "$*" "$banner" | tee /dev/stderr
  if [ "${SLURM_E2E_REQUIRED:-0}" = 1 ]; then echo "slurm-e2e: 0 passed, 2 failed"; exit 1; fi
  echo "slurm-e2e: 0 passed, 0 failed, 2 skipped"
  exit 0
}

# --- Slurm and munge from the distribution ----------------------------------
have_slurm() {
  command -v slurmctld && command -v slurmd && command -v munged && command -v sbatch && command -v mungekey
} >/dev/null 2>&1
if ! have_slurm; then
  if ! command -v apt-get >/dev/null 2>&1; then skip "no apt-get on this machine to install slurm-wlm and munge"; fi
  if [ "$(id -u)" != 0 ]; then skip "not root: cannot apt-get install slurm-wlm and munge"; fi
  say "installing slurm-wlm and munge (apt-get)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null; }; then
    skip "apt-get install slurm-wlm munge failed (no package mirror reachable?)"
  fi
  have_slurm || { say "FAIL: slurm-wlm and munge installed, but their programs are not on PATH"; exit 1; }
fi

# --- quotaplan ----------------------------------------------------------------
if [ -z "${QUOTAPLAN:-}" ]; then
  say "building quotaplan (cargo build --release)"
  cargo build --release --quiet
  QUOTAPLAN="${CARGO_TARGET_DIR:-$ROOT/target}/release/quotaplan"
fi
QP=$(readlink -f "$QUOTAPLAN")
[ -x "$QP" ] || { say "FAIL: $QUOTAPLAN is not an executable"; exit 1; }

# --- a one-node cluster -------------------------------------------------------
WORK=$(mktemp -d /tmp/quotaplan-slurm-e2e.XXXXXX)
chmod 0755 "$WORK"
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$rc" != 0 ]; then
    say "FAILED (exit $rc); daemon logs:"
    for f in "$WORK"/slurmctld.log "$WORK"/slurmd.log "$WORK"/munged.log; do
      [ -f "$f" ] && { echo "--- $f (last 30 lines)"; tail -n 30 "$f"; }
    done
    for f in "$WORK"/*/logs/*.out; do
      [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
    done
  fi
  if [ "${SLURM_E2E_KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK/munge" "$WORK/state" "$WORK/spool"
chmod 0700 "$WORK/munge"
mungekey --create --keyfile="$WORK/munge/munge.key" --force >/dev/null 2>&1 \
  || dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$WORK/munge/munge.key"
SOCKET="$WORK/munge/munge.socket"
munged --foreground --force --key-file="$WORK/munge/munge.key" --socket="$SOCKET" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munged.log" \
  --seed-file="$WORK/munge/munged.seed" >>"$WORK/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$SOCKET" ] && break; sleep 0.1; done
[ -S "$SOCKET" ] || { say "FAIL: munged did not start"; exit 1; }

# The node as slurmd sees it (CPUs, sockets, cores, memory), named localhost.
NODE=$(slurmd -C | head -n 1 | sed -E 's/^NodeName=[^ ]+ //')
say "node: $NODE"
export SLURM_CONF="$WORK/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=quotaplan-e2e
SlurmctldHost=localhost
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MinJobAge=3600
NodeName=localhost NodeAddr=127.0.0.1 $NODE State=UNKNOWN
PartitionName=e2e Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i -f "$SLURM_CONF" >>"$WORK/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >>"$WORK/slurmd.out" 2>&1 &
PIDS+=($!)
say "waiting for the node"
for i in $(seq 120); do
  state=$(sinfo -h -n localhost -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  [ "$i" = 120 ] && { say "FAIL: the node is not idle after 60 s (state: ${state:-none})"; exit 1; }
  sleep 0.5
done
say "cluster up: $(sinfo -h -o '%P %D %t %c CPUs %m MB')"

# --- jobs ---------------------------------------------------------------------
# Waits until job $1 has finished; fails unless it COMPLETED.
wait_job() {
  local job=$1 state= info=
  for _ in $(seq 1200); do
    info=$(scontrol show job "$job" -o 2>/dev/null || true)
    state=$(echo "$info" | grep -o 'JobState=[A-Z_]*' | head -n 1 | cut -d= -f2 || true)
    # A failed shard: the merge's afterok can never be satisfied.
    if echo "$info" | grep -q 'Reason=DependencyNeverSatisfied'; then
      say "FAIL: job $job will never run: a job it depends on failed"; return 1
    fi
    case "$state" in
      COMPLETED) return 0 ;;
      FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)
        say "FAIL: job $job ended $state"; return 1 ;;
    esac
    sleep 0.5
  done
  say "FAIL: job $job not finished after 10 minutes (state: ${state:-unknown})"
  return 1
}

# run_case NAME [SCENARIO]: the array and merge on Slurm, then a local run.
run_case() {
  local name=$1 scenario=${2:-}
  local dir="$WORK/$name"
  local args=()
  [ -n "$scenario" ] && args+=("$scenario")
  "$QP" slurm "${args[@]}" --shards "$SHARDS" --trials "$TRIALS" --time 10 --mem 512M \
    --out "$dir" --quiet
  local t0 t1 ids array merge
  t0=$(date +%s.%N)
  ids=$(sh "$dir/submit.sh")
  array=$(echo "$ids" | awk '{print $2}')
  merge=$(echo "$ids" | awk '{print $4}')
  say "$name: submitted array job $array ($SHARDS tasks) and merge job $merge (afterok:$array)"
  wait_job "$merge"
  t1=$(date +%s.%N)
  local parts
  parts=$(find "$dir/parts" -name '*.qpart' | wc -l)
  [ "$parts" = "$SHARDS" ] || { say "FAIL: $parts parts, not $SHARDS"; return 1; }
  "$QP" simulate "${args[@]}" --trials "$TRIALS" --out "$dir/local" --quiet >/dev/null
  for f in summary.json reps.csv quarters.csv rep_quarters.csv risks.csv charts.json; do
    cmp "$dir/local/$f" "$dir/result/$f" || { say "FAIL: $name: $f of the Slurm run differs from the local run"; return 1; }
  done
  local wall
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  say "$name: merged result is byte-identical to the local run (summary.json and every CSV)"
  printf '[slurm-e2e] WALL TIME %s: %s shards x %s trials, submit to merged result: %.1f s\n' \
    "$name" "$SHARDS" "$TRIALS" "$wall"
}

START=$(date +%s.%N)
run_case demo
"$QP" generate --units 2000 --reps 50 --risks 10 --seed 3 --trials "$TRIALS" \
  --out "$WORK/generated/generated.toml" --quiet
run_case generated "$WORK/generated/generated.toml"
END=$(date +%s.%N)
printf '[slurm-e2e] PASS: demo and generated scenario on Slurm (%s); whole script after the cluster was up: %.1f s\n' \
  "$(sinfo -V)" "$(awk -v a="$START" -v b="$END" 'BEGIN { print b - a }')"
echo "slurm-e2e: 2 passed, 0 failed"
