// Static checks of deploy/terraform (issue 6): every .tf file is parsed with @cdktf/hcl2json (no
// AWS, no Terraform, no network) and the resources, names and wiring the issue lists are asserted.
// Expressions come out of hcl2json as "${...}" strings, so references are compared as text.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, loadModule, listFiles, requireFromRepo, allStrings } from './lib.mjs';

// The server's configuration variables (API-CONTRACT.md, "Configuration" and "Throttling").
const kServerVariables = new Set([
  'DATABASE_URL', 'SECRET_KEY', 'ALGORITHM', 'ACCESS_TOKEN_EXPIRE_MINUTES', 'OTP_EXPIRE_MINUTES',
  'BCRYPT_ROUNDS', 'SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_FROM',
  'SMTP_FROM_NAME', 'SMTP_TLS', 'FRONTEND_URL', 'CORS_ORIGINS', 'HOST', 'PORT', 'APP_ENV',
  'LOG_LEVEL', 'LOG_FORMAT', 'METRICS_PORT', 'SECRET_KEY_PREVIOUS', 'REFRESH_TOKEN_EXPIRE_DAYS',
  'REFRESH_REUSE_GRACE_SECONDS', 'SHUTDOWN_DELAY_SECONDS', 'DB_CONNECT_TIMEOUT_SECONDS',
  'PASSWORD_MIN_LENGTH', 'LOGIN_MAX_FAILURES', 'LOGIN_MAX_FAILURES_ACCOUNT',
  'LOGIN_MAX_FAILURES_ADDRESS', 'THROTTLE_WINDOW_MINUTES', 'CODE_RESEND_SECONDS',
  'CODE_MAX_PER_HOUR', 'TRUSTED_PROXIES',
]);
const kLivenessPath = '/health'; // API-CONTRACT.md: GET /health, touches no dependency

let root; // deploy/terraform
let bootstrap; // deploy/terraform/bootstrap

before(async () => {
  root = await loadModule('deploy/terraform');
  bootstrap = await loadModule('deploy/terraform/bootstrap');
});

// --- helpers -------------------------------------------------------------------------------------

function resource(module, type, name) {
  const block = module.resource[type]?.[name];
  assert.ok(block, `resource ${type}.${name} is missing`);
  return block;
}
function dataSource(module, type, name) {
  const block = module.data[type]?.[name];
  assert.ok(block, `data ${type}.${name} is missing`);
  return block;
}
function resources(module, type) {
  return Object.entries(module.resource[type] ?? {});
}
function defaultOf(module, name) {
  assert.ok(module.variable[name], `variable ${name} is missing`);
  return module.variable[name].default;
}
// A policy document's statements, each with its actions and resources as arrays.
function statements(module, name) {
  return dataSource(module, 'aws_iam_policy_document', name).statement.map((s) => ({
    ...s,
    actions: [s.actions ?? []].flat(),
    resources: [s.resources ?? []].flat(),
    condition: s.condition ?? [],
  }));
}
function sorted(list) {
  return [...list].sort();
}
const container = () => root.locals.api_container;
const secretsOf = () => container().secrets;
// "${aws_secretsmanager_secret.jwt.arn}:jwt_secret::" -> { secret: 'jwt', key: 'jwt_secret' }
function parseValueFrom(valueFrom) {
  const match = /^\$\{aws_secretsmanager_secret\.([a-z_]+)\.arn\}:([A-Za-z0-9_]+)::$/.exec(valueFrom);
  assert.ok(match, `valueFrom ${valueFrom} must name one JSON key of a secret ("<arn>:<key>::"), never the whole secret`);
  return { secret: match[1], key: match[2] };
}
// String literals that look like variable names in the server's configuration loader, or null when
// the loader is not written yet.
function loaderVariableNames() {
  const sources = listFiles('src/config', (name) => name.endsWith('.cpp'));
  if (sources.length === 0) return null;
  const names = new Set();
  for (const file of sources) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/"([A-Z][A-Z0-9_]{2,})"/g)) names.add(m[1]);
  }
  return names;
}

// --- parsing and layout --------------------------------------------------------------------------

test('every .tf file in the repository parses as HCL', async () => {
  const { parse } = requireFromRepo('@cdktf/hcl2json');
  const files = listFiles('.', (name) => name.endsWith('.tf') || name.endsWith('.hcl.example') || name.endsWith('.tfvars.example'),
    ['.terraform', 'node_modules', '.git', 'build']).filter((f) => !path.basename(path.dirname(f)).startsWith('build'));
  assert.ok(files.length >= 10, `expected the Terraform files, found ${files.length}`);
  for (const file of files) {
    await assert.doesNotReject(parse(path.basename(file), fs.readFileSync(file, 'utf8')), `${path.relative(repoRoot, file)} does not parse`);
  }
});

test('region eu-west-1 and an S3 remote-state backend', () => {
  assert.equal(defaultOf(root, 'aws_region'), 'eu-west-1');
  assert.equal(root.provider.aws.region, '${var.aws_region}');
  assert.equal(defaultOf(bootstrap, 'aws_region'), 'eu-west-1');
  const backends = root.terraform.map((t) => t.backend).filter(Boolean);
  assert.equal(backends.length, 1, 'one backend block');
  assert.ok(backends[0].s3, 'the backend is S3');
});

test('names of the team guide are the defaults and are used', () => {
  const names = {
    cluster_name: 'clockko-cluster',
    service_name: 'clockko-backend-service',
    alb_name: 'clockko-backend-alb',
    jwt_secret_name: 'clockko-jwt-secret',
    db_secret_name: 'clockko-db-creds',
    log_group_name: '/clockko/app',
  };
  for (const [variable, value] of Object.entries(names)) assert.equal(defaultOf(root, variable), value, variable);
  assert.equal(resource(root, 'aws_ecs_cluster', 'main').name, '${var.cluster_name}');
  assert.equal(resource(root, 'aws_ecs_service', 'api').name, '${var.service_name}');
  assert.equal(resource(root, 'aws_lb', 'api').name, '${var.alb_name}');
  assert.equal(resource(root, 'aws_secretsmanager_secret', 'jwt').name, '${var.jwt_secret_name}');
  assert.equal(resource(root, 'aws_secretsmanager_secret', 'db').name, '${var.db_secret_name}');
  assert.equal(resource(root, 'aws_cloudwatch_log_group', 'app').name, '${var.log_group_name}');
});

// --- the container matches the server --------------------------------------------------------------

test('container port is the server default port everywhere', () => {
  const header = fs.readFileSync(path.join(repoRoot, 'src/config/config.hpp'), 'utf8');
  const match = /struct Config\s*\{[\s\S]*?\bint\s+port\s*=\s*(\d+)\s*;/.exec(header);
  assert.ok(match, 'the server default port (Config::port) is in src/config/config.hpp');
  const serverPort = Number(match[1]);
  assert.equal(serverPort, 8000);
  assert.equal(defaultOf(root, 'container_port'), serverPort);

  const port = '${var.container_port}';
  assert.deepEqual(container().portMappings.map((p) => p.containerPort), [port]);
  assert.equal(root.locals.app_environment.PORT, '${tostring(var.container_port)}', 'PORT given to the server');
  assert.equal(resource(root, 'aws_lb_target_group', 'api').port, port);
  const lb = resource(root, 'aws_ecs_service', 'api').load_balancer[0];
  assert.equal(lb.container_port, port);
  assert.equal(lb.container_name, container().name);
  assert.equal(lb.target_group_arn, '${aws_lb_target_group.api.arn}');
});

test('target group health check is the server liveness path', () => {
  assert.equal(defaultOf(root, 'health_check_path'), kLivenessPath);
  const tg = resource(root, 'aws_lb_target_group', 'api');
  const check = tg.health_check[0];
  assert.equal(check.path, '${var.health_check_path}');
  assert.equal(check.port, 'traffic-port');
  assert.equal(check.matcher, '200');
  assert.equal(tg.target_type, 'ip', 'Fargate tasks register by IP');
  assert.deepEqual(container().healthCheck.command, ['CMD', 'clockko', 'healthcheck']);
});

test('the server source serves the liveness path', (t) => {
  const sources = listFiles('src/http', (name) => /\.(cpp|hpp)$/.test(name));
  const text = sources.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  if (!sources.some((f) => f.endsWith('.cpp'))) return t.skip('src/http has no routes yet');
  assert.ok(text.includes(`"${kLivenessPath}"`), `no "${kLivenessPath}" route in src/http`);
});

test('plain settings are production ones and name only server variables', () => {
  const env = root.locals.app_environment;
  assert.equal(env.APP_ENV, 'production');
  assert.equal(env.LOG_FORMAT, 'json');
  assert.match(container().environment, /merge\(local\.app_environment, var\.extra_environment\)/);
  for (const name of Object.keys(env)) assert.ok(kServerVariables.has(name), `${name} is not a server variable`);
  for (const s of secretsOf()) assert.ok(!(s.name in env), `${s.name} must not be both plain and secret`);
  // Drained by the ALB for as long as the server keeps serving after SIGTERM.
  assert.equal(env.SHUTDOWN_DELAY_SECONDS, '${tostring(var.deregistration_delay)}');
  assert.equal(resource(root, 'aws_lb_target_group', 'api').deregistration_delay, '${var.deregistration_delay}');
  // X-Forwarded-For is trusted from the ALB's subnets only.
  assert.equal(env.TRUSTED_PROXIES, '${join(",", var.public_subnet_cidrs)}');
  assert.equal(resource(root, 'aws_lb', 'api').subnets, '${aws_subnet.public[*].id}');
  assert.equal(resource(root, 'aws_subnet', 'public').cidr_block, '${var.public_subnet_cidrs[count.index]}');
});

test('every variable the task sets is one the configuration loader reads', (t) => {
  const names = loaderVariableNames();
  if (!names) return t.skip('src/config has no loader yet');
  const used = [...Object.keys(root.locals.app_environment), ...secretsOf().map((s) => s.name)];
  for (const name of used) assert.ok(names.has(name), `the loader in src/config never reads ${name}`);
});

// --- secrets ----------------------------------------------------------------------------------------

test('SECRET_KEY is the jwt_secret field of clockko-jwt-secret, DATABASE_URL a field of clockko-db-creds', () => {
  const byName = Object.fromEntries(secretsOf().map((s) => [s.name, s.valueFrom]));
  assert.equal(byName.SECRET_KEY, '${aws_secretsmanager_secret.jwt.arn}:jwt_secret::');
  assert.equal(byName.DATABASE_URL, '${aws_secretsmanager_secret.db.arn}:database_url::');
  for (const s of secretsOf()) {
    assert.ok(kServerVariables.has(s.name), `${s.name} is not a server variable`);
    parseValueFrom(s.valueFrom);
  }
});

test('each injected JSON key exists in the secret Terraform writes', () => {
  for (const s of secretsOf()) {
    const { secret, key } = parseValueFrom(s.valueFrom);
    const version = resource(root, 'aws_secretsmanager_secret_version', secret);
    assert.equal(version.secret_id, `\${aws_secretsmanager_secret.${secret}.id}`);
    assert.match(version.secret_string, /^\$\{jsonencode\(\{/);
    assert.match(version.secret_string, new RegExp(`\\b${key}\\s*=`), `secret ${secret} has no key ${key}`);
  }
});

test('DATABASE_URL is built with the password URL-encoded', () => {
  const url = root.locals.database_url;
  assert.match(url, /postgresql:\/\//);
  assert.match(url, /urlencode\(random_password\.db\.result\)/);
  const uses = url.match(/random_password\.db\.result/g);
  const encoded = url.match(/urlencode\(random_password\.db\.result\)/g);
  assert.equal(uses.length, encoded.length, 'the password appears only URL-encoded');
  assert.match(url, /urlencode\(var\.db_username\)/);
  assert.match(url, /sslmode=require/);
  assert.match(resource(root, 'aws_secretsmanager_secret_version', 'db').secret_string, /database_url\s*=\s*local\.database_url/);
  assert.equal(resource(root, 'aws_db_instance', 'main').password, '${random_password.db.result}');
});

test('the execution role reads exactly the secrets the task injects', () => {
  const injected = sorted(new Set(secretsOf().map((s) => `\${aws_secretsmanager_secret.${parseValueFrom(s.valueFrom).secret}.arn}`)));
  assert.ok(injected.includes('${aws_secretsmanager_secret.jwt.arn}'));
  assert.ok(injected.includes('${aws_secretsmanager_secret.db.arn}'));
  assert.deepEqual(sorted(root.locals.task_secret_arns), injected);

  const td = resource(root, 'aws_ecs_task_definition', 'api');
  assert.equal(td.execution_role_arn, '${aws_iam_role.execution.arn}');
  const policy = resource(root, 'aws_iam_role_policy', 'execution');
  assert.equal(policy.role, '${aws_iam_role.execution.id}');
  assert.equal(policy.policy, '${data.aws_iam_policy_document.execution.json}');
  const secretStatements = statements(root, 'execution').filter((s) => s.actions.some((a) => a.startsWith('secretsmanager:')));
  assert.equal(secretStatements.length, 1);
  assert.deepEqual(secretStatements[0].actions, ['secretsmanager:GetSecretValue']);
  assert.deepEqual(secretStatements[0].resources, ['${local.task_secret_arns}']);
  for (const s of statements(root, 'execution')) {
    if (s.resources.includes('*')) assert.deepEqual(s.actions, ['ecr:GetAuthorizationToken']);
  }
  assert.deepEqual(sorted(statements(root, 'execution').flatMap((s) => s.actions)), [
    'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer',
    'logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue',
  ]);
  const attachments = resources(root, 'aws_iam_role_policy_attachment').filter(([, a]) => a.role === '${aws_iam_role.execution.name}');
  assert.deepEqual(attachments, [], 'no managed policy widens the execution role');
});

// --- network exposure -------------------------------------------------------------------------------

test('security groups chain ALB -> tasks -> RDS', () => {
  assert.deepEqual(resources(root, 'aws_security_group_rule'), [], 'use aws_vpc_security_group_*_rule resources');
  for (const [name, group] of resources(root, 'aws_security_group')) {
    assert.equal(group.ingress, undefined, `security group ${name} has inline rules`);
  }
  const ingress = resources(root, 'aws_vpc_security_group_ingress_rule').map(([, r]) => r);
  const into = (group) => ingress.filter((r) => r.security_group_id === `\${aws_security_group.${group}.id}`);

  const alb = into('alb');
  assert.deepEqual(sorted(alb.map((r) => r.from_port)), [443, 80]);
  for (const r of alb) {
    assert.equal(r.to_port, r.from_port);
    assert.equal(r.cidr_ipv4, '0.0.0.0/0');
  }

  const tasks = into('tasks');
  assert.equal(tasks.length, 1, 'one way into the tasks');
  assert.equal(tasks[0].referenced_security_group_id, '${aws_security_group.alb.id}');
  assert.equal(tasks[0].from_port, '${var.container_port}');
  assert.equal(tasks[0].to_port, '${var.container_port}');
  assert.equal(tasks[0].cidr_ipv4, undefined);

  const db = into('db');
  assert.equal(db.length, 1, 'one way into the database');
  assert.equal(db[0].referenced_security_group_id, '${aws_security_group.tasks.id}');
  assert.equal(db[0].from_port, 5432);
  assert.equal(db[0].to_port, 5432);

  assert.equal(ingress.length, alb.length + tasks.length + db.length, 'no other ingress rule');
  for (const r of ingress) {
    if (r.cidr_ipv4 !== undefined || r.cidr_ipv6 !== undefined) assert.equal(r.security_group_id, '${aws_security_group.alb.id}');
  }

  assert.deepEqual(resource(root, 'aws_lb', 'api').security_groups, ['${aws_security_group.alb.id}']);
  assert.deepEqual(resource(root, 'aws_ecs_service', 'api').network_configuration[0].security_groups, ['${aws_security_group.tasks.id}']);
  assert.deepEqual(resource(root, 'aws_db_instance', 'main').vpc_security_group_ids, ['${aws_security_group.db.id}']);
});

test('nothing but the ALB is public', () => {
  const lbs = resources(root, 'aws_lb');
  assert.equal(lbs.length, 1);
  assert.equal(lbs[0][1].internal, false);
  assert.equal(lbs[0][1].load_balancer_type, 'application');

  const net = resource(root, 'aws_ecs_service', 'api').network_configuration[0];
  assert.equal(net.assign_public_ip, false);
  assert.equal(net.subnets, '${aws_subnet.private[*].id}');

  const db = resource(root, 'aws_db_instance', 'main');
  assert.equal(db.publicly_accessible, false);
  assert.equal(db.db_subnet_group_name, '${aws_db_subnet_group.main.name}');
  assert.equal(resource(root, 'aws_db_subnet_group', 'main').subnet_ids, '${aws_subnet.private[*].id}');

  for (const [name, subnet] of resources(root, 'aws_subnet')) assert.equal(subnet.map_public_ip_on_launch, false, `subnet ${name}`);
  const privateRoutes = resource(root, 'aws_route_table', 'private').route;
  assert.ok(privateRoutes.every((r) => r.gateway_id === undefined && r.nat_gateway_id), 'private subnets route out through the NAT only');
  assert.equal(resource(root, 'aws_route_table_association', 'private').route_table_id, '${aws_route_table.private.id}');
  assert.deepEqual(resources(root, 'aws_instance'), []);
  for (const [name, eip] of resources(root, 'aws_eip')) {
    assert.equal(eip.instance, undefined, `elastic IP ${name} on an instance`);
    assert.ok(Object.values(root.resource.aws_nat_gateway ?? {}).some((n) => n.allocation_id === `\${aws_eip.${name}.id}`), `elastic IP ${name} is not the NAT's`);
  }
});

test('HTTP listener, and HTTPS with a redirect when a certificate ARN is given', () => {
  assert.equal(defaultOf(root, 'certificate_arn'), '');
  assert.equal(root.locals.https_enabled, '${var.certificate_arn != ""}');

  const forward = resource(root, 'aws_lb_listener', 'http_forward');
  assert.equal(forward.count, '${local.https_enabled ? 0 : 1}');
  assert.equal(forward.port, 80);
  assert.equal(forward.default_action[0].type, 'forward');
  assert.equal(forward.default_action[0].target_group_arn, '${aws_lb_target_group.api.arn}');

  const redirect = resource(root, 'aws_lb_listener', 'http_redirect');
  assert.equal(redirect.count, '${local.https_enabled ? 1 : 0}');
  assert.equal(redirect.port, 80);
  assert.equal(redirect.default_action[0].type, 'redirect');
  assert.deepEqual(redirect.default_action[0].redirect[0], { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' });

  const https = resource(root, 'aws_lb_listener', 'https');
  assert.equal(https.count, '${local.https_enabled ? 1 : 0}');
  assert.equal(https.port, 443);
  assert.equal(https.protocol, 'HTTPS');
  assert.equal(https.certificate_arn, '${var.certificate_arn}');
  assert.match(https.ssl_policy, /^ELBSecurityPolicy-TLS13/);
  assert.equal(https.default_action[0].target_group_arn, '${aws_lb_target_group.api.arn}');
  for (const [, l] of resources(root, 'aws_lb_listener')) assert.equal(l.load_balancer_arn, '${aws_lb.api.arn}');
});

// --- ECS, ECR, RDS, logs ---------------------------------------------------------------------------

test('Fargate service with circuit breaker and rollback, logs to /clockko/app', () => {
  const service = resource(root, 'aws_ecs_service', 'api');
  assert.equal(service.cluster, '${aws_ecs_cluster.main.id}');
  assert.equal(service.launch_type, 'FARGATE');
  assert.deepEqual(service.deployment_circuit_breaker, [{ enable: true, rollback: true }]);
  assert.equal(service.task_definition, '${aws_ecs_task_definition.api.arn}');

  const td = resource(root, 'aws_ecs_task_definition', 'api');
  assert.deepEqual(td.requires_compatibilities, ['FARGATE']);
  assert.equal(td.network_mode, 'awsvpc');
  assert.equal(td.task_role_arn, '${aws_iam_role.task.arn}');
  assert.equal(td.container_definitions, '${jsonencode([local.api_container])}');
  assert.equal(defaultOf(root, 'task_family'), 'clockko-backend');

  assert.equal(container().image, '${aws_ecr_repository.api.repository_url}:${var.image_tag}');
  const logs = container().logConfiguration;
  assert.equal(logs.logDriver, 'awslogs');
  assert.equal(logs.options['awslogs-group'], '${aws_cloudwatch_log_group.app.name}');
  assert.equal(logs.options['awslogs-region'], '${var.aws_region}');
  assert.equal(resource(root, 'aws_cloudwatch_log_group', 'app').retention_in_days, '${var.log_retention_days}');
  assert.ok(defaultOf(root, 'log_retention_days') > 0);
});

test('ECR scans on push and has a lifecycle policy', () => {
  const repo = resource(root, 'aws_ecr_repository', 'api');
  assert.deepEqual(repo.image_scanning_configuration, [{ scan_on_push: true }]);
  assert.equal(repo.image_tag_mutability, 'IMMUTABLE');
  const lifecycle = resource(root, 'aws_ecr_lifecycle_policy', 'api');
  assert.equal(lifecycle.repository, '${aws_ecr_repository.api.name}');
  assert.match(lifecycle.policy, /imageCountMoreThan/);
  assert.match(lifecycle.policy, /untagged/);
});

test('RDS PostgreSQL 15, encrypted, private, with backups and a deletion-protection variable', () => {
  const db = resource(root, 'aws_db_instance', 'main');
  assert.equal(db.engine, 'postgres');
  assert.match(String(db.engine_version), /^15(\.|$)/);
  assert.equal(db.storage_encrypted, true);
  assert.equal(db.publicly_accessible, false);
  assert.equal(db.backup_retention_period, '${var.db_backup_retention_days}');
  assert.ok(defaultOf(root, 'db_backup_retention_days') >= 1);
  assert.equal(db.deletion_protection, '${var.db_deletion_protection}');
  assert.equal(root.variable.db_deletion_protection.type, '${bool}');
  assert.equal(db.port, 5432);
  const params = resource(root, 'aws_db_parameter_group', 'postgres15');
  assert.equal(params.family, 'postgres15');
  assert.deepEqual(params.parameter.find((p) => p.name === 'rds.force_ssl'), { name: 'rds.force_ssl', value: '1' });
});

// --- GitHub Actions OIDC role ------------------------------------------------------------------------

test('the OIDC role trusts only the main branch of the configured repository', () => {
  assert.equal(root.variable.github_repository.default, undefined, 'the repository is given, not assumed');
  const role = resource(root, 'aws_iam_role', 'github_deploy');
  assert.equal(role.assume_role_policy, '${data.aws_iam_policy_document.github_trust.json}');
  const trust = statements(root, 'github_trust');
  assert.equal(trust.length, 1);
  const [s] = trust;
  assert.equal(s.effect, 'Allow');
  assert.deepEqual(s.actions, ['sts:AssumeRoleWithWebIdentity']);
  assert.deepEqual(s.principals, [{ type: 'Federated', identifiers: ['${local.github_oidc_provider_arn}'] }]);
  const conditions = Object.fromEntries(s.condition.map((c) => [c.variable, c]));
  assert.deepEqual(conditions['token.actions.githubusercontent.com:sub'],
    { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:sub', values: ['repo:${var.github_repository}:ref:refs/heads/main'] });
  assert.deepEqual(conditions['token.actions.githubusercontent.com:aud'],
    { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] });
  assert.equal(resource(root, 'aws_iam_openid_connect_provider', 'github').url, 'https://token.actions.githubusercontent.com');
});

test('the OIDC role may push this ECR repository and update this service only', () => {
  const policy = resource(root, 'aws_iam_role_policy', 'github_deploy');
  assert.equal(policy.role, '${aws_iam_role.github_deploy.id}');
  assert.equal(policy.policy, '${data.aws_iam_policy_document.github_deploy.json}');
  assert.deepEqual(resources(root, 'aws_iam_role_policy_attachment').filter(([, a]) => a.role === '${aws_iam_role.github_deploy.name}'), []);

  const all = statements(root, 'github_deploy');
  const kUnscopable = ['ecr:GetAuthorizationToken', 'ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition'];
  for (const s of all) {
    assert.equal(s.effect, 'Allow');
    for (const action of s.actions) assert.ok(!action.includes('*'), `wildcard action ${action}`);
    if (s.resources.includes('*')) {
      assert.deepEqual(s.resources, ['*']);
      for (const action of s.actions) assert.ok(kUnscopable.includes(action), `${action} on every resource`);
    }
  }
  const actionsOn = (resourceRef) => all.filter((s) => s.resources.includes(resourceRef)).flatMap((s) => s.actions);
  const granted = all.flatMap((s) => s.actions);
  for (const action of ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:BatchCheckLayerAvailability']) {
    assert.ok(actionsOn('${aws_ecr_repository.api.arn}').includes(action), `${action} on the repository`);
  }
  assert.ok(actionsOn('${aws_ecs_service.api.id}').includes('ecs:UpdateService'));
  assert.ok(actionsOn('${aws_ecs_service.api.id}').includes('ecs:DescribeServices'));
  for (const s of all) {
    for (const r of s.resources) {
      assert.ok(['*', '${aws_ecr_repository.api.arn}', '${aws_ecs_service.api.id}', '${aws_iam_role.task.arn}', '${aws_iam_role.execution.arn}'].includes(r), `unexpected resource ${r}`);
    }
  }
  // Exactly what pushing an image and rolling out a service takes, nothing more.
  const kDeployActions = [
    'ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:CompleteLayerUpload', 'ecr:DescribeImages',
    'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer', 'ecr:InitiateLayerUpload', 'ecr:PutImage',
    'ecr:UploadLayerPart', 'ecs:DescribeServices', 'ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition',
    'ecs:UpdateService', 'iam:PassRole',
  ];
  assert.deepEqual(sorted(new Set(granted)), kDeployActions);

  const passRole = all.filter((s) => s.actions.includes('iam:PassRole'));
  assert.equal(passRole.length, 1);
  assert.deepEqual(passRole[0].actions, ['iam:PassRole']);
  assert.deepEqual(sorted(passRole[0].resources), ['${aws_iam_role.execution.arn}', '${aws_iam_role.task.arn}']);
  assert.deepEqual(passRole[0].condition, [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['ecs-tasks.amazonaws.com'] }]);
});

test('the deploy workflow names what Terraform creates, and the role allows what it calls', () => {
  const workflow = fs.readFileSync(path.join(repoRoot, '.github/workflows/deploy.yml'), 'utf8');
  const env = (name) => new RegExp(`^  ${name}: (\\S+)$`, 'm').exec(workflow)?.[1];
  assert.equal(env('AWS_REGION'), defaultOf(root, 'aws_region'));
  assert.equal(env('ECR_REPOSITORY'), defaultOf(root, 'ecr_repository_name'));
  assert.equal(env('ECS_CLUSTER'), defaultOf(root, 'cluster_name'));
  assert.equal(env('ECS_SERVICE'), defaultOf(root, 'service_name'));
  assert.equal(env('TASK_FAMILY'), defaultOf(root, 'task_family'));
  assert.equal(env('CONTAINER_NAME'), defaultOf(root, 'container_name'));
  const granted = statements(root, 'github_deploy').flatMap((s) => s.actions);
  for (const [call, action] of [['aws ecr describe-images', 'ecr:DescribeImages'], ['aws ecs describe-task-definition', 'ecs:DescribeTaskDefinition']]) {
    assert.ok(workflow.includes(call), call);
    assert.ok(granted.includes(action), `${call} needs ${action}`);
  }
});

// --- outputs, bootstrap, account independence ----------------------------------------------------

test('outputs include alb_dns_name and ecr_repository_url', () => {
  assert.equal(root.output.alb_dns_name.value, '${aws_lb.api.dns_name}');
  assert.equal(root.output.ecr_repository_url.value, '${aws_ecr_repository.api.repository_url}');
  assert.equal(root.output.github_deploy_role_arn.value, '${aws_iam_role.github_deploy.arn}');
});

test('no ARN, account id or credential is written into the Terraform', () => {
  for (const module of [root, bootstrap]) {
    for (const s of allStrings(module)) {
      assert.doesNotMatch(s, /arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/, `literal ARN: ${s}`);
      assert.doesNotMatch(s, /\b\d{12}\b/, `account id? ${s}`);
    }
  }
});

test('bootstrap: versioned, encrypted, private state bucket and a lock table', async () => {
  const bucket = resource(bootstrap, 'aws_s3_bucket', 'state');
  assert.deepEqual(bucket.lifecycle, [{ prevent_destroy: true }]);
  const ref = '${aws_s3_bucket.state.id}';
  const versioning = resource(bootstrap, 'aws_s3_bucket_versioning', 'state');
  assert.equal(versioning.bucket, ref);
  assert.equal(versioning.versioning_configuration[0].status, 'Enabled');
  const sse = resource(bootstrap, 'aws_s3_bucket_server_side_encryption_configuration', 'state');
  assert.equal(sse.bucket, ref);
  assert.match(sse.rule[0].apply_server_side_encryption_by_default[0].sse_algorithm, /^(aws:kms|AES256)$/);
  const block = resource(bootstrap, 'aws_s3_bucket_public_access_block', 'state');
  assert.equal(block.bucket, ref);
  for (const key of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets']) assert.equal(block[key], true, key);
  assert.equal(resource(bootstrap, 'aws_s3_bucket_policy', 'state').policy, '${data.aws_iam_policy_document.state_bucket.json}');
  const deny = statements(bootstrap, 'state_bucket')[0];
  assert.equal(deny.effect, 'Deny');
  assert.equal(deny.condition[0].variable, 'aws:SecureTransport');

  const table = resource(bootstrap, 'aws_dynamodb_table', 'locks');
  assert.equal(table.name, '${var.lock_table_name}');
  assert.equal(table.hash_key, 'LockID');
  assert.deepEqual(table.attribute, [{ name: 'LockID', type: 'S' }]);
  assert.equal(table.server_side_encryption[0].enabled, true);

  // The example backend file points at what the bootstrap makes.
  const { parse } = requireFromRepo('@cdktf/hcl2json');
  const backend = await parse('backend.hcl', fs.readFileSync(path.join(repoRoot, 'deploy/terraform/backend.hcl.example'), 'utf8'));
  assert.equal(backend.dynamodb_table, defaultOf(bootstrap, 'lock_table_name'));
  assert.equal(backend.key, defaultOf(bootstrap, 'state_key'));
  assert.equal(backend.region, 'eu-west-1');
  assert.equal(backend.encrypt, true);
  assert.match(backend.bucket, /<ACCOUNT_ID>/);
});
