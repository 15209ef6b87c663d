#!/usr/bin/env bash
# Writes a .env for the ClockKo server from AWS Secrets Manager (the guide's snippets, made safe).
#
#   scripts/make-env.sh [--profile NAME] [--region REGION] [--output FILE] [--force]
#
# Reads SECRET_KEY from the `jwt_secret` field of clockko-jwt-secret and DATABASE_URL from
# clockko-db-creds (its `database_url` field, or built from username/password/host/port/dbname
# with the user and password percent-encoded). Needs the AWS CLI v2, a logged-in SSO profile
# (docs/aws-sso.md) and jq.
#
# Quoting rule of the file it writes: every value is in double quotes; a backslash, a double
# quote, `$` and a backtick are escaped with a backslash; a newline is written \n, a carriage
# return \r and a tab \t. Other control characters are refused. The server's .env parser reads
# such values back exactly. The file is for the server (clockko reads .env from its working
# directory): do not `source` it in a shell, which would not turn \n back into a newline.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/make-env.sh [OPTIONS]

Write a .env for the ClockKo server from AWS Secrets Manager.

Options:
  --profile NAME        AWS profile (default: $AWS_PROFILE, else clockko-cloud-engineer)
  --region REGION       AWS region (default: $AWS_REGION, else eu-west-1)
  --output FILE         file to write (default: .env)
  --force               replace FILE if it exists
  --jwt-secret-id ID    secret holding {"jwt_secret": ...} (default: clockko-jwt-secret)
  --db-secret-id ID     secret holding the database credentials (default: clockko-db-creds)
  -h, --help            show this help

The file is written with mode 600. Log in first: aws sso login --profile clockko-cloud-engineer
EOF
}

die() {
    printf 'make-env: error: %s\n' "$*" >&2
    exit 1
}

profile="${AWS_PROFILE:-clockko-cloud-engineer}"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-eu-west-1}}"
output=".env"
force=0
jwt_secret_id="clockko-jwt-secret"
db_secret_id="clockko-db-creds"

while (($# > 0)); do
    option="$1"
    case "$option" in
        -h | --help)
            usage
            exit 0
            ;;
        --force | -f)
            force=1
            shift
            continue
            ;;
        --*=*)
            value="${option#*=}"
            option="${option%%=*}"
            shift
            if [[ -z $value ]]; then
                printf 'make-env: error: %s needs a value\n' "$option" >&2
                exit 2
            fi
            ;;
        --profile | --region | --output | --jwt-secret-id | --db-secret-id)
            if (($# < 2)) || [[ -z $2 ]]; then
                printf 'make-env: error: %s needs a value\n' "$option" >&2
                exit 2
            fi
            value="$2"
            shift 2
            ;;
        *)
            printf 'make-env: error: unknown option: %s\n\n' "$option" >&2
            usage >&2
            exit 2
            ;;
    esac
    case "$option" in
        --profile) profile="$value" ;;
        --region) region="$value" ;;
        --output) output="$value" ;;
        --jwt-secret-id) jwt_secret_id="$value" ;;
        --db-secret-id) db_secret_id="$value" ;;
        *)
            printf 'make-env: error: unknown option: %s\n\n' "$option" >&2
            usage >&2
            exit 2
            ;;
    esac
done

# --- preconditions, cheapest first: nothing is asked of AWS before they hold ---------------------

command -v jq >/dev/null 2>&1 ||
    die "jq is not installed (it reads the secrets' JSON). Install it: sudo apt-get install jq (Debian/Ubuntu), brew install jq (macOS), then run this again."
command -v aws >/dev/null 2>&1 ||
    die "the AWS CLI ('aws') is not on PATH. Install AWS CLI v2 and configure the SSO profile: see docs/aws-sso.md."

if [[ -d $output ]]; then
    die "$output is a directory."
fi
if [[ (-e $output || -L $output) && $force -eq 0 ]]; then
    die "$output already exists; it was left unchanged. Run again with --force to replace it."
fi
output_dir="$(dirname -- "$output")"
[[ -d $output_dir && -w $output_dir ]] || die "cannot write into $output_dir."

work="$(mktemp -d)"
tmp_output=""
cleanup() {
    rm -rf -- "$work"
    if [[ -n $tmp_output ]]; then rm -f -- "$tmp_output"; fi
}
trap cleanup EXIT

if ! aws sts get-caller-identity --profile "$profile" --region "$region" --output json \
    >/dev/null 2>"$work/sts.err"; then
    {
        printf 'make-env: error: AWS profile "%s" is not logged in, or its SSO session has expired.\n' "$profile"
        printf '  Log in with:  aws sso login --profile %s\n' "$profile"
        printf '  (setup: docs/aws-sso.md). The AWS CLI said:\n'
        sed 's/^/    /' "$work/sts.err"
    } >&2
    exit 1
fi

# Prints the SecretString of a secret, which must be a JSON object.
fetch_secret() {
    local id="$1" file="$work/secret.json"
    if ! aws secretsmanager get-secret-value --secret-id "$id" --profile "$profile" \
        --region "$region" --output json >"$file" 2>"$work/secret.err"; then
        {
            printf 'make-env: error: cannot read secret "%s" in %s with profile "%s".\n' "$id" "$region" "$profile"
            printf '  Check its name and region, and that your role may call secretsmanager:GetSecretValue. The AWS CLI said:\n'
            sed 's/^/    /' "$work/secret.err"
        } >&2
        exit 1
    fi
    jq -ce '.SecretString | fromjson | objects' "$file" 2>/dev/null ||
        die "secret \"$id\" is not a JSON object (expected the format of docs/aws-sso.md)."
}

jwt_json="$(fetch_secret "$jwt_secret_id")"
db_json="$(fetch_secret "$db_secret_id")"

# --- the file, written entirely by jq so that no secret passes through the shell's quoting ---------

IFS= read -r -d '' jq_program <<'JQ' || true
def fail(msg): error(msg);
def text(name; value):
  if (value | type) != "string" or value == "" then fail("\(name) is missing or empty")
  elif (value | explode | any(. < 32 and . != 9 and . != 10 and . != 13 or . == 127)) then
    fail("\(name) contains a control character that a .env file cannot hold")
  else value end;
def quoted:
  "\"" + (split("\\") | join("\\\\") | split("\"") | join("\\\"") | split("$") | join("\\$")
          | split("`") | join("\\`") | split("\n") | join("\\n") | split("\r") | join("\\r")
          | split("\t") | join("\\t")) + "\"";
# @uri, and also the characters jq 1.6 leaves alone (!*'()), so every jq version agrees.
def uri: @uri | split("!") | join("%21") | split("*") | join("%2A") | split("'") | join("%27")
  | split("(") | join("%28") | split(")") | join("%29");
def db_url:
  if (.database_url | type) == "string" and .database_url != "" then .database_url
  else
    "postgresql://\(text("username in " + $db_id; .username) | uri):\(text("password in " + $db_id; .password) | uri)@\(text("host in " + $db_id; .host)):\(.port // 5432 | tostring)/\((.dbname // .db_name // "postgres") | tostring | uri)"
  end;
"SECRET_KEY=" + (text("jwt_secret in " + $jwt_id; $jwt.jwt_secret) | quoted),
"DATABASE_URL=" + ($db | text("database URL from " + $db_id; db_url) | quoted)
JQ
if ! body="$(jq -nr --argjson jwt "$jwt_json" --argjson db "$db_json" --arg jwt_id "$jwt_secret_id" \
    --arg db_id "$db_secret_id" "$jq_program" 2>"$work/jq.err")"; then
    die "$(sed -e 's/^jq: error (at [^)]*): //' -e 's/^jq: error: //' "$work/jq.err" | head -n 1)."
fi

umask 077
tmp_output="$(mktemp "$output_dir/.env.make-env.XXXXXX")"
{
    printf '# ClockKo settings from AWS Secrets Manager, written by scripts/make-env.sh.\n'
    printf '# Contains secrets: never commit or share this file (mode 600).\n'
    printf '# Values are double-quoted; \\ " $ ` are backslash-escaped, a newline is \\n.\n'
    printf '%s\n' "$body"
} >"$tmp_output"
chmod 600 "$tmp_output"
mv -f -- "$tmp_output" "$output"
tmp_output=""

printf 'make-env: wrote %s (SECRET_KEY, DATABASE_URL; mode 600) from %s and %s.\n' \
    "$output" "$jwt_secret_id" "$db_secret_id" >&2
printf 'make-env: DATABASE_URL names the RDS instance, reachable only from inside the VPC (docs/aws-sso.md).\n' >&2
