#!/usr/bin/env bash
# parse_logs.sh - count and group errors in Rails production.log and nginx logs.
#
# Part of hms remote-cli-tools. Self-contained on purpose (the agent may copy a
# single script to a server): needs only bash >= 4.4, coreutils, grep and a
# POSIX awk (mawk is fine - no gawk extensions are used).
#
# Exit codes (Nagios convention, fixed meaning):
#   0 OK        no error lines found
#   1 WARNING   some error lines found
#   2 CRITICAL  more than --critical 5xx/FATAL/emerg lines in total
#   3 UNKNOWN   usage error, invalid configuration, or no log file could be read
set -euo pipefail
export LC_ALL=C

readonly PROG=${0##*/}
readonly EXIT_OK=0 EXIT_WARNING=1 EXIT_CRITICAL=2 EXIT_UNKNOWN=3

usage() {
  cat <<EOF
Usage: $PROG [--since MINUTES] [--top N] [--critical N] [--window MB] [--json] [--] [FILES...]

Scan Rails production.log files and nginx error/access logs for errors, count
them per file and group similar messages (numbers, hex strings and ids are
replaced by "N", so "User 12 not found" and "User 34 not found" are one group).

What counts as an error line:
  Rails log      lines with the word FATAL or ERROR, "Completed 5xx", or an
                 exception class name ending in Error or Exception
                 (NoMethodError, ActionController::RoutingError, ...)
  nginx error    lines with [error], [crit], [alert] or [emerg]
  nginx access   lines whose status (field 9, combined log format) is 5xx
"Severe" lines are 5xx (Rails "Completed 5xx" and access-log 5xx), FATAL and
[emerg]; their total decides CRITICAL.

Options:
  --since MINUTES  only count lines from the last MINUTES minutes. This is an
                   APPROXIMATION: only the last --window MB of each file are
                   read (tail -c), then lines are filtered by their own
                   timestamp (server local time; lines without a timestamp,
                   e.g. backtraces, follow the line before them). Files larger
                   than the window are flagged "truncated".
  --window MB      size of the tail window used with --since (default 256)
  --top N          show the N most frequent messages per file (default 10, 0-1000)
  --critical N     CRITICAL when more than N severe lines in total (default 100)
  --json           print one JSON object on stdout instead of text
  -h, --help       show this help and exit 0

Files (default when no FILES are given):
  \$HMS_APP_ROOT/<app>/shared/log/production.log  (or current/log/production.log)
      for each app in \$HMS_APPS
  \$HMS_NGINX_LOG_DIR/*error.log and *access.log  (error.log, cigar.error.log, ...)
  Missing or unreadable files are reported as skipped. The type of a FILE given
  on the command line is guessed from its first lines (nginx error/access line
  format), then from its name (*access*, *error*); anything else is read as a
  Rails log. Files are streamed (grep | awk), never loaded into memory.

Environment:
  HMS_APPS           space-separated app names (default: "cigar tobacco");
                     each must match ^[a-z][a-z0-9_-]{0,31}\$
  HMS_APP_ROOT       default /var/www
  HMS_NGINX_LOG_DIR  default /var/log/nginx

Exit codes:
  0 OK        no error lines
  1 WARNING   some error lines
  2 CRITICAL  severe (5xx/FATAL/emerg) lines above --critical
  3 UNKNOWN   bad arguments or configuration, or no log file could be read
EOF
}

die_usage() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  printf 'Try "%s --help" for usage.\n' "$PROG" >&2
  exit "$EXIT_UNKNOWN"
}

# json_str STRING: sets REPLY to STRING as a quoted, escaped JSON string.
json_str() {
  local s=$1 out='' c i
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  if [[ $s == *[$'\001'-$'\037']* ]]; then
    for ((i = 0; i < ${#s}; i++)); do
      c=${s:i:1}
      if [[ $c == [$'\001'-$'\037'] ]]; then
        printf -v c '\\u%04x' "'$c"
      fi
      out+=$c
    done
    s=$out
  fi
  REPLY="\"$s\""
}

is_uint() { [[ $1 =~ ^[0-9]{1,9}$ ]]; }

# ---------------------------------------------------------------- arguments
since='' top=10 critical=100 window_mb=256 json=0
files=()
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit "$EXIT_OK" ;;
    --json) json=1 ;;
    --since | --top | --critical | --window)
      (($# >= 2)) || die_usage "option $1 needs a value"
      is_uint "$2" || die_usage "option $1 needs a non-negative integer, got '$2'"
      case $1 in
        --since) since=$((10#$2)) ;;
        --top) top=$((10#$2)) ;;
        --critical) critical=$((10#$2)) ;;
        --window) window_mb=$((10#$2)) ;;
      esac
      shift
      ;;
    --since=* | --top=* | --critical=* | --window=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}"
      continue
      ;;
    --) shift; files+=("$@"); break ;;
    -*) die_usage "unknown option '$1'" ;;
    *) files+=("$1") ;;
  esac
  shift
done
[[ -z $since ]] || ((since >= 1)) || die_usage "--since must be at least 1 minute"
((top <= 1000)) || die_usage "--top must be between 0 and 1000"
((window_mb >= 1)) || die_usage "--window must be at least 1 MB"

# ------------------------------------------------------------ configuration
apps_raw=${HMS_APPS-cigar tobacco}
read -r -a apps <<<"$apps_raw" || true
for app in "${apps[@]}"; do
  [[ $app =~ ^[a-z][a-z0-9_-]{0,31}$ ]] ||
    die_usage "invalid app name '$app' in HMS_APPS (must match ^[a-z][a-z0-9_-]{0,31}\$)"
done
app_root=${HMS_APP_ROOT:-/var/www}
nginx_dir=${HMS_NGINX_LOG_DIR:-/var/log/nginx}

# targets: parallel arrays of path and type (rails|nginx-error|nginx-access)
t_path=() t_type=()
skip_path=() skip_reason=()

add_target() { t_path+=("$1"); t_type+=("$2"); }
add_skip() { skip_path+=("$1"); skip_reason+=("$2"); }

sniff_type() {
  local f=$1 base head_lines
  head_lines=$(head -c 8192 -- "$f" 2>/dev/null | tr -d '\000') || head_lines=''
  if grep -qE '^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} \[' <<<"$head_lines"; then
    REPLY=nginx-error
    return
  fi
  if grep -qE '^[^ ]+ [^ ]+ [^ ]+ \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:' <<<"$head_lines"; then
    REPLY=nginx-access
    return
  fi
  base=${f##*/}
  case $base in
    *access*) REPLY=nginx-access ;;
    *error*) REPLY=nginx-error ;;
    *) REPLY=rails ;;
  esac
}

if ((${#files[@]} > 0)); then
  for f in "${files[@]}"; do
    [[ -n $f ]] || die_usage "empty file name"
    sniff_type "$f"
    add_target "$f" "$REPLY"
  done
else
  declare -A seen=()
  for app in "${apps[@]}"; do
    found=0
    for cand in "$app_root/$app/shared/log/production.log" "$app_root/$app/current/log/production.log"; do
      [[ -e $cand ]] || continue
      real=$(readlink -f -- "$cand") || real=$cand
      found=1
      [[ -z ${seen[$real]:-} ]] || continue
      seen[$real]=1
      add_target "$cand" rails
    done
    ((found)) || add_skip "$app_root/$app/shared/log/production.log" \
      "not found (also tried $app_root/$app/current/log/production.log)"
  done
  for kind in error access; do
    matched=0
    for cand in "$nginx_dir"/*"$kind".log; do
      [[ -e $cand ]] || continue
      matched=1
      add_target "$cand" "nginx-$kind"
    done
    ((matched)) || add_skip "$nginx_dir/$kind.log" "not found"
  done
fi

# ------------------------------------------------------------------ scanning
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hms-parse-logs.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

cutoff=''
if [[ -n $since ]]; then
  printf -v cutoff '%(%Y-%m-%dT%H:%M:%S)T' "$((EPOCHSECONDS - since * 60))"
fi
window_bytes=$((window_mb * 1024 * 1024))

# Cheap pre-filter (grep is much faster than awk on the non-matching majority);
# awk below re-checks every line precisely with POSIX-only regexes.
prefilter_for() {
  case $1 in
    rails) REPLY='FATAL|ERROR|Completed 5[0-9][0-9]|[A-Z][A-Za-z]+(Error|Exception)' ;;
    nginx-error) REPLY='\[(error|crit|alert|emerg)\]' ;;
    nginx-access) REPLY='" 5[0-9][0-9]( |$)' ;;
  esac
}

# grep exits 1 when nothing matched; that is not an error here.
grep_lines() { grep -a -E -e "$1" || (($? == 1)); }

candidate_lines() { # path truncated(0|1) pattern
  if (($2)); then
    # bounded window; drop the first, probably partial, line
    tail -c "$window_bytes" -- "$1" | tail -n +2 | grep_lines "$3"
  else
    grep_lines "$3" <"$1"
  fi
}

# POSIX awk (mawk-safe: no {n} intervals, no \b, no gawk functions).
# shellcheck disable=SC2016 # $0 etc. are awk variables, not shell
awk_prog='
function ts_of(line,   t, mon) {
  if (type == "nginx-error") {
    if (match(line, /^[0-9][0-9][0-9][0-9]\/[0-9][0-9]\/[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]/)) {
      t = substr(line, 1, 19); gsub(/\//, "-", t)
      return substr(t, 1, 10) "T" substr(t, 12, 8)
    }
    return ""
  }
  if (type == "nginx-access") {
    if (match(line, /\[[0-9][0-9]\/[A-Z][a-z][a-z]\/[0-9][0-9][0-9][0-9]:[0-9][0-9]:[0-9][0-9]:[0-9][0-9]/)) {
      t = substr(line, RSTART + 1, RLENGTH - 1)
      mon = index("JanFebMarAprMayJunJulAugSepOctNovDec", substr(t, 4, 3))
      if (mon == 0) return ""
      return sprintf("%s-%02d-%sT%s", substr(t, 8, 4), (mon + 2) / 3, substr(t, 1, 2), substr(t, 13, 8))
    }
    return ""
  }
  if (match(line, /[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]/)) {
    t = substr(line, RSTART, 19)
    return substr(t, 1, 10) "T" substr(t, 12, 8)
  }
  return ""
}
# replace numbers, hex strings and long ids by N; N.N.N / N-N-N collapse to N
function norm(s,   out, w, sep, lastn) {
  if (length(s) > 300) s = substr(s, 1, 300)
  out = ""; lastn = 0
  while (match(s, /[A-Za-z0-9_]+/)) {
    sep = substr(s, 1, RSTART - 1)
    w = substr(s, RSTART, RLENGTH)
    s = substr(s, RSTART + RLENGTH)
    if (w ~ /[0-9]/) {
      if (w ~ /^[0-9A-Fa-f]+$/ || w ~ /^0[xX][0-9A-Fa-f]+$/ || length(w) >= 16) w = "N"
      else gsub(/[0-9]+/, "N", w)
    }
    if (w == "N" && lastn && (sep == "-" || sep == "." || sep == ":")) continue
    lastn = (w == "N")
    out = out sep w
  }
  return out s
}
function word_re(line, re) { return line ~ ("(^|[^A-Za-z0-9_])" re "([^A-Za-z0-9_]|$)") }
{
  line = $0
  if (cutoff != "") {
    t = ts_of(line)
    if (t != "") inwin = (t >= cutoff)
    if (!inwin) next
  }
  sev = 0; m = ""
  if (type == "rails") {
    if (line ~ /Completed 5[0-9][0-9]/ || word_re(line, "FATAL")) sev = 1
    else if (!word_re(line, "ERROR") && !word_re(line, "[A-Z][A-Za-z]+(Error|Exception)")) next
    m = line
    sub(/^[A-Z], \[[^]]*\] +[A-Z]+ -- [^:]*: /, "", m)
    while (m ~ /^\[[^]]*\] /) sub(/^\[[^]]*\] /, "", m)
    gsub(/[[:cntrl:]]/, " ", m)
    if (match(m, /Completed 5[0-9][0-9]/)) {
      m = substr(m, RSTART)
      sub(/ in [0-9][0-9.]*ms.*$/, "", m)
      if (length(m) > 200) m = substr(m, 1, 200)
    } else m = norm(m)
  } else if (type == "nginx-error") {
    if (!match(line, /\[(error|crit|alert|emerg)\]/)) next
    lvl = substr(line, RSTART + 1, RLENGTH - 2)
    if (lvl == "emerg") sev = 1
    m = substr(line, RSTART + RLENGTH)
    sub(/^ [0-9]+#[0-9]+: /, "", m)
    sub(/^\*[0-9]+ /, "", m)
    i = index(m, ", client: "); if (i > 0) m = substr(m, 1, i - 1)
    gsub(/[[:cntrl:]]/, " ", m)
    m = "[" lvl "] " norm(m)
  } else {
    st = $9
    if (st !~ /^[0-9][0-9][0-9]$/) {
      if (!match(line, /" [0-9][0-9][0-9]( |$)/)) next
      st = substr(line, RSTART + 2, 3)
    }
    if (st !~ /^5/) next
    sev = 1
    req = ""
    if (match(line, /"[^"]*"/)) req = substr(line, RSTART + 1, RLENGTH - 2)
    n = split(req, r, " ")
    path = (n >= 2) ? r[2] : req
    sub(/[?#].*$/, "", path)
    gsub(/[[:cntrl:]]/, " ", path)
    m = st " " ((n >= 2) ? r[1] " " : "") norm(path)
  }
  sub(/^ +/, "", m); sub(/ +$/, "", m)
  if (m == "") m = "(empty message)"
  errs++
  if (sev) sevs++
  if (m in cnt) cnt[m]++
  else if (nkeys < cap) { cnt[m] = 1; nkeys++ }
  else other++
}
END {
  printf "E\t%d\nS\t%d\nD\t%d\nO\t%d\n", errs, sevs, nkeys, other
  for (i = 1; i <= top; i++) {
    best = ""; bc = 0
    for (k in cnt) if (cnt[k] > bc || (cnt[k] == bc && k < best)) { best = k; bc = cnt[k] }
    if (bc == 0) break
    printf "M\t%d\t%s\n", bc, best
    delete cnt[best]
  }
}'

total_err=0 total_sev=0 scanned=0
r_path=() r_type=() r_err=() r_sev=() r_trunc=() r_size=() r_top=() r_distinct=() r_other=()

for idx in "${!t_path[@]}"; do
  f=${t_path[idx]}
  type=${t_type[idx]}
  if [[ ! -e $f ]]; then add_skip "$f" "not found"; continue; fi
  if [[ -d $f ]]; then add_skip "$f" "is a directory"; continue; fi
  if [[ ! -r $f ]]; then add_skip "$f" "permission denied"; continue; fi
  size=$(stat -L -c %s -- "$f" 2>/dev/null) || size=0
  trunc=0
  if [[ -n $since ]] && [[ -f $f ]] && ((size > window_bytes)); then trunc=1; fi
  prefilter_for "$type"
  out=$tmp/result.$idx
  if ! candidate_lines "$f" "$trunc" "$REPLY" |
    awk -v type="$type" -v cutoff="$cutoff" -v top="$top" -v cap=10000 -v inwin=1 "$awk_prog" >"$out.raw" 2>"$tmp/err"; then
    add_skip "$f" "read error: $(head -c 300 "$tmp/err" | tr '\n' ' ')"
    continue
  fi
  # keep output valid UTF-8 (logs may contain arbitrary bytes)
  if command -v iconv >/dev/null 2>&1; then
    iconv -c -f UTF-8 -t UTF-8 <"$out.raw" >"$out" 2>/dev/null || :
  else
    tr -d '\200-\377' <"$out.raw" >"$out"
  fi
  e=0 s=0 d=0 o=0 tops=''
  while IFS=$'\t' read -r tag a b; do
    case $tag in
      E) e=$a ;;
      S) s=$a ;;
      D) d=$a ;;
      O) o=$a ;;
      M) tops+="$a"$'\t'"$b"$'\n' ;;
    esac
  done <"$out"
  scanned=$((scanned + 1))
  total_err=$((total_err + e))
  total_sev=$((total_sev + s))
  r_path+=("$f") r_type+=("$type") r_err+=("$e") r_sev+=("$s") r_trunc+=("$trunc")
  r_size+=("$size") r_top+=("$tops") r_distinct+=("$d") r_other+=("$o")
done

# ------------------------------------------------------------------- verdict
if ((scanned == 0)); then
  code=$EXIT_UNKNOWN status=UNKNOWN
  summary="no log file could be read (${#skip_path[@]} skipped)"
elif ((total_sev > critical)); then
  code=$EXIT_CRITICAL status=CRITICAL
  summary="$total_err error lines, $total_sev severe (5xx/FATAL/emerg) > --critical $critical, in $scanned files"
elif ((total_err > 0)); then
  code=$EXIT_WARNING status=WARNING
  summary="$total_err error lines ($total_sev severe) in $scanned files"
else
  code=$EXIT_OK status=OK
  summary="no errors in $scanned files"
fi
[[ -z $since ]] || summary+=" (last $since min, approximate)"

if ((json)); then
  out='{'
  json_str "$status"
  out+="\"status\":$REPLY,\"exit_code\":$code"
  json_str "$summary"
  out+=",\"summary\":$REPLY"
  out+=",\"since_minutes\":${since:-null},\"critical_threshold\":$critical,\"top\":$top"
  out+=",\"total_errors\":$total_err,\"total_severe\":$total_sev,\"files\":["
  for i in "${!r_path[@]}"; do
    ((i == 0)) || out+=','
    json_str "${r_path[i]}"
    out+="{\"path\":$REPLY,\"type\":\"${r_type[i]}\",\"errors\":${r_err[i]},\"severe\":${r_sev[i]}"
    trunc_json=false
    ((r_trunc[i] == 0)) || trunc_json=true
    out+=",\"size_bytes\":${r_size[i]},\"truncated\":$trunc_json"
    out+=",\"distinct_messages\":${r_distinct[i]},\"messages_not_grouped\":${r_other[i]},\"top\":["
    first=1
    while IFS=$'\t' read -r cnt msg; do
      [[ -n $cnt ]] || continue
      ((first)) || out+=','
      first=0
      json_str "$msg"
      out+="{\"count\":$cnt,\"message\":$REPLY}"
    done <<<"${r_top[i]}"
    out+=']}'
  done
  out+='],"skipped":['
  for i in "${!skip_path[@]}"; do
    ((i == 0)) || out+=','
    json_str "${skip_path[i]}"
    out+="{\"path\":$REPLY"
    json_str "${skip_reason[i]}"
    out+=",\"reason\":$REPLY}"
  done
  out+=']}'
  printf '%s\n' "$out"
else
  printf '%s: %s\n' "$status" "$summary"
  for i in "${!r_path[@]}"; do
    note=''
    if ((r_trunc[i])); then
      tenths=$((r_size[i] * 10 / 1048576))
      note=" [truncated: only the last $window_mb MB of $((tenths / 10)).$((tenths % 10)) MB read]"
    fi
    printf '== %s (%s): %d error lines, %d severe%s\n' "${r_path[i]}" "${r_type[i]}" "${r_err[i]}" "${r_sev[i]}" "$note"
    while IFS=$'\t' read -r cnt msg; do
      [[ -n $cnt ]] || continue
      printf '  %7d  %s\n' "$cnt" "$msg"
    done <<<"${r_top[i]}"
    ((r_other[i] == 0)) || printf '  %7d  (more distinct messages than could be grouped)\n' "${r_other[i]}"
  done
  for i in "${!skip_path[@]}"; do
    printf -- '-- skipped %s: %s\n' "${skip_path[i]}" "${skip_reason[i]}"
  done
fi
exit "$code"
