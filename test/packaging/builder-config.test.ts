/**
 * electron-builder.yml is code: validated against electron-builder's own JSON schema, and its
 * security-relevant settings (fuses, asar, protocol, shipped files) asserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  files: string[];
  protocols: unknown;
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; desktop: { entry: Record<string, string> } };
  mac: { target: string[] };
  win: { target: string[] };
}

const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("validates against electron-builder's schema (app-builder-lib/scheme.json)", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail (an unknown key is rejected)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ ...config, notAnOption: true })).toBe(false);
  });

  it('identity, asar and the callback scheme', () => {
    expect(config.appId).toBe('com.jobberconnect.app');
    expect(config.productName).toBe('Jobber Connect');
    expect(config.asar).toBe(true);
    expect(config.protocols).toEqual([{ name: expect.any(String), schemes: ['com.jobberconnect.app'] }]);
    expect(config.linux.desktop.entry.MimeType).toBe('x-scheme-handler/com.jobberconnect.app');
  });

  it('targets AppImage + deb, dmg and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('fuses: RunAsNode, NODE_OPTIONS, --inspect and file:// extra privileges off; cookie encryption, asar-only and asar integrity on', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      // The renderer is served over app://, so file: pages need nothing beyond a browser's rights.
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("every fuse name is one electron-builder's schema knows (a misspelt fuse would be silently ignored)", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    expect(known).toContain('grantFileProtocolExtraPrivileges');
    for (const fuse of Object.keys(config.electronFuses)) expect(known, fuse).toContain(fuse);
  });

  it('ships only built output and package.json', () => {
    const included = config.files.filter((pattern) => !pattern.startsWith('!'));
    expect(included.sort()).toEqual(['dist/main/**/*', 'dist/preload/**/*', 'dist/renderer/**/*', 'package.json']);
    expect(config.files).toContain('!**/*.map');
  });

  it('package.json points main at the bundled main process', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/main/main.js');
  });
});
