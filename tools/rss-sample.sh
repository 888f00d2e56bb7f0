#!/bin/bash
# usage: tools/rss-sample.sh OUT CMD [ARGS...]
# Runs CMD and appends, every 2 s, the seconds since its start and its (or its first child's,
# e.g. behind /usr/bin/time) VmHWM, VmRSS, RssAnon and RssFile in kB from /proc/PID/status to
# OUT; the last line is CMD's exit status, which is also this script's.
out=$1; shift
"$@" &
pid=$!
: > "$out"
start=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
  target=$(pgrep -P "$pid" | head -1); target=${target:-$pid}
  if [ -r "/proc/$target/status" ]; then
    s=$(awk '/VmHWM|VmRSS|RssAnon|RssFile/{printf "%s %s ", $1, $2}' "/proc/$target/status")
    echo "$(( $(date +%s) - start )) $s" >> "$out"
  fi
  sleep 2
done
wait "$pid"
rc=$?
echo "exit $rc" >> "$out"
exit $rc
