#!/usr/bin/env bash
# End-to-end test of docs/cluster.md's Slurm recipe on a real (throwaway, single-node) Slurm.
#
#   bash scripts/slurm-e2e.sh          # as root, on Debian/Ubuntu (CI runs it after npm test and npm run test:docs)
#
# 1. Installs Debian's slurm-wlm and munge with apt-get if they are missing.
# 2. Writes a munge key and a one-node slurm.conf (this host, root, no cgroups, no
#    accounting) into a fresh temporary directory, and starts munged, slurmctld and slurmd
#    from it on their own socket and ports (nothing under /etc is read or changed).
# 3. Waits for the node to be idle, submits docs/slurm/sweep.sbatch (the job script that
#    docs/cluster.md shows verbatim) with `sbatch --array=1-4`, and waits for every task.
# 4. Merges the shards with `skillsim merge`, checks the result is byte-identical to a
#    serial `skillsim sweep --jobs 1` of the same config, and runs `skillsim fit` on it.
# 5. Always (trap EXIT): cancels the job if still queued, stops the daemons it started (by
#    pid), prints the daemons' log tails on failure, and removes the temporary directory.
#
# Every wait has a time limit. Any failure prints "slurm-e2e: FAIL: ..." and exits 1.
# Environment: SLURM_E2E_TIMEOUT (seconds for the job array, default 300),
# SLURM_E2E_KEEP=1 (keep the temporary directory, for debugging).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOB_SCRIPT="$REPO/docs/slurm/sweep.sbatch"
CONFIG=configs/sweep-resource-N0.yaml   # the config the job script sweeps (relative to its directory)
SHARDS=4                                # the job script's K
JOB_TIMEOUT=${SLURM_E2E_TIMEOUT:-300}
T0=$SECONDS

say() { printf 'slurm-e2e: %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
elapsed() { echo "$((SECONDS - T0)) s"; }

# ---------------------------------------------------------------------------- prerequisites
[ "$(id -u)" = 0 ] || fail "must run as root (it installs packages and runs slurmctld/slurmd as root)"
[ -f "$JOB_SCRIPT" ] || fail "missing $JOB_SCRIPT"
command -v node >/dev/null || fail "node is not on PATH"

missing=()
for cmd in sbatch squeue sinfo scancel scontrol slurmctld slurmd; do
  command -v "$cmd" >/dev/null || { missing+=(slurm-wlm); break; }
done
command -v munged >/dev/null || missing+=(munge)
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || fail "${missing[*]} not installed and no apt-get to install them"
  say "installing ${missing[*]} with apt-get ..."
  t=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || fail "apt-get update failed"
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >&2 ||
    fail "apt-get install slurm-wlm munge failed"
  say "installed in $((SECONDS - t)) s"
else
  say "slurm-wlm and munge already installed"
fi
for cmd in sbatch squeue sinfo scancel scontrol slurmctld slurmd munged; do
  command -v "$cmd" >/dev/null || fail "$cmd not found after installing slurm-wlm and munge"
done
say "$(slurmctld -V), $(munged --version 2>&1 | head -n1), node $(node --version)"

if [ ! -f "$REPO/dist/src/cli/main.js" ]; then
  say "skillsim is not built; running npm run build"
  (cd "$REPO" && npm run build --silent) || fail "npm run build failed"
fi

# ---------------------------------------------------------------------------- cleanup
TMP=$(mktemp -d "${TMPDIR:-/tmp}/skillsim-slurm-e2e.XXXXXX")
chmod 755 "$TMP"   # readable like /etc/slurm; the munge key sits in a 700 directory
MUNGED_PID='' CTLD_PID='' SLURMD_PID='' JOBID=''

stop_pid() { # stop_pid NAME PID: SIGTERM, wait up to 15 s, then SIGKILL
  local name=$1 pid=$2 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  say "$name (pid $pid) did not stop after SIGTERM; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

show_tail() { # show_tail FILE: its last 40 lines on stderr
  [ -s "$1" ] || return 0
  printf -- '----- tail of %s\n' "${1#"$TMP"/}" >&2
  tail -n 40 "$1" >&2
}

cleanup() {
  local rc=$?
  trap - EXIT
  trap "" INT TERM   # cleanup is bounded (every wait in it is); let it finish
  set +e
  local ctld_alive=0
  [ -n "$CTLD_PID" ] && kill -0 "$CTLD_PID" 2>/dev/null && ctld_alive=1
  if [ "$rc" != 0 ]; then
    say "failed after $(elapsed); state and logs of the throwaway cluster follow"
    if [ "$ctld_alive" = 1 ]; then
      sinfo -N -o '%N %T %C %m %E' >&2
      [ -z "$JOBID" ] || squeue -t all -j "$JOBID" -o '%i %T %M %R' >&2
    fi
    for f in "$TMP"/log/*.log "$TMP"/work/logs/*; do show_tail "$f"; done
    for f in "$TMP"/log/*.out; do # the daemons' stderr: shown when their log file says nothing
      [ -s "${f%.out}.log" ] || show_tail "$f"
    done
  fi
  if [ -n "$JOBID" ] && [ "$ctld_alive" = 1 ] && [ -n "$(squeue -h -j "$JOBID" 2>/dev/null)" ]; then
    scancel "$JOBID" 2>/dev/null
    for _ in $(seq 75); do [ -z "$(squeue -h -j "$JOBID" 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  # Each running task's slurmstepd keeps a socket in the spool directory until it exits.
  steps() { find "$TMP/spool" -type s 2>/dev/null; }
  for _ in $(seq 75); do [ -z "$(steps)" ] && break; sleep 0.2; done
  [ -z "$(steps)" ] || say "a slurmstepd is still running: $(steps | tr '\n' ' ')"
  stop_pid slurmd "$SLURMD_PID"
  stop_pid slurmctld "$CTLD_PID"
  stop_pid munged "$MUNGED_PID"
  if [ "${SLURM_E2E_KEEP:-0}" = 1 ]; then say "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# wait_until SECONDS WHAT COMMAND...: poll COMMAND every 0.5 s; fail if a daemon died or time ran out.
wait_until() {
  local limit=$1 what=$2 end=$((SECONDS + $1))
  shift 2
  until "$@"; do
    for p in "munged:$MUNGED_PID" "slurmctld:$CTLD_PID" "slurmd:$SLURMD_PID"; do
      [ -z "${p#*:}" ] || kill -0 "${p#*:}" 2>/dev/null || fail "${p%%:*} (pid ${p#*:}) died while waiting for $what"
    done
    [ "$SECONDS" -lt "$end" ] || fail "timed out after ${limit} s waiting for $what"
    sleep 0.5
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------- munge
mkdir -p "$TMP"/{munge,state,spool,log,run,bin,work/logs}
chmod 700 "$TMP/munge"
if command -v mungekey >/dev/null; then
  mungekey --create --keyfile="$TMP/munge/munge.key" >/dev/null 2>&1 || fail "mungekey could not create a key"
else
  dd if=/dev/urandom of="$TMP/munge/munge.key" bs=1024 count=1 status=none
fi
chmod 400 "$TMP/munge/munge.key"
MUNGE_SOCKET="$TMP/run/munge.socket"   # in a directory every user can reach, as munged asks
# -F: foreground, so $! is munged itself; --force: the temporary directory sits under /tmp.
munged -F --force --key-file="$TMP/munge/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$TMP/run/munged.pid" --log-file="$TMP/log/munged.log" \
  --seed-file="$TMP/munge/munged.seed" >>"$TMP/log/munged.out" 2>&1 &
MUNGED_PID=$!
wait_until 20 "munged's socket" test -S "$MUNGE_SOCKET"
if command -v munge >/dev/null && command -v unmunge >/dev/null; then
  munge -S "$MUNGE_SOCKET" -n | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1 ||
    fail "munge credential round trip failed on $MUNGE_SOCKET"
fi
say "munged running (pid $MUNGED_PID)"

# ---------------------------------------------------------------------------- slurm.conf
HOST=$(hostname -s 2>/dev/null || uname -n | cut -d. -f1)
# The node's CPUs and memory as slurmd itself detects them (so it registers without drain).
NODE_HW=$(slurmd -C 2>/dev/null | head -n1 | tr ' ' '\n' |
  grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | tr '\n' ' ')
[ -n "$NODE_HW" ] || NODE_HW="CPUs=$(nproc) RealMemory=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)"
NODE_CPUS=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$NODE_HW")
CTLD_PORT='' SLURMD_PORT=''
for p in $(seq 16817 2 16899); do
  if port_free "$p" && port_free "$((p + 1))"; then CTLD_PORT=$p SLURMD_PORT=$((p + 1)); break; fi
done
[ -n "$CTLD_PORT" ] || fail "no free pair of TCP ports in 16817-16900 for slurmctld/slurmd"

export SLURM_CONF="$TMP/slurm.conf"
cat >"$SLURM_CONF" <<EOF
# Throwaway single-node cluster written by scripts/slurm-e2e.sh
ClusterName=skillsim-e2e
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
AuthInfo=socket=$MUNGE_SOCKET
CredType=cred/munge
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/run/slurmctld.pid
SlurmdPidFile=$TMP/run/slurmd.pid
SlurmctldLogFile=$TMP/log/slurmctld.log
SlurmdLogFile=$TMP/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: plain process tracking, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
# Keep finished jobs visible to squeue for 5 minutes (there is no accounting database).
MinJobAge=300
NodeName=$HOST NodeAddr=127.0.0.1 $NODE_HW State=UNKNOWN
PartitionName=e2e Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

# ---------------------------------------------------------------------------- slurmctld, slurmd
# -D: foreground, so $! is the daemon itself; -i: start from the empty state directory.
slurmctld -D -i -f "$SLURM_CONF" >>"$TMP/log/slurmctld.out" 2>&1 &
CTLD_PID=$!
ctld_up() { scontrol ping 2>/dev/null | grep -q "is UP"; }
wait_until 60 "slurmctld to answer" ctld_up
slurmd -D -f "$SLURM_CONF" >>"$TMP/log/slurmd.out" 2>&1 &
SLURMD_PID=$!
node_idle() { [ "$(sinfo -h -n "$HOST" -o %t 2>/dev/null)" = idle ]; }
wait_until 60 "node $HOST to be idle in sinfo" node_idle
say "slurmctld (pid $CTLD_PID, port $CTLD_PORT) and slurmd (pid $SLURMD_PID, port $SLURMD_PORT) up; node $HOST idle: $NODE_HW ($(elapsed))"

# ---------------------------------------------------------------------------- the job array
WORK="$TMP/work"
ln -s "$REPO/configs" "$WORK/configs"
# `skillsim` on PATH, as on a cluster where it is installed (sbatch passes the environment on).
printf '#!/bin/sh\nexec node %q "$@"\n' "$REPO/bin/skillsim.js" >"$TMP/bin/skillsim"
chmod +x "$TMP/bin/skillsim"
export PATH="$TMP/bin:$PATH" NO_COLOR=1
SBATCH_ARGS=(--parsable --array=1-$SHARDS)
if [ "${NODE_CPUS:-0}" -lt 2 ]; then
  SBATCH_ARGS+=(--cpus-per-task=1)
  say "note: the node has ${NODE_CPUS:-?} CPU; submitting with --cpus-per-task=1"
fi
cd "$WORK"
JOBID=$(sbatch "${SBATCH_ARGS[@]}" "$JOB_SCRIPT") || fail "sbatch rejected $JOB_SCRIPT"
JOBID=${JOBID%%;*}
say "submitted: sbatch ${SBATCH_ARGS[*]} docs/slurm/sweep.sbatch -> job $JOBID"

TERMINAL='^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)$'
array_done() { # all $SHARDS array tasks known to squeue and in a terminal state
  local states
  states=$(squeue -h -t all -j "$JOBID" -o '%T' 2>/dev/null) || return 1
  [ "$(grep -cE "$TERMINAL" <<<"$states")" -ge "$SHARDS" ]
}
wait_until "$JOB_TIMEOUT" "job array $JOBID to finish" array_done
squeue -t all -j "$JOBID" -o '%.12i %.10T %.10M %R' >&2
bad=$(squeue -h -t all -j "$JOBID" -o '%i %T' | grep -v ' COMPLETED$' || true)
[ -z "$bad" ] || fail "array tasks did not complete: $bad"
say "job array $JOBID: $SHARDS tasks COMPLETED ($(elapsed))"

# ---------------------------------------------------------------------------- merge, compare, fit
for i in $(seq 1 $SHARDS); do
  [ -s "results/part-$i.jsonl" ] || fail "array task $i wrote no results/part-$i.jsonl"
done
skillsim merge results/part-*.jsonl --config "$CONFIG" --out merged.jsonl || fail "skillsim merge failed"
skillsim sweep "$CONFIG" --jobs 1 --out serial.jsonl --quiet || fail "serial skillsim sweep failed"
cmp merged.jsonl serial.jsonl >&2 ||
  fail "merged.jsonl of the Slurm array differs from the serial sweep"
runs=$(wc -l <merged.jsonl)
sum=$(sha256sum merged.jsonl | cut -c1-16)
echo "slurm-e2e: OK: merged.jsonl of Slurm job array $JOBID ($SHARDS tasks, $runs runs, $(wc -c <merged.jsonl) bytes, sha256 $sum...) is byte-identical to the serial skillsim sweep"
skillsim fit merged.jsonl --x step --where N0=0.1 --by skills.frequencies.zipf --quiet >fit.txt ||
  fail "skillsim fit on merged.jsonl failed"
sed -n '1,6p' fit.txt
say "passed in $(elapsed)"
