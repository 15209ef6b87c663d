#!/usr/bin/env bash
# Validates every GitHub Actions workflow with @action-validator/cli (the workflow schema, and that
# path filters match files), then checks what a schema cannot: what triggers each workflow, what it
# runs, and that deploy.yml keeps the OIDC subject the IAM trust policy expects.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

validator="${ACTION_VALIDATOR:-$root/node_modules/.bin/action-validator}"
if [[ ! -x $validator ]]; then
    validator="$(command -v action-validator || true)"
fi
if [[ -z $validator ]]; then
    echo "action-validator not found: run 'npm ci' in $root (@action-validator/cli is in package.json)" >&2
    exit 1
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#workflows[@]} < 2)); then
    echo "expected .github/workflows/ci.yml and deploy.yml, found: ${workflows[*]:-nothing}" >&2
    exit 1
fi

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
# has FILE REGEX WHY: FILE must contain a line matching the extended REGEX.
has() {
    grep -Eq -- "$2" "$1" || fail "$1: $3 (no line matches /$2/)"
}

for workflow in "${workflows[@]}"; do
    if "$validator" "$workflow"; then
        echo "ok: $workflow is a valid workflow"
    else
        fail "$workflow does not validate"
    fi
    # Third-party actions are pinned to a release, never a moving branch.
    if grep -Eq 'uses: *[^ ]+@(main|master)\b' "$workflow"; then
        fail "$workflow uses an action at a branch"
    fi
done

ci=.github/workflows/ci.yml
deploy=.github/workflows/deploy.yml
[[ -f $ci ]] || fail "$ci is missing"
[[ -f $deploy ]] || fail "$deploy is missing"

if [[ -f $ci ]]; then
    has "$ci" '^  push:' 'CI runs on push'
    has "$ci" '^  pull_request:' 'CI runs on pull requests'
    has "$ci" 'run: make test$' 'CI runs make test'
fi

if [[ -f $deploy ]]; then
    has "$deploy" 'branches: \[main\]' 'deploys from main only'
    has "$deploy" 'id-token: write' 'may request an OIDC token'
    has "$deploy" 'uses: aws-actions/configure-aws-credentials@v' 'assumes the role with OIDC'
    has "$deploy" 'role-to-assume: \$\{\{ vars\.AWS_DEPLOY_ROLE_ARN \}\}' 'takes the role ARN from a repository variable'
    has "$deploy" 'uses: aws-actions/amazon-ecr-login@v' 'logs in to ECR'
    has "$deploy" 'docker push ' 'pushes the image'
    has "$deploy" 'uses: aws-actions/amazon-ecs-render-task-definition@v' 'renders the task definition'
    has "$deploy" 'uses: aws-actions/amazon-ecs-deploy-task-definition@v' 'deploys to ECS'
    has "$deploy" 'wait-for-service-stability: true' 'waits for the service to be stable'
    has "$deploy" 'workflow_run\.head_sha' 'tags the image with the commit CI tested'
    # A job `environment:` would change the token subject to repo:…:environment:…, which the trust
    # policy (refs/heads/main only) rejects. So would credentials kept as secrets be a regression.
    if grep -Eq '^ +environment:' "$deploy"; then
        fail "$deploy: a job environment changes the OIDC subject the role trusts"
    fi
    if grep -Eq 'aws-access-key-id|AWS_SECRET_ACCESS_KEY|secrets\.AWS_' "$deploy"; then
        fail "$deploy: uses long-lived AWS keys instead of OIDC"
    fi
fi

if ((failures > 0)); then
    echo "$failures workflow check(s) failed" >&2
    exit 1
fi
echo "all workflow checks passed"
