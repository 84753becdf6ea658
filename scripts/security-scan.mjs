#!/usr/bin/env node
// Electronegativity on the built app (dist/ after `npm run build`), offline, with every finding
// checked against a triage list. Builds nothing: it scans what the build produced.
//
//   node scripts/security-scan.mjs [--input dist] [--triage scripts/security-triage.json]
//                                  [--csv <file>] [--no-lower]
//
// Equivalent CLI: npx electronegativity -i <copy of dist> -e <electron version> -r
//                 -x AvailableSecurityFixesGlobalCheck -o <file>.csv
// Why not the CLI itself: with -o it drops parse errors silently (they are printed only in table
// mode), which is how a bundle can go unscanned without anyone noticing. The package's own entry
// point (dist/runner.js, the package "main") returns findings and parse errors together, and still
// writes the same CSV.
//
// Two adjustments, both explained in docs/security.md:
// - AvailableSecurityFixesGlobalCheck is excluded: it fetches Electron's release list from GitHub
//   and fails offline. The Electron version is pinned in package.json and passed with -e.
// - The JS files are scanned from a temporary copy lowered to ES2021 with esbuild (same code,
//   class private fields rewritten): Electronegativity 1.10's AST walker stops at
//   `ClassPrivateProperty` ("Unknown node type") and would skip the whole main bundle.
//
// Exit codes: 0 every finding triaged; 1 an untriaged finding or a file that could not be parsed;
// 2 setup problem (no dist/, bad triage file).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

/** The one online check Electronegativity has; excluded so the scan runs offline. */
export const OFFLINE_EXCLUSIONS = ['AvailableSecurityFixesGlobalCheck'];

function parseArgs(argv) {
  const options = {
    input: path.join(root, 'dist'),
    triage: path.join(root, 'scripts', 'security-triage.json'),
    csv: null,
    lower: true,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--input') options.input = path.resolve(value());
    else if (arg === '--triage') options.triage = path.resolve(value());
    else if (arg === '--csv') options.csv = path.resolve(value());
    else if (arg === '--no-lower') options.lower = false;
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

/** The Electron version the app ships with: the exact pin in package.json devDependencies.electron. */
function electronVersion() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const version = pkg.devDependencies.electron;
  if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) throw new Error(`package.json pins electron as "${version}", not an exact version`);
  return version;
}

/**
 * Triage entries: { check, file, match?, verdict, reason }. `match` is a regular expression tried
 * against the finding's code sample and description. A finding is triaged when an entry has its
 * check id and file and (if given) a matching pattern.
 */
function loadTriage(file) {
  const entries = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) throw new Error(`${file}: expected an array of triage entries`);
  return entries.map((entry, index) => {
    for (const key of ['check', 'file', 'verdict', 'reason']) {
      if (typeof entry[key] !== 'string' || entry[key] === '') throw new Error(`${file}[${index}]: "${key}" is required`);
    }
    if (!['false-positive', 'mitigated', 'accepted'].includes(entry.verdict)) {
      throw new Error(`${file}[${index}]: verdict must be false-positive, mitigated or accepted`);
    }
    return { ...entry, pattern: entry.match ? new RegExp(entry.match) : null, used: 0 };
  });
}

/** Copies the input to a temp folder, lowering JS syntax the scanner's walker cannot handle. */
async function prepareScanCopy(input, lower) {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-electronegativity-'));
  fs.cpSync(input, copy, { recursive: true });
  if (lower) {
    const { transform } = await import('esbuild');
    const files = fs.readdirSync(copy, { recursive: true }).filter((f) => /\.(c|m)?js$/.test(f));
    for (const file of files) {
      const full = path.join(copy, file);
      const lowered = await transform(fs.readFileSync(full, 'utf8'), { loader: 'js', target: 'es2021', charset: 'utf8' });
      fs.writeFileSync(full, lowered.code);
    }
    // Source maps would point at the unlowered file; the scan does not need them.
    for (const map of fs.readdirSync(copy, { recursive: true }).filter((f) => f.endsWith('.map'))) fs.rmSync(path.join(copy, map));
  }
  return copy;
}

function oneLine(text, max = 160) {
  const flat = String(text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A path for messages: relative inside the project, absolute outside it. */
function shown(target) {
  const relative = path.relative(root, target);
  return relative === '' || relative.startsWith('..') ? target : relative;
}

async function main() {
  let options;
  let triage;
  let version;
  try {
    options = parseArgs(process.argv.slice(2));
    version = electronVersion();
    triage = loadTriage(options.triage);
  } catch (error) {
    console.error(`security-scan: ${error.message}`);
    return 2;
  }
  if (!fs.existsSync(options.input) || fs.readdirSync(options.input).length === 0) {
    console.error(`security-scan: ${shown(options.input)} does not exist or is empty; run \`npm run build\` first.`);
    return 2;
  }

  const copy = await prepareScanCopy(options.input, options.lower);
  // Electronegativity's package entry point: run(options, forCli=false) → { errors, issues }.
  const run = require('@doyensec/electronegativity');
  let result;
  try {
    console.log(`security-scan: Electronegativity on ${shown(options.input)} (Electron ${version}; excluded: ${OFFLINE_EXCLUSIONS.join(', ')})`);
    result = await run(
      {
        input: copy,
        // Electronegativity writes its CSV report only when asked (--csv).
        output: options.csv ?? undefined,
        isSarif: false,
        customScan: [],
        excludeFromScan: [...OFFLINE_EXCLUSIONS],
        severitySet: undefined,
        confidenceSet: undefined,
        isRelative: true,
        isVerbose: true,
        electronUpgrade: undefined,
        electronVersionOverride: version,
        parserPlugins: [],
      },
      false,
    );
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }

  const fatal = result.errors.filter((e) => !e.tolerable);
  for (const e of result.errors) {
    const file = path.relative(copy, e.file);
    console.log(`${e.tolerable ? 'WARNING' : 'PARSE ERROR'} ${file}: ${oneLine(e.message)}`);
  }
  console.log(`security-scan: ${result.globalChecks} global and ${result.atomicChecks} atomic checks; ${result.issues.length} finding(s)${options.csv ? `; CSV: ${options.csv}` : ''}`);

  let untriaged = 0;
  for (const issue of result.issues) {
    const where = `${issue.file}:${issue.location?.line ?? 0}:${issue.location?.column ?? 0}`;
    const text = `${issue.sample ?? ''}\n${issue.description ?? ''}`;
    const entry = triage.find((t) => t.check === issue.id && t.file === issue.file && (t.pattern === null || t.pattern.test(text)));
    const head = `${issue.id} [${issue.severity?.name ?? '?'}/${issue.confidence?.name ?? '?'}] ${where}`;
    if (entry) {
      entry.used += 1;
      console.log(`  ${entry.verdict.toUpperCase()}  ${head}\n      ${oneLine(issue.description)} | ${oneLine(issue.sample)}\n      why: ${oneLine(entry.reason, 300)}`);
    } else {
      untriaged += 1;
      console.log(`  UNTRIAGED  ${head}\n      ${oneLine(issue.description)} | ${oneLine(issue.sample)}`);
    }
  }
  for (const entry of triage.filter((t) => t.used === 0)) {
    console.log(`  note: triage entry no longer matches anything (${entry.check} in ${entry.file}${entry.match ? ` /${entry.match}/` : ''}); remove it from the list and docs/security.md`);
  }

  if (fatal.length > 0) console.log(`security-scan: FAILED: ${fatal.length} file(s) could not be parsed, so they were not scanned`);
  if (untriaged > 0) console.log(`security-scan: FAILED: ${untriaged} untriaged finding(s); fix them or triage them in scripts/security-triage.json and docs/security.md`);
  if (fatal.length === 0 && untriaged === 0) console.log(`security-scan: OK: ${result.issues.length} finding(s), all triaged`);
  return fatal.length > 0 || untriaged > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`security-scan: ${error.stack ?? error}`);
    process.exit(2);
  },
);
