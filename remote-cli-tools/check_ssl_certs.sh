#!/usr/bin/env bash
# check_ssl_certs.sh - days until expiry of each TLS certificate file.
#
# Part of hms remote-cli-tools. Self-contained (the agent may copy a single
# script to a server): needs bash >= 4.4, coreutils (GNU date) and openssl.
#
# Exit codes (Nagios convention, fixed meaning):
#   0 OK        every certificate valid for at least --warning days
#   1 WARNING   a certificate expires in less than --warning days
#   2 CRITICAL  a certificate expires in less than --critical days, is
#               expired, or cannot be read / is not a certificate, or the
#               last ACME renewal of a site failed
#   3 UNKNOWN   usage error, openssl missing, or no certificate found
set -euo pipefail
export LC_ALL=C

readonly PROG=${0##*/}
readonly EXIT_OK=0 EXIT_WARNING=1 EXIT_CRITICAL=2 EXIT_UNKNOWN=3

usage() {
  cat <<EOF
Usage: $PROG [--warning DAYS] [--critical DAYS] [--json] [--] [CERT_FILES...]

Show how many days each certificate has left, read with
"openssl x509 -enddate -noout" (for a chain file such as fullchain.pem, the
first certificate - the server's own - is checked).

Options:
  --warning DAYS   WARNING when a certificate expires in less than DAYS days
                   (default 21)
  --critical DAYS  CRITICAL when it expires in less than DAYS days (default 7,
                   must not be above --warning). Expired => CRITICAL.
  --json           print one JSON object on stdout instead of text
  -h, --help       show this help and exit 0

Certificates checked: the CERT_FILES given; else \$HMS_CERTS; else every
  \$HMS_NGINX_SSL_DIR/*.crt and \$HMS_NGINX_SSL_DIR/*/*.crt   (/etc/nginx/ssl)
  \$HMS_LETSENCRYPT_DIR/*/fullchain.pem                      (/etc/letsencrypt/live)
that exists. A file that is missing, unreadable or not a certificate is
CRITICAL with the reason. Finding no certificate at all is UNKNOWN. A site
whose last ACME request or renewal failed (\$HMS_CERT_STATE_DIR/<site>.attempt,
written by hms) is CRITICAL with the reason hms recorded.

Environment:
  HMS_CERTS            space-separated certificate paths (empty = discover)
  HMS_NGINX_SSL_DIR    default /etc/nginx/ssl
  HMS_LETSENCRYPT_DIR  default /etc/letsencrypt/live
  HMS_CERT_STATE_DIR   default /var/lib/hosting-api/certificates

Exit codes:
  0 OK        all certificates valid for >= --warning days
  1 WARNING   some certificate expires in < --warning days
  2 CRITICAL  some certificate expires in < --critical days, is expired, or
              is unreadable / not a certificate
  3 UNKNOWN   bad arguments, openssl not installed, or no certificate found
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

days_arg() { # option value -> REPLY
  if [[ $2 =~ ^[0-9]{1,4}$ ]]; then
    REPLY=$((10#$2))
    return 0
  fi
  die_usage "option $1 needs a number of days (0-9999), got '$2'"
}

# ---------------------------------------------------------------- arguments
warning=21 critical=7 json=0
certs=()
while (($# > 0)); do
  case $1 in
    -h | --help) usage; exit "$EXIT_OK" ;;
    --json) json=1 ;;
    --warning | --critical)
      (($# >= 2)) || die_usage "option $1 needs a value"
      days_arg "$1" "$2"
      if [[ $1 == --warning ]]; then warning=$REPLY; else critical=$REPLY; fi
      shift
      ;;
    --warning=* | --critical=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}"
      continue
      ;;
    --) shift; certs+=("$@"); break ;;
    -*) die_usage "unknown option '$1'" ;;
    *) certs+=("$1") ;;
  esac
  shift
done
((critical <= warning)) || die_usage "--critical ($critical days) must not be above --warning ($warning days)"
for c in "${certs[@]}"; do
  [[ -n $c ]] || die_usage "empty certificate file name"
done

unknown() {
  printf '%s: UNKNOWN: %s\n' "$PROG" "$1" >&2
  if ((json)); then
    json_str "$1"
    printf '{"status":"UNKNOWN","exit_code":3,"summary":%s,"certificates":[]}\n' "$REPLY"
  else
    printf 'UNKNOWN: %s\n' "$1"
  fi
  exit "$EXIT_UNKNOWN"
}

command -v openssl >/dev/null 2>&1 || unknown "openssl not found: cannot read certificates"

# ----------------------------------------------------------------- discover
if ((${#certs[@]} == 0)); then
  if [[ -n ${HMS_CERTS:-} ]]; then
    read -r -a certs <<<"$HMS_CERTS" || true
  else
    ssl_dir=${HMS_NGINX_SSL_DIR:-/etc/nginx/ssl}
    le_dir=${HMS_LETSENCRYPT_DIR:-/etc/letsencrypt/live}
    for f in "$ssl_dir"/*.crt "$ssl_dir"/*/*.crt "$le_dir"/*/fullchain.pem; do
      [[ ! -e $f ]] || certs+=("$f")
    done
    if ((${#certs[@]} == 0)); then
      where="HMS_CERTS is empty; looked in $ssl_dir/*.crt, $ssl_dir/*/*.crt and $le_dir/*/fullchain.pem"
      for d in "$ssl_dir" "$le_dir"; do
        if [[ ! -e $d ]]; then
          where+="; $d does not exist"
        elif [[ ! -r $d || ! -x $d ]]; then
          where+="; $d is not readable by $(id -un 2>/dev/null || echo this user)"
        fi
      done
      unknown "no certificates found ($where)"
    fi
  fi
fi

# -------------------------------------------------------------------- check
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hms-ssl.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

now=$EPOCHSECONDS
c_path=() c_state=() c_days=() c_end=() c_end_epoch=() c_subject=() c_reason=()
n_ok=0 n_warn=0 n_crit=0

for f in "${certs[@]}"; do
  st=$EXIT_CRITICAL days='' end='' end_epoch='' subject='' reason=''
  if [[ ! -e $f ]]; then
    reason="file not found"
  elif [[ -d $f ]]; then
    reason="is a directory, not a certificate file"
  elif [[ ! -r $f ]]; then
    reason="permission denied (not readable by $(id -un 2>/dev/null || echo this user))"
  elif [[ ! -s $f ]]; then
    reason="file is empty, not a certificate"
  else
    rc=0
    openssl x509 -in "$f" -noout -enddate -subject -nameopt RFC2253 >"$tmp/out" 2>"$tmp/err" || rc=$?
    if ((rc != 0)); then
      detail=$(head -n 1 "$tmp/err" | head -c 200) || detail=''
      reason="not an X.509 certificate (PEM or DER): openssl x509 exit $rc${detail:+: $detail}"
    else
      while IFS= read -r line; do
        case $line in
          notAfter=*) end=${line#notAfter=} ;;
          subject=*) subject=${line#subject=} ;;
        esac
      done <"$tmp/out"
      subject=${subject# }
      if [[ -z $end ]] || ! end_epoch=$(date -u -d "$end" +%s 2>/dev/null); then
        reason="cannot parse the expiry date '$end'"
        end_epoch=''
      else
        secs=$((end_epoch - now))
        if ((secs <= 0)); then
          days=$(((secs - 86399) / 86400))
          reason="EXPIRED $((-secs / 86400)) day(s) ago"
        else
          days=$((secs / 86400))
          if ((days < critical)); then
            reason="expires in $days day(s) (< $critical)"
          elif ((days < warning)); then
            st=$EXIT_WARNING reason="expires in $days day(s) (< $warning)"
          else
            st=$EXIT_OK reason="expires in $days day(s)"
          fi
        fi
      fi
    fi
  fi
  case $st in
    "$EXIT_OK") n_ok=$((n_ok + 1)) ;;
    "$EXIT_WARNING") n_warn=$((n_warn + 1)) ;;
    *) n_crit=$((n_crit + 1)) ;;
  esac
  c_path+=("$f") c_state+=("$st") c_days+=("$days") c_end+=("$end") c_end_epoch+=("$end_epoch")
  c_subject+=("$subject") c_reason+=("$reason")
done

# The last ACME attempt per site, as hms records it: "ok <time>" or "failed <time> <why and what to do>".
state_dir=${HMS_CERT_STATE_DIR:-/var/lib/hosting-api/certificates}
for f in "$state_dir"/*.attempt; do
  [[ -r $f ]] || continue
  IFS= read -r line <"$f" || true
  [[ $line == failed\ * ]] || continue
  site=${f##*/}
  site=${site%.attempt}
  rest=${line#failed }
  c_path+=("$f") c_state+=("$EXIT_CRITICAL") c_days+=('') c_end+=('') c_end_epoch+=('') c_subject+=('')
  c_reason+=("last renewal of $site failed at ${rest%% *}: ${rest#* }")
  n_crit=$((n_crit + 1))
done

if ((n_crit > 0)); then code=$EXIT_CRITICAL
elif ((n_warn > 0)); then code=$EXIT_WARNING
else code=$EXIT_OK
fi
names=(OK WARNING CRITICAL UNKNOWN)
status=${names[code]}
summary="${#c_path[@]} certificate(s): $n_ok ok, $n_warn warning, $n_crit critical (warning < $warning days, critical < $critical days)"

if ((json)); then
  json_str "$summary"
  out="{\"status\":\"$status\",\"exit_code\":$code,\"summary\":$REPLY"
  out+=",\"warning_days\":$warning,\"critical_days\":$critical,\"certificates\":["
  for i in "${!c_path[@]}"; do
    ((i == 0)) || out+=','
    json_str "${c_path[i]}"
    out+="{\"path\":$REPLY,\"status\":\"${names[c_state[i]]}\""
    out+=",\"days_left\":${c_days[i]:-null}"
    if [[ -n ${c_end[i]} ]]; then json_str "${c_end[i]}"; else REPLY=null; fi
    out+=",\"not_after\":$REPLY,\"not_after_epoch\":${c_end_epoch[i]:-null}"
    if [[ -n ${c_subject[i]} ]]; then json_str "${c_subject[i]}"; else REPLY=null; fi
    out+=",\"subject\":$REPLY"
    json_str "${c_reason[i]}"
    out+=",\"reason\":$REPLY}"
  done
  printf '%s]}\n' "$out"
else
  printf '%s: %s\n' "$status" "$summary"
  for i in "${!c_path[@]}"; do
    line=$(printf '%-8s %s: %s' "${names[c_state[i]]}" "${c_path[i]}" "${c_reason[i]}")
    [[ -z ${c_end[i]} ]] || line+=" (notAfter ${c_end[i]})"
    [[ -z ${c_subject[i]} ]] || line+=" [${c_subject[i]}]"
    printf '%s\n' "$line"
  done
fi
exit "$code"
