// Helpers shared by the deployment checks: where the repository is, the npm tools of its
// package.json, and reading its Terraform with @cdktf/hcl2json.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// Resolves an npm package from the repository's node_modules (npm ci), or from NODE_PATH.
export function requireFromRepo(name) {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  try {
    return require(name);
  } catch (error) {
    throw new Error(`cannot load ${name}: run \`npm ci\` in ${repoRoot} (it is in package.json). ${error.message}`);
  }
}

// Every file under `dir` (relative to the repository) whose name passes `keep`, sorted.
export function listFiles(dir, keep, skipDirs = ['.terraform', 'node_modules', '.git']) {
  const out = [];
  const walk = (abs) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const child = path.join(abs, entry.name);
      if (entry.isDirectory()) {
        if (!skipDirs.includes(entry.name)) walk(child);
      } else if (keep(entry.name)) {
        out.push(child);
      }
    }
  };
  const root = path.join(repoRoot, dir);
  if (fs.existsSync(root)) walk(root);
  return out.sort();
}

// Parses every .tf file of one Terraform module (one folder, not its subfolders) and merges them
// the way Terraform does: the blocks of all files side by side.
export async function loadModule(dir) {
  const { parse } = requireFromRepo('@cdktf/hcl2json');
  const abs = path.join(repoRoot, dir);
  const files = fs.readdirSync(abs).filter((name) => name.endsWith('.tf')).sort();
  const module = { files, resource: {}, data: {}, variable: {}, output: {}, locals: {}, terraform: [], provider: {} };
  for (const name of files) {
    const json = await parse(name, fs.readFileSync(path.join(abs, name), 'utf8'));
    for (const kind of ['resource', 'data']) {
      for (const [type, byName] of Object.entries(json[kind] ?? {})) {
        module[kind][type] ??= {};
        for (const [label, blocks] of Object.entries(byName)) {
          if (module[kind][type][label]) throw new Error(`${kind} ${type}.${label} is declared twice (${name})`);
          module[kind][type][label] = blocks[0];
        }
      }
    }
    for (const kind of ['variable', 'output', 'provider']) {
      for (const [label, blocks] of Object.entries(json[kind] ?? {})) {
        if (module[kind][label]) throw new Error(`${kind} ${label} is declared twice (${name})`);
        module[kind][label] = blocks[0];
      }
    }
    for (const block of json.locals ?? []) Object.assign(module.locals, block);
    module.terraform.push(...(json.terraform ?? []));
  }
  return module;
}

// Every string anywhere inside a parsed value.
export function allStrings(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => allStrings(item, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => allStrings(item, out));
  return out;
}
