#!/usr/bin/env bash
# Start/stop a throw-away single-node SLURM cluster on this machine, for tests.
#
#   tests/cluster/local_slurm.sh start    # install (if needed) + start munged, slurmctld, slurmd
#   tests/cluster/local_slurm.sh status   # recorded daemons alive? + sinfo
#   tests/cluster/local_slurm.sh stop     # kill exactly the recorded PIDs
#   tests/cluster/local_slurm.sh env      # print `export SLURM_CONF=...` for client tools
#
# Needs root and Debian's packages slurm-wlm + munge (installed with apt-get if
# slurmctld is missing). Works without systemd: the daemons are started by this
# script and their PIDs recorded in the state dir ($WINENET_SLURM_DIR, default
# /tmp/winenet-slurm), which also holds slurm.conf, logs and spool dirs.
# Client tools (sbatch, squeue, sinfo, scontrol) find the config through
# SLURM_CONF, which callers should export:
#     export SLURM_CONF="${WINENET_SLURM_DIR:-/tmp/winenet-slurm}/slurm.conf"
# BUT Snakemake's slurm-jobstep executor strips every SLURM_* variable
# (SLURM_CONF included) before the `srun` it runs inside each job, so that srun
# only finds the default /etc/slurm/slurm.conf. Therefore `start` also creates
# /etc/slurm/slurm.conf as a symlink to the state dir's slurm.conf (refusing to
# replace a real file that is not ours), and `stop` removes that symlink again.
# munge uses its system defaults (/etc/munge/munge.key, /run/munge), because
# SLURM's auth/munge plugin talks to the default socket.
#
# On any failure to bring SLURM up, exits non-zero with the reason on stderr
# (lines starting with "local_slurm: "), so a test can skip with that reason.
set -euo pipefail

# the daemons live in /usr/sbin, which a non-login PATH may lack
export PATH="$PATH:/usr/sbin:/sbin"

STATE_DIR="${WINENET_SLURM_DIR:-/tmp/winenet-slurm}"
CONF="$STATE_DIR/slurm.conf"
PID_DIR="$STATE_DIR/pids"       # PIDs recorded by this script (the only ones stop kills)
RUN_DIR="$STATE_DIR/run"        # the daemons' own pid files
LOG_DIR="$STATE_DIR/log"
CTLD_DIR="$STATE_DIR/ctld"      # StateSaveLocation (owned by SlurmUser)
SPOOL_DIR="$STATE_DIR/spool"    # SlurmdSpoolDir (root)
NODE=localhost
START_TIMEOUT="${WINENET_SLURM_START_TIMEOUT:-90}"
CTLD_PORT="${WINENET_SLURM_CTLD_PORT:-6817}"
SLURMD_PORT="${WINENET_SLURM_SLURMD_PORT:-6818}"
ETC_CONF=/etc/slurm/slurm.conf
MUNGE_KEY=/etc/munge/munge.key
MUNGE_SOCKET=/run/munge/munge.socket.2

# daemons in start order; stop goes in reverse
DAEMONS=(munged slurmctld slurmd)

export SLURM_CONF="$CONF"

LAST_ERROR=""
die() {
    LAST_ERROR="$*"
    echo "local_slurm: ERROR: $*" >&2
    exit 1
}
info() { echo "local_slurm: $*"; }

# --- pid bookkeeping ---------------------------------------------------------

recorded_pid() { # name -> pid (empty if none recorded)
    local f="$PID_DIR/$1.pid"
    if [[ -s "$f" ]]; then cat "$f"; fi
}

# alive <name>: the recorded pid exists and still is that program (guards pid reuse)
alive() {
    local name="$1" pid comm
    pid="$(recorded_pid "$name")"
    [[ -n "$pid" ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    [[ "$comm" == "$name" ]]
}

any_recorded() {
    local d
    for d in "${DAEMONS[@]}"; do
        [[ -n "$(recorded_pid "$d")" ]] && return 0
    done
    return 1
}

all_alive() {
    local d
    for d in "${DAEMONS[@]}"; do
        # munged may be a pre-existing system daemon that we did not start
        if [[ "$d" == munged && -e "$PID_DIR/munged.external" ]]; then
            munge_works || return 1
            continue
        fi
        alive "$d" || return 1
    done
}

log_tails() {
    local f
    # (slurm*.out only repeat slurm*.log; munged logs to munged.out)
    for f in "$LOG_DIR"/munged.out "$LOG_DIR"/slurmctld.log "$LOG_DIR"/slurmd.log; do
        [[ -s "$f" ]] || continue
        echo "----- tail $f -----" >&2
        tail -n 15 "$f" >&2 || true
    done
}

# --- install / munge ---------------------------------------------------------

ensure_packages() {
    if command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 \
        && command -v munged >/dev/null 2>&1 && command -v sinfo >/dev/null 2>&1; then
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || die "slurmctld not installed and apt-get not available"
    info "installing slurm-wlm and munge with apt-get ..."
    export DEBIAN_FRONTEND=noninteractive
    local log="$STATE_DIR/apt.log"
    if ! apt-get update -qq >"$log" 2>&1; then
        tail -n 20 "$log" >&2 || true
        die "apt-get update failed (see $log)"
    fi
    if ! apt-get install -y -qq --no-install-recommends slurm-wlm munge >>"$log" 2>&1; then
        tail -n 20 "$log" >&2 || true
        die "apt-get install slurm-wlm munge failed (see $log)"
    fi
    command -v slurmctld >/dev/null 2>&1 || die "slurmctld still missing after apt-get install"
    command -v munged >/dev/null 2>&1 || die "munged still missing after apt-get install"
}

ensure_users() {
    id munge >/dev/null 2>&1 || die "user 'munge' missing (package munge not installed correctly?)"
    id slurm >/dev/null 2>&1 || die "user 'slurm' missing (package slurm-wlm not installed correctly?)"
}

munge_works() {
    command -v munge >/dev/null 2>&1 || return 1
    [[ -S "$MUNGE_SOCKET" ]] || return 1
    munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1
}

start_munged() {
    install -d -o munge -g munge -m 0700 /etc/munge
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0711 /var/lib/munge
    install -d -o munge -g munge -m 0700 /var/log/munge
    if [[ ! -s "$MUNGE_KEY" ]]; then
        info "creating munge key $MUNGE_KEY"
        if command -v mungekey >/dev/null 2>&1; then
            mungekey --create --keyfile="$MUNGE_KEY" --force
        else
            dd if=/dev/urandom of="$MUNGE_KEY" bs=1 count=1024 status=none
        fi
    fi
    chown munge:munge "$MUNGE_KEY"
    chmod 0400 "$MUNGE_KEY"

    if munge_works; then
        # a munged we did not start is already serving the default socket: use it,
        # never kill it.
        info "munged already running (not started by this script); using it"
        : >"$PID_DIR/munged.external"
        return 0
    fi
    rm -f "$PID_DIR/munged.external"
    # stale socket/pid from a killed munged would make the new one refuse to start
    rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock" /run/munge/munged.pid
    # -F: stay in foreground so that $! is munged's PID; run as user munge.
    setsid setpriv --reuid=munge --regid=munge --init-groups \
        munged -F --key-file="$MUNGE_KEY" --socket="$MUNGE_SOCKET" \
        --log-file=/var/log/munge/munged.log --pid-file=/run/munge/munged.pid \
        </dev/null >"$LOG_DIR/munged.out" 2>&1 &
    echo $! >"$PID_DIR/munged.pid"
    for _ in $(seq 1 50); do
        munge_works && return 0
        alive munged || break
        sleep 0.2
    done
    tail -n 20 "$LOG_DIR/munged.out" /var/log/munge/munged.log >&2 2>/dev/null || true
    die "munged did not come up (socket $MUNGE_SOCKET)"
}

# --- slurm.conf -----------------------------------------------------------------

node_hw() { # prints "CPUs=.. Boards=.. SocketsPerBoard=.. CoresPerSocket=.. ThreadsPerCore=.. RealMemory=.."
    local out word hw=""
    out="$(slurmd -C 2>/dev/null | head -n 1 || true)"
    for word in $out; do
        case "$word" in
        CPUs=* | Boards=* | SocketsPerBoard=* | CoresPerSocket=* | ThreadsPerCore=* | RealMemory=*)
            hw+="$word "
            ;;
        esac
    done
    if [[ "$hw" != *CPUs=* || "$hw" != *RealMemory=* ]]; then
        # fallback: plain counts (slurm then assumes 1 socket, 1 thread per core)
        local cpus mem
        cpus="$(nproc)"
        mem="$(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo)"
        hw="CPUs=$cpus RealMemory=$mem "
    fi
    echo "${hw% }"
}

write_conf() {
    local hw cpus mem defmem
    hw="$(node_hw)"
    cpus="$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$hw")"
    mem="$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")"
    [[ -n "$cpus" && -n "$mem" ]] || die "could not determine CPUs/RealMemory (got: $hw)"
    # default memory per allocated CPU for jobs without a memory request
    defmem=$((mem / cpus))
    ((defmem > 1000)) && defmem=1000
    cat >"$CONF" <<EOF
# Generated by tests/cluster/local_slurm.sh -- throw-away single-node test cluster.
ClusterName=winenet
# "localhost" is replaced by this host's short name by slurm; talk over loopback.
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
SwitchType=switch/none
# no cgroups available here
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# no slurmdbd
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$defmem
# keep finished jobs visible to squeue long enough for snakemake's status checks
# (>= 3x the executor plugin's init wait)
MinJobAge=300
ReturnToService=2
SlurmdTimeout=300
SlurmctldTimeout=120
InactiveLimit=0
KillWait=5
Waittime=0
StateSaveLocation=$CTLD_DIR
SlurmdSpoolDir=$SPOOL_DIR
SlurmctldPidFile=$RUN_DIR/slurmctld.pid
SlurmdPidFile=$RUN_DIR/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
MailProg=/bin/true
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$STATE_DIR/plugstack.conf

NodeName=$NODE NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=main Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
    : >"$STATE_DIR/plugstack.conf"
}

# /etc/slurm/slurm.conf -> $CONF (needed by the srun inside jobs, see top)
link_etc_conf() {
    if [[ -L "$ETC_CONF" ]]; then
        rm -f "$ETC_CONF"
    elif [[ -e "$ETC_CONF" ]]; then
        die "$ETC_CONF exists and is not a symlink made by this script; refusing to replace it (a real SLURM install?). Move it away to use the test cluster."
    fi
    mkdir -p "$(dirname "$ETC_CONF")"
    ln -s "$CONF" "$ETC_CONF"
}

unlink_etc_conf() {
    if [[ -L "$ETC_CONF" && "$(readlink "$ETC_CONF")" == "$CONF" ]]; then
        rm -f "$ETC_CONF"
    fi
}

# --- start / stop / status ---------------------------------------------------

start_daemon() { # name cmd...
    local name="$1"
    shift
    # setsid: own session, so a Ctrl-C/SIGHUP to the caller does not hit the
    # daemon; in a script it execs directly, so $! is the daemon's PID.
    setsid "$@" </dev/null >"$LOG_DIR/$name.out" 2>&1 &
    echo $! >"$PID_DIR/$name.pid"
}

node_state() {
    sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n 1 || true
}

wait_idle() {
    local deadline=$((SECONDS + START_TIMEOUT)) state=""
    while ((SECONDS < deadline)); do
        for d in slurmctld slurmd; do
            if ! alive "$d"; then
                log_tails
                die "$d exited during startup (logs in $LOG_DIR)"
            fi
        done
        state="$(node_state)"
        case "$state" in
        idle | mixed | allocated) return 0 ;;
        esac
        sleep 1
    done
    log_tails
    sinfo -R >&2 2>/dev/null || true
    die "node '$NODE' not idle after ${START_TIMEOUT}s (state: '${state:-none}'; logs in $LOG_DIR)"
}

# a failed start must not leave half a cluster behind
cleanup_failed_start() {
    local rc=$?
    trap - EXIT
    if ((rc != 0)) && any_recorded; then
        echo "local_slurm: start failed; stopping what was started" >&2
        cmd_stop >&2 || true
        # repeat the reason as the last line, for callers that report it
        [[ -n "$LAST_ERROR" ]] && echo "local_slurm: ERROR: $LAST_ERROR" >&2
    fi
    exit "$rc"
}

cmd_start() {
    [[ "$(id -u)" == 0 ]] || die "must run as root (starts munged/slurmd and may apt-get install)"
    if any_recorded && all_alive; then
        info "already running (state dir $STATE_DIR)"
        info "export SLURM_CONF=$CONF"
        return 0
    fi
    if any_recorded; then
        info "found a partly running/stale cluster in $STATE_DIR; stopping it first"
        cmd_stop
    fi

    mkdir -p "$STATE_DIR"
    chmod 0755 "$STATE_DIR"
    ensure_packages
    ensure_users
    trap cleanup_failed_start EXIT
    install -d -m 0755 "$PID_DIR" "$RUN_DIR" "$LOG_DIR" "$SPOOL_DIR"
    install -d -o slurm -g slurm -m 0755 "$CTLD_DIR"
    setpriv --reuid=slurm --regid=slurm --clear-groups test -w "$CTLD_DIR" \
        || die "user slurm cannot write $CTLD_DIR; choose a WINENET_SLURM_DIR whose parents are world-traversable"
    # slurmctld runs as SlurmUser=slurm and must be able to write its log/pid
    # fresh logs for every start, so error tails show this start only
    : >"$LOG_DIR/slurmctld.log"
    : >"$LOG_DIR/slurmd.log"
    chown slurm:slurm "$LOG_DIR/slurmctld.log"
    chown slurm:slurm "$RUN_DIR"
    rm -f "$RUN_DIR"/*.pid

    start_munged
    write_conf
    link_etc_conf

    # -D: foreground, so $! is the daemon's PID; -c: discard any previous state.
    start_daemon slurmctld slurmctld -D -c -f "$CONF"
    # give slurmctld a moment to listen before slurmd registers (slurmd retries anyway)
    for _ in $(seq 1 30); do
        scontrol ping >/dev/null 2>&1 && break
        alive slurmctld || break
        sleep 0.5
    done
    start_daemon slurmd slurmd -D -N "$NODE" -f "$CONF"
    wait_idle
    trap - EXIT
    info "running: $(for d in "${DAEMONS[@]}"; do printf '%s=%s ' "$d" "$(recorded_pid "$d" || true)"; done)"
    info "export SLURM_CONF=$CONF"
    sinfo
}

cmd_stop() {
    if ! any_recorded; then
        info "not running (no recorded PIDs in $PID_DIR)"
        rm -f "$PID_DIR/munged.external"
        unlink_etc_conf
        return 0
    fi
    # cancel leftover jobs so no slurmstepd/job processes outlive slurmd
    if alive slurmctld; then
        local jobs
        jobs="$(squeue -h -o '%i' 2>/dev/null || true)"
        if [[ -n "$jobs" ]]; then
            info "cancelling jobs: ${jobs//$'\n'/ }"
            # shellcheck disable=SC2086
            scancel $jobs 2>/dev/null || true
            for _ in $(seq 1 15); do
                [[ -z "$(squeue -h -t RUNNING,COMPLETING -o '%i' 2>/dev/null || true)" ]] && break
                sleep 1
            done
        fi
    fi
    local d pid idx
    for ((idx = ${#DAEMONS[@]} - 1; idx >= 0; idx--)); do
        d="${DAEMONS[idx]}"
        pid="$(recorded_pid "$d")"
        [[ -n "$pid" ]] || continue
        if alive "$d"; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 100); do
                alive "$d" || break
                sleep 0.2
            done
            if alive "$d"; then
                info "$d ($pid) ignored SIGTERM; sending SIGKILL"
                kill -KILL "$pid" 2>/dev/null || true
                sleep 0.5
            fi
            alive "$d" && die "$d ($pid) still alive after SIGKILL"
            info "stopped $d ($pid)"
        else
            info "$d ($pid) was not running"
        fi
        # reap if it is our child (only the case within the same shell)
        wait "$pid" 2>/dev/null || true
        rm -f "$PID_DIR/$d.pid"
    done
    rm -f "$PID_DIR/munged.external" "$RUN_DIR"/*.pid
    unlink_etc_conf
}

cmd_status() {
    local d pid rc=0
    for d in "${DAEMONS[@]}"; do
        pid="$(recorded_pid "$d")"
        if [[ "$d" == munged && -e "$PID_DIR/munged.external" ]]; then
            if munge_works; then echo "munged: running (external, not started by this script)"
            else echo "munged: external munged NOT working"; rc=1; fi
        elif [[ -z "$pid" ]]; then
            echo "$d: not started (no pid recorded)"
            rc=1
        elif alive "$d"; then
            echo "$d: running (pid $pid)"
        else
            echo "$d: DEAD (recorded pid $pid)"
            rc=1
        fi
    done
    echo "SLURM_CONF=$CONF"
    if alive slurmctld; then
        sinfo 2>&1 || rc=1
    else
        echo "sinfo: skipped (slurmctld not running)"
    fi
    return "$rc"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) echo "export SLURM_CONF=$CONF" ;;
*)
    echo "usage: $0 start|stop|status|env   (state dir: \$WINENET_SLURM_DIR, default /tmp/winenet-slurm)" >&2
    exit 2
    ;;
esac
