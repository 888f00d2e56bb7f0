#!/bin/bash
# usage: tools/quiet.sh CMD [ARGS...]
# Runs CMD (max 20 minutes) with every other compile / test process on the machine paused
# (SIGSTOP), then resumes them (SIGCONT), also on error or Ctrl-C. One quiet run at a time
# (flock). Use it ONLY for performance measurements that need a quiet machine, keep them short.
exec 9>"${TMPDIR:-/tmp}/fabriek-quiet.lock"
echo "quiet.sh: waiting for the quiet lock..." >&2
flock 9
self=$$
ancestors=" $self "
p=$self
while [ "$p" -gt 1 ]; do p=$(ps -o ppid= -p "$p" | tr -d ' '); ancestors="$ancestors$p "; done
pids=$(ps -eo pid=,comm= | awk '$2 ~ /^(swift-frontend|swift-build|swift-test|swift-driver|swiftc|clang.*|ld.*|gold|FabriekPackageT.*|fabriek-bench|fabriek-admin|fabriek|wrk|chromium)$/ {print $1}')
stopped=""
for pid in $pids; do
  case "$ancestors" in *" $pid "*) continue;; esac
  kill -STOP "$pid" 2>/dev/null && stopped="$stopped $pid"
done
trap 'for pid in $stopped; do kill -CONT $pid 2>/dev/null; done' EXIT INT TERM
# A SIGKILL of this script skips the trap: a detached watchdog resumes them when it is gone.
setsid bash -c 'while kill -0 '"$self"' 2>/dev/null; do sleep 1; done; kill -CONT '"$stopped"' 2>/dev/null' \
  </dev/null >/dev/null 2>&1 &
echo "quiet.sh: paused $(echo $stopped | wc -w) processes; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
timeout 1200 "$@"
rc=$?
exit $rc
