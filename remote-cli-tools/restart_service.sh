#!/usr/bin/env bash
# restart_service.sh - restart ONE managed systemd unit, safely.
#
# Part of hms remote-cli-tools. Self-contained (the agent may copy a single
# script to a server): needs bash >= 4.4, coreutils and systemctl.
#
# Exit codes (Nagios convention, fixed meaning):
#   0 OK        unit restarted and active (or --dry-run: it would be restarted)
#   1 WARNING   (not used)
#   2 CRITICAL  nginx -t failed (restart refused), or the unit is not active
#               within --timeout seconds after the restart
#   3 UNKNOWN   usage error, unit not in the allow-list, invalid configuration,
#               or no usable systemd
set -euo pipefail
export LC_ALL=C

readonly PROG=${0##*/}
readonly EXIT_OK=0 EXIT_CRITICAL=2 EXIT_UNKNOWN=3
readonly UNIT_RE='^[A-Za-z0-9_][A-Za-z0-9@_.:-]{0,250}\.(service|socket|timer|target|path|mount|scope|slice)$'
readonly APP_RE='^[a-z][a-z0-9_-]{0,31}$'

usage() {
  cat <<EOF
Usage: $PROG [--dry-run] [--timeout SECONDS] [--json] UNIT|APP

Restart one managed systemd unit and wait until it is active again.
An APP name (e.g. cigar) means <app>.service. Only units in the managed list
are accepted; anything else is refused (exit 3) with the list of allowed units.

For nginx.service, "nginx -t" runs first and the restart is refused (exit 2,
with nginx's message) when the configuration is invalid.
Restarting hms-agent.service is only queued (systemctl --no-block), because
the restart ends the agent that runs this script; its state is not waited for.

Options:
  --dry-run          check everything (allow-list, systemd, nginx -t, current
                     state) but do not restart; exit 0 if a restart would be
                     attempted
  --timeout SECONDS  how long to wait for ActiveState=active (default 10, 1-300)
  --json             print one JSON object on stdout instead of text
  -h, --help         show this help and exit 0

Environment:
  HMS_APPS   space-separated app names (default: "cigar tobacco"); each must
             match ^[a-z][a-z0-9_-]{0,31}\$
  HMS_UNITS  space-separated managed units (default: <app>.service for each
             app, nginx.service and hms-agent.service)

Exit codes:
  0 OK        restarted and active (--dry-run: checks passed)
  2 CRITICAL  nginx config test failed (nothing restarted), or the unit did
              not become active within the timeout
  3 UNKNOWN   bad arguments, unit not allowed, bad configuration, no systemd
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

# show untrusted input safely (quoted, no control characters, bounded length)
shown() {
  local s=$1
  ((${#s} <= 64)) || s="${s:0:64}..."
  if [[ $s == *[[:cntrl:]]* ]]; then
    printf -v REPLY '%q' "$s"
  else
    REPLY="'${s//\'/\'\\\'\'}'"
  fi
}

# ------------------------------------------------------------ configuration
# (validated before the arguments, so a refusal can list the allowed units)
read -r -a apps <<<"${HMS_APPS-cigar tobacco}" || true
for app in "${apps[@]}"; do
  [[ $app =~ $APP_RE ]] ||
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

refuse() {
  printf '%s: refusing: %s\n' "$PROG" "$1" >&2
  printf 'Allowed units: %s\n' "${units[*]:-(none)}" >&2
  ((${#apps[@]} == 0)) || printf 'App names (mapped to <app>.service): %s\n' "${apps[*]}" >&2
  exit "$EXIT_UNKNOWN"
}

# ---------------------------------------------------------------- arguments
dry_run=0 json=0 timeout_s=10
target=() after_ddash=0
while (($# > 0)); do
  if ((after_ddash)); then
    target+=("$1")
    shift
    continue
  fi
  case $1 in
    -h | --help) usage; exit "$EXIT_OK" ;;
    --dry-run) dry_run=1 ;;
    --json) json=1 ;;
    --timeout)
      (($# >= 2)) || die_usage "option --timeout needs a value"
      if ! [[ $2 =~ ^[0-9]{1,3}$ ]] || ((10#$2 < 1 || 10#$2 > 300)); then
        die_usage "--timeout needs an integer between 1 and 300, got '$2'"
      fi
      timeout_s=$((10#$2))
      shift
      ;;
    --) after_ddash=1 ;;
    -*)
      shown "$1"
      refuse "unknown option $REPLY (units and apps never start with '-')"
      ;;
    *) target+=("$1") ;;
  esac
  shift
done
((${#target[@]} == 1)) || refuse "expected exactly one UNIT or APP, got ${#target[@]}"

arg=${target[0]}
shown "$arg"
arg_shown=$REPLY
[[ -n $arg ]] || refuse "empty unit name"
unit=''
if [[ $arg =~ $APP_RE ]]; then
  unit=$arg.service
elif [[ $arg =~ $UNIT_RE ]]; then
  unit=$arg
else
  refuse "$arg_shown is not a valid unit or app name"
fi
allowed=0
for u in "${units[@]}"; do
  if [[ $u == "$unit" ]]; then allowed=1; fi
done
((allowed)) || refuse "$arg_shown ($unit) is not a managed unit"

# ------------------------------------------------------------------ output
finish() { # code status message [state]
  local code=$1 status=$2 msg=$3 state=${4:-}
  if ((json)); then
    local out
    json_str "$unit"
    out="{\"status\":\"$status\",\"exit_code\":$code,\"unit\":$REPLY"
    if ((dry_run)); then out+=',"dry_run":true'; else out+=',"dry_run":false'; fi
    if [[ -n $state ]]; then json_str "$state"; else REPLY=null; fi
    out+=",\"active_state\":$REPLY"
    json_str "$msg"
    out+=",\"message\":$REPLY}"
    printf '%s\n' "$out"
  else
    printf '%s: %s\n' "$status" "$msg"
  fi
  exit "$code"
}

unknown() {
  printf '%s: UNKNOWN: %s\n' "$PROG" "$1" >&2
  finish "$EXIT_UNKNOWN" UNKNOWN "$1"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hms-restart.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

to=()
if command -v timeout >/dev/null 2>&1; then to=(timeout 30); fi

# active_state: sets REPLY to the unit's ActiveState; returns 1 (and sets
# errmsg) when systemctl fails.
errmsg=''
active_state() {
  local rc=0
  REPLY=$("${to[@]}" systemctl show --no-pager -p ActiveState --value -- "$unit" 2>"$tmp/err") || rc=$?
  if ((rc != 0)); then
    errmsg=$(head -c 500 "$tmp/err" | tr '\n' ' ')
    errmsg=${errmsg%" "}
    return 1
  fi
}

no_systemd() {
  if [[ $errmsg == *"not been booted with systemd"* || $errmsg == *"Failed to connect to bus"* ]]; then
    unknown "systemd is not running here (not a systemd machine): $errmsg"
  fi
  unknown "systemctl failed: $errmsg"
}

# ------------------------------------------------------------------ checks
command -v systemctl >/dev/null 2>&1 ||
  unknown "systemctl not found: this does not look like a systemd machine"
active_state || no_systemd
before=$REPLY

if [[ $unit == nginx.service ]]; then
  command -v nginx >/dev/null 2>&1 ||
    unknown "nginx binary not found: cannot run 'nginx -t' before restarting nginx.service"
  rc=0
  nginx_out=$("${to[@]}" nginx -t 2>&1) || rc=$?
  if ((rc != 0)); then
    printf '%s\n' "$nginx_out" >&2
    finish "$EXIT_CRITICAL" CRITICAL \
      "refusing to restart nginx.service: 'nginx -t' failed (exit $rc): $nginx_out" "$before"
  fi
fi

no_block=()
[[ $unit != hms-agent.service ]] || no_block=(--no-block)

if ((dry_run)); then
  msg="dry run: would run 'systemctl restart ${no_block[*]:+${no_block[*]} }$unit' (currently $before)"
  [[ $unit != nginx.service ]] || msg+="; nginx -t passed"
  [[ $unit == hms-agent.service ]] || msg+="; then wait up to ${timeout_s}s for ActiveState=active"
  finish "$EXIT_OK" OK "$msg" "$before"
fi

# ----------------------------------------------------------------- restart
rc=0
"${to[@]}" systemctl --no-ask-password "${no_block[@]}" restart -- "$unit" 2>"$tmp/restart_err" || rc=$?
restart_err=$(head -c 500 "$tmp/restart_err" | tr '\n' ' ')
restart_err=${restart_err%" "}

if [[ $unit == hms-agent.service ]]; then
  ((rc == 0)) || finish "$EXIT_CRITICAL" CRITICAL "systemctl restart $unit failed (exit $rc): $restart_err" "$before"
  finish "$EXIT_OK" OK "restart of $unit queued (not waiting: it ends the agent that runs this script)" "$before"
fi

state=''
now_us() { REPLY=${EPOCHREALTIME/./}; }
now_us
deadline=$((REPLY + timeout_s * 1000000))
while :; do
  active_state || no_systemd
  state=$REPLY
  [[ $state != active && $state != failed ]] || break
  now_us
  ((REPLY < deadline)) || break
  sleep 0.5
done

if [[ $state == active ]]; then
  finish "$EXIT_OK" OK "$unit restarted and active (was $before)" "$state"
fi
msg="$unit is '$state' after restart (waited up to ${timeout_s}s)"
((rc == 0)) || msg+="; systemctl restart exit $rc: $restart_err"
msg+="; see: journalctl -u $unit -n 50"
if command -v journalctl >/dev/null 2>&1; then
  "${to[@]}" journalctl --no-pager -n 10 -u "$unit" >&2 2>/dev/null || :
fi
finish "$EXIT_CRITICAL" CRITICAL "$msg" "$state"
