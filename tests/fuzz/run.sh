#!/usr/bin/env bash
# run.sh — one harness: replay its regression inputs, then fuzz from its seeds.
#
#   run.sh BIN TARGET REGRESS_DIR SECONDS RUNS DICT SEED...
#
# REGRESS_DIR: every file under it (but README*) is run once, first; any failure fails.
# SECONDS, RUNS: the bounds of the fuzzing run (-max_total_time, -runs; whichever comes first).
# DICT: a libFuzzer dictionary, or '-'.  SEED: files or folders (their files) copied into a new
# corpus in a temporary folder, never into the repository.
#
# The environment may override:
#   YAOHAO_FUZZ_SECONDS  the time (./dev fuzz); YAOHAO_FUZZ_RUNS the runs (-1: no bound)
#   YAOHAO_FUZZ_KEEP     a folder: the corpus, log and any crash are kept in KEEP/TARGET/ and
#                        a one-line summary is appended to KEEP/summary.txt
# Without KEEP the temporary folder is removed, unless the run failed: then its path is printed,
# with the crashing input and how to keep it as a regression input.
set -u
bin=$1 target=$2 regress=$3 seconds=$4 runs=$5 dict=$6
shift 6
seconds=${YAOHAO_FUZZ_SECONDS:-$seconds}
runs=${YAOHAO_FUZZ_RUNS:-$runs}

if [ -n "${YAOHAO_FUZZ_KEEP:-}" ]; then
	work=$YAOHAO_FUZZ_KEEP/$target
	rm -rf "$work"
	mkdir -p "$work"
	keep=1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/yaohao-fuzz-$target-XXXXXX")
	keep=0
fi
corpus=$work/corpus
mkdir -p "$corpus"
# The harnesses write each input to a file (importers, keys): under TMPDIR, in memory when
# /dev/shm can take it (a file on disk costs more than the import of a small one).
if [ -d /dev/shm ] && [ -w /dev/shm ] && scratch=$(mktemp -d /dev/shm/yaohao-fuzz-XXXXXX 2>/dev/null); then :
else scratch=$work/tmp; mkdir -p "$scratch"; fi
export TMPDIR=$scratch
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_addr2line=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1

finish() { # finish STATUS
	rm -rf "$scratch"
	if [ "$1" -ne 0 ]; then
		echo "fuzz.$target: FAILED; its files are kept in $work"
	elif [ "$keep" -eq 0 ]; then
		rm -rf "$work"
	fi
	exit "$1"
}
trap 'finish 1' INT TERM

show_failure() { # the log from the first report on (the stack), else its end
	local from
	from=$(grep -n -m 1 -E 'ERROR: |runtime error: |broken promise|^==[0-9]+==|Running: ' "$1" | cut -d: -f1)
	if [ -n "$from" ]; then sed -n "${from},\$p" "$1" | grep -v -E '^  (0x[0-9a-f]+:|[A-Z][a-z].*: +[0-9a-f ]+$)' | head -n 150
	else tail -n 80 "$1"; fi
}

# ---- the seeds ---------------------------------------------------------------------------
nseeds=0
add_seed() { # a file, named after its folder and name so that draw.json of each vector stays apart
	local name
	name=$(basename "$(dirname "$1")")-$(basename "$1")
	cp "$1" "$corpus/$name" && nseeds=$((nseeds + 1))
}
for s in "$@"; do
	if [ -d "$s" ]; then
		for f in "$s"/*; do [ -f "$f" ] && add_seed "$f"; done
	elif [ -f "$s" ]; then
		add_seed "$s"
	else
		echo "fuzz.$target: seed '$s' is missing"
		finish 1
	fi
done

# ---- the regression inputs ----------------------------------------------------------------
nregress=0
if [ -d "$regress" ]; then
	mapfile -t inputs < <(find "$regress" -type f ! -name 'README*' | sort)
	nregress=${#inputs[@]}
	if [ "$nregress" -gt 0 ]; then
		if ! "$bin" -timeout=60 "${inputs[@]}" >"$work/regress.log" 2>&1; then
			echo "fuzz.$target: a regression input under $regress fails again:"
			show_failure "$work/regress.log"
			finish 1
		fi
	fi
fi

# ---- the fuzzing run ----------------------------------------------------------------------
args=(-max_total_time="$seconds" -runs="$runs" -timeout=25 -rss_limit_mb=2048
      -print_final_stats=1 -artifact_prefix="$work/")
[ "$dict" != - ] && args+=(-dict="$dict")
start=$(date +%s)
"$bin" "${args[@]}" "$corpus" >"$work/log" 2>&1
status=$?
elapsed=$(( $(date +%s) - start ))

stat() { sed -n "s/^stat::$1: *//p" "$work/log" | tail -n 1; }
execs=$(stat number_of_executed_units)
rate=$(stat average_exec_per_sec)
cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
ncorpus=$(find "$corpus" -type f | wc -l)
summary="fuzz.$target: ${elapsed} s, ${execs:-?} runs, ${rate:-?} exec/s, cov ${cov:-?}, corpus $ncorpus ($nseeds seeds), $nregress regression input(s) replayed"
echo "$summary"
[ "$keep" -eq 1 ] && echo "$summary$([ $status -ne 0 ] && echo ' FAILED')" >>"$YAOHAO_FUZZ_KEEP/summary.txt"

if [ "$status" -ne 0 ]; then
	echo "fuzz.$target: libFuzzer exited $status:"
	show_failure "$work/log"
	for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*; do
		[ -f "$a" ] || continue
		echo "fuzz.$target: input: $a ($(wc -c <"$a") bytes); once understood, keep it:"
		echo "    mkdir -p tests/fuzz/regress/$target && cp '$a' tests/fuzz/regress/$target/"
	done
	finish 1
fi
finish 0
