#!/usr/bin/env bash
# check_status.sh - state of every managed systemd unit, from ONE systemctl call.
#
# Part of hms remote-cli-tools. Self-contained (the agent may copy a single
# script to a server): needs bash >= 4.4, coreutils and systemctl.
#
# Exit codes (Nagios convention, fixed meaning):
#   0 OK        every unit active
#   1 WARNING   a unit is activating/reloading/deactivating, or was restarted
#               automatically (NRestarts > 0)
#   2 CRITICAL  a unit is failed, inactive or not found
#   3 UNKNOWN   usage error, invalid configuration, or no usable systemd
set -euo pipefail
export LC_ALL=C

readonly PROG=${0##*/}
readonly EXIT_OK=0 EXIT_WARNING=1 EXIT_CRITICAL=2 EXIT_UNKNOWN=3
readonly UNIT_RE='^[A-Za-z0-9_][A-Za-z0-9@_.:-]{0,250}\.(service|socket|timer|target|path|mount|scope|slice)$'

usage() {
  cat <<EOF
Usage: $PROG [--json]

Show ActiveState, SubState, since (ActiveEnterTimestamp), NRestarts and
MainPID of every managed systemd unit, read with a single
"systemctl show -p Id,LoadState,ActiveState,SubState,ActiveEnterTimestamp,NRestarts,MainPID"
call.

Options:
  --json      print one JSON object on stdout instead of text
  -h, --help  show this help and exit 0

Environment:
  HMS_APPS   space-separated app names (default: "cigar tobacco"); each must
             match ^[a-z][a-z0-9_-]{0,31}\$
  HMS_UNITS  space-separated managed units (default: <app>.service for each
             app, nginx.service and hms-agent.service)

Exit codes:
  0 OK        all units active
  1 WARNING   a unit is activating/reloading/deactivating, or NRestarts > 0
  2 CRITICAL  a unit is failed or inactive (or does not exist)
  3 UNKNOWN   bad arguments or configuration, systemctl missing, or systemd
              not running (not a systemd machine)
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

json=0
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit "$EXIT_OK" ;;
    --json) json=1 ;;
    -*) die_usage "unknown option '$1'" ;;
    *) die_usage "unexpected argument '$1'" ;;
  esac
  shift
done

# UNKNOWN at run time: message on stderr, and a JSON object on stdout with --json.
unknown() {
  printf '%s: UNKNOWN: %s\n' "$PROG" "$1" >&2
  if ((json)); then
    json_str "$1"
    printf '{"status":"UNKNOWN","exit_code":3,"summary":%s,"units":[]}\n' "$REPLY"
  else
    printf 'UNKNOWN: %s\n' "$1"
  fi
  exit "$EXIT_UNKNOWN"
}

# ------------------------------------------------------------ configuration
read -r -a apps <<<"${HMS_APPS-cigar tobacco}" || true
for app in "${apps[@]}"; do
  [[ $app =~ ^[a-z][a-z0-9_-]{0,31}$ ]] ||
    die_usage "invalid app name '$app' in HMS_APPS (must match ^[a-z][a-z0-9_-]{0,31}\$)"
done
if [[ -n ${HMS_UNITS:-} ]]; then
  read -r -a units <<<"$HMS_UNITS" || true
else
  units=()
  for app in "${apps[@]}"; do units+=("$app.service"); done
  units+=(nginx.service hms-agent.service)
fi
for u in "${units[@]}"; do
  [[ $u =~ $UNIT_RE ]] || die_usage "invalid unit name '$u' in HMS_UNITS"
done
((${#units[@]} > 0)) || die_usage "no managed units (HMS_UNITS and HMS_APPS are empty)"

# ------------------------------------------------------------------ systemd
command -v systemctl >/dev/null 2>&1 ||
  unknown "systemctl not found: this does not look like a systemd machine"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hms-check-status.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

to=()
if command -v timeout >/dev/null 2>&1; then to=(timeout 20); fi
rc=0
"${to[@]}" systemctl show --no-pager \
  -p Id,LoadState,ActiveState,SubState,ActiveEnterTimestamp,NRestarts,MainPID \
  -- "${units[@]}" >"$tmp/out" 2>"$tmp/err" || rc=$?
if ((rc != 0)); then
  msg=$(head -c 500 "$tmp/err" | tr '\n' ' ')
  msg=${msg%" "}
  if [[ $msg == *"not been booted with systemd"* || $msg == *"Failed to connect to bus"* ]]; then
    unknown "systemd is not running here (not a systemd machine): $msg"
  fi
  ((rc != 124)) || msg="timed out after 20 s"
  unknown "systemctl show failed (exit $rc): $msg"
fi

# ---------------------------------------------------------------- parsing
# One block of KEY=VALUE lines per unit, separated by empty lines, in the
# order the units were given.
declare -A prop=()
blocks=0
u_name=() u_load=() u_active=() u_sub=() u_since=() u_restarts=() u_pid=()
flush_block() {
  ((${#prop[@]} > 0)) || return 0
  local name=${units[blocks]:-${prop[Id]:-?}}
  u_name+=("$name")
  u_load+=("${prop[LoadState]:-}")
  u_active+=("${prop[ActiveState]:-}")
  u_sub+=("${prop[SubState]:-}")
  u_since+=("${prop[ActiveEnterTimestamp]:-}")
  u_restarts+=("${prop[NRestarts]:-}")
  u_pid+=("${prop[MainPID]:-}")
  blocks=$((blocks + 1))
  prop=()
}
while IFS= read -r line || [[ -n $line ]]; do
  if [[ -z $line ]]; then
    flush_block
    continue
  fi
  [[ $line == *=* ]] || continue
  prop[${line%%=*}]=${line#*=}
done <"$tmp/out"
flush_block

((blocks == ${#units[@]})) ||
  unknown "systemctl show returned $blocks unit blocks for ${#units[@]} units"

# ---------------------------------------------------------------- verdict
worst=$EXIT_OK n_ok=0 n_warn=0 n_crit=0
u_status=() u_note=()
for i in "${!u_name[@]}"; do
  st=$EXIT_OK note=''
  restarts=${u_restarts[i]}
  [[ $restarts =~ ^[0-9]+$ ]] || restarts=''
  case ${u_active[i]} in
    active)
      if [[ -n $restarts ]] && ((restarts > 0)); then
        st=$EXIT_WARNING note="restarted $restarts time(s) by systemd"
      fi
      ;;
    activating | reloading | deactivating) st=$EXIT_WARNING note="${u_active[i]}" ;;
    failed) st=$EXIT_CRITICAL note="failed" ;;
    inactive)
      st=$EXIT_CRITICAL note="inactive"
      [[ ${u_load[i]} != not-found ]] || note="unit not found"
      ;;
    *) st=$EXIT_WARNING note="unexpected ActiveState '${u_active[i]}'" ;;
  esac
  u_status+=("$st") u_note+=("$note")
  ((st <= worst)) || worst=$st
  case $st in
    0) n_ok=$((n_ok + 1)) ;;
    1) n_warn=$((n_warn + 1)) ;;
    *) n_crit=$((n_crit + 1)) ;;
  esac
done
names=(OK WARNING CRITICAL UNKNOWN)
status=${names[worst]}
summary="${#u_name[@]} units: $n_ok ok, $n_warn warning, $n_crit critical"

if ((json)); then
  json_str "$summary"
  out="{\"status\":\"$status\",\"exit_code\":$worst,\"summary\":$REPLY,\"units\":["
  for i in "${!u_name[@]}"; do
    ((i == 0)) || out+=','
    json_str "${u_name[i]}"
    out+="{\"unit\":$REPLY"
    json_str "${u_load[i]}"
    out+=",\"load_state\":$REPLY"
    json_str "${u_active[i]}"
    out+=",\"active_state\":$REPLY"
    json_str "${u_sub[i]}"
    out+=",\"sub_state\":$REPLY"
    if [[ -n ${u_since[i]} ]]; then json_str "${u_since[i]}"; else REPLY=null; fi
    out+=",\"since\":$REPLY"
    n=${u_restarts[i]}
    [[ $n =~ ^[0-9]+$ ]] || n=null
    out+=",\"n_restarts\":$n"
    n=${u_pid[i]}
    [[ $n =~ ^[0-9]+$ ]] || n=null
    out+=",\"main_pid\":$n"
    out+=",\"status\":\"${names[u_status[i]]}\""
    json_str "${u_note[i]}"
    out+=",\"note\":$REPLY}"
  done
  printf '%s]}\n' "$out"
else
  printf '%s: %s\n' "$status" "$summary"
  for i in "${!u_name[@]}"; do
    line=$(printf '%-8s %-28s %s/%s since %s, restarts=%s, pid=%s' \
      "${names[u_status[i]]}" "${u_name[i]}" "${u_active[i]:-?}" "${u_sub[i]:-?}" \
      "${u_since[i]:--}" "${u_restarts[i]:-?}" "${u_pid[i]:-?}")
    [[ -z ${u_note[i]} ]] || line+=" (${u_note[i]})"
    printf '%s\n' "$line"
  done
fi
exit "$worst"
