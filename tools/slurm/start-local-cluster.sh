#!/usr/bin/env bash
# A single-node SLURM cluster on this machine from Debian's packages (slurmctld, slurmd and munge on localhost), for
# trying `--executor slurm` and for CI. Idempotent: installs what is missing, writes a key and a slurm.conf only when
# absent (or when the conf was written by this script for another machine), starts the daemons that are not running,
# and waits until `sinfo` shows the node idle. Needs root (apt-get, the daemons' folders). No systemd is assumed.
#   tools/slurm/start-local-cluster.sh          # start (or check) the cluster
#   tools/slurm/start-local-cluster.sh --stop   # stop the daemons this script starts
set -euo pipefail

conf=/etc/slurm/slurm.conf
marker='# written by occam tools/slurm/start-local-cluster.sh'

if [ "$(id -u)" != 0 ]; then
  echo "start-local-cluster.sh: run as root (sudo $0): it installs packages and starts system daemons" >&2
  exit 1
fi

if [ "${1:-}" = --stop ]; then
  for pidfile in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
    if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then kill "$(cat "$pidfile")"; fi
  done
  echo "stopped slurmd, slurmctld and munged"
  exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sinfo >/dev/null; then
  echo "== installing slurm-wlm and munge (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

# munge: one key shared by every daemon of the cluster (here, one machine).
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  echo "== creating /etc/munge/munge.key"
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  echo "== starting munged"
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n </dev/null | unmunge >/dev/null || { echo "munged did not start (see /var/log/munge/munged.log)" >&2; exit 1; }
fi

# slurm.conf: this machine's real CPUs and memory, as slurmd itself measures them.
host=$(hostname -s)
node=$(slurmd -C | head -n 1)
node=${node/NodeName=$host/NodeName=$host NodeAddr=127.0.0.1}
if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
  echo "== keeping $conf (not written by this script)"
elif [ ! -e "$conf" ] || ! grep -qF "$node" "$conf"; then
  echo "== writing $conf for $host"
  install -d /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
  cat >"$conf" <<CONF
$marker
ClusterName=occam-local
SlurmctldHost=$host(127.0.0.1)
AuthType=auth/munge
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# No cgroups: a container or a CI machine may not delegate them.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MaxArraySize=10001
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  # A running controller keeps the old conf: restart both daemons below.
  for pidfile in /run/slurmd.pid /run/slurmctld.pid; do
    if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then kill "$(cat "$pidfile")"; sleep 1; fi
  done
fi

running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if ! running /run/slurmctld.pid; then
  echo "== starting slurmctld"
  slurmctld
fi
if ! running /run/slurmd.pid; then
  echo "== starting slurmd"
  slurmd
fi

echo "== waiting for the node to be idle"
for _ in $(seq 60); do
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1 || true)
  case "$state" in
    idle | mixed | allocated) break ;;
    down* | drain* | "") scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
sinfo
case "$state" in
  idle | mixed | allocated) echo "SLURM is up: try 'srun hostname' (the node is $host)" ;;
  *)
    echo "the node is '$state', not idle: see /var/log/slurm/slurmctld.log and /var/log/slurm/slurmd.log" >&2
    exit 1
    ;;
esac
