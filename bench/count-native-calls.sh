#!/bin/sh
# Counts, per 64-byte write+read through a jipc pipe, the JNI calls into
# jipc's library (gdb breakpoints on every exported Java_* function) and the
# system calls (strace). Runs HotPathLoop with N and with 2N operations and
# prints the difference divided by N, so one-time calls (opening the pipe,
# looking up each buffer's address once) cancel out. Needs gdb and strace.
# Usage: bench/count-native-calls.sh [N]   (after mvn package in bench/)
set -eu
N=${1:-2000}
HERE=$(cd "$(dirname "$0")" && pwd)
JAR=$HERE/target/benchmarks.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

unzip -q -o "$JAR" 'io/github/jipc/internal/jni/*/libjniJipc.so' -d "$WORK"
LIB=$(find "$WORK" -name libjniJipc.so | head -n 1)
nm -D --defined-only "$LIB" | awk '$3 ~ /^Java_/ { print $3 }' > "$WORK/symbols"

# HotSpot uses these signals itself; gdb must hand them over silently.
{
  echo 'set pagination off'
  echo 'set breakpoint pending on'
  for s in SIGSEGV SIGBUS SIGILL SIGFPE SIGUSR1 SIGUSR2 SIGQUIT SIGPIPE; do
    echo "handle $s nostop noprint pass"
  done
  while read -r sym; do
    echo "break $sym"
    echo 'commands'
    echo 'silent'
    echo 'continue'
    echo 'end'
  done < "$WORK/symbols"
  echo 'run'
  echo 'info breakpoints'
} > "$WORK/gdb-commands"

jni_counts() {
  gdb -q -batch -x "$WORK/gdb-commands" --args "$JAVA" -cp "$JAR" io.github.jipc.bench.HotPathLoop "$1" 2>/dev/null \
    | awk '/^[0-9]+ +breakpoint/ { sym = $NF } /already hit/ { print sym, $4 }' \
    | sed -e 's/^.*Java_io_github_jipc_internal_jni_//' -e 's/[>+].* / /' | sort
}

syscall_counts() {
  strace -f -c -o "$WORK/strace" -e trace=read,write,readv,writev,poll,ppoll,select,pselect6,epoll_wait "$JAVA" -cp "$JAR" io.github.jipc.bench.HotPathLoop "$1"
  awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { print $NF, $4 }' "$WORK/strace" | sort
}

per_op() {
  join -a 2 -e 0 -o 2.1,1.2,2.2 "$1" "$2" \
    | awk -v n="$N" '{ d = $3 - $2; if (d > 0) printf "  %-45s %8.3f per operation\n", $1, d / n }'
}

jni_counts "$N" > "$WORK/jni1"
jni_counts $((2 * N)) > "$WORK/jni2"
echo "JNI calls into libjniJipc per 64 B write+read (runs of $N and $((2 * N)) operations):"
per_op "$WORK/jni1" "$WORK/jni2"

syscall_counts "$N" > "$WORK/sys1"
syscall_counts $((2 * N)) > "$WORK/sys2"
echo "I/O and wait system calls per 64 B write+read (the same runs, under strace):"
per_op "$WORK/sys1" "$WORK/sys2"
