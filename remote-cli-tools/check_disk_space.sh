#!/usr/bin/env bash
# check_disk_space.sh - space and inode usage of the filesystems that hold
# the given paths (default /, /var and the app root), from POSIX "df -P".
#
# Part of hms remote-cli-tools. Self-contained (the agent may copy a single
# script to a server): needs bash >= 4.4 and coreutils.
#
# Exit codes (Nagios convention, fixed meaning):
#   0 OK        every filesystem below --warning (space and inodes)
#   1 WARNING   a filesystem at or above --warning
#   2 CRITICAL  a filesystem at or above --critical
#   3 UNKNOWN   usage error, a path does not exist, or df failed for a path
set -euo pipefail
export LC_ALL=C

readonly PROG=${0##*/}
readonly EXIT_OK=0 EXIT_WARNING=1 EXIT_CRITICAL=2 EXIT_UNKNOWN=3

usage() {
  cat <<EOF
Usage: $PROG [--warning PCT] [--critical PCT] [--path P ...] [--json]

Report space and inode usage (percent used, as "df -P" and "df -P -i" print
it) of the filesystem of each path. Paths on the same filesystem are reported
once. The worst of space and inode usage decides the state.

Options:
  --warning PCT   WARNING when usage >= PCT percent (default 80, 0-100)
  --critical PCT  CRITICAL when usage >= PCT percent (default 90, 0-100,
                  must be >= --warning)
  --path P        check the filesystem of P; repeat for several paths
                  (default: /, /var and \$HMS_APP_ROOT (/var/www), those that exist)
  --json          print one JSON object on stdout instead of text
  -h, --help      show this help and exit 0

Environment:
  HMS_APP_ROOT    default /var/www (checked by default when it exists)

Exit codes:
  0 OK        all filesystems below the warning threshold
  1 WARNING   some filesystem >= --warning (space or inodes)
  2 CRITICAL  some filesystem >= --critical (space or inodes)
  3 UNKNOWN   bad arguments, a --path that does not exist, or df failed
              (and nothing is WARNING/CRITICAL)
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

pct_arg() { # option value -> REPLY
  [[ $2 =~ ^[0-9]{1,3}$ ]] && ((10#$2 <= 100)) && REPLY=$((10#$2)) && return 0
  die_usage "option $1 needs a percentage between 0 and 100, got '$2'"
}

# ---------------------------------------------------------------- arguments
warning=80 critical=90 json=0
paths=()
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit "$EXIT_OK" ;;
    --json) json=1 ;;
    --warning | --critical | --path)
      (($# >= 2)) || die_usage "option $1 needs a value"
      case $1 in
        --warning) pct_arg "$1" "$2"; warning=$REPLY ;;
        --critical) pct_arg "$1" "$2"; critical=$REPLY ;;
        --path)
          [[ -n $2 ]] || die_usage "--path needs a non-empty path"
          [[ -e $2 ]] || die_usage "--path '$2' does not exist"
          paths+=("$2")
          ;;
      esac
      shift
      ;;
    --warning=* | --critical=* | --path=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}"
      continue
      ;;
    -*) die_usage "unknown option '$1'" ;;
    *) die_usage "unexpected argument '$1' (use --path P)" ;;
  esac
  shift
done
((warning <= critical)) || die_usage "--warning ($warning) must not be above --critical ($critical)"

if ((${#paths[@]} == 0)); then
  for p in / /var "${HMS_APP_ROOT:-/var/www}"; do
    [[ ! -e $p ]] || paths+=("$p")
  done
fi

to=()
if command -v timeout >/dev/null 2>&1; then to=(timeout 15); fi

# parse_df OUTPUT: parse the data line(s) of "df -P" / "df -P -i" output for
# one path. Robust to long device names (and to spaces in the device or mount
# point): the four numeric columns are found by position relative to the
# percentage column. Sets D_DEV D_TOTAL D_USED D_AVAIL D_PCT D_MOUNT.
parse_df() {
  local data w k n
  data=${1#*$'\n'}        # drop the header line
  data=${data//$'\n'/ }   # some df versions wrap long device names
  read -r -a w <<<"$data" || true
  n=${#w[@]}
  for ((k = 4; k < n; k++)); do
    if [[ ${w[k]} =~ ^([0-9]+%|-)$ && ${w[k - 1]} =~ ^([0-9]+|-)$ && ${w[k - 2]} =~ ^([0-9]+|-)$ && ${w[k - 3]} =~ ^([0-9]+|-)$ ]]; then
      D_DEV=${w[*]:0:k-3}
      D_TOTAL=${w[k - 3]} D_USED=${w[k - 2]} D_AVAIL=${w[k - 1]}
      D_PCT=${w[k]%\%}
      D_MOUNT=${w[*]:k+1}
      [[ $D_PCT != - ]] || D_PCT=''
      return 0
    fi
  done
  return 1
}

# ------------------------------------------------------------------ measure
declare -A fs_index=()
f_key=() f_dev=() f_mount=() f_paths=() f_total=() f_used=() f_avail=() f_pct=()
f_itotal=() f_iused=() f_ipct=() f_state=() f_note=()
unknown_paths=() unknown_reason=()

for p in "${paths[@]}"; do
  rc=0
  out=$("${to[@]}" df -P -- "$p" 2>&1) || rc=$?
  if ((rc != 0)) || ! parse_df "$out"; then
    unknown_paths+=("$p") unknown_reason+=("df -P failed (exit $rc): ${out//$'\n'/ }")
    continue
  fi
  key="$D_DEV|$D_MOUNT"
  if [[ -n ${fs_index[$key]:-} ]]; then
    i=${fs_index[$key]}
    f_paths[i]+=$'\n'"$p"
    continue
  fi
  i=${#f_key[@]}
  fs_index[$key]=$i
  f_key+=("$key") f_dev+=("$D_DEV") f_mount+=("$D_MOUNT") f_paths+=("$p")
  f_total+=("$D_TOTAL") f_used+=("$D_USED") f_avail+=("$D_AVAIL") f_pct+=("$D_PCT")
  rc=0
  out=$("${to[@]}" df -P -i -- "$p" 2>&1) || rc=$?
  if ((rc == 0)) && parse_df "$out"; then
    f_itotal+=("$D_TOTAL") f_iused+=("$D_USED") f_ipct+=("$D_PCT")
  else
    f_itotal+=('') f_iused+=('') f_ipct+=('')
  fi
done

# ------------------------------------------------------------------ verdict
names=(OK WARNING CRITICAL UNKNOWN)
n_warn=0 n_crit=0 worst_pct=-1 worst_ipct=-1
for i in "${!f_key[@]}"; do
  st=$EXIT_OK note=''
  for kind in space inodes; do
    if [[ $kind == space ]]; then v=${f_pct[i]}; else v=${f_ipct[i]}; fi
    [[ -n $v ]] || continue
    if [[ $kind == space ]]; then
      ((v <= worst_pct)) || worst_pct=$v
    else
      ((v <= worst_ipct)) || worst_ipct=$v
    fi
    if ((v >= critical)); then
      st=$EXIT_CRITICAL note+="${note:+, }$kind $v% >= $critical%"
    elif ((v >= warning)); then
      ((st == EXIT_CRITICAL)) || st=$EXIT_WARNING
      note+="${note:+, }$kind $v% >= $warning%"
    fi
  done
  [[ -n ${f_pct[i]} ]] || note+="${note:+, }space usage not reported"
  f_state+=("$st") f_note+=("$note")
  case $st in
    "$EXIT_WARNING") n_warn=$((n_warn + 1)) ;;
    "$EXIT_CRITICAL") n_crit=$((n_crit + 1)) ;;
  esac
done

if ((n_crit > 0)); then
  code=$EXIT_CRITICAL
elif ((n_warn > 0)); then
  code=$EXIT_WARNING
elif ((${#unknown_paths[@]} > 0 || ${#f_key[@]} == 0)); then
  code=$EXIT_UNKNOWN
else
  code=$EXIT_OK
fi
status=${names[code]}
summary="${#f_key[@]} filesystem(s)"
((worst_pct < 0)) || summary+=", highest space usage $worst_pct%"
((worst_ipct < 0)) || summary+=", highest inode usage $worst_ipct%"
summary+=" (warning $warning%, critical $critical%)"
((${#unknown_paths[@]} == 0)) || summary+=", ${#unknown_paths[@]} path(s) could not be checked"
((${#paths[@]} > 0)) || summary="no path to check (none of /, /var, ${HMS_APP_ROOT:-/var/www} exists)"

# KiB -> "12.3 GiB"
human_kib() {
  local kib=$1
  if ((kib >= 1048576)); then
    printf -v REPLY '%d.%d GiB' $((kib / 1048576)) $((kib % 1048576 * 10 / 1048576))
  else
    printf -v REPLY '%d.%d MiB' $((kib / 1024)) $((kib % 1024 * 10 / 1024))
  fi
}
num_or_null() { if [[ $1 =~ ^[0-9]+$ ]]; then REPLY=$1; else REPLY=null; fi; }

if ((json)); then
  json_str "$summary"
  out="{\"status\":\"$status\",\"exit_code\":$code,\"summary\":$REPLY"
  out+=",\"warning\":$warning,\"critical\":$critical,\"filesystems\":["
  for i in "${!f_key[@]}"; do
    ((i == 0)) || out+=','
    json_str "${f_mount[i]}"
    out+="{\"mount\":$REPLY"
    json_str "${f_dev[i]}"
    out+=",\"device\":$REPLY,\"paths\":["
    first=1
    while IFS= read -r p; do
      ((first)) || out+=','
      first=0
      json_str "$p"
      out+=$REPLY
    done <<<"${f_paths[i]}"
    out+=']'
    num_or_null "${f_total[i]}"; out+=",\"size_kib\":$REPLY"
    num_or_null "${f_used[i]}"; out+=",\"used_kib\":$REPLY"
    num_or_null "${f_avail[i]}"; out+=",\"avail_kib\":$REPLY"
    num_or_null "${f_pct[i]}"; out+=",\"use_pct\":$REPLY"
    num_or_null "${f_itotal[i]}"; out+=",\"inodes\":$REPLY"
    num_or_null "${f_iused[i]}"; out+=",\"inodes_used\":$REPLY"
    num_or_null "${f_ipct[i]}"; out+=",\"inode_use_pct\":$REPLY"
    out+=",\"status\":\"${names[f_state[i]]}\""
    json_str "${f_note[i]}"
    out+=",\"note\":$REPLY}"
  done
  out+='],"errors":['
  for i in "${!unknown_paths[@]}"; do
    ((i == 0)) || out+=','
    json_str "${unknown_paths[i]}"
    out+="{\"path\":$REPLY"
    json_str "${unknown_reason[i]}"
    out+=",\"reason\":$REPLY}"
  done
  printf '%s]}\n' "$out"
else
  printf '%s: %s\n' "$status" "$summary"
  for i in "${!f_key[@]}"; do
    plist=${f_paths[i]//$'\n'/, }
    line=$(printf '%-8s %s on %s (%s):' "${names[f_state[i]]}" "$plist" "${f_mount[i]}" "${f_dev[i]}")
    if [[ -n ${f_pct[i]} ]]; then
      human_kib "${f_avail[i]}"
      free=$REPLY
      human_kib "${f_total[i]}"
      line+=" space ${f_pct[i]}% used, $free free of $REPLY"
    else
      line+=" space usage n/a"
    fi
    if [[ -n ${f_ipct[i]} ]]; then
      line+="; inodes ${f_ipct[i]}% used (${f_iused[i]} of ${f_itotal[i]})"
    else
      line+="; inodes n/a"
    fi
    [[ -z ${f_note[i]} ]] || line+=" [${f_note[i]}]"
    printf '%s\n' "$line"
  done
  for i in "${!unknown_paths[@]}"; do
    printf 'UNKNOWN  %s: %s\n' "${unknown_paths[i]}" "${unknown_reason[i]}"
  done
fi
exit "$code"
